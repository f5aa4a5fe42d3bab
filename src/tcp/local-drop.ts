// Local congestion: the interface below refuses every packet (a transmit queue that holds none,
// as a `pfifo limit 0` qdisc). Nothing a connection would send leaves, and nothing counts as
// sent: new data stays unsent (SND.NXT does not move), a retransmission deemed necessary stays
// owed, an ACK or probe is lost. The timers that were running keep running and retry; with data
// waiting and nothing in flight that is the persist timer (RFC 9293 §3.8.6.1), whose refused
// attempt is retried after TcpConfig.localDropRetryInterval without backoff when that is set
// (Linux: TCP_RESOURCE_PROBE_INTERVAL), or with the ordinary backoff otherwise.

import type { TcpConnection } from './connection.js';
import { armPersist } from './output.js';

/** transmit() while the interface refuses to send: drop what would go, keep the timers honest. */
export function transmitRefused(c: TcpConnection, now: number): void {
  const probed = c.forceSend || c.probePending; // the persist timer just fired: its probe is refused
  c.synPending = c.retransmitHead = c.forceSend = c.probePending = c.ackNow = false;
  armPersist(c, now);
  const retry = c.host.config.localDropRetryInterval;
  if (!probed || retry <= 0 || !c.timers.isSet('persist')) return;
  // The refused probe does not back the timer off; the next attempt comes after `retry`, but no
  // later than the user timeout (timer-actions.ts onPersist ends the connection then).
  c.persistBackoff = Math.max(0, c.persistBackoff - 1);
  let at = now + retry;
  if (c.userTimeout !== undefined) at = Math.min(at, Math.max(now, c.lastProgress + c.userTimeout));
  c.timers.set('persist', at);
}
