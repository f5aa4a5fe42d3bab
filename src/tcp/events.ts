// Everything the core tells its user comes out as one of these values, drained with
// TcpLayer.pollEvents(). The api/ layer (node:net sockets) is driven by them alone.

import type { TcpConnection } from './connection.js';
import type { TcpErrorCode } from './errors.js';
import type { TcpListener } from './listener.js';
import type { TcpCause, TcpState } from './states.js';

export type TcpEvent =
  /** Every state change (RFC 9293 §3.3.2), for tracing and ladder diagrams. */
  | { type: 'state'; conn: TcpConnection | TcpListener; from: TcpState; to: TcpState; cause: TcpCause; now: number }
  /** An active open reached ESTABLISHED (passive ones are announced by 'accept-ready'). */
  | { type: 'connected'; conn: TcpConnection; now: number }
  /** The listener's accept queue went from empty to non-empty: call accept() until undefined. */
  | { type: 'accept-ready'; listener: TcpListener; now: number }
  /** The receive buffer went from empty to non-empty: call recv() until undefined. */
  | { type: 'readable'; conn: TcpConnection; now: number }
  /** A send() took less than offered, and send-buffer space has been freed since. */
  | { type: 'writable'; conn: TcpConnection; now: number }
  /** The peer's FIN arrived in sequence: after the buffered bytes, the stream ends (EOF). */
  | { type: 'peer-fin'; conn: TcpConnection; now: number }
  /**
   * Urgent data (RFC 9293 §3.8.5, RFC 6093): the urgent mark moved. `mark` is the receive-stream
   * offset just past the last urgent byte (compare with conn.readOffset). Urgent bytes stay inline.
   */
  | { type: 'urgent'; conn: TcpConnection; mark: number; now: number }
  /**
   * The connection is finished for its user: it reached CLOSED, or TIME-WAIT (which only guards the
   * 4-tuple and needs nothing more from the user). `error` is absent after an orderly close.
   */
  | { type: 'closed'; conn: TcpConnection; error?: TcpErrorCode; now: number };

export type TcpEventType = TcpEvent['type'];
