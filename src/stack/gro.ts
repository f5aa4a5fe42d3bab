// Receive coalescing (GRO-like): while a driver hands the stack a batch of packets
// (Stack.receiveBatch), in-order data segments of one flow are merged into one larger segment
// before TCP input sees them, and — when asked — runs of pure ACKs are collapsed to the newest.
// Every wire segment has had its IP header and TCP checksum verified before it gets here.
//
// Merging rules (a segment joins the held one only if all hold; otherwise the held one is handed
// to TCP first, so TCP still sees segments in arrival order):
//   - same addresses and ports, same IP ECN codepoint (a CE mark stays on its own segment's data);
//   - flags of both are ACK, optionally PSH (and FIN on the joining one); no SYN/RST/URG/ECE/CWR;
//     the held segment has no PSH or FIN yet (a PSH or FIN ends a merge, as it ends a GRO flow);
//   - SEG.SEQ is exactly where the held data ends; same SEG.ACK, same window field, byte-identical
//     options (timestamps included, so PAWS and RTTM see what each piece said);
//   - every piece merged so far had the first piece's size, the joining one is not larger (a
//     short piece ends the run), and the total stays within MERGE_LIMIT.
//
// What TCP acknowledges does not change. The core acknowledges at poll() time: a batch of in-order
// segments received between two polls has always drawn one cumulative ACK (RFC 9293 §3.8.6.3 and
// RFC 1122 §4.2.3.2 leave the timing to the receiver: an ACK is owed once two full-sized segments
// are unacknowledged and goes out at the end of the batch). A merged segment counts its bytes, so
// two or more full-sized wire segments in it make the ACK owed exactly as the separate segments
// would have; a single one is never merged. The ACK that goes out is the same segment either way.
//
// ACK collapsing (opt-in, InterfaceConfig.groAcks): of consecutive pure ACKs of one flow without
// SACK blocks whose SEG.ACK strictly increases, only the newest reaches TCP. Duplicate ACKs (equal
// SEG.ACK) are never collapsed, so fast retransmit (RFC 5681 §3.2) counts them all; but a slow-start
// sender growing cwnd by one SMSS per ACK (RFC 5681 §3.1) grows more slowly, hence opt-in.

import { u16, u32 } from '../wire/bytes.js';
import { parseTcp } from '../wire/tcp.js';
import type { TcpRepr } from '../wire/tcp-types.js';
import type { IpAddress } from './types.js';

const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;
const EMPTY = new Uint8Array(0);
/**
 * Most payload bytes one merged segment may carry. Larger than any wire segment (TCP input works
 * in sequence space and takes a long in-order run as one) and the size of the merge buffer, which
 * is reused from one merge to the next: TCP input copies what it keeps (into the receive buffer or
 * the out-of-order queue) before the next merge, so merging allocates nothing after the first.
 */
const MERGE_LIMIT = 256 * 1024;

/** Hands one (possibly merged) segment to TCP. A merged payload is valid only during the call. */
export type GroDeliver = (src: IpAddress, dst: IpAddress, seg: TcpRepr, ecn: number) => void;

export interface GroCounters {
  /** Wire segments that went into merged segments. */
  segmentsMerged: number;
  /** Merged segments handed to TCP. */
  merges: number;
  /** Pure ACKs dropped because a newer one of the same flow followed in the batch. */
  acksCollapsed: number;
}

export class Gro {
  /** On while a batch is being received. */
  active = false;
  /** Collapse runs of pure ACKs (see the file comment). */
  collapseAcks = false;
  readonly counters: GroCounters = { segmentsMerged: 0, merges: 0, acksCollapsed: 0 };

  #held: Uint8Array | undefined; // TCP bytes of the first held segment (header + its payload)
  #kind: 'data' | 'ack' = 'data';
  #src = '';
  #dst = '';
  #ecn = 0;
  #parts: Uint8Array[] = [];
  #size = 0; // payload bytes of the first piece
  #total = 0;
  #nextSeq = 0;
  #lastFlags = 0;
  #short = false;
  #merge = EMPTY; // the reused merge buffer (MERGE_LIMIT bytes once a merge happened)

  constructor(private readonly deliver: GroDeliver) {}

  /**
   * A TCP segment (checksum verified) during a batch. Returns true when it was taken (held or
   * merged); false when the caller must hand it to TCP itself (after this flushed what it held).
   */
  offer(src: IpAddress, dst: IpAddress, tcp: Uint8Array, ecn: number): boolean {
    const hl = (tcp[12]! >>> 4) << 2;
    if (hl < 20 || hl > tcp.length) {
      this.flush();
      return false;
    }
    const flags = tcp[13]! | ((tcp[12]! & 0x0f) << 8);
    const len = tcp.length - hl;
    const held = this.#held;
    if (held !== undefined && this.#joins(held, src, dst, tcp, hl, flags, len, ecn)) return true;
    this.flush();
    if (len > 0 && (flags & ~(PSH | FIN)) === ACK && (flags & (PSH | FIN)) === 0) {
      this.#hold('data', src, dst, tcp, ecn);
      this.#parts.push(tcp.subarray(hl));
      this.#size = len;
      this.#total = len;
      this.#nextSeq = (u32(tcp, 4) + len) >>> 0;
      this.#lastFlags = flags;
      this.#short = false;
      return true;
    }
    if (this.collapseAcks && len === 0 && flags === ACK && !hasSack(tcp, hl)) {
      this.#hold('ack', src, dst, tcp, ecn);
      return true;
    }
    return false;
  }

  /** Hands what is held to TCP (end of batch, another flow, a segment that cannot join). */
  flush(): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    const parts = this.#parts;
    this.#parts = [];
    const r = parseTcp(held, 0, held.length, 'lenient');
    if (!r.ok) return; // cannot happen: the stack parsed the header's length already
    const seg = r.value;
    if (this.#kind === 'data' && parts.length > 1) {
      if (this.#merge.length < this.#total) this.#merge = new Uint8Array(MERGE_LIMIT);
      const merged = this.#merge;
      let off = 0;
      for (const p of parts) {
        merged.set(p, off);
        off += p.length;
      }
      seg.payload = merged.subarray(0, off);
      seg.flags |= this.#lastFlags & (PSH | FIN);
      this.counters.merges++;
      this.counters.segmentsMerged += parts.length;
    }
    this.deliver(this.#src, this.#dst, seg, this.#ecn);
  }

  #hold(kind: 'data' | 'ack', src: IpAddress, dst: IpAddress, tcp: Uint8Array, ecn: number): void {
    this.#held = tcp;
    this.#kind = kind;
    this.#src = src;
    this.#dst = dst;
    this.#ecn = ecn;
  }

  #joins(held: Uint8Array, src: IpAddress, dst: IpAddress, tcp: Uint8Array, hl: number, flags: number, len: number, ecn: number): boolean {
    if (ecn !== this.#ecn || src !== this.#src || dst !== this.#dst) return false;
    if (u32(tcp, 0) !== u32(held, 0)) return false; // both ports
    if (this.#kind === 'ack') {
      if (len !== 0 || flags !== ACK || hasSack(tcp, hl)) return false;
      const d = (u32(tcp, 8) - u32(held, 8)) | 0;
      if (d <= 0 || u32(tcp, 4) !== u32(held, 4)) return false;
      this.#held = tcp; // the newer ACK replaces the held one
      this.counters.acksCollapsed++;
      return true;
    }
    if (len === 0 || this.#short || len > this.#size || this.#total + len > MERGE_LIMIT) return false;
    if ((flags & ~(PSH | FIN)) !== ACK || (this.#lastFlags & (PSH | FIN)) !== 0) return false;
    if (u32(tcp, 4) !== this.#nextSeq || u32(tcp, 8) !== u32(held, 8) || u16(tcp, 14) !== u16(held, 14)) return false;
    const hhl = (held[12]! >>> 4) << 2;
    if (hhl !== hl) return false;
    for (let i = 20; i < hl; i++) if (tcp[i] !== held[i]) return false;
    this.#parts.push(tcp.subarray(hl));
    this.#total += len;
    this.#nextSeq = (this.#nextSeq + len) >>> 0;
    this.#lastFlags = flags;
    if (len < this.#size) this.#short = true;
    if (flags & (PSH | FIN)) this.flush();
    return true;
  }
}

/** Whether the options of a TCP header carry a SACK block (kind 5). Malformed lists count as SACK. */
function hasSack(tcp: Uint8Array, hl: number): boolean {
  let i = 20;
  while (i < hl) {
    const k = tcp[i]!;
    if (k === 0) return false;
    if (k === 1) {
      i++;
      continue;
    }
    if (k === 5) return true;
    const l = i + 1 < hl ? tcp[i + 1]! : 0;
    if (l < 2) return true;
    i += l;
  }
  return false;
}
