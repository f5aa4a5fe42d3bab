// UDP (RFC 768) on the stack: the bind table (one port ⇒ one socket per address it covers,
// ports/port-table.ts; ephemeral ports by RFC 6056), demultiplexing, checksums (RFC 768 for IPv4 —
// a zero checksum is accepted on receive; RFC 8200 §8.1 for IPv6 — mandatory), ICMP port
// unreachable for datagrams nobody wants (RFC 1122 §4.1.3.1), and ICMP errors turned into socket
// errors for connected sockets (as Linux does: only connected sockets hear about them).

import { UdpView, emitUdp, udpChecksumStatus, UDP_HEADER } from '../wire/udp.js';
import { IpProto } from '../wire/ip-proto.js';
import { PortTable } from '../ports/port-table.js';
import { netFail, netOk, type NetErrorCode, type NetResult } from '../stack/errors.js';
import type { IcmpNotice, IpHost } from '../stack/host.js';
import type { Inbound } from '../stack/inbound.js';
import { countDrop } from '../stack/stats.js';
import type { Endpoint, IpAddress } from '../stack/types.js';
import { toUser, toWire, type WireAddress } from './addresses.js';
import { UdpSocket, type UdpOpenOptions } from './socket.js';

/** Largest UDP payload: 65535 − 20 (IPv4 header) − 8, and 65535 − 8 for IPv6 (Payload Length excludes the fixed header). */
export const UDP_MAX_PAYLOAD_V4 = 65507;
export const UDP_MAX_PAYLOAD_V6 = 65527;

export interface UdpLayerOptions {
  /** 16-byte RFC 6056 secret. */
  key: Uint8Array;
  ephemeralMin?: number;
  ephemeralMax?: number;
}

export class UdpLayer {
  readonly ports: PortTable;
  /** Bound sockets by local port, for demultiplexing (the PortTable decides who may bind). */
  private readonly byPort = new Map<number, UdpSocket[]>();
  private bound = 0;
  private nextId = 1;
  private readonly view = new UdpView();

  constructor(private readonly host: IpHost, opts: UdpLayerOptions) {
    const p: ConstructorParameters<typeof PortTable>[0] = { key: opts.key };
    if (opts.ephemeralMin !== undefined) p.ephemeralMin = opts.ephemeralMin;
    if (opts.ephemeralMax !== undefined) p.ephemeralMax = opts.ephemeralMax;
    this.ports = new PortTable(p);
  }

  /** A new unbound socket. */
  open(opts: UdpOpenOptions): UdpSocket {
    return new UdpSocket(this.nextId++, this, opts, this.host.config.recvBufferBytes);
  }

  /** Sockets currently bound. */
  get boundCount(): number {
    return this.bound;
  }

  // ---- called by UdpSocket ------------------------------------------------------------------

  bind(s: UdpSocket, address: IpAddress, port: number, remote?: Endpoint): NetResult<Endpoint> {
    if (s.closed) return netFail('EBADF', 'bind', 'socket is closed');
    if (s.local) return netFail('EINVAL', 'bind', 'socket is already bound');
    if (!Number.isInteger(port) || port < 0 || port > 65535) return netFail('EINVAL', 'bind', `port ${port} outside 0..65535`);
    const a = toWire(address, s.family, s.ipv6Only);
    if (!a) return netFail('EINVAL', 'bind', `${address} is not an IPv${s.family} address for this socket`);
    if (!a.wildcard && !this.host.interfaces.isLocal(a.wire)) return netFail('EADDRNOTAVAIL', 'bind', `${address} is not a local address`);
    const opts = { reuseAddr: s.reuseAddr, v6only: s.ipv6Only };
    let bound = port;
    if (port === 0) {
      const r = this.ports.bindEphemeral(a.user, opts, remote);
      if (!r.ok) return netFail(r.code, 'bind', r.code === 'EADDRINUSE' ? 'no ephemeral port left' : `cannot bind ${address}`);
      bound = r.port;
    } else {
      const r = this.ports.bind(a.user, port, opts);
      if (!r.ok) return netFail(r.code, 'bind', r.code === 'EADDRINUSE' ? `${address}:${port} is in use` : `cannot bind ${address}:${port}`);
    }
    s.local = { address: a.user, wire: a.wire, wildcard: a.wildcard, wireFamily: a.family, port: bound };
    const list = this.byPort.get(bound);
    if (list) list.push(s);
    else this.byPort.set(bound, [s]);
    this.bound++;
    this.host.emit({ type: 'udp-listening', socket: s });
    return netOk({ address: a.user, port: bound });
  }

  connect(s: UdpSocket, address: IpAddress, port: number): NetResult<Endpoint> {
    if (s.closed) return netFail('EBADF', 'connect', 'socket is closed');
    if (!Number.isInteger(port) || port < 1 || port > 65535) return netFail('EINVAL', 'connect', `port ${port} outside 1..65535`);
    const a = toWire(address, s.family, s.ipv6Only);
    if (!a || a.wildcard) return netFail('EINVAL', 'connect', `${address} is not a peer address for this socket`);
    if (this.host.sourceFor(a.wire) === undefined) return netFail('ENETUNREACH', 'connect', `no route to ${address}`);
    if (!s.local) {
      const b = this.bind(s, s.family === 4 ? '0.0.0.0' : '::', 0, { address: a.user, port });
      if (!b.ok) return { ok: false, error: { ...b.error, syscall: 'connect' } };
    }
    s.remote = { address: a.user, wire: a.wire, wireFamily: a.family, bytes: a.bytes, port };
    return netOk({ address: a.user, port });
  }

  close(s: UdpSocket): void {
    if (!s.local) return;
    this.ports.release(s.local.address, s.local.port);
    const list = this.byPort.get(s.local.port);
    const i = list ? list.indexOf(s) : -1;
    if (list && i >= 0) {
      list.splice(i, 1);
      if (list.length === 0) this.byPort.delete(s.local.port);
      this.bound--;
    }
    s.local = undefined;
    s.remote = undefined;
  }

  send(s: UdpSocket, data: Uint8Array, address: IpAddress | undefined, port: number | undefined, now: number): NetResult<number> {
    const host = this.host;
    if (s.closed) return netFail('EBADF', 'send', 'socket is closed');
    let dst: { wire: IpAddress; wireFamily: 4 | 6; bytes: Uint8Array; port: number };
    if (address === undefined) {
      if (!s.remote) return netFail('EDESTADDRREQ', 'send', 'no destination: socket is not connected');
      dst = s.remote;
    } else {
      if (s.remote) return netFail('EISCONN', 'send', 'socket is connected');
      if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) return netFail('EINVAL', 'send', `port ${port} outside 1..65535`);
      const a = this.destination(address, s);
      if (!a || a.wildcard) return netFail('EINVAL', 'send', `${address} is not a destination for this socket`);
      dst = { wire: a.wire, wireFamily: a.family, bytes: a.bytes, port };
    }
    const max = dst.wireFamily === 4 ? UDP_MAX_PAYLOAD_V4 : UDP_MAX_PAYLOAD_V6;
    if (data.length > max) return netFail('EMSGSIZE', 'send', `${data.length} bytes exceed the UDP maximum of ${max}`);
    if (dst.wireFamily === 4 && host.interfaces.isBroadcast(dst.wire) && !s.broadcast) return netFail('EACCES', 'send', 'broadcast needs setBroadcast(true)');
    if (!s.local) {
      const b = this.bind(s, s.family === 4 ? '0.0.0.0' : '::', 0);
      if (!b.ok) return { ok: false, error: { ...b.error, syscall: 'send' } };
    }
    const local = s.local!;
    let src: IpAddress | undefined;
    if (!local.wildcard) {
      if (local.wireFamily !== dst.wireFamily) return netFail('EINVAL', 'send', `cannot reach ${dst.wire} from ${local.address}`);
      src = local.wire;
    } else {
      src = host.sourceFor(dst.wire);
    }
    if (src === undefined) return netFail('ENETUNREACH', 'send', `no route to ${dst.wire}`);
    const srcBytes = this.addrBytes(src);
    const dstBytes = dst.bytes;
    const repr = { srcPort: local.port, dstPort: dst.port, payload: data };
    // The datagram is written straight into the IP packet (RFC 768 checksum over the pseudo-header).
    const payload = { length: UDP_HEADER + data.length, write: (buf: Uint8Array, off: number) => void emitUdp(repr, buf, off, srcBytes, dstBytes) };
    const spec = { family: dst.wireFamily, src, dst: dst.wire, protocol: IpProto.UDP, payload };
    const r = host.sendIp(s.ttl === undefined ? spec : { ...spec, ttl: s.ttl }, now);
    if (!r.ok) return netFail(r.code, 'send', `datagram to ${dst.wire} not sent (${r.code})`);
    host.stats.udp.outDatagrams++;
    return netOk(data.length);
  }

  // ---- called by the stack ------------------------------------------------------------------

  input(inb: Inbound, now: number): void {
    const stats = this.host.stats;
    const v = this.view;
    const p = inb.payload;
    if (v.set(p, 0, p.length) !== undefined) {
      stats.udp.inErrors++;
      countDrop(stats, 'udp-header');
      return;
    }
    if (udpChecksumStatus(p, 0, p.length, inb.srcBytes, inb.dstBytes) === 'invalid') {
      stats.udp.inErrors++;
      countDrop(stats, 'udp-checksum');
      return;
    }
    const srcPort = v.srcPort;
    const s = this.demux(inb.dst, v.dstPort, inb.src, srcPort);
    if (!s) {
      stats.udp.noPorts++;
      countDrop(stats, 'udp-no-port');
      // RFC 1122 §4.1.3.1: SHOULD send port unreachable (the error policy vetoes broadcasts etc.).
      this.host.sendIcmpError(inb.packet, inb.ifIndex, { kind: 'port-unreachable' }, now);
      return;
    }
    const data = v.payload.slice();
    const r = s.enqueue({ data, address: toUser(inb.src, inb.family, s.family), port: srcPort, family: s.family, size: data.length });
    if (r === 'full') {
      stats.udp.rcvbufErrors++;
      countDrop(stats, 'udp-rcvbuf');
      return;
    }
    stats.udp.inDatagrams++;
    if (r === 'first') this.host.emit({ type: 'udp-readable', socket: s });
  }

  /** An ICMP error quoting a datagram we sent: a hard error reaches the connected socket it came from. */
  icmpNotice(n: IcmpNotice): void {
    const q = n.quoted;
    if (q.srcPort === undefined || q.dstPort === undefined) return;
    const code = errorCode(n);
    if (code === undefined) return;
    const s = this.demux(q.src, q.srcPort, q.dst, q.dstPort);
    if (!s?.remote) return;
    this.host.emit({ type: 'udp-error', socket: s, error: { code, syscall: 'recv', message: `ICMP ${n.kind} code ${n.code} from ${n.from}` } });
  }

  /**
   * The socket for a datagram to local `dst`:`dstPort` from `src`:`srcPort` (wire addresses): a
   * socket bound to exactly that address first, then the wildcard of the family, then a dual-stack
   * '::' socket for IPv4 — the order PortTable.lookup() defines.
   */
  private demux(dst: IpAddress, dstPort: number, src: IpAddress, srcPort: number): UdpSocket | undefined {
    const list = this.byPort.get(dstPort);
    if (!list) return undefined;
    const family = dst.includes(':') ? 6 : 4;
    let exact: UdpSocket | undefined;
    let wildcard: UdpSocket | undefined;
    let dual: UdpSocket | undefined;
    for (const s of list) {
      const l = s.local!;
      if (!l.wildcard) {
        if (l.wire === dst) exact = s;
      } else if (l.wireFamily === family) {
        wildcard ??= s;
      } else if (family === 4 && !s.ipv6Only) {
        dual ??= s;
      }
    }
    const s = exact ?? wildcard ?? dual;
    // A connected socket only hears from its peer (Linux scores others as no match).
    if (s?.remote && (s.remote.wire !== src || s.remote.port !== srcPort)) return undefined;
    return s;
  }

  private readonly bytesCache = new Map<IpAddress, Uint8Array>();
  private readonly destCache = new Map<string, WireAddress | null>();

  /** toWire() for send destinations, cached (sending to the same peers is the common case). */
  private destination(address: IpAddress, s: UdpSocket): WireAddress | undefined {
    const key = `${s.family}${s.ipv6Only ? 'o' : ''}${address}`;
    let a = this.destCache.get(key);
    if (a === undefined) {
      a = toWire(address, s.family, s.ipv6Only) ?? null;
      if (this.destCache.size >= 1024) this.destCache.clear();
      this.destCache.set(key, a);
    }
    return a ?? undefined;
  }

  private addrBytes(a: IpAddress): Uint8Array {
    let b = this.bytesCache.get(a);
    if (!b) {
      b = toWire(a, a.includes(':') ? 6 : 4, false)!.bytes;
      if (this.bytesCache.size > 256) this.bytesCache.clear();
      this.bytesCache.set(a, b);
    }
    return b;
  }
}

/**
 * ICMP error → socket error code for connected sockets (hard errors only; time exceeded, packet too
 * big and parameter problems are not reported, as on Linux without IP_RECVERR).
 */
function errorCode(n: IcmpNotice): NetErrorCode | undefined {
  if (n.kind !== 'unreachable') return undefined;
  if (n.family === 4) {
    switch (n.code) {
      case 0: case 6: case 9: case 11:
        return 'ENETUNREACH';
      case 1: case 7: case 8: case 10: case 12: case 13: case 14: case 15:
        return 'EHOSTUNREACH';
      case 2:
        return 'ENOPROTOOPT';
      case 3:
        return 'ECONNREFUSED';
      default:
        return undefined;
    }
  }
  switch (n.code) {
    case 0:
      return 'ENETUNREACH';
    case 1: case 5: case 6:
      return 'EACCES';
    case 2: case 3:
      return 'EHOSTUNREACH';
    case 4:
      return 'ECONNREFUSED';
    default:
      return undefined;
  }
}
