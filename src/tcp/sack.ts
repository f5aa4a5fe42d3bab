// Selective acknowledgment: RFC 2018 (SACK blocks), RFC 2883 (D-SACK) and the RFC 6675 sender
// (scoreboard, IsLost, pipe, NextSeg). A TcpConfig switch (`sack`), used only when both SYNs carry
// SACK-permitted. The receiver side reports what reassembly holds; the sender side keeps which
// bytes above SND.UNA the peer holds, so loss recovery retransmits holes, not the whole window.

import type { TcpOption, TcpRepr } from '../wire/tcp-types.js';
import type { TcpConnection } from './connection.js';
import { seqAdd, seqDiff } from './seq.js';

// ================================================================ receiver (RFC 2018 §4, RFC 2883)

/** Held out-of-order data as merged [start, end) stream-offset blocks. */
function heldBlocks(c: TcpConnection): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [s, e] of c.ooo.ranges()) {
    const last = out[out.length - 1];
    if (last !== undefined && last[1] >= s) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/**
 * An out-of-order segment at stream offset `off` was received (held, or already held: `dup`).
 * RFC 2018 §4: the first block reported next is the one holding it; RFC 2883 §4: a duplicate is
 * reported first in a D-SACK block.
 */
export function noteOutOfOrder(c: TcpConnection, seq: number, off: number, len: number, dup: boolean): void {
  if (!c.sackOk) return;
  if (dup) c.dsack = [seq, seqAdd(seq, len)];
  c.sackRecent = [off, ...c.sackRecent.filter((o) => o !== off)].slice(0, 4);
}

/**
 * RFC 2883 §4: part of a segment (at `seq`, stream offset `off`) repeats data already held out of
 * order: the first such contiguous range is reported in a D-SACK block — unless the segment's
 * front, below RCV.NXT, is already being reported (one D-SACK block per segment, the first range).
 */
export function noteHeldDuplicate(c: TcpConnection, seq: number, off: number, len: number): void {
  if (!c.sackOk || len <= 0 || c.ooo.isEmpty) return;
  if (c.dsack !== undefined && c.dsack[1] === seq) return;
  const dup = c.ooo.firstOverlap(off, len);
  if (dup !== undefined) c.dsack = [seqAdd(seq, dup[0] - off), seqAdd(seq, dup[1] - off)];
}

/** RFC 2883 §4: a segment (or its front) below RCV.NXT was a duplicate: report it in a D-SACK block. */
export function noteDuplicate(c: TcpConnection, seq: number, len: number): void {
  if (!c.sackOk || len <= 0) return;
  c.dsack = [seq, seqAdd(seq, len)];
}

/**
 * The SACK option for the next segment, or undefined. Blocks: a pending D-SACK first (RFC 2883),
 * then the block holding the most recent segment, then the most recently reported others
 * (RFC 2018 §4), at most as many as fit beside the timestamp option (3, else 4).
 */
export function sackOption(c: TcpConnection): TcpOption | undefined {
  if (!c.sackOk || (c.dsack === undefined && c.ooo.isEmpty)) return undefined;
  const max = c.tsOk ? 3 : 4;
  const blocks: Array<[number, number]> = [];
  if (c.dsack !== undefined) {
    blocks.push(c.dsack);
    c.dsack = undefined;
  }
  if (!c.ooo.isEmpty) {
    const held = heldBlocks(c);
    const used = new Set<number>();
    const toSeq = (o: number): number => seqAdd(c.rcvNxt, o - c.rcvOff);
    const recent: number[] = [];
    for (const off of c.sackRecent) {
      const i = held.findIndex(([s, e]) => s <= off && off < e);
      if (i < 0 || used.has(i)) continue;
      used.add(i);
      recent.push(off);
      if (blocks.length < max) blocks.push([toSeq(held[i]![0]), toSeq(held[i]![1])]);
    }
    c.sackRecent = recent;
    // Held blocks never reported yet (e.g. after the list was trimmed), lowest first.
    for (let i = 0; i < held.length && blocks.length < max; i++) if (!used.has(i)) blocks.push([toSeq(held[i]![0]), toSeq(held[i]![1])]);
  }
  return blocks.length > 0 ? { kind: 'sack', blocks } : undefined;
}

// ================================================================ sender (RFC 6675)

/** The block lists of every empty scoreboard (no SACK seen): frozen, replaced before any write. */
const NONE: readonly number[] = Object.freeze([]);

/** SACK blocks of a segment, if any. */
export function sackBlocks(seg: TcpRepr): Array<[number, number]> | undefined {
  for (const o of seg.options) if (o.kind === 'sack') return o.blocks;
  return undefined;
}

/**
 * Which bytes above SND.UNA the peer has SACKed, as sorted, disjoint [start, end) offsets from
 * SND.UNA; and HighRxt (RFC 6675 §2), the end of the last retransmission of this recovery.
 */
export class Scoreboard {
  starts: readonly number[] = NONE;
  ends: readonly number[] = NONE;
  /** RFC 6675 HighRxt as an offset from SND.UNA (0: nothing retransmitted yet). */
  highRxt = 0;

  get isEmpty(): boolean {
    return this.starts.length === 0;
  }

  clear(): void {
    this.starts = NONE;
    this.ends = NONE;
    this.highRxt = 0;
  }

  /** SND.UNA moved up by `acked` bytes: rebase, dropping what is now cumulatively acknowledged. */
  advance(acked: number): void {
    if (acked <= 0) return;
    this.highRxt = Math.max(0, this.highRxt - acked);
    if (this.starts.length === 0) return;
    const s: number[] = [];
    const e: number[] = [];
    for (let i = 0; i < this.starts.length; i++) {
      const end = this.ends[i]! - acked;
      if (end <= 0) continue;
      s.push(Math.max(0, this.starts[i]! - acked));
      e.push(end);
    }
    this.starts = s.length > 0 ? s : NONE;
    this.ends = e.length > 0 ? e : NONE;
  }

  /**
   * Adds the blocks of an ACK (sequence numbers) given SND.UNA and SND.MAX; blocks at or below
   * SND.UNA (D-SACK, RFC 2883) or beyond SND.MAX are ignored. Returns true if anything was new.
   */
  update(blocks: Array<[number, number]>, una: number, max: number): boolean {
    const limit = seqDiff(max, una);
    let changed = false;
    for (const [l, r] of blocks) {
      const s = seqDiff(l, una);
      const e = seqDiff(r, una);
      if (e <= 0 || s >= e || e > limit || s < 0) continue;
      changed = this.#add(s, e) || changed;
    }
    return changed;
  }

  #add(s: number, e: number): boolean {
    let i = 0;
    while (i < this.starts.length && this.ends[i]! < s) i++;
    let j = i;
    let ns = s;
    let ne = e;
    while (j < this.starts.length && this.starts[j]! <= e) {
      ns = Math.min(ns, this.starts[j]!);
      ne = Math.max(ne, this.ends[j]!);
      j++;
    }
    if (j === i + 1 && this.starts[i] === ns && this.ends[i] === ne) return false;
    if (this.starts === NONE) {
      this.starts = [];
      this.ends = [];
    }
    (this.starts as number[]).splice(i, j - i, ns);
    (this.ends as number[]).splice(i, j - i, ne);
    return true;
  }

  /**
   * RFC 6675 §4 IsLost(off): at least DupThresh discontiguous SACKed blocks, or more than
   * (DupThresh − 1)·SMSS SACKed bytes, lie above it.
   */
  isLost(off: number, smss: number, dupThresh: number): boolean {
    let blocks = 0;
    let bytes = 0;
    for (let i = this.starts.length - 1; i >= 0 && this.ends[i]! > off; i--) {
      blocks++;
      bytes += this.ends[i]! - Math.max(off + 1, this.starts[i]!);
      if (blocks >= dupThresh || bytes > (dupThresh - 1) * smss) return true;
    }
    return false;
  }

  /**
   * RFC 6675 §4 SetPipe over [0, flight): every byte not SACKed counts unless it is lost, and
   * counts (again) if it was retransmitted (below HighRxt). Evaluated per hole, lost-ness taken at
   * the hole's start (the bytes of one hole share their SACKed-above count).
   */
  pipe(flight: number, smss: number, dupThresh: number): number {
    let pipe = 0;
    let pos = 0;
    for (let i = 0; i <= this.starts.length; i++) {
      const holeEnd = i < this.starts.length ? this.starts[i]! : flight;
      if (holeEnd > pos) {
        const lost = i < this.starts.length && this.isLost(pos, smss, dupThresh);
        const rxt = Math.max(0, Math.min(holeEnd, this.highRxt) - pos);
        pipe += (lost ? 0 : holeEnd - pos) + rxt;
      }
      if (i < this.starts.length) pos = Math.max(pos, this.ends[i]!);
    }
    return pipe;
  }

  /**
   * RFC 6675 §4 NextSeg rules 1 and 3 (rule 2, new data, is the caller's): the first hole byte at or
   * above HighRxt that IsLost, else (rule 3) one that merely has SACKed data above it. Returns
   * [offset, length ≤ smss] or undefined.
   */
  nextSeg(smss: number, dupThresh: number, rule3: boolean): [number, number] | undefined {
    let pos = 0;
    let fallback: [number, number] | undefined;
    for (let i = 0; i < this.starts.length; i++) {
      const holeEnd = this.starts[i]!;
      const from = Math.max(pos, this.highRxt);
      if (holeEnd > from) {
        const len = Math.min(smss, holeEnd - from);
        if (this.isLost(from, smss, dupThresh)) return [from, len];
        if (rule3) fallback ??= [from, len];
      }
      pos = Math.max(pos, this.ends[i]!);
    }
    return fallback;
  }

  /** A retransmission covered [off, end): HighRxt moves up to its end. */
  retransmitted(end: number): void {
    if (end > this.highRxt) this.highRxt = end;
  }
}
