// The receive window we advertise (RFC 9293 §3.8.6.2.2) — the one place that turns receive-buffer
// space into a window field, so RFC 7323 window scaling only changes this file.

import type { TcpConnection } from './connection.js';
import { seqAdd, seqDiff, seqGt } from './seq.js';
import { pressureCapacity } from './pressure.js';
import { scaledFieldKeepingEdge } from './window-scale.js';
import { acceptWindowBsd, receiveWindowBsd, wantWindowUpdateBsd, windowFieldBsd } from './window-bsd.js';

/**
 * Receive capacity the window may offer: the buffer, capped by what the 16-bit field (scaled) can
 * say, and lowered under stack-wide memory pressure (pressure.ts).
 */
export function rcvCapacity(c: TcpConnection): number {
  return pressureCapacity(c, Math.min(c.recvBuf.limit, 0xffff * 2 ** c.rcvWscale));
}

/** RCV.WND as last advertised (bytes from RCV.NXT to the promised right edge). */
export function advertisedWindow(c: TcpConnection): number {
  return Math.max(0, seqDiff(c.rcvAdvEdge, c.rcvNxt));
}

/**
 * RCV.WND for the acceptability test of §3.10.7.4: the window last advertised; under the 'bsd'
 * window rule the free receive-buffer space when that is larger (BSD accepts what fits).
 */
export function acceptWindow(c: TcpConnection): number {
  return c.host.config.windowRule === 'bsd' ? acceptWindowBsd(c) : advertisedWindow(c);
}

/**
 * The window to advertise now (bytes). Receiver SWS avoidance: the right edge moves only when it
 * can move by at least min(RCV.BUFF/2, Eff.snd.MSS) ("Fr = 1/2"); it never moves left.
 */
export function receiveWindow(c: TcpConnection): number {
  if (c.host.config.windowRule === 'bsd') return receiveWindowBsd(c);
  const cap = rcvCapacity(c);
  const free = Math.max(0, cap - c.recvBuf.length);
  const cur = advertisedWindow(c);
  if (free - cur >= Math.min(cap / 2, c.sndMss)) return free;
  return cur;
}

/** The 16-bit window field (§3.1), scaled by the RFC 7323 shift once negotiated. */
export function windowField(c: TcpConnection): number {
  if (c.host.config.windowRule === 'bsd') return windowFieldBsd(c);
  const unit = 2 ** c.rcvWscale;
  const wnd = receiveWindow(c);
  let field = Math.floor(wnd / unit);
  if (unit > 1 && seqGt(c.rcvAdvEdge, seqAdd(c.rcvNxt, field * unit))) field = scaledFieldKeepingEdge(c, wnd, unit);
  return Math.min(0xffff, field);
}

/**
 * After the user read: is the window now worth announcing on its own? Yes when a (nearly) closed
 * window can reopen, or when it would at least double.
 */
export function wantWindowUpdate(c: TcpConnection): boolean {
  if (c.host.config.windowRule === 'bsd') return wantWindowUpdateBsd(c);
  const cur = advertisedWindow(c);
  const next = receiveWindow(c);
  if (next <= cur) return false;
  return cur < c.sndMss || next >= 2 * cur;
}
