// Congestion control as an interface (CONVENTIONS habit 7). The connection decides *when* loss has
// happened (duplicate-ACK counting and the recovery point live in ../recovery.ts, the RTO in the
// connection); an algorithm only does the window arithmetic. NewReno is here; CUBIC (RFC 9438) and
// others implement the same interface without touching the state machine.

import type { RateSample } from '../rate-sample.js';
import type { CubicTunables } from './cubic-linux.js';

export type { RateSample } from '../rate-sample.js';

export interface AckSample {
  /** Sequence space newly acknowledged by this ACK. */
  ackedBytes: number;
  /**
   * What window growth counts for this ACK when it is not ackedBytes: with
   * TcpConfig.cwndGrowth 'linux', the data this ACK newly delivered (RFC 6937 DeliveredData:
   * acknowledged bytes not SACKed before, plus bytes newly SACKed). See growthBytes().
   */
  growthBytes?: number;
  /** RTT measured from this ACK (Karn-valid; from the timestamp echo on every ACK when RFC 7323 is on), if any. */
  rtt: number | undefined;
  /**
   * RTT of the most recently sent segment this ACK newly delivered (cumulatively or by SACK), not
   * retransmitted, when there is one: an RTT sample on every ACK (Linux's per-ACK sample).
   */
  ackRtt?: number;
  /** Smoothed RTT of the connection, if known. */
  srtt: number | undefined;
  /** Bytes in flight before this ACK (FlightSize, RFC 5681 §2). */
  flightSize: number;
  /** Total bytes acknowledged over the connection's life, including this ACK (delivery-rate input). */
  delivered: number;
  /** Whether the sender was limited by the application (nothing more to send) rather than by cwnd. */
  appLimited: boolean;
  /**
   * Delivery-rate sample of this ACK (draft-cheng-iccrg-delivery-rate-estimation §3.3), when the
   * ACK delivered data and the interval is long enough to measure; for model-based CCs (BBR-style).
   */
  rate?: RateSample;
  /**
   * Whether the window is in use, as the connection judges it (TcpConfig.cwndGrowth 'linux',
   * cwnd-use.ts); when present it replaces the algorithm's own flight-size test (RFC 7661 §4.3).
   */
  cwndLimited?: boolean;
  now: number;
}

/** The bytes an ACK grows the window by (RFC 5681 §3.1 N): AckSample.growthBytes when set, else ackedBytes. */
export function growthBytes(s: AckSample): number {
  return s.growthBytes ?? s.ackedBytes;
}

export interface CongestionControl {
  readonly name: string;
  /** Congestion window in bytes. */
  readonly cwnd: number;
  /** Slow-start threshold in bytes (Infinity until the first loss). */
  readonly ssthresh: number;
  /** New data acknowledged outside loss recovery (RFC 5681 §3.1 slow start / congestion avoidance). */
  onAck(s: AckSample): void;
  /**
   * Loss detected by duplicate ACKs: fast retransmit and fast recovery begin (RFC 5681 §3.2 steps
   * 2–3). `sack`: RFC 6675 recovery, where sending is paced by pipe, so cwnd is not inflated.
   */
  onRecoveryStart(flightSize: number, now: number, sack?: boolean): void;
  /** A further duplicate ACK during fast recovery (RFC 5681 §3.2 step 4, window inflation). */
  onDupAckInRecovery(now: number): void;
  /** A partial ACK during fast recovery (RFC 6582 §3.2 step 5). */
  onPartialAck(s: AckSample): void;
  /** A full ACK ends fast recovery (RFC 6582 §3.2 step 6). */
  onRecoveryEnd(flightSize: number, now: number): void;
  /** Retransmission timeout (RFC 5681 §3.1 eq. 4, loss window). */
  onRto(flightSize: number, now: number): void;
  /** Sending restarts after an idle period longer than the RTO (RFC 5681 §4.1). */
  onIdleRestart(now: number): void;
  /**
   * Sending starts again with nothing in flight; `lastSend` is when data was last sent. Optional
   * (CUBIC keeps idle time out of its epoch, RFC 9438 §5.8).
   */
  onTxStart?(now: number, lastSend: number): void;
  /** The sender's MSS changed (path MTU). */
  setMss(mss: number): void;
  /**
   * RFC 3168 §6.1.2: an ACK carried ECN-Echo (at most once per window of data): reduce as for a
   * loss, without retransmitting anything. Optional: without it the connection calls
   * onRecoveryStart(flightSize, now, true), the RFC 6675 reduction to ssthresh.
   */
  onEcnCongestion?(flightSize: number, now: number): void;
  /**
   * Pacing rate in bytes per second chosen by the algorithm itself (a BBR-style model); undefined
   * lets the connection derive it from cwnd and SRTT (../pacing.ts).
   */
  readonly pacingRate?: number | undefined;
  /**
   * The last reduction answered a loss that did not happen (spurious retransmission, RFC 3522 /
   * RFC 3708): go back to the window `prior` held before it (RFC 4015 §4), with the algorithm's
   * own state (e.g. CUBIC's W_max) as it was. Optional: without it the reduction stands.
   */
  undo?(prior: { cwnd: number; ssthresh: number }): void;
  /**
   * A model-based algorithm (BBR-style) that sets its window on every ACK, in and out of recovery,
   * from delivery-rate samples: the connection calls it once per acceptable ACK after loss
   * detection, with the bytes the ACK delivered (cumulatively or selectively) and the bytes still in
   * flight; PRR (RFC 6937) does not apply, and the connection paces at the algorithm's pacingRate
   * whether or not TcpConfig.pacing is on.
   */
  onEveryAck?(s: AckSample): void;
}

/**
 * RFC 4015 §4 restore: cwnd and ssthresh as before the reduction. A threshold that was still
 * infinite (no loss yet) becomes the restored window, so the flow continues in congestion
 * avoidance from there rather than slow-starting on the strength of a loss that was not one.
 */
export function undoneWindow(now: { cwnd: number; ssthresh: number }, prior: { cwnd: number; ssthresh: number }): { cwnd: number; ssthresh: number } {
  const cwnd = Math.max(now.cwnd, prior.cwnd);
  const ssthresh = Math.max(now.ssthresh, Number.isFinite(prior.ssthresh) ? prior.ssthresh : prior.cwnd);
  return { cwnd, ssthresh };
}

export interface CongestionControlInit {
  mss: number;
  /** RFC 6928 IW in segments. */
  initialWindowSegments: number;
  /** RFC 5681 §3.1 / RFC 6928 §2: the SYN or SYN-ACK was retransmitted → IW is one segment. */
  synLost: boolean;
  /** RFC 9406 HyStart++ for the initial slow start (default false when absent). */
  hystart?: boolean;
  /** The connection paces its sends (RFC 9406 §4.3 L = ∞ instead of 8). */
  pacing?: boolean;
  /** Slow start grows by every byte an ACK covers, with no per-ACK limit (TcpConfig.cwndGrowth 'linux'). */
  unlimitedSlowStart?: boolean;
  /**
   * Reduce from cwnd rather than FlightSize (RFC 9438 §4.6's note: allowed when other measures keep
   * an unused cwnd from growing — TcpConfig.cwndGrowth 'linux' does); CUBIC only.
   */
  reduceFromCwnd?: boolean;
  /**
   * CUBIC as Linux computes it (cubic-linux.ts, TcpConfig.cubicVariant 'linux'), with these
   * tcp_cubic module parameters over Linux's defaults; absent: RFC 9438 (cubic.ts).
   */
  linuxCubic?: Partial<CubicTunables>;
}

/** RFC 6928 §2: IW = min(10·MSS, max(2·MSS, 14600)), generalised to n segments. */
export function initialWindow(init: CongestionControlInit): number {
  if (init.synLost) return init.mss;
  return Math.min(init.initialWindowSegments * init.mss, Math.max(2 * init.mss, 14600));
}
