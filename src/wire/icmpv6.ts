// ICMPv6 (RFC 4443): destination unreachable, packet too big (MTU, RFC 8201), time exceeded,
// parameter problem, echo. Other types (e.g. Neighbor Discovery, RFC 4861) are kept raw. The
// checksum covers the RFC 8200 §8.1 pseudo-header with Next Header 58 (RFC 4443 §2.3).

import { placeBytes, put16, put32, u16, u32 } from './bytes.js';
import { checksumOk, pseudoHeaderSumV6, writeChecksum } from './checksum.js';
import { IpProto } from './ip-proto.js';
import { wireError, wireOk, type WireError, type WireResult } from './result.js';

export const ICMPV6_HEADER = 8;

export const Icmpv6Type = {
  DEST_UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  PARAMETER_PROBLEM: 4,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
  ROUTER_SOLICITATION: 133,
  ROUTER_ADVERTISEMENT: 134,
  NEIGHBOR_SOLICITATION: 135,
  NEIGHBOR_ADVERTISEMENT: 136,
  REDIRECT: 137,
} as const;

/** RFC 4443 §3.1 Destination Unreachable codes. */
export const Icmpv6UnreachableCode = {
  NO_ROUTE: 0,
  ADMIN_PROHIBITED: 1,
  BEYOND_SCOPE: 2,
  ADDRESS: 3,
  PORT: 4,
  SOURCE_POLICY: 5,
  REJECT_ROUTE: 6,
} as const;

export type Icmpv6Repr =
  | { kind: 'echoRequest' | 'echoReply'; id: number; seq: number; data: Uint8Array }
  | { kind: 'destUnreachable'; code: number; quote: Uint8Array }
  /** RFC 4443 §3.2; the code is sent as 0. */
  | { kind: 'packetTooBig'; mtu: number; quote: Uint8Array }
  | { kind: 'timeExceeded'; code: number; quote: Uint8Array }
  /** `pointer`: octet offset in the quoted packet where the problem was found (RFC 4443 §3.4). */
  | { kind: 'parameterProblem'; code: number; pointer: number; quote: Uint8Array }
  /** Any other type: `body` is everything after the checksum field. */
  | { kind: 'unknown'; type: number; code: number; body: Uint8Array };

const EMPTY = new Uint8Array(0);

export class Icmpv6View {
  buf: Uint8Array = EMPTY;
  off = 0;
  len = 0;

  /** Point at the message `buf[off .. off+len)`; it needs at least the 8-byte header. */
  set(buf: Uint8Array, off = 0, len: number = buf.length - off): WireError | undefined {
    this.buf = buf;
    this.off = off;
    this.len = Math.max(0, Math.min(len, buf.length - off));
    if (this.len < ICMPV6_HEADER) return wireError('TRUNCATED', 'header', off, `${this.len} bytes, an ICMPv6 header needs 8`);
    return undefined;
  }

  get type(): number { return this.buf[this.off]!; }
  get code(): number { return this.buf[this.off + 1]!; }
  get checksum(): number { return u16(this.buf, this.off + 2); }
  /** The second 32-bit word: MTU, pointer, or echo id/seq. */
  get rest(): number { return u32(this.buf, this.off + 4); }
  get echoId(): number { return u16(this.buf, this.off + 4); }
  get echoSeq(): number { return u16(this.buf, this.off + 6); }
  get body(): Uint8Array { return this.buf.subarray(this.off + ICMPV6_HEADER, this.off + this.len); }
  /** Checksum verifies for these IPv6 source/destination address bytes. */
  checksumValid(src: Uint8Array, dst: Uint8Array): boolean {
    return checksumOk(this.buf, this.off, this.len, pseudoHeaderSumV6(src, dst, IpProto.ICMPV6, this.len));
  }
}

/** Parse an ICMPv6 message (the checksum is checked separately with icmpv6ChecksumValid). */
export function parseIcmpv6(buf: Uint8Array, off = 0, len: number = buf.length - off): WireResult<Icmpv6Repr> {
  const v = new Icmpv6View();
  const err = v.set(buf, off, len);
  if (err) return { ok: false, error: err };
  switch (v.type) {
    case Icmpv6Type.ECHO_REQUEST:
    case Icmpv6Type.ECHO_REPLY:
      return wireOk({ kind: v.type === Icmpv6Type.ECHO_REQUEST ? 'echoRequest' : 'echoReply', id: v.echoId, seq: v.echoSeq, data: v.body });
    case Icmpv6Type.DEST_UNREACHABLE:
      return wireOk({ kind: 'destUnreachable', code: v.code, quote: v.body });
    case Icmpv6Type.PACKET_TOO_BIG:
      return wireOk({ kind: 'packetTooBig', mtu: v.rest, quote: v.body });
    case Icmpv6Type.TIME_EXCEEDED:
      return wireOk({ kind: 'timeExceeded', code: v.code, quote: v.body });
    case Icmpv6Type.PARAMETER_PROBLEM:
      return wireOk({ kind: 'parameterProblem', code: v.code, pointer: v.rest, quote: v.body });
    default:
      return wireOk({ kind: 'unknown', type: v.type, code: v.code, body: v.buf.subarray(off + 4, off + v.len) });
  }
}

/** Whether the message `buf[off .. off+len)` checksums correctly for these IPv6 addresses (16 bytes each). */
export function icmpv6ChecksumValid(buf: Uint8Array, off: number, len: number, src: Uint8Array, dst: Uint8Array): boolean {
  return off >= 0 && len >= 4 && off + len <= buf.length && checksumOk(buf, off, len, pseudoHeaderSumV6(src, dst, IpProto.ICMPV6, len));
}

export function icmpv6Length(repr: Icmpv6Repr): number {
  switch (repr.kind) {
    case 'echoRequest':
    case 'echoReply':
      return ICMPV6_HEADER + repr.data.length;
    case 'unknown':
      return 4 + repr.body.length;
    default:
      return ICMPV6_HEADER + repr.quote.length;
  }
}

/**
 * Write the message at `buf[off]`; returns its length. With `src`/`dst` (16 bytes each) the
 * checksum is filled in, otherwise left 0. RangeError when it does not fit.
 */
export function emitIcmpv6(repr: Icmpv6Repr, buf: Uint8Array, off: number, src?: Uint8Array, dst?: Uint8Array): number {
  const len = icmpv6Length(repr);
  if (off < 0 || off + len > buf.length || len < 4) throw new RangeError('emitIcmpv6: buffer too small');
  let body: Uint8Array;
  let bodyOff = off + ICMPV6_HEADER;
  switch (repr.kind) {
    case 'echoRequest':
    case 'echoReply':
      buf[off] = repr.kind === 'echoRequest' ? Icmpv6Type.ECHO_REQUEST : Icmpv6Type.ECHO_REPLY;
      buf[off + 1] = 0;
      put16(buf, off + 4, repr.id);
      put16(buf, off + 6, repr.seq);
      body = repr.data;
      break;
    case 'destUnreachable':
      buf[off] = Icmpv6Type.DEST_UNREACHABLE;
      buf[off + 1] = repr.code & 0xff;
      put32(buf, off + 4, 0);
      body = repr.quote;
      break;
    case 'packetTooBig':
      buf[off] = Icmpv6Type.PACKET_TOO_BIG;
      buf[off + 1] = 0;
      put32(buf, off + 4, repr.mtu);
      body = repr.quote;
      break;
    case 'timeExceeded':
      buf[off] = Icmpv6Type.TIME_EXCEEDED;
      buf[off + 1] = repr.code & 0xff;
      put32(buf, off + 4, 0);
      body = repr.quote;
      break;
    case 'parameterProblem':
      buf[off] = Icmpv6Type.PARAMETER_PROBLEM;
      buf[off + 1] = repr.code & 0xff;
      put32(buf, off + 4, repr.pointer);
      body = repr.quote;
      break;
    case 'unknown':
      buf[off] = repr.type & 0xff;
      buf[off + 1] = repr.code & 0xff;
      body = repr.body;
      bodyOff = off + 4;
      break;
  }
  placeBytes(body, buf, bodyOff);
  buf[off + 2] = 0;
  buf[off + 3] = 0;
  if (src && dst) writeChecksum(buf, off, len, off + 2, pseudoHeaderSumV6(src, dst, IpProto.ICMPV6, len));
  return len;
}
