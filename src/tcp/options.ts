// Per-connection options a user can set at connect()/listen() time (defaults come from TcpConfig).

import type { Endpoint, PmtuDiscovery } from '../stack/types.js';

/**
 * IP-level socket options of a TCP socket (IP_TOS / IPV6_TCLASS, IP_TTL / IPV6_UNICAST_HOPS,
 * IP_MTU_DISCOVER), carried by every segment it sends (stack/types.ts TcpDatagram).
 */
export interface IpSocketOptions {
  /** The TOS / Traffic Class byte: its DSCP bits (RFC 2474 §3) are sent, the ECN bits stay TCP's (RFC 3168 §5). */
  tos?: number;
  /** TTL / Hop Limit of its packets (default: the stack's). */
  ttl?: number;
  /** Path MTU discovery mode (default 'want', RFC 1191). */
  pmtuDiscovery?: PmtuDiscovery;
}

export interface TcpSocketOptions {
  /** Disable Nagle's algorithm (RFC 896). */
  noDelay?: boolean;
  /** Hold sub-MSS segments until uncorked (TCP_CORK; see TcpConnection.setCork). */
  cork?: boolean;
  /** RFC 1122 §4.2.3.6 keep-alive. */
  keepAlive?: boolean;
  /** Idle time before the first keep-alive probe (ms). */
  keepAliveIdle?: number;
  sendBufferSize?: number;
  recvBufferSize?: number;
  /** RFC 9293 §3.8.3 user timeout (ms); 0 or undefined = none. */
  userTimeout?: number;
  /** Segment-size limit (TCP_MAXSEG): the MSS to advertise (clamped to what the path MTU allows) and the most we send per segment. */
  mss?: number;
  /** Send no TCP options in our SYN or SYN-ACK and use none of the peer's (BSD TCP_NOOPT). */
  noOptions?: boolean;
  /**
   * A connection not established within this time (ms) fails with ETIMEDOUT (BSD TCP_KEEPINIT);
   * default TcpConfig.connectTimeout.
   */
  connectTimeout?: number;
  /** IP-level options (TOS / traffic class, TTL, path MTU discovery); see IpSocketOptions. */
  ip?: IpSocketOptions;
}

export interface TcpConnectOptions extends TcpSocketOptions {
  /** Local address and/or port; missing parts are chosen (source address by route, RFC 6056 port). */
  local?: Partial<Endpoint>;
  /** Initial send sequence number (tests and demos; default RFC 6528). */
  iss?: number;
}

export interface TcpListenOptions extends TcpSocketOptions {
  /** SO_REUSEADDR for the listening port (see ports/port-table.ts). Default true, as node:net servers do. */
  reuseAddr?: boolean;
}
