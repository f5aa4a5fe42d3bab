// Socket-buffer sizing and the advertised window as the BSD stacks (FreeBSD) do them, selected by
// TcpConfig.roundBuffersToMss and TcpConfig.windowRule = 'bsd'. The behaviour follows what FreeBSD
// documents and what its public packetdrill suite (freebsd-net/tcp-testsuite) observes on the wire:
//  - once the MSS is known, SO_RCVBUF/SO_SNDBUF become a whole number of segments (65536 → 65700
//    for a 1460-byte MSS, 66240 for 1440), never above the socket-buffer maximum (sb_max);
//  - the window offered is the free space of the receive buffer (out-of-order data is held apart
//    and does not reduce it), capped by what the 16-bit field can say after scaling;
//  - receiver SWS avoidance in the form RFC 1122 §4.2.3.3 allows: a window below both a quarter of
//    the buffer and one MSS is advertised as zero, and an offered window is never withdrawn
//    (RFC 9293 §3.8.6.2.2);
//  - after the application reads, a window update goes out on its own only when the window grows
//    by two segments and by a quarter of the buffer (or the buffer is small), or by half of it.

import type { TcpConnection } from './connection.js';
import { TS_OPTION_BYTES } from './rfc7323.js';
import { seqDiff, seqGt } from './seq.js';

/** The segment size the buffer rules count in: the MSS before room is made for the timestamp option. */
function segmentSize(c: TcpConnection): number {
  return c.sndMss + (c.tsOk ? TS_OPTION_BYTES : 0);
}

/**
 * Rounds `size` up to a multiple of `mss`, not above `max` and never below `size` (a buffer no
 * larger than one segment stays as it is).
 */
export function roundToMss(size: number, mss: number, max: number): number {
  if (mss <= 0 || size <= mss) return size;
  const rounded = Math.min(Math.ceil(size / mss) * mss, max);
  return Math.max(size, rounded);
}

/** The MSS is settled (peer's SYN or SYN-ACK): buffers become whole segments (roundBuffersToMss). */
export function roundBuffersToMss(c: TcpConnection, mss: number): void {
  const max = c.host.config.recvBufferMax;
  c.recvBuf.limit = roundToMss(c.recvBuf.limit, mss, max);
  c.sendBuf.limit = roundToMss(c.sendBuf.limit, mss, Math.max(max, c.host.config.sendBufferMax));
}

/** Free receive-buffer space capped by the largest window the (scaled) field can carry. */
function spaceWindow(c: TcpConnection): number {
  const space = Math.max(0, c.recvBuf.limit - c.recvBuf.length);
  return Math.min(space, 0xffff * 2 ** c.rcvWscale);
}

/** RCV.WND already promised (bytes from RCV.NXT to the advertised right edge). */
function promised(c: TcpConnection): number {
  return seqGt(c.rcvAdvEdge, c.rcvNxt) ? seqDiff(c.rcvAdvEdge, c.rcvNxt) : 0;
}

/** RCV.WND for accepting segments: the free buffer space (uncapped by the field), at least what was promised. */
export function acceptWindowBsd(c: TcpConnection): number {
  // A passive open in SYN-RECEIVED is not a socket yet (BSD's SYN cache): the window is the SYN-ACK's.
  if (c.passive && c.state === 'SYN-RECEIVED') return promised(c);
  return Math.max(Math.max(0, c.recvBuf.limit - c.recvBuf.length), promised(c));
}

/** The window to advertise now, in bytes. */
export function receiveWindowBsd(c: TcpConnection): number {
  // Receiver SWS avoidance (RFC 1122 §4.2.3.3), BSD's thresholds: less than a segment and less
  // than a quarter of the buffer is offered as nothing.
  const free = spaceWindow(c);
  const tooSmall = free < segmentSize(c) && 4 * free < c.recvBuf.limit;
  return Math.max(tooSmall ? 0 : free, promised(c));
}

/** The window field: rounded up to the scale unit so that the promised edge never moves left. */
export function windowFieldBsd(c: TcpConnection): number {
  const unit = 2 ** c.rcvWscale;
  return Math.min(0xffff, Math.ceil(receiveWindowBsd(c) / unit));
}

/**
 * After a read: is the larger window worth a segment of its own, before any data needs acknowledging?
 * RFC 9293 §3.8.6.2.2 and RFC 1122 §4.2.3.3 leave the threshold to the receiver; the BSD behaviour the
 * FreeBSD suite observes is, in our terms:
 *  - the growth must change the window field at all (at the connection's scale);
 *  - growth of half the buffer or more is always announced;
 *  - growth of two segments or more is announced when it is a quarter of the buffer, when little
 *    free space was left (an eighth of the buffer or less), when the buffer is only a few segments
 *    (eight or fewer), or when it reaches the largest window the field can carry.
 */
export function wantWindowUpdateBsd(c: TcpConnection): boolean {
  // A pending delayed ACK will carry the new window; after the peer's FIN no more data comes.
  if (c.timers.isSet('delack') || c.peerFin) return false;
  const free = spaceWindow(c);
  if (free <= 0) return false;
  const offered = promised(c);
  const growth = Math.max(0, free - offered);
  const unit = 2 ** c.rcvWscale;
  const changesField = Math.floor((offered + growth) / unit) > Math.floor(offered / unit);
  if (!changesField) return false;
  const buffer = c.recvBuf.limit;
  if (2 * growth >= buffer) return true;
  const seg = segmentSize(c);
  if (growth < 2 * seg) return false;
  const quarter = growth >= buffer / 4;
  const littleLeft = free <= buffer / 8;
  const fewSegments = buffer <= 8 * seg;
  const fieldMax = growth >= 0xffff * unit;
  return quarter || littleLeft || fewSegments || fieldMax;
}
