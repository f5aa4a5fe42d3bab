// NewReno window arithmetic: RFC 5681 (slow start, congestion avoidance, fast recovery) with the
// RFC 6582 partial-ACK rules. Loss detection itself is the caller's (../recovery.ts).

import { HyStart, L_NON_PACED, slowStartAck } from './hystart.js';
import { growthBytes, initialWindow, undoneWindow, type AckSample, type CongestionControl, type CongestionControlInit } from './types.js';

export class NewReno implements CongestionControl {
  readonly name = 'newreno';
  cwnd: number;
  ssthresh = Infinity;
  #mss: number;
  #iw: number;
  /** RFC 9406 HyStart++ state for the initial slow start, undefined when off. */
  #hystart: HyStart | undefined = undefined;
  /** Bytes acknowledged since the last cwnd increase in congestion avoidance. */
  #caAcked = 0;

  /** Slow start without a per-ACK bound (CongestionControlInit.unlimitedSlowStart). */
  readonly #unlimited: boolean;

  constructor(init: CongestionControlInit) {
    this.#mss = init.mss;
    this.#iw = initialWindow(init);
    this.cwnd = this.#iw;
    this.#unlimited = init.unlimitedSlowStart === true;
    if (init.hystart === true) this.#hystart = new HyStart(init.pacing === true || this.#unlimited ? Infinity : L_NON_PACED * init.mss);
  }

  onAck(s: AckSample): void {
    if (s.ackedBytes <= 0) return;
    if (this.cwnd < this.ssthresh) {
      slowStartAck(this, this.#hystart, s, this.#mss, this.#unlimited);
      return;
    }
    // RFC 7661 §4.3 (cwnd validation): in congestion avoidance grow only a window that is full.
    if (!(s.cwndLimited ?? s.flightSize + this.#mss >= this.cwnd)) return;
    // RFC 5681 §3.1 eq. 3 with appropriate byte counting (RFC 3465 §2.1): one SMSS per cwnd acked.
    this.#caAcked += growthBytes(s);
    if (this.#caAcked >= this.cwnd) {
      this.#caAcked -= this.cwnd;
      this.cwnd += this.#mss;
    }
  }

  onRecoveryStart(flightSize: number, _now: number, sack = false): void {
    this.#hystart?.stop();
    // RFC 5681 §3.2 step 2 eq. 4 and step 3: ssthresh = max(FlightSize/2, 2·SMSS); cwnd = ssthresh + 3·SMSS.
    // RFC 6675 §5 step 4.2: with SACK, cwnd = ssthresh (pipe already leaves out what was SACKed).
    this.ssthresh = Math.max(flightSize / 2, 2 * this.#mss);
    this.cwnd = this.ssthresh + (sack ? 0 : 3 * this.#mss);
    this.#caAcked = 0;
  }

  onDupAckInRecovery(): void {
    // RFC 5681 §3.2 step 4: inflate by one SMSS per additional duplicate ACK.
    this.cwnd += this.#mss;
  }

  onPartialAck(s: AckSample): void {
    // RFC 6582 §3.2 step 5: deflate by the amount acknowledged, add back one SMSS if that was ≥ SMSS.
    this.cwnd = Math.max(this.#mss, this.cwnd - s.ackedBytes + (s.ackedBytes >= this.#mss ? this.#mss : 0));
  }

  onRecoveryEnd(flightSize: number): void {
    // RFC 6582 §3.2 step 6 option 1: cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS).
    this.cwnd = Math.min(this.ssthresh, Math.max(flightSize, this.#mss) + this.#mss);
    this.#caAcked = 0;
  }

  onRto(flightSize: number): void {
    this.#hystart?.stop();
    // RFC 5681 §3.1 eq. 4 and the loss window LW = 1 SMSS.
    this.ssthresh = Math.max(flightSize / 2, 2 * this.#mss);
    this.cwnd = this.#mss;
    this.#caAcked = 0;
  }

  onIdleRestart(): void {
    // RFC 5681 §4.1: restart window RW = min(IW, cwnd).
    this.cwnd = Math.min(this.cwnd, this.#iw);
  }

  /** RFC 3168 §6.1.2: an ECN-Echo halves the window as a loss would (RFC 5681 eq. 4), cwnd = ssthresh. */
  onEcnCongestion(flightSize: number): void {
    this.#hystart?.stop();
    this.ssthresh = Math.max(flightSize / 2, 2 * this.#mss);
    this.cwnd = this.ssthresh;
    this.#caAcked = 0;
  }

  setMss(mss: number): void {
    if (this.#hystart !== undefined && Number.isFinite(this.#hystart.limit)) this.#hystart.limit = L_NON_PACED * mss;
    if (mss <= 0 || mss === this.#mss) return;
    this.cwnd = Math.max(mss, Math.round((this.cwnd / this.#mss) * mss));
    if (Number.isFinite(this.ssthresh)) this.ssthresh = Math.max(2 * mss, Math.round((this.ssthresh / this.#mss) * mss));
    this.#mss = mss;
  }

  undo(prior: { cwnd: number; ssthresh: number }): void {
    // RFC 4015 §4: the reduction was answered to a spurious retransmission.
    const w = undoneWindow(this, prior);
    this.cwnd = w.cwnd;
    this.ssthresh = w.ssthresh;
    this.#caAcked = 0;
  }
}
