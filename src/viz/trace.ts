// The data the visualisations draw: a two-sided packet trace for the ladder (sequence) diagram
// and a time series for the time-sequence and congestion-window plots. Both are plain data so a
// capture from the in-memory network, a pcap file or a hand-written test can produce them.

import type { TcpState } from '../tcp/states.js';
import { TcpFlag } from '../wire/tcp-types.js';

/** Connection states as named in RFC 9293 §3.3.2 (the TCP core's own type). */
export type TcpStateName = TcpState;

/** 0 is drawn on the left (normally the client), 1 on the right (normally the server). */
export type SideIndex = 0 | 1;

export type Lang = 'en' | 'ko';

/** Text given in both languages; a plain string is used as is in every language. */
export type LocalizedText = string | { en: string; ko: string };

export interface TraceSide {
  /** Identifier; 'client' and 'server' get localized default labels. */
  name: string;
  /** Heading shown above the lifeline; defaults to the localized name. */
  label?: LocalizedText;
  address?: string;
  port?: number;
}

export interface SegmentEntry {
  kind: 'segment';
  /** Time the segment left its sender, in milliseconds. */
  t: number;
  /** Time it reached the other side (ms), when known; drawn as the slant of the arrow in SVG. */
  tArrive?: number;
  from: SideIndex;
  /** Unsigned 32-bit sequence number, absolute as on the wire. */
  seq: number;
  /** Unsigned 32-bit acknowledgment number; shown only when flags has ACK. */
  ack: number;
  /** Bitmask of TcpFlag values. */
  flags: number;
  /** Payload length in bytes. */
  len: number;
  /** Window as the receiver will use it (scaled), in bytes. */
  window: number;
  /** Short summary of the options, e.g. 'mss=1460,sackOK,ws=7'. */
  options?: string;
  /** Dropped on the link: never reaches the other side. */
  lost?: boolean;
  /** The sender had sent these sequence numbers before. */
  retransmission?: boolean;
  /** SACK blocks carried (RFC 2018), absolute [left, right) pairs. */
  sackBlocks?: Array<[left: number, right: number]>;
}

export interface StateEntry {
  kind: 'state';
  t: number;
  side: SideIndex;
  state: TcpStateName;
}

export interface NoteEntry {
  kind: 'note';
  t: number;
  /** The side the note is about; omitted for the whole connection. */
  side?: SideIndex;
  text: LocalizedText;
}

export type TraceEntry = SegmentEntry | StateEntry | NoteEntry;

/** A two-party trace, entries in time order (equal times keep their order). */
export interface LadderTrace {
  sides: [TraceSide, TraceSide];
  entries: TraceEntry[];
}

// ---- time series for plots ------------------------------------------------------------------

/** One data segment sent, in relative sequence space (bytes from the start of the stream). */
export interface SeriesSegment {
  t: number;
  start: number;
  /** Exclusive end: start + length. */
  end: number;
  retransmission?: boolean;
}

/** One acknowledgment received by the sender. */
export interface SeriesAck {
  t: number;
  /** Cumulative ACK, relative bytes. */
  ack: number;
  /** Advertised receive window in bytes (already scaled): the right edge is ack + window. */
  window: number;
  /** SACK blocks, relative [left, right). */
  sack?: Array<[left: number, right: number]>;
}

/** Congestion-control and RTT state of the sender at time t. */
export interface SeriesCcSample {
  t: number;
  /** Congestion window in bytes. */
  cwnd: number;
  /** Slow-start threshold in bytes; omitted or non-finite while still "infinite". */
  ssthresh?: number;
  /** Smoothed RTT in milliseconds (RFC 6298). */
  srtt?: number;
}

export interface TimeSeries {
  /** Shown as the plot title when opts.title is not given. */
  title?: string;
  segments: SeriesSegment[];
  acks: SeriesAck[];
  cc: SeriesCcSample[];
}

// ---- labels -----------------------------------------------------------------------------------

const FLAG_ORDER: Array<[number, string]> = [
  [TcpFlag.SYN, 'SYN'],
  [TcpFlag.FIN, 'FIN'],
  [TcpFlag.RST, 'RST'],
  [TcpFlag.PSH, 'PSH'],
  [TcpFlag.URG, 'URG'],
  [TcpFlag.ECE, 'ECE'],
  [TcpFlag.CWR, 'CWR'],
  [TcpFlag.AE, 'AE'],
  [TcpFlag.ACK, 'ACK'],
];

/** Flags in the usual reading order, comma-separated: 'SYN', 'SYN,ACK', 'PSH,ACK', 'FIN,ACK'; '-' when none. */
export function flagsLabel(flags: number): string {
  const names = FLAG_ORDER.filter(([bit]) => (flags & bit) !== 0).map(([, n]) => n);
  return names.length === 0 ? '-' : names.join(',');
}

export function hasFlag(flags: number, bit: number): boolean {
  return (flags & bit) !== 0;
}

/** Sequence space a segment occupies: payload plus one for SYN and one for FIN (RFC 9293 §3.4). */
export function segmentSpace(seg: Pick<SegmentEntry, 'flags' | 'len'>): number {
  return seg.len + (hasFlag(seg.flags, TcpFlag.SYN) ? 1 : 0) + (hasFlag(seg.flags, TcpFlag.FIN) ? 1 : 0);
}

/** Unsigned 32-bit addition. */
export function seqAdd(a: number, b: number): number {
  return (a + b) >>> 0;
}

/** Unsigned 32-bit difference a - b. */
export function seqSub(a: number, b: number): number {
  return (a - b) >>> 0;
}

/**
 * Base each side's numbers are shown relative to: its ISN (the seq of its SYN), or, with no SYN
 * in the trace, the first seq it sent. Undefined for a side that sent nothing.
 */
export function relativeBases(trace: LadderTrace): [number | undefined, number | undefined] {
  const base: [number | undefined, number | undefined] = [undefined, undefined];
  const fromSyn: [boolean, boolean] = [false, false];
  for (const e of trace.entries) {
    if (e.kind !== 'segment') continue;
    if (hasFlag(e.flags, TcpFlag.SYN) && !fromSyn[e.from]) {
      base[e.from] = e.seq >>> 0;
      fromSyn[e.from] = true;
    } else if (base[e.from] === undefined) {
      base[e.from] = e.seq >>> 0;
    }
  }
  return base;
}

/** Turns absolute numbers into what is displayed: either as is, or relative to a base. */
export interface Numbering {
  /** A sequence number sent by `side`. */
  seq(side: SideIndex, n: number): number;
  /** An acknowledgment number sent by `side` (so in the other side's sequence space). */
  ack(side: SideIndex, n: number): number;
}

export function numbering(trace: LadderTrace, relative: boolean): Numbering {
  if (!relative) return { seq: (_s, n) => n >>> 0, ack: (_s, n) => n >>> 0 };
  const base = relativeBases(trace);
  const rel = (side: SideIndex, n: number): number => {
    const b = base[side];
    return b === undefined ? n >>> 0 : seqSub(n, b);
  };
  return { seq: (s, n) => rel(s, n), ack: (s, n) => rel(s === 0 ? 1 : 0, n) };
}

export interface SegmentLabelOptions {
  relative?: boolean;
  /** Show `win=` (default false). */
  window?: boolean;
  /** Show the options summary (default false). */
  options?: boolean;
  /** Show SACK blocks (default true). */
  sack?: boolean;
}

/**
 * The label drawn on a segment's arrow: 'SYN seq=100', 'SYN,ACK seq=2000 ack=101',
 * 'PSH,ACK seq=101 ack=2001 len=100'. `num` defaults to absolute numbering.
 */
export function segmentLabel(seg: SegmentEntry, opts: SegmentLabelOptions = {}, num?: Numbering): string {
  const n = num ?? numbering({ sides: [{ name: '' }, { name: '' }], entries: [] }, false);
  const parts = [flagsLabel(seg.flags), `seq=${n.seq(seg.from, seg.seq)}`];
  if (hasFlag(seg.flags, TcpFlag.ACK)) parts.push(`ack=${n.ack(seg.from, seg.ack)}`);
  if (seg.len > 0) parts.push(`len=${seg.len}`);
  if (opts.window === true) parts.push(`win=${seg.window}`);
  if (opts.sack !== false && seg.sackBlocks !== undefined && seg.sackBlocks.length > 0) {
    const blocks = seg.sackBlocks.map(([l, r]) => `${n.ack(seg.from, l)}-${n.ack(seg.from, r)}`);
    parts.push(`sack=${blocks.join(',')}`);
  }
  if (opts.options === true && seg.options !== undefined && seg.options !== '') parts.push(`<${seg.options}>`);
  return parts.join(' ');
}

/** The text of a LocalizedText in `lang`. */
export function localize(text: LocalizedText, lang: Lang): string {
  return typeof text === 'string' ? text : text[lang];
}
