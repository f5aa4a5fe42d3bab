// Retransmission timeout computation, RFC 6298. One instance per connection. Times in ms.

export interface RtoParams {
  initial: number;
  min: number;
  max: number;
  /** Clock granularity G (§2). */
  granularity: number;
  /**
   * Added to every computed RTO — after a measurement and on each backoff, not to the initial
   * one (BSD's rexmit_slop: with a small minimum RTO it keeps timers above delayed-ACK delays).
   */
  slop?: number;
  /**
   * A floor for the variance term K·RTTVAR (TcpConfig.rtoVarianceFloor: rtoMin), so that the RTO
   * stays at least that far above SRTT (Linux's tcp_rtt_estimator()); 0 or absent: RFC 6298 §2.3.
   */
  varianceFloor?: number;
}

/** RFC 6298 §2: K = 4. */
const K = 4;
const ALPHA = 1 / 8;
const BETA = 1 / 4;

export class RttEstimator {
  /** Smoothed RTT, undefined until the first measurement. */
  srtt: number | undefined = undefined;
  rttvar: number | undefined = undefined;
  /** Latest measurement. */
  latest: number | undefined = undefined;
  /** Number of consecutive backoffs (§5.5) since the last valid sample. */
  backoffs = 0;
  #base: number;

  constructor(readonly params: RtoParams) {
    this.#base = params.initial; // §2.1: RTO ← 1 s until a measurement is made
  }

  /** Current RTO including exponential backoff, clamped to [min, max] (§2.4, §2.5, §5.5). */
  get rto(): number {
    const slop = this.params.slop ?? 0;
    if (slop > 0 && (this.srtt !== undefined || this.backoffs > 0)) {
      return Math.min(this.params.max, this.baseRto * 2 ** this.backoffs + slop);
    }
    return Math.min(this.params.max, this.baseRto * 2 ** this.backoffs);
  }

  /** The RTO without backoff (what the next sample-free restart would use). */
  get baseRto(): number {
    return Math.min(this.params.max, Math.max(this.params.min, this.#base));
  }

  /**
   * A valid RTT measurement R (Karn's rule, §3: never from a retransmitted segment — the caller
   * guarantees it). §2.2 for the first one, §2.3 afterwards. Clears the backoff.
   */
  sample(r: number): void {
    r = Math.max(0, r);
    this.latest = r;
    if (this.srtt === undefined || this.rttvar === undefined) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = (1 - BETA) * this.rttvar + BETA * Math.abs(this.srtt - r);
      this.srtt = (1 - ALPHA) * this.srtt + ALPHA * r;
    }
    this.#base = this.srtt + Math.max(this.params.granularity, this.params.varianceFloor ?? 0, K * this.rttvar);
    this.backoffs = 0;
  }

  /** §5.5: the timer expired — back off (RTO ← RTO · 2, bounded by max). */
  backoff(): void {
    if (this.rto < this.params.max) this.backoffs++;
  }

  /** §5.7: after a retransmitted SYN, use at least 3 s once data transfer begins. */
  atLeast(ms: number): void {
    if (this.srtt !== undefined) return;
    this.#base = Math.max(this.#base, ms);
    this.backoffs = 0;
  }
}
