// Segment generation for one connection, called by the layer's poll(). What goes out, in order:
// SYN or SYN-ACK, a fast/partial-ACK retransmission, new data and FIN (windows, Nagle and sender SWS
// avoidance permitting), a probe, and a pure ACK when one is owed and nothing else carried it.

import { TcpFlag } from '../wire/tcp-types.js';
import type { TcpDatagram } from '../stack/types.js';
import { EMPTY, type TcpConnection } from './connection.js';
import { gsoLength } from './gso.js';
import { rtoDeadline } from './ack.js';
import { synOptions } from './rfc7323.js';
import { ecnDataSegment } from './ecn.js';
import { paceAllows, paceBudget, paceSent } from './pacing.js';
import { seqAdd, seqDiff, seqGt, seqLe, seqLt } from './seq.js';
import { plpmtudOnRetransmit, plpmtudProbeBytes, plpmtudProbeSent } from './plpmtud.js';
import { afterOutput, congestionRoom, onTransmit, rackOn } from './loss.js';
import { sendLost, sendTlpProbe } from './loss-output.js';
import { pushBurstAdd, pushBurstDrop, pushBurstEnd, pushFlag, pushOnWakeup } from './push-marks.js';
import { corkAfterOutput, corkHolds } from './cork.js';
import { sendBufferAfterOutput, sendBufferSent } from './sndbuf-linux.js';
import { cwndUseAfterOutput } from './cwnd-use.js';
import { chronoTick } from './send-chrono.js';
import { transmitRefused } from './local-drop.js';

const { FIN, SYN, PSH, ACK } = TcpFlag;

export function transmit(c: TcpConnection, now: number, out: TcpDatagram[]): void {
  const s = c.state;
  if (s === 'CLOSED' || s === 'LISTEN') return;
  c.clock = now;
  if (c.host.localCongestion === true) {
    transmitRefused(c, now); // local-drop.ts: the interface refuses every packet
    return;
  }
  if (c.synPending) sendSyn(c, now, out);
  if (s === 'SYN-SENT' || s === 'SYN-RECEIVED') return;
  const bytesOut = c.stats.bytesOut;
  if (c.retransmitHead) {
    c.retransmitHead = false;
    retransmitHead(c, now, out);
  }
  const rack = rackOn(c);
  const loss = c.lossIfAny; // undefined until data was sent: then nothing can be lost
  if (rack) {
    if (loss?.probeDue === true) sendTlpProbe(c, now, out); // RFC 8985 §7.3
    if (loss !== undefined) sendLost(c, now, out); // RFC 8985: what RACK deemed lost goes before new data
  } else if (sackRecovery(c)) sendHoles(c, now, out, false);
  sendData(c, now, out);
  corkAfterOutput(c); // cork.ts: an uncork / TCP_NODELAY push lasts one pass
  sendBufferAfterOutput(c); // sndbuf-linux.ts: the unsent rest is a chunk of its own
  pushBurstEnd(c); // push-marks.ts: a burst of several segments ends with PSH (pushRule 'linux')
  cwndUseAfterOutput(c, c.stats.bytesOut !== bytesOut); // cwnd-use.ts (cwndGrowth 'linux')
  if (!rack && sackRecovery(c) && c.unsentBytes() === 0) sendHoles(c, now, out, true);
  if (c.handshakeDone) afterOutput(c);
  if (c.probePending) {
    c.probePending = false;
    if (sendProbe(c, out)) c.lastSend = now;
  }
  if (c.ackNow) {
    // TcpConfig.finRepeat (BSD): while our FIN is unacknowledged, the ACK carries it again.
    const fin = c.host.config.finRepeat && c.finSent() && !c.finAcked() && c.sndNxt === c.sndMax;
    out.push(fin ? c.segment(c.finSeq, ACK | FIN, EMPTY) : c.segment(c.sndMax, ACK, EMPTY));
  }
  armPersist(c, now);
  chronoTick(c, now); // send-chrono.ts: busy / rwnd- / sndbuf-limited time
}

/** SYN (SYN-SENT) or SYN,ACK (otherwise), <SEQ=ISS>, with our MSS option (§3.7.1) and RFC 7323 options. */
function sendSyn(c: TcpConnection, now: number, out: TcpDatagram[]): void {
  c.synPending = false;
  const flags = c.state === 'SYN-SENT' ? SYN : SYN | ACK;
  out.push(c.segment(c.iss, flags, EMPTY, synOptions(c, now, flags !== SYN)));
  if (!c.synRetransmitted && !c.rttTiming && !c.synAcked) {
    c.rttTiming = true;
    c.rttSeq = seqAdd(c.iss, 1);
    c.rttTime = now;
  } else if (c.synRetransmitted) c.rttTiming = false; // Karn
  if (seqLt(c.sndMax, seqAdd(c.iss, 1))) c.sndMax = seqAdd(c.iss, 1);
  if (!c.timers.isSet('rto')) c.timers.set('rto', rtoDeadline(c, now));
  c.lastSend = now;
}

/**
 * Zero-window probe (RFC 9293 §3.8.6.1: "transmit at least one octet of new data (if available)",
 * RFC 1122 §4.2.2.17) or keep-alive (RFC 1122 §4.2.3.6). With data queued and nothing in flight
 * the probe carries the octet at SND.UNA, beyond the closed window; SND.MAX covers it so an ACK
 * that takes it is acceptable, while SND.NXT stays put: the persist timer (not the retransmission
 * timer) keeps probing with its own backoff, and the octet is not timed (Karn, RFC 6298 §3).
 * Otherwise (and always under TcpConfig.zeroWindowProbe 'old-seq') an empty segment at SND.UNA−1:
 * an old sequence number makes the peer answer with an ACK carrying its current window.
 * Returns whether the probe counts as a transmission for the idle and keep-alive clocks.
 */
function sendProbe(c: TcpConnection, out: TcpDatagram[]): boolean {
  const off = seqDiff(c.sndUna, c.dataHeadSeq());
  const withData = c.host.config.zeroWindowProbe === 'data';
  if (withData && sendsData(c) && c.sndNxt === c.sndUna && c.synAcked && c.sendBuf.length - off > 0) {
    out.push(c.segment(c.sndUna, ACK, c.sendBuf.view(off, 1)));
    const end = seqAdd(c.sndUna, 1);
    if (seqGt(end, c.sndMax)) c.sndMax = end;
    c.stats.bytesOut++;
    c.rttTiming = false;
    return true;
  }
  out.push(c.segment(seqAdd(c.sndUna, -1), ACK, EMPTY));
  // A keep-alive counts as a send (its interval runs from it); an empty zero-window probe is no
  // data sent (RFC 5681 §4.1's idle time goes on).
  return c.unsentBytes() === 0;
}

/** States in which data and FIN may be (re)transmitted. */
export function sendsData(c: TcpConnection): boolean {
  const s = c.state;
  return s === 'ESTABLISHED' || s === 'CLOSE-WAIT' || s === 'FIN-WAIT-1' || s === 'CLOSING' || s === 'LAST-ACK';
}

/** RFC 5681 §3.2 / RFC 6582: resend the first unacknowledged segment, whatever cwnd says. */
function retransmitHead(c: TcpConnection, now: number, out: TcpDatagram[]): void {
  if (!sendsData(c) || !seqLt(c.sndUna, c.sndMax) || !c.synAcked) return;
  const off = seqDiff(c.sndUna, c.dataHeadSeq());
  const len = Math.max(0, Math.min(payloadRoom(c), c.sendBuf.length - off, seqDiff(c.sndMax, c.sndUna)));
  const fin = c.finSent() && seqAdd(c.sndUna, len) === c.finSeq;
  if (len === 0 && !fin) return;
  emit(c, now, out, c.sndUna, off, len, fin);
  if (c.sackOk) c.sb.retransmitted(len);
}

/**
 * Payload bytes the next segment may carry: the effective send MSS (which already leaves out the
 * timestamp option), less room for SACK blocks when the segment will carry some (RFC 9293 §3.7.1:
 * Eff.snd.MSS excludes the options actually sent; RFC 2018 §3). Sized for the most blocks that fit.
 */
export function payloadRoom(c: TcpConnection): number {
  if (!c.sackOk || (c.dsack === undefined && c.ooo.isEmpty)) return c.sndMss;
  return Math.max(1, c.sndMss - (c.tsOk ? 4 + 3 * 8 : 4 + 4 * 8));
}

/** RFC 6675 loss recovery is running (SACK negotiated, in fast recovery). */
function sackRecovery(c: TcpConnection): boolean {
  return c.sackOk && c.recovery.inRecovery && sendsData(c);
}

/**
 * RFC 6675 §5 step (C): while cwnd − pipe ≥ 1 SMSS, retransmit what NextSeg names — rule 1 (holes
 * deemed lost) before new data, rule 3 (holes with SACKed data above) only when there is none.
 */
function sendHoles(c: TcpConnection, now: number, out: TcpDatagram[], rule3: boolean): void {
  const dup = c.host.config.dupAckThreshold;
  const head = c.dataHeadSeq();
  for (let guard = 0; guard < 1024; guard++) {
    // RFC 6675 §5 (C) cwnd − pipe ≥ 1 SMSS, or RFC 6937 PRR's budget (loss.ts).
    if (congestionRoom(c) < c.sndMss) return;
    const next = c.sb.nextSeg(c.sndMss, dup, rule3);
    if (next === undefined) return;
    const [rel, maxLen] = next;
    const seq = seqAdd(c.sndUna, rel);
    const off = seqDiff(seq, head);
    const len = Math.max(0, Math.min(maxLen, payloadRoom(c), c.sendBuf.length - off));
    const fin = c.finSent() && seqAdd(seq, len) === c.finSeq;
    if (len === 0 && !fin) return;
    emit(c, now, out, seq, off, len, fin);
    c.sb.retransmitted(rel + len + (fin ? 1 : 0));
  }
}

/** New data (or data after an RTO rewound SND.NXT) and our FIN. */
function sendData(c: TcpConnection, now: number, out: TcpDatagram[]): void {
  // Our SYN must have been sent (a FIN may follow it before it is acknowledged: CLOSE in
  // SYN-RECEIVED). Compared with ISS only while the SYN is unacknowledged, when SND.NXT is near it.
  if (!sendsData(c) || (!c.synAcked && seqLe(c.sndNxt, c.iss))) return;
  const head = c.dataHeadSeq();
  let first = true;
  // Classic Nagle looks at the connection as this pass found it: data a write queued while nothing
  // was unacknowledged goes out whole, tail included (RFC 896: the rule applies to new data that
  // arrives while earlier data is unacknowledged; BSD evaluates "idle" once per output pass too).
  const unackedAtStart = seqGt(c.sndNxt, c.sndUna);
  for (;;) {
    const off = seqDiff(c.sndNxt, head);
    const unsent = c.sendBuf.length - off;
    if (unsent > 0) {
      const wndRoom = seqDiff(seqAdd(c.sndUna, c.sndWnd), c.sndNxt);
      // RFC 5681 §4.1: restart from the restart window "before beginning transmission" after an
      // idle period longer than the RTO — when the peer's window lets a transmission begin.
      // Nothing in flight: the CC learns that sending resumes (CUBIC keeps idle time out of its epoch).
      if (first && wndRoom > 0 && c.sndUna === c.sndMax) {
        c.cc.onTxStart?.(now, c.lastSend);
        if (c.host.config.slowStartAfterIdle && now - c.lastSend > c.rtt.rto) c.cc.onIdleRestart(now);
      }
      first = false;
      // cwnd − FlightSize (+ RFC 3042 limited transmit), cwnd − pipe on SACK connections
      // (RFC 6675 §5 (C), RFC 8985), PRR's budget during recovery (RFC 6937): loss.ts.
      const room = Math.min(wndRoom, congestionRoom(c));
      // RFC 4821 PLPMTUD (plpmtud.ts): this segment may be a probe, larger than a full one.
      const probe = plpmtudProbeBytes(c, now, unsent, room, payloadRoom(c));
      const full = payloadRoom(c);
      const len = probe > 0 ? probe : Math.min(unsent, full, room);
      if (len <= 0) return;
      const last = len === unsent;
      const fin = last && c.finQueued;
      // Nagle (RFC 896; RFC 1122 §4.2.3.4, RFC 9293 §3.7.4): 'classic' holds a sub-MSS segment while
      // any data is unacknowledged; Minshall's refinement only while another sub-MSS segment is
      // (avoids the delayed-ACK stall on a write's tail). See TcpConfig.nagle.
      const held =
        c.host.config.nagle === 'classic'
          ? unackedAtStart
          : c.smallSegEnd !== undefined && seqGt(c.smallSegEnd, c.sndUna);
      const nagleOk = c.noDelay || c.naglePush || !held;
      // TCP_CORK / MSG_MORE (cork.ts): a sub-MSS tail waits, unless it carries the FIN.
      const corked = corkHolds(c) && !fin;
      // §3.8.6.2.1 sender SWS avoidance: a full segment; or all queued data (pushed: every write
      // is); or at least half the largest window the peer has offered; or the override timeout.
      // Retransmissions (SND.NXT rewound by an RTO) are not held back.
      const rexmit = seqLt(c.sndNxt, c.sndMax);
      const ok =
        probe > 0 || len === full || (!corked && ((last && (nagleOk || fin)) || (nagleOk && len >= c.maxSndWnd / 2))) || rexmit || c.forceSend;
      if (!ok) {
        if (corked) pushBurstDrop(c); // the sent part of a corked write is not a push
        return;
      }
      if (!paceAllows(c, now)) return;
      const wakeup = c.forceSend;
      c.forceSend = false;
      // GSO (gso.ts): a full segment may take the full segments after it along, as one (never a probe).
      const seq = c.sndNxt;
      const n = len === full ? gsoLength(c, full, Math.min(unsent, room, paceBudget(c, now, full))) : len;
      // An RFC 4821 probe leaves apart from the bursts around it (pushRule 'linux': Linux sends it by itself).
      if (probe > 0) pushBurstEnd(c);
      emit(c, now, out, seq, off, n, n === unsent ? c.finQueued : fin);
      if (probe > 0) pushBurstDrop(c);
      else pushBurstAdd(c, out[out.length - 1]!, seq, n);
      sendBufferSent(c, seq, n); // sndbuf-linux.ts (sendBufferRule 'linux'): a burst is a chunk of its own
      if (wakeup) pushOnWakeup(c, out[out.length - 1]!); // push-marks.ts (pushRule 'linux')
      if (probe > 0) plpmtudProbeSent(c, seq, c.sndNxt);
      else if (n > full) out[out.length - 1]!.gsoSize = full;
      paceSent(c, now, n);
      continue;
    }
    if (c.finQueued && c.sndNxt === c.finSeq) {
      // A lone FIN needs no window space (the receiver accepts it at RCV.NXT even when its window is closed).
      emit(c, now, out, c.sndNxt, off, 0, true);
    }
    return;
  }
}

export function emit(c: TcpConnection, now: number, out: TcpDatagram[], seq: number, off: number, len: number, fin: boolean): void {
  // A view into the send buffer, not a copy: TcpLayer.poll()'s segments are serialized by their
  // receiver before more data is queued (the Pair harness copies what it holds in flight).
  const payload = len > 0 ? c.sendBuf.view(off, len) : EMPTY;
  let flags = ACK;
  if (pushFlag(c, seq, off, len)) flags |= PSH; // push-marks.ts (TcpConfig.pushRule)
  if (fin) flags |= FIN;
  const end = seqAdd(seq, len + (fin ? 1 : 0));
  const retransmission = seqLt(seq, c.sndMax);
  onTransmit(c, seq, len, fin, now); // transmit records, PRR's prr_out, TLP (loss.ts)
  if (c.sndUna === c.sndMax) c.lastProgress = now; // the user-timeout clock starts with data in flight
  const d = c.segment(seq, flags, payload);
  ecnDataSegment(c, d, retransmission); // RFC 3168 §6.1.2 ECT(0), CWR; §6.1.5 not on retransmissions
  out.push(d);
  if (seqGt(end, c.sndNxt) && seqLe(seq, c.sndNxt)) c.sndNxt = end;
  if (seqGt(end, c.sndMax)) c.sndMax = end;
  c.stats.bytesOut += len;
  if (retransmission) {
    if (c.plpmtud !== undefined) plpmtudOnRetransmit(c, seq, end);
    c.stats.retransmittedSegments++;
    c.stats.retransmittedBytes += len;
    c.rttTiming = false; // Karn's rule (RFC 6298 §3)
  } else if (!c.rttTiming) {
    c.rttTiming = true;
    c.rttSeq = end;
    c.rttTime = now;
  }
  if (len > 0 && len < payloadRoom(c)) c.smallSegEnd = end;
  // RFC 6298 §5.1: start the timer if it is not running.
  if (!c.timers.isSet('rto')) c.timers.set('rto', rtoDeadline(c, now));
  c.timers.clear('persist');
  c.lastSend = now;
}

/**
 * The persist timer (§3.8.6.1 zero-window probing, §3.8.6.2.1 SWS override) runs when data waits,
 * nothing is in flight and the windows keep it from being sent. Exponential backoff, RTO-based.
 */
export function armPersist(c: TcpConnection, now: number): void {
  // (Data held by pacing is not waiting on a window: the pace timer sends it.)
  const waiting = sendsData(c) && c.unsentBytes() > 0 && c.sndNxt === c.sndUna && !c.timers.isSet('pace');
  if (!waiting) {
    c.timers.clear('persist');
    return;
  }
  c.timers.clear('rto'); // nothing is in flight from SND.NXT: probing replaces retransmission
  if (c.timers.isSet('persist')) return;
  const cfg = c.host.config;
  const base = Math.max(cfg.rtoMin, c.rtt.baseRto);
  c.timers.set('persist', now + Math.min(cfg.rtoMax, base * 2 ** c.persistBackoff));
}
