// socket.setTimeout(): an inactivity timer on network time. Reads and writes only record the time
// of the last activity (no timer churn per chunk); when the timer fires it either reports the
// timeout or re-arms for the rest of the idle period. Like Node's, it fires once and is re-armed by
// the next activity.

import type { NetHost } from './net-host.js';

export class InactivityTimer {
  #ms = 0;
  #timer: { cancel(): void } | undefined = undefined;
  #lastActive = 0;

  constructor(
    private readonly host: Pick<NetHost, 'now' | 'schedule'>,
    private readonly onTimeout: () => void,
  ) {}

  /** The timeout in ms (0: off). */
  get ms(): number {
    return this.#ms;
  }

  /** Sets the timeout (0 disables) and starts the idle period now. */
  set(ms: number): void {
    this.cancel();
    this.#ms = ms;
    if (ms > 0) {
      this.#lastActive = this.host.now();
      this.#arm(ms);
    }
  }

  /** Something was read or written. */
  touch(): void {
    if (this.#ms === 0) return;
    this.#lastActive = this.host.now();
    if (this.#timer === undefined) this.#arm(this.#ms);
  }

  cancel(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #arm(delay: number): void {
    this.#timer = this.host.schedule(delay, () => this.#fire());
  }

  #fire(): void {
    this.#timer = undefined;
    if (this.#ms === 0) return;
    const idle = this.host.now() - this.#lastActive;
    if (idle >= this.#ms - 1e-9) this.onTimeout();
    else this.#arm(this.#ms - idle);
  }
}
