// Fragment reassembly buffers, shared by IPv4 (RFC 791 §3.2, RFC 815) and IPv6 (RFC 8200 §4.5).
//
// Each datagram being reassembled keeps the RFC 815 hole-descriptor list: it starts as one hole
// [0, ∞); every fragment removes the part of any hole it covers, leaving at most two smaller holes;
// the fragment with "more fragments" clear fixes the end. The datagram is complete when no hole is
// left. Fragment data is kept as a sorted list of copies (not one 64 KiB buffer per datagram), so a
// lone fragment at offset 65000 costs what it carries and no more.
//
// Overlaps. A fragment that covers only holes is plain new data. A fragment identical to one already
// held (same offset, same bytes) is an exact duplicate and is dropped on its own, which RFC 8200 §4.5
// explicitly allows ("may choose to detect this case and drop exact duplicate fragments"). Any other
// overlap:
//   - 'ipv6': the whole datagram is abandoned, including fragments still to come (RFC 5722 §4,
//     RFC 8200 §4.5), silently.
//   - 'ipv4': RFC 791 lets the later data win; we instead accept the overlap only when the overlapping
//     bytes are identical (a resend fragmented differently on another path) and abandon the datagram
//     when they differ — the RFC 5722 reasoning (overlaps are how filters get evaded) applies to IPv4
//     as much as to IPv6.
// An abandoned datagram leaves a tombstone until its timer runs out so that its late fragments are
// dropped instead of starting a new reassembly.
//
// Memory is bounded by a stack-wide ByteBudget: every held fragment is charged its length plus a fixed
// overhead, every entry a fixed overhead; when a new fragment does not fit, the oldest datagrams (of
// either family) are evicted first.

/** Bytes charged per held fragment on top of its data (list node, copy header). */
export const FRAGMENT_OVERHEAD = 64;
/** Bytes charged per datagram under reassembly (entry, hole list, key). */
export const ENTRY_OVERHEAD = 256;
/** Completed datagrams remembered to recognise late duplicates of their fragments. */
const RECENT = 256;

interface Hole {
  first: number;
  /** Inclusive; Infinity until the last fragment has been seen. */
  last: number;
}

interface HeldFragment {
  offset: number;
  data: Uint8Array;
}

interface Entry<M> {
  key: string;
  created: number;
  deadline: number;
  holes: Hole[];
  frags: HeldFragment[];
  /** Payload length once the last fragment has arrived. */
  end: number | undefined;
  cost: number;
  /** Whatever the caller attached to the fragment at offset 0 (its header), once it arrived. */
  first: M | undefined;
  dead: boolean;
}

export interface FragmentIn<M> {
  key: string;
  /** Byte offset of this fragment's data within the reassembled payload. */
  offset: number;
  more: boolean;
  data: Uint8Array;
  /** Largest payload length the reassembled datagram may reach (65535 minus its header). */
  maxEnd: number;
  /** Caller data kept for the fragment at offset 0 (e.g. the header to rebuild the packet from). */
  first?: M;
}

export type DropReason = 'overlap' | 'inconsistent-length' | 'too-big' | 'budget' | 'abandoned' | 'duplicate' | 'empty';

export type AddResult<M> =
  | { kind: 'held' }
  | { kind: 'complete'; first: M; payload: Uint8Array }
  | { kind: 'dropped'; reason: DropReason };

/** A datagram whose timer ran out, with the first fragment's caller data when it had arrived. */
export interface Expired<M> {
  key: string;
  first: M | undefined;
}

/** Evictable store of reassembly entries, so one budget can span several reassemblers. */
interface BudgetMember {
  oldestCreated(): number | undefined;
  evictOldest(): void;
}

/** Stack-wide byte budget for reassembly buffers (e.g. 4 MiB). */
export class ByteBudget {
  used = 0;
  evictions = 0;
  private readonly members: BudgetMember[] = [];

  constructor(readonly limit: number) {}

  join(member: BudgetMember): void {
    this.members.push(member);
  }

  /** Makes room for `bytes`, evicting the oldest datagrams (any member) first; false if it cannot fit. */
  reserve(bytes: number): boolean {
    if (bytes > this.limit) return false;
    while (this.used + bytes > this.limit) {
      let victim: BudgetMember | undefined;
      let oldest = Infinity;
      for (const m of this.members) {
        const c = m.oldestCreated();
        if (c !== undefined && c < oldest) {
          oldest = c;
          victim = m;
        }
      }
      if (!victim) return false;
      victim.evictOldest();
      this.evictions++;
    }
    this.used += bytes;
    return true;
  }

  free(bytes: number): void {
    this.used -= bytes;
  }
}

export class Reassembler<M> implements BudgetMember {
  /** Insertion order is creation order, and with one timeout also deadline order. */
  private readonly entries = new Map<string, Entry<M>>();
  /**
   * Keys of the last RECENT datagrams completed: a late duplicate of one of their fragments is
   * dropped instead of opening a reassembly that could only time out (and, for a first fragment,
   * earn its sender a Time Exceeded). An identification repeats far less often than this.
   */
  private readonly recent = new Set<string>();
  private readonly recentRing: string[] = [];
  private recentNext = 0;
  /** The entry a fragment is being added to, exempt from eviction meanwhile. */
  private pinned: Entry<M> | undefined;

  constructor(
    private readonly budget: ByteBudget,
    readonly timeoutMs: number,
    readonly policy: 'ipv4' | 'ipv6',
  ) {
    budget.join(this);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Earliest reassembly deadline, or undefined when nothing is pending. */
  nextDeadline(): number | undefined {
    for (const e of this.entries.values()) return e.deadline;
    return undefined;
  }

  oldestCreated(): number | undefined {
    for (const e of this.entries.values()) if (e !== this.pinned) return e.created;
    return undefined;
  }

  evictOldest(): void {
    for (const e of this.entries.values()) {
      if (e === this.pinned) continue;
      this.remove(e);
      return;
    }
  }

  /** Removes every datagram whose timer ran out at `now` (RFC 791 §3.2 / RFC 8200 §4.5: 60 s). */
  expire(now: number): Array<Expired<M>> {
    const out: Array<Expired<M>> = [];
    for (const e of this.entries.values()) {
      if (e.deadline > now) break;
      this.remove(e);
      if (!e.dead) out.push({ key: e.key, first: e.first });
    }
    return out;
  }

  add(frag: FragmentIn<M>, now: number): AddResult<M> {
    const { key, offset, more, data } = frag;
    const len = data.length;
    const fragEnd = offset + len;
    let e = this.entries.get(key);
    if (e?.dead) return { kind: 'dropped', reason: 'abandoned' };
    if (!e && this.recent.has(key)) return { kind: 'dropped', reason: 'duplicate' };
    // RFC 8200 §4.5: a fragment that would make the datagram exceed 65535 is discarded (alone).
    if (fragEnd > frag.maxEnd) return { kind: 'dropped', reason: 'too-big' };
    if (len === 0 && more) return { kind: 'dropped', reason: 'empty' };
    if (!e) {
      if (!this.budget.reserve(ENTRY_OVERHEAD)) return { kind: 'dropped', reason: 'budget' };
      // The reservation may have evicted entries, but never one with this key (there was none).
      e = { key, created: now, deadline: now + this.timeoutMs, holes: [{ first: 0, last: Infinity }], frags: [], end: undefined, cost: ENTRY_OVERHEAD, first: undefined, dead: false };
      this.entries.set(key, e);
    }

    // Length consistency: a last fragment fixes the end once; nothing may lie beyond it.
    if (!more) {
      if ((e.end !== undefined && e.end !== fragEnd) || this.maxHeldEnd(e) > fragEnd) {
        this.abandon(e);
        return { kind: 'dropped', reason: 'inconsistent-length' };
      }
    } else if (e.end !== undefined && fragEnd > e.end) {
      this.abandon(e);
      return { kind: 'dropped', reason: 'inconsistent-length' };
    }

    const covered = coveredByHoles(e.holes, offset, fragEnd);
    if (covered < len) {
      // Some of these bytes are already held.
      if (covered === 0 && this.isExactDuplicate(e, offset, data)) return { kind: 'dropped', reason: 'duplicate' };
      if (this.policy === 'ipv6' || !this.overlapAgrees(e, offset, data)) {
        this.abandon(e);
        return { kind: 'dropped', reason: 'overlap' };
      }
    }

    if (covered > 0) {
      const charge = len + FRAGMENT_OVERHEAD;
      // Making room may evict older datagrams, never the one this fragment belongs to.
      this.pinned = e;
      const fits = this.budget.reserve(charge);
      this.pinned = undefined;
      if (!fits) return { kind: 'dropped', reason: 'budget' };
      e.cost += charge;
      // A view, not a copy: the packet buffer belongs to the stack once received (stack.receive()).
      insertSorted(e.frags, { offset, data });
      if (offset === 0 && frag.first !== undefined) e.first = frag.first;
      fillHoles(e.holes, offset, fragEnd - 1, more);
    } else if (len > 0 && (more || e.end !== undefined)) {
      // Every byte already held and identical, and nothing new about the end: redundant.
      return { kind: 'dropped', reason: 'duplicate' };
    }
    if (!more && e.end === undefined) {
      e.end = fragEnd;
      clipHoles(e.holes, fragEnd);
    }

    if (e.holes.length === 0 && e.end !== undefined && e.first !== undefined) {
      const payload = new Uint8Array(e.end);
      for (const f of e.frags) payload.set(f.data, f.offset);
      const first = e.first;
      this.remove(e);
      this.remember(key);
      return { kind: 'complete', first, payload };
    }
    return { kind: 'held' };
  }

  /** Total bytes charged by this reassembler (entries and fragments). */
  bytesHeld(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.cost;
    return n;
  }

  private remember(key: string): void {
    if (this.recentRing.length < RECENT) {
      this.recentRing.push(key);
    } else {
      this.recent.delete(this.recentRing[this.recentNext]!);
      this.recentRing[this.recentNext] = key;
      this.recentNext = (this.recentNext + 1) % RECENT;
    }
    this.recent.add(key);
  }

  private maxHeldEnd(e: Entry<M>): number {
    let m = 0;
    for (const f of e.frags) m = Math.max(m, f.offset + f.data.length);
    return m;
  }

  private isExactDuplicate(e: Entry<M>, offset: number, data: Uint8Array): boolean {
    for (const f of e.frags) {
      if (f.offset === offset && f.data.length === data.length) return bytesEqual(f.data, 0, data, 0, data.length);
    }
    return false;
  }

  /** True when every byte of the new fragment that is already held carries the same value. */
  private overlapAgrees(e: Entry<M>, offset: number, data: Uint8Array): boolean {
    const end = offset + data.length;
    for (const f of e.frags) {
      const lo = Math.max(offset, f.offset);
      const hi = Math.min(end, f.offset + f.data.length);
      if (lo < hi && !bytesEqual(f.data, lo - f.offset, data, lo - offset, hi - lo)) return false;
    }
    return true;
  }

  /** Drops the data and keeps a tombstone until the deadline (RFC 5722 §4: later fragments too). */
  private abandon(e: Entry<M>): void {
    this.budget.free(e.cost - ENTRY_OVERHEAD);
    e.cost = ENTRY_OVERHEAD;
    e.frags = [];
    e.holes = [];
    e.first = undefined;
    e.dead = true;
  }

  private remove(e: Entry<M>): void {
    this.entries.delete(e.key);
    this.budget.free(e.cost);
  }


}

function bytesEqual(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}

/** Number of bytes of [from, to) that fall inside holes. */
function coveredByHoles(holes: Hole[], from: number, to: number): number {
  let n = 0;
  for (const h of holes) {
    const lo = Math.max(from, h.first);
    const hi = Math.min(to, h.last + 1);
    if (hi > lo) n += hi - lo;
  }
  return n;
}

/** RFC 815 §3 steps 1–6 for fragment [first, last]: shrink or split every hole it touches. */
function fillHoles(holes: Hole[], first: number, last: number, more: boolean): void {
  for (let i = 0; i < holes.length; i++) {
    const h = holes[i]!;
    if (first > h.last || last < h.first) continue; // steps 2, 3
    holes.splice(i, 1); // step 4
    i--;
    if (first > h.first) holes.splice(++i, 0, { first: h.first, last: first - 1 }); // step 5
    if (last < h.last && more) holes.splice(++i, 0, { first: last + 1, last: h.last }); // step 6
  }
}

/** Once the end is known, holes past it disappear (RFC 815 §3 step 6 for the last fragment). */
function clipHoles(holes: Hole[], end: number): void {
  for (let i = holes.length - 1; i >= 0; i--) {
    const h = holes[i]!;
    if (h.first >= end) holes.splice(i, 1);
    else if (h.last >= end) h.last = end - 1;
  }
}

function insertSorted(frags: HeldFragment[], f: HeldFragment): void {
  let i = frags.length;
  while (i > 0 && frags[i - 1]!.offset > f.offset) i--;
  frags.splice(i, 0, f);
}
