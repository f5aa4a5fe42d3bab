// Buffer auto-tuning (TcpConfig.recvBufferAutoTune / sendBufferAutoTune): buffers sized to the
// path instead of fixed, so a fixed 256 KiB never caps a large bandwidth-delay product.

import type { TcpConnection } from './connection.js';
import { mayGrow } from './pressure.js';

/**
 * Receive side (dynamic right-sizing): count what the application read over one RTT; when that is
 * more than half the buffer, the window limited the sender, so the buffer grows to twice that
 * (bounded by recvBufferMax). It never shrinks (RFC 9293 §3.8.6.2.2: no window withdrawal), and
 * a reader that does not keep up never makes it grow.
 */
export function recvAutoTune(c: TcpConnection, n: number): void {
  const rtt = c.rcvRtt ?? c.rtt.srtt;
  c.atCopied += n;
  if (rtt === undefined) return;
  const now = c.clock;
  if (now - c.atStart < Math.max(1, rtt)) return;
  const want = Math.floor(Math.min(c.host.config.recvBufferMax, 2 * c.atCopied));
  if (want > c.recvBuf.limit && mayGrow(c)) {
    c.recvBuf.limit = want;
    c.recvBuf.ceiling = c.host.config.recvBufferMax;
  }
  c.atStart = now;
  c.atCopied = 0;
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
