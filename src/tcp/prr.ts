// Proportional Rate Reduction, RFC 6937: how much the sender may send on each ACK during fast
// recovery, replacing RFC 6675's "cwnd − pipe" while recovery lasts. While pipe is above ssthresh
// the sending rate is the delivery rate scaled by ssthresh/RecoverFS (§3, proportional part), so
// the window comes down to ssthresh smoothly over the recovery instead of in one step; once pipe
// falls below ssthresh the reduction bound lets it grow back to ssthresh — by at most what was
// delivered (CRB, conservative) or by that plus one SMSS per ACK (SSRB, slow-start reduction bound,
// the RFC's default). Everything in bytes.

export type PrrBound = 'ssrb' | 'crb';

export class Prr {
  active = false;
  /** prr_delivered: bytes delivered to the receiver since recovery began. */
  delivered = 0;
  /** prr_out: bytes sent (new or retransmitted) since recovery began. */
  out = 0;
  /** RecoverFS: FlightSize when recovery began. */
  recoverFs = 0;
  /** What this ACK allows that has not been sent yet (sndcnt less what went out since). */
  budget = 0;

  constructor(public bound: PrrBound) {}

  /** §3 "at the beginning of recovery". */
  start(flightSize: number): void {
    this.active = true;
    this.delivered = 0;
    this.out = 0;
    this.budget = 0;
    this.recoverFs = Math.max(1, flightSize);
  }

  end(): void {
    this.active = false;
    this.budget = 0;
  }

  /**
   * §3 "on every ACK during recovery": `deliveredData` is the change in SND.UNA plus the change in
   * SACKed bytes; `pipe` RFC 6675's estimate after the ACK; `safeAck` the ACK advanced SND.UNA and
   * revealed no new loss. Sets and returns sndcnt (bytes).
   */
  onAck(deliveredData: number, pipe: number, ssthresh: number, mss: number, safeAck = true): number {
    this.delivered += Math.max(0, deliveredData);
    let sndcnt: number;
    if (pipe > ssthresh) {
      // Proportional rate reduction.
      sndcnt = Math.ceil((this.delivered * ssthresh) / this.recoverFs) - this.out;
    } else if (this.bound === 'crb') {
      // Conservative reduction bound: no more than was delivered (packet conservation).
      sndcnt = Math.min(ssthresh - pipe, this.delivered - this.out);
    } else {
      // Slow-start reduction bound: what was delivered, plus one SMSS when the ACK shows recovery
      // progressing — it advances SND.UNA and reports no new loss (draft-ietf-tcpm-prr-rfc6937bis
      // §5 "safe ACK"; RFC 6937 adds the SMSS on every ACK).
      const limit = Math.max(this.delivered - this.out, deliveredData) + (safeAck ? mss : 0);
      sndcnt = Math.min(ssthresh - pipe, limit);
    }
    // draft-ietf-tcpm-prr-rfc6937bis §5: the first ACK of a recovery may always send the fast
    // retransmission, whatever the arithmetic says (RFC 5681 §3.2 step 2 sends it unconditionally).
    if (this.out === 0) sndcnt = Math.max(sndcnt, mss);
    this.budget = Math.max(0, sndcnt);
    return this.budget;
  }

  /** Data went out during recovery (prr_out += len). */
  onSend(len: number): void {
    this.out += len;
    this.budget = Math.max(0, this.budget - len);
  }
}

/**
 * RFC 6937 §3 DeliveredData without SACK: each duplicate ACK stands for one SMSS delivered (a
 * segment above the hole arrived); a cumulative ACK delivers the change in SND.UNA less what the
 * duplicate ACKs since the last one already counted. `credit` is that not yet reconciled count —
 * also the bytes RFC 6937's pipe leaves out as having left the network.
 */
export class DupAckDelivery {
  credit = 0;

  /** One acceptable ACK: `dup` a duplicate ACK, `acked` the advance of SND.UNA (bytes), `flight` after it. */
  onAck(dup: boolean, acked: number, mss: number, flight: number): number {
    let delivered: number;
    if (dup) {
      delivered = Math.min(mss, Math.max(0, flight - this.credit));
      this.credit += delivered;
    } else {
      delivered = Math.max(0, acked - this.credit);
      this.credit = Math.max(0, this.credit - acked);
    }
    if (this.credit > flight) this.credit = flight;
    return delivered;
  }
}
