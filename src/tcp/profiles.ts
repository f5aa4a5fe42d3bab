// Behaviour profiles of the TCP core: TcpConfig values that make layer4 behave as the RFCs write
// it ('rfc'), or as a Linux or FreeBSD kernel does by default ('linux', 'freebsd'), where the
// behaviour is not specific to one kernel. `tcp: { profile: 'linux' }` on a host (or a TcpLayer's
// config) starts from these values; fields given beside it win. packetdrill's
// `layer4 packetdrill --profile` uses the same tables (src/packetdrill/profiles.ts).

import type { TcpConfig } from './config.js';

export type TcpProfileName = 'rfc' | 'linux' | 'freebsd';

export const TCP_PROFILE_NAMES: readonly TcpProfileName[] = ['rfc', 'linux', 'freebsd'];

/**
 * RFC values: RFC 6298 §2.1/§2.4 initial and minimum RTO of 1 s, §2.5 maximum 60 s or more;
 * RFC 9293 §3.8.6.3 / RFC 1122 §4.2.3.2 delayed ACK under 0.5 s (the classic 200 ms) with an ACK
 * for at least every second full-sized segment and no quick-ACK phase; RFC 5681 §3.1 / RFC 3390
 * initial window of up to 4 segments; RFC 9293 §3.4.2 MSL of 2 minutes; keep-alive after 2 h
 * (RFC 1122 §4.2.3.6); a 64 KiB receive buffer (a window that needs no scaling).
 */
export const RFC_TCP: Partial<TcpConfig> = {
  rtoInitial: 1000,
  rtoMin: 1000,
  rtoMax: 60_000,
  delayedAckTimeout: 200,
  quickAckSegments: 0,
  initialWindowSegments: 4,
  msl: 120_000,
  recvBufferSize: 65_535,
  sendBufferSize: 256 * 1024,
  // Buffer auto-tuning is no RFC's: the RFC baseline keeps its buffers (and so its windows) fixed.
  recvBufferAutoTune: false,
  sendBufferAutoTune: false,
  // The suite tests the RFC 9293 baseline: SYNs carry only MSS (no RFC 7323 options, no SACK).
  windowScaling: false,
  timestamps: false,
  sack: false,
  synRetries: 7, // RFC 1122 §4.2.3.5: a SYN is retried for at least 3 minutes (1+2+…+32+60+60 s)
  synAckRetries: 5,
  dataRetries: 15,
  keepAliveIdle: 2 * 60 * 60 * 1000,
  keepAliveInterval: 75_000,
  keepAliveCount: 9,
  finWait2Timeout: 60_000,
  rfc1337: true,
  noDelay: false,
  nagle: 'classic', // RFC 1122 §4.2.3.4 / RFC 9293 §3.7.4 as written, not Minshall's refinement
  mtuProbing: 'off', // RFC 1191/8201 only; RFC 4821 PLPMTUD is optional
  ecn: 'off', // the RFC 9293 baseline: no RFC 3168 negotiation
  // Loss recovery as RFC 5681 §3.2 / RFC 6675 write it: the duplicate-ACK threshold, no probe
  // timeout, cwnd − pipe during recovery and no undo (RACK-TLP, PRR and the undo responses are
  // later additions a reader of the core RFCs would not expect; they stay selectable).
  lossDetection: 'dupack',
  tlp: false,
  prr: 'off',
  spuriousUndo: false,
  frto: false, // RFC 5682 is Experimental
};

/** Linux defaults (net.ipv4.tcp_* sysctls and the constants in include/net/tcp.h). */
export const LINUX_TCP: Partial<TcpConfig> = {
  rtoInitial: 1000, // TCP_TIMEOUT_INIT
  rtoMin: 200, // TCP_RTO_MIN
  rtoVarianceFloor: true, // tcp_rtt_estimator(): mdev_max is at least tcp_rto_min
  rtoMax: 120_000, // TCP_RTO_MAX
  delayedAckTimeout: 40, // TCP_DELACK_MIN
  quickAckSegments: 16, // TCP_MAX_QUICKACKS
  initialWindowSegments: 10, // TCP_INIT_CWND
  msl: 30_000, // TCP_TIMEWAIT_LEN is 60 s
  // tcp_rmem max of the packetdrill test defaults (15 MiB): the window scale Linux announces (8)
  recvBufferSize: 15 * 1024 * 1024,
  recvBufferMax: 15 * 1024 * 1024, // the same maximum: the window scale stays the one Linux announces
  sendBufferSize: 256 * 1024,
  // tcp_moderate_rcvbuf = 1 and send-buffer growth: auto-tuned (the receive buffer starts at its
  // maximum here, so only the send buffer grows).
  recvBufferAutoTune: true,
  sendBufferAutoTune: true,
  windowScaling: true, // tcp_window_scaling
  timestamps: true, // tcp_timestamps
  sack: true, // tcp_sack
  synRetries: 6, // tcp_syn_retries
  synAckRetries: 5, // tcp_synack_retries
  dataRetries: 15, // tcp_retries2
  keepAliveIdle: 7200_000, // tcp_keepalive_time
  keepAliveInterval: 75_000, // tcp_keepalive_intvl
  keepAliveCount: 9, // tcp_keepalive_probes
  finWait2Timeout: 60_000, // tcp_fin_timeout
  rfc1337: false, // tcp_rfc1337
  challengeAckLimit: 1000,
  mtuProbing: 'off', // tcp_mtu_probing
  mtuProbeSearch: 'linux', // tcp_mtu_probe(): binary search from tcp_base_mss
  ecn: 'passive', // tcp_ecn = 2
  ecnSynRetries: 0, // tcp_ecn_fallback = 1: a retransmitted SYN drops ECE/CWR
  duplicateFinAck: true, // tcp_sequence(): a segment ending at rcv_nxt is acceptable
  lossDetection: 'rack', // tcp_recovery = 1 (RACK)
  tlp: true, // tcp_early_retrans = 3 (TLP)
  zeroWindowProbe: 'old-seq', // tcp_write_wakeup() → tcp_xmit_probe_skb(): <SEQ=SND.UNA−1>, no data
  ptoRule: 'linux', // tcp_schedule_loss_probe(): 2·srtt + TCP_TIMEOUT_MIN, or + rto_min for one packet
  rackRttFrom: 'ack-order', // tcp_rack_advance() per SACKed, then per cumulatively acked skb
  prr: 'linux', // tcp_cwnd_reduction: PRR, the extra segment on ACKs of retransmitted data; cwnd = in flight + sndcnt
  spuriousUndo: true, // tcp_try_undo_* (timestamps and D-SACK)
  pushRule: 'linux', // tcp_mark_push(), forced_push(), PSH on every GSO packet
  cwndGrowth: 'linux', // tcp_slow_start(), tcp_is_cwnd_limited()
  cubicVariant: 'linux', // tcp_cubic.c: integer CUBIC, HyStart (ACK train + delay)
  orphanDataRst: 'reply', // tcp_rcv_state_process(): tcp_reset(), then the reply to the segment
  ackOfUnsentData: 'drop', // tcp_ack(): SKB_DROP_REASON_TCP_ACK_UNSENT_DATA
  sendBufferRule: 'linux', // sk_wmem_queued counts skb truesize; sk_stream_write_space() wakes at a third free
  localDropRetryInterval: 500, // tcp_send_probe0(): TCP_RESOURCE_PROBE_INTERVAL after a local drop
  pacingRule: 'departure', // tcp_update_skb_after_send() departure times, sch_fq holding packets until then
  sackWholeSegments: true, // tcp_match_skb_to_sack(): SACK in whole MSS units
  frto: true, // tcp_frto = 2 (SACK-enhanced F-RTO)
};

/** FreeBSD defaults (net.inet.tcp.* sysctls). */
export const FREEBSD_TCP: Partial<TcpConfig> = {
  rtoInitial: 1000, // rexmit_initial
  rtoMin: 30, // rexmit_min
  rtoSlop: 200, // rexmit_slop
  rtoMax: 64_000, // TCPTV_REXMTMAX
  delayedAckTimeout: 40, // delacktime
  quickAckSegments: 0,
  initialWindowSegments: 10, // initcwnd_segments
  msl: 30_000, // msl
  recvBufferSize: 64 * 1024, // recvspace
  sendBufferSize: 32 * 1024, // sendspace
  recvBufferMax: 2 * 1024 * 1024, // kern.ipc.maxsockbuf (sb_max)
  sendBufferMax: 2 * 1024 * 1024,
  // recvbuf_auto/sendbuf_auto grow FreeBSD's buffers in recvbuf_inc steps, which is not modelled:
  // off, so the socket-buffer model below holds.
  recvBufferAutoTune: false,
  sendBufferAutoTune: false,
  windowScaleFromMax: true, // the shift is sized from sb_max: 6
  roundBuffersToMss: true, // tcp_mss(): buffers become whole segments
  windowRule: 'bsd', // tcp_output(): free space, RFC 1122 SWS rule, update after a read
  finRepeat: true, // tcp_outflags: FIN in every segment until it is acknowledged
  icmpHardErrors: 'bsd', // icmp_may_rst=1
  ackEverySecondSegment: true, // DELAY_ACK(): a second segment while the delayed ACK is pending is acked now
  timeWaitRule: 'bsd', // tcp_twcheck()
  dropSynFin: false, // drop_synfin=0
  duplicateFinAck: true, // tcp_input(): a duplicate FIN is trimmed, its ACK processed
  listenerSynAckRst: false, // a SYN-ACK at a listen socket is dropped
  rfc5961Rst: true, // insecure_rst=0
  rfc5961Syn: true, // insecure_syn=0
  windowScaling: true, // rfc1323
  timestamps: true, // rfc1323
  sack: true, // sack.enable
  synRetries: 12, // TCP_MAXRXTSHIFT: keepinit ends the attempt first
  synAckRetries: 3,
  connectTimeout: 75_000, // keepinit
  dataRetries: 12, // TCP_MAXRXTSHIFT
  keepAliveIdle: 7200_000, // keepidle
  keepAliveInterval: 75_000, // keepintvl
  keepAliveCount: 8, // keepcnt
  finWait2Timeout: 60_000, // finwait2_timeout
  rfc1337: true,
  synOptionLayout: 'freebsd', // tcp_addoptions order
  mtuProbing: 'off', // pmtud_blackhole_detection
  minAdvertisedMss: 0, // tcp_mssopt(): no floor on the MSS option
  ecn: 'passive', // ecn.enable = 2
  ecnSynRetries: 1, // ecn.maxretries
  lossDetection: 'dupack', // the default stack counts duplicate ACKs (RACK is the separate rack stack)
  tlp: false,
  prr: 'ssrb', // net.inet.tcp.do_prr = 1
  spuriousUndo: true, // bad-retransmit (Eifel) detection
  frto: false, // no F-RTO in the default stack
};

const TABLES: Record<TcpProfileName, Partial<TcpConfig>> = { rfc: RFC_TCP, linux: LINUX_TCP, freebsd: FREEBSD_TCP };

/** The TcpConfig values of a profile (a fresh copy). */
export function tcpProfileConfig(name: TcpProfileName): Partial<TcpConfig> {
  return { ...TABLES[name] };
}
