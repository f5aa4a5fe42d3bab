// One timer table per connection (CONVENTIONS habit 2): every deadline the connection has, as
// absolute times in ms (Infinity = not armed). The layer keeps the earliest one in its heap.

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
  | 'finwait2';

export const TIMER_NAMES: readonly TimerName[] = ['rto', 'persist', 'delack', 'keepalive', 'timewait', 'finwait2'];

export class TimerTable {
  rto = Infinity;
  persist = Infinity;
  delack = Infinity;
  keepalive = Infinity;
  timewait = Infinity;
  finwait2 = Infinity;

  set(name: TimerName, at: number): void {
    this[name] = at;
  }

  clear(name: TimerName): void {
    this[name] = Infinity;
  }

  isSet(name: TimerName): boolean {
    return this[name] !== Infinity;
  }

  clearAll(): void {
    this.rto = this.persist = this.delack = this.keepalive = this.timewait = this.finwait2 = Infinity;
  }

  /** Earliest armed deadline, or Infinity. */
  next(): number {
    return Math.min(this.rto, this.persist, this.delack, this.keepalive, this.timewait, this.finwait2);
  }
}
