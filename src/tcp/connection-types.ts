// What a connection needs from the layer that holds it, and the counters it keeps (RFC 9293
// §3.10.6 STATUS material), apart from the TCB itself so connection.ts stays one concept.

import type { TcpConfig } from './config.js';
import type { TcpConnection } from './connection.js';
import type { TcpEvent } from './events.js';
import type { MemoryPool } from './memory.js';
import type { TcpDatagram, TcpServices } from '../stack/types.js';

export interface ConnectionHost {
  readonly config: TcpConfig;
  readonly services: TcpServices;
  emit(ev: TcpEvent): void;
  /** The connection has something to send or changed a timer: poll it. */
  wake(c: TcpConnection): void;
  /** Sends a segment at the next poll, ahead of anything else (immediate ACKs, RSTs). */
  enqueue(d: TcpDatagram): void;
  /** The connection reached CLOSED (or a half-open child returned to LISTEN): forget it. */
  detach(c: TcpConnection): void;
  /** RFC 5961 §7 challenge-ACK budget: false when this second's budget is spent. */
  allowChallengeAck(now: number): boolean;
  /** The stack-wide memory pool the connection's queues are charged to (memory.ts), if any. */
  readonly memory?: MemoryPool;
  /** The interface below refuses every packet (local congestion, local-drop.ts): nothing is sent. */
  readonly localCongestion?: boolean;
}

export interface TcpConnectionStats {
  segmentsIn: number;
  segmentsOut: number;
  /** Payload bytes delivered in order to the receive buffer. */
  bytesIn: number;
  /** Payload bytes sent, retransmissions included. */
  bytesOut: number;
  /** Payload bytes the peer acknowledged cumulatively (a count, not a sequence difference: it does not wrap at 2^32). */
  bytesAcked: number;
  retransmittedSegments: number;
  retransmittedBytes: number;
  fastRetransmits: number;
  rtoExpirations: number;
  dupAcksIn: number;
  challengeAcksOut: number;
  zeroWindowProbes: number;
  keepAliveProbes: number;
  /** Segments dropped by RFC 7323 §5 PAWS. */
  pawsDrops: number;
  /** RFC 8985 §7 Tail Loss Probes sent. */
  tlpProbes: number;
  /** Congestion responses undone as spurious (RFC 3522 / RFC 3708 detection, RFC 4015 response). */
  spuriousUndos: number;
  /** When payload last arrived (ms, the stack's clock); the time the connection was established until then. */
  lastDataInAt: number;
}

/** Every counter of TcpConnectionStats at zero. */
export function newConnectionStats(): TcpConnectionStats {
  return {
    segmentsIn: 0,
    segmentsOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    bytesAcked: 0,
    retransmittedSegments: 0,
    retransmittedBytes: 0,
    fastRetransmits: 0,
    rtoExpirations: 0,
    dupAcksIn: 0,
    challengeAcksOut: 0,
    zeroWindowProbes: 0,
    keepAliveProbes: 0,
    pawsDrops: 0,
    tlpProbes: 0,
    spuriousUndos: 0,
    lastDataInAt: 0,
  };
}
