// What a connection does when one of its timers expires. The layer calls onTimers() for a
// connection whose earliest deadline has passed; each expired timer is handled in turn.

import { resetFor } from './input.js';
import { rtoDeadline } from './ack.js';
import { onLossTimer, onRto } from './loss.js';
import type { TcpConnection } from './connection.js';
import { seqAdd, seqDiff, seqGe } from './seq.js';
import { plpmtudOnTimeout } from './plpmtud.js';

export function onTimers(c: TcpConnection, now: number): void {
  c.clock = now;
  const t = c.timers;
  if (t.timewait <= now) {
    t.clear('timewait');
    if (c.state === 'TIME-WAIT') c.setState('timeout-2msl', now);
    return;
  }
  if (t.finwait2 <= now) {
    t.clear('finwait2');
    if (c.state === 'FIN-WAIT-2') {
      c.setState('fin-wait-2-timeout', now);
      return;
    }
  }
  if (t.loss <= now) {
    t.clear('loss');
    onLossTimer(c, now); // RFC 8985 reordering timer / TLP probe timeout (before an RTO due at the same time)
  }
  if (t.rto <= now) {
    t.clear('rto');
    onRetransmissionTimeout(c, now);
    if (c.state === 'CLOSED') return;
  }
  if (t.persist <= now) {
    t.clear('persist');
    onPersist(c, now);
    if (c.state === 'CLOSED') return;
  }
  if (t.pace <= now) t.clear('pace'); // pacing.ts: the held segment may go (this poll's output pass sends it)
  if (t.delack <= now) {
    t.clear('delack');
    c.ackNow = true;
  }
  if (t.keepalive <= now) {
    t.clear('keepalive');
    onKeepAlive(c, now);
  }
}

/** Ends the connection with ETIMEDOUT (or the ICMP-reported reason, RFC 1122 §4.2.3.9), telling the peer. */
function timedOut(c: TcpConnection, now: number): void {
  if (c.state !== 'SYN-SENT') c.host.enqueue(resetFor(c, c.sndMax));
  c.fail(c.softError ?? 'ETIMEDOUT', 'timeout', now);
}

/** RFC 6298 §5.4–§5.6 (and the SYN retry limit, R2 of RFC 9293 §3.8.3). */
function onRetransmissionTimeout(c: TcpConnection, now: number): void {
  const cfg = c.host.config;
  c.stats.rtoExpirations++;
  if (!c.synAcked) {
    // Our SYN (or SYN-ACK) is not acknowledged yet.
    if (c.connectTimeout !== undefined && now >= c.openedAt + c.connectTimeout) {
      if (c.passive && !c.announced) c.setState('timeout', now);
      else timedOut(c, now);
      return;
    }
    c.retries++;
    const limit = c.passive ? cfg.synAckRetries : cfg.synRetries;
    if (c.retries > limit) {
      if (c.passive && !c.announced) c.setState('timeout', now);
      else timedOut(c, now);
      return;
    }
    c.synRetransmitted = true;
    const drop = cfg.synDropOptionsAfter;
    if (drop !== undefined && c.retries >= drop && c.state === 'SYN-SENT') c.synOptionsDropped = true;
    c.rtt.backoff();
    c.rttTiming = false;
    c.synPending = true;
    // Anything sent after the SYN (a FIN after CLOSE in SYN-RECEIVED) goes again too.
    c.sndNxt = seqAdd(c.iss, 1);
    c.host.wake(c);
    return;
  }
  if (seqGe(c.sndUna, c.sndMax)) return; // nothing outstanding
  if (c.userTimeout !== undefined && now - c.lastProgress >= c.userTimeout) {
    timedOut(c, now);
    return;
  }
  c.retries++;
  if (c.retries > cfg.dataRetries) {
    timedOut(c, now);
    return;
  }
  const flight = seqDiff(c.sndMax, c.sndUna);
  onRto(c); // undo episode, PRR/TLP stop, SACK marks dropped (loss.ts)
  c.cc.onRto(flight, now);
  c.recovery.onRto(seqAdd(c.sndMax, -1));
  // RFC 2018 §8 / RFC 6675 §5.1: after a timeout the SACKed bits are turned off (the peer may renege).
  c.sb.clear();
  plpmtudOnTimeout(c, flight, now); // RFC 4821 §7.7: repeated timeouts may be a PMTU black hole
  c.rtt.backoff();
  c.rttTiming = false;
  c.retransmitHead = false;
  // §5.4: retransmit the earliest unacknowledged segment — and, as cwnd regrows, the rest after it.
  c.sndNxt = c.sndUna;
  c.timers.set('rto', rtoDeadline(c, now)); // §5.6 (output re-arms nothing while the timer runs)
  c.host.wake(c);
}

/** §3.8.6.1 zero-window probe, or the §3.8.6.2.1 SWS override when some window is open. */
function onPersist(c: TcpConnection, now: number): void {
  if (c.unsentBytes() === 0 || c.sndNxt !== c.sndUna) return;
  // The user timeout (RFC 9293 §3.10.8, RFC 5482 §3) runs from the first unanswered probe, when
  // the waiting data was first offered (an answer resets the count: RFC 1122 §4.2.2.17).
  if (c.persistProbes === 0) c.lastProgress = now;
  else if (c.userTimeout !== undefined && now - c.lastProgress >= c.userTimeout) {
    timedOut(c, now);
    return;
  }
  c.persistProbes++;
  if (c.persistProbes > c.host.config.dataRetries) {
    timedOut(c, now);
    return;
  }
  const room = seqDiff(seqAdd(c.sndUna, c.sndWnd), c.sndNxt);
  if (room > 0) c.forceSend = true;
  else {
    c.probePending = true;
    c.stats.zeroWindowProbes++;
  }
  c.persistBackoff++;
  c.host.wake(c);
}

/** RFC 1122 §4.2.3.6: probe an idle connection; give up after keepAliveCount unanswered probes. */
function onKeepAlive(c: TcpConnection, now: number): void {
  const cfg = c.host.config;
  const s = c.state;
  if (!c.keepAlive || !(s === 'ESTABLISHED' || s === 'CLOSE-WAIT' || s === 'FIN-WAIT-2')) return;
  // Data outstanding or waiting: the retransmission and persist timers watch the peer instead.
  if (c.sndUna !== c.sndMax || c.unsentBytes() > 0) {
    c.timers.set('keepalive', now + c.keepAliveIdle);
    return;
  }
  // Compared as the deadline was computed (lastRecv + idle), so float rounding cannot re-arm it at `now` forever.
  if (c.keepProbes === 0 && c.lastRecv + c.keepAliveIdle > now) {
    c.armKeepAlive();
    return;
  }
  if (c.keepProbes >= cfg.keepAliveCount) {
    timedOut(c, now);
    return;
  }
  c.keepProbes++;
  c.stats.keepAliveProbes++;
  c.probePending = true;
  c.timers.set('keepalive', now + cfg.keepAliveInterval);
  c.host.wake(c);
}
