// Plays a DemoRun at a speed a person can follow. Virtual time is mapped to wall time:
//   - slowly while the ladder is drawing (opening, first data segments, close): one round trip
//     takes about SLOW_RTT_WALL_MS;
//   - each new arrow is revealed on its own and held for ROW_HOLD_MS, so the ten segments of an
//     initial window, sent at the same instant by one poll, still appear one after the other;
//   - quickly through the bulk of a long transfer, aiming to finish it in about BULK_WALL_MS and
//     speeding up further if it takes longer (loss, timeouts);
//   - idle waits (nothing on the link, only a timer pending) are skipped.
// The player has no DOM: the page calls tick() from requestAnimationFrame with the wall clock and
// draws the first `revealed` entries of run.ladder.entries.

import type { DemoRun } from './run.js';

const SLOW_RTT_WALL_MS = 1400;
const ROW_HOLD_MS = 260;
const BULK_WALL_MS = 3000;
/** Most simulation events per advance() call, so one frame never blocks the page for long. */
const EVENTS_PER_CALL = 4000;
/** Most wall ms of simulation per tick. */
const BUDGET_MS = 14;

export interface TickResult {
  /** The ladder shows more (or changed) entries since the last tick. */
  ladderChanged: boolean;
  /** The run has finished and everything in it has been shown. */
  finished: boolean;
}

export class Player {
  /** Virtual time shown (ms). */
  shown = 0;
  /** How many of run.ladder.entries the ladder shows. */
  revealed = 0;
  /** Play at full speed from now on (the "skip" button). */
  instant = false;
  private lastWall: number | undefined;
  private holdUntil = -Infinity;
  private fastSince: number | undefined;
  private omittedSeen = 0;
  private readonly rtt: number;
  private readonly bulkSpeed: number;

  constructor(
    readonly run: DemoRun,
    private readonly clock: () => number,
  ) {
    const p = run.params;
    // Round trip: both propagation delays plus sending one full segment at the link rate.
    const serialise = p.rateMbps > 0 ? (1500 * 8) / (p.rateMbps * 1000) : 0;
    this.rtt = Math.max(2, 2 * p.delayMs + serialise);
    // Estimated duration: the rate limit or a 64 KiB window per round trip, whichever is slower.
    const byRate = p.rateMbps > 0 ? (p.bytes * 8) / (p.rateMbps * 1000) : 0;
    const byWindow = (p.bytes / 65_535) * this.rtt;
    const estimate = Math.max(byRate, byWindow) + 4 * this.rtt;
    this.bulkSpeed = Math.max(this.slowSpeed * 4, estimate / BULK_WALL_MS);
  }

  /** Virtual ms per wall ms while the ladder draws. */
  get slowSpeed(): number {
    return this.rtt / SLOW_RTT_WALL_MS;
  }

  /** The run is over and the ladder shows all of it. */
  get finished(): boolean {
    return this.run.finished && this.revealed === this.run.ladder.entries.length;
  }

  tick(wall: number): TickResult {
    const run = this.run;
    const dt = this.lastWall === undefined ? 0 : Math.min(100, Math.max(0, wall - this.lastWall));
    this.lastWall = wall;
    const before = this.revealed;
    if (this.instant) {
      this.runFast();
      this.revealed = run.ladder.entries.length;
    } else if (wall >= this.holdUntil) {
      if (!this.revealNext(wall) && !run.finished) {
        this.step(wall, dt);
        this.revealNext(wall);
      }
    }
    const changed = this.revealed !== before || run.ladder.omitted !== this.omittedSeen;
    this.omittedSeen = run.ladder.omitted;
    if (this.finished) this.shown = run.now;
    return { ladderChanged: changed, finished: this.finished };
  }

  /**
   * Reveals the entries up to and including the next arrow, then holds it on screen. Returns
   * false when there was no arrow left to reveal (states and notes are revealed regardless).
   */
  private revealNext(wall: number): boolean {
    const entries = this.run.ladder.entries;
    while (this.revealed < entries.length) {
      const e = entries[this.revealed++]!;
      if (e.kind === 'segment') {
        this.shown = Math.max(this.shown, e.t);
        this.holdUntil = wall + ROW_HOLD_MS;
        return true;
      }
    }
    return false;
  }

  private step(wall: number, dt: number): void {
    const run = this.run;
    let speed = this.slowSpeed;
    if (run.ladder.collecting) this.fastSince = undefined;
    else {
      this.fastSince ??= wall;
      const over = Math.max(0, wall - this.fastSince - BULK_WALL_MS) / 1000;
      speed = Math.max(speed, this.bulkSpeed * 1.6 ** over);
    }
    // Nothing on the link: the next event is a timer (delayed ACK, RTO); go straight to it.
    const next = run.nextEventAt();
    if (run.packetsInFlight === 0 && next !== undefined && next > this.shown) this.shown = next;
    const target = Math.max(this.shown + dt * speed, run.now);
    const deadline = this.clock() + BUDGET_MS;
    while (!run.finished && this.clock() < deadline) {
      if (run.advance(target, { stopOnLadder: true, maxEvents: EVENTS_PER_CALL })) return;
      if (run.now >= target) break;
    }
    this.shown = Math.min(target, run.now);
  }

  private runFast(): void {
    const deadline = this.clock() + BUDGET_MS * 2;
    while (!this.run.finished && this.clock() < deadline) this.run.advance(Infinity, { maxEvents: EVENTS_PER_CALL });
    this.shown = this.run.now;
  }
}
