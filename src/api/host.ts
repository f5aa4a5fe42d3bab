// Host: what net.host() returns — one machine on the simulated network, with its Stack and the
// Node-compatible APIs on top of it:
//   host.dgram  ≈ node:dgram  (api/dgram.ts)
//   host.net    ≈ node:net    (TCP; api/net.ts, which registers its own pump for TCP events)
//   host.ping() — ICMP/ICMPv6 echo, resolving to the round-trip time in ms.
// The host drains the stack's events after every poll (the "pump") and routes each to the object
// that owns it: UDP socket events to dgram sockets, echo replies to pending pings, anything else to
// handlers registered with onStackEvent().

import type { SimNode } from '../sim/node.js';
import type { Stack } from '../stack/stack.js';
import type { StackEvent } from '../stack/events.js';
import type { UdpSocket } from '../udp/socket.js';
import { canonicalIp } from '../wire/address.js';
import { invalidArgType } from '../wire/arg-errors.js';
import { createDgram, type Dgram, type Socket as DgramSocket, type DgramHost } from './dgram.js';
import { errnoException, type NodeSystemError } from './dgram-errors.js';
import { createNet, type Net } from './net.js';
import { openTcp, type OpenTcpOptions, type TcpStreams } from './web-streams.js';

/** What the network gives a Host (sim/network.ts implements it). */
export interface HostRuntime {
  /** Current network time in ms. */
  now(): number;
  /** Poll the stack at the current time, after a user call that may have queued packets. */
  kick(): void;
  /** User-visible work was queued (nextTick/promise): let it run before network time moves on. */
  markActivity(): void;
  /** Run `fn` after `delayMs` of network time. */
  schedule(delayMs: number, fn: () => void): { cancel(): void };
  /** Address of a host name on the network for `family` ('localhost' and literals are handled by Host). */
  lookupHost(name: string, family: 4 | 6): string | undefined;
  /** Register the drain that runs after every stack poll; it returns true when it dispatched events. */
  addPump(pump: (now: number) => boolean): void;
  /**
   * An open socket or server holds the network running: with the virtual clock it advances on its
   * own while refs are held; with the real clock the Node process stays alive, as with kernel sockets.
   */
  ref(): void;
  /** Releases a ref(). */
  unref(): void;
}

export interface PingOptions {
  /** Reject with ETIMEDOUT if no reply within this many ms (default 1000). */
  timeoutMs?: number;
  /** Echo payload (default 56 bytes, as ping(8) sends). */
  data?: Uint8Array;
  /** TTL / Hop Limit of the request. */
  ttl?: number;
}

/** Handles a stack event nobody else claimed; return true if it was yours. */
export type StackEventHandler = (ev: StackEvent, now: number) => boolean;

interface PendingPing {
  resolve: (rtt: number) => void;
  reject: (err: Error) => void;
  timer: { cancel(): void };
}

const DEFAULT_PING_DATA = Uint8Array.from({ length: 56 }, (_, i) => (i + 8) & 0xff);

export class Host {
  readonly name: string;
  /** Canonical addresses of the host's interface. */
  readonly addresses: readonly string[];
  readonly stack: Stack;
  /** node:dgram for this host. */
  readonly dgram: Dgram;
  /** node:net for this host (createServer, connect, Socket, Server; api/net.ts). */
  readonly net: Net;

  /** @internal How api modules (dgram here, net for TCP) reach the network: time, kicks, timers. */
  readonly runtime: HostRuntime;
  private readonly udpOwners = new Map<UdpSocket, DgramSocket>();
  private readonly pings = new Map<string, PendingPing>();
  private readonly handlers: StackEventHandler[] = [];
  private pingId: number;
  private pingSeq = 0;

  /** The simulator's handle on this host (what net.link() takes). */
  readonly node: SimNode;

  constructor(node: SimNode, stack: Stack, runtime: HostRuntime) {
    const { name, addresses } = node;
    this.node = node;
    this.name = name;
    this.addresses = addresses;
    this.stack = stack;
    this.runtime = runtime;
    this.pingId = (stack.rng() >>> 0) & 0xffff;
    runtime.addPump((now) => this.pump(now));
    this.dgram = createDgram(this.dgramAdapter());
    this.net = createNet(this);
  }

  /** Current network time in ms (same as net.now()). */
  now(): number {
    return this.runtime.now();
  }

  /** A TCP connection as WHATWG byte streams: `const { readable, writable } = await host.openTcp({ host, port })`. */
  openTcp(opts: OpenTcpOptions): Promise<TcpStreams> {
    return openTcp(this.net, opts);
  }

  /** Claim stack events the host does not handle itself (TCP sockets, future protocols). */
  onStackEvent(handler: StackEventHandler): void {
    this.handlers.push(handler);
  }

  /** Host names, 'localhost' and IP literals → canonical address for `family`; undefined if unknown. */
  resolve(name: string, family: 4 | 6): string | undefined {
    if (name === 'localhost') return family === 4 ? '127.0.0.1' : '::1';
    const lit = canonicalIp(name);
    if (lit !== undefined) return lit;
    return this.runtime.lookupHost(name, family);
  }

  /**
   * ICMP echo to `address` (literal or host name): resolves to the round-trip time in ms; rejects
   * with ETIMEDOUT after opts.timeoutMs, or with the code of an ICMP error that came back.
   */
  ping(address: string, opts: PingOptions = {}): Promise<number> {
    if (typeof address !== 'string') throw invalidArgType('address', 'of type string', address);
    const family: 4 | 6 = address.includes(':') ? 6 : 4;
    const dst = this.resolve(address, family) ?? this.resolve(address, family === 4 ? 6 : 4);
    if (dst === undefined) return Promise.reject(Object.assign(errnoException('ENOTFOUND', 'getaddrinfo'), { message: `getaddrinfo ENOTFOUND ${address}`, hostname: address }));
    const seq = this.pingSeq++ & 0xffff;
    const id = this.pingId;
    const r = this.stack.ping(dst, { id, seq, data: opts.data ?? DEFAULT_PING_DATA, ...(opts.ttl !== undefined ? { ttl: opts.ttl } : {}) }, this.runtime.now());
    if (!r.ok) return Promise.reject(withAddress(errnoException(r.error.code, 'ping'), dst));
    this.runtime.kick();
    const key = `${dst}|${id}|${seq}`;
    return new Promise<number>((resolve, reject) => {
      const timer = this.runtime.schedule(opts.timeoutMs ?? 1000, () => {
        this.pings.delete(key);
        reject(withAddress(errnoException('ETIMEDOUT', 'ping'), dst));
        this.runtime.markActivity();
      });
      this.pings.set(key, { resolve, reject, timer });
    });
  }

  private pump(now: number): boolean {
    const events = this.stack.pollEvents();
    let dispatched = false;
    let failure: { error: unknown } | undefined;
    for (const ev of events) {
      // A throwing user callback must not swallow the events after it; rethrow once all are out.
      try {
        if (this.dispatch(ev, now)) dispatched = true;
      } catch (error) {
        dispatched = true;
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
    return dispatched;
  }

  private dispatch(ev: StackEvent, now: number): boolean {
    switch (ev.type) {
      case 'udp-readable':
        return this.udpOwners.get(ev.socket)?.deliverReadable() ?? false;
      case 'udp-error':
        return this.udpOwners.get(ev.socket)?.deliverError(ev.error) ?? false;
      case 'udp-listening':
        return false; // dgram sockets emit 'listening' themselves
      case 'echo-reply':
      case 'echo-error': {
        const peer = ev.type === 'echo-reply' ? ev.from : ev.dst;
        const key = `${peer}|${ev.id}|${ev.seq}`;
        const p = this.pings.get(key);
        if (!p) return false;
        this.pings.delete(key);
        p.timer.cancel();
        if (ev.type === 'echo-reply') p.resolve(ev.rtt);
        else p.reject(withAddress(errnoException(echoErrorCode(ev.kind, ev.code, ev.family), 'ping'), ev.dst));
        return true;
      }
      default: {
        for (const h of this.handlers) if (h(ev, now)) return true;
        return false;
      }
    }
  }

  private dgramAdapter(): DgramHost {
    const rt = this.runtime;
    return {
      openUdp: (opts) => this.stack.udp.open(opts),
      now: () => rt.now(),
      kick: () => rt.kick(),
      defer: (fn) => {
        process.nextTick(fn);
        rt.markActivity();
      },
      resolve: (name, family) => this.resolve(name, family),
      register: (udp, owner) => void this.udpOwners.set(udp, owner),
      unregister: (udp) => void this.udpOwners.delete(udp),
      ref: () => rt.ref(),
      unref: () => rt.unref(),
    };
  }
}

function withAddress(err: NodeSystemError, address: string): NodeSystemError {
  err.address = address;
  err.message = `${err.message} ${address}`;
  return err;
}

function echoErrorCode(kind: string, code: number, family: 4 | 6): string {
  if (kind === 'time-exceeded') return 'ETIMEDOUT';
  if (kind !== 'unreachable') return 'EPROTO';
  if (family === 4) return code === 0 ? 'ENETUNREACH' : code === 3 ? 'ECONNREFUSED' : 'EHOSTUNREACH';
  return code === 0 ? 'ENETUNREACH' : code === 4 ? 'ECONNREFUSED' : 'EHOSTUNREACH';
}
