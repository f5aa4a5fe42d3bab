// A recorded run (trace/recorder.ts) → the LadderTrace the viz renderers draw. Every arrow comes
// from a captured packet and every state from the TCP core's own state events, so the numbers and
// states in the diagram are what the stacks did.
//
// Marks added from the record, not from TCP's say-so:
//   lost            sent but never delivered intact;
//   retransmission  occupies sequence space the same side had already sent (RFC 9293 §3.4 SEG.LEN);
//   window          the window field scaled by the sender's shift once both SYNs carried the
//                   option (RFC 7323 §2.2: never on a SYN).

import { TcpFlag } from '../wire/tcp-types.js';
import type { LadderTrace, SegmentEntry, SideIndex, TraceEntry, TraceSide, TcpStateName } from '../viz/trace.js';
import { seqAdd, seqLt } from '../tcp/seq.js';
import type { PacketRecord, RunRecord, StateRecord } from './recorder.js';
import { optionsSummary } from './packet-segment.js';

export interface LadderSide extends TraceSide {
  /** Name of the host (as given to net.host) whose states are drawn on this side. */
  host: string;
  /** Its address: segments from it are drawn from this side. */
  address: string;
}

const { SYN, FIN } = TcpFlag;

function space(flags: number, len: number): number {
  return len + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0);
}

/**
 * The ladder of the conversation between sides[0] and sides[1]: their segments, their TCP state
 * changes (the first connection each side has, plus a listener's LISTEN), a 'CLOSED' start for
 * the active opener, and a note where TIME-WAIT ends after 2×MSL.
 */
export function ladderFromRecords(records: readonly RunRecord[], sides: [LadderSide, LadderSide]): LadderTrace {
  const entries: TraceEntry[] = [];
  const sideOfAddress = (a: string): SideIndex | undefined => (a === sides[0].address ? 0 : a === sides[1].address ? 1 : undefined);
  const sideOfHost = (h: string): SideIndex | undefined => (h === sides[0].host ? 0 : h === sides[1].host ? 1 : undefined);
  const conn: [string | undefined, string | undefined] = [undefined, undefined];
  const started: [boolean, boolean] = [false, false];
  const sentEnd: [number | undefined, number | undefined] = [undefined, undefined];
  const wscale: [number | undefined, number | undefined] = [undefined, undefined];

  for (const r of records) {
    if (r.kind === 'state') {
      const side = sideOfHost(r.host);
      if (side !== undefined) stateEntries(r, side, conn, started, entries);
      continue;
    }
    const from = sideOfAddress(r.seg.src);
    const to = sideOfAddress(r.seg.dst);
    if (from === undefined || to === undefined || from === to) continue;
    entries.push(segmentEntry(r, from, sentEnd, wscale));
  }
  return { sides: [strip(sides[0]), strip(sides[1])], entries };
}

function strip(s: LadderSide): TraceSide {
  const out: TraceSide = { name: s.name, address: s.address };
  if (s.label !== undefined) out.label = s.label;
  if (s.port !== undefined) out.port = s.port;
  return out;
}

function stateEntries(r: StateRecord, side: SideIndex, conn: [string | undefined, string | undefined], started: [boolean, boolean], out: TraceEntry[]): void {
  if (r.listener) {
    // A listener's own life is only its LISTEN; its connections carry the rest.
    if (r.to === 'LISTEN' && conn[side] === undefined) {
      started[side] = true;
      out.push({ kind: 'state', t: r.t, side, state: 'LISTEN' });
    }
    return;
  }
  conn[side] ??= r.id;
  if (conn[side] !== r.id) return;
  if (!started[side]) {
    started[side] = true;
    if (r.from === 'CLOSED') out.push({ kind: 'state', t: r.t, side, state: 'CLOSED' });
  }
  if (r.from === 'TIME-WAIT' && r.cause === 'timeout-2msl') {
    out.push({ kind: 'note', t: r.t, side, text: { en: '2×MSL later', ko: '2×MSL 후' } });
  }
  out.push({ kind: 'state', t: r.t, side, state: r.to as TcpStateName });
}

function segmentEntry(
  r: PacketRecord,
  from: SideIndex,
  sentEnd: [number | undefined, number | undefined],
  wscale: [number | undefined, number | undefined],
): SegmentEntry {
  const s = r.seg;
  const used = space(s.flags, s.len);
  const end = sentEnd[from];
  const retransmission = used > 0 && end !== undefined && seqLt(s.seq, end);
  const segEnd = seqAdd(s.seq, used);
  if (end === undefined || seqLt(end, segEnd)) sentEnd[from] = segEnd;

  const syn = (s.flags & SYN) !== 0;
  if (syn) {
    const ws = s.options.find((o) => o.kind === 'wscale');
    wscale[from] = ws !== undefined && ws.kind === 'wscale' ? ws.shift : undefined;
  }
  const shift = !syn && wscale[0] !== undefined && wscale[1] !== undefined ? wscale[from]! : 0;

  const e: SegmentEntry = { kind: 'segment', t: r.t, from, seq: s.seq, ack: s.ack, flags: s.flags, len: s.len, window: s.window * 2 ** shift };
  if (r.tArrive !== undefined) e.tArrive = r.tArrive;
  const opts = optionsSummary(s.options.filter((o) => o.kind !== 'sack'));
  if (opts !== '') e.options = opts;
  const sack = s.options.find((o) => o.kind === 'sack');
  if (sack !== undefined && sack.kind === 'sack') e.sackBlocks = sack.blocks.map(([l, rr]): [number, number] => [l, rr]);
  if (r.arrivals === 0) e.lost = true;
  if (retransmission) e.retransmission = true;
  return e;
}
