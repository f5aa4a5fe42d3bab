// RFC 4821 §7.5: the loss of a PLPMTUD probe (plpmtud.ts) is no sign of congestion. A probe is
// larger than every other segment and may be dropped for its size alone; when it is the only loss
// the loss detector found, its bytes are sent again in ordinary segments (and the search counts a
// failure, plpmtudOnRetransmit), but fast recovery — and with it the congestion controller's
// reduction (RFC 5681 §3.2, RFC 9438 §4.6) — does not begin. Any other loss with it is congestion
// as usual. This covers RACK's detection (RFC 8985, the default on SACK connections); the
// duplicate-ACK detector and timeouts still treat a lost probe as congestion.

import type { TcpConnection } from './connection.js';
import { seqDiff, seqGe, seqLt } from './seq.js';

/**
 * The segments RACK has just deemed lost are the PLPMTUD probe in flight and nothing else: the
 * lost records start inside it and their bytes are no more than the probe's.
 */
export function probeOnlyLoss(c: TcpConnection): boolean {
  const p = c.plpmtud;
  const l = c.lossIfAny;
  if (p === undefined || p.probeMtu === 0 || p.probeLost || l === undefined) return false;
  const lost = l.records.lostBytes;
  if (lost <= 0 || lost > seqDiff(p.probeEnd, p.probeSeq)) return false;
  const first = l.records.firstLost(c.sndMax);
  return first !== undefined && seqGe(first.seq, p.probeSeq) && seqLt(first.seq, p.probeEnd);
}
