// CUBIC congestion control, RFC 9438. Window growth after a loss follows the cubic function
// W_cubic(t) = C·(t − K)³ + W_max of the time since the congestion event (§4.2), never below the
// Reno-friendly estimate W_est (§4.3); β_cubic = 0.7 on loss (§4.6) with fast convergence (§4.7).
// Windows inside the formulas are in segments (the RFC's unit), cwnd itself in bytes.
// Slow start is RFC 5681's, with HyStart++ (RFC 9406, ./hystart.ts) for the initial one when configured.

import { HyStart, L_NON_PACED, slowStartAck } from './hystart.js';
import { growthBytes, initialWindow, undoneWindow, type AckSample, type CongestionControl, type CongestionControlInit } from './types.js';

/** §5.1: C = 0.4 (segments / s³). */
const C = 0.4;
/** §4.6: multiplicative decrease factor. */
const BETA = 0.7;
/** §4.3: α_cubic = 3·(1 − β) / (1 + β), so that the average window matches Reno's. */
const ALPHA = (3 * (1 - BETA)) / (1 + BETA);

export class Cubic implements CongestionControl {
  readonly name = 'cubic';
  cwnd: number;
  ssthresh = Infinity;
  #mss: number;
  #iw: number;
  /** RFC 9406 HyStart++ state for the initial slow start, undefined when off. */
  #hystart: HyStart | undefined = undefined;
  /** §4.2 W_max (segments): the window just before the last reduction. */
  #wMax = 0;
  /** §4.2 K (seconds): time for W_cubic to grow back to W_max. */
  #k = 0;
  /** Start of the current congestion-avoidance epoch (ms), undefined until the first CA ACK. */
  #epoch: number | undefined = undefined;
  /** §4.3 W_est (segments). */
  #wEst = 0;
  /** W_max and K before the last reduction (restored if it is undone). */
  #beforeReduce: { wMax: number; k: number } | undefined = undefined;

  /** Slow start without a per-ACK bound (CongestionControlInit.unlimitedSlowStart). */
  readonly #unlimited: boolean;
  /** §4.6 with cwnd in place of flight_size (CongestionControlInit.reduceFromCwnd). */
  readonly #fromCwnd: boolean;

  constructor(init: CongestionControlInit) {
    this.#mss = init.mss;
    this.#iw = initialWindow(init);
    this.cwnd = this.#iw;
    this.#unlimited = init.unlimitedSlowStart === true;
    this.#fromCwnd = init.reduceFromCwnd === true;
    if (init.hystart === true) this.#hystart = new HyStart(init.pacing === true || this.#unlimited ? Infinity : L_NON_PACED * init.mss);
  }

  /** §4.2 W_cubic(t) in segments, t in seconds since the epoch. */
  #wCubic(t: number): number {
    return C * (t - this.#k) ** 3 + this.#wMax;
  }

  onAck(s: AckSample): void {
    if (s.ackedBytes <= 0) return;
    if (this.cwnd < this.ssthresh) {
      slowStartAck(this, this.#hystart, s, this.#mss, this.#unlimited);
      return;
    }
    // RFC 7661 §4.3 (cwnd validation): in congestion avoidance grow only a window that is full.
    if (!(s.cwndLimited ?? s.flightSize + this.#mss >= this.cwnd)) return;
    const cwndSeg = this.cwnd / this.#mss;
    if (this.#epoch === undefined) {
      // §4.2: a new epoch; without a previous reduction W_max is the current window (K = 0).
      this.#epoch = s.now;
      if (this.#wMax < cwndSeg) {
        this.#wMax = cwndSeg;
        this.#k = 0;
      } else this.#k = Math.cbrt((this.#wMax - cwndSeg) / C);
      this.#wEst = cwndSeg;
    }
    const t = (s.now - this.#epoch) / 1000;
    const rtt = (s.srtt ?? 100) / 1000;
    // §4.3: the Reno-friendly estimate grows by α_cubic segments per window of ACKed data.
    this.#wEst += (ALPHA * (growthBytes(s) / this.#mss)) / cwndSeg;
    if (this.#wCubic(t) < this.#wEst) {
      this.cwnd = Math.max(this.cwnd, this.#wEst * this.#mss);
      return;
    }
    // §4.4/§4.5: aim at W_cubic one RTT ahead, the target bounded to [cwnd, 1.5·cwnd].
    const target = Math.min(1.5 * cwndSeg, Math.max(cwndSeg, this.#wCubic(t + rtt)));
    this.cwnd += ((target - cwndSeg) / cwndSeg) * growthBytes(s);
  }

  /** §4.6 multiplicative decrease and §4.7 fast convergence. */
  #reduce(flightSize: number): void {
    this.#hystart?.stop();
    this.#beforeReduce = { wMax: this.#wMax, k: this.#k };
    const cwndSeg = this.cwnd / this.#mss;
    this.#wMax = cwndSeg < this.#wMax ? (cwndSeg * (1 + BETA)) / 2 : cwndSeg;
    const base = this.#fromCwnd ? this.cwnd : Math.min(this.cwnd, Math.max(flightSize, this.#mss));
    this.ssthresh = Math.max(2 * this.#mss, base * BETA);
    this.#epoch = undefined;
  }

  onRecoveryStart(flightSize: number, _now: number, sack = false): void {
    this.#reduce(flightSize);
    // With SACK (RFC 6675) sending is paced by pipe; otherwise RFC 5681 §3.2 inflation by 3 SMSS.
    this.cwnd = this.ssthresh + (sack ? 0 : 3 * this.#mss);
  }

  onDupAckInRecovery(): void {
    this.cwnd += this.#mss; // RFC 5681 §3.2 step 4
  }

  onPartialAck(s: AckSample): void {
    // RFC 6582 §3.2 step 5.
    this.cwnd = Math.max(this.#mss, this.cwnd - s.ackedBytes + (s.ackedBytes >= this.#mss ? this.#mss : 0));
  }

  onRecoveryEnd(flightSize: number, _now?: number): void {
    // RFC 6582 §3.2 step 6 option 1.
    this.cwnd = Math.min(this.ssthresh, Math.max(flightSize, this.#mss) + this.#mss);
    this.#epoch = undefined;
  }

  onRto(flightSize: number): void {
    // §4.8: reduce as on loss, then one segment (RFC 5681 loss window).
    this.#reduce(flightSize);
    this.cwnd = this.#mss;
  }

  onIdleRestart(): void {
    // RFC 5681 §4.1 restart window; §5.8: idle time does not count toward the cubic epoch.
    this.cwnd = Math.min(this.cwnd, this.#iw);
    this.#epoch = undefined;
  }

  /** RFC 3168 §6.1.2 / RFC 9438 §4.6: an ECN-Echo reduces like a loss (β_cubic), cwnd = ssthresh. */
  onEcnCongestion(flightSize: number): void {
    this.#reduce(flightSize);
    this.cwnd = Math.max(this.#mss, this.ssthresh);
  }

  setMss(mss: number): void {
    if (this.#hystart !== undefined && Number.isFinite(this.#hystart.limit)) this.#hystart.limit = L_NON_PACED * mss;
    if (mss <= 0 || mss === this.#mss) return;
    this.cwnd = Math.max(mss, Math.round((this.cwnd / this.#mss) * mss));
    if (Number.isFinite(this.ssthresh)) this.ssthresh = Math.max(2 * mss, Math.round((this.ssthresh / this.#mss) * mss));
    this.#mss = mss;
  }

  /** Diagnostics for tests and plots: W_max (segments) and K (seconds). */
  get state(): { wMax: number; k: number; wEst: number } {
    return { wMax: this.#wMax, k: this.#k, wEst: this.#wEst };
  }

  undo(prior: { cwnd: number; ssthresh: number }): void {
    // RFC 4015 §4 / RFC 9438 §4.9 (spurious fast retransmits): the window and W_max as before the reduction.
    const w = undoneWindow(this, prior);
    this.cwnd = w.cwnd;
    this.ssthresh = w.ssthresh;
    if (this.#beforeReduce !== undefined) {
      this.#wMax = this.#beforeReduce.wMax;
      this.#k = this.#beforeReduce.k;
      this.#beforeReduce = undefined;
    }
    this.#epoch = undefined;
  }
}
