// One timer table per connection (CONVENTIONS habit 2): every deadline the connection has, as
// absolute times in ms (Infinity = not armed). The layer keeps the earliest one in its heap.
// Most connections are idle with no timer armed, so the deadlines live in one small array that
// exists only while some timer is armed (an idle connection's table is a bare object).

export type TimerName =
  /** RFC 6298 retransmission timer (SYN, SYN-ACK, data, FIN). */
  | 'rto'
  /** RFC 9293 §3.8.6.1 zero-window probing / §3.8.6.2.1 SWS override. */
  | 'persist'
  /** RFC 9293 §3.8.6.3 delayed ACK. */
  | 'delack'
  /** RFC 1122 §4.2.3.6 keep-alive. */
  | 'keepalive'
  /** RFC 9293 §3.3.2 TIME-WAIT 2·MSL. */
  | 'timewait'
  /** Orphaned FIN-WAIT-2. */
  | 'finwait2'
  /** Send pacing (pacing.ts): when the next held-back segment may leave. */
  | 'pace'
  /** RFC 8985 RACK reordering timer or TLP probe timeout (one at a time; loss.ts says which). */
  | 'loss';

export const TIMER_NAMES: readonly TimerName[] = ['rto', 'persist', 'delack', 'keepalive', 'timewait', 'finwait2', 'pace', 'loss'];

/** Slot of each timer in the deadline array. */
const SLOT: Readonly<Record<TimerName, number>> = { rto: 0, persist: 1, delack: 2, keepalive: 3, timewait: 4, finwait2: 5, pace: 6, loss: 7 };

export class TimerTable {
  /** Deadlines by SLOT (a packed array of doubles), or undefined while none is armed. */
  #at: number[] | undefined = undefined;

  /** The deadline of `name` (Infinity when not armed). */
  get(name: TimerName): number {
    return this.#at === undefined ? Infinity : this.#at[SLOT[name]]!;
  }

  set(name: TimerName, at: number): void {
    if (this.#at === undefined) {
      if (at === Infinity) return;
      this.#at = [Infinity, Infinity, Infinity, Infinity, Infinity, Infinity, Infinity, Infinity];
    }
    this.#at[SLOT[name]] = at;
  }

  clear(name: TimerName): void {
    if (this.#at !== undefined) this.#at[SLOT[name]] = Infinity;
  }

  isSet(name: TimerName): boolean {
    return this.get(name) !== Infinity;
  }

  clearAll(): void {
    this.#at = undefined;
  }

  /** Earliest armed deadline, or Infinity (then the array is released). */
  next(): number {
    const a = this.#at;
    if (a === undefined) return Infinity;
    let min = Infinity;
    for (let i = 0; i < a.length; i++) if (a[i]! < min) min = a[i]!;
    if (min === Infinity) this.#at = undefined;
    return min;
  }

  get rto(): number {
    return this.get('rto');
  }
  get persist(): number {
    return this.get('persist');
  }
  get delack(): number {
    return this.get('delack');
  }
  get keepalive(): number {
    return this.get('keepalive');
  }
  get timewait(): number {
    return this.get('timewait');
  }
  get finwait2(): number {
    return this.get('finwait2');
  }
  get pace(): number {
    return this.get('pace');
  }
  get loss(): number {
    return this.get('loss');
  }
}
