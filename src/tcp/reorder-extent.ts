// How far out of order the path delivers, as the sender sees it from SACKs: when data never
// retransmitted is delivered (cumulatively or selectively) below the highest sequence number
// already delivered, it was reordered, by the distance from it to that highest one — RFC 4737 §4.2's
// reordering extent, measured in sequence space and reported in segments. RFC 8985 §6.2 step 3 uses
// the same observation for RACK.reordering_seen; this keeps its size and how often it happened, for
// the connection snapshot (tcpi_reordering / tcpi_reord_seen under Linux's names). Nothing here
// changes what the sender does.

import { seqDiff, seqGt, seqLt } from './seq.js';
import type { TxRecord } from './tx-records.js';

/** The largest extent kept, in segments (Linux caps its reordering metric the same way: tcp_max_reordering). */
export const MAX_REORDER_EXTENT = 300;

export class ReorderExtent {
  /** Largest extent seen, in segments (0: none yet). */
  segments = 0;
  /** ACKs that showed reordering. */
  events = 0;

  /**
   * One ACK newly delivered `recs` (sequence order); `priorFack` was the highest sequence number
   * delivered before it. Returns true when the ACK showed reordering.
   */
  onDelivered(recs: readonly TxRecord[], priorFack: number, mss: number): boolean {
    let low: number | undefined;
    let fack = priorFack;
    for (const r of recs) {
      if (!r.retrans && (low === undefined || seqLt(r.seq, low))) low = r.seq;
      if (seqGt(r.end, fack)) fack = r.end;
    }
    if (low === undefined || !seqLt(low, priorFack)) return false;
    const extent = seqDiff(fack, low);
    if (mss > 0 && extent > this.segments * mss) this.segments = Math.min(MAX_REORDER_EXTENT, Math.ceil(extent / mss));
    this.events++;
    return true;
  }
}
