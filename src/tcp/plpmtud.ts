// Packetization Layer Path MTU Discovery for TCP (RFC 4821, with RFC 8899's search and timers):
// path MTU found by TCP itself, for paths that drop large packets without any ICMP "fragmentation
// needed" / "packet too big" coming back (a PMTU black hole, RFC 2923 §2.1).
//
//   - Black-hole detection (RFC 4821 §7.7, RFC 8899 §4.3): repeated retransmission timeouts while
//     the segment at SND.UNA is larger than the base size mean full-sized packets may be vanishing:
//     the send MSS falls back to the base (search_low, RFC 4821 §7.2: an MTU of 1024 for IPv4,
//     1280 for IPv6), then, if timeouts go on, halves toward the floor (576 / 1280).
//   - Searching (RFC 4821 §7.3–7.6, RFC 8899 §5.3): one probe at a time — a new-data segment
//     sized for the next candidate MTU, sent only when the data, the peer's window and cwnd allow
//     it whole. Acknowledged without having been retransmitted: the probe size becomes the send
//     MSS (search_low rises). Retransmitted (the stack judged it lost): a failure; MAX_PROBES
//     failures of one size end the search below it (search_high falls). Candidates are common
//     link MTUs (RFC 8899 §5.3.2's table search) up to search_high, the MTU the handshake allowed.
//   - PMTU raise timer (RFC 8899 §5.1.1, RFC 4821 §7.7): a finished search starts again after
//     10 minutes, in case the path got better.
//   - ICMP still counts (RFC 4821 §4): a packet-too-big lowers search_high too.
//
// Modes (TcpConfig.mtuProbing): 'off' — classic RFC 1191/8201 only; 'blackhole' — classic, plus
// black-hole fallback and the search back up after one; 'on' — start at the base size and search
// upward from the first data (RFC 4821 §7.2's conservative start, Linux tcp_mtu_probing=2).
// A lost probe alone is not congestion (RFC 4821 §7.5, plpmtud-loss.ts): its bytes are sent again
// in ordinary segments without a recovery episode or a window reduction (RACK detection).
//
// Sans-IO: the connection calls the hooks below from output.ts (probe size, retransmissions),
// timer-actions.ts (timeouts) and layer.ts (ICMP); nothing here reads a clock.

import type { TcpConnection } from './connection.js';
import { MIN_SND_MSS, isV6, mssForMtu } from './mss.js';
import { TS_OPTION_BYTES } from './rfc7323.js';
import { seqGe, seqGt, seqLt } from './seq.js';
import { linuxProbeBytes, linuxResolveProbe } from './plpmtud-linux.js';

export type MtuProbing = 'off' | 'blackhole' | 'on';

/** RFC 4821 §7.2: an initial search_low (MTU) "likely to work"; IPv6 never goes below 1280 (RFC 8200 §5). */
export const BASE_MTU_V4 = 1024;
export const BASE_MTU_V6 = 1280;
/** Lowest MTU a repeated black-hole fallback reaches (RFC 1122 §3.3.3 576 for IPv4; RFC 8200 §5 1280). */
export const FLOOR_MTU_V4 = 576;
/** Consecutive timeouts of a large head segment that count as a black hole. */
export const BLACKHOLE_RTOS = 2;
/** RFC 8899 §5.1.2 MAX_PROBES: failed probes of one size before it is given up. */
export const MAX_PROBES = 3;
/** RFC 8899 §5.1.1 PMTU_RAISE_TIMER (RFC 4821 §7.7: 10 minutes). */
export const RAISE_TIMER_MS = 600_000;
/** Candidate MTUs (RFC 8899 §5.3.2 search by common sizes): IPv6 minimum, tunnels, PPPoE, Ethernet, jumbo. */
const CANDIDATES = [1280, 1400, 1492, 1500, 4352, 8166, 9000, 16384, 32000, 65535];

export interface Plpmtud {
  /** Largest MTU the handshake (or an ICMP report) allows: search_high's ceiling. */
  maxMtu: number;
  /** MTU now in use: the send MSS follows it. */
  mtu: number;
  /** search_high: sizes above are not probed until the raise timer. */
  high: number;
  /** The probe in flight (0: none): its MTU and sequence range, and whether any of it was sent again. */
  probeMtu: number;
  /** The MTU plpmtudProbeBytes() sized the next segment for. */
  nextMtu: number;
  probeSeq: number;
  probeEnd: number;
  probeLost: boolean;
  /** Failures of the size being probed. */
  failures: number;
  /** Searching (true) or done until `raiseAt`. */
  searching: boolean;
  raiseAt: number;
  stats: { probes: number; probesOk: number; probesLost: number; blackholes: number };
}

function v6(c: TcpConnection): boolean {
  return isV6(c.remote.address);
}

function optBytes(c: TcpConnection): number {
  return c.tsOk ? TS_OPTION_BYTES : 0;
}

/** The send MSS for an MTU on this connection (IP and TCP headers, and the options every segment carries). */
export function mssFor(c: TcpConnection, mtu: number): number {
  return Math.max(MIN_SND_MSS, mssForMtu(mtu, v6(c)) - optBytes(c));
}

/** The MTU the current send MSS stands for. */
export function mtuOf(c: TcpConnection): number {
  return c.sndMss + optBytes(c) + (v6(c) ? 40 : 20) + 20;
}

function baseMtu(c: TcpConnection): number {
  return v6(c) ? BASE_MTU_V6 : BASE_MTU_V4;
}

function floorMtu(c: TcpConnection): number {
  return v6(c) ? BASE_MTU_V6 : FLOOR_MTU_V4;
}

/** A connection's PLPMTUD state: `mtu` in use, `high` the search's upper bound (RFC 4821 §7.2). */
export function newPlpmtud(c: TcpConnection, maxMtu: number, mtu: number, high: number, searching: boolean): Plpmtud {
  const p: Plpmtud = {
    maxMtu,
    mtu,
    high,
    probeMtu: 0,
    nextMtu: 0,
    probeSeq: 0,
    probeEnd: 0,
    probeLost: false,
    failures: 0,
    searching,
    raiseAt: Infinity,
    stats: { probes: 0, probesOk: 0, probesLost: 0, blackholes: 0 },
  };
  c.plpmtud = p;
  return p;
}

function start(c: TcpConnection): Plpmtud {
  const max = mtuOf(c);
  return newPlpmtud(c, max, max, max, false);
}

function setMtu(c: TcpConnection, p: Plpmtud, mtu: number): void {
  p.mtu = mtu;
  const mss = mssFor(c, mtu);
  if (mss === c.sndMss) return;
  c.sndMss = mss;
  c.cc.setMss(mss);
}

/** Next candidate MTU above the one in use and within search_high, or undefined when the search is over. */
function nextCandidate(p: Plpmtud): number | undefined {
  for (const m of CANDIDATES) if (m > p.mtu && m <= p.high) return m;
  // The largest size the handshake allows, unless it has failed already (no creeping down by bytes).
  return p.high === p.maxMtu && p.high > p.mtu ? p.high : undefined;
}

function finish(p: Plpmtud, now: number): void {
  p.searching = false;
  p.raiseAt = now + RAISE_TIMER_MS;
}

/**
 * RFC 4821 §7.7 / RFC 8899 §4.3: a retransmission timeout (c.retries already counts it). Every
 * BLACKHOLE_RTOS consecutive timeouts with a head segment larger than the fallback size, the MTU
 * falls back (base, then halving to the floor) and the search restarts from there.
 */
export function plpmtudOnTimeout(c: TcpConnection, flight: number, now: number): void {
  if (c.host.config.mtuProbing === 'off') return;
  const probing = c.plpmtud;
  if (probing !== undefined && probing.probeMtu !== 0) {
    probing.probeLost = true; // the timeout resends the probe's bytes: a failure
    resolveProbe(c, probing, now);
  }
  if (c.retries < BLACKHOLE_RTOS || c.retries % BLACKHOLE_RTOS !== 0) return;
  const cur = mtuOf(c);
  const fallback = cur > baseMtu(c) ? baseMtu(c) : Math.max(floorMtu(c), Math.floor(cur / 2));
  if (fallback >= cur || Math.min(c.sndMss, flight) <= mssFor(c, fallback)) return;
  const p = probing ?? start(c);
  p.stats.blackholes++;
  p.high = p.maxMtu;
  p.failures = 0;
  setMtu(c, p, fallback);
  p.searching = nextCandidate(p) !== undefined;
}

/** RFC 4821 §4: an ICMP packet-too-big lowers the ceiling of the search too. */
export function plpmtudOnPacketTooBig(c: TcpConnection, mtu: number): void {
  const p = c.plpmtud;
  if (p === undefined) return;
  // The report caps this search (search_high) and the size in use, never below the floor the MSS
  // itself keeps; the handshake's ceiling stays, so the raise timer may probe above it again later
  // (RFC 8899 §5.1.1, RFC 8201 §4: a PMTU estimate may be raised after a while).
  const m = Math.max(floorMtu(c), mtu);
  p.high = Math.min(p.high, m);
  p.mtu = Math.min(p.mtu, m);
  if (p.probeMtu > m) p.probeLost = true;
}

/** A (re)transmission of [seq, end): if it covers the probe's bytes again, the probe counts as lost. */
export function plpmtudOnRetransmit(c: TcpConnection, seq: number, end: number): void {
  const p = c.plpmtud;
  if (p === undefined || p.probeMtu === 0) return;
  if (seqLt(seq, p.probeEnd) && seqGt(end, p.probeSeq)) p.probeLost = true;
}

function resolveProbe(c: TcpConnection, p: Plpmtud, now: number): void {
  if (c.host.config.mtuProbeSearch === 'linux') {
    linuxResolveProbe(c, p);
    return;
  }
  if (p.probeLost) {
    p.stats.probesLost++;
    if (++p.failures >= MAX_PROBES) {
      p.high = Math.min(p.high, p.probeMtu - 1); // RFC 4821 §7.6.1: this size does not pass (a lower ICMP cap stays)
      p.failures = 0;
    }
  } else if (seqGe(c.sndUna, p.probeEnd)) {
    p.stats.probesOk++;
    p.failures = 0;
    if (p.probeMtu > p.mtu) setMtu(c, p, p.probeMtu); // RFC 4821 §7.6.2: search_low rises
  } else return;
  p.probeMtu = 0;
  p.probeLost = false;
  if (nextCandidate(p) === undefined) finish(p, now);
}

/**
 * Payload bytes for the next new-data segment when it is to be a probe, else 0. `room` is what
 * the windows allow, `unsent` the new data queued, `full` the ordinary payload size.
 */
export function plpmtudProbeBytes(c: TcpConnection, now: number, unsent: number, room: number, full: number): number {
  if (c.host.config.mtuProbeSearch === 'linux') return linuxProbeBytes(c, now, unsent, room, full);
  let p = c.plpmtud;
  if (p === undefined) {
    if (c.host.config.mtuProbing !== 'on') return 0;
    // RFC 4821 §7.2: start from search_low, before the first data segment.
    p = start(c);
    setMtu(c, p, Math.min(baseMtu(c), p.maxMtu));
    p.searching = true;
    return 0;
  }
  if (p.probeMtu !== 0) {
    const mss = c.sndMss;
    resolveProbe(c, p, now);
    if (p.probeMtu !== 0) return 0; // one probe at a time
    full += c.sndMss - mss; // a successful probe has just raised the MSS
  }
  if (!p.searching) {
    if (now < p.raiseAt) return 0;
    // RFC 8899 §5.1.1: the raise timer restarts the search toward the largest size the path may take.
    p.high = p.maxMtu;
    p.failures = 0;
    p.raiseAt = Infinity;
    p.searching = nextCandidate(p) !== undefined;
    if (!p.searching) {
      finish(p, now);
      return 0;
    }
  }
  const mtu = nextCandidate(p);
  if (mtu === undefined) {
    finish(p, now);
    return 0;
  }
  // RFC 4821 §7.4: only a whole probe, of new data, outside loss recovery.
  if (c.recovery.inRecovery || c.sndNxt !== c.sndMax) return 0;
  const len = full + (mssFor(c, mtu) - c.sndMss);
  if (len <= full || unsent < len || room < len) return 0;
  p.nextMtu = mtu;
  return len;
}

/** The probe sized by plpmtudProbeBytes() has just been sent as [seq, end). */
export function plpmtudProbeSent(c: TcpConnection, seq: number, end: number): void {
  const p = c.plpmtud!;
  p.probeMtu = p.nextMtu;
  p.probeSeq = seq;
  p.probeEnd = end;
  p.probeLost = false;
  p.stats.probes++;
}
