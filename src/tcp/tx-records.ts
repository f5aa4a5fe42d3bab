// Per-segment transmit records of the sender: what was sent above SND.UNA, when it was last sent,
// whether it was retransmitted, SACKed or deemed lost. RFC 8985 §5.2 keeps these per segment
// (Segment.xmit_ts, .end_seq, .retransmitted, .lost); the delivery-rate estimator
// (draft-cheng-iccrg-delivery-rate-estimation §3.2) snapshots its connection state in each too.
// The RFC 6675 scoreboard (sack.ts) stays the byte-range view for the dup-ACK detector; these
// records are the per-transmission view RACK needs.
//
// Two orders over the same records: by sequence (an array, SND.UNA first), and by last
// transmission time (a doubly linked list of the records neither SACKed nor marked lost), so that
// RACK's loss scan (RFC 8985 §6.2 step 5) starts at the oldest transmission and stops at the first
// one sent after RACK.xmit_ts.
//
// Nothing is allocated per segment once a connection has warmed up: records leave the sequence
// array when SND.UNA passes them and go back to a per-connection free list (after the ACK that
// delivered them has been processed, since its Delivery still lists them), so with thousands of
// connections the records stay the same few long-lived objects instead of a stream of new ones
// that live one round trip each — long enough to be promoted out of the young generation.

import { seqDiff, seqGt, seqLe, seqLt } from './seq.js';

/** What snapshots connection state into a record at each transmission (rate-sample.ts). */
export interface TransmitSnapshot {
  onSend(r: TxRecord, now: number, idle: boolean): void;
}

/** Free records kept per connection beyond which released ones are left to the collector. */
const POOL_MAX = 1024;

export class TxRecord {
  /** First sequence number and the one just past the record (a FIN counts as one). */
  seq = 0;
  end = 0;
  /** Time of the last (re)transmission; RFC 8985 Segment.xmit_ts. */
  sentAt = 0;
  /** Retransmitted at least once (RFC 8985 Segment.retransmitted). */
  retrans = false;
  sacked = false;
  /** Deemed lost and not retransmitted since (RFC 8985 Segment.lost). */
  lost = false;
  /** Deemed lost at some point and neither SACKed nor undone since — retransmitted or not (RFC 4898 lost-segment count). */
  markedLost = false;
  // Delivery-rate snapshot at the last transmission (draft-cheng-iccrg-delivery-rate-estimation §3.2).
  delivered = 0;
  deliveredTime = 0;
  firstSentTime = 0;
  appLimited = false;
  // Time-ordered list links (only while neither SACKed nor lost).
  tprev: TxRecord | undefined = undefined;
  tnext: TxRecord | undefined = undefined;
  linked = false;

  get len(): number {
    return seqDiff(this.end, this.seq);
  }
}

/** What one ACK changed in the records: the newly delivered ones (cumulatively or selectively). */
export interface Delivery {
  /** Records acknowledged or SACKed by this ACK for the first time, in sequence order. */
  records: TxRecord[];
  /** Bytes of those records (RFC 6937 DeliveredData, less the cumulative part already counted). */
  bytes: number;
  /** How many of `records` (the first ones) the cumulative ACK delivered; the rest were SACKed. */
  cumulative: number;
}

export class TxRecords {
  #recs: TxRecord[] = [];
  #head = 0;
  /** Records reusable for new transmissions, and those acknowledged by the ACK being processed. */
  #free: TxRecord[] = [];
  #retired: TxRecord[] = [];
  #oldest: TxRecord | undefined = undefined;
  #newest: TxRecord | undefined = undefined;
  /** Bytes SACKed above SND.UNA, bytes marked lost (not retransmitted since), SACKed records. */
  sackedBytes = 0;
  lostBytes = 0;
  sackedCount = 0;

  get size(): number {
    return this.#recs.length - this.#head;
  }

  /** Record `i` in sequence order (0 = the one at SND.UNA). */
  at(i: number): TxRecord | undefined {
    return this.#recs[this.#head + i];
  }

  /** The oldest transmission still neither SACKed nor lost. */
  get oldest(): TxRecord | undefined {
    return this.#oldest;
  }

  /** The record with the highest sequence numbers. */
  get last(): TxRecord | undefined {
    return this.#recs.length > this.#head ? this.#recs[this.#recs.length - 1] : undefined;
  }

  clear(): void {
    this.recycle();
    this.#recs = [];
    this.#head = 0;
    this.#oldest = this.#newest = undefined;
    this.sackedBytes = this.lostBytes = this.sackedCount = 0;
  }

  /**
   * [seq, end) was (re)transmitted at `now`. New sequence space becomes new records; sent
   * sequence space marks its records retransmitted (split at the edges when a retransmission does
   * not line up with the original segments). `snap` snapshots state into each record touched
   * (`idle`: nothing was in flight before).
   */
  transmit(seq: number, end: number, now: number, snap?: TransmitSnapshot, idle = false): void {
    const last = this.last;
    const top = last === undefined ? seq : last.end;
    if (seqLt(seq, top)) {
      const stop = seqLt(end, top) ? end : top;
      let i = this.#split(seq);
      this.#split(stop);
      for (; i < this.#recs.length; i++) {
        const r = this.#recs[i]!;
        if (!seqLt(r.seq, stop)) break;
        if (r.sacked) continue; // a retransmission of SACKed bytes (go-back-N) changes nothing for them
        if (r.lost) {
          r.lost = false;
          this.lostBytes -= r.len;
        }
        r.retrans = true;
        r.sentAt = now;
        snap?.onSend(r, now, idle);
        this.#unlink(r);
        this.#append(r);
      }
      if (!seqGt(end, top)) return;
      seq = top;
    }
    const r = this.#take();
    r.seq = seq;
    r.end = end;
    r.sentAt = now;
    snap?.onSend(r, now, idle);
    this.#recs.push(r);
    this.#append(r);
  }

  /** SND.UNA moved to `una`: acknowledged records leave (pushed to `into` unless SACKed before). */
  ackTo(una: number, into: Delivery): void {
    while (this.#head < this.#recs.length) {
      const r = this.#recs[this.#head]!;
      if (seqLe(r.end, una)) {
        this.#head++;
        this.#forget(r, into);
        continue;
      }
      if (seqLt(r.seq, una)) {
        // Part of a record acknowledged (the peer acked inside it): keep the rest.
        const cut = seqDiff(una, r.seq);
        if (r.sacked) this.sackedBytes -= cut;
        else if (r.lost) this.lostBytes -= cut;
        if (!r.sacked) into.bytes += cut;
        r.seq = una;
      }
      break;
    }
    if (this.#head > 64 && this.#head * 2 > this.#recs.length) {
      // Compact in place (no new array).
      this.#recs.copyWithin(0, this.#head);
      this.#recs.length -= this.#head;
      this.#head = 0;
    }
  }

  /**
   * The records acknowledged since the last call may be reused: call once the ACK that delivered
   * them (its Delivery, the rate sample) is done with them.
   */
  recycle(): void {
    const retired = this.#retired;
    const free = this.#free;
    for (let i = 0; i < retired.length; i++) {
      if (free.length < POOL_MAX) free.push(retired[i]!);
    }
    retired.length = 0;
  }

  #take(): TxRecord {
    const r = this.#free.pop();
    if (r === undefined) return new TxRecord();
    r.retrans = r.sacked = r.lost = r.markedLost = r.appLimited = false;
    r.delivered = r.deliveredTime = r.firstSentTime = 0;
    return r;
  }

  #forget(r: TxRecord, into: Delivery): void {
    this.#retired.push(r);
    if (r.sacked) {
      this.sackedBytes -= r.len;
      this.sackedCount--;
      return;
    }
    if (r.lost) this.lostBytes -= r.len;
    this.#unlink(r);
    into.records.push(r);
    into.bytes += r.len;
    into.cumulative++;
  }

  /**
   * SACK block [l, r): records inside it not SACKed before become SACKed (pushed to `into`).
   * `whole`: only records the block covers entirely (a block that ends or starts inside a segment
   * leaves that segment as it was); else records are split at the block's edges.
   */
  sack(l: number, r: number, into: Delivery, whole = false): void {
    if (!seqLt(l, r)) return;
    let i = whole ? this.#split(l, true) : this.#split(l);
    if (!whole) this.#split(r);
    for (; i < this.#recs.length; i++) {
      const x = this.#recs[i]!;
      if (!seqLt(x.seq, r)) break;
      if (x.sacked || seqLt(x.seq, l) || seqGt(x.end, r)) continue;
      x.sacked = true;
      this.sackedBytes += x.len;
      this.sackedCount++;
      if (x.lost) {
        x.lost = false;
        this.lostBytes -= x.len;
      }
      this.#unlink(x);
      into.records.push(x);
      into.bytes += x.len;
    }
  }

  /** RFC 8985 §6.2 step 5: `r` is deemed lost (it leaves the time order until retransmitted). */
  markLost(r: TxRecord): void {
    if (r.lost || r.sacked) return;
    r.lost = true;
    r.markedLost = true;
    this.lostBytes += r.len;
    this.#unlink(r);
  }

  /** Spurious retransmission undone (RFC 4015): nothing is deemed lost any more. */
  unmarkLost(): void {
    if (this.lostBytes === 0) return;
    this.#relinkAll((r) => {
      r.lost = r.markedLost = false;
    });
    this.lostBytes = 0;
  }

  /** RFC 2018 §8 after a retransmission timeout: SACK information and loss marks are dropped. */
  forgetSacks(): void {
    this.#relinkAll((r) => {
      r.sacked = false;
      r.lost = r.markedLost = false;
    });
    this.sackedBytes = this.lostBytes = this.sackedCount = 0;
  }

  /** The lowest record deemed lost that starts below `below`, or undefined. */
  firstLost(below: number): TxRecord | undefined {
    if (this.lostBytes <= 0) return undefined;
    for (let i = this.#head; i < this.#recs.length; i++) {
      const r = this.#recs[i]!;
      if (!seqLt(r.seq, below)) return undefined;
      if (r.lost) return r;
    }
    return undefined;
  }

  /** Rebuilds the time order from the records kept (sorted by last transmission, then sequence). */
  #relinkAll(change: (r: TxRecord) => void): void {
    const live: TxRecord[] = [];
    for (let i = this.#head; i < this.#recs.length; i++) {
      const r = this.#recs[i]!;
      change(r);
      r.linked = false;
      r.tprev = r.tnext = undefined;
      if (!r.sacked && !r.lost) live.push(r);
    }
    this.#oldest = this.#newest = undefined;
    live.sort((a, b) => a.sentAt - b.sentAt || seqDiff(a.seq, b.seq) - seqDiff(b.seq, a.seq));
    for (const r of live) this.#append(r);
  }

  /**
   * Index of the record starting at `seq` after splitting the one containing it (or the next one);
   * with `find`, the index of the first record ending after `seq`, nothing split.
   */
  #split(seq: number, find = false): number {
    let lo = this.#head;
    let hi = this.#recs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seqLe(this.#recs[mid]!.end, seq)) lo = mid + 1;
      else hi = mid;
    }
    const r = this.#recs[lo];
    if (find || r === undefined || !seqLt(r.seq, seq)) return lo;
    const tail = this.#take();
    tail.end = r.end;
    tail.sentAt = r.sentAt;
    tail.retrans = r.retrans;
    tail.sacked = r.sacked;
    tail.lost = r.lost;
    tail.markedLost = r.markedLost;
    tail.delivered = r.delivered;
    tail.deliveredTime = r.deliveredTime;
    tail.firstSentTime = r.firstSentTime;
    tail.appLimited = r.appLimited;
    tail.seq = seq;
    r.end = seq;
    tail.tprev = tail.tnext = undefined;
    tail.linked = false;
    this.#recs.splice(lo + 1, 0, tail);
    if (r.linked) this.#insertAfter(r, tail);
    if (r.sacked) this.sackedCount++;
    return lo + 1;
  }

  #append(r: TxRecord): void {
    r.tprev = this.#newest;
    r.tnext = undefined;
    if (this.#newest !== undefined) this.#newest.tnext = r;
    else this.#oldest = r;
    this.#newest = r;
    r.linked = true;
  }

  #insertAfter(a: TxRecord, r: TxRecord): void {
    r.tprev = a;
    r.tnext = a.tnext;
    if (a.tnext !== undefined) a.tnext.tprev = r;
    else this.#newest = r;
    a.tnext = r;
    r.linked = true;
  }

  #unlink(r: TxRecord): void {
    if (!r.linked) return;
    if (r.tprev !== undefined) r.tprev.tnext = r.tnext;
    else this.#oldest = r.tnext;
    if (r.tnext !== undefined) r.tnext.tprev = r.tprev;
    else this.#newest = r.tprev;
    r.tprev = r.tnext = undefined;
    r.linked = false;
  }
}
