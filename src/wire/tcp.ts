// TCP header (RFC 9293 §3.1), parse/emit of TcpRepr and a zero-allocation TcpView.
//
//  |          Source Port          |       Destination Port        |
//  |                        Sequence Number                        |
//  |                    Acknowledgment Number                      |
//  | DOff  |Rsrv |A|C|E|U|A|P|R|S|F|            Window             |
//  |           Checksum            |         Urgent Pointer        |
//  |                    Options (DOff > 5)                         |
//
// The 12-bit flags value is the low nibble of byte 12 and byte 13: bit 8 is AE (RFC 9768, was NS
// in RFC 3540), bits 9-11 are the remaining reserved bits, kept so a round trip is exact.
// Checksums cover the RFC 9293 §3.1 pseudo-header (IPv4) or RFC 8200 §8.1 (IPv6); callers pass
// address bytes (4 or 16). Repr payloads and unknown-option data are views into the parsed buffer.

import { placeBytes, put16, put32, u16, u32 } from './bytes.js';
import { checksumOk, copyAndSum, fold, pseudoHeaderSum, sumWords, writeChecksum } from './checksum.js';
import { IpProto } from './ip-proto.js';
import { wireError, wireOk, type WireError, type WireResult } from './result.js';
import { emitTcpOptions, parseTcpOptions, tcpHeaderLength } from './tcp-options.js';
import { TcpFlag, type TcpRepr } from './tcp-types.js';

export const TCP_MIN_HEADER = 20;

const EMPTY = new Uint8Array(0);

/** Typed getters over a TCP header; `set()` checks the bounds once. Reusable, no allocation. */
export class TcpView {
  buf: Uint8Array = EMPTY;
  off = 0;
  /** Segment length (header + payload) from `off`. */
  len = 0;

  /** Point at the segment `buf[off .. off+len)`; checks the header and its options fit. */
  set(buf: Uint8Array, off = 0, len: number = buf.length - off): WireError | undefined {
    this.buf = buf;
    this.off = off;
    this.len = Math.max(0, Math.min(len, buf.length - off));
    return checkTcp(buf, off, this.len);
  }

  get srcPort(): number { return u16(this.buf, this.off); }
  get dstPort(): number { return u16(this.buf, this.off + 2); }
  get seq(): number { return u32(this.buf, this.off + 4); }
  get ack(): number { return u32(this.buf, this.off + 8); }
  /** Data offset in 32-bit words. */
  get dataOffset(): number { return this.buf[this.off + 12]! >>> 4; }
  get headerLength(): number { return (this.buf[this.off + 12]! >>> 4) << 2; }
  /** The three reserved bits between data offset and AE (RFC 9293 §3.1: must be zero). */
  get reserved(): number { return (this.buf[this.off + 12]! >>> 1) & 7; }
  /** 12-bit flags (TcpFlag bits, AE = 0x100, reserved bits above). */
  get flags(): number { return ((this.buf[this.off + 12]! & 0x0f) << 8) | this.buf[this.off + 13]!; }
  get window(): number { return u16(this.buf, this.off + 14); }
  get checksum(): number { return u16(this.buf, this.off + 16); }
  get urgent(): number { return u16(this.buf, this.off + 18); }
  get optionsOffset(): number { return this.off + TCP_MIN_HEADER; }
  get optionsLength(): number { return this.headerLength - TCP_MIN_HEADER; }
  get options(): Uint8Array { return this.buf.subarray(this.off + TCP_MIN_HEADER, this.off + this.headerLength); }
  get payloadOffset(): number { return this.off + this.headerLength; }
  get payloadLength(): number { return this.len - this.headerLength; }
  get payload(): Uint8Array { return this.buf.subarray(this.off + this.headerLength, this.off + this.len); }
  /** Checksum verifies against a pseudo-header sum (see pseudoHeaderSumV4/V6 with protocol 6 and `len`). */
  checksumOkWith(pseudoSum: number): boolean { return checksumOk(this.buf, this.off, this.len, pseudoSum); }
}

function checkTcp(buf: Uint8Array, off: number, len: number): WireError | undefined {
  if (len < TCP_MIN_HEADER) return wireError('TRUNCATED', 'header', off, `${len} bytes, a TCP header needs 20`);
  const hl = (buf[off + 12]! >>> 4) << 2;
  if (hl < TCP_MIN_HEADER) return wireError('BAD_DATA_OFFSET', 'dataOffset', off + 12, `data offset ${hl >>> 2} is below the minimum of 5`);
  if (hl > len) return wireError('TRUNCATED', 'options', off + TCP_MIN_HEADER, `header length ${hl} exceeds the ${len} bytes of the segment`);
  return undefined;
}

/** A checked TcpView (allocates one view). */
export function tcpView(buf: Uint8Array, off = 0, len: number = buf.length - off): WireResult<TcpView> {
  const v = new TcpView();
  const err = v.set(buf, off, len);
  return err ? { ok: false, error: err } : wireOk(v);
}

export type TcpParseMode = 'strict' | 'lenient';

/**
 * Parse the segment `buf[off .. off+len)` (header, options, payload up to `len`). The checksum is
 * not checked here (it needs the pseudo-header): use tcpChecksumValid. In 'strict' mode (default)
 * a malformed option fails with BAD_OPTION; in 'lenient' mode the options parsed before it are kept.
 */
export function parseTcp(buf: Uint8Array, off = 0, len: number = buf.length - off, mode: TcpParseMode = 'strict'): WireResult<TcpRepr> {
  const v = new TcpView();
  const err = v.set(buf, off, len);
  if (err) return { ok: false, error: err };
  const opts = parseTcpOptions(buf, v.optionsOffset, v.optionsLength);
  if (opts.error && mode === 'strict') return { ok: false, error: opts.error };
  return wireOk({
    srcPort: v.srcPort,
    dstPort: v.dstPort,
    seq: v.seq,
    ack: v.ack,
    flags: v.flags,
    window: v.window,
    urgent: v.urgent,
    options: opts.options,
    payload: v.payload,
  });
}

/**
 * Write header, options and payload at `buf[off]`; returns the segment length. With `src` and
 * `dst` (address bytes, 4 or 16 each) the checksum is filled in, otherwise it is left 0 (fill it
 * later with writeChecksum). The payload is not copied when it already sits at its place in `buf`.
 * RangeError on caller bugs (no room, more than 40 option bytes).
 */
export function emitTcp(repr: TcpRepr, buf: Uint8Array, off: number, src?: Uint8Array, dst?: Uint8Array): number {
  if (off < 0 || off + TCP_MIN_HEADER > buf.length) throw new RangeError('emitTcp: buffer too small for the header');
  const optLen = emitTcpOptions(repr.options, buf, off + TCP_MIN_HEADER);
  const hl = TCP_MIN_HEADER + optLen;
  put16(buf, off, repr.srcPort);
  put16(buf, off + 2, repr.dstPort);
  put32(buf, off + 4, repr.seq);
  put32(buf, off + 8, repr.ack);
  buf[off + 12] = ((hl >>> 2) << 4) | ((repr.flags >>> 8) & 0x0f);
  buf[off + 13] = repr.flags & 0xff;
  put16(buf, off + 14, repr.window);
  buf[off + 16] = 0;
  buf[off + 17] = 0;
  put16(buf, off + 18, repr.urgent);
  const pl = repr.payload;
  const len = hl + pl.length;
  if (src && dst && pl.length > 0 && !(pl.buffer === buf.buffer && pl.byteOffset === buf.byteOffset + off + hl)) {
    // Copy and checksum the payload in one pass (the header, checksum field 0, is summed first;
    // its length is a multiple of 4, so the payload's words line up).
    const sum = copyAndSum(pl, 0, buf, off + hl, pl.length, sumWords(buf, off, hl, pseudoHeaderSum(src, dst, IpProto.TCP, len)));
    put16(buf, off + 16, ~fold(sum) & 0xffff);
    return len;
  }
  placeBytes(pl, buf, off + hl);
  if (src && dst) writeChecksum(buf, off, len, off + 16, pseudoHeaderSum(src, dst, IpProto.TCP, len));
  return len;
}

/** Length emitTcp will write for this segment. */
export function tcpSegmentLength(repr: TcpRepr): number {
  return tcpHeaderLength(repr.options) + repr.payload.length;
}

/**
 * Whether the segment `buf[off .. off+len)` carries a correct checksum for these addresses (4 or
 * 16 bytes each); false when the range is not inside `buf`.
 */
export function tcpChecksumValid(buf: Uint8Array, off: number, len: number, src: Uint8Array, dst: Uint8Array): boolean {
  if (off < 0 || len < 0 || off + len > buf.length) return false;
  return checksumOk(buf, off, len, pseudoHeaderSum(src, dst, IpProto.TCP, len));
}

const FLAG_NAMES: Array<[number, string]> = [
  [TcpFlag.FIN, 'FIN'], [TcpFlag.SYN, 'SYN'], [TcpFlag.RST, 'RST'], [TcpFlag.PSH, 'PSH'], [TcpFlag.ACK, 'ACK'],
  [TcpFlag.URG, 'URG'], [TcpFlag.ECE, 'ECE'], [TcpFlag.CWR, 'CWR'], [TcpFlag.AE, 'AE'],
];

/** Flag names from the lowest bit up, as Wireshark lists them: ['SYN', 'ACK']; reserved bits as 'RES9'..'RES11'. */
export function tcpFlagNames(flags: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of FLAG_NAMES) if (flags & bit) out.push(name);
  for (let bit = 9; bit <= 11; bit++) if (flags & (1 << bit)) out.push(`RES${bit}`);
  return out;
}
