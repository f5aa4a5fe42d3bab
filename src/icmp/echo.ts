// Outstanding echo requests sent by stack.ping(), so that replies (RFC 792 type 0, RFC 4443 §4.2
// type 129) and ICMP errors quoting our requests can be matched and timed. Bounded: beyond `limit`
// the oldest request is forgotten (its reply, if it ever comes, is then ignored).

import type { IpAddress } from '../stack/types.js';

interface Pending {
  sentAt: number;
}

export class EchoTracker {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly limit = 4096) {}

  get size(): number {
    return this.pending.size;
  }

  private static key(family: 4 | 6, peer: IpAddress, id: number, seq: number): string {
    return `${family}|${peer}|${id}|${seq}`;
  }

  record(family: 4 | 6, dst: IpAddress, id: number, seq: number, now: number): void {
    const k = EchoTracker.key(family, dst, id, seq);
    this.pending.delete(k);
    this.pending.set(k, { sentAt: now });
    while (this.pending.size > this.limit) {
      for (const old of this.pending.keys()) {
        this.pending.delete(old);
        break;
      }
    }
  }

  /** Removes and returns the send time of the matching request, if we sent one. */
  take(family: 4 | 6, peer: IpAddress, id: number, seq: number): number | undefined {
    const k = EchoTracker.key(family, peer, id, seq);
    const p = this.pending.get(k);
    if (!p) return undefined;
    this.pending.delete(k);
    return p.sentAt;
  }

  has(family: 4 | 6, peer: IpAddress, id: number, seq: number): boolean {
    return this.pending.has(EchoTracker.key(family, peer, id, seq));
  }
}
