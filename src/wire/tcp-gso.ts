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
import { copyAndSum, fold, pseudoHeaderSumV4, pseudoHeaderSumV6, sumWords } from './checksum.js';
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
  return cut(packet, l4, thl, packet, hdr, data, mss, out);
}

/**
 * Software GSO from separate headers and payload: `headers` is an IPv4/IPv6 packet holding only the
 * IP and TCP headers (its length fields and checksums are ignored), `payload` the super-segment's
 * data (e.g. a view into a send buffer). The wire segments are written as splitTcpSegments would
 * cut the whole super-segment, copying and checksumming each byte of payload once, without the
 * super-segment ever being built. Returns undefined when `headers` is not an IP/TCP header pair.
 */
export function segmentTcp(headers: Uint8Array, payload: Uint8Array, mss: number, out: Uint8Array[] = [], mem?: SegmentMemory): Uint8Array[] | undefined {
  if (headers.length < 20 || !(mss >= 1) || payload.length === 0) return undefined;
  const version = headers[0]! >>> 4;
  let l4: number;
  if (version === 4) {
    l4 = (headers[0]! & 0x0f) << 2;
    if (l4 < 20 || headers[9] !== IpProto.TCP) return undefined;
  } else if (version === 6 && headers.length >= 40 && headers[6] === IpProto.TCP) l4 = 40;
  else return undefined;
  if (l4 + 20 > headers.length) return undefined;
  const thl = (headers[l4 + 12]! >>> 4) << 2;
  if (thl < 20 || l4 + thl > headers.length) return undefined;
  return cut(headers, l4, thl, payload, 0, payload.length, mss, out, mem);
}

/**
 * Where segmentTcp writes its wire segments instead of fresh memory (stack/packet-pool.ts): one
 * takeParts() for all of them, one cut() per segment, then the takeParts() memory is released.
 */
export interface SegmentMemory {
  takeParts(size: number): Uint8Array;
  cut(from: Uint8Array, start: number, end: number): Uint8Array;
  release(packet: Uint8Array): boolean;
}

/** The wire segments of headers `h` (IP at 0, TCP at l4) and `data` payload bytes at `src[from]`. */
function cut(packet: Uint8Array, l4: number, thl: number, src: Uint8Array, from: number, data: number, mss: number, out: Uint8Array[], mem?: SegmentMemory): Uint8Array[] {
  const hdr = l4 + thl;
  const v4 = packet[0]! >>> 4 === 4;
  const seq = u32(packet, l4 + 4);
  const id = v4 ? u16(packet, 4) : 0;
  const flags = packet[l4 + 13]!;
  const pieces = Math.ceil(data / mss);
  // The parts of both checksums that every piece shares, summed once: the pseudo-header without
  // its length, the TCP header without SEQ, the flags word and the checksum field, the IPv4 header
  // without Total Length, Identification and checksum. Per piece only those fields and the
  // payload are added (RFC 1071 §2: the sum is over 16-bit words in any order).
  const pseudo = v4 ? pseudoHeaderSumV4(packet, packet, IpProto.TCP, 0, 12, 16) : pseudoHeaderSumV6(packet, packet, IpProto.TCP, 0, 8, 24);
  const hdrSum = pseudo + sumWords(packet, l4, thl) + minus(u16(packet, l4 + 4)) + minus(u16(packet, l4 + 6)) + minus(u16(packet, l4 + 12)) + minus(u16(packet, l4 + 16));
  const offFlagsHigh = packet[l4 + 12]! << 8;
  const ipSum = v4 ? sumWords(packet, 0, l4) + minus(u16(packet, 2)) + minus(u16(packet, 4)) + minus(u16(packet, 10)) : 0;
  // One allocation for all pieces (each a view of its own range): far less garbage than one each.
  // Recycled memory is not zeroed: every byte of every piece is written below.
  const all = mem !== undefined ? mem.takeParts(pieces * hdr + data) : new Uint8Array(pieces * hdr + data);
  all.set(packet.subarray(0, hdr));
  for (let i = 0; i < pieces; i++) {
    const off = i * mss;
    const n = Math.min(mss, data - off);
    const at = i * hdr + off;
    if (i > 0) all.copyWithin(at, 0, hdr);
    const buf = mem !== undefined ? mem.cut(all, at, at + hdr + n) : all.subarray(at, at + hdr + n);
    if (v4) {
      const pid = (id + i) & 0xffff;
      put16(buf, 2, hdr + n);
      put16(buf, 4, pid);
      put16(buf, 10, ~fold(ipSum + hdr + n + pid) & 0xffff);
    } else put16(buf, 4, thl + n);
    const s = (seq + off) >>> 0;
    put32(buf, l4 + 4, s);
    let f = flags;
    if (i < pieces - 1) f &= ~(FIN | PSH);
    if (i > 0) f &= ~CWR;
    buf[l4 + 13] = f;
    // The payload is copied and summed in one pass.
    const sum = copyAndSum(src, from + off, all, at + hdr, n, hdrSum + thl + n + (s >>> 16) + (s & 0xffff) + (offFlagsHigh | f));
    put16(buf, l4 + 16, ~fold(sum) & 0xffff);
    out.push(buf);
  }
  mem?.release(all);
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

/** One's complement negation of a 16-bit word: adding it takes the word back out of a sum (RFC 1071 §1). */
function minus(w: number): number {
  return 0xffff - w;
}

function foldSum(s: number): number {
  while (s > 0xffff) s = (s >>> 16) + (s & 0xffff);
  return s;
}
