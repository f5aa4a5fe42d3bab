// What the protocol modules (udp/, icmp/) see of the stack: sending an upper-layer payload in IP,
// source selection, ICMP errors both ways, path MTU, events and counters. The Stack implements it;
// keeping it an interface keeps udp/ and icmp/ free of the Stack class.

import type { QuotedPacket } from '../wire/icmp-quote.js';
import type { NetErrorCode } from './errors.js';
import type { StackEvent } from './events.js';
import type { InterfaceTable } from './interfaces.js';
import type { ResolvedConfig } from './config.js';
import type { StackStats } from './stats.js';
import type { IpAddress, PmtuDiscovery, Rng } from './types.js';
import type { PayloadWriter } from './ip-output.js';

export interface SendSpec {
  family: 4 | 6;
  src: IpAddress;
  dst: IpAddress;
  protocol: number;
  /** Upper-layer bytes with their checksum filled in, or a writer of them. */
  payload: Uint8Array | PayloadWriter;
  /** Default false (fragment as needed); TCP sets it (RFC 1191 / no IPv6 source fragmentation). */
  dontFragment?: boolean;
  /**
   * A socket's path MTU discovery mode (IP_MTU_DISCOVER): when set, it decides DF together with
   * the route the packet takes (types.ts PmtuDiscovery; 'want' clears DF over a locked route MTU),
   * and `dontFragment` is not read.
   */
  pmtud?: PmtuDiscovery;
  ttl?: number;
  ecn?: number;
  /** DSCP (RFC 2474 §3) for the TOS / Traffic Class byte's upper six bits; default 0. */
  dscp?: number;
  /**
   * A TCP super-segment (GSO): its size is not limited by the MTU, and it leaves with
   * OutboundPacket.gsoSize = this (split in software here when the interface cannot segment).
   */
  gsoSize?: number;
}

export type SendOutcome = { ok: true } | { ok: false; code: Extract<NetErrorCode, 'ENETUNREACH' | 'EMSGSIZE' | 'ENOBUFS'>; mtu?: number };

/** An ICMP error about which packet we sent, as the ICMP layer decoded it. */
export interface IcmpNotice {
  family: 4 | 6;
  kind: 'unreachable' | 'packet-too-big' | 'time-exceeded' | 'parameter-problem';
  code: number;
  /** For packet-too-big / fragmentation-needed: the MTU now in force toward quoted.dst. */
  mtu?: number;
  /** Address of the node that reported it. */
  from: IpAddress;
  quoted: QuotedPacket;
}

/** What the stack sends an ICMP error about an inbound packet for. */
export type IcmpErrorSpec =
  | { kind: 'port-unreachable' }
  /** IPv4 only; IPv6 reports an unknown Next Header with parameter-problem code 1. */
  | { kind: 'protocol-unreachable' }
  /** Fragment reassembly time exceeded (v4 type 11 / v6 type 3, code 1). */
  | { kind: 'reassembly-timeout' }
  /** `evenIfMulticast`: RFC 4443 §2.4(e.3) exception for unrecognised options with action 10. */
  | { kind: 'parameter-problem'; code: number; pointer: number; evenIfMulticast?: boolean };

export interface IpHost {
  readonly stats: StackStats;
  readonly interfaces: InterfaceTable;
  readonly config: ResolvedConfig;
  readonly rng: Rng;
  sendIp(spec: SendSpec, now: number): SendOutcome;
  /** Source address for reaching `dst` (route lookup), undefined when there is no route. */
  sourceFor(dst: IpAddress): IpAddress | undefined;
  /** Sends an ICMP error about the inbound packet `packet` (an IP packet) that arrived on `ifIndex`. */
  sendIcmpError(packet: Uint8Array, ifIndex: number, spec: IcmpErrorSpec, now: number): void;
  /** Path MTU: current estimate toward dst. */
  mtuFor(dst: IpAddress): number;
  /** Records a reported path MTU (RFC 1191 / RFC 8201); returns the estimate in force afterwards. */
  learnPmtu(dst: IpAddress, family: 4 | 6, mtu: number, now: number): number;
  /** Hands an ICMP error about one of our packets to TCP, UDP or the echo tracker. */
  deliverIcmpNotice(notice: IcmpNotice, now: number): void;
  emit(ev: StackEvent): void;
}
