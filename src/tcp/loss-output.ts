// What RACK-TLP sends (RFC 8985): retransmissions of the segments deemed lost, ahead of new data
// and within the congestion state's room (PRR during recovery), and the Tail Loss Probe. Segment
// building itself is output.ts's emit().

import type { TcpDatagram } from '../stack/types.js';
import type { TcpConnection } from './connection.js';
import { congestionRoom, probeSent } from './loss.js';
import { frtoHolds } from './frto.js';
import { emit, payloadRoom, sendsData } from './output.js';
import { seqAdd, seqDiff, seqGt, seqLt } from './seq.js';

/**
 * Retransmits the records deemed lost, lowest sequence first, while the room allows a segment
 * (RFC 8985 §6.2 with RFC 6675 §5 (C) / RFC 6937). Below SND.NXT only: after a timeout the
 * go-back-N pass resends what lies above it anyway.
 */
export function sendLost(c: TcpConnection, now: number, out: TcpDatagram[]): void {
  if (!sendsData(c) || !seqGt(c.sndMax, c.sndUna) || frtoHolds(c.loss.frto)) return; // RFC 5682 step 3 decides first
  const recs = c.loss.records;
  const head = c.dataHeadSeq();
  for (let guard = 0; guard < 4096; guard++) {
    const r = recs.firstLost(c.sndNxt);
    if (r === undefined || seqLt(r.seq, c.sndUna)) return;
    const finIn = c.finSent() && seqLt(c.finSeq, r.end);
    const dataEnd = finIn ? c.finSeq : r.end;
    const len = Math.max(0, Math.min(seqDiff(dataEnd, r.seq), payloadRoom(c)));
    const fin = finIn && seqAdd(r.seq, len) === c.finSeq;
    if (len === 0 && !fin) return;
    if (congestionRoom(c) < Math.max(1, Math.min(len, c.sndMss))) return;
    emit(c, now, out, r.seq, seqDiff(r.seq, head), len, fin);
    if (r.lost) return; // nothing changed (cannot happen: emit retransmits it) — no endless loop
  }
}

/**
 * RFC 8985 §7.3 TLP_send_probe(): new data when some is queued and the peer's window allows it
 * (whatever cwnd says), otherwise the last segment sent again; then TLP.end_seq = SND.NXT.
 */
export function sendTlpProbe(c: TcpConnection, now: number, out: TcpDatagram[]): void {
  const l = c.loss;
  l.probeDue = false;
  if (!sendsData(c) || !seqGt(c.sndMax, c.sndUna) || l.rack.tlpEndSeq !== undefined) return;
  const flight = seqDiff(c.sndMax, c.sndUna);
  const head = c.dataHeadSeq();
  const unsent = c.unsentBytes();
  const wndRoom = seqDiff(seqAdd(c.sndUna, c.sndWnd), c.sndNxt);
  l.probing = true;
  try {
    if (unsent > 0 && c.sndNxt === c.sndMax && wndRoom > 0 && wndRoom <= 0x7fffffff) {
      const len = Math.min(unsent, payloadRoom(c), wndRoom);
      const fin = len === unsent && c.finQueued;
      emit(c, now, out, c.sndNxt, seqDiff(c.sndNxt, head), len, fin);
      probeSent(c, false, flight);
      return;
    }
    // The highest-sequence segment sent (its last SMSS at most), the FIN with it when it carried
    // one — a FIN sent alone is probed alone.
    const fin = c.finSent();
    const dataEnd = fin ? c.finSeq : c.sndMax;
    const last = l.records.last;
    const from = last !== undefined && seqLt(c.sndUna, last.seq) ? last.seq : c.sndUna;
    const dataLen = Math.max(0, seqDiff(dataEnd, from));
    const len = Math.min(dataLen, payloadRoom(c));
    const seq = seqAdd(dataEnd, -len);
    if (len === 0 && !fin) return;
    emit(c, now, out, seq, seqDiff(seq, head), len, fin);
    probeSent(c, true, flight);
  } finally {
    l.probing = false;
  }
}
