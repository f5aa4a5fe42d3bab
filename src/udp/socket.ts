// A sans-IO UDP socket handle (RFC 768). Calls return results (NetResult) with Node error codes;
// asynchronous happenings (readable, errors from ICMP, listening) come out of stack.pollEvents()
// as StackEvents naming the socket. Datagrams wait in a bounded receive queue until recv().

import type { NetResult } from '../stack/errors.js';
import type { Endpoint, IpAddress } from '../stack/types.js';
import type { UdpLayer } from './udp-layer.js';

export interface UdpMessage {
  data: Uint8Array;
  /** Sender, in the socket's address form (IPv4-mapped on a dual-stack IPv6 socket). */
  address: IpAddress;
  port: number;
  family: 4 | 6;
  /** data.length, as Node's rinfo.size. */
  size: number;
}

export interface UdpOpenOptions {
  family: 4 | 6;
  /** IPV6_V6ONLY (RFC 3493 §5.3): an IPv6 socket that does not also carry IPv4. Default false. */
  ipv6Only?: boolean;
  /** SO_REUSEADDR as the bind table defines it (ports/port-table.ts). */
  reuseAddr?: boolean;
  /** Receive queue bound in data bytes (default from the stack options). */
  recvBufferBytes?: number;
}

export class UdpSocket {
  readonly family: 4 | 6;
  readonly ipv6Only: boolean;
  readonly reuseAddr: boolean;
  recvBufferBytes: number;
  /** Datagrams dropped because the receive queue was full. */
  drops = 0;
  broadcast = false;
  ttl: number | undefined;

  /** @internal bound local address (user form) and port */
  local: { address: IpAddress; wire: IpAddress; wildcard: boolean; wireFamily: 4 | 6; port: number } | undefined;
  /** @internal connected peer */
  remote: { address: IpAddress; wire: IpAddress; wireFamily: 4 | 6; bytes: Uint8Array; port: number } | undefined;
  /** @internal */
  closed = false;

  private readonly queue: Array<UdpMessage | undefined> = [];
  private head = 0;
  private queuedBytes = 0;

  constructor(
    readonly id: number,
    private readonly layer: UdpLayer,
    opts: UdpOpenOptions,
    defaultRecvBuffer: number,
  ) {
    this.family = opts.family;
    this.ipv6Only = opts.ipv6Only === true;
    this.reuseAddr = opts.reuseAddr === true;
    this.recvBufferBytes = opts.recvBufferBytes ?? defaultRecvBuffer;
  }

  /** Binds to `address` (default the wildcard of the family) and `port` (0 → ephemeral, RFC 6056). */
  bind(address?: IpAddress, port = 0): NetResult<Endpoint> {
    return this.layer.bind(this, address ?? (this.family === 4 ? '0.0.0.0' : '::'), port);
  }

  /** Fixes the peer: send() without an address goes there, and only its datagrams are received. */
  connect(address: IpAddress, port: number): NetResult<Endpoint> {
    return this.layer.connect(this, address, port);
  }

  disconnect(): NetResult<undefined> {
    if (this.closed) return { ok: false, error: { code: 'EBADF', syscall: 'disconnect', message: 'socket is closed' } };
    if (!this.remote) return { ok: false, error: { code: 'ENOTCONN', syscall: 'disconnect', message: 'socket is not connected' } };
    this.remote = undefined;
    return { ok: true, value: undefined };
  }

  /** Sends one datagram; returns the number of data bytes sent. */
  send(data: Uint8Array, now: number): NetResult<number>;
  send(data: Uint8Array, address: IpAddress | undefined, port: number | undefined, now: number): NetResult<number>;
  send(data: Uint8Array, a: IpAddress | number | undefined, port?: number, now?: number): NetResult<number> {
    if (typeof a === 'number') return this.layer.send(this, data, undefined, undefined, a);
    return this.layer.send(this, data, a, port, now ?? 0);
  }

  /** The next queued datagram, or undefined when the queue is empty. */
  recv(): UdpMessage | undefined {
    if (this.head >= this.queue.length) return undefined;
    const m = this.queue[this.head]!;
    this.queue[this.head] = undefined;
    this.head++;
    this.queuedBytes -= m.size;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return m;
  }

  /** Datagrams waiting in the receive queue. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  get pendingBytes(): number {
    return this.queuedBytes;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Local endpoint (user address form), once bound. */
  address(): Endpoint | undefined {
    return this.local ? { address: this.local.address, port: this.local.port } : undefined;
  }

  remoteAddress(): Endpoint | undefined {
    return this.remote ? { address: this.remote.address, port: this.remote.port } : undefined;
  }

  /** SO_BROADCAST: sending to a broadcast address fails with EACCES unless set (as on Linux). */
  setBroadcast(on: boolean): void {
    this.broadcast = on;
  }

  /** IP_TTL / IPV6_UNICAST_HOPS for datagrams from this socket (1..255). */
  setTtl(ttl: number): NetResult<undefined> {
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 255) return { ok: false, error: { code: 'EINVAL', syscall: 'setTTL', message: `TTL ${ttl} outside 1..255` } };
    this.ttl = ttl;
    return { ok: true, value: undefined };
  }

  /** Releases the port and drops queued datagrams. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.layer.close(this);
    this.closed = true;
    this.queue.length = 0;
    this.head = 0;
    this.queuedBytes = 0;
  }

  /** @internal Queues a datagram; false when the queue is full (the datagram is dropped). */
  enqueue(m: UdpMessage): 'queued' | 'first' | 'full' {
    // Like a socket receive buffer: an empty queue always takes one datagram.
    if (this.pending > 0 && this.queuedBytes + m.size > this.recvBufferBytes) {
      this.drops++;
      return 'full';
    }
    this.queue.push(m);
    this.queuedBytes += m.size;
    return this.pending === 1 ? 'first' : 'queued';
  }
}
