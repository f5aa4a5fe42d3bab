// TCP segmentation in software: the link's half of GSO/TSO. A stack whose interface says it can
// segment hands its driver one IPv4/IPv6 TCP "super-segment" of up to 64 KiB with a segment size
// (the MSS); the driver turns it into the wire segments a TSO NIC would have sent:
//   - every wire segment has the super-segment's IP and TCP headers (options included, timestamps
//     identical), its own sequence number (SEQ + i·MSS), IP total/payload length, IPv4
//     Identification (ID + i, as Linux TSO numbers them) and IPv4 header checksum;
//   - FIN and PSH are kept only on the last piece, CWR only on the first (RFC 3168 §6.1.2: CWR is
//     set on the first new data segment after the window reduction);
//   - the TCP checksum of each piece is computed in full (RFC 9293 §3.1 pseudo-header with that
//     piece's length); whatever the super-segment's checksum field held (the stack leaves the
//     partial pseudo-header sum there, as a CHECKSUM_PARTIAL skb does) is ignored.
// Input is the stack's own output, but the function still never reads out of bounds: a packet it
// cannot split (not TCP, IPv6 with extension headers, lengths that do not add up) is returned
// unchanged as the only piece.

import { put16, put32, u16, u32 } from './bytes.js';
import { internetChecksum, pseudoHeaderSumV4, pseudoHeaderSumV6, writeChecksum } from './checksum.js';
import { IpProto } from './ip-proto.js';

const FIN = 0x01;
const PSH = 0x08;
const CWR = 0x80;

/** Where the TCP header of an IPv4/IPv6 TCP packet starts and how long the IP datagram is, or undefined. */
export function tcpOffsets(packet: Uint8Array): { l4: number; end: number; thl: number } | undefined {
  if (packet.length < 20) return undefined;
  const version = packet[0]! >>> 4;
  let l4: number;
  let end: number;
  if (version === 4) {
    l4 = (packet[0]! & 0x0f) << 2;
    end = u16(packet, 2);
    if (l4 < 20 || packet[9] !== IpProto.TCP) return undefined;
  } else if (version === 6) {
    if (packet.length < 40 || packet[6] !== IpProto.TCP) return undefined;
    l4 = 40;
    end = 40 + u16(packet, 4);
  } else return undefined;
  if (end > packet.length || l4 + 20 > end) return undefined;
  const thl = (packet[l4 + 12]! >>> 4) << 2;
  if (thl < 20 || l4 + thl > end) return undefined;
  return { l4, end, thl };
}

/**
 * Splits `packet` into wire segments of at most `mss` payload bytes, appended to `out` (returned).
 * A packet whose payload already fits is appended as it is (its checksum is then the sender's:
 * the stack only hands over super-segments larger than one MSS).
 */
export function splitTcpSegments(packet: Uint8Array, mss: number, out: Uint8Array[] = []): Uint8Array[] {
  const o = tcpOffsets(packet);
  if (o === undefined || !(mss >= 1)) {
    out.push(packet);
    return out;
  }
  const { l4, end, thl } = o;
  const hdr = l4 + thl;
  const data = end - hdr;
  if (data <= mss) {
    out.push(packet);
    return out;
  }
  const v4 = packet[0]! >>> 4 === 4;
  const base = v4 ? pseudoHeaderSumV4(packet, packet, IpProto.TCP, 0, 12, 16) : pseudoHeaderSumV6(packet, packet, IpProto.TCP, 0, 8, 24);
  const seq = u32(packet, l4 + 4);
  const id = v4 ? u16(packet, 4) : 0;
  const flags = packet[l4 + 13]!;
  const pieces = Math.ceil(data / mss);
  // One allocation for all pieces (each a view of its own range): far less garbage than one each.
  const all = new Uint8Array(pieces * hdr + data);
  for (let i = 0; i < pieces; i++) {
    const off = i * mss;
    const n = Math.min(mss, data - off);
    const at = i * hdr + off;
    const buf = all.subarray(at, at + hdr + n);
    buf.set(packet.subarray(0, hdr));
    buf.set(packet.subarray(hdr + off, hdr + off + n), hdr);
    if (v4) {
      put16(buf, 2, hdr + n);
      put16(buf, 4, (id + i) & 0xffff);
      put16(buf, 10, 0);
      put16(buf, 10, internetChecksum(buf, 0, l4));
    } else put16(buf, 4, thl + n);
    put32(buf, l4 + 4, (seq + off) >>> 0);
    let f = flags;
    if (i < pieces - 1) f &= ~(FIN | PSH);
    if (i > 0) f &= ~CWR;
    buf[l4 + 13] = f;
    writeChecksum(buf, l4, thl + n, l4 + 16, base + thl + n);
    out.push(buf);
  }
  return out;
}

/**
 * The partial checksum a super-segment carries in its TCP checksum field (Linux CHECKSUM_PARTIAL,
 * virtio-net VIRTIO_NET_HDR_F_NEEDS_CSUM): the folded pseudo-header sum over the whole TCP length,
 * not complemented. Whoever segments (or a device finishing the checksum from csum_start) adds the
 * segment's bytes to it.
 */
export function partialPseudoChecksum(packet: Uint8Array, tcpLength: number): number {
  const v4 = packet[0]! >>> 4 === 4;
  return foldSum(v4 ? pseudoHeaderSumV4(packet, packet, IpProto.TCP, tcpLength, 12, 16) : pseudoHeaderSumV6(packet, packet, IpProto.TCP, tcpLength, 8, 24));
}

/** partialPseudoChecksum from address bytes (4 or 16 each). */
export function partialPseudoChecksumOf(src: Uint8Array, dst: Uint8Array, tcpLength: number): number {
  return foldSum(src.length === 4 ? pseudoHeaderSumV4(src, dst, IpProto.TCP, tcpLength) : pseudoHeaderSumV6(src, dst, IpProto.TCP, tcpLength));
}

function foldSum(s: number): number {
  while (s > 0xffff) s = (s >>> 16) + (s & 0xffff);
  return s;
}
