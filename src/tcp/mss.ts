// Segment sizes, RFC 9293 §3.7.1 and RFC 6691: the MSS we advertise comes from our MTU toward the
// peer; the effective send MSS is the smaller of the peer's MSS option (536 / 1220 when absent) and
// what our MTU allows. TCP options in data segments (RFC 7323 timestamps, later) will subtract here.

import type { TcpRepr } from '../wire/tcp-types.js';

/** Smallest send MSS accepted from a peer's option (protects against 1-byte segments). */
export const MIN_SND_MSS = 48;

export function isV6(address: string): boolean {
  return address.includes(':');
}

/** RFC 9293 §3.7.1 default send MSS when the peer sent no MSS option: 536 (IPv4), 1220 (IPv6). */
export function defaultMss(v6: boolean): number {
  return v6 ? 1220 : 536;
}

/** MTU − IP header − 20-byte TCP header (never below MIN_SND_MSS). */
export function mssForMtu(mtu: number, v6: boolean): number {
  return Math.max(MIN_SND_MSS, mtu - (v6 ? 40 : 20) - 20);
}

/** The peer's MSS option, if the segment carries one. */
export function peerMssOption(seg: TcpRepr): number | undefined {
  let mss: number | undefined;
  for (const o of seg.options) if (o.kind === 'mss') mss = o.mss;
  return mss;
}

/** Effective send MSS: min(peer MSS or the default, our MTU-derived MSS). */
export function effectiveSendMss(peerMss: number | undefined, mtu: number, v6: boolean): number {
  return Math.max(MIN_SND_MSS, Math.min(peerMss ?? defaultMss(v6), mssForMtu(mtu, v6)));
}
