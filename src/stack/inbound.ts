// An inbound IP datagram after header checks, address checks, extension headers and reassembly:
// what the transport demultiplexer and the protocol modules work from.

import type { IpAddress } from './types.js';

export type Cast = 'unicast' | 'broadcast' | 'multicast';

export interface Inbound {
  family: 4 | 6;
  ifIndex: number;
  /** The whole IP packet (reassembled if it came in fragments), for ICMP quoting. */
  packet: Uint8Array;
  src: IpAddress;
  dst: IpAddress;
  /** Address bytes (views into `packet`), for pseudo-header checksums. */
  srcBytes: Uint8Array;
  dstBytes: Uint8Array;
  /** Upper-layer protocol (after IPv6 extension headers). */
  protocol: number;
  /** Upper-layer bytes. */
  payload: Uint8Array;
  /** TTL / Hop Limit as received. */
  ttl: number;
  ecn: number;
  cast: Cast;
}
