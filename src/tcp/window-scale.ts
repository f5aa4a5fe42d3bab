// The scaled window field when the promised right edge falls between two scale units (RFC 7323 §2.4).
//
// With a shift S the window field counts units of 2^S bytes, while RCV.NXT advances by any number
// of bytes: the edge already promised (RCV.NXT + RCV.WND) is seldom a whole number of units away.
// Rounding the field up keeps the edge the peer sees from moving left (RFC 9293 §3.8.6.2.2), but
// it also promises up to 2^S − 1 bytes more each time; repeated on every ACK while a reader is
// paused, those promises outgrow the buffer, and a full buffer then keeps advertising a unit or
// more and never reaches a zero window. So the field is rounded up only while the buffer can take
// what the rounded window promises. Otherwise it is rounded down: the peer sees the edge retract by
// less than one unit (the case §2.4 describes and a sender has to tolerate), while the edge we
// accept data up to (rcvAdvEdge, the acceptability test of RFC 9293 §3.10.7.4) stays where it was
// promised, never moving left: data sent against the larger window is still taken. Once RCV.NXT
// reaches that edge the window is zero, and it reopens as the reader frees room.

import type { TcpConnection } from './connection.js';
import { rcvCapacity } from './window.js';
import { seqDiff } from './seq.js';

/**
 * The window field for window `wnd` (bytes) when floor(wnd / unit) units would end left of the
 * edge already advertised: round up if the receive buffer holds the rounded-up window, else down.
 */
export function scaledFieldKeepingEdge(c: TcpConnection, wnd: number, unit: number): number {
  const up = Math.ceil(wnd / unit);
  const room = rcvCapacity(c) - c.recvBuf.length;
  return up * unit <= room ? up : Math.floor(Math.max(0, Math.min(wnd, seqDiff(c.rcvAdvEdge, c.rcvNxt))) / unit);
}
