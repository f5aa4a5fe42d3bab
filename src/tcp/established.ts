// Reaching ESTABLISHED (RFC 9293 §3.10.7.3/§3.10.7.4): what the connection does once its SYN
// exchange is complete, from either side.
import type { TcpConnection } from './connection.js';
import { advance } from './receive-text.js';

/** Actions on reaching ESTABLISHED (or on our SYN being acked after a CLOSE from SYN-RECEIVED). */
export function established(c: TcpConnection, now: number): void {
  if (c.handshakeDone) return;
  c.handshakeDone = true;
  c.resetCongestionControl();
  // RFC 6298 §5.7: after a retransmitted SYN, RTO is at least 3 s once data transfer begins.
  if (c.synRetransmitted) c.rtt.atLeast(3000);
  c.retries = 0;
  c.quickAcks = c.host.config.quickAckSegments;
  c.lastProgress = now;
  c.stats.lastDataInAt = now;
  c.armKeepAlive();
  if (c.passive) c.listener?.childEstablished(c, now);
  else c.notify('connected', now);
  if (!c.ooo.isEmpty) releaseQueuedText(c, now);
  if (c.closePending && c.state === 'ESTABLISHED') {
    c.queueFin();
    c.setState('close', now);
  }
}

/** Text queued in SYN-RECEIVED (simultaneous open) becomes readable; its ACK may be delayed (§3.8.6.3). */
function releaseQueuedText(c: TcpConnection, now: number): void {
  let n = 0;
  for (const chunk of c.ooo.takeFrom(c.rcvOff)) n += advance(c, chunk);
  if (n === 0) return;
  c.stats.bytesIn += n;
  c.unackedBytes += n;
  if (!c.timers.isSet('delack')) c.timers.set('delack', now + c.host.config.delayedAckTimeout);
  if (c.readableArmed) {
    c.readableArmed = false;
    c.notify('readable', now);
  }
}
