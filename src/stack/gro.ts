// Receive coalescing (GRO-like): while a driver hands the stack a batch of packets
// (Stack.receiveBatch), in-order data segments of one flow are merged into one larger segment
// before TCP input sees them, and — when asked — runs of pure ACKs are collapsed to the newest.
// Every wire segment has had its IP header verified before it gets here. Its TCP checksum either was
// verified too, or (offer with a pseudo-header sum) is verified here before anything of the segment
// reaches TCP: the payload is summed while it is copied into the merge buffer (one pass over the
// bytes instead of a checksum pass and a copy pass), a segment handed on alone is summed as it is.
// A piece that fails is dropped (RFC 9293 §3.1, RFC 1122 §4.2.2.7: silently discarded and counted);
// the run's good pieces before it still go to TCP merged, those after it go one by one.
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
import { checksumOk, copyAndSum, fold, sumWords } from '../wire/checksum.js';
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

/** A segment GRO took unverified failed its checksum and was dropped. */
export type GroBadChecksum = () => void;

/** In #sums: the piece's checksum was verified by the caller. */
const VERIFIED = -1;

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
  /** Per piece: its TCP bytes, and the pseudo-header sum its checksum still has to be verified with (or VERIFIED). */
  #segs: Uint8Array[] = [];
  #sums: number[] = [];
  #size = 0; // payload bytes of the first piece
  #total = 0;
  #nextSeq = 0;
  #lastFlags = 0;
  #short = false;
  #merge = EMPTY; // the reused merge buffer (MERGE_LIMIT bytes once a merge happened)

  constructor(
    private readonly deliver: GroDeliver,
    private readonly bad: GroBadChecksum = () => {},
  ) {}

  /**
   * A TCP segment during a batch: checksum verified, or with `pseudo` (its pseudo-header sum,
   * RFC 9293 §3.1) not yet verified — GRO then verifies it before TCP sees any of it. Returns true
   * when it was taken (held or merged); false when the caller must verify (if it has not) and hand
   * it to TCP itself, after this flushed what it held.
   */
  offer(src: IpAddress, dst: IpAddress, tcp: Uint8Array, ecn: number, pseudo = VERIFIED): boolean {
    const hl = (tcp[12]! >>> 4) << 2;
    if (hl < 20 || hl > tcp.length) {
      this.flush();
      return false;
    }
    const flags = tcp[13]! | ((tcp[12]! & 0x0f) << 8);
    const len = tcp.length - hl;
    const held = this.#held;
    if (held !== undefined && this.#joins(held, src, dst, tcp, hl, flags, len, ecn, pseudo)) return true;
    this.flush();
    if (len > 0 && (flags & ~(PSH | FIN)) === ACK && (flags & (PSH | FIN)) === 0) {
      this.#hold('data', src, dst, tcp, ecn);
      this.#parts.push(tcp.subarray(hl));
      this.#segs.push(tcp);
      this.#sums.push(pseudo);
      this.#size = len;
      this.#total = len;
      this.#nextSeq = (u32(tcp, 4) + len) >>> 0;
      this.#lastFlags = flags;
      this.#short = false;
      return true;
    }
    if (this.collapseAcks && len === 0 && flags === ACK && !hasSack(tcp, hl) && verified(tcp, pseudo)) {
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
    const segs = this.#segs;
    const sums = this.#sums;
    this.#parts = [];
    this.#segs = [];
    this.#sums = [];
    if (this.#kind === 'ack' || parts.length === 1) {
      if (this.#kind === 'data' && !verified(held, sums[0]!)) return this.bad();
      const r = parseTcp(held, 0, held.length, 'lenient');
      if (r.ok) this.deliver(this.#src, this.#dst, r.value, this.#ecn); // (it cannot fail: the stack parsed the header's length already)
      return;
    }
    if (this.#merge.length < this.#total) this.#merge = new Uint8Array(MERGE_LIMIT);
    const merged = this.#merge;
    // Copy the pieces, summing each one's payload on the way when its checksum is still unverified.
    let off = 0;
    let good = 0;
    for (; good < parts.length; good++) {
      const p = parts[good]!;
      const pseudo = sums[good]!;
      if (pseudo === VERIFIED) merged.set(p, off);
      else {
        const seg = segs[good]!;
        const hl = seg.length - p.length;
        if (fold(copyAndSum(p, 0, merged, off, p.length, sumWords(seg, 0, hl, pseudo))) !== 0xffff) break;
      }
      off += p.length;
    }
    if (good > 0) {
      const r = parseTcp(held, 0, held.length, 'lenient');
      if (r.ok) {
        const seg = r.value;
        seg.payload = merged.subarray(0, off);
        if (good === parts.length) seg.flags |= this.#lastFlags & (PSH | FIN); // a cut run ends before any PSH/FIN
        if (good > 1) {
          this.counters.merges++;
          this.counters.segmentsMerged += good;
        }
        this.deliver(this.#src, this.#dst, seg, this.#ecn);
      }
    }
    if (good === parts.length) return;
    this.bad();
    // Rare: the pieces after a bad one, each on its own (TCP queues them out of order).
    for (let i = good + 1; i < parts.length; i++) {
      const seg = segs[i]!;
      if (!verified(seg, sums[i]!)) {
        this.bad();
        continue;
      }
      const r = parseTcp(seg, 0, seg.length, 'lenient');
      if (r.ok) this.deliver(this.#src, this.#dst, r.value, this.#ecn);
    }
  }

  #hold(kind: 'data' | 'ack', src: IpAddress, dst: IpAddress, tcp: Uint8Array, ecn: number): void {
    this.#held = tcp;
    this.#kind = kind;
    this.#src = src;
    this.#dst = dst;
    this.#ecn = ecn;
  }

  #joins(held: Uint8Array, src: IpAddress, dst: IpAddress, tcp: Uint8Array, hl: number, flags: number, len: number, ecn: number, pseudo: number): boolean {
    if (ecn !== this.#ecn || src !== this.#src || dst !== this.#dst) return false;
    if (u32(tcp, 0) !== u32(held, 0)) return false; // both ports
    if (this.#kind === 'ack') {
      if (len !== 0 || flags !== ACK || hasSack(tcp, hl)) return false;
      const d = (u32(tcp, 8) - u32(held, 8)) | 0;
      if (d <= 0 || u32(tcp, 4) !== u32(held, 4) || !verified(tcp, pseudo)) return false;
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
    this.#segs.push(tcp);
    this.#sums.push(pseudo);
    this.#total += len;
    this.#nextSeq = (this.#nextSeq + len) >>> 0;
    this.#lastFlags = flags;
    if (len < this.#size) this.#short = true;
    if (flags & (PSH | FIN)) this.flush();
    return true;
  }
}

/** Whether a segment's checksum verifies (RFC 9293 §3.1), or was verified by the caller. */
function verified(tcp: Uint8Array, pseudo: number): boolean {
  return pseudo === VERIFIED || checksumOk(tcp, 0, tcp.length, pseudo);
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
