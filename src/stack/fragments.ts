// Glue between inbound IP fragments and the reassembly buffers (reassembly.ts): the per-family keys,
// what is kept from the first fragment, and how the reassembled packet is rebuilt.
//   IPv4 (RFC 791 §3.2): key = (source, destination, protocol, identification). The rebuilt packet
//   is the first fragment's header with Total Length, MF and Fragment Offset fixed and a new checksum.
//   IPv6 (RFC 8200 §4.5): key = (source, destination, identification). The rebuilt packet is the
//   first fragment's unfragmentable part with Payload Length updated and the Next Header field that
//   named the Fragment header set to the Fragment header's Next Header, followed by the data.

import { put16, u16, u32 } from '../wire/bytes.js';
import { internetChecksum } from '../wire/checksum.js';
import { formatIpv4, formatIpv6 } from '../wire/address.js';
import { ByteBudget, Reassembler, type DropReason } from './reassembly.js';

/** Bytes of the first fragment kept to quote in an ICMP Time Exceeded (RFC 1812 §4.3.2.3 / RFC 4443 §2.4(c)). */
const QUOTE_V4 = 576 - 28;
const QUOTE_V6 = 1280 - 48;

interface FirstV4 {
  header: Uint8Array;
  quote: Uint8Array;
  ifIndex: number;
}

interface FirstV6 {
  /** Unfragmentable part (fixed header and the extension headers before the Fragment header). */
  header: Uint8Array;
  /** Offset, within `header`, of the Next Header field that named the Fragment header. */
  protoField: number;
  /** Next Header carried in the Fragment header. */
  nextHeader: number;
  quote: Uint8Array;
  ifIndex: number;
}

export type FragmentOutcome =
  | { kind: 'complete'; packet: Uint8Array }
  | { kind: 'held' }
  | { kind: 'dropped'; reason: DropReason }
  /** RFC 8200 §4.5: discard and send Parameter Problem code 0 with this pointer. */
  | { kind: 'param-problem'; pointer: number };

/** A datagram that timed out after its first fragment arrived: send Time Exceeded code 1 quoting `quote`. */
export interface TimedOut {
  family: 4 | 6;
  quote: Uint8Array;
  ifIndex: number;
}

export class Fragments {
  readonly budget: ByteBudget;
  readonly v4: Reassembler<FirstV4>;
  readonly v6: Reassembler<FirstV6>;

  constructor(budgetBytes: number, timeoutV4Ms: number, timeoutV6Ms: number) {
    this.budget = new ByteBudget(budgetBytes);
    this.v4 = new Reassembler<FirstV4>(this.budget, timeoutV4Ms, 'ipv4');
    this.v6 = new Reassembler<FirstV6>(this.budget, timeoutV6Ms, 'ipv6');
  }

  /** `pkt` is exactly one IPv4 fragment (Total Length bytes), header already validated. */
  addV4(pkt: Uint8Array, ifIndex: number, now: number): FragmentOutcome {
    const hl = (pkt[0]! & 0x0f) << 2;
    const flags = u16(pkt, 6);
    const more = (flags & 0x2000) !== 0;
    const offset = (flags & 0x1fff) << 3;
    const data = pkt.subarray(hl);
    // RFC 791 §3.2: every fragment but the last carries a multiple of 8 data bytes.
    if (more && (data.length & 7) !== 0) return { kind: 'dropped', reason: 'inconsistent-length' };
    const key = `${formatIpv4(pkt, 12)}>${formatIpv4(pkt, 16)}/${pkt[9]}#${u16(pkt, 4)}`;
    const first = offset === 0 ? { header: pkt.slice(0, hl), quote: pkt.slice(0, Math.min(pkt.length, QUOTE_V4)), ifIndex } : undefined;
    const r = this.v4.add(first ? { key, offset, more, data, maxEnd: 65535 - 20, first } : { key, offset, more, data, maxEnd: 65535 - 20 }, now);
    if (r.kind !== 'complete') return r;
    const h = r.first.header;
    const total = h.length + r.payload.length;
    if (total > 65535) return { kind: 'dropped', reason: 'too-big' };
    const out = new Uint8Array(total);
    out.set(h, 0);
    out.set(r.payload, h.length);
    put16(out, 2, total);
    put16(out, 6, u16(out, 6) & 0x4000); // keep DF, clear MF and the offset
    put16(out, 10, 0);
    put16(out, 10, internetChecksum(out, 0, h.length));
    return { kind: 'complete', packet: out };
  }

  /**
   * `pkt` is one IPv6 packet (40 + Payload Length bytes) whose Fragment header sits at `fragOff`
   * and is named by the Next Header field at `protoField`.
   */
  addV6(pkt: Uint8Array, fragOff: number, protoField: number, ifIndex: number, now: number): FragmentOutcome {
    const offset = u16(pkt, fragOff + 2) & 0xfff8;
    const more = (pkt[fragOff + 3]! & 1) === 1;
    const data = pkt.subarray(fragOff + 8);
    // RFC 8200 §4.5: M set and a length not a multiple of 8 → Parameter Problem at Payload Length.
    if (more && (data.length & 7) !== 0) return { kind: 'param-problem', pointer: 4 };
    // Reassembled Payload Length = unfragmentable part after the fixed header + fragmentable part.
    const maxEnd = 65535 - (fragOff - 40);
    if (offset + data.length > maxEnd) return { kind: 'param-problem', pointer: fragOff + 2 };
    const key = `${formatIpv6(pkt, 8)}>${formatIpv6(pkt, 24)}#${u32(pkt, fragOff + 4)}`;
    const first = offset === 0 ? { header: pkt.slice(0, fragOff), protoField, nextHeader: pkt[fragOff]!, quote: pkt.slice(0, Math.min(pkt.length, QUOTE_V6)), ifIndex } : undefined;
    const r = this.v6.add(first ? { key, offset, more, data, maxEnd, first } : { key, offset, more, data, maxEnd }, now);
    if (r.kind !== 'complete') return r;
    const f = r.first;
    const out = new Uint8Array(f.header.length + r.payload.length);
    out.set(f.header, 0);
    out.set(r.payload, f.header.length);
    put16(out, 4, out.length - 40);
    out[f.protoField] = f.nextHeader;
    return { kind: 'complete', packet: out };
  }

  /**
   * Drops timed-out datagrams: returns how many timed out and those owed an ICMP Time Exceeded
   * (RFC 792 / RFC 8200 §4.5: only when the first fragment had arrived).
   */
  expire(now: number): { count: number; owed: TimedOut[] } {
    const owed: TimedOut[] = [];
    const a = this.v4.expire(now);
    const b = this.v6.expire(now);
    for (const e of a) if (e.first) owed.push({ family: 4, quote: e.first.quote, ifIndex: e.first.ifIndex });
    for (const e of b) if (e.first) owed.push({ family: 6, quote: e.first.quote, ifIndex: e.first.ifIndex });
    return { count: a.length + b.length, owed };
  }

  nextDeadline(): number | undefined {
    const a = this.v4.nextDeadline();
    const b = this.v6.nextDeadline();
    if (a === undefined) return b;
    if (b === undefined) return a;
    return Math.min(a, b);
  }

  get datagrams(): number {
    return this.v4.size + this.v6.size;
  }
}
