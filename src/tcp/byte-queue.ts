// A FIFO of bytes in a growable ring buffer: the send buffer (queued + unacknowledged data); the
// in-order part of the receive buffer is a queue of chunks instead (recv-queue.ts). Memory grows with use (doubling, up to `limit`) and is
// released by clear(), so ten thousand idle connections do not hold ten thousand full buffers.

import { takeGiven } from './given.js';
import type { MemoryPool } from './memory.js';

const MIN_ALLOC = 2048;

export { giveBuffer } from './given.js';

/** The storage of every empty queue: an idle connection's two queues allocate nothing. Never written. */
const NONE = new Uint8Array(0);

export class ByteQueue {
  #buf: Uint8Array = NONE;
  #head = 0;
  #len = 0;
  /** Bytes shift() last handed over with its buffer: the next allocation starts there, not from scratch. */
  #regrow = 0;
  /** shift() lent views of the bytes before #head: that memory is never written again (see shift). */
  #lent = false;

  /**
   * Most memory the queue may allocate when `limit` rises over time (buffer auto-tuning sets it to
   * its cap). Without it (0) the allocation never exceeds `limit`.
   */
  ceiling = 0;

  /** The stack-wide pool (memory.ts) charged with the bytes held, if any. */
  pool: MemoryPool | undefined = undefined;

  /** `limit` is the most bytes the queue may hold. */
  constructor(public limit: number) {}

  /** The most memory the queue may allocate: `limit`, or `ceiling` when auto-tuning raised it. */
  get maxAllocation(): number {
    return Math.max(this.limit, this.ceiling);
  }

  get length(): number {
    return this.#len;
  }

  /** Bytes that push() would still take. */
  get free(): number {
    return Math.max(0, Math.floor(this.limit) - this.#len); // whole bytes even if a limit was set fractional
  }

  /** Bytes of memory currently allocated. */
  get allocated(): number {
    return this.#buf.length;
  }

  /**
   * Appends as much of `data` as fits (copying it), or up to `max` bytes past `limit` when the
   * caller accounts the space itself (sndbuf-linux.ts); returns the number of bytes taken. An empty
   * queue takes a buffer marked with giveBuffer() as its own memory instead of copying it.
   */
  push(data: Uint8Array, max = this.free): number {
    const n = Math.min(data.length, max);
    if (n === 0) return 0;
    if (this.#len === 0 && n === data.length && takeGiven(data)) {
      this.#buf = data;
      this.#lent = false;
      this.#head = 0;
      this.#len = n;
      this.pool?.charge(n);
      return n;
    }
    // A ring that lent views must not wrap into them: it moves to new memory instead.
    this.#reserve(this.#len + n, this.#lent && this.#head + this.#len + n > this.#buf.length);
    const cap = this.#buf.length;
    const tail = (this.#head + this.#len) % cap;
    const first = Math.min(n, cap - tail);
    this.#buf.set(first === data.length ? data : data.subarray(0, first), tail);
    if (first < n) this.#buf.set(data.subarray(first, n), 0);
    this.#len += n;
    this.pool?.charge(n);
    return n;
  }

  /** A copy of `len` bytes starting `offset` bytes after the head (clamped to what is queued). */
  peek(offset: number, len: number): Uint8Array {
    const start = Math.max(0, Math.min(offset, this.#len));
    const n = Math.max(0, Math.min(len, this.#len - start));
    if (n === 0) return new Uint8Array(0);
    const cap = this.#buf.length;
    const pos = (this.#head + start) % cap;
    const first = Math.min(n, cap - pos);
    if (first === n) return this.#buf.slice(pos, pos + n);
    const out = new Uint8Array(n);
    out.set(this.#buf.subarray(pos, pos + first), 0);
    if (first < n) out.set(this.#buf.subarray(0, n - first), first);
    return out;
  }

  /**
   * Like peek(), but without copying when the bytes are contiguous in the ring: the view is valid
   * only until the next push() (which may reuse the memory once those bytes were consumed). For
   * segments the caller serializes at once (the Stack path); holders must copy.
   */
  view(offset: number, len: number): Uint8Array {
    const start = Math.max(0, Math.min(offset, this.#len));
    const n = Math.max(0, Math.min(len, this.#len - start));
    const cap = this.#buf.length;
    if (n === 0 || cap === 0) return new Uint8Array(0);
    const pos = (this.#head + start) % cap;
    if (pos + n <= cap) return this.#buf.subarray(pos, pos + n);
    return this.peek(offset, len);
  }

  /** Drops `n` bytes from the head. */
  consume(n: number): void {
    n = Math.max(0, Math.min(n, this.#len));
    if (n === 0) return;
    this.#len -= n;
    this.pool?.charge(-n);
    if (this.#len === 0 && this.#lent) this.#drop();
    else this.#head = this.#len === 0 ? 0 : (this.#head + n) % this.#buf.length;
  }

  /** Leaves memory that lent views point into; the next allocation is as large. */
  #drop(): void {
    this.#regrow = Math.max(this.#regrow, this.#buf.length);
    this.#buf = NONE;
    this.#head = 0;
    this.#lent = false;
  }

  /**
   * Removes and returns up to `n` bytes from the head. Taking everything that sits contiguously in
   * a buffer at least half full hands that memory over instead of copying it (the queue starts a
   * new allocation on the next push), so a reader that drains the queue costs no copy. Bytes that
   * sit contiguously are returned as a view too (lent): the queue then never writes the memory
   * before its head again (a push that would wrap into it, or the queue running empty, moves it to
   * new memory), so the view stays as it was returned.
   */
  shift(n: number): Uint8Array {
    const cap = this.#buf.length;
    if (n >= this.#len && this.#len > 0 && this.#head + this.#len <= cap && 2 * this.#len >= cap) {
      const out = this.#buf.subarray(this.#head, this.#head + this.#len);
      this.#regrow = this.#len;
      this.pool?.charge(-this.#len);
      this.#buf = NONE;
      this.#head = 0;
      this.#len = 0;
      this.#lent = false;
      return out;
    }
    const take = Math.min(n, this.#len);
    if (take > 0 && this.#head + take <= cap) {
      const out = this.#buf.subarray(this.#head, this.#head + take);
      this.#lent = true;
      this.#head += take;
      this.#len -= take;
      this.pool?.charge(-take);
      if (this.#len === 0) this.#drop();
      return out;
    }
    const out = this.peek(0, n);
    this.consume(out.length);
    return out;
  }

  /**
   * Copies up to `dst.length - off` bytes from the head into `dst` at `off` and drops them; returns
   * the number copied. The queue keeps its memory (no allocation on either side): for a reader that
   * reuses one buffer (TcpConnection.recvInto).
   */
  readInto(dst: Uint8Array, off = 0): number {
    const n = Math.max(0, Math.min(this.#len, dst.length - off));
    if (n === 0) return 0;
    const cap = this.#buf.length;
    const first = Math.min(n, cap - this.#head);
    dst.set(this.#buf.subarray(this.#head, this.#head + first), off);
    if (first < n) dst.set(this.#buf.subarray(0, n - first), off + first);
    this.consume(n);
    return n;
  }

  /**
   * Releases the memory of an empty queue whose capacity is above `floor` bytes (it is allocated
   * again on the next push). Cheap when there is nothing to do: callers may use it on every drain.
   */
  trim(floor = 0): void {
    if (floor === 0) this.#regrow = 0;
    if (this.#len === 0 && this.#buf.length > floor) {
      this.#buf = NONE;
      this.#head = 0;
      this.#lent = false;
    }
  }

  /** Empties the queue and releases its memory. */
  clear(): void {
    if (this.#len > 0) this.pool?.charge(-this.#len);
    this.#regrow = 0;
    this.#buf = NONE;
    this.#head = 0;
    this.#len = 0;
    this.#lent = false;
  }

  /** Makes room for `need` bytes; `move` takes new memory even when the current one is large enough. */
  #reserve(need: number, move = false): void {
    const cap = this.#buf.length;
    if (need <= cap && !move) return;
    let size = Math.max(MIN_ALLOC, cap, this.#regrow);
    this.#regrow = 0;
    while (size < need) size *= 2;
    size = Math.min(size, Math.max(need, this.limit));
    // A limit that rises a little at a time (send-buffer auto-tuning, per ACK) must not copy the
    // whole queue on every push: grow by at least half the capacity, past the limit but never
    // past the ceiling auto-tuning set.
    if (this.ceiling > this.limit) size = Math.max(size, Math.min(need + (cap >> 1), 2 * Math.max(MIN_ALLOC, cap), this.ceiling));
    const next = new Uint8Array(size);
    if (this.#len > 0) {
      // Straight from the ring into the new buffer (no intermediate copy).
      const first = Math.min(this.#len, cap - this.#head);
      next.set(this.#buf.subarray(this.#head, this.#head + first), 0);
      if (first < this.#len) next.set(this.#buf.subarray(0, this.#len - first), first);
    }
    this.#buf = next;
    this.#head = 0;
    this.#lent = false;
  }
}
