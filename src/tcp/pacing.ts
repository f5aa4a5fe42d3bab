// Pacing of the send path: instead of leaving in a burst as ACKs open the window, new data is
// spread at a rate derived from the window and the RTT, so a bottleneck queue sees a smooth flow.
// Sans-IO: the connection's timer table has a 'pace' entry; when pacing holds a segment back,
// the timer is armed for the moment it may go and the output pass simply stops.
//
// Rate: the congestion control's own (CongestionControl.pacingRate, for a BBR-style model), or
// cwnd / SRTT scaled by 2 in slow start (while cwnd < ssthresh / 2) and 1.2 otherwise. The two
// ratios are a design choice taken from Linux's defaults (tcp_pacing_ss_ratio = 200 %,
// tcp_pacing_ca_ratio = 120 %): in slow start the window doubles every round, so sending at the
// current window's rate would spread a round over more than an RTT; a little headroom in
// congestion avoidance keeps pacing from limiting a window that is in use. No rate before the
// first RTT sample: the initial window goes out as it always has.
//
// Bursts (TcpConfig.pacingRule 'quantum'): a segment may go while the pacing backlog (data sent
// ahead of the rate) stays within a quantum of max(1 ms, 2 segments) — segments then leave in
// small groups spaced by size/rate rather than one timer per segment, which costs driver wake-ups
// for nothing at high rates.
//
// Departure times (pacingRule 'departure', the linux profile): pacing-departure.ts.

import type { TcpConnection } from './connection.js';
import { departureAllows, departureSent, type Departure } from './pacing-departure.js';

export const PACING_SS_RATIO = 2;
export const PACING_CA_RATIO = 1.2;
/** Burst quantum: the backlog the pacer allows, in ms of sending at the pacing rate (at least 2 segments). */
export const PACING_QUANTUM_MS = 1;
const EPS = 1e-6;

/** Pacing applies: TcpConfig.pacing, or a model-based CC that sets its own rate (CongestionControl.onEveryAck). */
export function pacingOn(c: TcpConnection): boolean {
  return c.host.config.pacing || (c.cc.onEveryAck !== undefined && c.cc.pacingRate !== undefined);
}

export class Pacer {
  /** Time (ms) at which everything sent so far would have left at the pacing rate. */
  next = -Infinity;
  /** Segments held back by pacing (diagnostics). */
  delays = 0;
  /** pacingRule 'departure' (pacing-departure.ts): the burst leaving now, and segments sent so far. */
  departure: Departure | undefined = undefined;
}

/** The pacing rate in bytes per second, or undefined when there is none (no RTT sample yet). */
export function pacingRate(c: TcpConnection): number | undefined {
  const own = c.cc.pacingRate;
  if (own !== undefined && own > 0) return own;
  const srtt = c.rtt.srtt;
  if (srtt === undefined || srtt <= 0) return undefined;
  const cc = c.cc;
  const ratio = cc.cwnd < cc.ssthresh / 2 ? PACING_SS_RATIO : PACING_CA_RATIO;
  return (ratio * cc.cwnd * 1000) / srtt;
}

/**
 * Whether the next data segment may leave at `now`. When pacing holds it, the 'pace' timer is
 * armed for the moment the backlog is back within the quantum.
 */
export function paceAllows(c: TcpConnection, now: number): boolean {
  if (!pacingOn(c)) return true;
  const rate = pacingRate(c);
  if (rate === undefined) return true;
  if (c.host.config.pacingRule === 'departure') return departureAllows(c, now, rate);
  const perMs = rate / 1000;
  const quantum = Math.max(PACING_QUANTUM_MS, (2 * c.sndMss) / perMs);
  const p = c.pacer;
  if (p === undefined || p.next - now <= quantum + EPS) return true;
  p.delays++;
  c.timers.set('pace', p.next - quantum);
  return false;
}

/**
 * Bytes one (GSO) send may carry at `now` without taking the backlog past the quantum by more than
 * one segment; Infinity when not pacing.
 */
export function paceBudget(c: TcpConnection, now: number, segment: number): number {
  if (!pacingOn(c) || c.host.config.pacingRule === 'departure') return Infinity; // one burst per departure
  const rate = pacingRate(c);
  if (rate === undefined) return Infinity;
  const perMs = rate / 1000;
  const quantum = Math.max(PACING_QUANTUM_MS, (2 * c.sndMss) / perMs);
  const backlog = c.pacer === undefined ? 0 : Math.max(0, c.pacer.next - now);
  return Math.max(segment, Math.floor((quantum - backlog) * perMs) + segment);
}

/** Records `bytes` sent at `now` against the pacing rate. */
export function paceSent(c: TcpConnection, now: number, bytes: number): void {
  if (!pacingOn(c)) return;
  const rate = pacingRate(c);
  if (rate === undefined) return;
  if (c.host.config.pacingRule === 'departure') {
    departureSent(c, now, bytes);
    return;
  }
  const p = (c.pacer ??= new Pacer());
  p.next = Math.max(p.next, now) + (bytes * 1000) / rate;
}
