// The in-order part of the receive buffer (RFC 9293 §3.10.7.4, seventh step: "place the segment
// text in the user RECEIVE buffer") as a queue of chunks, not one ring:
//   - a buffer the receive path gave away (giveBuffer) becomes a chunk as it is, without a copy;
//   - any other data (a view of a driver's read buffer or a reused merge buffer, valid only during
//     the call) is copied into the room left at the end of the last chunk, or into a new chunk sized
//     to what arrives — doubling from 2 KiB up to MAX_CHUNK, never to the window, so a large window
//     never means a large allocation or a copy of everything queued when it grows;
//   - reading hands out a chunk's bytes (or a prefix) as a view of its memory without a copy (read,
//     shift), or copies them into the caller's memory (readInto), in which case the queue keeps its
//     memory: a drained chunk nobody saw is written again from its start or recycled.
// A chunk whose bytes were handed out as views is "lent": the queue never writes the memory of its
// handed-out bytes again (only the room after its last byte), so every view stays as it was given.
// Every byte of a chunk is written before anyone can read it, which is why chunks may come from an
// allocator that does not zero memory (RecvQueue.allocate, StackOptions.allocate).

import type { Allocate } from '../stack/types.js';
import { takeGiven } from './given.js';
import type { MemoryPool } from './memory.js';

/** The first chunk's size; each new chunk is twice what the last one took, up to MAX_CHUNK. */
export const MIN_CHUNK = 2048;
/**
 * The largest chunk the queue allocates. Large enough that per-chunk work is negligible, small
 * enough that the allocator serves it from reused memory (a multi-megabyte buffer per burst costs a
 * page fault per 4 KiB when it is first written).
 */
export const MAX_CHUNK = 64 * 1024;
/**
 * The largest chunk for a reader that takes more than one chunk at a time with shift() (recv()
 * without a small limit): the queue then sizes chunks to what that reader takes, so its next reads
 * sit in one chunk and are handed out as views instead of copies.
 */
export const MAX_SHIFT_CHUNK = 1024 * 1024;

const EMPTY = new Uint8Array(0);

/** Zeroed memory: the default where no allocator is injected. */
export const zeroedAllocate: Allocate = (n) => new Uint8Array(n);

interface Chunk {
  /** The chunk's memory; bytes [start, end) are queued, [end, mem.length) is room for more. */
  mem: Uint8Array;
  start: number;
  end: number;
  /** Bytes before `start` were handed out as views: they are never written again. */
  lent: boolean;
}

export class RecvQueue {
  /** Chunks from #first on are live; every live chunk but the last holds at least one byte. */
  #chunks: Chunk[] = [];
  #first = 0;
  #len = 0;
  /** Drained memory no view points into, kept for the next chunk (readInto readers that lag). */
  #spare: Uint8Array[] = [];
  #spareBytes = 0;
  /** Size of the next chunk allocated. */
  #grow = MIN_CHUNK;
  /** What a shift() reader took across chunks (a power of two up to MAX_SHIFT_CHUNK), or 0. */
  #takes = 0;

  /**
   * Most memory the queue may hold when `limit` rises over time (buffer auto-tuning sets it to its
   * cap). Without it (0) the queue holds at most `limit` (plus what one push needs).
   */
  ceiling = 0;

  /** The stack-wide pool (memory.ts) charged with the bytes held, if any. */
  pool: MemoryPool | undefined = undefined;

  /**
   * Where chunk memory comes from. It need not be zeroed: the queue writes every byte of a chunk
   * before any read can reach it.
   */
  allocate: Allocate = zeroedAllocate;

  /** `limit` is the most bytes the queue may hold. */
  constructor(public limit: number) {}

  /** The most memory the queue may hold: `limit`, or `ceiling` when auto-tuning raised it. */
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

  /**
   * Bytes of memory the queue holds for data queued or still to come: the queued bytes, the room at
   * the end of the last chunk and recycled memory. Memory before a chunk's first queued byte is not
   * counted (it was handed out, or is dropped with the chunk).
   */
  get allocated(): number {
    const tail = this.#tail();
    return this.#len + (tail === undefined ? 0 : tail.mem.length - tail.end) + this.#spareBytes;
  }

  /**
   * What `allocated` stays within (chaos/invariants.ts): the most the queue may hold, or what is
   * queued when a push was allowed past it. Lowering `limit` later does not shrink chunks already
   * allocated, so right after such a change `allocated` may exceed the new bound until they drain.
   */
  get allocationBound(): number {
    return Math.max(this.maxAllocation, this.#len);
  }

  /** Live chunks (for tests and diagnostics). */
  get chunkCount(): number {
    return this.#chunks.length - this.#first;
  }

  /**
   * Appends as much of `data` as fits, or up to `max` bytes; returns the number of bytes taken.
   * A buffer marked with giveBuffer() and taken whole becomes a chunk without a copy; anything else
   * is copied (the caller may reuse its memory as soon as push returns).
   */
  push(data: Uint8Array, max = this.free): number {
    const n = Math.min(data.length, max);
    if (n <= 0) return 0;
    this.pool?.charge(n);
    if (n === data.length && takeGiven(data)) {
      this.#seal();
      this.#append(data, n);
      this.#len += n;
      this.#fit(); // adopted memory comes on top of what the queue holds
      return n;
    }
    let done = 0;
    const tail = this.#tail();
    if (tail !== undefined && tail.end < tail.mem.length) {
      done = Math.min(n, tail.mem.length - tail.end);
      tail.mem.set(done === data.length ? data : data.subarray(0, done), tail.end);
      tail.end += done;
      this.#len += done;
    }
    while (done < n) {
      const c = this.#newChunk(n - done);
      const k = Math.min(n - done, c.mem.length);
      c.mem.set(k === data.length ? data : data.subarray(done, done + k), 0);
      c.end = k;
      done += k;
      this.#len += k;
    }
    return n;
  }

  /**
   * Removes and returns up to `max` bytes from the head, all from one chunk: a view of its memory
   * (no copy), possibly fewer bytes than are queued. Empty when nothing is queued.
   */
  read(max: number): Uint8Array {
    const c = this.#head();
    const k = c === undefined ? 0 : Math.min(Math.floor(max), c.end - c.start);
    if (c === undefined || k <= 0) return EMPTY;
    const out = c.mem.subarray(c.start, c.start + k);
    c.lent = true;
    c.start += k;
    this.#len -= k;
    this.pool?.charge(-k);
    if (c.start === c.end) this.#drained();
    return out;
  }

  /**
   * Removes and returns exactly min(n, length) bytes from the head: a view (no copy) when they sit
   * in one chunk, otherwise a new buffer they are copied into.
   */
  shift(n: number): Uint8Array {
    const take = Math.min(Math.floor(n), this.#len);
    if (take <= 0) return EMPTY;
    const c = this.#head()!;
    if (take <= c.end - c.start) return this.read(take);
    // This reader takes more than one chunk at once: later chunks are as large (up to
    // MAX_SHIFT_CHUNK), so what it takes next sits in one chunk and is handed out without a copy.
    if (take > this.#takes) this.#takes = Math.min(MAX_SHIFT_CHUNK, 2 ** Math.ceil(Math.log2(take)));
    const out = this.allocate(take); // readInto writes every byte of it
    this.readInto(out, 0);
    return out;
  }

  /**
   * Copies up to `dst.length - off` bytes from the head into `dst` at `off` and drops them; returns
   * the number copied. Drained memory that was never lent is kept and written again, so a reader
   * that reuses one buffer (TcpConnection.recvInto) makes the queue allocate nothing in the long run.
   */
  readInto(dst: Uint8Array, off = 0): number {
    const n = Math.max(0, Math.min(this.#len, dst.length - off));
    if (n === 0) return 0;
    this.#len -= n;
    this.pool?.charge(-n);
    let left = n;
    while (left > 0) {
      const c = this.#chunks[this.#first]!;
      const k = Math.min(left, c.end - c.start);
      dst.set(c.mem.subarray(c.start, c.start + k), off);
      off += k;
      left -= k;
      c.start += k;
      if (c.start === c.end) this.#drained();
    }
    this.#fit();
    return n;
  }

  /**
   * Releases memory an empty queue holds beyond `floor` bytes, and recycled memory (it is allocated
   * again on the next push). Cheap when there is nothing to do: callers may use it on every drain.
   */
  trim(floor = 0): void {
    if (this.#spare.length > 0) {
      this.#spare.length = 0;
      this.#spareBytes = 0;
    }
    const tail = this.#tail();
    if (this.#len === 0 && tail !== undefined && tail.mem.length > floor) {
      this.#grown(tail.end);
      this.#chunks = [];
      this.#first = 0;
    }
    if (floor === 0) {
      this.#grow = MIN_CHUNK;
      this.#takes = 0;
    }
  }

  /** Empties the queue and releases its memory. */
  clear(): void {
    if (this.#len > 0) this.pool?.charge(-this.#len);
    this.#len = 0;
    this.#chunks = [];
    this.#first = 0;
    this.trim(0);
  }

  #head(): Chunk | undefined {
    return this.#chunks[this.#first];
  }

  #tail(): Chunk | undefined {
    return this.#first < this.#chunks.length ? this.#chunks[this.#chunks.length - 1] : undefined;
  }

  /** The head chunk was read to its end: it goes, or when it is the last one it stays for more bytes. */
  #drained(): void {
    if (this.#first < this.#chunks.length - 1) this.#dropHead();
    else {
      const c = this.#chunks[this.#first]!;
      if (!c.lent) c.start = c.end = 0; // nobody saw this memory: write it again from the start
    }
  }

  /** Removes the (drained) head chunk, keeping its memory for reuse when no view points into it. */
  #dropHead(): void {
    const c = this.#chunks[this.#first]!;
    this.#chunks[this.#first] = undefined as unknown as Chunk;
    this.#first++;
    if (this.#first === this.#chunks.length) {
      this.#chunks = [];
      this.#first = 0;
    } else if (this.#first >= 16 && 2 * this.#first >= this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#first);
      this.#first = 0;
    }
    if (!c.lent && c.mem.length >= MIN_CHUNK && this.allocated + c.mem.length <= this.maxAllocation) {
      this.#spare.push(c.mem);
      this.#spareBytes += c.mem.length;
    }
  }

  /** Recycled memory goes first when the queue holds more than maxAllocation. */
  #fit(): void {
    while (this.#spareBytes > 0 && this.allocated > this.maxAllocation) this.#spareBytes -= this.#spare.pop()!.length;
  }

  /** The last chunk takes no more bytes (a given buffer follows it); a drained one goes. */
  #seal(): void {
    const tail = this.#tail();
    if (tail === undefined) return;
    if (tail.start === tail.end) {
      this.#grown(tail.end);
      this.#chunks = [];
      this.#first = 0;
    } else if (tail.end < tail.mem.length) tail.mem = tail.mem.subarray(0, tail.end);
  }

  #append(mem: Uint8Array, end: number): Chunk {
    const c: Chunk = { mem, start: 0, end, lent: false };
    this.#chunks.push(c);
    return c;
  }

  /** A chunk for at least part of `rest` more bytes; the last chunk is full (or drained). */
  #newChunk(rest: number): Chunk {
    const tail = this.#tail();
    if (tail !== undefined) {
      this.#grown(tail.end);
      if (tail.start === tail.end) {
        // Drained and full: it holds nothing, so it goes (a drained chunk is never ahead of another).
        this.#chunks = [];
        this.#first = 0;
      }
    }
    const spare = this.#spare.pop();
    if (spare !== undefined) {
      this.#spareBytes -= spare.length;
      return this.#append(spare, 0);
    }
    const room = this.maxAllocation - this.allocated;
    const size = Math.min(Math.max(MAX_CHUNK, this.#takes), Math.max(rest, Math.min(Math.max(this.#grow, this.#takes), room)));
    return this.#append(this.allocate(size), 0);
  }

  /** A chunk that took `used` bytes is done: the next one is twice that (MIN_CHUNK..MAX_CHUNK). */
  #grown(used: number): void {
    this.#grow = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, 2 * used));
  }
}
