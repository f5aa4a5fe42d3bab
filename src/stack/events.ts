// Events the stack produces for the layer above (api/ or a test), drained with stack.pollEvents().
// They are plain data (aioquic style); the api layer turns them into EventEmitter events.

import type { UdpSocket } from '../udp/socket.js';
import type { NetError } from './errors.js';
import type { IpAddress } from './types.js';

export type StackEvent =
  /** The socket got a local address (explicit bind, or implicitly on first send/connect). */
  | { type: 'udp-listening'; socket: UdpSocket }
  /** The socket's receive queue went from empty to non-empty: drain it with socket.recv(). */
  | { type: 'udp-readable'; socket: UdpSocket }
  /** An asynchronous error on a connected socket, e.g. ECONNREFUSED from ICMP port unreachable. */
  | { type: 'udp-error'; socket: UdpSocket; error: NetError }
  /** Reply to stack.ping(); `rtt` in ms from the request's `now` to the reply's. */
  | { type: 'echo-reply'; family: 4 | 6; from: IpAddress; id: number; seq: number; data: Uint8Array; ttl: number; rtt: number }
  /** An ICMP error quoting one of our echo requests (unreachable, time exceeded, ...). */
  | { type: 'echo-error'; family: 4 | 6; dst: IpAddress; id: number; seq: number; kind: string; code: number; from: IpAddress };
