// Out-of-order segments waiting for a gap to fill (RFC 9293 §3.10.7.4 seventh step: "segments with
// higher beginning sequence numbers ... may be held for later processing"). Positions are stream
// offsets (bytes since the start of the peer's data, 53-bit safe), not wrapping sequence numbers.
// Held pieces never overlap; their bytes lie inside the advertised window, which is carved out of
// the receive buffer, so the memory bound is the buffer size. The piece count is bounded as well.

import type { MemoryPool } from './memory.js';

interface Piece {
  off: number;
  data: Uint8Array;
}

/** The piece list of every empty queue (most connections never see a gap). Never written. */
const NONE: readonly Piece[] = Object.freeze([]);

export class Reassembly {
  #pieces: readonly Piece[] | Piece[] = NONE;
  #bytes = 0;
  /** Stream offset of an out-of-order FIN, if one arrived ahead of a gap. */
  finOffset: number | undefined = undefined;
  /** The stack-wide pool (memory.ts) charged with the bytes held, if any. */
  pool: MemoryPool | undefined = undefined;

  constructor(public maxPieces: number) {}

  get bytes(): number {
    return this.#bytes;
  }

  get pieceCount(): number {
    return this.#pieces.length;
  }

  get isEmpty(): boolean {
    return this.#pieces.length === 0;
  }

  /** [start, end) stream-offset ranges held, in order (SACK blocks later, RFC 2018). */
  ranges(): Array<[number, number]> {
    return this.#pieces.map((p) => [p.off, p.off + p.data.length]);
  }

  /**
   * Holds the parts of `data` (at stream offset `off`) that are not held yet. Copies the bytes.
   * Returns false when nothing new could be held (duplicate, or the piece limit is reached).
   */
  insert(off: number, data: Uint8Array): boolean {
    let start = off;
    const end = off + data.length;
    const fresh: Piece[] = [];
    let i = this.#lowerBound(start);
    // Step back one piece in case it straddles `start`.
    if (i > 0) i--;
    for (; i < this.#pieces.length && start < end; i++) {
      const p = this.#pieces[i]!;
      const pEnd = p.off + p.data.length;
      if (pEnd <= start) continue;
      if (p.off >= end) break;
      if (p.off > start) fresh.push({ off: start, data: data.slice(start - off, p.off - off) });
      start = Math.max(start, pEnd);
    }
    if (start < end) fresh.push({ off: start, data: data.slice(start - off, end - off) });
    if (fresh.length === 0) return false;
    if (this.#pieces.length + fresh.length > this.maxPieces) return false;
    const pieces = this.#pieces === NONE ? (this.#pieces = []) : (this.#pieces as Piece[]);
    for (const f of fresh) {
      pieces.splice(this.#lowerBound(f.off), 0, f);
      this.#bytes += f.data.length;
      this.pool?.charge(f.data.length);
    }
    return true;
  }

  /** The first held range overlapping [off, off + len), clipped to it (RFC 2883 D-SACK), or undefined. */
  firstOverlap(off: number, len: number): [number, number] | undefined {
    const end = off + len;
    let i = this.#lowerBound(off);
    if (i > 0) i--;
    for (; i < this.#pieces.length; i++) {
      const p = this.#pieces[i]!;
      const pEnd = p.off + p.data.length;
      if (p.off >= end) return undefined;
      if (pEnd <= off) continue;
      // Adjacent held pieces form one contiguous duplicate range.
      let e = Math.min(pEnd, end);
      for (let j = i + 1; j < this.#pieces.length && this.#pieces[j]!.off === e && e < end; j++) {
        e = Math.min(this.#pieces[j]!.off + this.#pieces[j]!.data.length, end);
      }
      return [Math.max(p.off, off), e];
    }
    return undefined;
  }

  /**
   * Removes and returns the held bytes that continue the stream at `next`, in order. Pieces that
   * lie wholly before `next` are discarded.
   */
  takeFrom(next: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    const pieces = this.#pieces as Piece[];
    while (pieces.length > 0) {
      const p = pieces[0]!;
      const pEnd = p.off + p.data.length;
      if (p.off > next) break;
      pieces.shift();
      this.#bytes -= p.data.length;
      this.pool?.charge(-p.data.length);
      if (pEnd <= next) continue;
      out.push(p.data.subarray(next - p.off));
      next = pEnd;
    }
    if (pieces.length === 0) this.#pieces = NONE;
    return out;
  }

  /**
   * Discards every held piece but remembers an out-of-order FIN (memory pressure: reneging on what
   * was SACKed, RFC 2018 §8; the peer retransmits). Returns the bytes released.
   */
  prune(): number {
    const n = this.#bytes;
    if (n > 0) this.pool?.charge(-n);
    this.#pieces = NONE;
    this.#bytes = 0;
    return n;
  }

  clear(): void {
    if (this.#bytes > 0) this.pool?.charge(-this.#bytes);
    this.#pieces = NONE;
    this.#bytes = 0;
    this.finOffset = undefined;
  }

  #lowerBound(off: number): number {
    let lo = 0;
    let hi = this.#pieces.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#pieces[mid]!.off < off) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
