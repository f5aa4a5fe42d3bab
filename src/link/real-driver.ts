// Runs a layer4 host against a real packet port (a TUN device, a UDP tunnel) on Node's event loop.
// The host lives on a real-clock network (sim/network.ts, clock 'real'): its RealDriver keeps one
// timer armed at the earliest deadline (stack.pollAt()) and re-arms it after every batch, so TCP
// timers fire when they are due without a periodic tick. The port appears on that network as one
// more node owning the peer's addresses: packets the host sends to those addresses (its next hop)
// go out through the port, and packets read from the port are switched to the host by their
// destination address. Reads arrive in batches; writes are batched per service of the node.

import type { Host } from '../api/host.js';
import { createNetwork, type Network } from '../sim/index.js';
import type { SimNode } from '../sim/node.js';
import type { OutboundPacket, PacketEngine } from '../stack/types.js';
import { formatIpv4, formatIpv6 } from '../wire/address.js';

/** What the driver needs from a link to the outside world. */
export interface PacketPort {
  onPackets(handler: (packets: Uint8Array[]) => void): void;
  send(packets: readonly Uint8Array[]): number;
  close(): void;
}

/** Destination address of an IP packet, or undefined when it is not a plausible IPv4/IPv6 packet. */
export function packetDestination(p: Uint8Array): string | undefined {
  const v = p[0]! >> 4;
  if (v === 4 && p.length >= 20) return formatIpv4(p, 16);
  if (v === 6 && p.length >= 40) return formatIpv6(p, 24);
  return undefined;
}

/** The port as a PacketEngine: receive() queues toward the port, poll() flushes and returns what the port read. */
class PortEngine implements PacketEngine {
  private tx: Uint8Array[] = [];
  private rx: OutboundPacket[] = [];
  dropped = 0;

  constructor(private readonly port: PacketPort) {}

  inbound(packets: Uint8Array[]): void {
    for (const packet of packets) {
      const nextHop = packetDestination(packet);
      if (nextHop === undefined) this.dropped++;
      else this.rx.push({ ifIndex: 0, nextHop, packet });
    }
  }

  receive(packet: Uint8Array): void {
    this.tx.push(packet);
  }

  poll(): OutboundPacket[] {
    if (this.tx.length > 0) {
      const batch = this.tx;
      this.tx = [];
      this.port.send(batch);
    }
    const out = this.rx;
    this.rx = [];
    return out;
  }

  pollAt(): number | undefined {
    return undefined;
  }
}

/** Puts `port` on `net` as the node owning `peer` (address or CIDR list); returns that node. */
export function attachPort(net: Network, port: PacketPort, peer: string | readonly string[], name = 'peer'): SimNode {
  const engine = new PortEngine(port);
  const node = net.attach({ address: peer, name, engine: () => ({ engine, ifIndex: 0 }) });
  port.onPackets((packets) => {
    engine.inbound(packets);
    node.kick();
  });
  net.onClose(() => port.close());
  return node;
}

export interface PortHostOptions {
  /** layer4's own address(es), CIDR (bare gets /24 or /64). */
  address: string | readonly string[];
  /** The addresses reached through the port (the kernel side of a TUN, the other tunnel end). */
  peer: string | readonly string[];
  mtu?: number;
  tcp?: object;
  name?: string;
  seed?: number;
}

export interface PortHost {
  readonly net: Network;
  readonly host: Host;
  close(): void;
}

/** A layer4 host on a real clock whose only neighbour is `port`. */
export function createPortHost(port: PacketPort, opts: PortHostOptions): PortHost {
  const net = createNetwork({ clock: 'real', seed: opts.seed ?? ((Date.now() >>> 0) | 1) });
  const host = net.host({
    address: opts.address,
    name: opts.name ?? 'layer4',
    ...(opts.mtu !== undefined ? { mtu: opts.mtu } : {}),
    ...(opts.tcp !== undefined ? { tcp: opts.tcp } : {}),
  });
  attachPort(net, port, opts.peer);
  return { net, host, close: () => net.close() };
}
