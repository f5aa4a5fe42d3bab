// Tunables of the TCP core, each with its default and the rule it comes from. Times are in
// milliseconds, sizes in bytes. A TcpLayer takes a Partial<TcpConfig>; resolveConfig() fills in the
// defaults and clamps values that an RFC bounds.

import type { CubicTunables } from './cc/cubic-linux.js';
import { tcpProfileConfig, type TcpProfileName } from './profiles.js';
import type { Endpoint } from '../stack/types.js';
import type { MtuProbing } from './plpmtud.js';
import { DEFAULT_TCP_MEMORY, type TcpMemoryConfig } from './memory.js';
import type { IcmpHardErrorRule } from './icmp-errors.js';
import type { PushRule } from './push-marks.js';
import type { CwndGrowth } from './cwnd-use.js';

export interface TcpConfig {
  /**
   * MSS we advertise, overriding the one derived from the path MTU (RFC 9293 §3.7.1:
   * MTU − IP header − 20). Never exceeds the MTU-derived value. Default: undefined (derive).
   */
  mss: number | undefined;
  /** Send buffer (queued + unacknowledged bytes). Default 256 KiB. */
  sendBufferSize: number;
  /**
   * Receive buffer: in-order unread bytes plus the out-of-order reassembly queue. The advertised
   * window is the free part of it (capped at 65535 until window scaling, RFC 7323). Default 256 KiB.
   */
  recvBufferSize: number;
  /**
   * Receive-buffer auto-tuning (dynamic right-sizing, autotune.ts): while the application reads
   * more than half the buffer per RTT, the buffer (and so the window) grows to twice what was read
   * in that RTT, up to recvBufferMax. Off for connections whose buffer size was set explicitly
   * (socket option or setter), and it grows nothing under memory pressure (`memory`). The window
   * scale is then sized for recvBufferMax (9 for 16 MiB); a full buffer still reaches a zero window
   * (window-scale.ts, RFC 7323 §2.4). Default true (the rfc and freebsd profiles: false).
   */
  recvBufferAutoTune: boolean;
  /**
   * Largest receive buffer auto-tuning may reach (and the window-scale shift is sized for).
   * Default 16 MiB: twice the bandwidth-delay product of 1 Gbit/s × 50 ms (6.25 MB) fits, as
   * dynamic right-sizing wants. Linux's tcp_rmem maximum defaults to 6 MiB, which caps such a path at
   * about two thirds of its rate; 16 MiB is the value long-fat-network tuning guides give it.
   */
  recvBufferMax: number;
  /**
   * Size the RFC 7323 window-scale shift our SYN offers from recvBufferMax even when auto-tuning is
   * off (FreeBSD sizes it from sb_max, kern.ipc.maxsockbuf, whatever the socket's buffer). Default false.
   */
  windowScaleFromMax: boolean;
  /**
   * Once the connection's MSS is settled (the peer's SYN or SYN-ACK), round the send and receive
   * buffers up to a whole number of MSS-sized segments, capped at recvBufferMax (FreeBSD's tcp_mss():
   * SO_RCVBUF 65536 becomes 65700 with a 1460-byte MSS). Default false.
   */
  roundBuffersToMss: boolean;
  /**
   * How the advertised window follows the receive buffer (window.ts, window-bsd.ts):
   * - 'rfc9293': §3.8.6.2.2 receiver SWS avoidance — the right edge moves only by at least
   *   min(RCV.BUFF/2, MSS), and the window is the buffer less what is unread, capped by the field;
   * - 'bsd': the window is the free buffer space capped by the field, zero while it is below both a
   *   quarter of the buffer and one MSS (RFC 1122 §4.2.3.3), never shrinking; a window update after
   *   a read is sent when the window grows by 2 MSS and a quarter of the buffer (or by half of it).
   * Default 'rfc9293'.
   */
  windowRule: 'rfc9293' | 'bsd';
  /**
   * Send-buffer auto-tuning: the send buffer grows to twice the usable window (min of cwnd and the
   * peer's window), up to sendBufferMax, so that it never limits a path with a large BDP. Off for
   * connections whose buffer size was set explicitly, held under memory pressure. Default true
   * (the rfc and freebsd profiles: false).
   */
  sendBufferAutoTune: boolean;
  /**
   * Largest send buffer auto-tuning may reach. Default 16 MiB (Linux's tcp_wmem maximum is 4 MiB;
   * the send buffer must hold a full window of unacknowledged data plus what waits to be sent).
   */
  sendBufferMax: number;
  /**
   * Stack-wide limits on the bytes all connections of this layer hold in send, receive and
   * out-of-order queues (memory.ts, in the manner of Linux's tcp_mem): above `pressure` windows and
   * buffers stop growing and the window offered shrinks to a few segments until usage is below `low`;
   * at `high` new data is refused (arriving segments dropped, send() backpressure). All three
   * fields are needed. Default low 96 MiB, pressure 128 MiB, high 192 MiB.
   */
  memory: TcpMemoryConfig;
  /** RFC 6298 §2.1: initial RTO, 1 s. */
  rtoInitial: number;
  /** RFC 6298 §2.4 says 1 s; 200 ms is the common practice (Linux TCP_RTO_MIN). Default 200. */
  rtoMin: number;
  /** RFC 6298 §2.5: an upper bound of at least 60 s. Default 60 s. */
  rtoMax: number;
  /**
   * Added to every RTO computed from measurements or backed off (not the initial one): BSD's
   * net.inet.tcp.rexmit_slop, which with a 30 ms minimum RTO keeps the timer clear of a peer's
   * delayed ACK. Default 0.
   */
  rtoSlop: number;
  /**
   * RTO = SRTT + max(rtoMin, K·RTTVAR): the minimum bounds the variance term rather than the whole
   * RTO (RFC 6298 §2.4 bounds the RTO), so a short path's timer stays rtoMin above its RTT, as
   * Linux's tcp_rtt_estimator() / tcp_set_rto() keep it. Default false; the linux profile turns it on.
   */
  rtoVarianceFloor: boolean;
  /** RFC 6298 §2 clock granularity G. The core's clock is exact, default 1 ms. */
  clockGranularity: number;
  /**
   * Delayed ACK timeout (RFC 9293 §3.8.6.3, RFC 1122 §4.2.3.2: under 0.5 s; values above 500 are
   * clamped). Default 40 ms, short enough not to stall request/response traffic under Nagle.
   */
  delayedAckTimeout: number;
  /**
   * Delayed ACKs cover at most one data segment of any size: the second in-order segment is
   * acknowledged at once (BSD's rule; RFC 1122 §4.2.3.2 / RFC 9293 §3.8.6.3 ask for an ACK at
   * least every second full-sized segment, which is the rule when false). Default false.
   */
  ackEverySecondSegment: boolean;
  /** Received data segments acknowledged at once after the handshake (quick-ACK start). Default 16. */
  quickAckSegments: number;
  /**
   * Maximum segment lifetime (RFC 9293 §3.4.2). TIME-WAIT lasts 2 × MSL. RFC 9293 calls 2 min an
   * engineering choice; the default 30 s (TIME-WAIT 60 s) is the BSD/Linux choice.
   */
  msl: number;
  /**
   * SYN retransmissions before an active open fails with ETIMEDOUT. RFC 1122 §4.2.3.5 asks that a
   * SYN be retried for at least 3 minutes: with the default RTOs, 7 retries give ≈ 3 min 3 s.
   */
  synRetries: number;
  /**
   * A connection still opening (SYN-SENT, SYN-RECEIVED) after this long (ms) fails with ETIMEDOUT,
   * whatever synRetries allows (BSD's net.inet.tcp.keepinit, 75 s). Default undefined: synRetries alone.
   */
  connectTimeout: number | undefined;
  /**
   * From this SYN retransmission on, the SYN offers only the MSS: window scaling, timestamps and
   * SACK are dropped for the connection, in case a middlebox discards SYNs with options it does
   * not know (BSD's net.inet.tcp.rexmit_drop_options: 3). Default undefined: never.
   */
  synDropOptionsAfter: number | undefined;
  /** SYN-ACK retransmissions for a half-open passive connection before it is dropped. Default 5. */
  synAckRetries: number;
  /**
   * Data/FIN retransmissions (R2, RFC 9293 §3.8.3 / RFC 1122 §4.2.3.5, at least 100 s) before the
   * connection fails with ETIMEDOUT. Default 15 (≈ 13 min with the default RTO bounds).
   */
  dataRetries: number;
  /**
   * RFC 9293 §3.8.3 / RFC 5482 user timeout: fail with ETIMEDOUT when sent data stays
   * unacknowledged this long. Default undefined (only dataRetries applies).
   */
  userTimeout: number | undefined;
  /** RFC 1122 §4.2.3.6: keep-alives are off unless asked for. Default false. */
  keepAlive: boolean;
  /** Idle time before the first keep-alive probe, at least 2 h by default (RFC 1122 §4.2.3.6). */
  keepAliveIdle: number;
  /** Interval between unanswered keep-alive probes. Default 75 s. */
  keepAliveInterval: number;
  /** Unanswered keep-alive probes before ETIMEDOUT. Default 9. */
  keepAliveCount: number;
  /** Disable Nagle's algorithm (RFC 896, RFC 9293 §3.7.4) on new connections. Default false. */
  noDelay: boolean;
  /**
   * Which Nagle rule holds back a sub-MSS segment (when noDelay is off):
   * - 'classic': RFC 1122 §4.2.3.4 / RFC 9293 §3.7.4, while any data is unacknowledged
   *   (SND.NXT > SND.UNA when the output pass starts, so one write into an idle connection goes
   *   out whole, as RFC 896 words it);
   * - 'minshall': only while an earlier sub-MSS segment is unacknowledged (Minshall's refinement,
   *   draft-minshall-nagle).
   * Default 'minshall': the classic rule holds the short tail of every write that is not a multiple
   * of the MSS until the full segments before it are acknowledged, and with a delayed-ACK peer
   * (RFC 1122 §4.2.3.2) that stalls request/response traffic by up to the delayed-ACK timeout; the
   * refinement keeps Nagle's one-small-segment-in-flight bound without that stall. The packetdrill
   * `rfc` profile selects 'classic'.
   */
  nagle: 'classic' | 'minshall';
  /**
   * Where PSH goes (push-marks.ts; RFC 9293 §3.9.1 leaves it to the sender): 'rfc9293', on the
   * segment that empties the send queue; 'linux', where a Linux sender puts it (the end of each
   * write and forced pushes every half window, and the last segment of each multi-segment burst).
   * Default 'rfc9293'; the 'linux' profile selects 'linux'.
   */
  pushRule: PushRule;
  /**
   * When cwnd grows (cwnd-use.ts): 'rfc5681', by at most one SMSS per ACK in slow start (RFC 5681
   * §3.1; HyStart++'s L while it runs) and only while the flight before the ACK fills the window
   * (half of it in slow start, RFC 7661 §4.3); 'linux', by every segment an ACK covers in slow
   * start (tcp_slow_start()) and while the window was in use during the current window of data
   * (tcp_is_cwnd_limited()). Default 'rfc5681'; the 'linux' profile selects 'linux'.
   */
  cwndGrowth: CwndGrowth;
  /**
   * The RST that answers data arriving after close() (RFC 1122 §4.2.2.13): 'abort', the
   * connection's ABORT reset <SEQ=SND.NXT><CTL=RST,ACK>; 'reply', the reply to that segment as for
   * a connection that no longer exists, <SEQ=SEG.ACK><CTL=RST> (RFC 9293 §3.5.2; Linux and BSD).
   * Default 'abort'; the 'linux' profile selects 'reply'.
   */
  orphanDataRst: 'abort' | 'reply';
  /**
   * A segment acknowledging data never sent (SEG.ACK > SND.NXT): 'ack', RFC 9293 §3.10.7.4 /
   * RFC 5961 §5.2 — send an ACK and drop it; 'drop', drop it unanswered in ESTABLISHED (Linux).
   * Default 'ack'; the 'linux' profile selects 'drop'.
   */
  ackOfUnsentData: 'ack' | 'drop';
  /**
   * How the send buffer is filled and when a writer it stopped may go on (sndbuf-linux.ts).
   * 'bytes' (default): it holds up to sendBufferSize bytes of data, and a writer goes on as soon as
   * any of it is free. 'linux': Linux's accounting — every queued chunk costs its data plus a fixed
   * overhead, a write starts a new size-goal chunk only while that total is under the size (a chunk
   * once started is filled), and a stopped writer goes on only when the free part is at least half
   * of what is used. The 'linux' profile selects 'linux'.
   */
  sendBufferRule: 'bytes' | 'linux';
  /**
   * While the interface refuses to send (local congestion, local-drop.ts), a refused persist probe
   * is retried after this many ms without backing the timer off (Linux's
   * TCP_RESOURCE_PROBE_INTERVAL, 500); 0 keeps the persist timer's ordinary backoff. Default 0;
   * the 'linux' profile selects 500.
   */
  localDropRetryInterval: number;
  /** pushRule 'linux': the fewest segments a burst may carry whatever the pacing rate (Linux tcp_min_tso_segs). Default 2. */
  pushBurstMinSegments: number;
  /**
   * RFC 7323 §2 window scaling: offer a shift (sized to the receive buffer, at most 14) in our SYN
   * and scale windows when the peer offers one too. Default true.
   */
  windowScaling: boolean;
  /** RFC 7323 §3–§5 timestamps: RTT measurement from echoed TSvals and PAWS. Default true. */
  timestamps: boolean;
  /**
   * RFC 2018 SACK (with RFC 2883 D-SACK) on the receive side and RFC 6675 SACK-based loss recovery
   * on the send side, when both SYNs carry SACK-permitted. Default true.
   */
  sack: boolean;
  /** Congestion control algorithm name (see cc/index.ts): 'cubic' (RFC 9438, default) or 'newreno'. */
  congestionControl: string;
  /**
   * RFC 9406 HyStart++ for the initial slow start (CUBIC and NewReno): slow start ends on an RTT
   * increase, through Conservative Slow Start, before the bottleneck queue overflows. Default true.
   */
  hystart: boolean;
  /**
   * CUBIC's arithmetic: 'rfc9438' (cc/cubic.ts, with RFC 9406 HyStart++), or 'linux' (cc/cubic-linux.ts:
   * Linux's integer CUBIC in whole segments, its HyStart ACK-train and delay detection, idle time
   * kept out of the epoch). Default 'rfc9438'; the 'linux' profile selects 'linux'.
   */
  cubicVariant: 'rfc9438' | 'linux';
  /** cubicVariant 'linux': the tcp_cubic module parameters, over Linux's defaults. Default {}. */
  cubicTunables: Partial<CubicTunables>;
  /**
   * RFC 5681 §4.1: after an idle period longer than the RTO, cwnd restarts from the restart window.
   * Default true (Linux's tcp_slow_start_after_idle; its packetdrill defaults turn it off).
   */
  slowStartAfterIdle: boolean;
  /**
   * RACK's transmit records take a SACK block segment by segment: a segment the block covers only
   * in part stays un-SACKed (as Linux's tcp_sacktag_walk(), which SACKs whole MSS units); false
   * splits the segment at the block's edge (RFC 6675 §2 keeps the SACKed octets). Default false;
   * the linux profile turns it on.
   */
  sackWholeSegments: boolean;
  /**
   * RFC 3168 ECN, as Linux's tcp_ecn 1/2/0: 'on' requests it in our SYN and accepts it in a peer's;
   * 'passive' only accepts a peer's request (SYN-ACK with ECE); 'off' never uses it. Default 'passive'.
   */
  ecn: 'on' | 'passive' | 'off';
  /**
   * RFC 3168 §6.1.1.1: retransmissions of an ECN-setup SYN that still ask for ECN; later ones go
   * without ECE/CWR. Default 0 (Linux's tcp_ecn_fallback); FreeBSD's ecn.maxretries is 1.
   */
  ecnSynRetries: number;
  /**
   * Pacing of new data (pacing.ts): segments leave spread at a rate of cwnd/SRTT × 2 in slow start
   * and × 1.2 in congestion avoidance (Linux's tcp_pacing_ss_ratio / tcp_pacing_ca_ratio), or the
   * congestion control's own rate. Default false (see docs/net.md for the measurements).
   */
  pacing: boolean;
  /**
   * How pacing spaces segments (pacing.ts): 'quantum', a backlog of up to max(1 ms, 2 segments)
   * may leave at once; 'departure', each send leaves at the flow's next departure time, which moves
   * on by the send's length at the pacing rate (up to half of it forgiven after idle time), the
   * first 10 segments unpaced — Linux's earliest-departure-time pacing under the fq qdisc.
   * Default 'quantum'; the 'linux' profile selects 'departure'.
   */
  pacingRule: 'quantum' | 'departure';
  /** RFC 6928 initial window in segments (IW = min(n·MSS, max(2·MSS, 14600))). Default 10. */
  initialWindowSegments: number;
  /** RFC 5681 §3.2 duplicate-ACK threshold for fast retransmit. Default 3. */
  dupAckThreshold: number;
  /** RFC 3042 limited transmit. Default true. */
  limitedTransmit: boolean;
  /**
   * RFC 5961 §3.2: an in-window RST whose sequence number is not exactly RCV.NXT gets a challenge
   * ACK instead of resetting. false restores RFC 793's rule (any RST in the window resets; FreeBSD's
   * net.inet.tcp.insecure_rst=1). Default true.
   */
  rfc5961Rst: boolean;
  /**
   * RFC 5961 §4.2: a SYN in a synchronized state gets a challenge ACK. false restores RFC 793 §3.9's
   * rule (a SYN in the window is answered with RST and resets the connection; FreeBSD's
   * net.inet.tcp.insecure_syn=1). Default true.
   */
  rfc5961Syn: boolean;
  /**
   * Loss detection on SACK connections (connections without SACK always count duplicate ACKs):
   * - 'rack': RFC 8985 RACK — a segment is lost when one sent after it was delivered and
   *   RACK.rtt + reo_wnd (min_RTT/4, grown by D-SACK, at most SRTT) has passed since it was sent;
   * - 'dupack': RFC 5681 §3.2 duplicate-ACK threshold with the RFC 6675 scoreboard (IsLost).
   * Default 'rack'.
   */
  lossDetection: 'rack' | 'dupack';
  /**
   * RFC 8985 §7 Tail Loss Probe (with lossDetection 'rack'): when ACKs stop for PTO = 2·SRTT
   * (+ 200 ms with one segment in flight, never past the RTO), send new data or the last segment
   * again, so a tail loss is repaired by SACK-driven recovery rather than a timeout. Default true.
   */
  tlp: boolean;
  /**
   * The TLP probe timeout (RFC 8985 §7.2 computes 2·SRTT, plus TLP.max_ack_delay with one segment
   * in flight, and leaves the floor to the implementation):
   * - 'rfc8985': max(10 ms, 2·SRTT) (+ 200 ms with one segment in flight);
   * - 'linux': 2·SRTT + 2 ms, or 2·SRTT + rtoMin with one segment in flight (tcp_schedule_loss_probe).
   * Either way never later than the retransmission timer. Default 'rfc8985'.
   */
  ptoRule: 'rfc8985' | 'linux';
  /**
   * What a zero-window probe carries (RFC 9293 §3.8.6.1 asks for "at least one octet of new data
   * (if available)"; RFC 1122 §4.2.2.17 only that probing go on):
   * - 'data': the octet at SND.UNA, beyond the closed window (a receiver that has room takes it);
   * - 'old-seq': an empty segment at SND.UNA − 1, which the receiver answers with an ACK carrying
   *   its window (Linux's tcp_xmit_probe_skb; no data is sent until the window opens).
   * Default 'data'.
   */
  zeroWindowProbe: 'data' | 'old-seq';
  /**
   * Which newly delivered segment gives RACK.rtt (RFC 8985 §6.2 step 2) when one ACK delivers
   * several:
   * - 'latest-sent': RFC 8985 §6.2 step 2 walks them in ascending Segment.xmit_ts, so RACK.rtt is
   *   the RTT of the most recently sent one;
   * - 'ack-order': the last one in the order the ACK is processed — SACKed ones, then the
   *   cumulatively acknowledged ones in sequence order (Linux's tcp_rack_advance() calls from
   *   tcp_sacktag_one() and tcp_clean_rtx_queue()). A cumulative ACK covering an old original and a
   *   newer retransmission then leaves the original's longer RTT, so RACK marks fewer segments lost.
   * Default 'latest-sent'; the 'linux' profile selects 'ack-order'.
   */
  rackRttFrom: 'latest-sent' | 'ack-order';
  /**
   * How much is sent per ACK during fast recovery: RFC 6937 Proportional Rate Reduction with
   * the slow-start reduction bound ('ssrb', the RFC's default) or the conservative bound ('crb');
   * 'off' keeps RFC 6675's cwnd − pipe (SACK) or RFC 6582 NewReno's window inflation (no SACK).
   * Without SACK, DeliveredData is one SMSS per duplicate ACK (RFC 6937 §3). Default 'ssrb'. 'linux' (the linux profile): as
   * Linux's tcp_cwnd_reduction(), the bound's extra segment only on an ACK of retransmitted data with
   * no retransmission lost (an ECN reduction is conservative), and cwnd itself is set on every ACK
   * of the reduction to what is in flight plus what the ACK lets go (socket.info() reports it).
   */
  prr: 'ssrb' | 'crb' | 'linux' | 'off';
  /**
   * Undo a window reduction caused by a spurious retransmission (SACK connections): detected by
   * timestamps (Eifel, RFC 3522) or D-SACK (RFC 3708), for fast recovery and for timeouts, answered
   * by restoring cwnd/ssthresh as before the reduction (RFC 4015). Default true.
   */
  spuriousUndo: boolean;
  /**
   * RFC 5682 F-RTO: after a retransmission timeout, send new data instead of going back N once the
   * retransmission is acknowledged; if the next ACK acknowledges data that was never retransmitted,
   * the timeout was spurious and the window is restored (RFC 4015 response). SACK-enhanced (§3) on
   * SACK connections, basic (§2) otherwise; needs no timestamps (frto.ts). Default true (linux
   * profile too; rfc and freebsd profiles: false).
   */
  frto: boolean;
  /** RFC 5961 §7: challenge ACKs sent per second by this layer, all connections together. Default 1000. */
  challengeAckLimit: number;
  /** Half-open (SYN-RECEIVED) connections a listener holds before SYNs are dropped. Default 256. */
  synBacklog: number;
  /** RFC 4987 §3.6: answer SYNs with a SYN cookie (no state kept) while the SYN queue is full. Default true. */
  synCookies: boolean;
  /** Upper bound on a listener's accept-queue length (the listen() backlog is clamped to it). Default 4096. */
  maxBacklog: number;
  /** Orphaned (fully closed) connections leave FIN-WAIT-2 after this long. Default 60 s. */
  finWait2Timeout: number;
  /**
   * While our FIN is sent and unacknowledged (FIN-WAIT-1, CLOSING, LAST-ACK), an ACK we owe goes out
   * as FIN-ACK at the FIN's sequence number — a retransmission of the FIN riding on it, as the BSD
   * stacks do (their output routine sets FIN in every segment of those states). Immediate ACKs to
   * unacceptable segments and challenge ACKs stay plain ACKs. Default false.
   */
  finRepeat: boolean;
  /**
   * Which ICMP errors end a connection attempt (icmp-errors.ts): 'rfc1122' (protocol and port
   * unreachable, RFC 1122 §4.2.3.9), 'bsd' (also administratively prohibited and time exceeded in
   * transit, FreeBSD's icmp_may_rst=1), 'none' (all are soft errors, icmp_may_rst=0). Default 'rfc1122'.
   */
  icmpHardErrors: IcmpHardErrorRule;
  /**
   * Segment arrival in TIME-WAIT: 'rfc9293' (the §3.10.7.4 checks, as in the other states) or 'bsd'
   * (time-wait-bsd.ts: segments without ACK dropped silently, the rest acknowledged). Default 'rfc9293'.
   */
  timeWaitRule: 'rfc9293' | 'bsd';
  /**
   * A SYN-ACK arriving at a listener is answered with <SEQ=SEG.ACK><CTL=RST> as RFC 9293 §3.10.7.2
   * asks for any ACK there (true), or dropped silently (false: FreeBSD's syncache rejects it
   * without a reply). Default true.
   */
  listenerSynAckRst: boolean;
  /**
   * A segment that only repeats the peer's FIN (it ends exactly at RCV.NXT) is acknowledged and its
   * ACK field processed, instead of being dropped as unacceptable after an ACK (RFC 9293
   * §3.10.7.4). BSD and Linux accept it that way: in CLOSING the ACK of our FIN riding on the
   * peer's retransmitted FIN then ends the closing handshake. Default false.
   */
  duplicateFinAck: boolean;
  /**
   * Drop every segment that has both SYN and FIN set, silently (FreeBSD's net.inet.tcp.drop_synfin;
   * RFC 9293 gives SYN+FIN no meaning of its own). Default false: such a segment is processed as a
   * SYN that also carries a FIN.
   */
  dropSynFin: boolean;
  /** RFC 1337: ignore RST in TIME-WAIT (TIME-WAIT assassination protection). Default true. */
  rfc1337: boolean;
  /** Out-of-order segments held for reassembly per connection (the bytes are bounded by the window). Default 512. */
  maxReassemblySegments: number;
  /**
   * Layout of the options in our SYN and SYN-ACK (the same options either way; RFC 9293 §3.1 leaves
   * their order free). 'linux' (default): MSS, SACK-permitted in the NOPs before the timestamps,
   * NOP + window scale. 'freebsd': MSS, NOP + window scale, SACK-permitted, NOPs aligning the
   * timestamps, timestamps, EOL padding to a 32-bit boundary.
   */
  synOptionLayout: 'linux' | 'freebsd';
  /**
   * Initial sequence number hook (tests, demos). Default undefined: RFC 6528 ISN = M + F(4-tuple, key).
   * Returning undefined falls back to the RFC 6528 choice.
   */
  isn: ((local: Endpoint, remote: Endpoint, now: number) => number | undefined) | undefined;
  /**
   * RFC 4821 / RFC 8899 Packetization Layer Path MTU Discovery (src/tcp/plpmtud.ts), for paths that
   * drop large packets without sending ICMP: 'off' — ICMP-driven path MTU only (RFC 1191/8201);
   * 'blackhole' — that, plus falling back to a base MSS (MTU 1024 IPv4 / 1280 IPv6) after
   * repeated timeouts of large segments and probing back up; 'on' — start at the base and probe
   * up from the first data. Default 'blackhole': a stack should survive an ICMP black hole, and
   * the mode costs nothing until timeouts look like one. The 'linux' profile says 'off' (Linux
   * tcp_mtu_probing=0), 'freebsd' 'off' (pmtud_blackhole_detection=0), 'rfc' 'off'.
   */
  mtuProbing: MtuProbing;
  /**
   * How PLPMTUD searches once it is on (plpmtud.ts). 'table' (default): RFC 8899 §5.3.2's common
   * link MTUs upward from the base. 'linux' (plpmtud-linux.ts, tcp_mtu_probe()): RFC 4821 §7.3's
   * binary search between search_low (the MTU of `mtuProbeBaseMss`) and search_high (the peer's
   * MSS within the path MTU), starting from the MSS already in use; a probe is sent only with
   * cwnd ≥ 11 segments and enough data queued behind it to detect its loss by duplicate ACKs.
   */
  mtuProbeSearch: 'table' | 'linux';
  /** 'linux' search: search_low's MSS (Linux tcp_base_mss, default 1024). */
  mtuProbeBaseMss: number;
  /**
   * Lowest MSS our SYN advertises however small the MTU (tcp/adv-mss.ts). Default MIN_SND_MSS
   * (48); the 'freebsd' profile 0 (tcp_mssopt(): MTU − 40 as it is, 32 on a 72-byte link).
   */
  minAdvertisedMss: number;
  /**
   * Start from a behaviour profile (src/tcp/profiles.ts): 'rfc' (the values the RFCs give, RFC 9293
   * baseline without RFC 7323/SACK options), 'linux' or 'freebsd' (those kernels' defaults). Fields
   * given beside it override the profile. Default undefined: the defaults below.
   */
  profile: TcpProfileName | undefined;
}

export const DEFAULT_TCP_CONFIG: Readonly<TcpConfig> = Object.freeze({
  mss: undefined,
  sendBufferSize: 256 * 1024,
  recvBufferSize: 256 * 1024,
  recvBufferAutoTune: true,
  sendBufferAutoTune: true,
  sendBufferMax: 16 * 1024 * 1024,
  recvBufferMax: 16 * 1024 * 1024,
  memory: DEFAULT_TCP_MEMORY,
  windowScaleFromMax: false,
  roundBuffersToMss: false,
  windowRule: 'rfc9293',
  rtoInitial: 1000,
  rtoMin: 200,
  rtoVarianceFloor: false,
  rtoMax: 60_000,
  rtoSlop: 0,
  clockGranularity: 1,
  delayedAckTimeout: 40,
  ackEverySecondSegment: false,
  quickAckSegments: 16,
  msl: 30_000,
  synRetries: 7,
  connectTimeout: undefined,
  synDropOptionsAfter: undefined,
  synAckRetries: 5,
  dataRetries: 15,
  userTimeout: undefined,
  keepAlive: false,
  keepAliveIdle: 2 * 60 * 60 * 1000,
  keepAliveInterval: 75_000,
  keepAliveCount: 9,
  noDelay: false,
  nagle: 'minshall',
  pushRule: 'rfc9293',
  cwndGrowth: 'rfc5681',
  orphanDataRst: 'abort',
  ackOfUnsentData: 'ack',
  sendBufferRule: 'bytes',
  localDropRetryInterval: 0,
  pushBurstMinSegments: 2,
  windowScaling: true,
  timestamps: true,
  sack: true,
  congestionControl: 'cubic',
  hystart: true,
  cubicVariant: 'rfc9438',
  cubicTunables: {},
  slowStartAfterIdle: true,
  sackWholeSegments: false,
  ecn: 'passive',
  ecnSynRetries: 0,
  pacing: false,
  pacingRule: 'quantum',
  initialWindowSegments: 10,
  dupAckThreshold: 3,
  limitedTransmit: true,
  rfc5961Rst: true,
  rfc5961Syn: true,
  lossDetection: 'rack',
  tlp: true,
  ptoRule: 'rfc8985',
  zeroWindowProbe: 'data',
  rackRttFrom: 'latest-sent',
  prr: 'ssrb',
  spuriousUndo: true,
  frto: true,
  challengeAckLimit: 1000,
  synBacklog: 256,
  synCookies: true,
  maxBacklog: 4096,
  finWait2Timeout: 60_000,
  finRepeat: false,
  icmpHardErrors: 'rfc1122',
  timeWaitRule: 'rfc9293',
  duplicateFinAck: false,
  listenerSynAckRst: true,
  dropSynFin: false,
  rfc1337: true,
  maxReassemblySegments: 512,
  synOptionLayout: 'linux',
  mtuProbing: 'blackhole',
  mtuProbeSearch: 'table',
  mtuProbeBaseMss: 1024,
  minAdvertisedMss: 48,
  isn: undefined,
  profile: undefined,
});

function atLeast(v: number, min: number): number {
  return Number.isFinite(v) ? Math.max(min, v) : min;
}

/** Defaults filled in; values an RFC bounds are clamped into range. */
export function resolveConfig(partial: Partial<TcpConfig> = {}): TcpConfig {
  const c: TcpConfig = { ...DEFAULT_TCP_CONFIG, ...(partial.profile === undefined ? {} : tcpProfileConfig(partial.profile)) };
  for (const [k, v] of Object.entries(partial)) {
    if (v !== undefined || k === 'mss' || k === 'userTimeout' || k === 'isn' || k === 'connectTimeout' || k === 'synDropOptionsAfter') (c as unknown as Record<string, unknown>)[k] = v;
  }
  c.sendBufferSize = atLeast(c.sendBufferSize, 1);
  c.recvBufferSize = atLeast(c.recvBufferSize, 1);
  c.rtoMin = atLeast(c.rtoMin, 1);
  c.rtoMax = atLeast(c.rtoMax, c.rtoMin);
  c.rtoInitial = Math.min(c.rtoMax, atLeast(c.rtoInitial, c.rtoMin));
  c.clockGranularity = atLeast(c.clockGranularity, 0);
  c.rtoSlop = atLeast(c.rtoSlop, 0);
  c.delayedAckTimeout = Math.min(500, atLeast(c.delayedAckTimeout, 0));
  c.msl = atLeast(c.msl, 0);
  c.initialWindowSegments = atLeast(c.initialWindowSegments, 1);
  c.dupAckThreshold = atLeast(c.dupAckThreshold, 1);
  c.synBacklog = atLeast(c.synBacklog, 1);
  c.maxBacklog = atLeast(c.maxBacklog, 1);
  c.maxReassemblySegments = atLeast(c.maxReassemblySegments, 1);
  c.pushBurstMinSegments = atLeast(Math.floor(c.pushBurstMinSegments), 1);
  if (c.mss !== undefined) c.mss = atLeast(Math.floor(c.mss), 64);
  return c;
}
