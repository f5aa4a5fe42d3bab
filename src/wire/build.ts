// buildIpPacket: one call to a complete, checksummed IPv4 or IPv6 packet (family chosen by the
// address literals). For tests, tools and the simpler paths of other layers; the stack's hot
// path emits headers in place with emitIpv4Header / emitIpv6Header and emitTcp.

import type { IpAddress } from '../stack/types.js';
import { parseIp } from './address.js';
import { placeBytes } from './bytes.js';
import { emitIcmp, icmpLength, type IcmpRepr } from './icmp.js';
import { emitIcmpv6, icmpv6Length, type Icmpv6Repr } from './icmpv6.js';
import { IpProto } from './ip-proto.js';
import { emitIpv4Header, ipv4HeaderLength } from './ipv4.js';
import { emitIpv6Header, ipv6HeaderLength, type Ipv6ExtHeader } from './ipv6.js';
import { emitTcp, tcpSegmentLength } from './tcp.js';
import type { TcpRepr } from './tcp-types.js';
import { emitUdp, UDP_HEADER } from './udp.js';

export interface UdpInit {
  srcPort?: number;
  dstPort?: number;
  payload?: Uint8Array;
  /** IPv4 only: false sends a zero checksum field ("no checksum", RFC 768). Default true. */
  checksum?: boolean;
}

export interface BuildIpOptions {
  src: IpAddress;
  dst: IpAddress;
  /** TTL (IPv4) or Hop Limit (IPv6); default 64. */
  ttl?: number;
  dscp?: number;
  ecn?: number;
  /** IPv4 only. */
  id?: number;
  dontFragment?: boolean;
  moreFragments?: boolean;
  fragmentOffset?: number;
  ipOptions?: Uint8Array;
  /** IPv6 only. */
  flowLabel?: number;
  extHeaders?: Ipv6ExtHeader[];
  /** At most one of tcp / udp / icmp (IPv4) / icmpv6 (IPv6) / payload. Missing TCP fields default to 0, window 65535. */
  tcp?: Partial<TcpRepr>;
  udp?: UdpInit;
  icmp?: IcmpRepr;
  icmpv6?: Icmpv6Repr;
  /** Raw upper-layer bytes, sent with `protocol` (default 59, No Next Header). */
  payload?: Uint8Array;
  protocol?: number;
}

const EMPTY = new Uint8Array(0);

export function tcpReprDefaults(t: Partial<TcpRepr>): TcpRepr {
  return {
    srcPort: t.srcPort ?? 0,
    dstPort: t.dstPort ?? 0,
    seq: t.seq ?? 0,
    ack: t.ack ?? 0,
    flags: t.flags ?? 0,
    window: t.window ?? 65535,
    urgent: t.urgent ?? 0,
    options: t.options ?? [],
    payload: t.payload ?? EMPTY,
  };
}

/**
 * A complete packet with valid IP and transport checksums. RangeError for caller bugs: bad or
 * mixed-family addresses, more than one upper layer, ICMP on the wrong family, oversize.
 */
export function buildIpPacket(o: BuildIpOptions): Uint8Array {
  const src = parseIp(o.src);
  const dst = parseIp(o.dst);
  if (!src || !dst || src.length !== dst.length) throw new RangeError(`buildIpPacket: bad or mixed addresses '${o.src}' '${o.dst}'`);
  const v4 = src.length === 4;
  const layers = [o.tcp, o.udp, o.icmp, o.icmpv6, o.payload].filter((x) => x !== undefined).length;
  if (layers > 1) throw new RangeError('buildIpPacket: give at most one of tcp, udp, icmp, icmpv6, payload');
  if ((o.icmp && !v4) || (o.icmpv6 && v4)) throw new RangeError('buildIpPacket: icmp is for IPv4, icmpv6 for IPv6');

  const tcp = o.tcp ? tcpReprDefaults(o.tcp) : undefined;
  let protocol: number;
  let upperLen: number;
  if (tcp) [protocol, upperLen] = [IpProto.TCP, tcpSegmentLength(tcp)];
  else if (o.udp) [protocol, upperLen] = [IpProto.UDP, UDP_HEADER + (o.udp.payload?.length ?? 0)];
  else if (o.icmp) [protocol, upperLen] = [IpProto.ICMP, icmpLength(o.icmp)];
  else if (o.icmpv6) [protocol, upperLen] = [IpProto.ICMPV6, icmpv6Length(o.icmpv6)];
  else [protocol, upperLen] = [o.protocol ?? IpProto.NONE, o.payload?.length ?? 0];

  const header = v4
    ? {
        src: o.src, dst: o.dst, protocol, ttl: o.ttl ?? 64, dscp: o.dscp ?? 0, ecn: o.ecn ?? 0, id: o.id ?? 0,
        dontFragment: o.dontFragment ?? false, moreFragments: o.moreFragments ?? false, fragmentOffset: o.fragmentOffset ?? 0,
        options: o.ipOptions ?? EMPTY,
      }
    : undefined;
  const header6 = v4
    ? undefined
    : { src: o.src, dst: o.dst, protocol, hopLimit: o.ttl ?? 64, dscp: o.dscp ?? 0, ecn: o.ecn ?? 0, flowLabel: o.flowLabel ?? 0, extHeaders: o.extHeaders ?? [] };
  const hl = header ? ipv4HeaderLength(header) : ipv6HeaderLength(header6!);
  const out = new Uint8Array(hl + upperLen);
  if (header) emitIpv4Header(header, upperLen, out, 0);
  else emitIpv6Header(header6!, upperLen, out, 0);

  if (tcp) emitTcp(tcp, out, hl, src, dst);
  else if (o.udp) {
    const u = { srcPort: o.udp.srcPort ?? 0, dstPort: o.udp.dstPort ?? 0, payload: o.udp.payload ?? EMPTY };
    if (o.udp.checksum === false && v4) emitUdp(u, out, hl);
    else emitUdp(u, out, hl, src, dst);
  } else if (o.icmp) emitIcmp(o.icmp, out, hl);
  else if (o.icmpv6) emitIcmpv6(o.icmpv6, out, hl, src, dst);
  else if (o.payload) placeBytes(o.payload, out, hl);
  return out;
}
