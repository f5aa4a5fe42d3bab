// IP-level socket options on a TCP connection's segments (IP_TOS / IPV6_TCLASS, IP_TTL /
// IPV6_UNICAST_HOPS, IP_MTU_DISCOVER): TCP only labels its datagrams, the stack writes the IP
// header (stack/stack.ts sendTcp) and decides DF from the mode and the route.
//   - RFC 2474 §3: the upper six bits of the TOS / Traffic Class octet are the DSCP; the lower two
//     are ECN's (RFC 3168 §5) and stay TCP's own (ecn.ts), whatever the option's value.
//   - RFC 1191 §3: path MTU discovery is DF plus "fragmentation needed"; with DF clear no such
//     message can legitimately come back, so a socket that does not use it ('dont') does not
//     shrink its segments on one; 'probe' ignores them and finds the path MTU itself (RFC 4821).

import type { PmtuDiscovery, TcpDatagram } from '../stack/types.js';
import type { IpSocketOptions } from './options.js';

/** The DSCP of a TOS / Traffic Class byte (RFC 2474 §3). */
export function dscpOf(tos: number): number {
  return (tos >>> 2) & 0x3f;
}

/** Labels a datagram with the socket's IP-level options (only those set). */
export function withIpOptions(ip: IpSocketOptions, d: TcpDatagram): TcpDatagram {
  if (ip.tos !== undefined && dscpOf(ip.tos) !== 0) d.dscp = dscpOf(ip.tos);
  if (ip.ttl !== undefined) d.ttl = ip.ttl;
  if (ip.pmtuDiscovery !== undefined && ip.pmtuDiscovery !== 'want') d.pmtud = ip.pmtuDiscovery;
  return d;
}

/** Whether an ICMP "packet too big" may lower this socket's segment size (RFC 1191 §3, RFC 4821). */
export function acceptsPacketTooBig(mode: PmtuDiscovery | undefined): boolean {
  return mode !== 'dont' && mode !== 'probe';
}
