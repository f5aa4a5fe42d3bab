// Whether the congestion window is in use, for TcpConfig.cwndGrowth 'linux'.
//
// A window the sender does not fill says nothing about the path, so it should not grow (RFC 7661
// §4.3; RFC 5681 §3.1 grows cwnd on ACKs of data the window let out). The default rule ('rfc5681')
// asks this of each ACK: was the flight before it at least half the window (slow start), or the
// window less one segment (congestion avoidance)? The 'linux' rule remembers it per window of data
// instead, as Linux's tcp_cwnd_validate() / tcp_is_cwnd_limited() do:
// - after an output pass that sent something or found the window full, the pass's verdict (the
//   flight fills cwnd) is kept until SND.UNA passes the SND.NXT of that moment — a window that was
//   full once stays "in use" while its data is acknowledged — together with the largest flight;
//   a later pass with a larger flight, or a full window, replaces it sooner;
// - an ACK may grow cwnd when the window was in use, or in slow start while cwnd is less than twice
//   the largest flight of the current window (slow start may double what the application used).

import type { TcpConnection } from './connection.js';
import { rackOn, rackPipe } from './loss.js';
import { seqDiff, seqLt } from './seq.js';

export type CwndGrowth = 'rfc5681' | 'linux';

export class CwndUse {
  /** The window was full during the current window of data. */
  limited = false;
  /** Largest flight (bytes) seen at the end of an output pass during the current window. */
  maxFlight = 0;
  /** SND.NXT when the verdict was taken: it holds until SND.UNA reaches it. */
  until: number | undefined = undefined;
}

function flight(c: TcpConnection): number {
  return rackOn(c) && c.sndNxt === c.sndMax ? rackPipe(c) : seqDiff(c.sndNxt, c.sndUna);
}

/** End of an output pass; `sent`: new or retransmitted data left in it. */
export function cwndUseAfterOutput(c: TcpConnection, sent: boolean): void {
  if (c.host.config.cwndGrowth !== 'linux') return;
  const f = flight(c);
  const full = f + c.sndMss > Math.floor(c.cc.cwnd);
  if (!sent && !full) return;
  const u = (c.cwndUse ??= new CwndUse());
  if (u.until === undefined || !seqLt(c.sndUna, u.until) || full || (!u.limited && f > u.maxFlight)) {
    u.limited = full;
    u.maxFlight = f;
    u.until = c.sndNxt;
  }
}

/** For an ACK's sample: whether the window is in use (undefined under the 'rfc5681' rule: the CC judges). */
export function cwndLimited(c: TcpConnection): boolean | undefined {
  if (c.host.config.cwndGrowth !== 'linux') return undefined;
  const u = c.cwndUse;
  if (u === undefined) return false;
  if (u.limited) return true;
  return c.cc.cwnd < c.cc.ssthresh && c.cc.cwnd < 2 * u.maxFlight;
}
