// The in-order part of a connection's receive buffer (RFC 9293 §3.10.7.4, seventh step: text is
// "placed into the receive buffer"), as a queue of chunks rather than one ring:
//
// - A payload the receive path built and gave away (giveBuffer: GRO's merged segment) becomes a
//   chunk as it is, without a copy, wherever it lands in the queue.
// - Other data (views of a driver's read buffer, which TCP must copy) goes into the spare room of
//   the last chunk the queue allocated, or into a new slab sized to what arrives (up to SLAB), never
//   to the window: a wake-up that brings 200 KB allocates about 200 KB, not the whole buffer.
// - A reader taking chunks (shift, the socket path) gets views of them without a copy. Such memory
//   is never written again (a slab only ever grows at its end), so the views stay as they were.
// - A reader copying out (readInto, TcpConnection.recvInto) leaves the memory unlent: a slab it
//   drains is kept as the next one, so such a reader allocates nothing per read.
//
// Memory is charged to the stack-wide pool byte for byte, as in ByteQueue (memory.ts).

import { GIVEN_BUFFERS } from './byte-queue.js';
import type { MemoryPool } from './memory.js';

/** Largest slab allocated for copied data (bytes); larger pushes get a slab of their own size. */
export const RECV_SLAB = 65536;

interface Chunk {
  buf: Uint8Array;
  /** Next byte to read. */
  start: number;
  /** End of the bytes written. */
  end: number;
  /** Views of it were handed out: its bytes are never rewritten, the slab never reused. */
  lent: boolean;
  /** A slab this queue allocated (more may be appended after `end`), not an adopted buffer. */
  own: boolean;
}

export class RecvQueue {
  #chunks: Chunk[] = [];
  /** Index of the first live chunk in #chunks (the array is compacted now and then). */
  #first = 0;
  #len = 0;
  /** Drained, never-lent slabs kept for the next copies (a copying reader's memory, reused). */
  #spares: Uint8Array[] = [];
  #spareBytes = 0;

  /** Most memory the queue may hold when `limit` rises over time (receive auto-tuning sets it). */
  ceiling = 0;

  /** The stack-wide pool (memory.ts) charged with the bytes held, if any. */
  pool: MemoryPool | undefined = undefined;

  /**
   * `limit` is the most bytes the queue may hold; `allocate` gives slab memory (TcpServices.allocate:
   * possibly not zeroed, which is safe because only bytes written by push() are ever handed out).
   */
  constructor(
    public limit: number,
    private readonly allocate: (size: number) => Uint8Array = (n) => new Uint8Array(n),
  ) {}

  get maxAllocation(): number {
    return Math.max(this.limit, this.ceiling);
  }

  get length(): number {
    return this.#len;
  }

  /** Bytes that push() would still take. */
  get free(): number {
    return Math.max(0, Math.floor(this.limit) - this.#len);
  }

  /**
   * Bytes of memory the queue holds: its chunks' buffers and the spare slabs; of a chunk it lent
   * views of, only the part from the next byte to read on (what comes before is the reader's now).
   */
  get allocated(): number {
    let n = this.#spareBytes;
    for (let i = this.#first; i < this.#chunks.length; i++) {
      const c = this.#chunks[i]!;
      n += c.lent ? c.buf.length - c.start : c.buf.length;
    }
    return n;
  }

  /**
   * What `allocated` stays within: the limit (or what is queued, if more), plus at most two slabs'
   * memory not holding queued data — the part of the head slab already read by copying, and the
   * room left in a slab when a given buffer is adopted behind it (or the spare slabs).
   */
  get allocationBound(): number {
    return Math.max(this.maxAllocation, this.#len) + 2 * Math.min(RECV_SLAB, this.maxAllocation);
  }

  /** Chunks holding data (diagnostics and tests). */
  get chunkCount(): number {
    return this.#chunks.length - this.#first;
  }

  /**
   * Appends as much of `data` as fits (`max`, default free), returning the bytes taken. A buffer
   * marked with giveBuffer() and taken whole becomes a chunk without a copy; anything else is copied.
   */
  push(data: Uint8Array, max = this.free): number {
    const n = Math.min(data.length, max);
    if (n <= 0) return 0;
    this.pool?.charge(n);
    this.#len += n;
    if (n === data.length && GIVEN_BUFFERS.has(data)) {
      GIVEN_BUFFERS.delete(data);
      // A drained tail slab kept for appending goes: the adopted buffer comes after it.
      const t = this.#chunks.length > this.#first ? this.#chunks[this.#chunks.length - 1]! : undefined;
      if (t !== undefined && t.start === t.end) this.#chunks.pop();
      this.#dropSpares(); // data arrives in buffers of its own: no slab is needed soon
      this.#chunks.push({ buf: data, start: 0, end: n, lent: false, own: false });
      return n;
    }
    let off = 0;
    const tail = this.#chunks.length > this.#first ? this.#chunks[this.#chunks.length - 1]! : undefined;
    if (tail !== undefined && tail.own && tail.end < tail.buf.length) {
      const k = Math.min(n, tail.buf.length - tail.end);
      tail.buf.set(k === data.length ? data : data.subarray(0, k), tail.end);
      tail.end += k;
      off = k;
    }
    if (off < n) {
      const rest = n - off;
      const slab = this.#slab(rest);
      slab.set(off === 0 && rest === data.length ? data : data.subarray(off, n), 0);
      this.#chunks.push({ buf: slab, start: 0, end: rest, lent: false, own: true });
    }
    return n;
  }

  /** A slab for at least `need` bytes: a spare one if it fits, else a new one. */
  #slab(need: number): Uint8Array {
    const spares = this.#spares;
    for (let i = spares.length - 1; i >= 0; i--) {
      const b = spares[i]!;
      if (b.length < need) continue;
      spares[i] = spares[spares.length - 1]!;
      spares.pop();
      this.#spareBytes -= b.length;
      return b;
    }
    // Up to RECV_SLAB for the data still to come, within what the queue may allocate.
    const room = Math.max(0, this.maxAllocation - this.allocated);
    return this.allocate(Math.max(need, Math.min(RECV_SLAB, room)));
  }

  /**
   * Removes and returns up to `n` bytes from the head, as a view of the chunk holding them (one
   * chunk at most: fewer than `n` bytes when the head chunk holds fewer). The view stays valid and
   * unchanged: that memory is never written again.
   */
  shift(n: number): Uint8Array {
    if (n <= 0 || this.#len === 0) return new Uint8Array(0);
    const c = this.#chunks[this.#first]!;
    const k = Math.min(n, c.end - c.start);
    const out = c.buf.subarray(c.start, c.start + k);
    c.start += k;
    c.lent = true;
    this.#taken(k);
    return out;
  }

  /**
   * Copies up to `dst.length - off` bytes from the head into `dst` at `off` and drops them; returns
   * the number copied. Nothing is allocated: a slab drained without being lent is kept for reuse.
   */
  readInto(dst: Uint8Array, off = 0): number {
    let want = Math.max(0, Math.min(this.#len, dst.length - off));
    const total = want;
    while (want > 0) {
      const c = this.#chunks[this.#first]!;
      const k = Math.min(want, c.end - c.start);
      dst.set(c.buf.subarray(c.start, c.start + k), off);
      off += k;
      want -= k;
      c.start += k;
      this.#taken(k);
    }
    return total;
  }

  /** Accounts `k` bytes read from the head chunk and retires drained chunks. */
  #taken(k: number): void {
    this.#len -= k;
    this.pool?.charge(-k);
    const c = this.#chunks[this.#first]!;
    if (c.start < c.end) return;
    const last = this.#first === this.#chunks.length - 1;
    if (last && c.own && c.end < c.buf.length) {
      // The tail slab with room left stays: drained by copying it fills again from its start; with
      // views out, new data goes after them (start = end, nothing before is written again).
      if (!c.lent) c.start = c.end = 0;
      return;
    }
    this.#first++;
    // Kept for reuse, within what the queue may hold.
    if (c.own && !c.lent && this.#spareBytes + c.buf.length <= this.maxAllocation) {
      this.#spares.push(c.buf);
      this.#spareBytes += c.buf.length;
    }
    if (this.#first === this.#chunks.length) {
      this.#chunks.length = 0;
      this.#first = 0;
    } else if (this.#first >= 64 && this.#first * 2 >= this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#first);
      this.#first = 0;
    }
  }

  /**
   * Releases the memory of an empty queue above `floor` bytes (allocated again on the next push).
   * Cheap when there is nothing to do: callers may use it on every drain.
   */
  trim(floor = 0): void {
    if (this.#len !== 0) return;
    if (this.#spareBytes > floor) {
      let kept = 0;
      this.#spares = this.#spares.filter((b) => (kept += b.length) <= floor);
      this.#spareBytes = 0;
      for (const b of this.#spares) this.#spareBytes += b.length;
    }
    if (this.#chunks.length > this.#first && this.allocated > floor) {
      this.#chunks.length = 0;
      this.#first = 0;
    }
  }

  /** Empties the queue and releases its memory. */
  clear(): void {
    if (this.#len > 0) this.pool?.charge(-this.#len);
    this.#len = 0;
    this.#chunks.length = 0;
    this.#first = 0;
    this.#dropSpares();
  }

  #dropSpares(): void {
    this.#spares.length = 0;
    this.#spareBytes = 0;
  }
}
