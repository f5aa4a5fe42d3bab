// Buffer auto-tuning (TcpConfig.recvBufferAutoTune / sendBufferAutoTune): buffers sized to the
// path instead of fixed, so a fixed 256 KiB never caps a large bandwidth-delay product.

import type { TcpConnection } from './connection.js';
import { mayGrow } from './pressure.js';
import { tsNow } from './rfc7323.js';

/** The application read `n` bytes: counted for the next measurement (recvAutoTuneOnData). */
export function recvAutoTune(c: TcpConnection, n: number): void {
  c.atCopied += n;
}

/**
 * Receive side (dynamic right-sizing), evaluated when in-order data of `len` bytes arrives at `now`:
 * once a receiver RTT has passed since the last measurement, what the application read in that time
 * is compared with the buffer. More than half the buffer means the window limited the sender, so
 * the buffer grows to twice that (bounded by recvBufferMax). It never shrinks (RFC 9293
 * §3.8.6.2.2: no window withdrawal), and a reader that does not keep up never makes it grow.
 *
 * The measurement runs on arrivals, whose time is exact, not on reads: recv() takes no time, and
 * the connection's clock stands still while a closed window keeps segments away, so reads spread
 * over seconds of a slow reader would otherwise count as one RTT's worth.
 */
export function recvAutoTuneOnData(c: TcpConnection, len: number, now: number): void {
  recvRttSample(c, len, now);
  const rtt = c.rcvRtt ?? c.rtt.srtt;
  if (rtt === undefined || now - c.atStart < Math.max(1, rtt)) return;
  const want = Math.floor(Math.min(c.host.config.recvBufferMax, 2 * c.atCopied));
  if (want > c.recvBuf.limit && mayGrow(c)) {
    c.recvBuf.limit = want;
    c.recvBuf.ceiling = c.host.config.recvBufferMax;
  }
  c.atStart = now;
  c.atCopied = 0;
}

/**
 * Receiver RTT: the age of our own TSval a data segment echoes (RFC 7323 §4), smoothed. Only
 * full-sized segments count: a zero-window probe (RFC 9293 §3.8.6.1) or another small segment
 * sent after a silence echoes the TSval of an ACK sent long before, and that age is no RTT.
 */
function recvRttSample(c: TcpConnection, len: number, now: number): void {
  if (c.segTsEcr === undefined || c.segTsEcr === 0 || len < c.rcvMss) return;
  const r = (tsNow(c, now) - c.segTsEcr) >>> 0;
  if (r < 0x7fffffff) c.rcvRtt = c.rcvRtt === undefined ? r : c.rcvRtt + (r - c.rcvRtt) / 8;
}

/** Send side: room for twice the window the sender may use (min of cwnd and the peer's window). */
export function sendAutoTune(c: TcpConnection): void {
  // Whole bytes: cwnd is fractional (CUBIC), and a fractional limit would make a fractional queue length.
  const want = Math.floor(Math.min(c.host.config.sendBufferMax, 2 * Math.min(c.cc.cwnd, c.maxSndWnd)));
  if (want > c.sendBuf.limit && mayGrow(c)) {
    c.sendBuf.limit = want;
    c.sendBuf.ceiling = c.host.config.sendBufferMax;
  }
}

/**
 * Window scaling is agreed (RFC 7323 §2.2) with a shift sized for recvBufferMax: a small buffer
 * is then not a whole number of scale units, and a window field rounded up so as never to move
 * the right edge left (§2.4) would promise up to one unit more than the buffer holds. A buffer that
 * auto-tunes grows anyway: it starts as a whole number of units instead.
 */
export function alignToWindowScale(c: TcpConnection): void {
  const unit = 2 ** c.rcvWscale;
  const limit = c.recvBuf.limit;
  if (unit > 1 && limit % unit !== 0) c.recvBuf.limit = Math.ceil(limit / unit) * unit;
}
