// Loss detection by duplicate ACKs, kept apart from the window arithmetic (cc/): RFC 5681 §3.2
// fast retransmit, RFC 6582 NewReno recovery point and partial ACKs, RFC 3042 limited transmit.
// It answers "what should the sender do now?"; the connection does it and the CongestionControl
// adjusts cwnd. SACK/RACK-based detection (RFC 6675, RFC 8985) will replace this module, not cc/.

import type { AckSample, CongestionControl } from './cc/types.js';
import { seqGt } from './seq.js';

export type RecoveryAction =
  /** Nothing special: send new data as the windows allow. */
  | 'none'
  /** Retransmit the segment at SND.UNA now, regardless of cwnd (fast retransmit / partial ACK). */
  | 'retransmit';

export interface RecoveryOptions {
  dupAckThreshold: number;
  limitedTransmit: boolean;
}

export class LossRecovery {
  /** Consecutive duplicate ACKs (RFC 5681 §2 definition) since the last new ACK. */
  dupAcks = 0;
  inRecovery = false;
  /** RFC 6582 §3.2 "recover": the highest sequence number sent when recovery (or an RTO) began. */
  recover: number;
  /** Whether the partial ACK seen is the first of this recovery episode (RFC 6582 timer rule). */
  #partialSeen = false;
  fastRetransmits = 0;
  /**
   * RFC 6675 mode (SACK negotiated): no window inflation or partial-ACK deflation; what to send
   * during recovery comes from the scoreboard (pipe, NextSeg), not from this module.
   */
  sack = false;
  /**
   * RFC 6937 §3 (PRR ran this recovery): the window is ssthresh when recovery ends, not RFC 6582's
   * FlightSize + SMSS — PRR has already brought the flight down to it.
   */
  exitAtSsthresh = false;

  constructor(iss: number, readonly opts: RecoveryOptions) {
    // RFC 6582 §3.2 step 1: initialize recover to the initial send sequence number.
    this.recover = iss;
  }

  /**
   * A duplicate ACK arrived (ack = SND.UNA, no data, same window, data outstanding).
   * `highestSent` is SND.MAX − 1.
   */
  onDupAck(ack: number, highestSent: number, flightSize: number, cc: CongestionControl, now: number): RecoveryAction {
    this.dupAcks++;
    if (this.inRecovery) {
      if (!this.sack) cc.onDupAckInRecovery(now);
      return 'none';
    }
    if (this.dupAcks === this.opts.dupAckThreshold) return this.enter(ack, highestSent, flightSize, cc, now);
    return 'none';
  }

  /**
   * Loss recovery begins (RFC 5681 §3.2 step 2, RFC 6675 §5 step 4 — the latter also when the
   * scoreboard says the first segment IsLost before three duplicate ACKs were counted).
   */
  enter(ack: number, highestSent: number, flightSize: number, cc: CongestionControl, now: number): RecoveryAction {
    // RFC 6582 §3.2 step 2 / RFC 6675 §5: only when the ACK covers more than `recover` (avoids
    // multiple fast retransmits for one window of losses).
    if (this.inRecovery || !seqGt(ack, this.recover)) return 'none';
    this.inRecovery = true;
    this.#partialSeen = false;
    this.recover = highestSent;
    this.fastRetransmits++;
    cc.onRecoveryStart(flightSize, now, this.sack);
    return 'retransmit';
  }

  /**
   * An ACK for new data. Returns the action and whether the retransmission timer is restarted
   * (RFC 6298 §5.3; during recovery only on the first partial ACK, RFC 6582 §3.2 step 5).
   */
  onNewAck(ack: number, s: AckSample, cc: CongestionControl): { action: RecoveryAction; restartTimer: boolean } {
    this.dupAcks = 0;
    if (!this.inRecovery) {
      cc.onAck(s);
      return { action: 'none', restartTimer: true };
    }
    if (seqGt(ack, this.recover)) {
      // Full ACK: everything up to and including `recover` is acknowledged.
      this.inRecovery = false;
      cc.onRecoveryEnd(this.exitAtSsthresh ? cc.ssthresh : Math.max(0, s.flightSize - s.ackedBytes), s.now);
      return { action: 'none', restartTimer: true };
    }
    const first = !this.#partialSeen;
    this.#partialSeen = true;
    if (this.sack) return { action: 'none', restartTimer: first };
    cc.onPartialAck(s);
    return { action: 'retransmit', restartTimer: first };
  }

  /** RFC 6582 §3.2: after an RTO, recover ← highest sequence number sent; recovery ends. */
  onRto(highestSent: number): void {
    this.inRecovery = false;
    this.dupAcks = 0;
    this.recover = highestSent;
  }

  /** RFC 3042: extra segments the sender may put in flight on the first two duplicate ACKs. */
  limitedTransmitSegments(): number {
    if (!this.opts.limitedTransmit || this.inRecovery) return 0;
    return Math.min(this.dupAcks, 2, this.opts.dupAckThreshold - 1);
  }
}
