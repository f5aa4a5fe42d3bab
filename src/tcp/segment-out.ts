// Building an outgoing segment from a connection's state: the ECN flags (RFC 3168 §6.1), the window
// field (RFC 9293 §3.8.6.2.2; never scaled on a SYN, RFC 7323 §2.2), the options (RFC 7323 §3.2
// timestamps on every segment, SACK blocks), and the bookkeeping an ACK-bearing segment does: the
// advertised right edge (§3.8.6.2.2 never shrinks it), the last ACK sent, and the delayed-ACK
// state it satisfies (RFC 1122 §4.2.3.2). IP-level socket options go on last (ip-options.ts).

import type { TcpConnection } from './connection.js';
import { ecnOutFlags } from './ecn.js';
import { withIpOptions } from './ip-options.js';
import { segmentOptions } from './rfc7323.js';
import { seqAdd, seqGt } from './seq.js';
import { receiveWindow, windowField } from './window.js';
import type { TcpDatagram } from '../stack/types.js';
import { TcpFlag } from '../wire/tcp-types.js';

const { ACK, SYN, RST } = TcpFlag;

/** A segment of `c` (TcpConnection.segment). */
export function buildSegment(c: TcpConnection, seq: number, flags: number, payload: Uint8Array, options?: TcpDatagram['seg']['options']): TcpDatagram {
  flags = ecnOutFlags(c, flags); // RFC 3168 §6.1.1 setup SYN / SYN-ACK, §6.1.3 ECE
  const hasAck = (flags & ACK) !== 0;
  const syn = (flags & SYN) !== 0;
  // RFC 7323 §2.2: the window of a SYN or SYN-ACK is never scaled.
  const window = (flags & RST) !== 0 ? 0 : syn ? Math.min(0xffff, receiveWindow(c)) : windowField(c);
  // RFC 7323 §3.2: the TSopt goes in every segment, and SHOULD in a RST too (without SACK blocks).
  if (options === undefined) options = segmentOptions(c, (flags & RST) !== 0);
  if (hasAck && (flags & RST) === 0) {
    const edge = seqAdd(c.rcvNxt, syn ? window : window * 2 ** c.rcvWscale);
    if (seqGt(edge, c.rcvAdvEdge)) c.rcvAdvEdge = edge;
    c.lastAckSent = c.rcvNxt;
    c.ackNow = false;
    c.unackedBytes = 0;
    c.timers.clear('delack');
  }
  c.stats.segmentsOut++;
  const d: TcpDatagram = {
    src: c.local.address,
    dst: c.remote.address,
    seg: { srcPort: c.local.port, dstPort: c.remote.port, seq, ack: hasAck ? c.rcvNxt : 0, flags, window, urgent: 0, options, payload },
  };
  return c.ip !== undefined ? withIpOptions(c.ip, d) : d;
}
