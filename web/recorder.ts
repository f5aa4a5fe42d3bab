// Builds the ladder trace of a demo run from the IP packets the two stacks really exchange: each
// packet is decoded with wire/ as it enters the link, its arrival time is filled in when it leaves
// the link, and the state changes come from the TCP layer's events. Nothing here is scripted.
// Decoding is shared with the CLI traces (src/trace/packet-segment.ts, over the wire/ views).

import { decodeSegment, optionsSummary } from '../src/trace/packet-segment.js';
import { TcpFlag, type TcpOption } from '../src/wire/tcp-types.js';
import type { LadderTrace, LocalizedText, SegmentEntry, SideIndex, TcpStateName, TraceEntry, TraceSide } from '../src/viz/trace.js';

/** a < b in 32-bit sequence space (RFC 9293 §3.4). */
function seqBefore(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

interface SideTrack {
  /** Highest sequence number sent so far, plus one (SND.MAX as seen on the wire). */
  sndMax: number | undefined;
  /** Window-scale shift offered in this side's SYN (RFC 7323 §2.2), undefined when none. */
  wscale: number | undefined;
  synSent: boolean;
}

export class TraceRecorder {
  /** Every segment and state change of the run, in time order. */
  readonly trace: LadderTrace;
  /** Called with each entry as it is recorded. */
  onEntry: ((e: TraceEntry) => void) | undefined;
  private readonly track: [SideTrack, SideTrack] = [
    { sndMax: undefined, wscale: undefined, synSent: false },
    { sndMax: undefined, wscale: undefined, synSent: false },
  ];

  constructor(
    client: TraceSide & { address: string },
    server: TraceSide & { address: string },
  ) {
    this.trace = { sides: [client, server], entries: [] };
  }

  /** Which side an IP source address belongs to. */
  sideOf(src: string): SideIndex | undefined {
    if (src === this.trace.sides[0].address) return 0;
    if (src === this.trace.sides[1].address) return 1;
    return undefined;
  }

  /** Records a packet entering the link at `now`; returns its entry (undefined if it is not TCP between the two sides). */
  packet(packet: Uint8Array, now: number): SegmentEntry | undefined {
    const seg = decodeSegment(packet);
    if (seg === undefined) return undefined;
    const from = this.sideOf(seg.src);
    if (from === undefined) return undefined;
    const tr = this.track[from];
    const other = this.track[from === 0 ? 1 : 0];
    const syn = (seg.flags & TcpFlag.SYN) !== 0;
    const fin = (seg.flags & TcpFlag.FIN) !== 0;
    if (syn) {
      const ws = seg.options.find((o): o is Extract<TcpOption, { kind: 'wscale' }> => o.kind === 'wscale');
      tr.wscale = ws?.shift;
    }
    // RFC 7323 §2.2: the window field of a SYN is never scaled; afterwards it is scaled by the
    // sender's shift only when both SYNs carried the option.
    const shift = !syn && tr.wscale !== undefined && other.wscale !== undefined ? Math.min(tr.wscale, 14) : 0;
    const space = seg.len + (syn ? 1 : 0) + (fin ? 1 : 0);
    let retransmission = false;
    if (space > 0) {
      const end = (seg.seq + space) >>> 0;
      if (syn && tr.synSent) retransmission = true;
      else if (tr.sndMax !== undefined && seqBefore(seg.seq, tr.sndMax)) retransmission = true;
      if (tr.sndMax === undefined || seqBefore(tr.sndMax, end)) tr.sndMax = end;
      if (syn) tr.synSent = true;
    }
    const sack = seg.options.find((o): o is Extract<TcpOption, { kind: 'sack' }> => o.kind === 'sack');
    const entry: SegmentEntry = {
      kind: 'segment',
      t: now,
      from,
      seq: seg.seq >>> 0,
      ack: seg.ack >>> 0,
      flags: seg.flags,
      len: seg.len,
      window: seg.window * 2 ** shift,
    };
    if (syn) entry.options = optionsSummary(seg.options);
    if (retransmission) entry.retransmission = true;
    if (sack !== undefined && sack.blocks.length > 0) entry.sackBlocks = sack.blocks.map(([l, r]): [number, number] => [l >>> 0, r >>> 0]);
    this.push(entry);
    return entry;
  }

  /** A side's connection entered `state` at `now`. */
  state(side: SideIndex, state: TcpStateName, now: number): void {
    this.push({ kind: 'state', t: now, side, state });
  }

  /** A remark about what an application did, drawn across the ladder at its place in time. */
  note(side: SideIndex | undefined, text: LocalizedText, now: number): void {
    this.push(side === undefined ? { kind: 'note', t: now, text } : { kind: 'note', t: now, side, text });
  }

  private push(e: TraceEntry): void {
    this.trace.entries.push(e);
    this.onEntry?.(e);
  }
}
