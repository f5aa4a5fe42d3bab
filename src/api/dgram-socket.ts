// node:dgram's Socket over a stack UDP socket. Follows Node's observable behaviour (checked
// against node:dgram on loopback in test/dgram-node-compat.test.ts): 'listening', 'connect' and
// 'close' are emitted on a later tick, send callbacks are called on a later tick with
// (null, bytes), synchronous argument errors are thrown with Node's ERR_* codes, bind failures
// are 'error' events ("bind EADDRINUSE 10.0.0.2:53"), and an ICMP error on a connected socket
// becomes an 'error' event "recvmsg ECONNREFUSED", as libuv reports it.
//
// Unlike Node, the stack work is done synchronously (no DNS; names are the network's host
// names, 'localhost', or IP literals), so the packet of a send() leaves at the current
// network time; only the notifications are deferred.

import { Buffer } from 'node:buffer';
import { EventEmitter } from 'node:events';
import type { NetError } from '../stack/errors.js';
import type { UdpSocket, UdpOpenOptions } from '../udp/socket.js';
import { messageBytes, parseSendArgs, type SendCallback } from './dgram-args.js';
import {
  errAlreadyBound,
  errInvalidArgType,
  errNotConnected,
  errNotRunning,
  errnoException,
  exceptionWithHostPort,
  nodeError,
  validatePort,
  type NodeSystemError,
} from './dgram-errors.js';

export type SocketType = 'udp4' | 'udp6';

export interface SocketOptions {
  type: SocketType;
  reuseAddr?: boolean;
  /** IPV6_V6ONLY for udp6 sockets (default false: also IPv4 through ::ffff:a.b.c.d). */
  ipv6Only?: boolean;
  recvBufferSize?: number;
  sendBufferSize?: number;
}

export interface AddressInfo {
  address: string;
  family: 'IPv4' | 'IPv6';
  port: number;
}

export interface RemoteInfo extends AddressInfo {
  size: number;
}

export interface BindOptions {
  port?: number;
  address?: string;
  exclusive?: boolean;
}

/** What a dgram Socket needs from its host (implemented by api/host.ts). */
export interface DgramHost {
  openUdp(opts: UdpOpenOptions): UdpSocket;
  now(): number;
  /** Poll the stack at the current time (after a call that may have queued packets). */
  kick(): void;
  /** Run `fn` on a later tick, before network time moves on. */
  defer(fn: () => void): void;
  /** A name → address for `family`: IP literal, 'localhost', or a host name on the network. */
  resolve(name: string, family: 4 | 6): string | undefined;
  register(udp: UdpSocket, owner: Socket): void;
  unregister(udp: UdpSocket): void;
  /** A bound socket keeps a real-clock process alive (HostRuntime.ref). */
  ref(): void;
  unref(): void;
}

type BindState = 'unbound' | 'bound';
type ConnectState = 'disconnected' | 'connecting' | 'connected';

/** Linux reports twice the size set with SO_RCVBUF/SO_SNDBUF (socket(7)); Node passes that through. */
const LINUX_DEFAULT_BUF = 212_992;

function familyName(f: 4 | 6): 'IPv4' | 'IPv6' {
  return f === 4 ? 'IPv4' : 'IPv6';
}

function infoFamily(address: string): 'IPv4' | 'IPv6' {
  return address.includes(':') ? 'IPv6' : 'IPv4';
}

export class Socket extends EventEmitter {
  readonly type: SocketType;
  private readonly host: DgramHost;
  private udp: UdpSocket | undefined;
  private bindState: BindState = 'unbound';
  private connectState: ConnectState = 'disconnected';
  private sendBufferSize = LINUX_DEFAULT_BUF;
  /** Whether the user wants this socket to keep the process alive (socket.ref/unref). */
  private wantRef = true;
  private holdsRef = false;

  constructor(host: DgramHost, opts: SocketOptions) {
    super();
    this.host = host;
    this.type = opts.type;
    const family = opts.type === 'udp4' ? 4 : 6;
    const open: UdpOpenOptions = { family, reuseAddr: opts.reuseAddr === true, ipv6Only: opts.ipv6Only === true };
    if (opts.recvBufferSize !== undefined) open.recvBufferBytes = opts.recvBufferSize;
    if (opts.sendBufferSize !== undefined) this.sendBufferSize = opts.sendBufferSize * 2;
    this.udp = host.openUdp(open);
    host.register(this.udp, this);
  }

  private get family(): 4 | 6 {
    return this.type === 'udp4' ? 4 : 6;
  }

  private healthCheck(): UdpSocket {
    if (!this.udp) throw errNotRunning();
    return this.udp;
  }

  // ---- bind ---------------------------------------------------------------------------------

  bind(port?: number | BindOptions | (() => void), address?: string | (() => void), callback?: () => void): this;
  bind(...args: unknown[]): this {
    const udp = this.healthCheck();
    if (this.bindState !== 'unbound') throw errAlreadyBound();
    const last = args[args.length - 1];
    if (typeof last === 'function') this.once('listening', last as () => void);
    let port: unknown = args[0];
    let address: unknown = args[1];
    if (typeof port === 'function') port = 0;
    if (port !== null && typeof port === 'object') {
      const o = port as BindOptions;
      address = o.address;
      port = o.port;
    }
    if (typeof address === 'function') address = undefined;
    const p = port === undefined || port === null ? 0 : validatePort(port, true);
    if (address !== undefined && address !== null && typeof address !== 'string') throw errInvalidArgType('address', 'of type string', address);
    this.doBind(udp, typeof address === 'string' && address !== '' ? address : undefined, p);
    return this;
  }

  private doBind(udp: UdpSocket, name: string | undefined, port: number): boolean {
    const wildcard = this.family === 4 ? '0.0.0.0' : '::';
    const ip = name === undefined ? wildcard : this.host.resolve(name, this.family);
    if (ip === undefined) {
      this.deferError(lookupError(name!));
      return false;
    }
    const r = udp.bind(ip, port);
    if (!r.ok) {
      this.deferError(exceptionWithHostPort(r.error.code, 'bind', ip, port));
      return false;
    }
    this.bindState = 'bound';
    this.syncRef();
    this.host.defer(() => {
      if (this.udp) this.emit('listening');
    });
    return true;
  }

  /** Bind to an ephemeral port now, as a first send()/connect() does. */
  private implicitBind(udp: UdpSocket): boolean {
    if (this.bindState === 'bound') return true;
    return this.doBind(udp, undefined, 0);
  }

  // ---- connect ------------------------------------------------------------------------------

  connect(port: number, address?: string | (() => void), callback?: () => void): void;
  connect(port: unknown, address?: unknown, callback?: unknown): void {
    const p = validatePort(port, false);
    if (typeof address === 'function') {
      callback = address;
      address = undefined;
    }
    if (address !== undefined && typeof address !== 'string') throw errInvalidArgType('address', 'of type string', address);
    const udp = this.healthCheck();
    if (this.connectState !== 'disconnected') throw nodeError(Error, 'ERR_SOCKET_DGRAM_IS_CONNECTED', 'Already connected');
    this.connectState = 'connecting';
    if (typeof callback === 'function') this.once('connect', callback as () => void);
    const name = typeof address === 'string' && address !== '' ? address : 'localhost';
    const ip = this.host.resolve(name, this.family);
    const fail = (err: Error): void => {
      this.connectState = 'disconnected';
      this.host.defer(() => {
        if (typeof callback === 'function') {
          this.removeListener('connect', callback as () => void);
          (callback as (e: Error) => void)(err);
        } else {
          this.emit('error', err);
        }
      });
    };
    if (ip === undefined) return fail(lookupError(name));
    if (!this.implicitBind(udp)) {
      this.connectState = 'disconnected';
      return;
    }
    const r = udp.connect(ip, p);
    if (!r.ok) return fail(exceptionWithHostPort(r.error.code, 'connect', ip, p));
    this.host.defer(() => {
      if (!this.udp || this.connectState !== 'connecting') return;
      this.connectState = 'connected';
      this.emit('connect');
    });
  }

  disconnect(): void {
    const udp = this.healthCheck();
    if (this.connectState !== 'connected') throw errNotConnected();
    const r = udp.disconnect();
    if (!r.ok) throw errnoException(r.error.code, 'connect');
    this.connectState = 'disconnected';
  }

  remoteAddress(): AddressInfo {
    const udp = this.healthCheck();
    const r = this.connectState === 'connected' ? udp.remoteAddress() : undefined;
    if (!r) throw errNotConnected();
    return { address: r.address, family: infoFamily(r.address), port: r.port };
  }

  // ---- send ---------------------------------------------------------------------------------

  send(msg: string | NodeJS.ArrayBufferView | ReadonlyArray<string | NodeJS.ArrayBufferView>, port?: number, address?: string, callback?: SendCallback): void;
  send(msg: string | NodeJS.ArrayBufferView, offset: number, length: number, port?: number, address?: string, callback?: SendCallback): void;
  send(msg: string | NodeJS.ArrayBufferView | ReadonlyArray<string | NodeJS.ArrayBufferView>, callback?: SendCallback): void;
  send(...args: unknown[]): void {
    const connected = this.connectState === 'connected';
    const a = parseSendArgs(connected, args);
    const port = connected ? 0 : validatePort(a.port, false);
    const udp = this.healthCheck();
    if (!this.implicitBind(udp)) return;
    let result: { ok: true; value: number } | { ok: false; error: NetError };
    let target = '';
    if (connected) {
      result = udp.send(a.data, this.host.now());
    } else {
      const name = a.address ?? 'localhost';
      const ip = this.host.resolve(name, this.family);
      if (ip === undefined) {
        const err = lookupError(name);
        const cb = a.callback;
        this.host.defer(() => (cb ? cb(err) : this.emit('error', err)));
        return;
      }
      target = ip;
      result = udp.send(a.data, ip, port, this.host.now());
    }
    this.host.kick();
    const cb = a.callback;
    if (!cb) return; // Like Node: without a callback a failed send is silent.
    if (result.ok) {
      const n = result.value;
      this.host.defer(() => cb(null, n));
    } else {
      const remote = connected ? udp.remoteAddress() : undefined;
      const err = exceptionWithHostPort(result.error.code, 'send', remote?.address ?? target, remote?.port ?? port);
      this.host.defer(() => cb(err));
    }
  }

  // ---- close, address, options --------------------------------------------------------------

  close(callback?: () => void): this {
    if (typeof callback === 'function') this.on('close', callback);
    const udp = this.healthCheck();
    udp.close();
    this.host.unregister(udp);
    this.udp = undefined;
    this.syncRef();
    this.host.kick();
    this.host.defer(() => this.emit('close'));
    return this;
  }

  address(): AddressInfo {
    const udp = this.healthCheck();
    const a = udp.address();
    if (!a) throw errnoException('EBADF', 'getsockname');
    return { address: a.address, family: familyName(this.family), port: a.port };
  }

  setBroadcast(flag: boolean): void {
    this.healthCheck().setBroadcast(flag === true);
  }

  setTTL(ttl: number): number {
    if (typeof ttl !== 'number') throw errInvalidArgType('ttl', 'of type number', ttl);
    const r = this.healthCheck().setTtl(ttl);
    if (!r.ok) throw errnoException(r.error.code, 'setTTL');
    return ttl;
  }

  setRecvBufferSize(size: number): void {
    this.bufferCheck(size);
    this.udp!.recvBufferBytes = size;
  }

  getRecvBufferSize(): number {
    this.bufferCheck();
    return this.udp!.recvBufferBytes * 2;
  }

  setSendBufferSize(size: number): void {
    this.bufferCheck(size);
    this.sendBufferSize = size * 2;
  }

  getSendBufferSize(): number {
    this.bufferCheck();
    return this.sendBufferSize;
  }

  /** Sends complete synchronously here: nothing is ever queued in the socket. */
  getSendQueueSize(): number {
    return 0;
  }

  getSendQueueCount(): number {
    return 0;
  }

  /**
   * As in Node, a bound socket keeps the process alive unless unref()'d — which matters only on a
   * network with clock: 'real'; with the virtual clock these change nothing. Both return this.
   */
  ref(): this {
    this.wantRef = true;
    this.syncRef();
    return this;
  }

  unref(): this {
    this.wantRef = false;
    this.syncRef();
    return this;
  }

  private syncRef(): void {
    const should = this.wantRef && this.udp !== undefined && this.bindState === 'bound';
    if (should === this.holdsRef) return;
    this.holdsRef = should;
    if (should) this.host.ref();
    else this.host.unref();
  }

  private bufferCheck(size?: number): void {
    if (size !== undefined && (typeof size !== 'number' || !Number.isInteger(size) || size <= 0)) {
      throw nodeError(TypeError, 'ERR_SOCKET_BAD_BUFFER_SIZE', 'Buffer size must be a positive integer');
    }
    if (!this.udp || this.bindState !== 'bound') {
      throw nodeError(Error, 'ERR_SOCKET_BUFFER_SIZE', 'Could not get or set buffer size: uv_recv_buffer_size returned EBADF (bad file descriptor)');
    }
  }

  private deferError(err: Error): void {
    this.host.defer(() => this.emit('error', err));
  }

  // ---- called by the host when the stack reports something about this socket -------------------

  /** @internal Datagrams are waiting: emit one 'message' per datagram. */
  deliverReadable(): boolean {
    let any = false;
    for (;;) {
      const udp = this.udp;
      if (!udp) break;
      const m = udp.recv();
      if (!m) break;
      any = true;
      const buf = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
      const rinfo: RemoteInfo = { address: m.address, family: infoFamily(m.address), port: m.port, size: m.size };
      this.emit('message', buf, rinfo);
    }
    return any;
  }

  /** @internal An asynchronous socket error (ICMP on a connected socket): "recvmsg ECONNREFUSED". */
  deliverError(error: NetError): boolean {
    if (!this.udp) return false;
    this.emit('error', errnoException(error.code, 'recvmsg'));
    return true;
  }
}

function lookupError(name: string): NodeSystemError {
  const err = errnoException('ENOTFOUND', 'getaddrinfo');
  err.message = `getaddrinfo ENOTFOUND ${name}`;
  err.hostname = name;
  err.errno = -3008;
  return err;
}

export { messageBytes };
