// IPv4 header (RFC 791 §3.1; DSCP/ECN per RFC 2474 and RFC 3168 §5).
//
//  0                   1                   2                   3
//  |Version|  IHL  | DSCP      |ECN|          Total Length         |
//  |         Identification        |Flags|      Fragment Offset    |
//  |  Time to Live |    Protocol   |         Header Checksum       |
//  |                       Source Address                          |
//  |                    Destination Address                        |
//  |                    Options (IHL > 5)                          |

import type { IpAddress } from '../stack/types.js';
import { formatIpv4, parseIpv4Address as parseIpv4Text } from './address.js';
import { placeBytes } from './bytes.js';
import { fold, internetChecksum, sumWords } from './checksum.js';
import { wireError, wireFail, wireOk, type WireError, type WireResult } from './result.js';

export const IPV4_MIN_HEADER = 20;
export const IPV4_MAX_HEADER = 60;

export interface Ipv4Repr {
  src: IpAddress;
  dst: IpAddress;
  protocol: number;
  ttl: number;
  /** Differentiated Services codepoint, 6 bits (RFC 2474). */
  dscp: number;
  /** ECN codepoint, 2 bits (RFC 3168): 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE. */
  ecn: number;
  id: number;
  dontFragment: boolean;
  moreFragments: boolean;
  /** Fragment offset in bytes (a multiple of 8; the wire field counts 8-byte units). */
  fragmentOffset: number;
  /** Raw option bytes (RFC 791 §3.1), a multiple of 4 and at most 40 bytes. */
  options: Uint8Array;
  /** The payload, bounded by Total Length (a view into the parsed buffer). */
  payload: Uint8Array;
}

/** Everything but the payload: what emitIpv4Header needs. */
export type Ipv4Header = Omit<Ipv4Repr, 'payload'>;

export interface Ipv4ParseOptions {
  /** Verify the header checksum and fail with BAD_CHECKSUM (default true). */
  verifyChecksum?: boolean;
}

const EMPTY = new Uint8Array(0);

/**
 * Typed getters over an IPv4 header. `set()` checks bounds once; afterwards every getter reads
 * inside the buffer. One instance can be reused for many packets (no allocation per packet).
 */
export class Ipv4View {
  buf: Uint8Array = EMPTY;
  off = 0;
  /** Bytes available from `off`. */
  avail = 0;

  /**
   * Point the view at `buf[off .. off+len)`. Checks version, IHL, that the header fits, and
   * that Total Length covers the header and fits in the buffer. With `allowTruncated`, a Total
   * Length beyond the buffer is accepted (a capture cut short): `truncated` is then true and
   * `payload` holds what there is. Returns undefined when the view is usable.
   */
  set(buf: Uint8Array, off = 0, len: number = buf.length - off, allowTruncated = false): WireError | undefined {
    this.buf = buf;
    this.off = off;
    this.avail = Math.max(0, Math.min(len, buf.length - off));
    return checkIpv4(buf, off, this.avail, allowTruncated);
  }

  get version(): number { return this.buf[this.off]! >>> 4; }
  /** Header length in bytes (IHL × 4). */
  get headerLength(): number { return (this.buf[this.off]! & 0x0f) << 2; }
  get dscp(): number { return this.buf[this.off + 1]! >>> 2; }
  get ecn(): number { return this.buf[this.off + 1]! & 3; }
  get totalLength(): number { return (this.buf[this.off + 2]! << 8) | this.buf[this.off + 3]!; }
  get id(): number { return (this.buf[this.off + 4]! << 8) | this.buf[this.off + 5]!; }
  /** The reserved flag bit (RFC 791: must be zero). */
  get reservedFlag(): boolean { return (this.buf[this.off + 6]! & 0x80) !== 0; }
  get dontFragment(): boolean { return (this.buf[this.off + 6]! & 0x40) !== 0; }
  get moreFragments(): boolean { return (this.buf[this.off + 6]! & 0x20) !== 0; }
  /** Fragment offset in bytes. */
  get fragmentOffset(): number { return (((this.buf[this.off + 6]! & 0x1f) << 8) | this.buf[this.off + 7]!) << 3; }
  get ttl(): number { return this.buf[this.off + 8]!; }
  get protocol(): number { return this.buf[this.off + 9]!; }
  get checksum(): number { return (this.buf[this.off + 10]! << 8) | this.buf[this.off + 11]!; }
  /** RFC 791 §3.1: the one's complement sum over the header, checksum included, is 0xffff. */
  get checksumValid(): boolean { return fold(sumWords(this.buf, this.off, this.headerLength)) === 0xffff; }
  /** Offset of the source address bytes in `buf`. */
  get srcOffset(): number { return this.off + 12; }
  get dstOffset(): number { return this.off + 16; }
  get src(): IpAddress { return formatIpv4(this.buf, this.off + 12); }
  get dst(): IpAddress { return formatIpv4(this.buf, this.off + 16); }
  get options(): Uint8Array { return this.buf.subarray(this.off + IPV4_MIN_HEADER, this.off + this.headerLength); }
  /** Offset of the payload in `buf`. */
  get payloadOffset(): number { return this.off + this.headerLength; }
  /** Payload bytes present: Total Length minus header, or less when truncated. */
  get payloadLength(): number { return Math.min(this.totalLength, this.avail) - this.headerLength; }
  get payload(): Uint8Array { return this.buf.subarray(this.payloadOffset, this.payloadOffset + this.payloadLength); }
  /** Whether the buffer ends before Total Length (only possible after set(..., true)). */
  get truncated(): boolean { return this.totalLength > this.avail; }
  /** A fragment of a larger datagram (MF set or a non-zero offset). */
  get isFragment(): boolean { return (((this.buf[this.off + 6]! & 0x3f) << 8) | this.buf[this.off + 7]!) !== 0; }
}

function checkIpv4(buf: Uint8Array, off: number, len: number, allowTruncated: boolean): WireError | undefined {
  if (len < 1) return wireError('TRUNCATED', 'version', off, 'no bytes for an IPv4 header');
  if (buf[off]! >>> 4 !== 4) return wireError('BAD_VERSION', 'version', off, `version ${buf[off]! >>> 4}, expected 4`);
  if (len < IPV4_MIN_HEADER) return wireError('TRUNCATED', 'header', off, `${len} bytes, an IPv4 header needs 20`);
  const hl = (buf[off]! & 0x0f) << 2;
  if (hl < IPV4_MIN_HEADER) return wireError('BAD_IHL', 'ihl', off, `IHL ${hl >>> 2} is below the minimum of 5`);
  if (hl > len) return wireError('TRUNCATED', 'options', off + IPV4_MIN_HEADER, `header length ${hl} exceeds the ${len} bytes present`);
  const total = (buf[off + 2]! << 8) | buf[off + 3]!;
  if (total < hl) return wireError('BAD_LENGTH', 'totalLength', off + 2, `total length ${total} is less than the header length ${hl}`);
  if (total > len && !allowTruncated) {
    return wireError('TRUNCATED', 'payload', off + hl, `total length ${total} exceeds the ${len} bytes present`);
  }
  return undefined;
}

/** A checked Ipv4View (allocates one view). */
export function ipv4View(buf: Uint8Array, off = 0, len: number = buf.length - off, allowTruncated = false): WireResult<Ipv4View> {
  const v = new Ipv4View();
  const err = v.set(buf, off, len, allowTruncated);
  return err ? { ok: false, error: err } : wireOk(v);
}

/**
 * Parse an IPv4 packet at `buf[off .. off+len)`. The payload ends at Total Length (bytes past it,
 * e.g. Ethernet padding, are ignored); a buffer shorter than Total Length is TRUNCATED.
 */
export function parseIpv4(buf: Uint8Array, off = 0, len: number = buf.length - off, opts: Ipv4ParseOptions = {}): WireResult<Ipv4Repr> {
  const v = new Ipv4View();
  const err = v.set(buf, off, len);
  if (err) return { ok: false, error: err };
  if (opts.verifyChecksum !== false && !v.checksumValid) {
    return wireFail('BAD_CHECKSUM', 'checksum', off + 10, `header checksum 0x${v.checksum.toString(16).padStart(4, '0')} does not verify`);
  }
  return wireOk({
    src: v.src,
    dst: v.dst,
    protocol: v.protocol,
    ttl: v.ttl,
    dscp: v.dscp,
    ecn: v.ecn,
    id: v.id,
    dontFragment: v.dontFragment,
    moreFragments: v.moreFragments,
    fragmentOffset: v.fragmentOffset,
    options: v.options,
    payload: v.payload,
  });
}

/** Header length in bytes for this header description. */
export function ipv4HeaderLength(h: Pick<Ipv4Header, 'options'>): number {
  return IPV4_MIN_HEADER + h.options.length;
}

function writeAddress(text: string, buf: Uint8Array, off: number, field: string): void {
  if (!parseIpv4Text(text, buf, off)) throw new RangeError(`emitIpv4: ${field} '${text}' is not an IPv4 address`);
}

/**
 * Write the IPv4 header for a payload of `payloadLength` bytes at `buf[off]`, with its
 * checksum; returns the header length. Throws RangeError on caller bugs (no room, options not a
 * multiple of 4 or longer than 40, non-IPv4 addresses); numeric fields are masked to their width.
 */
export function emitIpv4Header(h: Ipv4Header, payloadLength: number, buf: Uint8Array, off: number): number {
  const hl = ipv4HeaderLength(h);
  if ((h.options.length & 3) !== 0 || hl > IPV4_MAX_HEADER) throw new RangeError(`emitIpv4: options length ${h.options.length}`);
  if (off < 0 || off + hl > buf.length) throw new RangeError('emitIpv4: buffer too small for the header');
  const total = hl + payloadLength;
  if (total > 0xffff) throw new RangeError(`emitIpv4: total length ${total} exceeds 65535`);
  buf[off] = 0x40 | (hl >>> 2);
  buf[off + 1] = ((h.dscp & 0x3f) << 2) | (h.ecn & 3);
  buf[off + 2] = total >>> 8;
  buf[off + 3] = total & 0xff;
  buf[off + 4] = (h.id >>> 8) & 0xff;
  buf[off + 5] = h.id & 0xff;
  const frag = (h.fragmentOffset >>> 3) & 0x1fff;
  buf[off + 6] = (h.dontFragment ? 0x40 : 0) | (h.moreFragments ? 0x20 : 0) | (frag >>> 8);
  buf[off + 7] = frag & 0xff;
  buf[off + 8] = h.ttl & 0xff;
  buf[off + 9] = h.protocol & 0xff;
  buf[off + 10] = 0;
  buf[off + 11] = 0;
  writeAddress(h.src, buf, off + 12, 'src');
  writeAddress(h.dst, buf, off + 16, 'dst');
  buf.set(h.options, off + IPV4_MIN_HEADER);
  const c = internetChecksum(buf, off, hl);
  buf[off + 10] = c >>> 8;
  buf[off + 11] = c & 0xff;
  return hl;
}

/** Write header and payload; returns the total length. The payload is not copied when it already sits at its place in `buf`. */
export function emitIpv4(repr: Ipv4Repr, buf: Uint8Array, off = 0): number {
  const hl = emitIpv4Header(repr, repr.payload.length, buf, off);
  placeBytes(repr.payload, buf, off + hl);
  return hl + repr.payload.length;
}
