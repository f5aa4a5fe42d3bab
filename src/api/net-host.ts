// What host.net needs from its host (NetHost), and the pump that turns the TCP layer's events into
// calls on the Socket and Server objects that own each connection and listener.
//
// The TCP core is sans-IO: user calls (send, shutdown, close) only queue work, so every socket
// call that changes TCP state ends with kick(), which asks the driver to poll the stack at the
// current time. After every poll the pump drains tcp.pollEvents() and dispatches them.

import type { TcpConnection } from '../tcp/connection.js';
import type { TcpEvent } from '../tcp/events.js';
import { TcpLayer } from '../tcp/layer.js';
import type { TcpListener } from '../tcp/listener.js';
import type { Stack } from '../stack/stack.js';
import type { HostRuntime } from './host.js';

/** Receives the TCP events of one connection. */
export interface ConnectionOwner {
  onTcpEvent(ev: Exclude<TcpEvent, { type: 'state' | 'accept-ready' }>): void;
}

/** Receives 'accept-ready' for one listener. */
export interface ListenerOwner {
  onAcceptReady(): void;
}

export interface NetHost {
  /** The host's TCP layer. */
  tcp(): TcpLayer;
  now(): number;
  /** Poll the stack at the current time (after a call that queued work). */
  kick(): void;
  /** Run `fn` on a later tick, before network time moves on (Node's process.nextTick timing). */
  defer(fn: () => void): void;
  /** Run `fn` in the next turn of the event loop, before network time moves on (where Node's handle-close callbacks run). */
  later(fn: () => void): void;
  /** Run `fn` after `delayMs` of network time. */
  schedule(delayMs: number, fn: () => void): { cancel(): void };
  /** Host name, 'localhost' or IP literal → canonical address of `family`. */
  resolve(name: string, family: 4 | 6): string | undefined;
  /** Keep the network running while the caller is open (see HostRuntime.ref). */
  ref(): void;
  unref(): void;
  own(conn: TcpConnection, owner: ConnectionOwner): void;
  disown(conn: TcpConnection): void;
  ownListener(l: TcpListener, owner: ListenerOwner): void;
  disownListener(l: TcpListener): void;
}

/** The parts of a Host that host.net uses. */
export interface NetHostSource {
  readonly stack: Stack;
  readonly runtime: HostRuntime;
  resolve(name: string, family: 4 | 6): string | undefined;
}

/** Builds the NetHost of a Host and registers its pump. */
export function createNetHost(src: NetHostSource): NetHost {
  const rt = src.runtime;
  const conns = new Map<TcpConnection, ConnectionOwner>();
  const listeners = new Map<TcpListener, ListenerOwner>();
  let layer: TcpLayer | undefined;

  const tcp = (): TcpLayer => {
    if (layer !== undefined) return layer;
    const t = src.stack.tcp;
    if (!(t instanceof TcpLayer)) throw new Error('host.net needs the stack to run the TCP layer (StackOptions.tcpFactory)');
    layer = t;
    return t;
  };

  rt.addPump(() => {
    if (layer === undefined) return false;
    const events = layer.pollEvents();
    let dispatched = false;
    let failure: { error: unknown } | undefined;
    for (const ev of events) {
      // A throwing user callback must not swallow the events after it; rethrow once all are out.
      try {
        if (ev.type === 'state') continue;
        if (ev.type === 'accept-ready') {
          const l = listeners.get(ev.listener);
          if (l === undefined) continue;
          dispatched = true;
          l.onAcceptReady();
          continue;
        }
        const o = conns.get(ev.conn);
        if (o === undefined) continue;
        dispatched = true;
        o.onTcpEvent(ev);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
    return dispatched;
  });

  return {
    tcp,
    now: () => rt.now(),
    kick: () => rt.kick(),
    defer: (fn) => {
      process.nextTick(fn);
      rt.markActivity();
    },
    later: (fn) => {
      setImmediate(fn);
      rt.markActivity();
    },
    schedule: (ms, fn) =>
      rt.schedule(ms, () => {
        fn();
        rt.markActivity();
      }),
    resolve: (name, family) => src.resolve(name, family),
    ref: () => rt.ref(),
    unref: () => rt.unref(),
    own: (c, o) => void conns.set(c, o),
    disown: (c) => void conns.delete(c),
    ownListener: (l, o) => void listeners.set(l, o),
    disownListener: (l) => void listeners.delete(l),
  };
}
