// IPv6 header and extension-header chain (RFC 8200 §3, §4).
//
//  |Version| Traffic Class |           Flow Label                  |
//  |         Payload Length        |  Next Header  |   Hop Limit   |
//  |                   Source Address (16 bytes)                   |
//  |                Destination Address (16 bytes)                 |
//
// Extension headers are walked in order (at most IPV6_MAX_EXT_HEADERS). Hop-by-Hop, Routing,
// Destination Options, Mobility, HIP and Shim6 share the RFC 8200 §4 / RFC 6564 layout
// (Next Header, Hdr Ext Len in 8-byte units not counting the first 8); the Fragment header is a
// fixed 8 bytes (§4.5); AH counts its length in 4-byte units minus 2 (RFC 4302 §2.2). ESP and
// No Next Header end the walk, as does any upper-layer protocol.

import type { IpAddress } from '../stack/types.js';
import { formatIpv6, parseIpv6Address as parseIpv6Text } from './address.js';
import { placeBytes, put16, put32, u16, u32 } from './bytes.js';
import { IpProto } from './ip-proto.js';
import { wireError, wireOk, type WireError, type WireResult } from './result.js';

export const IPV6_HEADER = 40;
/** Upper bound on the extension headers walked before TOO_MANY_EXT_HEADERS. */
export const IPV6_MAX_EXT_HEADERS = 8;

export type Ipv6ExtHeader =
  /** RFC 8200 §4.5. `fragmentOffset` in bytes (multiple of 8). */
  | { kind: 'fragment'; fragmentOffset: number; moreFragments: boolean; id: number }
  /** Any other extension header: `type` is its protocol number, `data` the bytes after Next Header and Hdr Ext Len. */
  | { kind: 'raw'; type: number; data: Uint8Array };

export interface Ipv6Repr {
  src: IpAddress;
  dst: IpAddress;
  /** Upper 6 bits of Traffic Class (RFC 2474). */
  dscp: number;
  /** Lower 2 bits of Traffic Class (RFC 3168). */
  ecn: number;
  /** 20 bits. */
  flowLabel: number;
  hopLimit: number;
  /** Extension headers in wire order. */
  extHeaders: Ipv6ExtHeader[];
  /** Protocol after the last extension header (the upper layer, or 59/50 where the walk ends). */
  protocol: number;
  /** Bytes after the last extension header, bounded by Payload Length (a view into the parsed buffer). */
  payload: Uint8Array;
}

export type Ipv6Header = Omit<Ipv6Repr, 'payload'>;

/** Protocol numbers that are extension headers this walk steps over. */
export function isIpv6ExtHeader(proto: number): boolean {
  return proto === 0 || proto === 43 || proto === 44 || proto === 51 || proto === 60 || proto === 135 || proto === 139 || proto === 140;
}

const EMPTY = new Uint8Array(0);

/**
 * Typed getters over an IPv6 packet. `set()` checks the fixed header and walks the extension
 * headers once; afterwards `protocol`, `payloadOffset` and the fragment getters are plain reads.
 */
export class Ipv6View {
  buf: Uint8Array = EMPTY;
  off = 0;
  avail = 0;
  /** Final (upper-layer) protocol after the extension headers. */
  protocol = 0;
  /** Offset in `buf` of the upper-layer payload. */
  payloadOffset = 0;
  /** Offset in `buf` of the Fragment header, or -1. */
  fragmentHeaderOffset = -1;
  extHeaderCount = 0;

  /**
   * Point the view at `buf[off .. off+len)`. With `allowTruncated`, a Payload Length beyond the
   * buffer is accepted (`truncated` is then true). Returns undefined when usable.
   */
  set(buf: Uint8Array, off = 0, len: number = buf.length - off, allowTruncated = false): WireError | undefined {
    this.buf = buf;
    this.off = off;
    this.avail = Math.max(0, Math.min(len, buf.length - off));
    this.fragmentHeaderOffset = -1;
    this.extHeaderCount = 0;
    this.protocol = 0;
    this.payloadOffset = off + IPV6_HEADER;
    const avail = this.avail;
    if (avail < 1) return wireError('TRUNCATED', 'version', off, 'no bytes for an IPv6 header');
    if (buf[off]! >>> 4 !== 6) return wireError('BAD_VERSION', 'version', off, `version ${buf[off]! >>> 4}, expected 6`);
    if (avail < IPV6_HEADER) return wireError('TRUNCATED', 'header', off, `${avail} bytes, an IPv6 header needs 40`);
    const plen = u16(buf, off + 4);
    if (IPV6_HEADER + plen > avail && !allowTruncated) {
      return wireError('TRUNCATED', 'payload', off + IPV6_HEADER, `payload length ${plen} exceeds the ${avail - IPV6_HEADER} bytes present`);
    }
    return walkExtHeaders(this, undefined);
  }

  get version(): number { return this.buf[this.off]! >>> 4; }
  get trafficClass(): number { return ((this.buf[this.off]! & 0x0f) << 4) | (this.buf[this.off + 1]! >>> 4); }
  get dscp(): number { return this.trafficClass >>> 2; }
  get ecn(): number { return this.trafficClass & 3; }
  get flowLabel(): number { return ((this.buf[this.off + 1]! & 0x0f) << 16) | u16(this.buf, this.off + 2); }
  get payloadLength(): number { return u16(this.buf, this.off + 4); }
  /** Next Header of the fixed header (the first extension header or the upper layer). */
  get nextHeader(): number { return this.buf[this.off + 6]!; }
  get hopLimit(): number { return this.buf[this.off + 7]!; }
  get srcOffset(): number { return this.off + 8; }
  get dstOffset(): number { return this.off + 24; }
  get src(): IpAddress { return formatIpv6(this.buf, this.off + 8); }
  get dst(): IpAddress { return formatIpv6(this.buf, this.off + 24); }
  /** Offset in `buf` where the packet ends: 40 + Payload Length, or the buffer end when truncated. */
  get end(): number { return this.off + Math.min(IPV6_HEADER + this.payloadLength, this.avail); }
  get truncated(): boolean { return IPV6_HEADER + this.payloadLength > this.avail; }
  get upperLength(): number { return this.end - this.payloadOffset; }
  get payload(): Uint8Array { return this.buf.subarray(this.payloadOffset, this.end); }
  get isFragment(): boolean { return this.fragmentHeaderOffset >= 0; }
  /** Fragment offset in bytes (0 when there is no Fragment header). */
  get fragmentOffset(): number { return this.fragmentHeaderOffset < 0 ? 0 : u16(this.buf, this.fragmentHeaderOffset + 2) & 0xfff8; }
  get moreFragments(): boolean { return this.fragmentHeaderOffset >= 0 && (this.buf[this.fragmentHeaderOffset + 3]! & 1) === 1; }
  get fragmentId(): number { return this.fragmentHeaderOffset < 0 ? 0 : u32(this.buf, this.fragmentHeaderOffset + 4); }
}

/** Walk the extension headers of a view whose fixed header is checked; push each into `out` when given. */
function walkExtHeaders(v: Ipv6View, out: Ipv6ExtHeader[] | undefined): WireError | undefined {
  const buf = v.buf;
  const end = v.end;
  let proto = v.nextHeader;
  let pos = v.off + IPV6_HEADER;
  let count = 0;
  let protoField = v.off + 6;
  v.fragmentHeaderOffset = -1;
  while (isIpv6ExtHeader(proto)) {
    if (count === IPV6_MAX_EXT_HEADERS) {
      return wireError('TOO_MANY_EXT_HEADERS', 'nextHeader', protoField, `more than ${IPV6_MAX_EXT_HEADERS} extension headers`);
    }
    // RFC 8200 §4.1: Hop-by-Hop Options may only follow the fixed header.
    if (proto === IpProto.HOPOPT && count > 0) {
      return wireError('BAD_EXT_HEADER', 'nextHeader', protoField, 'Hop-by-Hop Options header not first');
    }
    if (pos + 2 > end) return wireError('TRUNCATED', `extHeaders[${count}]`, pos, `extension header ${proto} cut off`);
    let size: number;
    if (proto === IpProto.FRAGMENT) size = 8;
    else if (proto === IpProto.AH) size = (buf[pos + 1]! + 2) << 2;
    else size = (buf[pos + 1]! + 1) << 3;
    if (pos + size > end) {
      return wireError('TRUNCATED', `extHeaders[${count}]`, pos, `extension header ${proto} of ${size} bytes exceeds the packet`);
    }
    const next = buf[pos]!;
    let fragmentData = false;
    if (proto === IpProto.FRAGMENT) {
      v.fragmentHeaderOffset = pos;
      fragmentData = (u16(buf, pos + 2) & 0xfff8) !== 0;
      out?.push({ kind: 'fragment', fragmentOffset: u16(buf, pos + 2) & 0xfff8, moreFragments: (buf[pos + 3]! & 1) === 1, id: u32(buf, pos + 4) });
    } else {
      out?.push({ kind: 'raw', type: proto, data: buf.subarray(pos + 2, pos + size) });
    }
    count++;
    protoField = pos;
    proto = next;
    pos += size;
    // RFC 8200 §4.5: after a non-first fragment's header comes fragment data, not more headers.
    if (fragmentData) break;
  }
  v.protocol = proto;
  v.payloadOffset = pos;
  v.extHeaderCount = count;
  return undefined;
}

/** A checked Ipv6View (allocates one view). */
export function ipv6View(buf: Uint8Array, off = 0, len: number = buf.length - off, allowTruncated = false): WireResult<Ipv6View> {
  const v = new Ipv6View();
  const err = v.set(buf, off, len, allowTruncated);
  return err ? { ok: false, error: err } : wireOk(v);
}

/** Parse an IPv6 packet and its extension headers. Bytes past 40 + Payload Length are ignored. */
export function parseIpv6(buf: Uint8Array, off = 0, len: number = buf.length - off): WireResult<Ipv6Repr> {
  const v = new Ipv6View();
  const err = v.set(buf, off, len);
  if (err) return { ok: false, error: err };
  const extHeaders: Ipv6ExtHeader[] = [];
  walkExtHeaders(v, extHeaders);
  return wireOk({
    src: v.src,
    dst: v.dst,
    dscp: v.dscp,
    ecn: v.ecn,
    flowLabel: v.flowLabel,
    hopLimit: v.hopLimit,
    extHeaders,
    protocol: v.protocol,
    payload: v.payload,
  });
}

function extHeaderSize(h: Ipv6ExtHeader): number {
  if (h.kind === 'fragment') return 8;
  const size = h.data.length + 2;
  const unit = h.type === IpProto.AH ? 4 : 8;
  if (size % unit !== 0 || size > (h.type === IpProto.AH ? 1028 : 2048) || (h.type === IpProto.AH && size < 8)) {
    throw new RangeError(`emitIpv6: extension header ${h.type} data of ${h.data.length} bytes does not fit its length unit`);
  }
  return size;
}

/** Fixed header plus extension headers, in bytes. */
export function ipv6HeaderLength(h: Pick<Ipv6Header, 'extHeaders'>): number {
  let n = IPV6_HEADER;
  for (const e of h.extHeaders) n += extHeaderSize(e);
  return n;
}

function extType(h: Ipv6ExtHeader): number {
  return h.kind === 'fragment' ? IpProto.FRAGMENT : h.type;
}

/**
 * Write the fixed header and extension headers for an upper-layer payload of `payloadLength`
 * bytes; returns the bytes written. RangeError on caller bugs (no room, bad ext header sizes,
 * non-IPv6 addresses, payload over 65535).
 */
export function emitIpv6Header(h: Ipv6Header, payloadLength: number, buf: Uint8Array, off: number): number {
  const hl = ipv6HeaderLength(h);
  if (off < 0 || off + hl > buf.length) throw new RangeError('emitIpv6: buffer too small for the header');
  const plen = hl - IPV6_HEADER + payloadLength;
  if (plen > 0xffff) throw new RangeError(`emitIpv6: payload length ${plen} exceeds 65535 (jumbograms unsupported)`);
  const tc = ((h.dscp & 0x3f) << 2) | (h.ecn & 3);
  buf[off] = 0x60 | (tc >>> 4);
  buf[off + 1] = ((tc & 0x0f) << 4) | ((h.flowLabel >>> 16) & 0x0f);
  put16(buf, off + 2, h.flowLabel & 0xffff);
  put16(buf, off + 4, plen);
  const first = h.extHeaders[0];
  buf[off + 6] = first ? extType(first) : h.protocol & 0xff;
  buf[off + 7] = h.hopLimit & 0xff;
  if (!parseIpv6Text(h.src, buf, off + 8)) throw new RangeError(`emitIpv6: src '${h.src}' is not an IPv6 address`);
  if (!parseIpv6Text(h.dst, buf, off + 24)) throw new RangeError(`emitIpv6: dst '${h.dst}' is not an IPv6 address`);
  let pos = off + IPV6_HEADER;
  for (let i = 0; i < h.extHeaders.length; i++) {
    const e = h.extHeaders[i]!;
    const nextExt = h.extHeaders[i + 1];
    buf[pos] = nextExt ? extType(nextExt) : h.protocol & 0xff;
    if (e.kind === 'fragment') {
      buf[pos + 1] = 0;
      put16(buf, pos + 2, (e.fragmentOffset & 0xfff8) | (e.moreFragments ? 1 : 0));
      put32(buf, pos + 4, e.id >>> 0);
      pos += 8;
    } else {
      const size = e.data.length + 2;
      buf[pos + 1] = e.type === IpProto.AH ? (size >>> 2) - 2 : (size >>> 3) - 1;
      buf.set(e.data, pos + 2);
      pos += size;
    }
  }
  return hl;
}

/** Write the whole packet; returns its length. The payload is not copied when already in place. */
export function emitIpv6(repr: Ipv6Repr, buf: Uint8Array, off = 0): number {
  const hl = emitIpv6Header(repr, repr.payload.length, buf, off);
  placeBytes(repr.payload, buf, off + hl);
  return hl + repr.payload.length;
}
