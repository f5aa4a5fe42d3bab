// decodePacket: a full layered decode of one IP packet for people (CLI, tests, traces). Never
// throws: malformed input yields the layers that decoded plus an error naming why the rest did
// not. A capture cut short (buffer < IP length) still decodes the headers present; checksums
// that cannot be checked (truncated data, fragments) are 'unverified'.

import { toHex, u16 } from './bytes.js';
import { invalidArgType } from './arg-errors.js';
import { fold, sumWords, pseudoHeaderSumV4, pseudoHeaderSumV6 } from './checksum.js';
import { decodeIcmpMessage } from './packet-icmp.js';
import { IpProto, ipProtoName } from './ip-proto.js';
import { Ipv4View } from './ipv4.js';
import { Ipv6View } from './ipv6.js';
import type {
  DecodedChecksum, DecodedExtHeader, DecodedIpv4, DecodedIpv6, DecodedPacket, DecodedTcp, DecodedTcpOption, DecodedUdp,
} from './packet-types.js';
import { wireError, type WireError } from './result.js';
import { parseTcpOptions } from './tcp-options.js';
import { TcpView, tcpFlagNames } from './tcp.js';
import { summarize } from './packet-format.js';

export type * from './packet-types.js';

const EXT_NAMES: Record<number, string> = {
  0: 'Hop-by-Hop Options', 43: 'Routing', 44: 'Fragment', 51: 'Authentication Header', 60: 'Destination Options',
  135: 'Mobility', 139: 'HIP', 140: 'Shim6',
};

/** Where the upper layer sits and how its checksum can be computed. */
export interface UpperContext {
  buf: Uint8Array;
  /** Offset and length of the upper-layer bytes present. */
  off: number;
  len: number;
  /** Upper-layer length per the IP header (> len when truncated). */
  declaredLen: number;
  protocol: number;
  family: 4 | 6;
  srcOff: number;
  dstOff: number;
  /** Checksums cannot be verified (truncated, or a fragment). */
  unverifiable: boolean;
  /** Part of a fragmented datagram (lengths in the upper header describe the whole datagram). */
  fragment: boolean;
  firstFragment: boolean;
}

/** Checksum status of a field at `fieldOff`; `pseudo` is the pseudo-header sum (0 for ICMPv4). */
export function checksumInfo(ctx: UpperContext, fieldOff: number, pseudo: number, zeroMeansNone: boolean, zeroAsOnes: boolean): DecodedChecksum {
  const value = u16(ctx.buf, fieldOff);
  if (ctx.unverifiable) return { value, status: 'unverified' };
  if (value === 0 && zeroMeansNone) return { value, status: 'none' };
  const total = fold(sumWords(ctx.buf, ctx.off, ctx.len, pseudo));
  if (total === 0xffff && !(value === 0 && zeroAsOnes)) return { value, status: 'valid' };
  // Remove the field from the sum (add its one's complement) to get what it should have been.
  let expected = ~fold(total + (~value & 0xffff)) & 0xffff;
  if (expected === 0 && zeroAsOnes) expected = 0xffff;
  return expected === value ? { value, status: 'valid' } : { value, status: 'invalid', expected };
}

function pseudoSum(ctx: UpperContext, proto: number): number {
  return ctx.family === 4
    ? pseudoHeaderSumV4(ctx.buf, ctx.buf, proto, ctx.declaredLen, ctx.srcOff, ctx.dstOff)
    : pseudoHeaderSumV6(ctx.buf, ctx.buf, proto, ctx.declaredLen, ctx.srcOff, ctx.dstOff);
}

function decodeTcp(ctx: UpperContext, out: DecodedPacket): WireError | undefined {
  const v = new TcpView();
  const err = v.set(ctx.buf, ctx.off, ctx.len);
  if (err) return err;
  const opts = parseTcpOptions(ctx.buf, v.optionsOffset, v.optionsLength);
  const options: DecodedTcpOption[] = opts.options.map((o) => (o.kind === 'unknown' ? { kind: 'unknown', code: o.code, data: toHex(o.data) } : o));
  const tcp: DecodedTcp = {
    layer: 'tcp',
    srcPort: v.srcPort,
    dstPort: v.dstPort,
    seq: v.seq,
    ack: v.ack,
    dataOffset: v.dataOffset,
    headerLength: v.headerLength,
    reserved: v.reserved,
    flags: v.flags,
    flagNames: tcpFlagNames(v.flags),
    window: v.window,
    checksum: checksumInfo(ctx, ctx.off + 16, pseudoSum(ctx, IpProto.TCP), false, false),
    urgent: v.urgent,
    options,
    payloadLength: v.payloadLength,
    payload: toHex(v.payload),
  };
  out.layers.push(tcp);
  if (tcp.checksum.status === 'invalid') out.notes.push('TCP checksum invalid');
  if (v.reserved !== 0) out.notes.push('TCP reserved bits set');
  return opts.error;
}

function decodeUdp(ctx: UpperContext, out: DecodedPacket): WireError | undefined {
  const { buf, off, len } = ctx;
  if (len < 8) return wireError('TRUNCATED', 'header', off, `${len} bytes, a UDP header needs 8`);
  const length = u16(buf, off + 4);
  // RFC 768 Length covers the whole datagram; a first fragment holds only part of it.
  const bad = length < 8 || (length > ctx.declaredLen && !ctx.fragment);
  const end = off + Math.min(Math.max(length, 8), len);
  const udpCtx: UpperContext = { ...ctx, len: end - off, declaredLen: length, unverifiable: ctx.unverifiable || bad || length > len };
  const udp: DecodedUdp = {
    layer: 'udp',
    srcPort: u16(buf, off),
    dstPort: u16(buf, off + 2),
    length,
    checksum: checksumInfo(udpCtx, off + 6, pseudoSum(udpCtx, IpProto.UDP), ctx.family === 4, true),
    payloadLength: end - off - 8,
    payload: toHex(buf.subarray(off + 8, end)),
  };
  if (ctx.family === 6 && udp.checksum.value === 0 && !udpCtx.unverifiable) {
    udp.checksum = { value: 0, status: 'invalid' };
    out.notes.push('UDP checksum zero over IPv6 (RFC 8200 §8.1 makes it mandatory)');
  }
  out.layers.push(udp);
  if (udp.checksum.status === 'invalid' && udp.checksum.expected !== undefined) out.notes.push('UDP checksum invalid');
  if (bad) {
    const why = length < 8 ? 'is below the header size 8' : `exceeds the ${ctx.declaredLen}-byte IP payload`;
    return wireError('BAD_LENGTH', 'length', off + 4, `UDP length ${length} ${why}`);
  }
  if (length < ctx.declaredLen && !ctx.fragment) out.notes.push(`${ctx.declaredLen - length} bytes after the UDP datagram inside the IP payload`);
  return undefined;
}

function decodeUpper(ctx: UpperContext, out: DecodedPacket): WireError | undefined {
  const data = (): undefined => {
    out.layers.push({ layer: 'data', protocol: ctx.protocol, protocolName: ipProtoName(ctx.protocol), length: ctx.len, data: toHex(ctx.buf.subarray(ctx.off, ctx.off + ctx.len)) });
    return undefined;
  };
  if (!ctx.firstFragment) {
    out.notes.push('non-first fragment: upper-layer header not present');
    return data();
  }
  switch (ctx.protocol) {
    case IpProto.TCP:
      return decodeTcp(ctx, out);
    case IpProto.UDP:
      return decodeUdp(ctx, out);
    case IpProto.ICMP:
      return decodeIcmpMessage(ctx, out, checksumInfo(ctx, ctx.off + 2, 0, false, false));
    case IpProto.ICMPV6:
      return decodeIcmpMessage(ctx, out, checksumInfo(ctx, ctx.off + 2, pseudoSum(ctx, IpProto.ICMPV6), false, false));
    default:
      return data();
  }
}

function decodeV4(buf: Uint8Array, out: DecodedPacket): WireError | undefined {
  const v = new Ipv4View();
  const err = v.set(buf, 0, buf.length, true);
  if (err) return err;
  const hl = v.headerLength;
  const valid = v.checksumValid;
  const checksum: DecodedChecksum = valid ? { value: v.checksum, status: 'valid' } : { value: v.checksum, status: 'invalid', expected: ~fold(sumWords(buf, 0, hl) + (~v.checksum & 0xffff)) & 0xffff };
  const ip: DecodedIpv4 = {
    layer: 'ipv4', version: 4, headerLength: hl, dscp: v.dscp, ecn: v.ecn, totalLength: v.totalLength, id: v.id,
    reservedFlag: v.reservedFlag, dontFragment: v.dontFragment, moreFragments: v.moreFragments, fragmentOffset: v.fragmentOffset,
    ttl: v.ttl, protocol: v.protocol, protocolName: ipProtoName(v.protocol), checksum, src: v.src, dst: v.dst,
    options: toHex(v.options), truncated: v.truncated,
  };
  out.layers.push(ip);
  if (!valid) out.notes.push('IPv4 header checksum invalid');
  if (v.reservedFlag) out.notes.push('IPv4 reserved flag set');
  if (v.truncated) out.notes.push(`truncated: ${buf.length} of ${v.totalLength} bytes present`);
  else if (buf.length > v.totalLength) out.notes.push(`${buf.length - v.totalLength} bytes after the IPv4 packet ignored`);
  return decodeUpper({
    buf, off: v.payloadOffset, len: v.payloadLength, declaredLen: v.totalLength - hl, protocol: v.protocol, family: 4,
    srcOff: 12, dstOff: 16, unverifiable: v.truncated || v.isFragment, fragment: v.isFragment, firstFragment: v.fragmentOffset === 0,
  }, out);
}

function decodeV6(buf: Uint8Array, out: DecodedPacket): WireError | undefined {
  const v = new Ipv6View();
  const err = v.set(buf, 0, buf.length, true);
  if (err && err.code !== 'TRUNCATED' && err.code !== 'TOO_MANY_EXT_HEADERS' && err.code !== 'BAD_EXT_HEADER') return err;
  if (err && buf.length < 40) return err;
  const extHeaders: DecodedExtHeader[] = [];
  // Walk again for display (bounded by the same rules; the view has stopped where the walk failed).
  let proto = v.nextHeader;
  let pos = 40;
  const end = v.end;
  for (let i = 0; i < 8 && pos + 2 <= end && EXT_NAMES[proto] !== undefined; i++) {
    const size = proto === IpProto.FRAGMENT ? 8 : proto === IpProto.AH ? (buf[pos + 1]! + 2) << 2 : (buf[pos + 1]! + 1) << 3;
    if (pos + size > end) break;
    const e: DecodedExtHeader = { type: proto, name: EXT_NAMES[proto]!, length: size };
    if (proto === IpProto.FRAGMENT) {
      e.fragmentOffset = u16(buf, pos + 2) & 0xfff8;
      e.moreFragments = (buf[pos + 3]! & 1) === 1;
      e.id = ((buf[pos + 4]! << 24) | (buf[pos + 5]! << 16) | (buf[pos + 6]! << 8) | buf[pos + 7]!) >>> 0;
    } else {
      e.data = toHex(buf.subarray(pos + 2, pos + size));
    }
    extHeaders.push(e);
    const fragmentData = proto === IpProto.FRAGMENT && e.fragmentOffset !== 0;
    proto = buf[pos]!;
    pos += size;
    if (fragmentData) break;
  }
  const ip: DecodedIpv6 = {
    layer: 'ipv6', version: 6, trafficClass: v.trafficClass, dscp: v.dscp, ecn: v.ecn, flowLabel: v.flowLabel,
    payloadLength: v.payloadLength, nextHeader: v.nextHeader, hopLimit: v.hopLimit, src: v.src, dst: v.dst, extHeaders,
    protocol: err ? proto : v.protocol, protocolName: ipProtoName(err ? proto : v.protocol), truncated: v.truncated,
  };
  out.layers.push(ip);
  if (v.truncated) out.notes.push(`truncated: ${buf.length} of ${40 + v.payloadLength} bytes present`);
  else if (buf.length > 40 + v.payloadLength) out.notes.push(`${buf.length - 40 - v.payloadLength} bytes after the IPv6 packet ignored`);
  if (err) return err;
  return decodeUpper({
    buf, off: v.payloadOffset, len: v.end - v.payloadOffset, declaredLen: 40 + v.payloadLength - v.payloadOffset,
    protocol: v.protocol, family: 6, srcOff: 8, dstOff: 24, unverifiable: v.truncated || v.isFragment, fragment: v.isFragment,
    firstFragment: v.fragmentOffset === 0,
  }, out);
}

/** Decode one IP packet (no link header); the IP version comes from the first nibble. */
export function decodePacket(bytes: Uint8Array): DecodedPacket {
  if (!(bytes instanceof Uint8Array)) throw invalidArgType('bytes', 'an instance of Uint8Array', bytes);
  const out: DecodedPacket = { length: bytes.length, layers: [], summary: '', notes: [] };
  let error: WireError | undefined;
  if (bytes.length === 0) error = wireError('TRUNCATED', 'version', 0, 'empty packet');
  else {
    const version = bytes[0]! >>> 4;
    if (version === 4) error = decodeV4(bytes, out);
    else if (version === 6) error = decodeV6(bytes, out);
    else error = wireError('BAD_VERSION', 'version', 0, `IP version ${version} is neither 4 nor 6`);
  }
  if (error) out.error = error;
  out.summary = summarize(out);
  return out;
}
