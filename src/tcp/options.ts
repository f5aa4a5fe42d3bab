// Per-connection options a user can set at connect()/listen() time (defaults come from TcpConfig).

import type { Endpoint } from '../stack/types.js';

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
