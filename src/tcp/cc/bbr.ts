// BBR as a CongestionControl: the model (bbr-model.ts) sets the pacing rate and the window from
// delivery-rate samples (AckSample.rate, ../rate-sample.ts) instead of reacting to loss. Loss only
// shapes the window during recovery (packet conservation for the first round, the window before
// recovery restored at its end), as draft-cardwell-iccrg-bbr-congestion-control-00's
// BBRModulateCwndForRecovery does. ECN marks are not a signal for this model (the v1 draft has
// none). The connection paces whenever the algorithm reports a pacing rate (../pacing.ts).
// Select with TcpConfig.congestionControl = 'bbr' (`layer4 sim --cc bbr`).

import { BbrModel, type BbrMode } from './bbr-model.js';
import { initialWindow, type AckSample, type CongestionControl, type CongestionControlInit } from './types.js';

export class Bbr implements CongestionControl {
  readonly name = 'bbr';
  cwnd: number;
  /** BBR keeps no slow-start threshold: Startup ends on its bandwidth plateau. */
  readonly ssthresh = Infinity;
  readonly #model: BbrModel;
  #mss: number;
  readonly #iw: number;
  #srtt: number | undefined = undefined;
  /** BBRSaveCwnd: the window before recovery or an RTO, restored when it ends. */
  #priorCwnd = 0;
  /** Packet conservation for the first round of a recovery episode. */
  #conservation = false;
  #conservationRound = 0;
  #inRecovery = false;

  constructor(init: CongestionControlInit) {
    this.#mss = init.mss;
    this.#iw = initialWindow(init);
    this.cwnd = this.#iw;
    this.#model = new BbrModel(init.mss);
  }

  /** BBRSetPacingRate, bytes per second (BBRInitPacingRate's cwnd / SRTT before any sample). */
  get pacingRate(): number {
    const nominal = this.#iw / (this.#srtt ?? 1); // bytes/ms
    return this.#model.pacingRate(nominal) * 1000;
  }

  /** The window moves in onEveryAck (every ACK, recovery included), not here. */
  onAck(): void {}

  onEveryAck(s: AckSample): void {
    this.#step(s);
  }

  onRecoveryStart(flightSize: number, _now: number): void {
    if (!this.#inRecovery) this.#priorCwnd = this.#savedCwnd();
    this.#inRecovery = true;
    // Packet conservation: what is in flight, plus what each ACK delivers, for one round.
    this.cwnd = Math.max(flightSize, this.#mss);
    this.#conservation = true;
    this.#conservationRound = this.#model.roundCount;
  }

  onDupAckInRecovery(): void {}

  onPartialAck(): void {}

  onRecoveryEnd(): void {
    this.#inRecovery = false;
    this.#conservation = false;
    this.cwnd = Math.max(this.cwnd, this.#priorCwnd);
  }

  onRto(): void {
    // RFC 5681's loss window; the window before the timeout comes back when data flows again.
    this.#priorCwnd = this.#savedCwnd();
    this.#inRecovery = true;
    this.#conservation = false;
    this.cwnd = this.#mss;
  }

  /** v1 draft: no ECN response. */
  onEcnCongestion(): void {}

  /** Restart after idle: the model's rate paces the restart; the window is left as it is. */
  onIdleRestart(): void {}

  setMss(mss: number): void {
    if (mss <= 0 || mss === this.#mss) return;
    this.cwnd = Math.max(mss, Math.round((this.cwnd / this.#mss) * mss));
    this.#mss = mss;
  }

  /** BBRSaveCwnd: ProbeRTT's small window is not what should come back. */
  #savedCwnd(): number {
    return this.#model.mode === 'probe-rtt' ? Math.max(this.#priorCwnd, this.cwnd) : this.cwnd;
  }

  #step(s: AckSample): void {
    if (s.srtt !== undefined) this.#srtt = s.srtt;
    const inflight = Math.max(0, s.flightSize - s.ackedBytes);
    const rate = s.rate;
    this.#model.update({
      now: s.now,
      delivered: s.delivered,
      deliveryRate: rate !== undefined ? rate.bytesPerSec / 1000 : 0,
      isAppLimited: rate !== undefined ? rate.appLimited : s.appLimited,
      rtt: s.rtt ?? rate?.rttMs,
      ackedBytes: s.ackedBytes,
      lostBytes: 0,
      inflight,
    });
    this.#setCwnd(s.ackedBytes, inflight);
  }

  /** BBRSetCwnd. */
  #setCwnd(acked: number, inflight: number): void {
    const m = this.#model;
    if (this.#conservation && m.roundCount > this.#conservationRound) this.#conservation = false;
    if (this.#inRecovery && this.#conservation) {
      this.cwnd = Math.max(this.cwnd, inflight + acked);
      return;
    }
    const target = m.targetCwnd();
    if (target === undefined) this.cwnd += acked;
    else if (m.fullPipe) this.cwnd = Math.min(this.cwnd + acked, target);
    else if (this.cwnd < target) this.cwnd += acked;
    this.cwnd = Math.max(this.cwnd, m.minCwnd());
    if (m.mode === 'probe-rtt') this.cwnd = Math.min(this.cwnd, m.minCwnd());
  }

  /** Diagnostics (socket.info(), tests): mode, bottleneck bandwidth (bytes/s), RTprop (ms), gains. */
  get state(): { mode: BbrMode; btlBw: number; rtProp: number; pacingGain: number; cwndGain: number; fullPipe: boolean } {
    const m = this.#model;
    return { mode: m.mode, btlBw: m.btlBw * 1000, rtProp: m.rtProp, pacingGain: m.pacingGain, cwndGain: m.cwndGain, fullPipe: m.fullPipe };
  }
}
