// The fifth step of SEGMENT ARRIVES (RFC 9293 §3.10.7.4, "check the ACK field") for ESTABLISHED
// and the states that share it: acceptability (RFC 5961 §5.2), the SACK scoreboard (RFC 6675),
// duplicate ACKs (RFC 5681), newly acknowledged data with RTT sampling (RFC 6298, RFC 7323 §4.1),
// and the send-window update.
import { cwndLimited } from './cwnd-use.js';
import { TcpFlag, type TcpRepr } from '../wire/tcp-types.js';
import type { TcpConnection } from './connection.js';
import { sendAutoTune } from './autotune.js';
import { sackBlocks } from './sack.js';
import { tsRtt, tsRttSample } from './rfc7323.js';
import type { AckSample } from './cc/types.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq.js';
import { ecnOnAck } from './ecn.js';
import { afterAck as lossAfterAck, onAckArrival, rackOn } from './loss.js';
import { countDelivered } from './cwnd-growth.js';
import { established } from './established.js';
import { sendWritable } from './sndbuf-linux.js';

const { FIN, SYN } = TcpFlag;

/**
 * §3.10.7.4 fifth step for ESTABLISHED and the states that share it. Returns false when the
 * segment is to be dropped.
 */
export function processAck(c: TcpConnection, seg: TcpRepr, now: number): boolean {
  const ack = seg.ack;
  // RFC 5961 §5.2 (in RFC 9293): acceptable iff SND.UNA − MAX.SND.WND ≤ SEG.ACK ≤ SND.NXT.
  if (seqGt(ack, c.sndMax) || seqLt(ack, seqAdd(c.sndUna, -c.maxSndWnd))) {
    // TcpConfig.ackOfUnsentData 'drop' (Linux): in ESTABLISHED an ACK of unsent data is dropped unanswered.
    if (seqGt(ack, c.sndMax) && c.state === 'ESTABLISHED' && c.host.config.ackOfUnsentData === 'drop') return false;
    c.challengeAck(now);
    return false;
  }
  const oldWnd = c.sndWnd;
  const segWnd = seg.window * 2 ** c.sndWscale;
  const rack = rackOn(c);
  if (c.handshakeDone) onAckArrival(c, seg, now); // transmit records, RACK, TLP, undo (loss.ts)
  // RFC 6675 §5: the scoreboard takes the SACK blocks first (rebased past the cumulative ACK).
  let sacked = false;
  if (c.sackOk) {
    if (seqGt(ack, c.sndUna)) c.sb.advance(seqDiff(ack, c.sndUna));
    const blocks = sackBlocks(seg);
    if (blocks !== undefined) sacked = c.sb.update(blocks, seqGt(ack, c.sndUna) ? ack : c.sndUna, c.sndMax);
  }
  ecnOnAck(c, seg, now); // RFC 3168 §6.1.2
  if (seqGt(ack, c.sndUna)) {
    newAck(c, ack, now);
  } else if (ack === c.sndUna) {
    // RFC 5681 §2 duplicate ACK: outstanding data, no data, no SYN/FIN, same ack, same window.
    const isDup =
      seg.payload.length === 0 && (seg.flags & (SYN | FIN)) === 0 && seqGt(c.sndMax, c.sndUna) && segWnd === oldWnd && c.sndWnd > 0;
    if (isDup) {
      c.stats.dupAcksIn++;
      // With RACK (RFC 8985) time, not the duplicate-ACK count, starts recovery (loss.ts afterAck).
      const action = rack ? (c.recovery.dupAcks++, 'none') : c.recovery.onDupAck(ack, seqAdd(c.sndMax, -1), seqDiff(c.sndMax, c.sndUna), c.cc, now);
      if (action === 'retransmit') {
        c.retransmitHead = true;
        c.stats.fastRetransmits++;
      }
      c.host.wake(c);
    }
  }
  // RFC 6675 §5 step 4: recovery also begins when the scoreboard shows the first segment lost.
  if (sacked && !rack && !c.recovery.inRecovery && c.sb.isLost(0, c.sndMss, c.host.config.dupAckThreshold)) {
    if (c.recovery.enter(c.sndUna, seqAdd(c.sndMax, -1), seqDiff(c.sndMax, c.sndUna), c.cc, now) === 'retransmit') {
      c.retransmitHead = true;
      c.stats.fastRetransmits++;
    }
  }
  if (sacked) c.host.wake(c);
  if (c.handshakeDone) lossAfterAck(c, now);
  // Window update: if SND.UNA ≤ SEG.ACK ≤ SND.NXT and (WL1 < SEG.SEQ or (WL1 = SEG.SEQ and WL2 ≤ SEG.ACK)).
  if (seqLe(c.sndUna, ack) && (seqLt(c.sndWl1, seg.seq) || (c.sndWl1 === seg.seq && seqLe(c.sndWl2, ack)))) {
    c.sndWnd = segWnd;
    c.sndWl1 = seg.seq;
    c.sndWl2 = ack;
    if (segWnd > c.maxSndWnd) c.maxSndWnd = segWnd;
    if (segWnd !== oldWnd) {
      c.persistBackoff = 0;
      c.host.wake(c);
    }
  }
  c.persistProbes = 0;
  return true;
}

/** SND.UNA < SEG.ACK ≤ SND.MAX: new data (or our SYN/FIN) acknowledged. */
function newAck(c: TcpConnection, ack: number, now: number): void {
  const acked = seqDiff(ack, c.sndUna);
  const synAcked = !c.synAcked; // this ACK covers our SYN
  const finWasAcked = c.finAcked();
  const flight = seqDiff(c.sndMax, c.sndUna);
  c.sndUna = ack;
  c.synAcked = true;
  if (seqLt(c.sndNxt, ack)) c.sndNxt = ack;
  let dataAcked = acked - (synAcked ? 1 : 0);
  if (!finWasAcked && c.finAcked()) dataAcked--;
  c.sendBuf.consume(dataAcked);
  c.stats.bytesAcked += dataAcked;
  c.delivered += acked;
  let rttSample: number | undefined;
  if (c.rttTiming && seqGe(ack, c.rttSeq)) {
    rttSample = now - c.rttTime;
    c.rttTiming = false;
    c.rtt.sample(rttSample);
  } else {
    // RFC 7323 §4.1: the echoed timestamp times the ACK even when Karn's rule stopped the timing.
    rttSample = tsRttSample(c, now);
    if (rttSample !== undefined) c.rtt.sample(rttSample);
  }
  c.retries = 0;
  c.lastProgress = now;
  c.persistBackoff = 0;
  // Our SYN acknowledged after CLOSE in SYN-RECEIVED (FIN-WAIT-1 without passing ESTABLISHED).
  if (synAcked) established(c, now);
  const sampleBytes = acked - (synAcked ? 1 : 0);
  let restart = true;
  if (sampleBytes > 0) {
    const s: AckSample = {
      ackedBytes: sampleBytes,
      rtt: rttSample ?? tsRtt(c, now),
      srtt: c.rtt.srtt,
      flightSize: flight,
      ...(c.lossIfAny?.ackRtt !== undefined ? { ackRtt: c.lossIfAny.ackRtt } : {}),
      delivered: c.delivered,
      appLimited: c.unsentBytes() === 0 && flight < c.cc.cwnd,
      now,
    };
    const limited = cwndLimited(c); // cwnd-use.ts (TcpConfig.cwndGrowth 'linux')
    if (limited !== undefined) s.cwndLimited = limited;
    const rate = c.lossIfAny?.sample;
    if (rate !== undefined) s.rate = rate;
    if (c.host.config.cwndGrowth === 'linux') countDelivered(c, s); // cwnd-growth.ts
    const r = c.recovery.onNewAck(ack, s, c.cc);
    if (r.action === 'retransmit') c.retransmitHead = true;
    restart = r.restartTimer;
  }
  // RFC 6298 §5.2 / §5.3.
  if (c.sndUna === c.sndMax) c.timers.clear('rto');
  else if (restart) c.timers.set('rto', rtoDeadline(c, now));
  if (c.sendAutoTune) sendAutoTune(c);
  if (c.sendBlocked && sendWritable(c) && !c.finQueued) {
    c.sendBlocked = false;
    c.notify('writable', now);
  }
  c.host.wake(c);
}

/** When the retransmission timer armed at `now` expires (RFC 6298, bounded by the user timeout). */
export function rtoDeadline(c: TcpConnection, now: number): number {
  let at = now + c.rtt.rto;
  // TcpConfig.connectTimeout: the opening phase ends at openedAt + connectTimeout at the latest.
  if (c.connectTimeout !== undefined && !c.handshakeDone) at = Math.max(now, Math.min(at, c.openedAt + c.connectTimeout));
  return c.userTimeout === undefined ? at : Math.max(now, Math.min(at, c.lastProgress + c.userTimeout));
}
