// A passive OPEN (RFC 9293 §3.10.1) and its queues: half-open connections (SYN-RECEIVED, bounded
// by TcpConfig.synBacklog) and established ones waiting for accept() (bounded by the backlog).
// When the accept queue is full a new SYN is dropped without an answer, so the peer retries later.
// When only the SYN queue is full, the layer answers with a SYN cookie (RFC 4987 §3.6, syncookie.ts)
// if TcpConfig.synCookies is on, and drops the SYN otherwise.

import type { TcpConnection } from './connection.js';
import type { TcpEvent } from './events.js';
import type { TcpSocketOptions } from './options.js';
import { findTransition, type TcpState } from './states.js';
import type { Endpoint } from '../stack/types.js';

/** What a listener needs from the layer. */
export interface ListenerHost {
  emit(ev: TcpEvent): void;
  closeListener(l: TcpListener, now: number): void;
}

export class TcpListener {
  readonly local: Endpoint;
  readonly backlog: number;
  readonly synBacklog: number;
  /** Options given to every connection this listener creates. */
  readonly options: TcpSocketOptions;
  #state: TcpState = 'CLOSED';
  readonly #host: ListenerHost;
  readonly #synQueue = new Set<TcpConnection>();
  readonly #acceptQueue: TcpConnection[] = [];
  /** SYNs dropped because a queue was full. */
  droppedSyns = 0;
  /** SYN-ACKs sent with a SYN cookie (RFC 4987 §3.6) because the SYN queue was full. */
  cookiesSent = 0;
  /** Connections created from a valid cookie in an ACK. */
  cookiesAccepted = 0;
  /** ACKs whose cookie failed (wrong MAC, too old) while cookies were in use. */
  cookiesRejected = 0;
  /** When the last cookie was sent (ms), -Infinity if never. */
  lastCookieAt = -Infinity;

  constructor(host: ListenerHost, local: Endpoint, backlog: number, synBacklog: number, options: TcpSocketOptions) {
    this.#host = host;
    this.local = { address: local.address, port: local.port };
    this.backlog = backlog;
    this.synBacklog = synBacklog;
    this.options = options;
  }

  get state(): TcpState {
    return this.#state;
  }

  /** Established connections waiting for accept(). */
  get pending(): number {
    return this.#acceptQueue.length;
  }

  /** Half-open connections (SYN-RECEIVED). */
  get halfOpen(): number {
    return this.#synQueue.size;
  }

  /** The next established connection, or undefined when none is waiting. */
  accept(): TcpConnection | undefined {
    const c = this.#acceptQueue.shift();
    if (c !== undefined) c.listener = undefined;
    return c;
  }

  /** Stops listening: queued and half-open connections are reset (§3.10.4 CLOSE in LISTEN). */
  close(now: number): void {
    if (this.#state !== 'LISTEN') return;
    this.#host.closeListener(this, now);
  }

  // ---- used by the layer and the connections it creates

  /** @internal */
  setState(cause: 'passive-open' | 'close', now: number): void {
    const edge = findTransition(this.#state, cause);
    if (edge === undefined) throw new Error(`TCP state machine has no transition from ${this.#state} on ${cause}`);
    const from = this.#state;
    this.#state = edge.to;
    this.#host.emit({ type: 'state', conn: this, from, to: edge.to, cause, now });
  }

  /** @internal A new SYN may be taken: both queues have room. */
  admitsSyn(): boolean {
    return this.#synQueue.size < this.synBacklog && this.#acceptQueue.length < this.backlog;
  }

  /** @internal The SYN queue is at synBacklog. */
  synQueueFull(): boolean {
    return this.#synQueue.size >= this.synBacklog;
  }

  /**
   * @internal A connection built from a SYN cookie: owned by this listener without ever entering the
   * SYN queue (it reaches ESTABLISHED within the same segment and goes to the accept queue).
   */
  adoptCookieChild(c: TcpConnection): void {
    c.listener = this;
  }

  /** @internal */
  addHalfOpen(c: TcpConnection): void {
    this.#synQueue.add(c);
    c.listener = this;
  }

  /** @internal The accept queue can take one more connection. */
  hasRoom(): boolean {
    return this.#acceptQueue.length < this.backlog;
  }

  /** @internal A half-open connection reached ESTABLISHED: queue it for accept(). */
  childEstablished(c: TcpConnection, now: number): void {
    this.#synQueue.delete(c);
    c.announced = true;
    this.#acceptQueue.push(c);
    if (this.#acceptQueue.length === 1) this.#host.emit({ type: 'accept-ready', listener: this, now });
  }

  /** @internal A queued connection went away (reset, timed out) before accept(): forget it. */
  remove(c: TcpConnection): void {
    if (this.#synQueue.delete(c)) return;
    const i = this.#acceptQueue.indexOf(c);
    if (i >= 0) this.#acceptQueue.splice(i, 1);
  }

  /** @internal Every connection the listener still holds (for close()). */
  drain(): TcpConnection[] {
    const all = [...this.#synQueue, ...this.#acceptQueue];
    this.#synQueue.clear();
    this.#acceptQueue.length = 0;
    for (const c of all) c.listener = undefined;
    return all;
  }
}
