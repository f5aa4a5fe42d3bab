// Path MTU cache: per-destination estimates learned from ICMP "fragmentation needed" (RFC 1191) and
// ICMPv6 "packet too big" (RFC 8201).
//   - RFC 1191 §3 / RFC 8201 §4: an estimate is never raised by a message, only lowered.
//   - Floors: RFC 1191 §3 "MUST never reduce its estimate below 68 octets"; RFC 8201 §4 "MUST NOT
//     reduce ... below the IPv6 minimum link MTU" (1280). Both are configurable upward (e.g. 552 or
//     576 for IPv4, as some hosts choose against forged tiny values).
//   - RFC 1191 §6.3 / RFC 8201 §5.3: estimates age out (10 minutes suggested) so that a path that got
//     better is rediscovered.
// Memory is bounded: beyond `maxEntries` the oldest entry is dropped.

export interface PmtuConfig {
  /** Lowest IPv4 path MTU accepted (RFC 1191: 68). */
  min4: number;
  /** Lowest IPv6 path MTU accepted (RFC 8201: 1280). */
  min6: number;
  /** How long a learned estimate is kept (ms). */
  ageMs: number;
  maxEntries: number;
}

export const DEFAULT_PMTU: PmtuConfig = { min4: 68, min6: 1280, ageMs: 10 * 60_000, maxEntries: 4096 };

interface PmtuEntry {
  mtu: number;
  expires: number;
}

/**
 * RFC 1191 §7 plateau table, used when a router's "fragmentation needed" carries no next-hop MTU
 * (pre-RFC 1191 routers send 0): the next plateau below the size of the datagram that was too big.
 */
const PLATEAUS = [65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68];

export function plateauBelow(size: number): number {
  for (const p of PLATEAUS) if (p < size) return p;
  return 68;
}

export class PmtuCache {
  private readonly entries = new Map<string, PmtuEntry>();

  constructor(readonly config: PmtuConfig = DEFAULT_PMTU) {}

  get size(): number {
    return this.entries.size;
  }

  /** The learned estimate for `dst` at `now`, or undefined when none is (still) valid. */
  get(dst: string, now: number): number | undefined {
    const e = this.entries.get(dst);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.entries.delete(dst);
      return undefined;
    }
    return e.mtu;
  }

  /**
   * Records a reported MTU for `dst`, clamped to the family floor. Returns the estimate now in force,
   * or undefined when the report was ignored (it would not lower the current estimate).
   */
  update(dst: string, family: 4 | 6, reported: number, currentMtu: number, now: number): number | undefined {
    const floor = family === 4 ? this.config.min4 : this.config.min6;
    const mtu = Math.max(floor, Math.floor(reported));
    const current = Math.min(currentMtu, this.get(dst, now) ?? Infinity);
    if (mtu >= current) return undefined; // RFC 1191 §3, RFC 8201 §4: never raise on a message
    this.entries.delete(dst);
    this.entries.set(dst, { mtu, expires: now + this.config.ageMs });
    while (this.entries.size > this.config.maxEntries) {
      for (const k of this.entries.keys()) {
        this.entries.delete(k);
        break;
      }
    }
    return mtu;
  }
}
