// F-RTO (RFC 5682): telling a spurious retransmission timeout from a genuine one without timestamps,
// by what the ACKs after the timeout acknowledge. After the timeout's retransmission is
// acknowledged, the sender sends up to two *new* segments instead of going back N; if the next ACK
// then acknowledges data that was never retransmitted, the original segments had only been
// delayed: the timeout was spurious, and the RFC 4015 response restores the window (and go-back-N
// stops). Otherwise the loss was real and conventional RTO recovery (RFC 6298 §5, RFC 5681 slow
// start from the loss window, go-back-N) goes on. The basic algorithm (§2) reads cumulative ACKs
// only; with SACK the SACK-enhanced one (§3) also reads SACK blocks and waits out duplicate ACKs
// that come before the retransmission's ACK. TcpConfig.frto switches it; timestamps (Eifel, undo.ts)
// detect the same case when they are on — whichever decides first ends the episode.

import type { TcpRepr } from '../wire/tcp-types.js';
import type { TcpConnection } from './connection.js';
import type { CcSnapshot } from './undo.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLt } from './seq.js';

/** 0: no episode; 2: waiting for the first ACK after the timeout (step 2); 3: new data sent (step 3). */
export type FrtoStep = 0 | 2 | 3;

export class Frto {
  step: FrtoStep = 0;
  /** RFC 5682 "recover": SND.MAX when the timeout expired (one past the highest byte sent). */
  recover = 0;
  /** A timeout episode this one continues (conventional RTO recovery up to `recover`). */
  inRtoRecovery = false;
  /** SND.UNA at the timeout: the retransmissions since then start there. */
  una = 0;
  /** The highest byte the peer had SACKed before the timeout cleared the scoreboard (§3). */
  sackedHigh = 0;
  /** Step 2b: new data may go out up to here (two segments past SND.MAX). */
  newDataLimit = 0;
  /** cwnd and ssthresh before the timeout's reduction (the RFC 4015 response restores them). */
  prior: CcSnapshot = { cwnd: 0, ssthresh: Infinity };
  /** Timeouts found spurious, and found genuine, by F-RTO (statistics). */
  spurious = 0;
  genuine = 0;

  reset(): void {
    this.step = 0;
  }
}

/**
 * A retransmission timeout expired (RFC 5682 §2/§3 step 1), before the CC's reduction: the episode
 * starts unless a previous timeout's recovery is still under way (recover ≥ SND.UNA), in which case
 * conventional RTO recovery continues.
 */
export function frtoOnRto(c: TcpConnection, f: Frto, sackedHigh: number): void {
  const again = f.inRtoRecovery && seqGe(f.recover, c.sndUna);
  f.recover = c.sndMax;
  f.inRtoRecovery = true;
  f.step = 0;
  if (!c.host.config.frto || again || !c.handshakeDone) return;
  f.step = 2;
  f.una = c.sndUna;
  f.sackedHigh = seqGt(sackedHigh, c.sndUna) ? sackedHigh : c.sndUna;
  f.prior = { cwnd: c.cc.cwnd, ssthresh: c.cc.ssthresh };
}

export type FrtoVerdict = 'none' | 'spurious' | 'genuine';

/**
 * An acceptable ACK arrived (before SND.UNA moves). Steps 2 and 3 of RFC 5682 §2 (cumulative
 * ACKs) or §3 (with SACK `blocks`). Returns 'spurious' when the timeout is found spurious (the
 * caller gives the RFC 4015 response), 'genuine' when conventional recovery must resume.
 */
export function frtoOnAck(c: TcpConnection, f: Frto, seg: TcpRepr, blocks: Array<[number, number]> | undefined): FrtoVerdict {
  if (f.step === 0) {
    if (f.inRtoRecovery && seqGe(seg.ack, f.recover)) f.inRtoRecovery = false; // the timeout's recovery is over
    return 'none';
  }
  const ack = seg.ack;
  const advances = seqGt(ack, c.sndUna);
  const dup = ack === c.sndUna && seg.payload.length === 0 && seg.window * 2 ** c.sndWscale === c.sndWnd && seqGt(c.sndMax, c.sndUna);
  const sack = blocks !== undefined;
  if (f.step === 2) {
    // What the timeout retransmitted so far: [una, SND.NXT) while going back N.
    const rexmitEnd = seqLt(c.sndNxt, c.sndMax) ? c.sndNxt : seqAdd(f.una, c.sndMss);
    if (!advances) {
      // §3 step 2a: duplicate ACKs before the retransmission's ACK only update the scoreboard;
      // §2 step 2a: a duplicate ACK means conventional recovery.
      if (sack || !dup) return 'none';
      return genuine(f);
    }
    // §2 step 2a / §3 step 2b: everything up to "recover" acknowledged, or not all of the
    // retransmission: conventional recovery (the loss window and slow start already hold).
    if (seqGe(ack, f.recover) || seqLt(ack, rexmitEnd)) return genuine(f);
    // §2 step 2b / §3 step 2c: up to two new segments, if the peer's window and the application
    // allow any; otherwise conventional recovery.
    const wndEdge = seqAdd(ack, seg.window * 2 ** c.sndWscale);
    const neverSent = c.sendBuf.length - seqDiff(c.sndMax, c.dataHeadSeq()); // beyond SND.MAX, not SND.NXT
    if (neverSent <= 0 || !seqGt(wndEdge, c.sndMax)) return genuine(f);
    f.step = 3;
    f.newDataLimit = seqAdd(c.sndMax, 2 * c.sndMss);
    c.sndNxt = c.sndMax;
    c.host.wake(c);
    return 'none';
  }
  // Step 3: the next ACK after the new data went out.
  if (sack) {
    // §3 step 3: data never retransmitted, below "recover", acknowledged for the first time —
    // cumulatively, or by a SACK block above what was SACKed before the timeout.
    const from = seqGt(f.sackedHigh, c.sndUna) ? f.sackedHigh : c.sndUna;
    let fresh = advances;
    for (const [l, r] of blocks) if (seqGt(r, from) && seqLt(l, f.recover) && seqGe(l, c.sndUna)) fresh = true;
    if (fresh) return spurious(f);
    return dup ? genuine(f) : 'none'; // other ACKs are ignored (§3 step 3)
  }
  // §2 step 3b: SND.UNA advances past data that was never retransmitted — spurious; step 3a: a
  // duplicate ACK — the loss was real.
  if (advances) return spurious(f);
  return dup ? genuine(f) : 'none';
}

function spurious(f: Frto): FrtoVerdict {
  f.step = 0;
  f.inRtoRecovery = false; // the RFC 4015 response ends the timeout's recovery
  f.spurious++;
  return 'spurious';
}

function genuine(f: Frto): FrtoVerdict {
  const wasStep3 = f.step === 3;
  f.step = 0;
  f.genuine++;
  return wasStep3 ? 'genuine' : 'none';
}

/**
 * Room the congestion state gives while step 3 waits for its ACK: only the two new segments of
 * step 2b (RFC 5682 §2 step 2b: sent whatever cwnd says), nothing retransmitted. Undefined when no
 * F-RTO step holds the sender.
 */
export function frtoRoom(c: TcpConnection, f: Frto | undefined): number | undefined {
  if (f === undefined || f.step !== 3) return undefined;
  return Math.max(0, seqDiff(f.newDataLimit, c.sndNxt));
}

/** Step 3 is pending: retransmissions of segments deemed lost wait for its verdict. */
export function frtoHolds(f: Frto | undefined): boolean {
  return f !== undefined && f.step === 3;
}
