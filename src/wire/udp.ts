// UDP (RFC 768). Length covers header + data and must fit in what IP delivered; bytes after it
// are ignored. Checksum: over IPv4 a zero field means "no checksum" (RFC 768); over IPv6 it is
// mandatory (RFC 8200 §8.1) and a zero field is invalid. A computed 0 is sent as 0xffff.

import { placeBytes, put16, u16 } from './bytes.js';
import { checksumOk, pseudoHeaderSum, writeChecksum } from './checksum.js';
import { IpProto } from './ip-proto.js';
import { wireError, wireOk, type WireError, type WireResult } from './result.js';

export const UDP_HEADER = 8;

export interface UdpRepr {
  srcPort: number;
  dstPort: number;
  /** Datagram data (a view into the parsed buffer). */
  payload: Uint8Array;
}

const EMPTY = new Uint8Array(0);

export class UdpView {
  buf: Uint8Array = EMPTY;
  off = 0;
  /** Bytes available from `off` (the IP payload length). */
  avail = 0;

  /** Point at `buf[off .. off+len)`; checks the header fits and 8 ≤ Length ≤ len. */
  set(buf: Uint8Array, off = 0, len: number = buf.length - off): WireError | undefined {
    this.buf = buf;
    this.off = off;
    this.avail = Math.max(0, Math.min(len, buf.length - off));
    if (this.avail < UDP_HEADER) return wireError('TRUNCATED', 'header', off, `${this.avail} bytes, a UDP header needs 8`);
    const length = u16(buf, off + 4);
    if (length < UDP_HEADER) return wireError('BAD_LENGTH', 'length', off + 4, `length ${length} is below the header size 8`);
    if (length > this.avail) return wireError('BAD_LENGTH', 'length', off + 4, `length ${length} exceeds the ${this.avail} bytes present`);
    return undefined;
  }

  get srcPort(): number { return u16(this.buf, this.off); }
  get dstPort(): number { return u16(this.buf, this.off + 2); }
  /** The Length field: header + data. */
  get length(): number { return u16(this.buf, this.off + 4); }
  get checksum(): number { return u16(this.buf, this.off + 6); }
  get payloadOffset(): number { return this.off + UDP_HEADER; }
  get payloadLength(): number { return this.length - UDP_HEADER; }
  get payload(): Uint8Array { return this.buf.subarray(this.off + UDP_HEADER, this.off + this.length); }
}

export function udpView(buf: Uint8Array, off = 0, len: number = buf.length - off): WireResult<UdpView> {
  const v = new UdpView();
  const err = v.set(buf, off, len);
  return err ? { ok: false, error: err } : wireOk(v);
}

/** Parse a datagram; the checksum is checked separately (udpChecksumStatus) since it needs the pseudo-header. */
export function parseUdp(buf: Uint8Array, off = 0, len: number = buf.length - off): WireResult<UdpRepr> {
  const v = new UdpView();
  const err = v.set(buf, off, len);
  if (err) return { ok: false, error: err };
  return wireOk({ srcPort: v.srcPort, dstPort: v.dstPort, payload: v.payload });
}

/**
 * Write header and payload at `buf[off]`; returns the datagram length. With `src`/`dst` (4 or
 * 16 bytes) the checksum is computed (0 sent as 0xffff); without them the field is 0, which over
 * IPv4 means "no checksum". RangeError on caller bugs (no room, datagram over 65535 bytes).
 */
export function emitUdp(repr: UdpRepr, buf: Uint8Array, off: number, src?: Uint8Array, dst?: Uint8Array): number {
  const len = UDP_HEADER + repr.payload.length;
  if (len > 0xffff) throw new RangeError(`emitUdp: datagram of ${len} bytes exceeds 65535`);
  if (off < 0 || off + len > buf.length) throw new RangeError('emitUdp: buffer too small');
  put16(buf, off, repr.srcPort);
  put16(buf, off + 2, repr.dstPort);
  put16(buf, off + 4, len);
  buf[off + 6] = 0;
  buf[off + 7] = 0;
  placeBytes(repr.payload, buf, off + UDP_HEADER);
  if (src && dst) writeChecksum(buf, off, len, off + 6, pseudoHeaderSum(src, dst, IpProto.UDP, len), true);
  return len;
}

export type UdpChecksumStatus = 'none' | 'valid' | 'invalid';

/**
 * Checksum state of the datagram at `buf[off .. off+len)` (len = bytes IP delivered) for these
 * addresses: 'none' for a zero field over IPv4, 'invalid' for a zero field over IPv6 or a bad
 * Length, else whether it verifies over the Length bytes.
 */
export function udpChecksumStatus(buf: Uint8Array, off: number, len: number, src: Uint8Array, dst: Uint8Array): UdpChecksumStatus {
  if (off < 0 || len < UDP_HEADER || off + len > buf.length) return 'invalid';
  const length = u16(buf, off + 4);
  if (length < UDP_HEADER || length > len) return 'invalid';
  if (u16(buf, off + 6) === 0) return src.length === 4 ? 'none' : 'invalid';
  return checksumOk(buf, off, length, pseudoHeaderSum(src, dst, IpProto.UDP, length)) ? 'valid' : 'invalid';
}
