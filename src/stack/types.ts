// Contracts between the layers of the sans-IO core. Nothing here does IO or reads a clock:
// time is always passed in as `now` (milliseconds, fractional allowed).

/** An IP address in canonical text form: dotted quad for IPv4, RFC 5952 form for IPv6. */
export type IpAddress = string;

export interface Endpoint {
  address: IpAddress;
  port: number;
}

/** Randomness is injected into the core, which never draws its own. Returns an unsigned 32-bit integer. */
export type Rng = () => number;

/**
 * Memory is injected too where zeroing it would be wasted work: returns `n` bytes whose contents
 * are unspecified (a Node runtime passes memory from Buffer.allocUnsafeSlow; the default is
 * `new Uint8Array(n)`). Only memory the caller writes in full before anyone reads it may come
 * from it (the receive queue's chunks, tcp/recv-queue.ts).
 */
export type Allocate = (n: number) => Uint8Array;

/**
 * Anything the driver can run: a Stack, or a test double. A driver (sim/ or link/) calls
 * receive() for every inbound IP packet, drains poll() after every call, and sleeps until pollAt().
 */
export interface PacketEngine {
  /** One IP packet (IPv4 or IPv6, no link header) arriving on interface `ifIndex`. */
  receive(packet: Uint8Array, now: number, ifIndex?: number): void;
  /** Packets to transmit now, each tagged with the outgoing interface and next-hop address. */
  poll(now: number): OutboundPacket[];
  /** Earliest time at which poll()/timers need to run again, or undefined when nothing is pending. */
  pollAt(): number | undefined;
}

export interface OutboundPacket {
  ifIndex: number;
  nextHop: IpAddress;
  packet: Uint8Array;
  /**
   * Set only on interfaces configured with `gso: true`: the packet is a TCP super-segment larger
   * than one wire segment, and this is the payload size of each wire segment (the MSS). The
   * driver splits it (wire/tcp-gso.ts splitTcpSegments, or a device's TSO); its TCP checksum field
   * holds the partial pseudo-header sum (see partialPseudoChecksum), not a complete checksum.
   */
  gsoSize?: number;
}

// ---- Stack ↔ TCP contract -------------------------------------------------------------------
// The stack owns IP (routing, fragmentation, ICMP, checksums); tcp/ owns everything from the TCP
// header up. The stack verifies the TCP checksum, parses the segment to a TcpRepr and hands it
// over; TCP hands back segments and the stack wraps them in IP.

import type { TcpRepr } from '../wire/tcp-types.js';

export interface TcpDatagram {
  src: IpAddress;
  dst: IpAddress;
  seg: TcpRepr;
  /** ECN codepoint for the IP header (RFC 3168): 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE. */
  ecn?: number;
  /**
   * The payload is several wire segments' worth sent as one (GSO): each wire segment carries this
   * many bytes (the last fewer). Only set when TcpServices.gsoFor() allowed it.
   */
  gsoSize?: number;
  /**
   * The socket's IP_TOS / IPV6_TCLASS: the DSCP (RFC 2474 §3, the upper six bits of the TOS /
   * Traffic Class byte) its packets carry; absent = 0. The ECN bits stay `ecn`'s.
   */
  dscp?: number;
  /** The socket's IP_TTL / IPV6_UNICAST_HOPS; absent = the stack's default. */
  ttl?: number;
  /** The socket's path MTU discovery mode (IP_MTU_DISCOVER); absent = 'want'. */
  pmtud?: PmtuDiscovery;
}

/**
 * Path MTU discovery per socket (Linux's IP_MTU_DISCOVER / IPV6_MTU_DISCOVER values):
 *   - 'want': RFC 1191 — DF set, the path MTU learned from ICMP; but when the route's MTU is
 *     locked (RouteMetrics.mtuLock) packets go without DF and may be fragmented.
 *   - 'do': DF always, even over a locked route.
 *   - 'dont': DF never; packets too big for a link are fragmented by routers, so ICMP
 *     "fragmentation needed" does not lower the segment size.
 *   - 'probe': DF set, the learned path MTU ignored (only the interface MTU counts): for a
 *     sender that finds the path MTU itself (RFC 4821).
 */
export type PmtuDiscovery = 'want' | 'do' | 'dont' | 'probe';

/**
 * Per-route metrics (what `ip route … mtu lock N advmss N initcwnd N` sets on Linux), for the
 * destinations the route covers.
 */
export interface RouteMetrics {
  /** Path MTU of the route: it replaces the interface's MTU for these destinations (set it no larger than the path carries). */
  mtu?: number;
  /** RFC 1191 §6.3's locked estimate: ICMP reports do not change it, and 'want' sockets send without DF. */
  mtuLock?: boolean;
  /** MSS to advertise in SYNs to these destinations (RFC 9293 §3.7.1: any value up to what we can receive). */
  advmss?: number;
  /** Initial congestion window in segments (RFC 5681 §3.1 / RFC 6928 give the default; a route may set it). */
  initcwnd?: number;
}

/** ICMP error about a packet TCP sent, already matched to its 4-tuple by the stack (RFC 5927 checks are TCP's). */
export interface TcpIcmpError {
  kind: 'unreachable' | 'packet-too-big' | 'time-exceeded' | 'parameter-problem';
  /** ICMP code, as received (v4 or v6 numbering, see `family`). */
  code: number;
  family: 4 | 6;
  /** For packet-too-big / fragmentation-needed: the next-hop MTU. */
  mtu?: number;
  local: Endpoint;
  remote: Endpoint;
  /** Sequence number of the quoted TCP header (for RFC 5927 in-window checks). */
  seq: number;
}

/** What tcp/ implements and the stack calls. */
export interface TcpHandler {
  receive(dgram: TcpDatagram, now: number): void;
  /**
   * Segments ready to send. With `budget`, connections stop being served once that many segments
   * are out; the rest stay due (pollAt() says now) and go at the next call, as a NIC driver's
   * budget bounds one poll — so the memory in flight per call does not grow with the flow count.
   */
  poll(now: number, budget?: number): TcpDatagram[];
  pollAt(): number | undefined;
  icmpError(err: TcpIcmpError, now: number): void;
}

/** What the stack gives tcp/. */
export interface TcpServices {
  /** Source address the stack would use to reach `dst`, or undefined when there is no route. */
  sourceFor(dst: IpAddress): IpAddress | undefined;
  /** Whether `addr` is one of this stack's own addresses (for bind EADDRNOTAVAIL). */
  isLocal(addr: IpAddress): boolean;
  /** Current MTU toward `dst`: min(interface MTU, learned path MTU) (RFC 1191, RFC 8201). */
  mtuFor(dst: IpAddress): number;
  /**
   * Largest TCP payload one segment toward `dst` may carry when the outgoing interface segments
   * for us (GSO/TSO), or 0 when it does not. Optional: without it TCP sends wire-sized segments.
   */
  gsoFor?(dst: IpAddress): number;
  /** The metrics of the route toward `dst` (advmss, initcwnd, a locked MTU), if it sets any. Optional. */
  routeMetrics?(dst: IpAddress): RouteMetrics | undefined;
  /** Memory for receive buffers, not necessarily zeroed (Allocate). Optional: zeroed memory by default. */
  allocate?(n: number): Uint8Array;
}
