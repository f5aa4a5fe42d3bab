// Spurious-retransmission detection and response. A congestion response (fast recovery, or a
// retransmission timeout) saves the window it is about to cut; it is undone when the loss it
// answered turns out not to have happened:
// - Eifel detection, RFC 3522 §2: the first ACK that acknowledges the first retransmission of the
//   episode echoes (RFC 7323 TSecr) a timestamp older than that retransmission's TSval — the ACK
//   was triggered by the original transmission, so the retransmission was not needed;
// - D-SACK detection, RFC 3708 §3: every retransmission of the episode is reported back as a
//   duplicate (RFC 2883), so both copies of each arrived.
// Response, RFC 4015 §4 as "restore the window as before the reduction": ssthresh and cwnd go back
// to what the CC had (the CC's own state — CUBIC's W_max — too, through CongestionControl.undo),
// and a timeout's go-back-N stops (SND.NXT returns to SND.MAX, RFC 4015 step 3).

import type { CongestionControl } from './cc/types.js';
import { seqDiff, seqGe, seqLe, seqLt } from './seq.js';

export type UndoKind = 'recovery' | 'rto';

/** What the CC had before a reduction. */
export interface CcSnapshot {
  cwnd: number;
  ssthresh: number;
}

export class SpuriousUndo {
  /** An episode whose response may still be undone. */
  kind: UndoKind | undefined = undefined;
  prior: CcSnapshot = { cwnd: 0, ssthresh: Infinity };
  /** RFC 3522 RetransmitTS: TSval of the episode's first retransmission (undefined: none yet). */
  retransmitTs: number | undefined = undefined;
  /** Sequence number of that retransmission: an ACK above it is the "acceptable ACK" of §2. */
  retransmitSeq = 0;
  /** SND.UNA when the episode began (RFC 3708's undo marker: D-SACKs below it are older). */
  marker = 0;
  /** Retransmitted ranges of the episode and whether a D-SACK reported each (RFC 3708 §3). */
  #ranges: Array<[number, number, boolean]> = [];
  #overflow = false;
  /** Undo events, for statistics. */
  undos = 0;

  /** A reduction happens: remember the window before the cut. */
  begin(kind: UndoKind, prior: CcSnapshot, una: number): void {
    this.kind = kind;
    this.prior = prior;
    this.retransmitTs = undefined;
    this.marker = una;
    this.#ranges = [];
    this.#overflow = false;
  }

  /** The episode can no longer be undone (a new one began elsewhere, or the connection gave up). */
  reset(): void {
    this.kind = undefined;
    this.retransmitTs = undefined;
    this.#ranges = [];
  }

  /** A retransmission of [seq, end) carrying TSval `tsval` (undefined without timestamps). */
  onRetransmit(seq: number, end: number, tsval: number | undefined): void {
    if (this.kind === undefined) return;
    if (this.retransmitTs === undefined && this.#ranges.length === 0) {
      this.retransmitTs = tsval;
      this.retransmitSeq = seq;
    }
    if (this.#ranges.length >= 256) this.#overflow = true;
    else this.#ranges.push([seq, end, false]);
  }

  /**
   * RFC 3522 §2 step (4): an ACK that advances SND.UNA past the first retransmission. Returns true
   * when its echoed timestamp predates the retransmission (spurious). Only that first acceptable
   * ACK decides; later ones leave D-SACK as the only detector.
   */
  eifel(ack: number, tsecr: number | undefined): boolean {
    if (this.kind === undefined || this.retransmitTs === undefined || !seqLt(this.retransmitSeq, ack)) return false;
    const ts = this.retransmitTs;
    this.retransmitTs = undefined;
    if (tsecr === undefined || tsecr === 0) return false;
    return ((tsecr - ts) | 0) < 0;
  }

  /**
   * RFC 3708 §3: a D-SACK block [l, r) (RFC 2883). Returns true when every retransmission of the
   * episode has now been reported as a duplicate.
   */
  dsack(l: number, r: number): boolean {
    if (this.kind === undefined || this.#overflow || this.#ranges.length === 0 || seqLt(l, this.marker)) return false;
    let all = true;
    for (const x of this.#ranges) {
      if (!x[2] && seqLe(l, x[0]) && seqGe(r, x[1])) x[2] = true;
      if (!x[2]) all = false;
    }
    return all;
  }

  /** RFC 4015 §4 response: the CC's window as before the reduction (never smaller than now). */
  restore(cc: CongestionControl): void {
    this.undos++;
    const p = this.prior;
    if (cc.undo !== undefined) cc.undo(p);
    this.reset();
  }

  /** Bytes retransmitted in the episode (diagnostics). */
  get retransmittedBytes(): number {
    let n = 0;
    for (const x of this.#ranges) n += seqDiff(x[1], x[0]);
    return n;
  }
}
