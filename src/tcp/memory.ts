// Stack-wide TCP memory accounting with pressure levels, in the manner of Linux's tcp_mem
// (net.ipv4.tcp_mem: low, pressure, high). No RFC specifies it; RFC 9293 §3.8.6.2.2 and RFC 7323
// §2.4 bound what it may do to windows (never withdraw an advertised right edge), RFC 2018 §8 what
// it may do to SACKed data (a receiver may discard it: reneging).
//
// Every byte a connection holds in its send buffer, its receive buffer and its out-of-order queue
// is charged to the one pool of its TcpLayer (the ByteQueue and Reassembly objects update `used`).
//
// - below `pressure` (normal): buffers and windows as configured, auto-tuning grows them;
// - above `pressure`, until usage falls below `low` again: auto-tuning grows nothing, and the
//   receive window offered from then on is at most a few segments beyond what is buffered (the edge
//   already advertised stays where it is);
// - at `high` (the hard limit): data that would take usage past it is not queued — an arriving
//   segment is dropped (the peer retransmits it) after the connection's own out-of-order queue was
//   pruned to make room for in-order data (reneging, RFC 2018 §8: our sender keeps SACKed data until
//   it is cumulatively acknowledged and forgets SACK information on a retransmission timeout, so a
//   reneging peer costs a retransmission, never data); the window offered stops growing; send()
//   takes only what fits (the writer sees backpressure and gets 'writable' once there is room).
// Usage therefore never exceeds `high` by queuing; see pressure.ts for the connection side.

import type { TcpConnection } from './connection.js';

export interface TcpMemoryConfig {
  /** Pressure ends when usage falls below this (bytes). */
  low: number;
  /** Usage above this starts memory pressure (bytes). */
  pressure: number;
  /** Hard limit: no new data is queued while usage is above it (bytes). */
  high: number;
}

/**
 * Defaults in the 3 : 4 : 6 proportion of Linux's tcp_mem. Linux sizes tcp_mem from the machine's
 * RAM; the core cannot see the machine, so these are fixed: 192 MiB holds ~8 connections at the
 * 16 MiB auto-tuning caps in both directions, and ~700 at the 256 KiB default buffers.
 */
export const DEFAULT_TCP_MEMORY: Readonly<TcpMemoryConfig> = Object.freeze({
  low: 96 * 1024 * 1024,
  pressure: 128 * 1024 * 1024,
  high: 192 * 1024 * 1024,
});

export type TcpMemoryLevel = 'normal' | 'pressure' | 'high';

/** What `TcpLayer.memoryStats()` and `stack.stats.tcp.memory` report. */
export interface TcpMemoryStats extends TcpMemoryConfig {
  /** Bytes held now in send, receive and out-of-order queues, all connections together. */
  used: number;
  /** Highest `used` seen. */
  peak: number;
  /** 'high' while usage is at the hard limit. */
  level: TcpMemoryLevel;
  /** Times usage went above `pressure` (from normal). */
  pressureEntered: number;
  /** Arriving segments whose data was (partly) dropped at the hard limit. */
  segmentsDropped: number;
  /** Out-of-order bytes discarded (reneged) to make room for in-order data at the hard limit. */
  oooPrunedBytes: number;
  /** send() calls that took less than offered because of the hard limit. */
  sendsRefused: number;
  /** Auto-tuning steps not taken because of pressure. */
  autoTuneHeld: number;
}

/** The pool of one TcpLayer. */
export class MemoryPool {
  readonly cfg: TcpMemoryConfig;
  used = 0;
  peak = 0;
  #pressure = false;
  pressureEntered = 0;
  segmentsDropped = 0;
  oooPrunedBytes = 0;
  sendsRefused = 0;
  autoTuneHeld = 0;

  /** Connections whose send() was refused for want of memory: told 'writable' once there is room. */
  readonly waiters = new Set<TcpConnection>();

  /** `high` is kept as given; `pressure` and `low` are lowered to it if they are above. */
  constructor(cfg: TcpMemoryConfig) {
    const high = Math.max(0, cfg.high);
    const pressure = Math.max(0, Math.min(cfg.pressure, high));
    this.cfg = Object.freeze({ low: Math.max(0, Math.min(cfg.low, pressure)), pressure, high });
  }

  /** `n` bytes were queued (positive) or released (negative). */
  charge(n: number): void {
    const u = (this.used += n);
    if (n > 0) {
      if (u > this.peak) this.peak = u;
      if (!this.#pressure && u > this.cfg.pressure) {
        this.#pressure = true;
        this.pressureEntered++;
      }
    } else if (this.#pressure && u < this.cfg.low) this.#pressure = false;
  }

  /** Under memory pressure (entered above `pressure`, left below `low`). */
  get underPressure(): boolean {
    return this.#pressure;
  }

  /** Bytes that may still be queued before `high` is passed. */
  get room(): number {
    return Math.max(0, this.cfg.high - this.used);
  }

  stats(): TcpMemoryStats {
    return {
      ...this.cfg,
      used: this.used,
      peak: this.peak,
      level: this.used >= this.cfg.high ? 'high' : this.#pressure ? 'pressure' : 'normal',
      pressureEntered: this.pressureEntered,
      segmentsDropped: this.segmentsDropped,
      oooPrunedBytes: this.oooPrunedBytes,
      sendsRefused: this.sendsRefused,
      autoTuneHeld: this.autoTuneHeld,
    };
  }
}

