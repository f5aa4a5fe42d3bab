// HyStart++ (RFC 9406): leaves slow start when the RTT starts to rise, before the queue overflows,
// through a Conservative Slow Start (CSS) phase that grows at a quarter of the rate for a few rounds
// and then hands over to congestion avoidance. Used by CUBIC and NewReno for the initial slow start
// only (§4.3: "use HyStart++ only for the initial slow start ... and fall back to using standard
// slow start for the remainder of the connection lifetime").
//
// Rounds (§4.2) end when an ACK covers windowEnd, the SND.NXT of the round's start. The ACK sample
// carries `delivered` (all sequence space acknowledged so far) and `flightSize` (outstanding before
// this ACK), so windowEnd is kept in that count: delivered before the ACK + flightSize = SND.NXT.

import { growthBytes, type AckSample } from './types.js';

/** §4.3 constants (the RFC's recommended values). */
export const MIN_RTT_THRESH = 4;
export const MAX_RTT_THRESH = 16;
export const MIN_RTT_DIVISOR = 8;
export const N_RTT_SAMPLE = 8;
export const CSS_GROWTH_DIVISOR = 4;
export const CSS_ROUNDS = 5;
/** §4.3 L: cwnd increase limit per ACK in segments — 8 without pacing (a paced sender uses L = ∞). */
export const L_NON_PACED = 8;

export type HyStartPhase = 'slow-start' | 'css' | 'done';

export class HyStart {
  phase: HyStartPhase = 'slow-start';
  /** windowEnd in `delivered` units (see the file comment); undefined before the first round. */
  #windowEnd: number | undefined = undefined;
  #lastRoundMinRtt = Infinity;
  #currentRoundMinRtt = Infinity;
  #rttSampleCount = 0;
  #cssBaselineMinRtt = Infinity;
  #cssRounds = 0;
  /** Rounds completed (diagnostics). */
  rounds = 0;

  /** `limit`: L·SMSS, the per-ACK increase bound of §4.2 (Infinity for a paced sender). */
  constructor(public limit: number = Infinity) {}

  /**
   * One ACK of new data in slow start. Returns the cwnd increase in bytes (§4.2: min(N, L·SMSS),
   * divided by CSS_GROWTH_DIVISOR in CSS). After it, `phase === 'done'` means: enter congestion
   * avoidance with ssthresh = cwnd.
   */
  onAck(s: AckSample): number {
    if (this.phase === 'done') return Math.min(growthBytes(s), this.limit);
    const before = s.delivered - s.ackedBytes;
    if (this.#windowEnd === undefined) this.#startRound(before + s.flightSize);
    else if (s.delivered >= this.#windowEnd) {
      // The round is over (SND.UNA reached windowEnd): CSS counts it, and a new one starts.
      this.rounds++;
      if (this.phase === 'css' && ++this.#cssRounds >= CSS_ROUNDS) {
        this.phase = 'done'; // §4.2: CSS_ROUNDS rounds of CSS → congestion avoidance
        return 0;
      }
      this.#startRound(before + s.flightSize);
    }
    if (s.rtt !== undefined) {
      if (s.rtt < this.#currentRoundMinRtt) this.#currentRoundMinRtt = s.rtt;
      this.#rttSampleCount++;
    }
    const inc = Math.min(growthBytes(s), this.limit);
    if (this.phase === 'slow-start') {
      // §4.2: with enough samples in this round and a previous round to compare, an RTT increase
      // beyond RttThresh ends slow start.
      if (this.#rttSampleCount >= N_RTT_SAMPLE && this.#currentRoundMinRtt !== Infinity && this.#lastRoundMinRtt !== Infinity) {
        const thresh = Math.max(MIN_RTT_THRESH, Math.min(this.#lastRoundMinRtt / MIN_RTT_DIVISOR, MAX_RTT_THRESH));
        if (this.#currentRoundMinRtt >= this.#lastRoundMinRtt + thresh) {
          this.#cssBaselineMinRtt = this.#currentRoundMinRtt;
          this.phase = 'css';
          this.#cssRounds = 0;
        }
      }
      return inc;
    }
    // CSS (§4.2): growth divided by CSS_GROWTH_DIVISOR; an RTT back under the baseline means the
    // increase was spurious — resume slow start.
    if (this.#rttSampleCount >= N_RTT_SAMPLE && this.#currentRoundMinRtt < this.#cssBaselineMinRtt) {
      this.#cssBaselineMinRtt = Infinity;
      this.phase = 'slow-start';
      return inc;
    }
    return inc / CSS_GROWTH_DIVISOR;
  }

  /** Loss or ECN congestion (§4.2: in slow start or CSS the usual reduction applies and HyStart++ ends). */
  stop(): void {
    this.phase = 'done';
  }

  #startRound(windowEnd: number): void {
    this.#windowEnd = windowEnd;
    this.#lastRoundMinRtt = this.#currentRoundMinRtt;
    this.#currentRoundMinRtt = Infinity;
    this.#rttSampleCount = 0;
  }
}

/**
 * The slow-start increase for one ACK: RFC 5681 §3.1 min(N, SMSS), or HyStart++'s (§4.2) while it
 * runs. 0 with `hs.phase === 'done'` afterwards means CSS has just ended: ssthresh = cwnd.
 */
export function slowStartIncrease(hs: HyStart | undefined, s: AckSample, mss: number, unlimited = false): number {
  if (hs === undefined || hs.phase === 'done') return unlimited ? growthBytes(s) : Math.min(growthBytes(s), mss);
  return hs.onAck(s);
}

/**
 * One ACK of slow start for a window `w` (its cwnd and ssthresh, bytes): RFC 5681 §3.1 growth — or
 * HyStart++'s while it runs — applied only while at least half the window is in flight (RFC 7661
 * §4.3; or as the connection judges it, AckSample.cwndLimited), and RFC 9406 §4.2's move to
 * congestion avoidance (ssthresh = cwnd) when CSS ends. `unlimited`: no per-ACK bound (Linux).
 */
export function slowStartAck(w: { cwnd: number; ssthresh: number }, hs: HyStart | undefined, s: AckSample, mss: number, unlimited = false): void {
  const inc = slowStartIncrease(hs, s, mss, unlimited);
  if (hs?.phase === 'done' && inc === 0) w.ssthresh = w.cwnd;
  else if (s.cwndLimited ?? 2 * s.flightSize >= w.cwnd) w.cwnd += inc;
}
