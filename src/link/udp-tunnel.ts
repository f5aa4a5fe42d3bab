// IP packets inside UDP datagrams over node:dgram: one packet per datagram, no extra header.
// Two layer4 processes (or hosts) talk through it with no root and no TUN. The socket is
// connected to the remote, so datagrams from any other address are dropped (by the kernel, and
// checked again here). Datagrams the socket delivers in one loop turn (libuv reads several per
// wake-up) go to the stack as one batch.

import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { createPortHost, type PacketPort, type PortHost } from './real-driver.js';
import { invalidArgType, invalidArgValue } from '../wire/arg-errors.js';

export interface UdpTunnelOptions {
  /** 'ADDR:PORT' to bind ('[v6]:PORT' for IPv6). Port 0 picks a free one. */
  local: string;
  /** 'ADDR:PORT' of the other end. */
  remote: string;
}

export interface HostPort {
  address: string;
  port: number;
}

/** 'ADDR:PORT' / '[V6]:PORT' → parts, or undefined when malformed. */
export function parseHostPort(text: string): HostPort | undefined {
  const m = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:\[\]]+):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port > 65535) return undefined;
  return { address: m[1]!, port };
}

export class UdpTunnel implements PacketPort {
  private handler: ((packets: Uint8Array[]) => void) | undefined;
  private pending: Uint8Array[] = [];
  private flushQueued = false;
  private closed = false;
  readonly stats = { rxPackets: 0, txPackets: 0, rxForeign: 0, txErrors: 0 };

  private constructor(
    private readonly socket: Socket,
    readonly remote: HostPort,
  ) {
    // The other end not running yet (ICMP port unreachable → ECONNREFUSED on a connected socket)
    // is packet loss to the stack above, not a failure of the tunnel.
    socket.on('error', () => {
      this.stats.txErrors++;
    });
    socket.on('message', (msg, rinfo) => {
      if (rinfo.port !== remote.port || rinfo.address !== remote.address) {
        this.stats.rxForeign++;
        return;
      }
      this.stats.rxPackets++;
      this.pending.push(new Uint8Array(msg.buffer, msg.byteOffset, msg.length));
      if (!this.flushQueued) {
        this.flushQueued = true;
        setImmediate(this.flush);
      }
    });
  }

  private readonly flush = (): void => {
    this.flushQueued = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0 && this.handler && !this.closed) this.handler(batch);
  };

  /** Binds the local end. Rejects with the socket's error (EADDRINUSE …) or a RangeError for bad text. */
  static async open(opts: UdpTunnelOptions): Promise<UdpTunnel> {
    if (opts === null || typeof opts !== 'object') throw invalidArgType('options', 'of type object', opts);
    const local = parseHostPort(opts.local);
    const remote = parseHostPort(opts.remote);
    if (!local) throw invalidArgValue(`local must be ADDR:PORT, got ${opts.local}`, RangeError);
    if (!remote) throw invalidArgValue(`remote must be ADDR:PORT, got ${opts.remote}`, RangeError);
    const socket = createSocket({ type: isIPv6(local.address) ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(local.port, local.address, () => {
        // A connected socket: no per-send address lookup, and the kernel itself filters senders.
        socket.connect(remote.port, remote.address, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    });
    return new UdpTunnel(socket, remote);
  }

  /** The bound local address (port resolved when 0 was asked for). */
  address(): HostPort {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  onPackets(handler: (packets: Uint8Array[]) => void): void {
    this.handler = handler;
  }

  send(packets: readonly Uint8Array[]): number {
    if (this.closed) return 0;
    for (const p of packets) this.socket.send(p);
    this.stats.txPackets += packets.length;
    return packets.length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }
}

/** Opens a UDP tunnel. */
export function createUdpTunnel(opts: UdpTunnelOptions): Promise<UdpTunnel> {
  return UdpTunnel.open(opts);
}

export interface UdpTunnelHostOptions extends UdpTunnelOptions {
  /** This host's layer4 address(es), CIDR. */
  address: string | readonly string[];
  /** The other end's layer4 address(es). */
  peer: string | readonly string[];
  mtu?: number;
  tcp?: object;
}

/** A layer4 host on a real clock whose only link is a UDP tunnel. */
export async function createUdpTunnelHost(opts: UdpTunnelHostOptions): Promise<PortHost & { tunnel: UdpTunnel }> {
  const tunnel = await createUdpTunnel(opts);
  const ph = createPortHost(tunnel, {
    address: opts.address,
    peer: opts.peer,
    ...(opts.mtu !== undefined ? { mtu: opts.mtu } : {}),
    ...(opts.tcp !== undefined ? { tcp: opts.tcp } : {}),
  });
  return { ...ph, tunnel };
}
