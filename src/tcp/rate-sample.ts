// Delivery-rate estimation, draft-cheng-iccrg-delivery-rate-estimation-02: every transmission
// snapshots how much had been delivered and when (§3.2, kept in the transmit record); every ACK
// turns the most recently sent record it delivers into a rate sample — data delivered between that
// record's transmission and now, over the longer of the send and ACK intervals (§3.3). Samples
// taken while the application, not the network, limited the sender are flagged (§3.4) so a
// model-based CC (BBR-style) can discount them. Units: bytes and milliseconds; rates in bytes/s.

import type { TxRecord } from './tx-records.js';

export interface RateSample {
  /** Bytes delivered (ACKed or SACKed) over the sample's interval. */
  deliveredBytes: number;
  /** The interval, ms: max(send interval, ACK interval) (§3.3). */
  intervalMs: number;
  /** deliveredBytes / intervalMs, in bytes per second. */
  bytesPerSec: number;
  /** The record behind the sample was sent while the sender was application-limited (§3.4). */
  appLimited: boolean;
  /** RTT of that record's (last) transmission, ms. */
  rttMs: number;
}

export class DeliveryRate {
  /** C.delivered: bytes delivered over the connection's life (ACKed or SACKed, each byte once). */
  delivered = 0;
  /** C.delivered_time: when `delivered` last grew. */
  deliveredTime = 0;
  /** C.first_sent_time: send time of the record behind the last sample (start of the send interval). */
  firstSentTime = 0;
  /** C.app_limited: 0, or the `delivered` value after which samples are no longer app-limited. */
  appLimitedUntil = 0;
  /** The latest sample that was not app-limited, or larger than every earlier one (what info() shows). */
  latest: RateSample | undefined = undefined;
  // Per-ACK accumulation (§3.3): the most recently sent record delivered so far by this ACK.
  #prior: TxRecord | undefined = undefined;
  #priorDelivered = 0;
  #sendElapsed = 0;
  #ackElapsed = 0;

  /** §3.2 upon sending: snapshot into the record; `idle` when nothing was in flight before it. */
  onSend(r: TxRecord, now: number, idle: boolean): void {
    if (idle) this.firstSentTime = this.deliveredTime = now;
    r.delivered = this.delivered;
    r.deliveredTime = this.deliveredTime;
    r.firstSentTime = this.firstSentTime;
    r.appLimited = this.appLimitedUntil !== 0;
  }

  /** §3.4: the application has nothing more to send while the window has room. */
  markAppLimited(inflight: number): void {
    this.appLimitedUntil = Math.max(1, this.delivered + inflight);
  }

  /** §3.3 for each record an ACK newly delivers (cumulatively or selectively). */
  onDelivered(r: TxRecord, now: number): void {
    this.delivered += r.len;
    this.deliveredTime = now;
    if (this.#prior === undefined || r.delivered >= this.#priorDelivered) {
      this.#prior = r;
      this.#priorDelivered = r.delivered;
      this.#sendElapsed = r.sentAt - r.firstSentTime;
      this.#ackElapsed = now - r.deliveredTime;
      this.firstSentTime = r.sentAt;
    }
  }

  /**
   * §3.3 after the ACK's records: the sample, or undefined when the ACK delivered nothing or the
   * interval is shorter than `minRtt` (a compressed ACK train would overestimate the rate).
   */
  sample(now: number, minRtt: number): RateSample | undefined {
    const p = this.#prior;
    this.#prior = undefined;
    if (this.appLimitedUntil !== 0 && this.delivered > this.appLimitedUntil) this.appLimitedUntil = 0;
    if (p === undefined) return undefined;
    const deliveredBytes = this.delivered - this.#priorDelivered;
    const intervalMs = Math.max(this.#sendElapsed, this.#ackElapsed);
    if (deliveredBytes <= 0 || intervalMs <= 0 || (Number.isFinite(minRtt) && intervalMs < minRtt)) return undefined;
    const s: RateSample = { deliveredBytes, intervalMs, bytesPerSec: (deliveredBytes * 1000) / intervalMs, appLimited: p.appLimited, rttMs: now - p.sentAt };
    if (!s.appLimited || this.latest === undefined || s.bytesPerSec >= this.latest.bytesPerSec) this.latest = s;
    return s;
  }
}
