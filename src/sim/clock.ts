// Drivers that move a Scheduler through time.
//
// VirtualDriver: time only moves when the user asks (idle/run/advance). While running it pops
// events and jumps `now` straight to the next one, so a 60 s timer costs nothing. It yields to the
// Node event loop (setImmediate) before moving time forward whenever user-visible events were
// dispatched, so promise continuations, process.nextTick and stream callbacks all run at the
// virtual instant they belong to; and every SLICE events regardless, to keep the loop responsive.
// Slices are counted in events, not wall time, so runs are deterministic.
// While something holds a ref() (an open host.net socket or listening server, like a ref'd handle
// in Node's event loop), it also runs by itself whenever events are pending, so code that awaits
// socket I/O sees the network advance without calling idle()/run(); idle()/run() take over while
// they are active.
//
// RealDriver: `now` follows performance.now(); one Node timer is armed at the earliest event and
// re-armed when an earlier one is scheduled. Nothing polls.

import { setImmediate as immediate } from 'node:timers/promises';
import type { Scheduler } from './scheduler.js';

const SLICE = 2048;
/**
 * After user-visible activity, time moves on only once user code has settled: while a ref'd
 * setImmediate is pending (libraries such as undici hop through the check phase before writing
 * again), the driver yields again, at most this many turns.
 */
const SETTLE_TURNS = 16;

function userImmediatePending(): boolean {
  return process.getActiveResourcesInfo().includes('Immediate');
}

/** A real-time batch runs at most this many events before giving the event loop a turn. */
const REAL_BATCH = 4096;

/** Per-loop pacing state of the virtual driver (see VirtualDriver.mustYield). */
interface Pace {
  /** Events run since the loop last yielded. */
  sinceYield: number;
  /** Turns left to let pending setImmediate callbacks run before time moves on. */
  settle: number;
}

export interface Driver {
  readonly kind: 'virtual' | 'real';
  now(): number;
  /** Run until no event is pending. */
  idle(maxMs: number): Promise<void>;
  /** Run for `ms` of (virtual or real) time. */
  run(ms: number): Promise<void>;
  /** Run synchronously for `ms` of virtual time, without yielding (virtual clock only). */
  advance(ms: number): void;
  /** Something user-visible happened (an event was emitted): yield before time moves on. */
  markUserActivity(): void;
  /**
   * A handle that keeps the network running while user code awaits it: the virtual clock runs by
   * itself while refs are held; the real clock keeps the Node process alive.
   */
  ref(): void;
  /** Releases a ref(). */
  unref(): void;
  close(): void;
}

export class VirtualDriver implements Driver {
  readonly kind = 'virtual' as const;
  private userDirty = false;
  private closed = false;
  private refs = 0;
  /** idle()/run() calls in progress (the background run stands aside for them). */
  private driving = 0;
  private autoRunning = false;

  constructor(private readonly sched: Scheduler) {
    sched.onEarlier = () => this.startAuto();
  }

  ref(): void {
    this.refs++;
    this.startAuto();
  }

  unref(): void {
    if (this.refs > 0) this.refs--;
  }

  now(): number {
    return this.sched.now;
  }

  markUserActivity(): void {
    this.userDirty = true;
  }

  async idle(maxMs: number): Promise<void> {
    const limit = this.sched.now + maxMs;
    await this.drive(limit);
    const next = this.sched.peekTime();
    if (next !== undefined && !this.closed) {
      throw new Error(`net.idle(): still busy after ${maxMs} ms of virtual time (next event at ${next} ms; a periodic timer?)`);
    }
  }

  async run(ms: number): Promise<void> {
    const limit = this.sched.now + ms;
    await this.drive(limit);
    this.sched.advanceTo(limit);
  }

  advance(ms: number): void {
    const limit = this.sched.now + ms;
    this.sched.runUntil(limit);
    this.sched.advanceTo(limit);
  }

  close(): void {
    this.closed = true;
    this.sched.onEarlier = undefined;
  }

  /** Background run while refs are held: same yielding rules as drive(), no time limit. */
  private startAuto(): void {
    if (this.autoRunning || this.refs === 0 || this.driving > 0 || this.closed) return;
    if (this.sched.peekTime() === undefined) return;
    this.autoRunning = true;
    void this.autoRun();
  }

  private async autoRun(): Promise<void> {
    const s = this.sched;
    try {
      await immediate(); // let the synchronous code that scheduled the work finish first
      const pace: Pace = { sinceYield: 0, settle: 0 };
      while (!this.closed && this.refs > 0 && this.driving === 0) {
        const t = s.peekTime();
        if (t === undefined) break;
        if (this.mustYield(t, pace)) {
          await immediate();
          continue;
        }
        s.runOne();
        pace.sinceYield++;
      }
    } finally {
      this.autoRunning = false;
    }
  }

  private async drive(limit: number): Promise<void> {
    this.driving++;
    try {
      await this.driveLoop(limit);
    } finally {
      this.driving--;
      if (this.driving === 0) this.startAuto();
    }
  }

  private async driveLoop(limit: number): Promise<void> {
    const s = this.sched;
    const pace: Pace = { sinceYield: 0, settle: 0 };
    let quiet = 0;
    while (!this.closed) {
      const t = s.peekTime();
      if (t === undefined || t > limit) {
        // Nothing runnable: give user code two turns to schedule more before concluding.
        if (this.userDirty || quiet < 2) {
          this.userDirty = false;
          quiet++;
          pace.sinceYield = 0;
          await immediate();
          continue;
        }
        return;
      }
      quiet = 0;
      if (this.mustYield(t, pace)) {
        await immediate();
        continue;
      }
      s.runOne(limit);
      pace.sinceYield++;
    }
  }

  /**
   * The pacing both loops share, decided before running the event due at `t`: yield to Node's event
   * loop when user-visible events were dispatched and time is about to move (or every SLICE events),
   * then keep yielding for up to SETTLE_TURNS turns while ref'd setImmediate callbacks are pending.
   * Synchronous, so running an event costs no promise.
   */
  private mustYield(t: number, pace: Pace): boolean {
    const now = this.sched.now;
    if ((t > now && this.userDirty) || pace.sinceYield >= SLICE) {
      this.userDirty = false;
      pace.sinceYield = 0;
      pace.settle = SETTLE_TURNS;
      return true;
    }
    if (t > now && pace.settle > 0) {
      pace.settle--;
      if (userImmediatePending()) return true;
      pace.settle = 0;
    }
    return false;
  }
}

export class RealDriver implements Driver {
  readonly kind = 'real' as const;
  private readonly t0 = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private immediateHandle: NodeJS.Immediate | undefined;
  private armedAt = Infinity;
  private running = false;
  private closed = false;
  private waiters: Array<() => void> = [];

  constructor(private readonly sched: Scheduler) {
    sched.now = 0;
    sched.onEarlier = (time) => {
      if (!this.running && time < this.armedAt) this.arm();
    };
  }

  private real(): number {
    return performance.now() - this.t0;
  }

  now(): number {
    const t = this.real();
    if (t > this.sched.now) this.sched.now = t;
    return this.sched.now;
  }

  markUserActivity(): void {
    // Real time: every batch is its own macrotask already.
  }

  private refs = 0;
  private keepAlive: NodeJS.Timeout | undefined;

  /** Real time runs by itself; a held ref keeps the Node process alive, as an open kernel socket does. */
  ref(): void {
    if (this.closed) return;
    if (this.refs++ === 0) this.keepAlive = setInterval(() => {}, 0x7fffffff);
  }

  unref(): void {
    if (this.refs === 0) return;
    if (--this.refs === 0 && this.keepAlive) {
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
    }
  }

  async idle(maxMs: number): Promise<void> {
    const deadline = this.real() + maxMs;
    let quiet = 0;
    while (!this.closed) {
      if (this.sched.peekTime() === undefined) {
        if (quiet >= 2) return;
        quiet++;
        await immediate();
        continue;
      }
      quiet = 0;
      if (this.real() > deadline) throw new Error(`net.idle(): still busy after ${maxMs} ms`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async run(ms: number): Promise<void> {
    await new Promise<void>((resolve) => setTimeout(resolve, ms));
  }

  advance(): void {
    throw new Error("net.advance() needs clock: 'virtual'; use await net.run(ms) with a real clock");
  }

  close(): void {
    this.closed = true;
    this.refs = 1;
    this.unref();
    this.disarm();
    this.sched.onEarlier = undefined;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediateHandle) clearImmediate(this.immediateHandle);
    this.timer = undefined;
    this.immediateHandle = undefined;
    this.armedAt = Infinity;
  }

  private arm(): void {
    this.disarm();
    if (this.closed) return;
    const t = this.sched.peekTime();
    if (t === undefined) return;
    this.armedAt = t;
    const delay = t - this.real();
    if (delay <= 0) this.immediateHandle = setImmediate(() => this.fire());
    else this.timer = setTimeout(() => this.fire(), Math.ceil(delay));
  }

  private fire(): void {
    this.timer = undefined;
    this.immediateHandle = undefined;
    this.armedAt = Infinity;
    this.running = true;
    try {
      this.sched.runUntil(this.now(), REAL_BATCH);
    } finally {
      this.running = false;
      this.arm();
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    }
  }
}
