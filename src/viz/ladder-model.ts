// Turns a LadderTrace into the rows of a ladder diagram, shared by the text and SVG renderers:
// one row per segment (with the states each side entered just before it), rows for state
// changes not tied to a segment, notes, and phase headings (handshake, data, close).

import { TcpFlag } from '../wire/tcp-types.js';
import { closeNote, explainSegments } from './explain.js';
import type { Phase } from './i18n.js';
import { word } from './i18n.js';
import type { Lang, LadderTrace, SegmentEntry, SideIndex, TcpStateName } from './trace.js';
import { hasFlag, localize, numbering, segmentLabel } from './trace.js';

export type SideStates = [TcpStateName | undefined, TcpStateName | undefined];

export type LadderRow =
  | { kind: 'heading'; phase: Phase }
  | {
      kind: 'step';
      /** Index of the segment in trace.entries. */
      index: number;
      seg: SegmentEntry;
      /** Arrow label, retransmission mark included. */
      label: string;
      states: SideStates;
      explain: string[];
    }
  | { kind: 'states'; t: number; states: SideStates }
  | { kind: 'note'; t: number; side: SideIndex | undefined; text: string };

export interface LadderModelOptions {
  lang: Lang;
  relative?: boolean;
  explain?: boolean;
  /** Put win= on every label. */
  window?: boolean;
  /** Put the options summary on every label. */
  options?: boolean;
}

export interface LadderModel {
  rows: LadderRow[];
  /** The TIME-WAIT note, when the trace closes with FIN. */
  closeNote: string | undefined;
  anyLost: boolean;
}

function phaseOf(seg: SegmentEntry, prev: Phase | undefined): Phase {
  if (hasFlag(seg.flags, TcpFlag.RST)) return 'reset';
  if (hasFlag(seg.flags, TcpFlag.SYN)) return 'handshake';
  if (hasFlag(seg.flags, TcpFlag.FIN) || prev === 'close' || prev === 'reset') return prev === 'reset' ? 'reset' : 'close';
  if (prev === 'handshake' && seg.len === 0) return 'handshake';
  return 'data';
}

export function buildLadderModel(trace: LadderTrace, opts: LadderModelOptions): LadderModel {
  const num = numbering(trace, opts.relative === true);
  const explanations = opts.explain === true ? explainSegments(trace, opts.lang, num) : new Map<number, string[]>();
  const rows: LadderRow[] = [];
  let pending: SideStates = [undefined, undefined];
  let pendingT = 0;
  let phase: Phase | undefined;
  let anyLost = false;

  const flush = (): void => {
    if (pending[0] !== undefined || pending[1] !== undefined) {
      rows.push({ kind: 'states', t: pendingT, states: pending });
      pending = [undefined, undefined];
    }
  };

  trace.entries.forEach((e, index) => {
    if (e.kind === 'state') {
      if (pending[e.side] !== undefined) flush();
      if (pending[0] === undefined && pending[1] === undefined) pendingT = e.t;
      pending[e.side] = e.state;
      return;
    }
    if (e.kind === 'note') {
      flush();
      rows.push({ kind: 'note', t: e.t, side: e.side, text: localize(e.text, opts.lang) });
      return;
    }
    const next = phaseOf(e, phase);
    if (next !== phase) rows.push({ kind: 'heading', phase: next });
    phase = next;
    let label = segmentLabel(e, { relative: opts.relative === true, window: opts.window === true, options: opts.options === true }, num);
    if (e.retransmission === true) label += ` ${word('retransmission', opts.lang)}`;
    if (e.lost === true) anyLost = true;
    rows.push({ kind: 'step', index, seg: e, label, states: pending, explain: explanations.get(index) ?? [] });
    pending = [undefined, undefined];
  });
  flush();
  return { rows, closeNote: closeNote(trace, opts.lang), anyLost };
}
