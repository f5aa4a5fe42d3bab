// Discrete-event scheduler: a binary min-heap of events ordered by (time, insertion sequence), so
// events due at the same instant run in the order they were scheduled and every run is
// deterministic. The scheduler itself has no notion of wall time: the virtual driver pops events
// and lets `now` jump to each one; the real-time driver (clock.ts) pops whatever is due.

export type EventFn<T> = (arg: T, now: number) => void;

/** A scheduled event. Keep it to cancel; treat the fields as read-only. */
export class SimEvent {
  cancelled = false;
  constructor(
    readonly time: number,
    readonly seq: number,
    readonly fn: EventFn<never>,
    readonly arg: unknown,
  ) {}
}

function before(x: SimEvent, y: SimEvent): boolean {
  return x.time < y.time || (x.time === y.time && x.seq < y.seq);
}

export class Scheduler {
  /** Current time (ms): the time of the event being run, never decreasing. */
  now = 0;
  /** Called when a newly scheduled event becomes the earliest one (the real-time driver re-arms). */
  onEarlier: ((time: number) => void) | undefined;
  /** Events run so far. */
  executed = 0;

  private heap: SimEvent[] = [];
  private seq = 0;
  private cancelledCount = 0;

  /** Number of live (not cancelled) events. */
  get pending(): number {
    return this.heap.length - this.cancelledCount;
  }

  /** Schedule `fn(arg, now)` at `time` (clamped to `now`: nothing runs in the past). */
  at<T>(time: number, fn: EventFn<T>, arg: T): SimEvent {
    const t = time > this.now ? time : this.now;
    const ev = new SimEvent(t, this.seq++, fn as EventFn<never>, arg);
    const h = this.heap;
    h.push(ev);
    this.siftUp(h.length - 1);
    if (h[0] === ev && this.onEarlier) this.onEarlier(t);
    return ev;
  }

  /** Schedule `fn(arg, now)` after `delay` ms. */
  after<T>(delay: number, fn: EventFn<T>, arg: T): SimEvent {
    return this.at(this.now + delay, fn, arg);
  }

  cancel(ev: SimEvent): void {
    if (ev.cancelled) return;
    ev.cancelled = true;
    this.cancelledCount++;
    // Lazy deletion; compact when garbage dominates so the heap stays small.
    if (this.cancelledCount > 64 && this.cancelledCount * 2 > this.heap.length) this.compact();
  }

  /** Time of the earliest live event, or undefined when nothing is scheduled. */
  peekTime(): number | undefined {
    this.dropCancelledTop();
    return this.heap[0]?.time;
  }

  /** Run the earliest event if it is due at or before `limit`. Returns false when none was run. */
  runOne(limit = Infinity): boolean {
    this.dropCancelledTop();
    const ev = this.heap[0];
    if (ev === undefined || ev.time > limit) return false;
    this.pop();
    if (ev.time > this.now) this.now = ev.time;
    this.executed++;
    (ev.fn as EventFn<unknown>)(ev.arg, this.now);
    return true;
  }

  /**
   * Run events due at or before `limit`, at most `maxEvents` of them. Returns how many ran.
   * `now` is left at the last event's time (callers that advance to `limit` set it themselves).
   */
  runUntil(limit: number, maxEvents = Infinity): number {
    let n = 0;
    while (n < maxEvents && this.runOne(limit)) n++;
    return n;
  }

  /** Run every event scheduled for exactly the current instant (and those they schedule at it). */
  runCurrent(maxEvents = Infinity): number {
    return this.runUntil(this.now, maxEvents);
  }

  /** Move the clock forward to `time` without running anything (used after runUntil). */
  advanceTo(time: number): void {
    if (time > this.now) this.now = time;
  }

  /** Drop every event. */
  clear(): void {
    this.heap = [];
    this.cancelledCount = 0;
  }

  private dropCancelledTop(): void {
    const h = this.heap;
    while (h.length > 0 && h[0]!.cancelled) {
      this.pop();
      this.cancelledCount--;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      this.siftDown(0);
    }
  }

  private compact(): void {
    const live = this.heap.filter((e) => !e.cancelled);
    this.heap = live;
    this.cancelledCount = 0;
    for (let i = (live.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    const ev = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!before(ev, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = ev;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    const n = h.length;
    const ev = h[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && before(h[r]!, h[l]!)) c = r;
      if (!before(h[c]!, ev)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = ev;
  }
}
