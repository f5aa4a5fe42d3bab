// PLPMTUD's search as Linux runs it (TcpConfig.mtuProbeSearch 'linux', tcp_mtu_probe()), over the
// state and hooks of plpmtud.ts:
//   - RFC 4821 §7.2: search_low starts at the MTU of a base MSS (`mtuProbeBaseMss`, Linux's
//     tcp_base_mss) and search_high at the peer's MSS plus headers, within the path MTU; the MSS
//     already in use is kept (it is not lowered to the base first).
//   - RFC 4821 §7.3: each probe is the midpoint of [search_low, search_high] (a binary search);
//     the search ends when the two are within PROBE_THRESHOLD bytes.
//   - RFC 4821 §7.4: a probe goes only outside loss recovery, with room for it in the windows and
//     enough data queued behind it (dupthresh + 1 segments) that its loss shows as duplicate ACKs;
//     Linux also waits for a cwnd of at least MIN_CWND_SEGMENTS segments.
//   - RFC 4821 §7.6: acknowledged without retransmission, the probe size becomes search_low and
//     the MSS rises to it (within the path MTU); lost, search_high falls below it.

import type { TcpConnection } from './connection.js';
import { defaultMss, isV6 } from './mss.js';
import { mssFor, mtuOf, newPlpmtud, RAISE_TIMER_MS, type Plpmtud } from './plpmtud.js';
import { seqDiff, seqGe } from './seq.js';

/** tcp_probe_threshold: the search ends when search_high − search_low is below this (bytes). */
export const PROBE_THRESHOLD = 8;
/** tcp_mtu_probe(): no probe while cwnd is below this many segments. */
export const MIN_CWND_SEGMENTS = 11;

function headers(c: TcpConnection): number {
  return (isV6(c.remote.address) ? 40 : 20) + 20;
}

function pathMtu(c: TcpConnection): number {
  return c.host.services.mtuFor(c.remote.address);
}

/** search_high: the peer's MSS (RFC 9293 §3.7.1 default without one) and headers, within the path MTU. */
function searchHigh(c: TcpConnection): number {
  return Math.min((c.peerMss ?? defaultMss(isV6(c.remote.address))) + headers(c), pathMtu(c));
}

function startLinux(c: TcpConnection): Plpmtud {
  const high = searchHigh(c);
  return newPlpmtud(c, high, c.host.config.mtuProbeBaseMss + headers(c), high, true);
}

/** RFC 4821 §7.6: the probe in flight was acknowledged (search_low rises) or lost (search_high falls). */
export function linuxResolveProbe(c: TcpConnection, p: Plpmtud): void {
  if (p.probeLost) {
    p.stats.probesLost++;
    p.high = Math.min(p.high, p.probeMtu - 1);
  } else if (seqGe(c.sndUna, p.probeEnd)) {
    p.stats.probesOk++;
    p.mtu = Math.max(p.mtu, p.probeMtu);
    const mss = Math.min(mssFor(c, p.probeMtu), mssFor(c, pathMtu(c)));
    if (mss > c.sndMss) {
      c.sndMss = mss;
      c.cc.setMss(mss);
    }
  } else return;
  p.probeMtu = 0;
  p.probeLost = false;
}

/** plpmtudProbeBytes() for the 'linux' search: the probe's payload bytes, or 0. */
export function linuxProbeBytes(c: TcpConnection, now: number, unsent: number, room: number, full: number): number {
  let p = c.plpmtud;
  if (p === undefined) {
    if (c.host.config.mtuProbing !== 'on') return 0;
    p = startLinux(c);
  }
  if (p.probeMtu !== 0) {
    const mss = c.sndMss;
    linuxResolveProbe(c, p);
    if (p.probeMtu !== 0) return 0; // one probe at a time
    full += c.sndMss - mss;
  }
  if (!p.searching) {
    if (now < p.raiseAt) return 0;
    // RFC 4821 §7.7 / RFC 8899 §5.1.1: after the raise timer the search starts again from the base.
    p.mtu = c.host.config.mtuProbeBaseMss + headers(c);
    p.high = p.maxMtu = searchHigh(c);
    p.raiseAt = Infinity;
    p.searching = true;
  }
  const high = Math.min(p.high, pathMtu(c));
  let low = p.mtu;
  let mtu = (low + high) >>> 1;
  // A midpoint the MSS in use already carries needs no probe: search above the size in use.
  if (mssFor(c, mtu) <= c.sndMss) {
    low = Math.max(low, mtuOf(c));
    mtu = (low + high) >>> 1;
  }
  if (high - low < PROBE_THRESHOLD || mssFor(c, mtu) <= c.sndMss) {
    p.searching = false;
    p.raiseAt = now + RAISE_TIMER_MS;
    return 0;
  }
  if (c.recovery.inRecovery || c.sndNxt !== c.sndMax) return 0;
  if (c.cc.cwnd < MIN_CWND_SEGMENTS * c.sndMss) return 0;
  const len = full + (mssFor(c, mtu) - c.sndMss);
  const needed = len + (c.host.config.dupAckThreshold + 1) * c.sndMss;
  const wndRoom = c.sndWnd - seqDiff(c.sndNxt, c.sndUna);
  if (unsent < needed || wndRoom < needed || room < len) return 0;
  p.nextMtu = mtu;
  return len;
}
