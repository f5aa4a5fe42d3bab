// Holding sub-MSS segments on the user's word: TCP_CORK and MSG_MORE (socket options of Linux and
// BSD TCP_NOPUSH; no RFC defines them — RFC 9293 §3.7.4 and RFC 1122 §4.2.3.4 leave a sender free
// to wait for more data before sending a small segment, and §3.9.1's PUSH is what makes it go).
//
// - Corked (TcpConnection.setCork): full segments go as the windows allow; a sub-MSS tail waits
//   until the cork comes off, a FIN joins it, or the persist timer finds nothing in flight and
//   sends it (one RTO after the last transmission: Linux's "200 ms ceiling" on corking).
// - MSG_MORE (TcpConnection.send(data, now, true)): the same hold for the tail of that write only.
//   The hold ends with the next write without it, with any arriving segment (output after an ACK
//   follows the socket's own Nagle setting), or with the persist timer.
// - Uncorking, or setting TCP_NODELAY, sends what is queued at once (`naglePush`, one output pass):
//   past Nagle too when noDelay is set.

import type { TcpConnection } from './connection.js';

/** Whether a sub-MSS, non-FIN segment of new data waits now. */
export function corkHolds(c: TcpConnection): boolean {
  return (c.cork || c.moreHold) && !c.naglePush;
}

/** A segment arrived: the output it triggers is not the MSG_MORE write's own push. */
export function corkOnArrival(c: TcpConnection): void {
  if (c.moreHold) c.moreHold = false;
}

/** The output pass is over: a one-shot push (uncork, TCP_NODELAY) has been used. */
export function corkAfterOutput(c: TcpConnection): void {
  if (c.naglePush) c.naglePush = false;
}
