// Derives the time series of the plots from a ladder trace: the data one side sent, and the
// ACKs (with window and SACK blocks) that reached it, in relative sequence space.

import { TcpFlag } from '../wire/tcp-types.js';
import type { LadderTrace, SeriesAck, SeriesSegment, SideIndex, TimeSeries } from './trace.js';
import { hasFlag, seqSub } from './trace.js';

const WRAP = 2 ** 32;

/**
 * Unwraps 32-bit offsets into a growing number line: each value is placed in the 2^32 window
 * nearest the previous one, so transfers beyond 4 GiB keep counting up (RFC 9293 §3.4 arithmetic
 * is modulo 2^32; a plot is not).
 */
export function unwrapper(): (offset32: number) => number {
  let last = 0;
  return (o) => {
    const base = Math.floor(last / WRAP) * WRAP;
    let best = base + o;
    for (const cand of [base + o - WRAP, base + o + WRAP]) if (Math.abs(cand - last) < Math.abs(best - last)) best = cand;
    last = best;
    return best;
  };
}

/**
 * The series for the sender `from`: its data segments (send time, relative to ISN + 1) and the
 * ACKs from the other side that were not lost (at their arrival time when known). cc is empty:
 * congestion-control samples come from the sender's state, not from packets.
 */
export function seriesFromTrace(trace: LadderTrace, from: SideIndex = 0): TimeSeries {
  let isn: number | undefined;
  for (const e of trace.entries) {
    if (e.kind === 'segment' && e.from === from) {
      isn = hasFlag(e.flags, TcpFlag.SYN) ? e.seq >>> 0 : ((e.seq >>> 0) - 1) >>> 0;
      break;
    }
  }
  const base = isn === undefined ? 0 : (isn + 1) >>> 0;
  const unwrapData = unwrapper();
  const unwrapAck = unwrapper();
  const segments: SeriesSegment[] = [];
  const acks: SeriesAck[] = [];
  for (const e of trace.entries) {
    if (e.kind !== 'segment') continue;
    if (e.from === from) {
      if (e.len === 0) continue;
      const dataStart = hasFlag(e.flags, TcpFlag.SYN) ? (e.seq + 1) >>> 0 : e.seq;
      const start = unwrapData(seqSub(dataStart, base));
      segments.push({ t: e.t, start, end: start + e.len, ...(e.retransmission === true ? { retransmission: true } : {}) });
    } else if (hasFlag(e.flags, TcpFlag.ACK) && e.lost !== true) {
      const ack = unwrapAck(seqSub(e.ack, base));
      const sack = (e.sackBlocks ?? []).map(([l, r]): [number, number] => {
        const left = ack + (seqSub(l, e.ack) | 0);
        return [left, left + seqSub(r, l)];
      });
      acks.push({ t: e.tArrive ?? e.t, ack, window: e.window, ...(sack.length > 0 ? { sack } : {}) });
    }
  }
  acks.sort((a, b) => a.t - b.t);
  return { segments, acks, cc: [] };
}
