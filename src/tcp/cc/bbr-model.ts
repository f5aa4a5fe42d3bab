// The BBR path model: the state machine of draft-cardwell-iccrg-bbr-congestion-control-00 (BBR v1:
// Startup, Drain, ProbeBW, ProbeRTT; procedure names below are the draft's): a windowed-max bottleneck bandwidth and a windowed-min round-trip
// propagation time, estimated from delivery-rate samples, give a pacing rate and a window. Losses
// are not a congestion signal here beyond packet conservation during recovery (the draft's BBRModulateCwndForRecovery), which
// is what lets a BBR sender keep the bottleneck busy under random (non-congestive) loss.
// Rates are bytes per millisecond, times milliseconds.

/** One delivery-rate sample (draft-cheng-iccrg-delivery-rate-estimation §3.3), taken per ACK. */
export interface BbrRateSample {
  now: number;
  /** Bytes delivered over the connection's life after this ACK (C.delivered). */
  delivered: number;
  /** Delivery rate of this sample in bytes/ms, 0 when the sample is invalid. */
  deliveryRate: number;
  /** The sample was taken while the sender was application-limited. */
  isAppLimited: boolean;
  /** RTT measured by this ACK (ms), if any. */
  rtt: number | undefined;
  /** Bytes newly acknowledged (cumulatively or selectively) by this ACK. */
  ackedBytes: number;
  /** Bytes newly marked lost by this ACK. */
  lostBytes: number;
  /** Bytes in flight after this ACK was processed. */
  inflight: number;
}

export type BbrMode = 'startup' | 'drain' | 'probe-bw' | 'probe-rtt';

/** BBRHighGain = 2/ln(2): the smallest gain that doubles the sending rate every round. */
export const STARTUP_PACING_GAIN = 2 / Math.LN2;
const STARTUP_CWND_GAIN = 2;
const DRAIN_PACING_GAIN = 1 / STARTUP_PACING_GAIN;
const CWND_GAIN = 2;
/** The ProbeBW gain cycle (probe up, probe down, six phases of cruising), BBRGainCycleLen = 8. */
const PROBE_BW_GAINS = [1.25, 0.75, 1, 1, 1, 1, 1, 1] as const;
/** BtlBwFilterLen in round trips. */
const BTLBW_ROUNDS = 10;
/** RTpropFilterLen and ProbeRTTDuration (ms). */
const RTPROP_WINDOW = 10_000;
const PROBE_RTT_DURATION = 200;
/** BBRCheckFullPipe: growth below 25 % for three rounds. */
const FULL_BW_GROWTH = 1.25;
const FULL_BW_ROUNDS = 3;
/** Pace 1 % below the estimate so the bottleneck queue does not grow (as Linux's tcp_bbr does). */
const PACING_MARGIN = 0.99;

export class BbrModel {
  mode: BbrMode = 'startup';
  pacingGain = STARTUP_PACING_GAIN;
  cwndGain = STARTUP_CWND_GAIN;
  /** Per-round maxima of the delivery rate, newest last (bytes/ms). */
  #bwRounds: number[] = [];
  #roundMax = 0;
  rtProp = Infinity;
  #rtPropStamp = 0;
  roundCount = 0;
  #nextRoundDelivered = 0;
  roundStart = false;
  fullPipe = false;
  #fullBw = 0;
  #fullBwCount = 0;
  #cycleIndex = 0;
  #cycleStamp = 0;
  #probeRttDone: number | undefined = undefined;
  #probeRttRoundDone = false;
  #priorMode: BbrMode = 'probe-bw';
  /** BBR.rtprop_expired, decided before this ACK's RTT sample is taken into the filter. */
  #rtPropExpired = false;

  constructor(readonly mss: number) {}

  /** BBR.BtlBw: the windowed maximum of the per-round delivery-rate maxima. */
  get btlBw(): number {
    let m = this.#roundMax;
    for (const b of this.#bwRounds) if (b > m) m = b;
    return m;
  }

  /** BBRInflight: the BDP for `gain` (bytes), or undefined before the first RTT and rate samples. */
  bdp(gain: number): number | undefined {
    if (!Number.isFinite(this.rtProp) || this.btlBw === 0) return undefined;
    return gain * this.btlBw * this.rtProp;
  }

  /** BBRSetPacingRate: BBR.pacing_rate in bytes/ms; `fallback` (cwnd/SRTT-based) before any bandwidth sample. */
  pacingRate(fallback: number): number {
    const bw = this.btlBw;
    if (bw === 0) return this.pacingGain * fallback;
    return this.pacingGain * bw * PACING_MARGIN;
  }

  /** Updates the model with one ACK's sample (BBRUpdateModelAndState). */
  update(rs: BbrRateSample): void {
    this.#updateRound(rs);
    this.#updateBtlBw(rs);
    this.#checkCyclePhase(rs);
    this.#checkFullPipe(rs);
    this.#checkDrain(rs);
    this.#updateRtProp(rs);
    this.#checkProbeRtt(rs);
  }

  /**
   * BBRUpdateRound: a round trip ends when everything that was in flight when it began has been
   * delivered — the draft compares the delivered count each segment carried when sent; the same
   * boundary is reached when C.delivered passes (delivered + inflight) taken at the round's start.
   */
  #updateRound(rs: BbrRateSample): void {
    this.roundStart = false;
    if (rs.ackedBytes > 0 && rs.delivered >= this.#nextRoundDelivered) {
      this.#nextRoundDelivered = rs.delivered + Math.max(rs.inflight, 1);
      this.roundCount++;
      this.roundStart = true;
    }
  }

  #updateBtlBw(rs: BbrRateSample): void {
    if (this.roundStart) {
      this.#bwRounds.push(this.#roundMax);
      if (this.#bwRounds.length > BTLBW_ROUNDS - 1) this.#bwRounds.shift();
      this.#roundMax = 0;
    }
    // BBRUpdateBtlBw: an application-limited sample only counts when it raises the estimate.
    if (rs.deliveryRate > 0 && (!rs.isAppLimited || rs.deliveryRate >= this.btlBw)) {
      if (rs.deliveryRate > this.#roundMax) this.#roundMax = rs.deliveryRate;
    }
  }

  /** BBRCheckCyclePhase: advance the ProbeBW gain cycle once per min RTT (with the inflight conditions). */
  #checkCyclePhase(rs: BbrRateSample): void {
    if (this.mode !== 'probe-bw') return;
    const elapsed = rs.now - this.#cycleStamp > this.rtProp;
    const gain = this.pacingGain;
    let next = elapsed;
    const bdp = this.bdp(1) ?? Infinity;
    if (gain > 1) next = elapsed && (rs.lostBytes > 0 || rs.inflight >= gain * bdp);
    else if (gain < 1) next = elapsed || rs.inflight <= bdp;
    if (next) this.#enterCyclePhase((this.#cycleIndex + 1) % PROBE_BW_GAINS.length, rs.now);
  }

  #enterCyclePhase(index: number, now: number): void {
    this.#cycleIndex = index;
    this.#cycleStamp = now;
    this.pacingGain = PROBE_BW_GAINS[index] ?? 1;
  }

  /** BBRCheckFullPipe. */
  #checkFullPipe(rs: BbrRateSample): void {
    if (this.fullPipe || !this.roundStart || rs.isAppLimited) return;
    const bw = this.btlBw;
    if (bw >= this.#fullBw * FULL_BW_GROWTH) {
      this.#fullBw = bw;
      this.#fullBwCount = 0;
      return;
    }
    if (++this.#fullBwCount >= FULL_BW_ROUNDS) this.fullPipe = true;
  }

  /** BBRCheckDrain: leave Startup once the pipe is full, ProbeBW once the queue is drained. */
  #checkDrain(rs: BbrRateSample): void {
    if (this.mode === 'startup' && this.fullPipe) {
      this.mode = 'drain';
      this.pacingGain = DRAIN_PACING_GAIN;
      this.cwndGain = STARTUP_CWND_GAIN;
    }
    if (this.mode === 'drain' && rs.inflight <= (this.bdp(1) ?? 0)) this.#enterProbeBw(rs.now);
  }

  #enterProbeBw(now: number): void {
    this.mode = 'probe-bw';
    this.cwndGain = CWND_GAIN;
    // BBREnterProbeBW starts at a random phase other than "probe down"; the core draws no random
    // numbers, so the round count picks it (deterministic, still spread across flows).
    this.#enterCyclePhase(2 + (this.roundCount % 6), now);
  }

  /** BBRUpdateRTprop: windowed min over 10 s; an expired estimate is replaced by the next sample. */
  #updateRtProp(rs: BbrRateSample): void {
    this.#rtPropExpired = rs.now > this.#rtPropStamp + RTPROP_WINDOW;
    if (rs.rtt !== undefined && rs.rtt > 0 && (rs.rtt <= this.rtProp || this.#rtPropExpired)) {
      this.rtProp = rs.rtt;
      this.#rtPropStamp = rs.now;
    }
  }

  /** BBRCheckProbeRTT: every 10 s without a new minimum, hold the window at 4 segments for 200 ms. */
  #checkProbeRtt(rs: BbrRateSample): void {
    if (this.mode !== 'probe-rtt' && this.#rtPropExpired && Number.isFinite(this.rtProp)) {
      this.#priorMode = this.mode === 'startup' ? 'startup' : 'probe-bw';
      this.mode = 'probe-rtt';
      this.pacingGain = 1;
      this.cwndGain = 1;
      this.#probeRttDone = undefined;
    }
    if (this.mode !== 'probe-rtt') return;
    if (this.#probeRttDone === undefined && rs.inflight <= this.minCwnd()) {
      this.#probeRttDone = rs.now + PROBE_RTT_DURATION;
      this.#probeRttRoundDone = false;
      this.#nextRoundDelivered = rs.delivered + Math.max(rs.inflight, 1);
    } else if (this.#probeRttDone !== undefined) {
      if (this.roundStart) this.#probeRttRoundDone = true;
      if (this.#probeRttRoundDone && rs.now >= this.#probeRttDone) {
        this.#rtPropStamp = rs.now;
        if (this.fullPipe && this.#priorMode === 'probe-bw') this.#enterProbeBw(rs.now);
        else {
          this.mode = 'startup';
          this.pacingGain = STARTUP_PACING_GAIN;
          this.cwndGain = STARTUP_CWND_GAIN;
        }
      }
    }
  }

  /** BBRMinPipeCwnd: the smallest window BBR uses (4 segments). */
  minCwnd(): number {
    return 4 * this.mss;
  }

  /** BBRUpdateTargetCwnd: the target window: cwnd_gain · BDP plus an allowance for delayed/stretched ACKs. */
  targetCwnd(): number | undefined {
    const bdp = this.bdp(this.cwndGain);
    if (bdp === undefined) return undefined;
    return Math.max(this.minCwnd(), bdp + 3 * this.mss);
  }

  /** Diagnostics (socket.info(), plots). */
  get cycleIndex(): number {
    return this.#cycleIndex;
  }
}
