// A read-only snapshot of one TCP connection's state, in the spirit of Linux's `tcp_info`
// (RFC 4898's TCP Extended Statistics MIB names most of the same quantities): the state, the
// congestion controller's window and threshold, the RTT estimator (RFC 6298), the segment sizes
// (RFC 9293 §3.7.1), what is in flight and what recovery knows about it. Units are in the names:
// `…Ms` milliseconds, `…Bytes` octets, `…Segments` full-sized segments (bytes / sndMss, rounded
// up for flight and down for the window, as a segment-counting stack would hold them).
// No IO and no clock: plain data computed from the connection, usable from the core's callers.

import type { TcpConnection } from '../tcp/connection.js';
import type { TcpState } from '../tcp/states.js';
import { pacingOn, pacingRate } from '../tcp/pacing.js';

/** Congestion-avoidance state, as Linux names its `ca_state` (open, disorder, cwr, recovery, loss). */
export type TcpCaState = 'open' | 'disorder' | 'cwr' | 'recovery' | 'loss';

export interface TcpInfo {
  /** RFC 9293 state name. */
  state: TcpState;
  /** 'open': nothing wrong; 'disorder': duplicate ACKs or SACKed holes seen; 'cwr': the window was reduced on an ECN-Echo (RFC 3168 §6.1.2) and that window is not yet acknowledged; 'recovery': fast recovery (RFC 5681 §3.2 / RFC 6675); 'loss': after a retransmission timeout until new data is acknowledged. */
  caState: TcpCaState;
  /** Options both ends agreed on in the handshake. */
  options: { timestamps: boolean; sack: boolean; windowScaling: boolean; ecn: boolean };
  /** RFC 7323 §2.3 shift the peer applies to windows it sends (0 when not agreed). */
  sndWscale: number;
  /** Shift applied to the windows this end advertises (0 when not agreed). */
  rcvWscale: number;
  /** Current retransmission timeout, backoff included (RFC 6298 §5.5). */
  rtoMs: number;
  /** Smoothed RTT (RFC 6298 SRTT); undefined before the first sample. */
  rttMs: number | undefined;
  /** RTT variation (RFC 6298 RTTVAR); undefined before the first sample. */
  rttVarMs: number | undefined;
  /** Latest RTT sample; undefined before the first one. */
  latestRttMs: number | undefined;
  /** Consecutive RTO backoffs since the last valid RTT sample. */
  backoff: number;
  /** Consecutive retransmission timeouts of the current segment (reset by an acknowledgment). */
  retransmits: number;
  /** Unanswered zero-window probes or keep-alive probes. */
  probes: number;
  /** Maximum segment size used for sending (RFC 9293 §3.7.1 Eff.snd.MSS). */
  sndMss: number;
  /** Estimate of the peer's segment size, for delayed-ACK decisions. */
  rcvMss: number;
  /** MSS this end announced in its SYN. */
  advMss: number;
  /** Congestion window. */
  cwndBytes: number;
  cwndSegments: number;
  /** Slow-start threshold; Infinity before the first loss. */
  ssthreshBytes: number;
  ssthreshSegments: number;
  /** Peer's advertised window (scaled). */
  sndWndBytes: number;
  /** Sequence space sent and not yet acknowledged (SND.NXT − SND.UNA). */
  bytesInFlight: number;
  unackedSegments: number;
  /** Bytes above SND.UNA the peer has selectively acknowledged (RFC 2018). */
  sackedBytes: number;
  sackedSegments: number;
  /** Duplicate-ACK threshold in use (RFC 5681 §3.2). */
  reordering: number;
  /**
   * Largest reordering extent seen (RFC 4737 §4.2, from SACKs: how far below the highest delivered
   * sequence number data never retransmitted arrived), in segments, and never below `reordering`
   * (Linux's `reordering`); and how many ACKs showed reordering (Linux's `reord_seen`).
   */
  reorderExtentSegments: number;
  reorderEvents: number;
  /** Segments deemed lost (RFC 8985 / RFC 6675) and not yet SACKed or acknowledged, retransmitted or not (Linux's `lost`). */
  lostSegments: number;
  /** Retransmitted segments not yet SACKed, acknowledged or deemed lost again (Linux's `retrans`). */
  retransOutSegments: number;
  /** When payload last arrived, in the stack's clock (ms; the time of the handshake until then). */
  lastDataInAt: number;
  /**
   * Time with data to deliver (queued or unacknowledged), and the parts of it spent waiting on the
   * peer's receive window or with the send buffer full (RFC 4898 SndLimTimeRwin / SndLimTimeSnd).
   */
  busyMs: number;
  rwndLimitedMs: number;
  sndbufLimitedMs: number;
  /** Segments retransmitted over the connection's life, and their payload bytes. */
  totalRetransSegments: number;
  totalRetransBytes: number;
  fastRetransmits: number;
  rtoExpirations: number;
  /** Payload bytes the peer has acknowledged. */
  bytesAcked: number;
  /** Payload bytes received in order. */
  bytesReceived: number;
  /** Payload bytes sent, retransmissions included. */
  bytesSent: number;
  segmentsOut: number;
  segmentsIn: number;
  /** Bytes queued by the application and not yet acknowledged. */
  sendQueueBytes: number;
  /** Bytes received and not yet read. */
  recvQueueBytes: number;
  /**
   * RFC 4821 packetization-layer path MTU discovery (TcpConfig.mtuProbing): the MTU the send MSS
   * stands for, probes sent / acknowledged / lost, black holes detected; undefined until it engaged.
   */
  plpmtud: { mtu: number; probes: number; probesOk: number; probesLost: number; blackholes: number } | undefined;
  /** Send pacing rate in bytes per second (TcpConfig.pacing; the CC's own rate or cwnd/SRTT × 2 or × 1.2); undefined when not pacing. */
  pacingRateBytesPerSec: number | undefined;
  /** RFC 3168: CE-marked packets received, and window reductions made on an ECN-Echo. */
  ecnCeReceived: number;
  ecnReductions: number;
  /**
   * Delivery rate (draft-cheng-iccrg-delivery-rate-estimation §3.3) of the latest sample, in bytes
   * per second: data the peer acknowledged (cumulatively or by SACK) over the interval it took;
   * undefined before the first sample. Like Linux's tcpi_delivery_rate, the latest sample that was
   * not application-limited, or an application-limited one that was higher.
   */
  deliveryRateBytesPerSec: number | undefined;
  /** The sample behind deliveryRateBytesPerSec was taken while the application limited the sender. */
  deliveryRateAppLimited: boolean;
  /** Bytes the delivery-rate estimator has seen delivered (ACKed or SACKed, each byte once). */
  deliveredBytes: number;
  /** RFC 8985 §7 Tail Loss Probes sent. */
  tlpProbes: number;
  /** Congestion responses undone as spurious (RFC 3522 / RFC 3708 detection, RFC 4015 response). */
  spuriousUndos: number;
}

function seqDiff(a: number, b: number): number {
  return (a - b) >>> 0;
}

/** Snapshot of `c` at `now` (default: the connection's last event). Never throws. */
export function tcpInfo(c: TcpConnection, now: number = c.clock): TcpInfo {
  const mss = Math.max(1, c.sndMss);
  const cc = c.cc;
  const cwnd = c.lossIfAny?.reductionCwnd ?? cc.cwnd; // TcpConfig.prr 'linux': cwnd as Linux sets it during a PRR reduction
  const connected = c.state !== 'CLOSED' && c.state !== 'LISTEN' && c.state !== 'SYN-SENT';
  const flight = connected || c.state === 'SYN-SENT' ? seqDiff(c.sndNxt, c.sndUna) : 0;
  let sacked = 0;
  const sb = c.sb;
  for (let i = 0; i < sb.starts.length && i < sb.ends.length; i++) sacked += Math.max(0, seqDiff(sb.ends[i]!, sb.starts[i]!));
  const recovery = c.recovery;
  const ecn = c.ecn;
  const ecnCwr = ecn?.recover !== undefined && seqDiff(ecn.recover, c.sndUna) > 0 && seqDiff(ecn.recover, c.sndUna) < 0x8000_0000;
  const caState: TcpCaState = recovery.inRecovery
    ? 'recovery'
    : c.rtt.backoffs > 0 || c.retries > 0
      ? 'loss'
      : ecnCwr
        ? 'cwr'
        : recovery.dupAcks > 0 || sacked > 0
          ? 'disorder'
          : 'open';
  // Data bytes acknowledged (counted as they are: a sequence difference would wrap after 2^31 bytes).
  const acked = c.stats.bytesAcked;
  const s = c.stats;
  const rate = c.lossIfAny?.rate.latest;
  let lost = 0;
  let retransOut = 0;
  const recs = c.lossIfAny?.records;
  if (recs !== undefined) {
    for (let i = 0; i < recs.size; i++) {
      const r = recs.at(i)!;
      if (r.sacked) continue;
      const segs = Math.max(1, Math.ceil(r.len / mss));
      if (r.markedLost) lost += segs;
      if (r.retrans && !r.lost) retransOut += segs;
    }
  }
  return {
    state: c.state,
    caState,
    options: { timestamps: c.tsOk, sack: c.sackOk, windowScaling: c.wsOk, ecn: ecn?.ok ?? false },
    sndWscale: c.wsOk ? c.sndWscale : 0,
    rcvWscale: c.wsOk ? c.rcvWscale : 0,
    rtoMs: c.rtt.rto,
    rttMs: c.rtt.srtt,
    rttVarMs: c.rtt.rttvar,
    latestRttMs: c.rtt.latest,
    backoff: c.rtt.backoffs,
    retransmits: c.retries,
    probes: c.persistProbes > 0 ? c.persistProbes : c.keepProbes,
    sndMss: c.sndMss,
    rcvMss: c.rcvMss,
    advMss: c.advMss,
    cwndBytes: cwnd,
    cwndSegments: Math.floor(cwnd / mss),
    ssthreshBytes: cc.ssthresh,
    ssthreshSegments: Number.isFinite(cc.ssthresh) ? Math.floor(cc.ssthresh / mss) : Infinity,
    sndWndBytes: c.sndWnd,
    bytesInFlight: flight,
    unackedSegments: Math.ceil(flight / mss),
    sackedBytes: sacked,
    sackedSegments: Math.ceil(sacked / mss),
    reordering: recovery.opts.dupAckThreshold,
    reorderExtentSegments: Math.max(recovery.opts.dupAckThreshold, c.lossIfAny?.reorder.segments ?? 0),
    reorderEvents: c.lossIfAny?.reorder.events ?? 0,
    lostSegments: lost,
    retransOutSegments: retransOut,
    lastDataInAt: s.lastDataInAt,
    ...(c.chrono?.totals(now) ?? { busyMs: 0, rwndLimitedMs: 0, sndbufLimitedMs: 0 }),
    totalRetransSegments: s.retransmittedSegments,
    totalRetransBytes: s.retransmittedBytes,
    fastRetransmits: s.fastRetransmits,
    rtoExpirations: s.rtoExpirations,
    bytesAcked: Math.max(0, acked),
    bytesReceived: s.bytesIn,
    bytesSent: s.bytesOut,
    segmentsOut: s.segmentsOut,
    segmentsIn: s.segmentsIn,
    sendQueueBytes: c.writableLength,
    recvQueueBytes: c.readableLength,
    plpmtud: c.plpmtud === undefined ? undefined : { mtu: c.plpmtud.mtu, ...c.plpmtud.stats },
    pacingRateBytesPerSec: pacingOn(c) ? pacingRate(c) : undefined,
    ecnCeReceived: ecn?.ceReceived ?? 0,
    ecnReductions: ecn?.reductions ?? 0,
    deliveryRateBytesPerSec: rate?.bytesPerSec,
    deliveryRateAppLimited: rate?.appLimited ?? false,
    deliveredBytes: c.lossIfAny?.rate.delivered ?? 0,
    tlpProbes: s.tlpProbes,
    spuriousUndos: s.spuriousUndos,
  };
}
