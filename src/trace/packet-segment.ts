// One captured IP packet → the TCP fields a trace needs, read with the wire views (no copies of the
// payload). Anything that is not a whole, unfragmented TCP segment yields undefined; a segment
// whose checksum fails (a corrupted copy off the link) is returned with checksumOk false, since
// the receiving stack will drop it.

import { Ipv4View } from '../wire/ipv4.js';
import { Ipv6View } from '../wire/ipv6.js';
import { IpProto } from '../wire/ip-proto.js';
import { parseTcp, tcpChecksumValid } from '../wire/tcp.js';
import type { TcpOption } from '../wire/tcp-types.js';

export interface PacketSegment {
  family: 4 | 6;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  /** The 16-bit window field as on the wire (unscaled). */
  window: number;
  /** Payload bytes. */
  len: number;
  options: TcpOption[];
  checksumOk: boolean;
}

const v4 = new Ipv4View();
const v6 = new Ipv6View();

export function decodeSegment(packet: Uint8Array): PacketSegment | undefined {
  const version = (packet[0] ?? 0) >>> 4;
  let family: 4 | 6;
  let src: string;
  let dst: string;
  let off: number;
  let len: number;
  let srcBytes: Uint8Array;
  let dstBytes: Uint8Array;
  if (version === 4) {
    if (v4.set(packet) !== undefined || v4.protocol !== IpProto.TCP || v4.isFragment || !v4.checksumValid) return undefined;
    family = 4;
    src = v4.src;
    dst = v4.dst;
    off = v4.payloadOffset;
    len = v4.payloadLength;
    srcBytes = packet.subarray(v4.srcOffset, v4.srcOffset + 4);
    dstBytes = packet.subarray(v4.dstOffset, v4.dstOffset + 4);
  } else if (version === 6) {
    if (v6.set(packet) !== undefined || v6.protocol !== IpProto.TCP || v6.isFragment) return undefined;
    family = 6;
    src = v6.src;
    dst = v6.dst;
    off = v6.payloadOffset;
    len = v6.upperLength;
    srcBytes = packet.subarray(v6.srcOffset, v6.srcOffset + 16);
    dstBytes = packet.subarray(v6.dstOffset, v6.dstOffset + 16);
  } else {
    return undefined;
  }
  const r = parseTcp(packet, off, len);
  if (!r.ok) return undefined;
  const t = r.value;
  return {
    family,
    src,
    dst,
    srcPort: t.srcPort,
    dstPort: t.dstPort,
    seq: t.seq,
    ack: t.ack,
    flags: t.flags,
    window: t.window,
    len: t.payload.length,
    options: t.options,
    checksumOk: tcpChecksumValid(packet, off, len, srcBytes, dstBytes),
  };
}

/** Options in the short form the ladder prints: 'mss=1460,sackOK,ts,ws=7'; '' when none. */
export function optionsSummary(options: readonly TcpOption[]): string {
  const parts: string[] = [];
  for (const o of options) {
    switch (o.kind) {
      case 'mss':
        parts.push(`mss=${o.mss}`);
        break;
      case 'wscale':
        parts.push(`ws=${o.shift}`);
        break;
      case 'sackPermitted':
        parts.push('sackOK');
        break;
      case 'timestamp':
        parts.push(`ts=${o.val}/${o.ecr}`);
        break;
      case 'sack':
        parts.push(`sack×${o.blocks.length}`);
        break;
      case 'unknown':
        parts.push(`opt${o.code}`);
        break;
      default:
        break; // nop / eol are padding
    }
  }
  return parts.join(',');
}
