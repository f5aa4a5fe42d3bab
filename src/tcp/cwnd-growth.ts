// TcpConfig.cwndGrowth 'linux' (with cwnd-use.ts): an ACK grows the window by the data it newly delivered
// (RFC 6937 §3 DeliveredData: the change in SND.UNA less what was SACKed before, plus what it newly
// SACKs) rather than by the sequence space it newly acknowledges. RFC 5681 §3.1's N, "the number of
// previously unacknowledged bytes acknowledged in the incoming ACK", counts bytes SACKed earlier a
// second time; Linux counts each byte once, when it is first delivered (tcp_ack's acked_sacked).

import type { AckSample } from './cc/types.js';
import type { TcpConnection } from './connection.js';

/**
 * Sets `s.growthBytes`: from the transmit records' view of this ACK on a SACK connection; without
 * SACK each duplicate ACK stands for one segment delivered (RFC 5681 §3.2: it "was caused by" a
 * segment arriving), so the cumulative ACK that follows counts the rest — at least one segment.
 */
export function countDelivered(c: TcpConnection, s: AckSample): void {
  if (!c.sackOk) {
    const dups = c.recovery.dupAcks;
    if (dups > 0) s.growthBytes = Math.max(Math.min(c.sndMss, s.ackedBytes), s.ackedBytes - dups * c.sndMss);
    return;
  }
  const l = c.lossIfAny;
  if (l !== undefined) s.growthBytes = l.delivery.bytes;
}
