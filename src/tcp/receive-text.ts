// The seventh and eighth steps of SEGMENT ARRIVES (RFC 9293 §3.10.7.4): segment text into the
// receive buffer or reassembly, the ACK policy for it, and the peer's FIN.
import type { TcpConnection } from './connection.js';
import { recvAutoTuneOnData } from './autotune.js';
import { admitInOrder, admitOutOfOrder } from './pressure.js';
import { noteHeldDuplicate, noteOutOfOrder } from './sack.js';
import { seqAdd, seqDiff } from './seq.js';

/** Seventh step: in-order text goes to the receive buffer, out-of-order text to reassembly. */
export function deliver(c: TcpConnection, seq: number, payload: Uint8Array, now: number): void {
  const cfg = c.host.config;
  if (seq !== c.rcvNxt) {
    // Out of order: hold it and send an immediate duplicate ACK (RFC 5681 §4.2, RFC 9293 §3.10.7.4).
    const off = c.rcvOff + seqDiff(seq, c.rcvNxt);
    if (!admitOutOfOrder(c, payload.length)) {
      c.sendAckNow(); // the stack-wide memory limit (pressure.ts): dropped, the peer retransmits
      return;
    }
    noteHeldDuplicate(c, seq, off, payload.length); // RFC 2883 §4: a partly duplicate segment
    const fresh = c.ooo.insert(off, payload);
    noteOutOfOrder(c, seq, off, payload.length, !fresh); // RFC 2018 §4 / RFC 2883 §4
    c.sendAckNow();
    return;
  }
  const take = admitInOrder(c, payload.length); // the stack-wide memory limit (pressure.ts)
  if (take < payload.length) {
    if (take === 0) {
      c.sendAckNow();
      return;
    }
    payload = payload.subarray(0, take);
    c.ackNow = true;
  }
  if (c.autoTune) recvAutoTuneOnData(c, payload.length, now);
  const hadHoles = !c.ooo.isEmpty;
  noteHeldDuplicate(c, seq, c.rcvOff, payload.length);
  let total = advance(c, payload);
  if (hadHoles) total += advanceHeld(c);
  c.stats.bytesIn += total;
  c.stats.lastDataInAt = now;
  c.unackedBytes += total;
  if (payload.length <= c.advMss && payload.length > c.rcvMss) c.rcvMss = payload.length;
  if (c.readableArmed && c.recvBuf.length > 0) {
    c.readableArmed = false;
    c.notify('readable', now);
  }
  if (c.ooo.finOffset !== undefined && c.ooo.finOffset === c.rcvOff) processFin(c, now);
  // ACK policy: RFC 5681 §4.2 (immediately when a gap is (partly) filled), RFC 9293 §3.8.6.3 /
  // RFC 1122 §4.2.3.2 (at least every second full-sized segment, otherwise within the delay).
  if (hadHoles) c.ackNow = true;
  else if (c.quickAcks > 0) {
    c.quickAcks--;
    c.ackNow = true;
  } else if (cfg.ackEverySecondSegment ? c.timers.isSet('delack') : c.unackedBytes >= 2 * c.rcvMss) c.ackNow = true;
  else if (!c.timers.isSet('delack')) c.timers.set('delack', now + cfg.delayedAckTimeout);
  c.host.wake(c);
}

/**
 * Moves held out-of-order data that now continues the stream into the receive buffer. What does not
 * fit (a window promised before the buffer was made smaller) is held again, never dropped: a byte
 * skipped here would shift every later one.
 */
function advanceHeld(c: TcpConnection): number {
  const chunks = c.ooo.takeFrom(c.rcvOff);
  let total = 0;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    const n = advance(c, chunk);
    total += n;
    if (n < chunk.length) {
      let off = c.rcvOff;
      for (const rest of [chunk.subarray(n), ...chunks.slice(i + 1)]) {
        c.ooo.insert(off, rest);
        off += rest.length;
      }
      break;
    }
  }
  return total;
}

export function advance(c: TcpConnection, data: Uint8Array): number {
  const n = c.recvBuf.push(data);
  c.rcvNxt = seqAdd(c.rcvNxt, n);
  c.rcvOff += n;
  return n;
}

/** Eighth step: the peer's FIN, in sequence. */
export function processFin(c: TcpConnection, now: number): void {
  if (c.peerFin) return;
  c.peerFin = true;
  c.rcvNxt = seqAdd(c.rcvNxt, 1);
  c.ooo.finOffset = undefined;
  c.ackNow = true;
  c.notify('peer-fin', now);
  switch (c.state) {
    case 'ESTABLISHED':
    case 'FIN-WAIT-1':
    case 'FIN-WAIT-2':
      c.setState('rcv-fin', now);
      break;
    default:
      break;
  }
  c.host.wake(c);
}
