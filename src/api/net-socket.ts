// node:net's Socket over a layer4 TCP connection: a stream.Duplex with Node's events ('lookup',
// 'connect', 'ready', 'data', 'end', 'close' with hadError, 'timeout', 'error', 'drain'),
// properties and error codes, checked side by side against node:net on kernel loopback
// (test/net-compare.test.ts).
//
// Backpressure runs end to end without unbounded buffering:
//   reading  — bytes are pulled from the connection's receive buffer only when the Readable asks
//              (_read); a paused or unread socket leaves them in TCP, whose advertised window then
//              shrinks to zero (RFC 9293 §3.8.6.2.2), and reading again reopens it.
//   writing  — _write completes only once TCP has taken every byte into its send buffer; until then
//              the Writable queues further writes, write() returns false past the high-water mark,
//              and 'drain' follows when TCP's 'writable' event lets the rest in.

import { HostHold } from './host-hold.js';
import { Buffer } from 'node:buffer';
import { isIP } from 'node:net';
import { Duplex, type DuplexOptions } from 'node:stream';
import { canonicalIp } from '../wire/address.js';
import type { TcpConnection } from '../tcp/connection.js';
import type { TcpErrorCode } from '../tcp/errors.js';
import type { TcpEvent } from '../tcp/events.js';
import { normalizeArgs, validateConnect, validateTimeout, type ConnectTarget, type LookupFunction } from './net-args.js';
import { errArgType, errnoError, errSocketClosed, hostPortError, type CodedError } from './net-errors.js';
import type { ConnectionOwner, NetHost } from './net-host.js';
import { lookupTarget } from './net-lookup.js';
import { tcpInfo, type TcpInfo } from './tcp-info.js';
import { InactivityTimer } from './net-timeout.js';
import { nodeError } from './dgram-errors.js';

export interface SocketConstructorOpts {
  allowHalfOpen?: boolean;
  readable?: boolean;
  writable?: boolean;
  noDelay?: boolean;
  keepAlive?: boolean;
  keepAliveInitialDelay?: number;
  highWaterMark?: number;
  readableHighWaterMark?: number;
  writableHighWaterMark?: number;
}

export interface AddressInfo {
  address: string;
  family: 'IPv4' | 'IPv6';
  port: number;
}

/** What a Server hands a socket it accepted. */
export interface AcceptingServer {
  connectionClosed(): void;
}

/** Largest chunk taken from TCP per read (Node reads 64 KiB from the kernel at a time). */
const READ_CHUNK = 64 * 1024;

type WriteCb = (err?: Error | null) => void;

interface PendingWrite {
  data: Uint8Array;
  cb: WriteCb;
  taken: number;
}

function familyOf(address: string): 'IPv4' | 'IPv6' {
  return address.includes(':') ? 'IPv6' : 'IPv4';
}

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

const errClosedBeforeConnection = (): CodedError =>
  nodeError(Error, 'ERR_SOCKET_CLOSED_BEFORE_CONNECTION', 'Socket closed before the connection was established');


export class Socket extends Duplex implements ConnectionOwner {
  /** True between connect() and 'connect' (or failure). */
  connecting = false;
  /** The inactivity timeout set with setTimeout() (ms), undefined until set. */
  timeout: number | undefined = undefined;
  /** The server that accepted this socket, null for client sockets. */
  server: unknown = null;

  readonly #host: NetHost;
  #conn: TcpConnection | undefined = undefined;
  /** The addresses as shown to the user (IPv4-mapped IPv6 on a dual-stack server). */
  #local: AddressInfo | undefined = undefined;
  #remote: AddressInfo | undefined = undefined;
  #mapV4 = false;
  #acceptedBy: AcceptingServer | undefined = undefined;
  #everOpened = false;
  #wantRead = false;
  #eofPushed = false;
  #pendingWrite: PendingWrite | undefined = undefined;
  #bytesRead = 0;
  #dispatched = 0;
  #noDelay: boolean | undefined;
  #keepAlive: boolean | undefined;
  #keepAliveIdle: number | undefined;
  #reset = false;
  /** The connection was reset after the peer's FIN: writes fail with EPIPE. */
  #writeDead = false;
  readonly #hold: HostHold;
  readonly #idle: InactivityTimer;

  constructor(host: NetHost, options: SocketConstructorOpts = {}) {
    if (options === null || typeof options !== 'object') throw errArgType('options', ['object'], options);
    const dopts: DuplexOptions = {
      allowHalfOpen: options.allowHalfOpen === true,
      // Like node:net: 'close' is emitted by the socket itself, with hadError.
      emitClose: false,
      autoDestroy: true,
    };
    if (options.highWaterMark !== undefined) dopts.highWaterMark = options.highWaterMark;
    if (options.readableHighWaterMark !== undefined) dopts.readableHighWaterMark = options.readableHighWaterMark;
    if (options.writableHighWaterMark !== undefined) dopts.writableHighWaterMark = options.writableHighWaterMark;
    super(dopts);
    this.#host = host;
    this.#hold = new HostHold(host);
    this.#idle = new InactivityTimer(host, () => {
      if (!this.destroyed) this.emit('timeout');
    });
    if (options.noDelay === true) this.#noDelay = true;
    if (options.keepAlive === true) {
      this.#keepAlive = true;
      this.#keepAliveIdle = keepAliveMs(options.keepAliveInitialDelay);
    }
  }

  // ================================================================ connecting

  /** connect(options[, cb]) | connect(port[, host][, cb]). */
  connect(...args: unknown[]): this {
    const [options, cb] = normalizeArgs<Record<string, unknown>>(args);
    const target = validateConnect(options);
    if (typeof cb === 'function') this.once('connect', cb as () => void);
    if (this.destroyed || this.#conn !== undefined || this.connecting) {
      this.#host.defer(() => this.destroy(errnoError(this.destroyed ? 'EBADF' : 'EISCONN', 'connect')));
      return this;
    }
    if (options.noDelay === true) this.#noDelay = true;
    if (options.keepAlive === true) {
      this.#keepAlive = true;
      this.#keepAliveIdle = keepAliveMs(options.keepAliveInitialDelay);
    }
    this.connecting = true;
    this.#everOpened = true;
    this.#hold.hold();
    const literal = isIP(target.host) !== 0 ? canonicalIp(target.host) : undefined;
    const lookup = typeof options.lookup === 'function' ? (options.lookup as LookupFunction) : undefined;
    if (literal !== undefined) this.#host.defer(() => this.#open(literal, target));
    else this.#host.defer(() => this.#lookup(target, lookup));
    return this;
  }

  #lookup(target: ConnectTarget, lookup: LookupFunction | undefined): void {
    if (this.destroyed) return;
    lookupTarget(this.#host, target, lookup, (err, address, family) => {
      if (this.destroyed) return;
      this.emit('lookup', err, address, family, target.host);
      if (err) this.destroy(err);
      else this.#open(canonicalIp(address) ?? address, target);
    });
  }

  #open(address: string, target: ConnectTarget): void {
    if (this.destroyed) return;
    const tcp = this.#host.tcp();
    const local: { address?: string; port?: number } = {};
    if (target.localAddress !== undefined) local.address = canonicalIp(target.localAddress) ?? target.localAddress;
    if (target.localPort !== undefined) local.port = target.localPort;
    const opts: Parameters<typeof tcp.connect>[1] = { local };
    if (this.#noDelay !== undefined) opts.noDelay = this.#noDelay;
    if (this.#keepAlive !== undefined) opts.keepAlive = this.#keepAlive;
    if (this.#keepAliveIdle !== undefined) opts.keepAliveIdle = this.#keepAliveIdle;
    const r = tcp.connect({ address, port: target.port }, opts, this.#host.now());
    if (!r.ok) {
      const bindFailed = r.code === 'EADDRINUSE' || (r.code === 'EADDRNOTAVAIL' && target.localAddress !== undefined);
      this.destroy(
        bindFailed
          ? hostPortError(r.code, 'bind', target.localAddress ?? address, target.localPort)
          : hostPortError(r.code, 'connect', address, target.port),
      );
      return;
    }
    this.#setConn(r.value);
    this.#host.kick();
  }

  /** @internal A connection accepted by `server` (already ESTABLISHED). */
  _accepted(conn: TcpConnection, server: AcceptingServer & object, mapV4: boolean, pauseOnCreate: boolean): void {
    this.server = server;
    this.#acceptedBy = server;
    this.#mapV4 = mapV4;
    this.#everOpened = true;
    this.#setConn(conn);
    this.#hold.hold();
    if (pauseOnCreate) this.pause();
    else this.read(0);
    if (conn.eof || conn.readableLength > 0) this.#pull();
  }

  #setConn(conn: TcpConnection): void {
    this.#conn = conn;
    this.#host.own(conn, this);
    this.#local = this.#present(conn.local.address, conn.local.port);
    this.#remote = this.#present(conn.remote.address, conn.remote.port);
    if (this.#noDelay !== undefined) conn.setNoDelay(this.#noDelay);
    if (this.#keepAlive !== undefined && this.#keepAlive !== conn.keepAlive) conn.setKeepAlive(this.#keepAlive, this.#keepAliveIdle);
  }

  #present(address: string, port: number): AddressInfo {
    if (this.#mapV4 && !address.includes(':')) return { address: `::ffff:${address}`, family: 'IPv6', port };
    return { address, family: familyOf(address), port };
  }

  // ================================================================ TCP events

  /** @internal */
  onTcpEvent(ev: Exclude<TcpEvent, { type: 'state' | 'accept-ready' }>): void {
    switch (ev.type) {
      case 'connected':
        return this.#onConnected();
      case 'readable':
      case 'peer-fin':
        if (this.#wantRead) this.#pull();
        return;
      case 'writable':
        return this.#flushWrite();
      case 'closed':
        return this.#onClosed(ev.error);
      case 'urgent':
        return;
    }
  }

  #onConnected(): void {
    if (this.destroyed || !this.connecting) return;
    this.connecting = false;
    this.#idle.touch();
    this.emit('connect');
    this.emit('ready');
    if (this.destroyed) return;
    if (this.#pendingWrite !== undefined) this.#flushWrite();
    if (this.#wantRead) this.#pull();
    else if (this.readable && !this.isPaused()) this.read(0);
  }

  #onClosed(error: TcpErrorCode | undefined): void {
    if (error === 'ECONNRESET' && this.#conn?.peerFin === true && !this.connecting) {
      // A reset after the peer's FIN: reading is over, so (as with kernel sockets) it surfaces as
      // EPIPE on the next write rather than as a read error.
      this.#writeDead = true;
      if (this.#pendingWrite !== undefined) this.#flushWrite();
      return;
    }
    if (error !== undefined) {
      const r = this.#conn?.remote;
      this.destroy(this.connecting && r !== undefined ? hostPortError(error, 'connect', r.address, r.port) : errnoError(error, 'read'));
      return;
    }
    // Orderly close: the peer's FIN is in; reading drains what is left, then 'end'.
    if (this.#wantRead) this.#pull();
  }

  // ================================================================ stream plumbing

  override _read(_size: number): void {
    this.#wantRead = true;
    if (this.#conn !== undefined && !this.connecting) this.#pull();
  }

  /** Moves bytes from TCP into the Readable while it wants more; never beyond. */
  #pull(): void {
    const c = this.#conn;
    if (c === undefined) return;
    let took = false;
    while (this.#wantRead && !this.destroyed) {
      // One chunk of at most 64 KiB per push, however much TCP holds (window scaling lets it hold
      // far more): the Readable buffer stays under its high-water mark plus one chunk, as with
      // Node's 64 KiB reads from the kernel.
      const chunk = c.recvChunk(READ_CHUNK); // a view of TCP's memory, which it never writes again
      if (chunk === undefined) {
        if (!this.#eofPushed && (c.eof || (c.state === 'CLOSED' && c.error === undefined))) {
          this.#eofPushed = true;
          this.#wantRead = false;
          this.push(null);
        }
        break;
      }
      took = true;
      this.#bytesRead += chunk.length;
      this.#wantRead = false;
      if (this.push(toBuffer(chunk))) this.#wantRead = true;
    }
    if (took) {
      this.#idle.touch();
      this.#host.kick(); // reading may have opened the window: let TCP announce it
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, cb: WriteCb): void {
    this.#writeData(chunk, cb);
  }

  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, cb: WriteCb): void {
    this.#writeData(chunks.length === 1 ? chunks[0]!.chunk : Buffer.concat(chunks.map((c) => c.chunk)), cb);
  }

  #writeData(data: Uint8Array, cb: WriteCb): void {
    this.#pendingWrite = { data, cb, taken: 0 };
    if (this.connecting) return; // sent once connected
    if (this.#conn === undefined) {
      this.#pendingWrite = undefined;
      cb(errSocketClosed());
      return;
    }
    this.#flushWrite();
  }

  /** Offers the pending chunk to TCP; completes the write when every byte was taken. */
  #flushWrite(): void {
    const p = this.#pendingWrite;
    const c = this.#conn;
    if (p === undefined || c === undefined || this.connecting) return;
    if (this.#writeDead) {
      this.#pendingWrite = undefined;
      p.cb(errnoError('EPIPE', 'write'));
      return;
    }
    const rest = p.taken === 0 ? p.data : p.data.subarray(p.taken);
    const r = c.send(rest, this.#host.now());
    if (typeof r !== 'number') {
      this.#pendingWrite = undefined;
      p.cb(errnoError(r.code === 'ENOTCONN' ? 'EPIPE' : r.code, 'write'));
      return;
    }
    if (r > 0) {
      p.taken += r;
      this.#dispatched += r;
      this.#idle.touch();
      this.#host.kick();
    }
    if (p.taken === p.data.length) {
      this.#pendingWrite = undefined;
      p.cb();
    }
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.pending) {
      this.once('connect', () => this._final(cb));
      return;
    }
    const c = this.#conn;
    if (c !== undefined) {
      c.shutdown(this.#host.now());
      this.#host.kick();
    }
    // Like a libuv shutdown request, completion is reported on a later tick.
    this.#host.defer(() => cb());
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    const wasConnecting = this.connecting;
    this.connecting = false;
    this.#idle.cancel();
    const c = this.#conn;
    if (c !== undefined) {
      this.#host.disown(c);
      if (c.state !== 'CLOSED') {
        if (this.#reset) c.abort(this.#host.now());
        else c.close(this.#host.now());
        this.#host.kick();
      }
    }
    const p = this.#pendingWrite;
    this.#pendingWrite = undefined;
    if (p !== undefined) p.cb(wasConnecting ? errClosedBeforeConnection() : null);
    this.#hold.release();
    const server = this.#acceptedBy;
    this.#acceptedBy = undefined;
    cb(err);
    const hadError = err !== null && err !== undefined;
    // Node emits 'close' from the handle's close callback, a turn of the event loop later.
    if (this.#everOpened) this.#host.later(() => this.emit('close', hadError));
    else this.#host.defer(() => this.emit('close'));
    if (server !== undefined) server.connectionClosed();
  }

  // ================================================================ Node's socket methods

  /** Inactivity timeout: 'timeout' after `msecs` without reads or writes (0 disables). */
  setTimeout(msecs: number, callback?: () => void): this {
    const ms = validateTimeout(msecs);
    this.timeout = ms;
    if (callback !== undefined) {
      if (typeof callback !== 'function') throw errArgType('callback', ['function'], callback);
      if (ms === 0) this.removeListener('timeout', callback);
      else this.once('timeout', callback);
    }
    if (!this.destroyed) this.#idle.set(ms);
    return this;
  }

  /** RFC 896 Nagle's algorithm off (true, the default) or on. */
  setNoDelay(noDelay?: boolean): this {
    const v = noDelay === undefined ? true : Boolean(noDelay);
    this.#noDelay = v;
    if (this.#conn !== undefined && this.#conn.state !== 'CLOSED') {
      this.#conn.setNoDelay(v);
      this.#host.kick();
    }
    return this;
  }

  /** RFC 1122 §4.2.3.6 keep-alive; `initialDelay` ms of idleness before the first probe. */
  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    const on = Boolean(enable);
    this.#keepAlive = on;
    this.#keepAliveIdle = keepAliveMs(initialDelay);
    if (this.#conn !== undefined && this.#conn.state !== 'CLOSED') {
      this.#conn.setKeepAlive(on, this.#keepAliveIdle);
      this.#host.kick();
    }
    return this;
  }

  /** Destroys the socket with a RST instead of a FIN (SO_LINGER 0). */
  resetAndDestroy(): this {
    if (this.#conn === undefined && !this.connecting) {
      this.destroy(errSocketClosed());
      return this;
    }
    if (this.connecting) {
      this.once('connect', () => {
        this.#reset = true;
        this.destroy();
      });
    } else {
      this.#reset = true;
      this.destroy();
    }
    return this;
  }

  /** end(), then destroy once the write side has finished. */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }

  /**
   * A snapshot of the TCP connection's state (congestion window, RTT estimator, MSS, flight,
   * retransmission counts…; see docs/net.md), or undefined before the connection exists.
   * layer4's own addition, like Linux's TCP_INFO.
   */
  info(): TcpInfo | undefined {
    return this.#conn === undefined ? undefined : tcpInfo(this.#conn);
  }

  address(): AddressInfo | Record<string, never> {
    return this.#local !== undefined ? { ...this.#local } : {};
  }

  /** Keep the network running while this socket is open (the default). */
  ref(): this {
    this.#hold.ref(!this.destroyed && (this.connecting || this.#conn !== undefined));
    return this;
  }

  /** Let the network stop running on this socket's account. */
  unref(): this {
    this.#hold.unref();
    return this;
  }

  get remoteAddress(): string | undefined {
    return this.#remote?.address;
  }

  get remotePort(): number | undefined {
    return this.#remote?.port;
  }

  get remoteFamily(): string | undefined {
    return this.#remote?.family;
  }

  get localAddress(): string | undefined {
    return this.#local?.address;
  }

  get localPort(): number | undefined {
    return this.#local?.port;
  }

  get localFamily(): string | undefined {
    return this.#local?.family;
  }

  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** Bytes handed to TCP plus bytes still queued in the socket. */
  get bytesWritten(): number {
    return this.#dispatched + this.writableLength - (this.#pendingWrite?.taken ?? 0);
  }

  /** Deprecated in Node; the bytes queued for writing. */
  get bufferSize(): number | undefined {
    return this.#conn !== undefined ? this.writableLength : undefined;
  }

  /** True until connected (no connection yet, or connecting). */
  get pending(): boolean {
    return this.#conn === undefined || this.connecting || this.destroyed;
  }

  get readyState(): 'opening' | 'open' | 'readOnly' | 'writeOnly' | 'closed' {
    if (this.connecting) return 'opening';
    if (this.readable && this.writable) return 'open';
    if (this.readable && !this.writable) return 'readOnly';
    if (!this.readable && this.writable) return 'writeOnly';
    return 'closed';
  }

  /** @internal The TCP connection (diagnostics, tests). */
  get _connection(): TcpConnection | undefined {
    return this.#conn;
  }
}

/** Node's keepAliveInitialDelay: whole seconds (as the kernel takes them); 0 keeps the default. */
function keepAliveMs(initialDelay: unknown): number | undefined {
  const s = Math.floor(Number(initialDelay ?? 0) / 1000);
  return s > 0 ? s * 1000 : undefined;
}
