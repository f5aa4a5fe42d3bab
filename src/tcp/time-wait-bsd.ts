// Segment arrival in TIME-WAIT the way the BSD stacks handle it (TcpConfig.timeWaitRule = 'bsd'),
// in place of the §3.10.7.4 checks. The connection is closed on both sides; all that is left to do
// is to let the peer finish its close:
//  - a RST is ignored (RFC 1337);
//  - a segment without ACK is dropped silently (RFC 9293 §3.10.7.4 fifth check, taken first: no
//    ACK for an out-of-window segment, no RST or challenge for a SYN). A SYN that may reopen the
//    connection (RFC 1122 §4.2.2.13) is handled by the layer before this;
//  - a retransmitted FIN restarts the 2·MSL timer (§3.10.7.4 eighth check, TIME-WAIT);
//  - anything else is acknowledged, except an exact duplicate of the ACK that ended the close.

import { TcpFlag, type TcpRepr } from '../wire/tcp-types.js';
import type { TcpConnection } from './connection.js';
import { seqAdd } from './seq.js';

const { FIN, SYN, RST, ACK } = TcpFlag;

export function timeWaitBsd(c: TcpConnection, seg: TcpRepr, now: number): void {
  const f = seg.flags;
  if (f & RST) return;
  if (!(f & ACK)) return;
  if (f & FIN) {
    const end = seqAdd(seg.seq, seg.payload.length + (f & SYN ? 1 : 0) + 1);
    if (end === c.rcvNxt) c.timers.set('timewait', now + 2 * c.host.config.msl);
  }
  const pureDuplicate = f === ACK && seg.payload.length === 0 && seg.seq === c.rcvNxt && seg.ack === c.sndMax;
  if (!pureDuplicate) c.sendAckNow();
}
