// Internal consistency of a connection (RFC 9293 §3.3.1 send/receive variables) and of its buffers,
// checked by the chaos runner and the fuzzers after every segment. Returns the broken rules, [] if none.

import type { TcpConnection } from '../tcp/connection.js';
import type { TcpLayer } from '../tcp/layer.js';
import { seqDiff, seqLe } from '../tcp/seq.js';

const SYNCHRONIZED = new Set(['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT']);

export function connectionViolations(c: TcpConnection): string[] {
  const v: string[] = [];
  const s = c.state;
  // §3.3.1: SND.UNA ≤ SND.NXT ≤ SND.MAX (SND.MAX: highest sequence sent).
  if (!seqLe(c.sndUna, c.sndNxt)) v.push(`SND.UNA ${c.sndUna} > SND.NXT ${c.sndNxt}`);
  if (!seqLe(c.sndNxt, c.sndMax)) v.push(`SND.NXT ${c.sndNxt} > SND.MAX ${c.sndMax}`);
  // Everything in flight is SYN + buffered bytes + FIN.
  const inFlight = seqDiff(c.sndMax, c.sndUna);
  if (inFlight > c.sendBuf.length + 2) v.push(`in flight ${inFlight} > send buffer ${c.sendBuf.length} + SYN/FIN`);
  if (c.sendBuf.length > c.sendBuf.limit) v.push(`send buffer ${c.sendBuf.length} > limit ${c.sendBuf.limit}`);
  if (c.sendBuf.allocated > Math.max(c.sendBuf.maxAllocation, c.sendBuf.length)) v.push(`send buffer allocation ${c.sendBuf.allocated} > limit ${c.sendBuf.maxAllocation}`);
  if (c.recvBuf.length > c.recvBuf.limit) v.push(`receive buffer ${c.recvBuf.length} > limit ${c.recvBuf.limit}`);
  if (c.recvBuf.allocated > c.recvBuf.allocationBound) v.push(`receive buffer allocation ${c.recvBuf.allocated} > bound ${c.recvBuf.allocationBound} (limit ${c.recvBuf.maxAllocation})`);
  // §3.8.6.2.2: out-of-order bytes are held only inside the advertised window, carved from the buffer.
  // RFC 7323 §2.4: a window rounded up to the scale unit (so as never to move the right edge left)
  // may reach up to one unit − 1 bytes beyond the buffer; what arrives there is held, not lost.
  if (c.recvBuf.length + c.ooo.bytes > c.recvBuf.limit + 2 ** c.rcvWscale - 1) v.push(`receive ${c.recvBuf.length} + reassembly ${c.ooo.bytes} > buffer ${c.recvBuf.limit}`);
  if (c.ooo.pieceCount > c.ooo.maxPieces) v.push(`reassembly pieces ${c.ooo.pieceCount} > ${c.ooo.maxPieces}`);
  const wnd = c.windowField();
  if (!(Number.isInteger(wnd) && wnd >= 0 && wnd <= 0xffff)) v.push(`window field ${wnd}`);
  if (SYNCHRONIZED.has(s) && s !== 'TIME-WAIT' && !seqLe(c.rcvNxt, c.rcvAdvEdge) && c.rcvAdvEdge !== 0) {
    v.push(`RCV.NXT ${c.rcvNxt} beyond the advertised right edge ${c.rcvAdvEdge}`);
  }
  const next = c.timers.next();
  if (Number.isNaN(next)) v.push('timer deadline is NaN');
  if (!(c.cc.cwnd > 0 && Number.isFinite(c.cc.cwnd))) v.push(`cwnd ${c.cc.cwnd}`);
  if (!(c.rtt.rto > 0 && Number.isFinite(c.rtt.rto))) v.push(`rto ${c.rtt.rto}`);
  if (c.state === 'CLOSED' && (c.sendBuf.allocated > 0 || c.ooo.bytes > 0)) v.push('CLOSED connection still holds buffers');
  return v;
}

/** Every connection of the layer, plus table-level rules. */
export function layerViolations(layer: TcpLayer): string[] {
  const v: string[] = [];
  for (const c of layer.connections()) {
    if (c.state === 'CLOSED') v.push(`${c.key}: CLOSED connection left in the table`);
    for (const x of connectionViolations(c)) v.push(`${c.key} ${c.state}: ${x}`);
  }
  return v;
}
