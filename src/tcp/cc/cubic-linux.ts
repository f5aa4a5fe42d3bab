// CUBIC as Linux computes it (TcpConfig.cubicVariant 'linux', the linux profile): the RFC 9438
// window function in Linux's integer units, with Linux's own slow-start exit in place of RFC 9406
// HyStart++. RFC 9438 stays the default (./cubic.ts); this variant reproduces a Linux sender's
// windows segment for segment, which is what the google packetdrill scripts assert on.
//
// What differs from ./cubic.ts, all of it allowed by RFC 9438 (§4.2 leaves the time base and the
// per-ACK increment open, §4.3 the Reno-friendly estimate's arithmetic) or outside it (HyStart):
// - Windows are whole segments; congestion avoidance adds one segment every `cnt` segments
//   ACKed (additive increase with a counter), cnt = cwnd / (target − cwnd), at least 2.
// - Time is counted in milliseconds (HZ = 1000) and scaled to 1/1024 s; the cubic function is
//   evaluated at t + min_RTT (the target one RTT ahead, §4.4), with C = bic_scale·10/1024
//   (41 → 0.4004) and β = beta/1024 (717 → 0.7002); K = cbrt((W_max − cwnd)/C) in 1/1024 s.
// - Before the first reduction (no W_max yet) cnt is at most 20: at least one segment per 20
//   ACKed, whatever the cubic function says.
// - The Reno-friendly estimate counts ACKed segments against cwnd·8·(1+β)/(3·(1−β))/8 (15/8 for
//   β = 717) per segment of growth (§4.3 in integer form) and only ever speeds growth up.
// - A new epoch starts on the first congestion-avoidance ACK after a reduction or slow start; an
//   idle period (nothing in flight) is added to the epoch's start when sending resumes, so idle
//   time earns no growth (§5.8).
// - RTT samples within a second of an epoch's start are not used for the minimum RTT (they may
//   still carry the queue of the recovery just ended).
// - Slow start ends (ssthresh = cwnd) by "HyStart" once cwnd reaches `hystartLowWindow` segments:
//   per round (a window of data, ended when SND.UNA passes the SND.NXT of its start), either
//   ACK-train detection — ACKs spaced at most `hystartAckDeltaUs` apart that keep coming for more
//   than half the minimum RTT (the whole of it when paced) — or delay detection — the smallest
//   of the round's RTT samples, taken from the 9th on, above min_RTT + min_RTT/8 clamped to
//   [4 ms, 16 ms]. There is no conservative phase: congestion avoidance follows at once.
// - A retransmission timeout forgets W_max, the epoch and the minimum RTT, and HyStart runs again.

import { initialWindow, undoneWindow, type AckSample, type CongestionControl, type CongestionControlInit } from './types.js';

/** The tcp_cubic module parameters (`/sys/module/tcp_cubic/parameters/*`), Linux's names. */
export interface CubicTunables {
  /** W_max after a loss below the previous W_max is lowered further (RFC 9438 §4.7). 1 = on. */
  fast_convergence: number;
  /** β in 1/1024 (717 ≈ 0.7). */
  beta: number;
  /** C in 1/1024 segments per s³, ×10 (41 → C ≈ 0.4). */
  bic_scale: number;
  /** The Reno-friendly region (RFC 9438 §4.3). 1 = on. */
  tcp_friendliness: number;
  /** HyStart on (1) or off (0). */
  hystart: number;
  /** Bit 0: ACK-train detection; bit 1: delay detection. */
  hystart_detect: number;
  /** HyStart runs only from this cwnd (segments) on. */
  hystart_low_window: number;
  /** ACK-train detection: the largest spacing (µs) of ACKs in one train. */
  hystart_ack_delta_us: number;
  /** ssthresh (segments) a connection starts with when HyStart is off; 0 = infinite. */
  initial_ssthresh: number;
}

export const LINUX_CUBIC_DEFAULTS: Readonly<CubicTunables> = {
  fast_convergence: 1,
  beta: 717,
  bic_scale: 41,
  tcp_friendliness: 1,
  hystart: 1,
  hystart_detect: 3,
  hystart_low_window: 16,
  hystart_ack_delta_us: 2000,
  initial_ssthresh: 0,
};

export const CUBIC_TUNABLE_NAMES = Object.keys(LINUX_CUBIC_DEFAULTS) as (keyof CubicTunables)[];

const BETA_SCALE = 1024;
/** Time unit of the cubic function: 2^-10 s. */
const TIME_SHIFT = 10;
const HYSTART_ACK_TRAIN = 1;
const HYSTART_DELAY = 2;
const HYSTART_MIN_SAMPLES = 8;
const HYSTART_DELAY_MIN_US = 4000;
const HYSTART_DELAY_MAX_US = 16000;
/** 2^40: 2^(3·TIME_SHIFT + 10), the scale of the cubic term. */
const CUBE_SHIFT_DIV = 2 ** (3 * TIME_SHIFT + 10);

/** ⌊∛a⌋ for a non-negative integer. */
export function integerCubeRoot(a: number): number {
  if (a <= 0) return 0;
  let x = Math.floor(Math.cbrt(a));
  while (x * x * x > a) x--;
  while ((x + 1) * (x + 1) * (x + 1) <= a) x++;
  return x;
}

/** ⌊m·offs³ / 2^40⌋ exactly, also where the product leaves double precision. */
function cubeTerm(m: number, offs: number): number {
  const f = m * offs * offs * offs;
  if (f < Number.MAX_SAFE_INTEGER) return Math.floor(f / CUBE_SHIFT_DIV);
  return Number((BigInt(m) * BigInt(offs) ** 3n) >> BigInt(3 * TIME_SHIFT + 10));
}

export class LinuxCubic implements CongestionControl {
  readonly name = 'cubic';
  #mss: number;
  readonly #t: CubicTunables;
  readonly #paced: boolean;
  readonly #iwBytes: number;
  /** Window and threshold in segments (Infinity: no threshold yet). */
  #cwnd: number;
  #ssthresh = Infinity;
  /** Partial segments ACKed, in bytes, not yet counted as a segment. */
  #carry = 0;
  /** Segments ACKed towards the next one-segment increase (tcp_cong_avoid_ai's counter). */
  #cwndCnt = 0;

  // The cubic epoch (segments; times in ms).
  #cnt = 0;
  #lastMaxCwnd = 0;
  #lastCwnd = 0;
  #lastTime = 0;
  #originPoint = 0;
  /** K in 2^-10 s. */
  #k = 0;
  /** Minimum RTT, µs (0: none yet). */
  #delayMin = 0;
  #epochStart: number | undefined = undefined;
  #ackCnt = 0;
  #tcpCwnd = 0;

  // HyStart.
  #found = false;
  #roundStart = 0;
  #lastAck = 0;
  /** End of the round, in `delivered` units (SND.NXT when it began). */
  #endSeq = 0;
  #currRtt = Infinity;
  #sampleCnt = 0;

  constructor(init: CongestionControlInit, tunables: Partial<CubicTunables> = {}) {
    this.#mss = init.mss;
    this.#t = { ...LINUX_CUBIC_DEFAULTS, ...tunables };
    this.#paced = init.pacing === true;
    this.#cwnd = Math.max(1, Math.round(initialWindow(init) / init.mss));
    this.#iwBytes = initialWindow(init);
    this.#hystartOn = init.hystart !== false && this.#t.hystart !== 0;
    if (!this.#hystartOn && this.#t.initial_ssthresh > 0) this.#ssthresh = this.#t.initial_ssthresh;
  }

  get cwnd(): number {
    return this.#cwnd * this.#mss;
  }

  get ssthresh(): number {
    return this.#ssthresh * this.#mss;
  }

  /** HyStart in use (TcpConfig.hystart and the module's `hystart`). */
  readonly #hystartOn: boolean;

  /** β·cwnd in segments, at least 2, with W_max remembered (and lowered by fast convergence). */
  #recalcSsthresh(): number {
    this.#epochStart = undefined;
    const fc = this.#t.fast_convergence !== 0;
    this.#lastMaxCwnd = this.#cwnd < this.#lastMaxCwnd && fc ? Math.floor((this.#cwnd * (BETA_SCALE + this.#t.beta)) / (2 * BETA_SCALE)) : this.#cwnd;
    return Math.max(Math.floor((this.#cwnd * this.#t.beta) / BETA_SCALE), 2);
  }

  #hystartReset(s: { delivered: number; ackedBytes: number; flightSize: number } | undefined, nowUs: number): void {
    this.#roundStart = this.#lastAck = nowUs;
    if (s !== undefined) this.#endSeq = s.delivered - s.ackedBytes + s.flightSize;
    this.#currRtt = Infinity;
    this.#sampleCnt = 0;
  }

  /** The RTT sample of an ACK: minimum RTT, and HyStart while in slow start. */
  #onRttSample(s: AckSample, delayUs: number): void {
    const nowMs = Math.floor(s.now);
    if (this.#epochStart !== undefined && nowMs - this.#epochStart < 1000) return;
    const delay = Math.max(1, delayUs);
    if (this.#delayMin === 0 || this.#delayMin > delay) this.#delayMin = delay;
    if (!this.#found && this.#cwnd < this.#ssthresh && this.#hystartOn && this.#cwnd >= this.#t.hystart_low_window) this.#hystartUpdate(s, delay);
  }

  #hystartUpdate(s: AckSample, delay: number): void {
    const nowUs = Math.round(s.now * 1000);
    // A round ends when SND.UNA passes the SND.NXT recorded at its start.
    if (s.delivered > this.#endSeq) this.#hystartReset(s, nowUs);
    if ((this.#t.hystart_detect & HYSTART_ACK_TRAIN) !== 0 && nowUs - this.#lastAck <= this.#t.hystart_ack_delta_us) {
      this.#lastAck = nowUs;
      let threshold = this.#delayMin + this.#ackDelayUs(s);
      if (!this.#paced) threshold = Math.floor(threshold / 2);
      if (nowUs - this.#roundStart > threshold) this.#exitSlowStart();
    }
    if ((this.#t.hystart_detect & HYSTART_DELAY) !== 0) {
      if (this.#currRtt > delay) this.#currRtt = delay;
      if (this.#sampleCnt < HYSTART_MIN_SAMPLES) this.#sampleCnt++;
      else {
        const thresh = Math.min(HYSTART_DELAY_MAX_US, Math.max(HYSTART_DELAY_MIN_US, this.#delayMin >> 3));
        if (this.#currRtt > this.#delayMin + thresh) this.#exitSlowStart();
      }
    }
  }

  /**
   * How long a sender may take to emit a full-sized burst (4 × 64 KiB) at its pacing rate (twice
   * cwnd per SRTT in slow start), at most 1 ms: ACKs that far apart still count as one train.
   */
  #ackDelayUs(s: AckSample): number {
    if (s.srtt === undefined || s.srtt <= 0) return 0;
    const rate = (2 * this.cwnd * 1000) / s.srtt; // bytes/s
    return Math.min(1000, Math.floor((4 * 65536 * 1e6) / rate));
  }

  #exitSlowStart(): void {
    this.#found = true;
    this.#ssthresh = this.#cwnd;
  }

  /** The per-segment increase interval `cnt` for the current window (RFC 9438 §4.2–§4.4). */
  #update(nowMs: number, acked: number): void {
    const cwnd = this.#cwnd;
    this.#ackCnt += acked;
    if (this.#lastCwnd === cwnd && nowMs - this.#lastTime <= 1000 / 32) return;
    if (this.#epochStart === undefined || nowMs !== this.#lastTime) {
      this.#lastCwnd = cwnd;
      this.#lastTime = nowMs;
      if (this.#epochStart === undefined) {
        this.#epochStart = nowMs;
        this.#ackCnt = acked;
        this.#tcpCwnd = cwnd;
        if (this.#lastMaxCwnd <= cwnd) {
          this.#k = 0;
          this.#originPoint = cwnd;
        } else {
          // K = ∛((W_max − cwnd)/C) in 2^-10 s: ∛(2^40/(bic_scale·10) · (W_max − cwnd)).
          const cubeFactor = Math.floor(CUBE_SHIFT_DIV / (this.#t.bic_scale * 10));
          this.#k = integerCubeRoot(cubeFactor * (this.#lastMaxCwnd - cwnd));
          this.#originPoint = this.#lastMaxCwnd;
        }
      }
      // t: time in the epoch plus one minimum RTT (the target a round ahead), in 2^-10 s.
      const t = Math.floor(((nowMs - this.#epochStart + Math.ceil(this.#delayMin / 1000)) * 2 ** TIME_SHIFT) / 1000);
      const offs = t < this.#k ? this.#k - t : t - this.#k;
      const delta = cubeTerm(this.#t.bic_scale * 10, offs);
      const target = t < this.#k ? this.#originPoint - delta : this.#originPoint + delta;
      this.#cnt = target > cwnd ? Math.floor(cwnd / (target - cwnd)) : 100 * cwnd;
      // Before any reduction, grow at least one segment per 20 ACKed.
      if (this.#lastMaxCwnd === 0 && this.#cnt > 20) this.#cnt = 20;
    }
    if (this.#t.tcp_friendliness !== 0) {
      // §4.3: W_est grows one segment per cwnd·(1+β)·8/(3·(1−β))/8 segments ACKed.
      const scale = Math.floor((8 * (BETA_SCALE + this.#t.beta)) / 3 / (BETA_SCALE - this.#t.beta));
      const per = Math.max(1, (cwnd * scale) >> 3);
      while (this.#ackCnt > per) {
        this.#ackCnt -= per;
        this.#tcpCwnd++;
      }
      if (this.#tcpCwnd > cwnd) {
        const maxCnt = Math.floor(cwnd / (this.#tcpCwnd - cwnd));
        if (this.#cnt > maxCnt) this.#cnt = maxCnt;
      }
    }
    this.#cnt = Math.max(this.#cnt, 2);
  }

  /** One segment per `w` segments ACKed (additive increase with a counter). */
  #additiveIncrease(w: number, acked: number): void {
    if (this.#cwndCnt >= w) {
      this.#cwndCnt = 0;
      this.#cwnd++;
    }
    this.#cwndCnt += acked;
    if (this.#cwndCnt >= w) {
      const d = Math.floor(this.#cwndCnt / w);
      this.#cwndCnt -= d * w;
      this.#cwnd += d;
    }
  }

  onAck(s: AckSample): void {
    if (s.ackedBytes <= 0) return;
    const rtt = s.ackRtt ?? s.rtt;
    if (rtt !== undefined) this.#onRttSample(s, Math.round(rtt * 1000));
    if (!(s.cwndLimited ?? s.flightSize + this.#mss >= this.cwnd)) return;
    const bytes = (s.growthBytes ?? s.ackedBytes) + this.#carry;
    let acked = Math.floor(bytes / this.#mss);
    this.#carry = bytes - acked * this.#mss;
    if (acked <= 0) return;
    if (this.#cwnd < this.#ssthresh) {
      // RFC 5681 §3.1 slow start up to ssthresh; what is left over counts for congestion avoidance.
      const grown = Math.min(this.#cwnd + acked, this.#ssthresh);
      acked -= grown - this.#cwnd;
      this.#cwnd = grown;
      if (acked <= 0) return;
    }
    this.#update(Math.floor(s.now), acked);
    this.#additiveIncrease(this.#cnt, acked);
  }

  onRecoveryStart(_flightSize: number, _now: number, sack = false): void {
    this.#ssthresh = this.#recalcSsthresh();
    this.#cwndCnt = 0;
    this.#cwnd = this.#ssthresh + (sack ? 0 : 3);
  }

  onDupAckInRecovery(): void {
    this.#cwnd++; // RFC 5681 §3.2 step 4
  }

  onPartialAck(s: AckSample): void {
    // RFC 6582 §3.2 step 5, in segments.
    const ackedSeg = Math.floor(s.ackedBytes / this.#mss);
    this.#cwnd = Math.max(1, this.#cwnd - ackedSeg + (ackedSeg >= 1 ? 1 : 0));
  }

  onRecoveryEnd(flightSize: number): void {
    // RFC 6582 §3.2 step 6 option 1.
    this.#cwnd = Math.min(this.#ssthresh, Math.max(1, Math.ceil(flightSize / this.#mss)) + 1);
    this.#epochStart = undefined;
  }

  onRto(): void {
    // RFC 9438 §4.8 / RFC 5681 §3.1: reduce, then the loss window; the epoch, W_max and the
    // minimum RTT are forgotten and HyStart may end the next slow start again.
    this.#ssthresh = this.#recalcSsthresh();
    this.#cwnd = 1;
    this.#cwndCnt = 0;
    this.#resetEpoch();
  }

  #resetEpoch(): void {
    this.#cnt = 0;
    this.#lastMaxCwnd = 0;
    this.#lastCwnd = 0;
    this.#lastTime = 0;
    this.#originPoint = 0;
    this.#k = 0;
    this.#delayMin = 0;
    this.#epochStart = undefined;
    this.#ackCnt = 0;
    this.#tcpCwnd = 0;
    this.#found = false;
    this.#sampleCnt = 0;
    this.#currRtt = Infinity;
    this.#endSeq = 0;
  }

  onIdleRestart(): void {
    // RFC 5681 §4.1 restart window (only when the connection applies it, see TcpConfig).
    this.#cwnd = Math.min(this.#cwnd, Math.max(1, Math.round(this.#iwBytes / this.#mss)));
    this.#epochStart = undefined;
  }

  /** Sending resumes with nothing in flight: the idle time does not count toward the epoch (§5.8). */
  onTxStart(now: number, lastSend: number): void {
    const nowMs = Math.floor(now);
    const delta = nowMs - Math.floor(lastSend);
    if (this.#epochStart !== undefined && delta > 0) this.#epochStart = Math.min(this.#epochStart + delta, nowMs);
  }

  onEcnCongestion(): void {
    // RFC 3168 §6.1.2: reduce as for a loss.
    this.#ssthresh = this.#recalcSsthresh();
    this.#cwndCnt = 0;
    this.#cwnd = Math.max(1, this.#ssthresh);
  }

  setMss(mss: number): void {
    if (mss > 0) this.#mss = mss;
  }

  undo(prior: { cwnd: number; ssthresh: number }): void {
    const w = undoneWindow(this, prior);
    this.#cwnd = Math.max(1, Math.round(w.cwnd / this.#mss));
    this.#ssthresh = Number.isFinite(w.ssthresh) ? Math.max(2, Math.round(w.ssthresh / this.#mss)) : Infinity;
  }

  /** Diagnostics: W_max (segments), K (s), the minimum RTT (ms) and whether HyStart has ended slow start. */
  get state(): { wMax: number; k: number; minRtt: number; hystartFound: boolean } {
    return { wMax: this.#lastMaxCwnd, k: this.#k / 1024, minRtt: this.#delayMin / 1000, hystartFound: this.#found };
  }
}
