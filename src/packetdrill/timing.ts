// When events must happen, and how late or early they may be.
//
// Tolerance (packetdrill's rule, from its verify_time): an event expected at script time T
// passes if it happens within T ± slack, where
//     slack = max(tolerance_usecs, tolerance_percent / 100 × (T − T_previous))
// and T_previous is the script time of the event before it. So short gaps get a fixed
// allowance (default 4 ms) and long ones a proportional one (default 12.5 % on Linux, which
// is the worst-case inaccuracy of the kernel's timer wheel; the FreeBSD build of packetdrill
// uses 5 %). For a range `T1~T2` the window is [T1 − slack, T2 + slack]; `*` always passes.
// The first event has no predecessor and gets the fixed allowance. For the return of a
// blocking syscall the "previous" time is that syscall's own start.
//
// Relative times: `+d` counts from when the previous event actually finished, except that
// consecutive inbound packets count from the previous packet's scheduled time, so injected
// trains do not drift by processing overhead.
//
// Everything here is in integer microseconds, like the script.

import type { ScriptOption, TimeSpec } from './ast.js';

export interface Tolerance {
  usecs: number;
  percent: number;
}

export const LINUX_TOLERANCE: Readonly<Tolerance> = { usecs: 4000, percent: 12.5 };
export const FREEBSD_TOLERANCE: Readonly<Tolerance> = { usecs: 4000, percent: 5 };

/** Tolerance for a script: dialect default, overridden by --tolerance_usecs / --tolerance_percent. */
export function toleranceOf(options: readonly ScriptOption[], dialect: 'linux' | 'freebsd' = 'linux'): Tolerance {
  const tol: Tolerance = { ...(dialect === 'freebsd' ? FREEBSD_TOLERANCE : LINUX_TOLERANCE) };
  for (const o of options) {
    const v = Number(o.value);
    if (o.name === 'tolerance_usecs' && Number.isFinite(v) && v > 0) tol.usecs = v;
    if (o.name === 'tolerance_percent' && Number.isFinite(v) && v >= 0 && v <= 100) tol.percent = v;
  }
  return tol;
}

/** max(fixed, percent × gap), truncated to whole microseconds as packetdrill does. */
export function slackUsecs(tol: Tolerance, gapUsecs?: number): number {
  if (gapUsecs === undefined) return tol.usecs;
  return Math.max(tol.usecs, Math.trunc((tol.percent / 100) * gapUsecs));
}

export interface TimingCheck {
  /** expected start, script time (µs since the first event) */
  expectedUsecs: number;
  /** end of an expected range, if the event has one */
  expectedEndUsecs?: number;
  /** script time of the previous event, if any */
  previousUsecs?: number;
  actualUsecs: number;
  /** `*` events are not checked */
  any?: boolean;
  tolerance: Tolerance;
}

export type TimingResult =
  | { ok: true; slackUsecs: number }
  | { ok: false; slackUsecs: number; earlyByUsecs?: number; lateByUsecs?: number; message: string };

const secs = (u: number): string => (u / 1e6).toFixed(6);

export function checkTiming(c: TimingCheck): TimingResult {
  const slack = slackUsecs(c.tolerance, c.previousUsecs === undefined ? undefined : c.expectedUsecs - c.previousUsecs);
  if (c.any === true) return { ok: true, slackUsecs: slack };
  const lo = c.expectedUsecs - slack;
  const hi = (c.expectedEndUsecs ?? c.expectedUsecs) + slack;
  if (c.actualUsecs >= lo && c.actualUsecs <= hi) return { ok: true, slackUsecs: slack };
  const when =
    c.expectedEndUsecs === undefined ? `at ${secs(c.expectedUsecs)}` : `in ${secs(c.expectedUsecs)}~${secs(c.expectedEndUsecs)}`;
  const result: TimingResult = {
    ok: false,
    slackUsecs: slack,
    message: `timing error: expected ${when} sec but happened at ${secs(c.actualUsecs)} sec; tolerance ${secs(slack)} sec`,
  };
  if (c.actualUsecs < lo) result.earlyByUsecs = lo - c.actualUsecs;
  else result.lateByUsecs = c.actualUsecs - hi;
  return result;
}

export interface Schedule {
  /** when the event should start, script time */
  startUsecs: number;
  /** end of the allowed range, when the time is a range */
  endUsecs?: number;
  /** what a relative time counted from (0 for absolute times) */
  offsetUsecs: number;
}

/**
 * Turns an event's TimeSpec into script time. `nowUsecs` is when the previous event finished
 * (script time); `previousInboundUsecs` is the scheduled start of the previous event when it
 * was an inbound packet, and `inbound` says whether this event is one.
 */
export function scheduleEvent(
  time: TimeSpec,
  ctx: { nowUsecs: number; inbound: boolean; previousInboundUsecs?: number },
): Schedule {
  const offset = ctx.inbound && ctx.previousInboundUsecs !== undefined ? ctx.previousInboundUsecs : ctx.nowUsecs;
  switch (time.kind) {
    case 'absolute':
      return { startUsecs: time.usecs, offsetUsecs: 0 };
    case 'absoluteRange':
      return { startUsecs: time.usecs, endUsecs: time.endUsecs, offsetUsecs: 0 };
    case 'relative':
      return { startUsecs: time.usecs + offset, offsetUsecs: offset };
    case 'relativeRange':
      return { startUsecs: time.usecs + offset, endUsecs: time.endUsecs + offset, offsetUsecs: offset };
    case 'any':
      return { startUsecs: offset, offsetUsecs: offset };
  }
}

/** Expected return time of a blocking syscall written `+t...end`: same frame as its start. */
export function blockingReturnUsecs(time: TimeSpec, endUsecs: number, schedule: Schedule): number {
  return time.kind === 'relative' || time.kind === 'relativeRange' ? endUsecs + schedule.offsetUsecs : endUsecs;
}
