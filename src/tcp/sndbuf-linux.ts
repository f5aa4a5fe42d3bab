// The send buffer counted the way Linux counts it (TcpConfig.sendBufferRule 'linux'). No RFC says
// how a sender sizes its buffer or when a blocked writer resumes (RFC 9293 §3.10.2 only says SEND
// may be refused or wait for space); this is Linux's choice, kept for the packetdrill corpus.
//
// - The queue is made of chunks ("skbs"): a write starts a chunk of up to the size goal (half the
//   largest window offered, whole segments, ≤ 64 KiB: push-marks.ts sizeGoal) and every
//   transmission splits off the part it sends as a chunk of its own. Each chunk costs its data plus
//   CHUNK_OVERHEAD bytes.
// - A write starts a new chunk only while that total is below the buffer size; the unsent tail
//   chunk is filled up to the size goal without a check. When the tail chunk is full and nothing
//   unsent is before it, what the windows let go leaves during the write (Linux pushes it), so that
//   part is refilled too: a write may queue a chunk and a window beyond the size.
// - A writer stopped by the buffer goes on only when the free part is at least half of what is
//   used (a third of the buffer free), not at the first free byte.

import type { TcpConnection } from './connection.js';
import { congestionRoom } from './loss.js';
import { sizeGoal } from './push-marks.js';
import { seqAdd, seqDiff, seqGt, seqLt } from './seq.js';

/** Memory of one queued chunk beyond its data (Linux: an skb head and its struct, ~1.3 KB on 64-bit). */
export const CHUNK_OVERHEAD = 1280;

interface Chunks {
  /** Sequence numbers where a chunk begins, ascending, all after the queue's head. */
  edges: number[];
  /** Where the last chunk a write started begins. */
  start: number;
}

const chunks = new WeakMap<TcpConnection, Chunks>();

function linux(c: TcpConnection): boolean {
  return c.host.config.sendBufferRule === 'linux';
}

function chunksOf(c: TcpConnection): Chunks {
  let k = chunks.get(c);
  if (k === undefined) {
    k = { edges: [], start: c.dataHeadSeq() };
    chunks.set(c, k);
  }
  return k;
}

function addEdge(k: Chunks, seq: number): void {
  const e = k.edges;
  let i = e.length;
  while (i > 0 && seqGt(e[i - 1]!, seq)) i--;
  if (i > 0 && e[i - 1] === seq) return;
  e.splice(i, 0, seq);
}

/** Bytes the queue costs when it ends at `end`: its data plus the overhead of each chunk. */
function used(c: TcpConnection, k: Chunks, end: number): number {
  const head = c.dataHeadSeq();
  const bytes = seqDiff(end, head);
  if (bytes <= 0) return 0;
  let drop = 0;
  while (drop < k.edges.length && !seqGt(k.edges[drop]!, head)) drop++;
  if (drop > 0) k.edges.splice(0, drop);
  let n = 1; // the chunk holding the head
  for (const e of k.edges) if (seqLt(e, end)) n++;
  return bytes + n * CHUNK_OVERHEAD;
}

/** Under 'linux': the memory the send queue costs now (data plus chunk overhead). */
export function sendBufferUsed(c: TcpConnection): number {
  return used(c, chunksOf(c), seqAdd(c.dataHeadSeq(), c.sendBuf.length));
}

/** Whether a writer stopped by the buffer may go on: any free byte ('bytes'), a third free ('linux'). */
export function sendWritable(c: TcpConnection): boolean {
  if (!linux(c)) return c.sendBuf.free > 0;
  const u = sendBufferUsed(c);
  return c.sendBuf.limit - u >= u / 2;
}

/**
 * Under 'linux': how many of `len` bytes a write queues now (at most `len`); undefined under
 * 'bytes' (the byte limit applies). A writer the buffer stopped takes nothing until sendWritable().
 */
export function sendAdmit(c: TcpConnection, len: number): number | undefined {
  if (!linux(c)) return undefined;
  if (c.sendBlocked && !sendWritable(c)) return 0;
  const k = chunksOf(c);
  const goal = sizeGoal(c);
  const mss = Math.max(1, c.sndMss);
  let end = seqAdd(c.dataHeadSeq(), c.sendBuf.length);
  // What the windows let go at once (whole segments), once the chunk in front is full.
  let next = seqGt(c.sndNxt, c.dataHeadSeq()) ? c.sndNxt : c.dataHeadSeq();
  const open = c.state === 'ESTABLISHED' || c.state === 'CLOSE-WAIT';
  const wnd = c.sndWnd - seqDiff(c.sndNxt, c.sndUna);
  let room = open ? Math.max(0, Math.floor(Math.min(congestionRoom(c), wnd) / mss) * mss) : 0;
  let taken = 0;
  while (taken < len) {
    const from = seqGt(next, k.start) ? next : k.start;
    const unsent = seqGt(end, next);
    const tail = unsent ? seqDiff(end, from) : goal;
    let n: number;
    if (tail < goal) n = Math.min(len - taken, goal - tail);
    else if (used(c, k, end) < c.sendBuf.limit) {
      k.start = end;
      addEdge(k, end);
      n = Math.min(len - taken, goal);
    } else break;
    taken += n;
    end = seqAdd(end, n);
    // The tail chunk is full and first in line: Linux sends what the windows allow during the write.
    const first = !seqGt(k.start, next);
    if (room > 0 && first && seqDiff(end, seqGt(next, k.start) ? next : k.start) >= goal) {
      const go = Math.min(room, seqDiff(end, next));
      next = seqAdd(next, go);
      room -= go;
    }
  }
  return taken;
}

/**
 * @internal output.ts: data [seq, seq+len) left in one packet. A packet that starts a burst
 * (push-marks.ts, pushRule 'linux': Linux's TSO packet) starts a chunk; without bursts every packet does.
 */
export function sendBufferSent(c: TcpConnection, seq: number, len: number): void {
  if (!linux(c) || len <= 0) return;
  const m = c.pushMarks;
  if (m !== undefined && c.host.config.pushRule === 'linux' && m.burstSegs > Math.ceil(len / Math.max(1, c.sndMss))) return;
  addEdge(chunksOf(c), seq);
}

/** @internal output.ts, after an output pass: the unsent rest of a chunk that was split is a chunk. */
export function sendBufferAfterOutput(c: TcpConnection): void {
  if (!linux(c) || c.unsentBytes() === 0) return;
  if (seqGt(c.sndNxt, c.dataHeadSeq())) addEdge(chunksOf(c), c.sndNxt);
}
