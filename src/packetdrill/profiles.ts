// Behaviour profiles: which TCP tunables a packetdrill script may assume. A script written on a
// Linux or FreeBSD machine encodes that kernel's timers (initial RTO, minimum RTO, delayed-ACK
// delay), initial window and defaults; the profile maps them onto TcpConfig so such a script can
// pass wherever the behaviour it tests is not specific to one kernel. The `rfc` profile uses the
// values the RFCs themselves give and is the one our own suite (test/packetdrill/) is written for;
// it keeps the base protocol of RFC 9293 (no RFC 7323 options) unless a script turns them on.
//
// What no TcpConfig field can express yet (the core would need it to match kernel scripts):
//  - the FreeBSD option layout of SYN and SYN-ACK (mss,nop,wscale,sackOK,TS; mss,sackOK,eol,eol)
//    — the core lays options out as Linux does (mss,sackOK,TS,nop,wscale);
//  - a window-scale shift chosen from the largest buffer the socket may grow to (Linux: tcp_rmem
//    max; FreeBSD: sb_max) rather than the current one — the profiles give a buffer of that size;
//  - per-connection keep-alive interval/count (TCP_KEEPINTVL/TCP_KEEPCNT; the runner sets them
//    layer-wide, which is exact for one connection at a time);
//  - Linux's RTO formula (rttvar floored at rto_min) and its quick-ACK heuristics beyond a count;
//  - the RFC 3390 initial window min(4·MSS, max(2·MSS, 4380)) (initialWindow() caps at 14600).

import type { TcpConfig } from '../tcp/config.js';
import { FREEBSD_TOLERANCE, LINUX_TOLERANCE, type Tolerance } from './timing.js';

export type ProfileName = 'rfc' | 'linux' | 'freebsd';

export const PROFILE_NAMES: readonly ProfileName[] = ['rfc', 'linux', 'freebsd'];

export function isProfileName(s: string): s is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(s);
}

export interface Profile {
  name: ProfileName;
  /** TCP core tunables for the layer under test. */
  tcp: Partial<TcpConfig>;
  /** Script dialect: `#ifdef FreeBSD`, errno numbers, fcntl flag values. */
  dialect: 'linux' | 'freebsd';
  /** Default timing tolerance (scripts may override with --tolerance_usecs/--tolerance_percent). */
  tolerance: Tolerance;
  /** Extra accept-queue entries beyond listen()'s backlog (Linux admits backlog + 1). */
  backlogExtra: number;
  /** getsockopt(SO_RCVBUF/SO_SNDBUF) reports twice the value set (Linux bookkeeping overhead). */
  doublesSockBuf: boolean;
}

/**
 * RFC values: RFC 6298 §2.1/§2.4 initial and minimum RTO of 1 s, §2.5 maximum 60 s or more;
 * RFC 9293 §3.8.6.3 / RFC 1122 §4.2.3.2 delayed ACK under 0.5 s (the classic 200 ms) with an ACK
 * for at least every second full-sized segment and no quick-ACK phase; RFC 5681 §3.1 / RFC 3390
 * initial window of up to 4 segments; RFC 9293 §3.4.2 MSL of 2 minutes; keep-alive after 2 h
 * (RFC 1122 §4.2.3.6); a 64 KiB receive buffer (a window that needs no scaling).
 */
const RFC_TCP: Partial<TcpConfig> = {
  rtoInitial: 1000,
  rtoMin: 1000,
  rtoMax: 60_000,
  delayedAckTimeout: 200,
  quickAckSegments: 0,
  initialWindowSegments: 4,
  msl: 120_000,
  recvBufferSize: 65_535,
  sendBufferSize: 256 * 1024,
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
};

/** Linux defaults (net.ipv4.tcp_* sysctls and the constants in include/net/tcp.h). */
const LINUX_TCP: Partial<TcpConfig> = {
  rtoInitial: 1000, // TCP_TIMEOUT_INIT
  rtoMin: 200, // TCP_RTO_MIN
  rtoMax: 120_000, // TCP_RTO_MAX
  delayedAckTimeout: 40, // TCP_DELACK_MIN
  quickAckSegments: 16, // TCP_MAX_QUICKACKS
  initialWindowSegments: 10, // TCP_INIT_CWND
  msl: 30_000, // TCP_TIMEWAIT_LEN is 60 s
  // tcp_rmem max of the packetdrill test defaults (15 MiB): the window scale Linux announces (8)
  recvBufferSize: 15 * 1024 * 1024,
  sendBufferSize: 256 * 1024,
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
};

/** FreeBSD defaults (net.inet.tcp.* sysctls). */
const FREEBSD_TCP: Partial<TcpConfig> = {
  rtoInitial: 1000, // rexmit_initial
  rtoMin: 30, // rexmit_min
  rtoMax: 64_000, // TCPTV_REXMTMAX
  delayedAckTimeout: 40, // delacktime
  quickAckSegments: 0,
  initialWindowSegments: 10, // initcwnd_segments
  msl: 30_000, // msl
  recvBufferSize: 2 * 1024 * 1024, // sb_max: the window scale FreeBSD announces (6)
  sendBufferSize: 32 * 1024,
  windowScaling: true, // rfc1323
  timestamps: true, // rfc1323
  sack: true, // sack.enable
  synRetries: 6,
  synAckRetries: 3,
  dataRetries: 12, // TCP_MAXRXTSHIFT
  keepAliveIdle: 7200_000, // keepidle
  keepAliveInterval: 75_000, // keepintvl
  keepAliveCount: 8, // keepcnt
  finWait2Timeout: 60_000, // finwait2_timeout
  rfc1337: true,
  synOptionLayout: 'freebsd', // tcp_addoptions order
};

const PROFILES: Record<ProfileName, Profile> = {
  rfc: { name: 'rfc', tcp: RFC_TCP, dialect: 'linux', tolerance: LINUX_TOLERANCE, backlogExtra: 0, doublesSockBuf: false },
  linux: { name: 'linux', tcp: LINUX_TCP, dialect: 'linux', tolerance: LINUX_TOLERANCE, backlogExtra: 1, doublesSockBuf: true },
  freebsd: { name: 'freebsd', tcp: FREEBSD_TCP, dialect: 'freebsd', tolerance: FREEBSD_TOLERANCE, backlogExtra: 0, doublesSockBuf: false },
};

/** The profile record (a fresh copy: callers may adjust it). */
export function getProfile(name: ProfileName): Profile {
  const p = PROFILES[name];
  return { ...p, tcp: { ...p.tcp }, tolerance: { ...p.tolerance } };
}

/** TcpConfig values for a profile: `tcp: { profile: 'linux' }` → profileConfig('linux'). */
export function profileConfig(name: ProfileName): Partial<TcpConfig> {
  return { ...PROFILES[name].tcp };
}
