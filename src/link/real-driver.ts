// Runs a layer4 host against a real packet port (a TUN device, a UDP tunnel) on Node's event loop.
// The host lives on a real-clock network (sim/network.ts, clock 'real'): its RealDriver keeps one
// timer armed at the earliest deadline (stack.pollAt()) and re-arms it after every batch, so TCP
// timers fire when they are due without a periodic tick.
//
// createPortHost() wires the port straight to the host (connectPort): a batch read in one wake-up
// goes to Stack.receiveBatch (GRO on: in-order data of a flow is taken as one segment) and the
// host is serviced in the same turn, so its answer (ACKs, echo replies) is written before the
// callback returns; everything one service emits is written with one port call, and TCP
// super-segments reach a port that takes them whole (sendOutbound: a TUN with TSO) uncut. Being
// done with each batch when the callback returns, it lets a port lend TCP segments from a reused
// read buffer (transientTcp) instead of copying each into fresh memory.
// attachPort() is the general form: the port as one more node on the network's segment, owning the
// peer's addresses (packets to them are switched through a path, one scheduler event each).

import type { Host } from '../api/host.js';
import { createNetwork, type Network } from '../sim/index.js';
import type { SimNode } from '../sim/node.js';
import type { OutboundPacket, PacketEngine } from '../stack/types.js';
import { formatIpv4, formatIpv6 } from '../wire/address.js';
import { splitTcpSegments } from '../wire/tcp-gso.js';
import { PacketPool, type PacketPoolCounters } from '../stack/packet-pool.js';
import { transportChecksumVerified } from '../stack/link-verified.js';
import { copyWithTcpChecksum } from './tun-offload.js';

/** What the driver needs from a link to the outside world. */
export interface PacketPort {
  onPackets(handler: (packets: Uint8Array[]) => void): void;
  send(packets: readonly Uint8Array[]): number;
  /**
   * Optional: takes the stack's output as it is, TCP super-segments (`gsoSize` set) included, and
   * returns the wire packets taken. Without it super-segments are cut into wire segments for send().
   */
  sendOutbound?(out: readonly OutboundPacket[]): number;
  /**
   * Optional: a port that can hand TCP segments over as views of a reused buffer declares this
   * (false); connectPort() sets it true, since it is done with every packet when the handler
   * returns (TunDevice.transientTcp).
   */
  transientTcp?: boolean;
  /**
   * Optional: true when send()/sendOutbound() are done with the packets when they return (a TUN
   * write copies them into the kernel). connectPort() then lets the host write its TCP packets
   * into recycled memory (PacketPool) and gives each back after the write.
   */
  readonly syncWrites?: boolean;
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
  /** What connectPort() counted. */
  readonly port: PortCounters;
  close(): void;
}

/** Counters of a port connected with connectPort(). */
export interface PortCounters {
  /** Wake-ups that delivered packets (each one receiveBatch and one service). */
  batches: number;
  /** Calls into the port's send()/sendOutbound() (one per service that emitted packets). */
  writes: number;
  /** Super-segments handed to sendOutbound() whole. */
  superSegments: number;
  /** The recycled packet memory of a port with syncWrites (its counters), else undefined. */
  pool: PacketPoolCounters | undefined;
}

/**
 * Makes `port` the only link of `host` (on a real-clock network): every packet the host emits goes
 * to the port, every batch the port reads goes to the host. Turns on GRO for the host's interface.
 */
export function connectPort(net: Network, host: Host, port: PacketPort): PortCounters {
  const node = host.node;
  // A port that is done with what it was given when the call returns: TCP packets are written into
  // recycled slabs and given back right after the write (nothing else holds them: captures copy).
  const pool = port.syncWrites === true ? new PacketPool() : undefined;
  const counters: PortCounters = { batches: 0, writes: 0, superSegments: 0, pool: pool?.counters };
  const seg = net.segment;
  const own = new Set(node.addresses);
  host.stack.interfaces.setOffloads(node.ifIndex, { gro: true });
  if (pool !== undefined) host.stack.setPacketMemory(pool);
  const release = (out: readonly OutboundPacket[]): void => {
    // Observers (a trace recorder) may keep views of what they see: nothing is recycled then.
    if (pool === undefined || seg.onTransmit.length > 0) return;
    for (const o of out) pool.release(o.packet);
  };
  node.egress = (out, now) => {
    let toPort = out;
    if (seg.onTransmit.length > 0 || out.some((o) => own.has(o.nextHop))) {
      // Captures see wire segments, as on the segment; a packet to the host itself loops back.
      toPort = [];
      for (const o of out) {
        for (const f of seg.onTransmit) {
          if (o.gsoSize === undefined) f(o.packet, now);
          else for (const p of splitTcpSegments(o.packet, o.gsoSize)) f(p, now);
        }
        if (own.has(o.nextHop)) node.deliver(o.packet, now);
        else toPort.push(o);
      }
      if (toPort.length === 0) return;
    }
    counters.writes++;
    if (port.sendOutbound !== undefined) {
      for (const o of toPort) if (o.gsoSize !== undefined) counters.superSegments++;
      port.sendOutbound(toPort);
      release(toPort);
      return;
    }
    const packets: Uint8Array[] = [];
    for (const o of toPort) {
      if (o.gsoSize === undefined) packets.push(o.packet);
      else for (const p of splitTcpSegments(o.packet, o.gsoSize)) packets.push(p);
    }
    port.send(packets);
    release(toPort);
  };
  if (port.transientTcp !== undefined) port.transientTcp = true;
  port.onPackets((packets) => {
    counters.batches++;
    const now = net.now();
    // Observers (captures) may keep what they see: they get copies of borrowed packets, and a
    // segment handed over checksum-verified with the kernel's partial sum left in it is shown with
    // its checksum finished (the copy only; the stack never reads that field).
    for (const f of seg.onArrive) {
      for (const p of packets) f(transportChecksumVerified(p) ? copyWithTcpChecksum(p) : port.transientTcp === true ? p.slice() : p, now);
    }
    node.deliverBatchNow(packets, now);
  });
  net.onClose(() => port.close());
  return counters;
}

/** A layer4 host on a real clock whose only neighbour is `port` (connected with connectPort()). */
export function createPortHost(port: PacketPort, opts: PortHostOptions): PortHost {
  const net = createNetwork({ clock: 'real', seed: opts.seed ?? ((Date.now() >>> 0) | 1) });
  const host = net.host({
    address: opts.address,
    name: opts.name ?? 'layer4',
    ...(opts.mtu !== undefined ? { mtu: opts.mtu } : {}),
    ...(opts.tcp !== undefined ? { tcp: opts.tcp } : {}),
  });
  const counters = connectPort(net, host, port);
  return { net, host, port: counters, close: () => net.close() };
}
