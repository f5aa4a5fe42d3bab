// What a connection does under stack-wide memory pressure (memory.ts, Linux tcp_mem's levels).
// Called from the window computation, segment arrival, send() and auto-tuning.

import type { TcpConnection } from './connection.js';

/** Segments of new window a connection under pressure may still offer beyond what it buffers. */
const PRESSURE_WINDOW_SEGMENTS = 4;

/**
 * The receive capacity the window may offer, lowered under pressure: at most a few segments beyond
 * the bytes buffered (Linux clamps its rcv_ssthresh to 4 MSS the same way), nothing beyond them at
 * the hard limit. The window code never moves an advertised right edge left (RFC 9293
 * §3.8.6.2.2, RFC 7323 §2.4), so this only limits what is offered from now on.
 */
export function pressureCapacity(c: TcpConnection, cap: number): number {
  const pool = c.host.memory;
  if (pool === undefined || !pool.underPressure) return cap;
  const extra = pool.room === 0 ? 0 : PRESSURE_WINDOW_SEGMENTS * c.advMss;
  return Math.min(cap, c.recvBuf.length + extra);
}

/**
 * In-order data of `len` bytes arrived: how many may be queued. At the hard limit the connection's
 * own out-of-order queue is discarded first (reneging on what it SACKed, RFC 2018 §8), since
 * in-order data is what lets the reader make progress.
 */
export function admitInOrder(c: TcpConnection, len: number): number {
  const pool = c.host.memory;
  if (pool === undefined || pool.room >= len) return len;
  if (!c.ooo.isEmpty) {
    pool.oooPrunedBytes += c.ooo.bytes;
    c.ooo.prune();
  }
  const n = Math.min(len, pool.room);
  if (n < len) pool.segmentsDropped++;
  return n;
}

/** Out-of-order data of `len` bytes arrived: held only if it fits under the hard limit. */
export function admitOutOfOrder(c: TcpConnection, len: number): boolean {
  const pool = c.host.memory;
  if (pool === undefined || pool.room >= len) return true;
  pool.segmentsDropped++;
  return false;
}

/** Bytes send() may queue for the stack-wide limit (Infinity when there is no pool). */
export function sendRoom(c: TcpConnection): number {
  return c.host.memory?.room ?? Infinity;
}

/** send() took less than it was offered because of the hard limit: remember to say 'writable'. */
export function sendRefused(c: TcpConnection): void {
  const pool = c.host.memory;
  if (pool === undefined) return;
  pool.sendsRefused++;
  pool.waiters.add(c);
}

/** Auto-tuning may grow buffers (not under pressure). */
export function mayGrow(c: TcpConnection): boolean {
  const pool = c.host.memory;
  if (pool === undefined || !pool.underPressure) return true;
  pool.autoTuneHeld++;
  return false;
}
