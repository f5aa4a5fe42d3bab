// Where the PSH bit goes (TcpConfig.pushRule).
//
// RFC 9293 §3.9.1 leaves PSH placement to the sender: data the user asked to push must be sent
// promptly and the last segment carrying it should have PSH set; nothing forbids PSH elsewhere.
// - 'rfc9293' (default): PSH on the segment that empties the send queue (every write is a push).
// - 'linux': PSH where a Linux sender puts it, modelled as marks on sequence numbers:
//   * write side (onWrite): the data of each write() is laid out in chunks of a "size goal" —
//     half the largest window the peer has offered, in whole segments (at least one, at most
//     64 KiB); a write that goes on filling the unsent tail chunk takes the PSH mark off it.
//     PSH is marked at the end of each write, and at the end of a full chunk when more than half
//     the largest window has been written since the last mark (a "forced push").
//   * send side: segments leave in bursts (one TSO/GSO packet each) of at most a per-millisecond
//     share of the pacing rate (at least pushBurstMinSegments, at most 64 KiB), within what cwnd and the
//     window allow in one output pass. A burst of more than one segment carries PSH on its last
//     segment (so that the receiver's GRO flushes); a lone segment carries it only when it ends
//     exactly at a marked sequence number.
// Memory: one entry per chunk of data queued or unacknowledged, capped (MAX_CHUNKS).

import type { TcpDatagram } from '../stack/types.js';
import { TcpFlag } from '../wire/tcp-types.js';
import type { TcpConnection } from './connection.js';
import { pacingRate } from './pacing.js';
import { seqAdd, seqDiff, seqGt, seqLe } from './seq.js';

export type PushRule = 'rfc9293' | 'linux';

const MAX_CHUNKS = 1024;
/** Largest TSO/GSO packet: 64 KiB. */
const GSO_MAX = 65_536;
/** Linux's TCP_MSS_DEFAULT: below it the whole window, not half, bounds the size goal. */
const SMALL_WINDOW = 536;

export class PushMarks {
  /** Chunk ends (sequence numbers, ascending) of data queued or unacknowledged, and their PSH marks. */
  readonly ends: number[] = [];
  readonly psh: boolean[] = [];
  /** Sequence number at which the last PSH mark was set (a forced push counts from it). */
  pushedSeq: number;
  /** The burst being sent in this output pass: its segments, its last datagram, where it ends. */
  burstSegs = 0;
  burstLast: TcpDatagram | undefined = undefined;
  burstEnd = 0;
  burstClosed = true;

  constructor(writeSeq: number) {
    this.pushedSeq = writeSeq;
  }
}

function marks(c: TcpConnection): PushMarks | undefined {
  if (c.host.config.pushRule !== 'linux') return undefined;
  return (c.pushMarks ??= new PushMarks(c.dataHeadSeq()));
}

/** Chunks wholly acknowledged are forgotten. */
function trim(c: TcpConnection, m: PushMarks): void {
  let k = 0;
  while (k < m.ends.length && seqLe(m.ends[k]!, c.sndUna)) k++;
  if (k > 0) {
    m.ends.splice(0, k);
    m.psh.splice(0, k);
  }
}

/** Bytes per chunk: half the largest window the peer offered, whole segments, 1 segment to 64 KiB. */
export function sizeGoal(c: TcpConnection): number {
  const mss = Math.max(1, c.sndMss);
  const w = c.maxSndWnd;
  const cutoff = w > SMALL_WINDOW ? Math.floor(w / 2) : w;
  const goal = cutoff > 0 && cutoff < GSO_MAX ? cutoff : GSO_MAX;
  return Math.max(mss, Math.floor(goal / mss) * mss);
}

function forced(c: TcpConnection, m: PushMarks, writeSeq: number): boolean {
  return seqGt(writeSeq, seqAdd(m.pushedSeq, Math.floor(c.maxSndWnd / 2)));
}

function mark(m: PushMarks, writeSeq: number): void {
  if (m.psh.length > 0) m.psh[m.psh.length - 1] = true;
  m.pushedSeq = writeSeq;
}

/** Where the unsent part of the last chunk begins: its start, or `sentTo` (SND.NXT) if part of it was sent. */
function tailUnsentFrom(c: TcpConnection, m: PushMarks, sentTo: number = c.sndNxt): number {
  const k = m.ends.length - 1;
  let from = k > 0 ? m.ends[k - 1]! : c.dataHeadSeq();
  if (seqGt(sentTo, from)) from = sentTo;
  return from;
}

/**
 * Where sending reaches when a full chunk is pushed while a write is still being copied (Linux
 * sends as soon as a chunk is full): from `sentTo`, whole segments up to `writeSeq` within cwnd and
 * the peer's window. The part of the chunk that left is split off it, so the write goes on
 * filling the rest of that chunk.
 */
function sentAfterPush(c: TcpConnection, sentTo: number, writeSeq: number): number {
  const mss = Math.max(1, c.sndMss);
  const inFlight = seqDiff(sentTo, c.sndUna);
  const room = Math.min(c.cc.cwnd - inFlight, seqDiff(seqAdd(c.sndUna, c.sndWnd), sentTo), seqDiff(writeSeq, sentTo));
  return room >= mss ? seqAdd(sentTo, Math.floor(room / mss) * mss) : sentTo;
}

/**
 * A write of `n` bytes was queued (the send buffer now ends at the write's end). `more`: the user
 * said more data follows at once (MSG_MORE): no mark at its end unless a forced push is due.
 */
export function pushMarksOnWrite(c: TcpConnection, n: number, more = false): void {
  const m = marks(c);
  if (m === undefined || n <= 0) return;
  trim(c, m);
  const writeEnd = seqAdd(c.dataHeadSeq(), c.sendBuf.length);
  let seq = seqAdd(writeEnd, -n);
  const goal = sizeGoal(c);
  let first = true;
  let sentTo = c.sndNxt;
  for (let left = n; left > 0; ) {
    const k = m.ends.length - 1;
    const unsent = k >= 0 && m.ends[k] === seq ? seqDiff(seq, tailUnsentFrom(c, m, sentTo)) : 0;
    let copy: number;
    if (unsent > 0 && unsent < goal) {
      copy = Math.min(goal - unsent, left);
      if (first) m.psh[k] = false; // the write goes on: the chunk no longer ends one
      m.ends[k] = seqAdd(seq, copy);
    } else {
      copy = Math.min(goal, left);
      if (m.ends.length >= MAX_CHUNKS) {
        m.ends.shift();
        m.psh.shift();
      }
      m.ends.push(seqAdd(seq, copy));
      m.psh.push(false);
    }
    first = false;
    seq = seqAdd(seq, copy);
    left -= copy;
    // A full chunk with more to come: a forced push when over half the largest window is unpushed;
    // either way what cwnd and the window allow is sent at once.
    if (left > 0 && seqDiff(seq, tailUnsentFrom(c, m, sentTo)) >= goal) {
      if (forced(c, m, seq)) mark(m, seq);
      if (pushesWhileCopying(c)) sentTo = sentAfterPush(c, sentTo, seq);
    }
  }
  if (!more || forced(c, m, seq)) mark(m, seq);
}

/** Data can be sent (full segments go even while corked). */
function pushesWhileCopying(c: TcpConnection): boolean {
  return c.handshakeDone;
}

/** Whether `end` is the end of a chunk marked for PSH. */
export function pushMarked(c: TcpConnection, end: number): boolean {
  const m = c.pushMarks;
  if (m === undefined) return false;
  for (let k = m.ends.length - 1; k >= 0; k--) {
    const e = m.ends[k]!;
    if (e === end) return m.psh[k]!;
    if (seqGt(end, e)) return false;
  }
  return false;
}

/**
 * Segments one burst may carry: a millisecond's share of the pacing rate (TcpConfig.pushBurstMinSegments to 64 KiB's worth),
 * and at most half the congestion window, so that at least two bursts are in flight.
 */
export function burstSegments(c: TcpConnection): number {
  const mss = Math.max(1, c.sndMss);
  const least = c.host.config.pushBurstMinSegments;
  const most = Math.max(least, Math.floor(GSO_MAX / mss));
  const rate = pacingRate(c);
  const share = rate === undefined ? most : Math.min(most, Math.max(least, Math.floor(rate / 1024 / mss)));
  return Math.min(share, Math.max(1, Math.floor(c.cc.cwnd / mss / 2)));
}

/** A new-data segment `d` of `len` bytes at `seq` went out in the current output pass. */
export function pushBurstAdd(c: TcpConnection, d: TcpDatagram, seq: number, len: number): void {
  const m = c.pushMarks;
  if (m === undefined || len <= 0 || c.host.config.pushRule !== 'linux') return;
  const full = Math.max(1, c.sndMss);
  if (!m.burstClosed && (m.burstEnd !== seq || m.burstSegs >= burstSegments(c))) pushBurstEnd(c);
  if (m.burstClosed) {
    m.burstClosed = false;
    m.burstSegs = 0;
  }
  m.burstSegs += Math.ceil(len / full);
  m.burstLast = d;
  m.burstEnd = seqAdd(seq, len);
  if (len < full) pushBurstEnd(c); // a sub-MSS segment ends its burst
}

/** The output pass is over (or the burst is full): a burst of several segments ends with PSH. */
export function pushBurstEnd(c: TcpConnection): void {
  const m = c.pushMarks;
  if (m === undefined || m.burstClosed) return;
  if (m.burstSegs > 1 && m.burstLast !== undefined) m.burstLast.seg.flags |= TcpFlag.PSH;
  m.burstClosed = true;
  m.burstLast = undefined;
}

/**
 * The output pass stopped at a tail held by TCP_CORK / MSG_MORE (cork.ts): the segments sent are
 * the front of one write, split off it, and carry no PSH for being a burst.
 */
export function pushBurstDrop(c: TcpConnection): void {
  const m = c.pushMarks;
  if (m === undefined) return;
  m.burstClosed = true;
  m.burstLast = undefined;
}

/** A segment the persist timer released with the window open (a Linux "window probe" with data) carries PSH. */
export function pushOnWakeup(c: TcpConnection, d: TcpDatagram): void {
  if (c.host.config.pushRule === 'linux') d.seg.flags |= TcpFlag.PSH;
}

/** PSH for a segment [seq, seq+len) at send-buffer offset `off`, by the connection's rule. */
export function pushFlag(c: TcpConnection, seq: number, off: number, len: number): boolean {
  if (len <= 0) return false;
  if (c.host.config.pushRule !== 'linux') return off + len === c.sendBuf.length;
  return pushMarked(c, seqAdd(seq, len));
}
