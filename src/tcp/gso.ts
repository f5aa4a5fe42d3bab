// Large segments for an interface that segments for us (GSO/TSO-like). The send loop in output.ts
// decides segment by segment exactly as before; when it has decided to send a full-sized segment
// and the path's interface can segment, the run of full-sized segments that the same loop would
// send next without another decision — every one of them is full-sized, so Nagle (RFC 896) and
// sender SWS avoidance (RFC 9293 §3.8.6.2.1) pass each, and each fits cwnd and the peer's window
// — leaves as one segment whose payload is a multiple of the MSS. The sub-MSS tail, if any, is
// decided on its own by the next turn of the loop, as it would have been. The link splits the
// large segment into the wire segments (wire/tcp-gso.ts), so the wire carries the same segments.
//
// Differences a peer can see: none in sequence space; PSH and FIN sit on the last wire piece, as
// with TSO. Internally the RTT sample (RFC 6298 / Karn) times the end of the whole run rather than
// the end of its first segment, as Linux does for a TSO burst.

import type { TcpConnection } from './connection.js';

/**
 * Payload bytes to send in one segment when the loop chose a full segment of `full` bytes and
 * `avail` bytes are allowed by the data queued, cwnd and the send window: a multiple of `full`
 * (at least `full`), bounded by what the interface segments.
 */
export function gsoLength(c: TcpConnection, full: number, avail: number): number {
  const limit = c.host.services.gsoFor?.(c.remote.address) ?? 0;
  if (limit < 2 * full || avail < 2 * full) return full;
  return full * Math.floor(Math.min(avail, limit) / full);
}
