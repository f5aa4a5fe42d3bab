// RACK-TLP loss detection, RFC 8985. RACK (§6) deems a segment lost when a segment sent after it
// has been delivered and more than RACK.rtt + RACK.reo_wnd has passed since it was sent: time, not
// a count of duplicate ACKs, so one lost retransmission or a short flight is detected as quickly as
// a long one. TLP (§7) sends a probe when ACKs stop for a probe timeout (PTO ≈ 2·SRTT), so that a
// loss at the tail of a flight gets SACK feedback — and RACK — instead of waiting for the RTO.
// The per-segment state lives in tx-records.ts; this file holds the per-connection variables and
// the algorithm's steps. Times in ms; sequence numbers absolute (mod 2^32).

import type { TxRecord, TxRecords } from './tx-records.js';
import { seqGt, seqLt } from './seq.js';

/** RFC 8985 §7.2: TLP.max_ack_delay, the allowance for a delayed ACK when one segment is in flight. */
export const TLP_MAX_ACK_DELAY = 200;
/**
 * Lower bound of the PTO. §7.2 computes 2·SRTT, which on a path of a few hundred µs (or with a
 * handshake timed at 0 ms on a virtual clock) would probe before the peer's ACK could come back;
 * like the RTO's clock-granularity term (RFC 6298 §2), the timer gets a floor — 10 ms, Linux's.
 */
export const TLP_MIN_PTO = 10;
/** Linux's TCP_TIMEOUT_MIN: what its PTO adds to 2·SRTT when more than one segment is in flight. */
export const LINUX_PTO_EXTRA = 2;
/** §6.2 step 4: recoveries without D-SACK after which the reordering window multiplier resets. */
const REO_WND_PERSIST = 16;

/** RFC 8985 §6.2: RACK_sent_after(t1, seq1, t2, seq2). */
function sentAfter(t1: number, seq1: number, t2: number, seq2: number): boolean {
  return t1 > t2 || (t1 === t2 && seqGt(seq1, seq2));
}

export class Rack {
  // ---- RFC 8985 §5.2 per-connection variables
  /** RACK.xmit_ts / RACK.end_seq: the most recently sent segment that has been delivered. */
  xmitTs = -Infinity;
  endSeq = 0;
  /** RACK.rtt: RTT of that segment's last transmission. */
  rtt = 0;
  /** RACK.min_RTT. */
  minRtt = Infinity;
  /** RACK.fack: the highest sequence number delivered (cumulatively or selectively); valid once `fackSet`. */
  fack = 0;
  fackSet = false;
  /** RACK.reordering_seen. */
  reorderingSeen = false;
  /** RACK.reo_wnd_mult, RACK.reo_wnd_persist, RACK.dsack_round, RACK.reo_wnd. */
  reoWndMult = 1;
  reoWndPersist = 0;
  dsackRound: number | undefined = undefined;
  reoWnd = 0;
  // ---- RFC 8985 §7 TLP variables
  /** TLP.end_seq (undefined: no probe outstanding) and TLP.is_retrans. */
  tlpEndSeq: number | undefined = undefined;
  tlpIsRetrans = false;
  /** FlightSize when the probe went out (the loss it repairs is charged against it, §7.4.2). */
  tlpFlight = 0;
  /** Statistics: probes sent, and reordering-window timer expiries. */
  probes = 0;
  reoTimeouts = 0;

  /**
   * §6.2 steps 2 and 3 for the records one ACK newly delivered. `tsEcrBefore(r)`: the ACK's TSecr
   * predates r's last transmission (so it acknowledges an earlier one). `fackBefore` is the
   * RACK.fack before this ACK. `ackOrder` (TcpConfig.rackRttFrom 'ack-order'): RACK.rtt from the
   * last record in processing order — the SACKed ones, then the cumulative ones — instead of the
   * most recently sent.
   */
  onDelivered(recs: readonly TxRecord[], now: number, ackTsEcrBefore: (r: TxRecord) => boolean, cumulative = recs.length, ackOrder = false): void {
    let best: TxRecord | undefined;
    let cumRtt = -1;
    let sackRtt = -1;
    const fack = this.fack;
    const fackSet = this.fackSet;
    for (let i = 0; i < recs.length; i++) {
      const r = recs[i]!;
      const rtt = now - r.sentAt;
      // Step 2: a retransmitted segment's delivery may be the original's — skip it when the
      // timestamp says so, or when the RTT is implausibly short (below RACK.min_RTT). The echoed
      // timestamp decides only for cumulatively acknowledged data: for a segment above a hole an
      // RFC 7323 §4.3 receiver echoes TS.Recent, taken from an older in-order segment, so the echo
      // predates every retransmission there and would make a SACKed probe useless to RACK.
      const ambiguous = r.retrans && ((i < cumulative && ackTsEcrBefore(r)) || rtt < this.minRtt);
      if (!ambiguous) {
        if (!r.retrans && rtt < this.minRtt) this.minRtt = rtt; // Step 1 (Karn: originals only)
        if (best === undefined || sentAfter(r.sentAt, r.end, best.sentAt, best.end)) best = r;
        if (i < cumulative) cumRtt = rtt;
        else sackRtt = rtt;
      }
      // Step 3: delivered below the highest delivered sequence, never retransmitted: reordering.
      if (fackSet && seqLt(r.end, fack) && !r.retrans) this.reorderingSeen = true;
      if (!this.fackSet || seqGt(r.end, this.fack)) {
        this.fack = r.end;
        this.fackSet = true;
      }
    }
    if (best !== undefined) {
      this.rtt = !ackOrder ? now - best.sentAt : cumRtt >= 0 ? cumRtt : sackRtt;
      if (sentAfter(best.sentAt, best.end, this.xmitTs, this.endSeq)) {
        this.xmitTs = best.sentAt;
        this.endSeq = best.end;
      }
    }
  }

  /** An RTT sample from the connection's estimator (RFC 6298 / RFC 7323), for RACK.min_RTT. */
  rttSample(r: number): void {
    if (r > 0 && r < this.minRtt) this.minRtt = r;
  }

  /**
   * §6.2 step 4: RACK.reo_wnd. `dsack`: this ACK carried a D-SACK; `una`/`sndNxt` now;
   * `recovering`: fast or RTO recovery; `segsSacked` SACKed segments; `srtt` the smoothed RTT.
   */
  updateReoWnd(dsack: boolean, una: number, sndNxt: number, recovering: boolean, segsSacked: number, dupThresh: number, srtt: number | undefined): number {
    if (this.dsackRound !== undefined && !seqLt(una, this.dsackRound)) this.dsackRound = undefined;
    if (this.dsackRound === undefined && dsack) {
      this.dsackRound = sndNxt;
      this.reoWndMult++;
      this.reoWndPersist = REO_WND_PERSIST;
    }
    if (!this.reorderingSeen && (recovering || segsSacked >= dupThresh)) {
      this.reoWnd = 0;
      return 0;
    }
    const min = Number.isFinite(this.minRtt) ? this.minRtt : (srtt ?? 0);
    this.reoWnd = Math.min((this.reoWndMult * min) / 4, srtt ?? Infinity);
    return this.reoWnd;
  }

  /** §6.2 step 4: a recovery (fast or RTO) ended; after 16 without D-SACK the multiplier resets. */
  onRecoveryExit(): void {
    if (this.reoWndPersist > 0 && --this.reoWndPersist === 0) this.reoWndMult = 1;
  }

  /**
   * §6.2 step 5, RACK_detect_loss(): walks the transmissions older than RACK.xmit_ts, oldest
   * first, marking lost those whose time is up. Returns [records marked lost, timeout (ms, 0 when
   * nothing is waiting)] — the reordering timer is armed for the timeout.
   */
  detectLoss(log: TxRecords, now: number): [number, number] {
    if (this.xmitTs === -Infinity) return [0, 0];
    let timeout = 0;
    let lost = 0;
    for (let r = log.oldest; r !== undefined; ) {
      const next = r.tnext;
      if (r.sentAt > this.xmitTs) break; // time order: everything after was sent later still
      if (sentAfter(this.xmitTs, this.endSeq, r.sentAt, r.end)) {
        const remaining = r.sentAt + this.rtt + this.reoWnd - now;
        if (remaining <= 0) {
          log.markLost(r);
          lost++;
        } else timeout = Math.max(timeout, remaining);
      }
      r = next;
    }
    return [lost, timeout];
  }

  /**
   * §6.3 upon RTO expiration: the segment at SND.UNA, and every one whose RACK time is up, are lost.
   */
  markLossesOnRto(log: TxRecords, una: number, now: number): void {
    for (let r = log.oldest; r !== undefined; ) {
      const next = r.tnext;
      if (r.seq === una || r.sentAt + this.rtt + this.reoWnd - now <= 0) log.markLost(r);
      r = next;
    }
  }

  /**
   * §7.2: the probe timeout for a flight of `flight` bytes (one segment: delayed-ACK allowance).
   * `linuxRtoMin`: TcpConfig.ptoRule 'linux' — 2·SRTT + 2 ms, or + rtoMin for one segment.
   */
  pto(srtt: number | undefined, flight: number, mss: number, linuxRtoMin?: number): number {
    if (srtt === undefined) return 1000;
    if (linuxRtoMin !== undefined) return 2 * srtt + (flight <= mss ? linuxRtoMin : LINUX_PTO_EXTRA);
    return Math.max(TLP_MIN_PTO, 2 * srtt) + (flight <= mss ? TLP_MAX_ACK_DELAY : 0);
  }

  /**
   * §7.4.2 TLP_process_ack, for an acceptable ACK before SND.UNA moves. Returns 'repaired' when the
   * probe retransmission plugged a real loss (congestion control must react), else undefined.
   */
  tlpOnAck(ack: number, dsackEnd: number | undefined, dupAckWithoutSack: boolean): 'repaired' | undefined {
    const end = this.tlpEndSeq;
    if (end === undefined || seqLt(ack, end)) return undefined;
    if (!this.tlpIsRetrans) {
      this.tlpEndSeq = undefined; // a probe of new data was delivered
      return undefined;
    }
    if (dsackEnd !== undefined && dsackEnd === end) {
      this.tlpEndSeq = undefined; // both the original and the probe arrived: no loss
      return undefined;
    }
    if (seqGt(ack, end)) {
      this.tlpEndSeq = undefined; // the probe repaired the single loss
      return 'repaired';
    }
    if (dupAckWithoutSack) this.tlpEndSeq = undefined;
    return undefined;
  }
}
