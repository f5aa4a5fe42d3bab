// Behaviour profiles: which TCP tunables a packetdrill script may assume. A script written on a
// Linux or FreeBSD machine encodes that kernel's timers (initial RTO, minimum RTO, delayed-ACK
// delay), initial window and defaults; the profile maps them onto TcpConfig so such a script can
// pass wherever the behaviour it tests is not specific to one kernel. The `rfc` profile uses the
// values the RFCs themselves give and is the one our own suite (test/packetdrill/) is written for;
// it keeps the base protocol of RFC 9293 (no RFC 7323 options) unless a script turns them on.
//
// The TcpConfig tables themselves live in src/tcp/profiles.ts (hosts take them as `tcp: { profile }`).
// What no TcpConfig field can express yet (the core would need it to match kernel scripts):
//  - Linux's window-scale shift chosen from tcp_rmem's maximum rather than the current buffer — the
//    linux profile gives a buffer of that size (FreeBSD's, from sb_max: TcpConfig.windowScaleFromMax);
//  - per-connection keep-alive interval/count (TCP_KEEPINTVL/TCP_KEEPCNT; the runner sets them
//    layer-wide, which is exact for one connection at a time);
//  - Linux's RTO formula (rttvar floored at rto_min) and its quick-ACK heuristics beyond a count;
//  - the RFC 3390 initial window min(4·MSS, max(2·MSS, 4380)) (initialWindow() caps at 14600).

import type { TcpConfig } from '../tcp/config.js';
import { FREEBSD_TCP, LINUX_TCP, RFC_TCP } from '../tcp/profiles.js';
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
