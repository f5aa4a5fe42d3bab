// Chooses what the page's ladder diagram draws. A ladder of ten thousand arrows teaches nothing,
// so it keeps the opening (handshake, with any SYN retransmissions), the first few segments of the
// transfer, and the close (from the first FIN or RST on); the segments in between are replaced by
// a note saying how many were left out. The time-sequence plot always gets every segment.
// Entries are fed one at a time as the run produces them, so the choice costs O(1) per segment.

import { TcpFlag } from '../src/wire/tcp-types.js';
import type { LadderTrace, NoteEntry, TraceEntry, TraceSide } from '../src/viz/trace.js';

export interface LadderLimits {
  /** Segments drawn from the first one carrying data (both directions count). Default 8. */
  dataSegments: number;
  /** Segments drawn from the first FIN or RST on. Default 24. */
  closeSegments: number;
}

export const DEFAULT_LADDER_LIMITS: Readonly<LadderLimits> = Object.freeze({ dataSegments: 8, closeSegments: 24 });

type Phase = 'open' | 'data' | 'close';

/** Left-out segments a state change may be drawn ahead of (see add()). */
const SMALL_GAP = 8;

/** The omission note in both languages, with thousands separators. */
export function omittedText(n: number): { en: string; ko: string } {
  const c = n.toLocaleString('en-US');
  return {
    en: `… ${c} more segment${n === 1 ? '' : 's'} not drawn here (all of them are in the time-sequence plot) …`,
    ko: `… 세그먼트 ${c}개 생략 (모두 시간-순서 번호 그래프에 있습니다) …`,
  };
}

export class LadderSelector {
  /** Entries the ladder draws (the same objects as in the full trace, plus omission notes). */
  readonly entries: TraceEntry[] = [];
  /** Segments drawn so far. */
  shown = 0;
  /** Segments left out so far. */
  omitted = 0;
  private phase: Phase = 'open';
  private inPhase = 0;
  private gap: { note: NoteEntry; count: number } | undefined;
  private readonly limits: LadderLimits;

  constructor(limits: Partial<LadderLimits> = {}) {
    this.limits = { ...DEFAULT_LADDER_LIMITS, ...limits };
  }

  /** Takes the next entry of the run; returns true when the ladder draws it. */
  add(e: TraceEntry): boolean {
    if (e.kind !== 'segment') {
      // State changes and notes are rare and always drawn, on their own row near their time
      // rather than attached to the next drawn arrow, long after. Shortly into a run of left-out
      // segments, the row goes just before the omission note; later, the note is closed with
      // its count, the row follows, and further left-out segments get a note of their own.
      if (this.gap !== undefined && this.gap.count <= SMALL_GAP) {
        this.entries.splice(this.entries.length - 1, 0, e);
      } else {
        this.gap = undefined;
        this.entries.push(e);
      }
      return true;
    }
    const closing = (e.flags & (TcpFlag.FIN | TcpFlag.RST)) !== 0;
    if (closing && this.phase !== 'close') {
      this.phase = 'close';
      this.inPhase = 0;
      this.gap = undefined;
    } else if (this.phase === 'open' && e.len > 0) {
      this.phase = 'data';
      this.inPhase = 0;
    }
    const limit = this.phase === 'open' ? Infinity : this.phase === 'data' ? this.limits.dataSegments : this.limits.closeSegments;
    if (this.inPhase < limit) {
      this.inPhase++;
      this.shown++;
      this.entries.push(e);
      return true;
    }
    this.omitted++;
    if (this.gap === undefined) {
      const note: NoteEntry = { kind: 'note', t: e.t, text: omittedText(1) };
      this.gap = { note, count: 0 };
      this.entries.push(note);
    }
    this.gap.count++;
    this.gap.note.text = omittedText(this.gap.count);
    return false;
  }

  /** Whether the next segment of the current phase would be drawn (the page plays those slowly). */
  get collecting(): boolean {
    if (this.phase === 'open') return true;
    return this.inPhase < (this.phase === 'data' ? this.limits.dataSegments : this.limits.closeSegments);
  }

  /** The trace to hand to renderLadderSvg. */
  view(sides: [TraceSide, TraceSide]): LadderTrace {
    return { sides, entries: this.entries };
  }
}
