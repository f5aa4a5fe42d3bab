// Where the sender's time goes (RFC 4898's TCP Extended Statistics MIB keeps the same split:
// tcpEStatsPerfSndLimTimeRwin / SndLimTimeSnd / SndLimTimeCwnd): how long the connection had data
// to deliver at all ('busy': data queued or unacknowledged), and of that, how long it waited on the
// peer's receive window ('rwnd': unsent data the offered window had no room for) or had its send
// buffer full with the application waiting ('sndbuf'). Linux reports the same in tcp_info as
// tcpi_busy_time / tcpi_rwnd_limited / tcpi_sndbuf_limited.
//
// The state is classified after each output pass (every write, ACK or timer ends in one), and the
// time since the previous pass is charged to the state it left, so a snapshot taken between passes
// adds the time spent so far in the current state.

import { congestionRoom } from './loss.js';
import { seqDiff } from './seq.js';
import type { TcpConnection } from './connection.js';

export type SendLimit = 'idle' | 'busy' | 'rwnd' | 'sndbuf';

export class SendChrono {
  state: SendLimit = 'idle';
  since = 0;
  /** Milliseconds spent in each state before `since` (busy counts only its own share). */
  busyMs = 0;
  rwndMs = 0;
  sndbufMs = 0;

  /** Totals at `now`: busy time (every non-idle state), receive-window- and send-buffer-limited time. */
  totals(now: number): { busyMs: number; rwndLimitedMs: number; sndbufLimitedMs: number } {
    const open = Math.max(0, now - this.since);
    const rwnd = this.rwndMs + (this.state === 'rwnd' ? open : 0);
    const sndbuf = this.sndbufMs + (this.state === 'sndbuf' ? open : 0);
    const busy = this.busyMs + (this.state === 'busy' ? open : 0);
    return { busyMs: busy + rwnd + sndbuf, rwndLimitedMs: rwnd, sndbufLimitedMs: sndbuf };
  }
}

/** What limits the sender of `c` now. */
export function sendLimit(c: TcpConnection): SendLimit {
  const unsent = c.unsentBytes();
  if (unsent === 0 && c.sndUna === c.sndMax) return 'idle';
  // The application waits for buffer space while everything it queued is out: the buffer, not the
  // network, limits the sender (with data still unsent the window limits it first).
  if (c.sendBlocked && unsent === 0) return 'sndbuf';
  if (unsent > 0) {
    // The congestion window is asked first (a sender both cwnd- and rwnd-limited counts as busy);
    // then RFC 9293 §3.8.6.2.1: the usable window SND.UNA + SND.WND − SND.NXT has no room for the next segment.
    const next = Math.min(unsent, c.sndMss);
    if (congestionRoom(c) < next) return 'busy';
    const usable = c.sndWnd - seqDiff(c.sndNxt, c.sndUna);
    if (usable < next) return 'rwnd';
  }
  return 'busy';
}

/** @internal output.ts, at the end of an output pass. */
export function chronoTick(c: TcpConnection, now: number): void {
  let k = c.chrono;
  const next = sendLimit(c);
  if (k === undefined) {
    if (next === 'idle') return;
    k = c.chrono = new SendChrono();
    k.since = now;
  }
  if (next === k.state) return;
  const spent = Math.max(0, now - k.since);
  if (k.state === 'busy') k.busyMs += spent;
  else if (k.state === 'rwnd') k.rwndMs += spent;
  else if (k.state === 'sndbuf') k.sndbufMs += spent;
  k.state = next;
  k.since = now;
}
