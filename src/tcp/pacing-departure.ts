// Pacing by departure times (TcpConfig.pacingRule 'departure', the linux profile): Linux's
// earliest-departure-time pacing, with the fq qdisc holding each packet until its time.
//
// Segments leave in bursts (one GSO packet each, push-marks.ts burstSegments: a millisecond's
// share of the pacing rate, at least 2 segments). A burst leaves at the flow's departure time or
// now, whichever is later, and moves the departure time on by the burst's length at the pacing
// rate — less up to half of that when the flow left time unused since its departure time (a flow
// that comes back late gets a little credit, never a second burst at once). The first
// UNPACED_SEGMENTS segments of a connection are not paced (the qdisc lets an initial window
// through); the departure time still follows the clock.

import type { TcpConnection } from './connection.js';
import { Pacer } from './pacing.js';
import { burstSegments } from './push-marks.js';

/** Segments sent before departure times apply (sch_fq's unpaced initial window). */
export const UNPACED_SEGMENTS = 10;
const EPS = 1e-6;

export class Departure {
  /** Data segments sent so far. */
  segments = 0;
  /** The burst leaving now: when it left, segments it may still take, its start, credit, rate and bytes. */
  at = -Infinity;
  left = 0;
  base = 0;
  credit = 0;
  rate = 0;
  bytes = 0;
}

/** Whether a segment may leave at `now`: it continues the burst leaving now, or the flow's departure time has come. */
export function departureAllows(c: TcpConnection, now: number, rate: number): boolean {
  const p = (c.pacer ??= new Pacer());
  const d = (p.departure ??= new Departure());
  if (d.left > 0 && d.at === now) return true;
  d.left = 0;
  if (p.next - now > EPS) {
    p.delays++;
    c.timers.set('pace', p.next);
    return false;
  }
  d.at = now;
  d.left = burstSegments(c);
  d.base = Math.max(p.next, now);
  d.credit = Math.max(0, now - p.next);
  d.rate = rate;
  d.bytes = 0;
  return true;
}

/** `bytes` of the current burst were sent: the flow's next departure time moves on. */
export function departureSent(c: TcpConnection, now: number, bytes: number): void {
  const p = c.pacer;
  const d = p?.departure;
  if (p === undefined || d === undefined || d.at !== now) return;
  const segs = Math.max(1, Math.ceil(bytes / Math.max(1, c.sndMss)));
  d.segments += segs;
  d.left = Math.max(0, d.left - segs);
  d.bytes += bytes;
  if (d.segments < UNPACED_SEGMENTS) {
    p.next = d.base;
    return;
  }
  const len = (d.bytes * 1000) / d.rate;
  p.next = d.base + len - Math.min(len / 2, d.credit);
}
