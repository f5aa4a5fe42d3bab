// node:net's Server over a layer4 TCP listener: listen() in its port/host/backlog and options
// forms, 'listening' / 'connection' / 'close' / 'error' / 'drop' events, address(),
// getConnections(), maxConnections, close() with ERR_SERVER_NOT_RUNNING, ref()/unref().
//
// Without a host the server listens on '::', which also takes IPv4 (RFC 3493 §5.3, as Node's
// default does); IPv4 peers then show as IPv4-mapped IPv6 addresses ('::ffff:10.0.0.1').

import { HostHold } from './host-hold.js';
import { EventEmitter } from 'node:events';
import { canonicalIp } from '../wire/address.js';
import type { TcpListener } from '../tcp/listener.js';
import type { TcpListenOptions } from '../tcp/options.js';
import { validateListen, type ListenTarget } from './net-args.js';
import { errAlreadyListen, errArgType, errServerNotRunning, uvHostPortError, type NodeSystemError } from './net-errors.js';
import type { ListenerOwner, NetHost } from './net-host.js';
import type { AcceptingServer, AddressInfo, Socket, SocketConstructorOpts } from './net-socket.js';

export interface ServerOpts {
  allowHalfOpen?: boolean;
  /** Accepted sockets start paused (their bytes wait in TCP until resume()). */
  pauseOnConnect?: boolean;
  noDelay?: boolean;
  keepAlive?: boolean;
  keepAliveInitialDelay?: number;
  highWaterMark?: number;
}

export type ConnectionListener = (socket: Socket) => void;

/** Node's default listen backlog. */
const DEFAULT_BACKLOG = 511;

export class Server extends EventEmitter implements ListenerOwner, AcceptingServer {
  /** Connections beyond this many are closed as they arrive (and reported with 'drop'). */
  maxConnections: number | undefined = undefined;

  readonly #host: NetHost;
  readonly #makeSocket: (opts: SocketConstructorOpts) => Socket;
  readonly #opts: ServerOpts;
  #listener: TcpListener | undefined = undefined;
  #address: AddressInfo | undefined = undefined;
  #lookupToken: object | undefined = undefined;
  #connections = 0;
  readonly #hold: HostHold;

  constructor(host: NetHost, makeSocket: (opts: SocketConstructorOpts) => Socket, options?: ServerOpts | ConnectionListener, listener?: ConnectionListener) {
    super();
    this.#host = host;
    this.#hold = new HostHold(host);
    this.#makeSocket = makeSocket;
    let opts: ServerOpts = {};
    let onConnection = listener;
    if (typeof options === 'function') onConnection = options;
    else if (options !== undefined && options !== null) {
      if (typeof options !== 'object') throw errArgType('options', ['object'], options);
      opts = options;
    } else if (options === null) throw errArgType('options', ['object'], options);
    this.#opts = { ...opts };
    if (onConnection !== undefined) this.on('connection', onConnection);
  }

  /** listen(port[, host][, backlog][, cb]) | listen(options[, cb]) | listen([cb]). */
  listen(...args: unknown[]): this {
    const [target, cb] = validateListen(args);
    if (this.#listener !== undefined || this.#lookupToken !== undefined) throw errAlreadyListen();
    if (typeof cb === 'function') this.once('listening', cb as () => void);
    if (target.host === undefined) {
      this.#bind('::', target);
      return this;
    }
    // As in Node, a host (even a literal) goes through a lookup first: the bind happens a tick later.
    const token = {};
    this.#lookupToken = token;
    const name = target.host;
    this.#host.defer(() => {
      if (this.#lookupToken !== token) return;
      this.#lookupToken = undefined;
      const a = canonicalIp(name) ?? this.#host.resolve(name, 4) ?? this.#host.resolve(name, 6);
      if (a === undefined) {
        const err = new Error(`getaddrinfo ENOTFOUND ${name}`) as NodeSystemError;
        Object.assign(err, { errno: -3008, code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: name });
        this.emit('error', err);
        return;
      }
      this.#bind(a, target);
    });
    return this;
  }

  #bind(address: string, target: ListenTarget): void {
    const opts: TcpListenOptions = { reuseAddr: true };
    if (this.#opts.noDelay === true) opts.noDelay = true;
    if (this.#opts.keepAlive === true) opts.keepAlive = true;
    const r = this.#host.tcp().listen({ address, port: target.port }, target.backlog ?? DEFAULT_BACKLOG, this.#host.now(), opts);
    if (!r.ok) {
      const err = uvHostPortError(r.code, 'listen', address, target.port);
      this.#host.defer(() => this.emit('error', err));
      return;
    }
    const l = r.value;
    this.#listener = l;
    this.#address = { address, family: address.includes(':') ? 'IPv6' : 'IPv4', port: l.local.port };
    this.#host.ownListener(l, this);
    this.#hold.hold();
    this.#host.defer(() => {
      if (this.#listener === l) this.emit('listening');
    });
  }

  /** @internal Accept queue went non-empty: take every waiting connection. */
  onAcceptReady(): void {
    const l = this.#listener;
    if (l === undefined) return;
    const mapV4 = this.#address?.address === '::';
    for (;;) {
      const c = l.accept();
      if (c === undefined) break;
      if (this.maxConnections !== undefined && this.#connections >= this.maxConnections) {
        const v4 = mapV4 && !c.local.address.includes(':');
        this.emit('drop', {
          localAddress: v4 ? `::ffff:${c.local.address}` : c.local.address,
          localPort: c.local.port,
          localFamily: v4 || c.local.address.includes(':') ? 'IPv6' : 'IPv4',
          remoteAddress: v4 ? `::ffff:${c.remote.address}` : c.remote.address,
          remotePort: c.remote.port,
          remoteFamily: v4 || c.remote.address.includes(':') ? 'IPv6' : 'IPv4',
        });
        c.close(this.#host.now());
        this.#host.kick();
        continue;
      }
      const so: SocketConstructorOpts = { allowHalfOpen: this.#opts.allowHalfOpen === true };
      if (this.#opts.noDelay !== undefined) so.noDelay = this.#opts.noDelay;
      if (this.#opts.keepAlive !== undefined) so.keepAlive = this.#opts.keepAlive;
      if (this.#opts.keepAliveInitialDelay !== undefined) so.keepAliveInitialDelay = this.#opts.keepAliveInitialDelay;
      if (this.#opts.highWaterMark !== undefined) so.highWaterMark = this.#opts.highWaterMark;
      const s = this.#makeSocket(so);
      this.#connections++;
      s._accepted(c, this, mapV4, this.#opts.pauseOnConnect === true);
      this.emit('connection', s);
    }
  }

  /** @internal An accepted socket was destroyed. */
  connectionClosed(): void {
    this.#connections--;
    this.#emitCloseIfDrained();
  }

  /** Stops accepting; 'close' follows once every accepted connection has ended. */
  close(cb?: (err?: Error) => void): this {
    if (typeof cb === 'function') {
      if (this.#listener === undefined && this.#lookupToken === undefined) this.once('close', () => cb(errServerNotRunning()));
      else this.once('close', cb);
    }
    this.#lookupToken = undefined;
    const l = this.#listener;
    if (l !== undefined) {
      this.#listener = undefined;
      this.#host.disownListener(l);
      l.close(this.#host.now());
      this.#host.kick();
      this.#hold.release();
    }
    this.#emitCloseIfDrained();
    return this;
  }

  #emitCloseIfDrained(): void {
    if (this.#listener !== undefined || this.#connections > 0) return;
    this.#host.defer(() => this.emit('close'));
  }

  address(): AddressInfo | null {
    return this.#listener !== undefined && this.#address !== undefined ? { ...this.#address } : null;
  }

  get listening(): boolean {
    return this.#listener !== undefined;
  }

  getConnections(cb: (err: Error | null, count: number) => void): this {
    const n = this.#connections;
    if (typeof cb === 'function') this.#host.defer(() => cb(null, n));
    return this;
  }

  ref(): this {
    this.#hold.ref(this.#listener !== undefined);
    return this;
  }

  unref(): this {
    this.#hold.unref();
    return this;
  }

  /** @internal The TCP listener (diagnostics, tests). */
  get _listener(): TcpListener | undefined {
    return this.#listener;
  }
}
