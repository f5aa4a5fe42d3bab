// ICMP for IPv4 (RFC 792): echo, destination unreachable (with the RFC 1191 §4 next-hop MTU for
// code 4), time exceeded, parameter problem. Other types are kept raw. The checksum covers the
// whole ICMP message (no pseudo-header).
//
//  |     Type      |     Code      |          Checksum             |
//  |            rest of header (id/seq, unused/MTU, pointer)       |
//  |            data / quoted invoking packet ...                  |

import { placeBytes, put16, put32, u16, u32 } from './bytes.js';
import { checksumOk, writeChecksum } from './checksum.js';
import { wireError, wireOk, type WireError, type WireResult } from './result.js';

export const ICMP_HEADER = 8;

export const IcmpType = {
  ECHO_REPLY: 0,
  DEST_UNREACHABLE: 3,
  SOURCE_QUENCH: 4,
  REDIRECT: 5,
  ECHO_REQUEST: 8,
  TIME_EXCEEDED: 11,
  PARAMETER_PROBLEM: 12,
  TIMESTAMP: 13,
  TIMESTAMP_REPLY: 14,
} as const;

/** Destination Unreachable codes (RFC 792, RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1). */
export const IcmpUnreachableCode = {
  NET: 0,
  HOST: 1,
  PROTOCOL: 2,
  PORT: 3,
  FRAGMENTATION_NEEDED: 4,
  SOURCE_ROUTE_FAILED: 5,
  NET_UNKNOWN: 6,
  HOST_UNKNOWN: 7,
  HOST_ISOLATED: 8,
  NET_PROHIBITED: 9,
  HOST_PROHIBITED: 10,
  NET_TOS: 11,
  HOST_TOS: 12,
  ADMIN_PROHIBITED: 13,
  HOST_PRECEDENCE: 14,
  PRECEDENCE_CUTOFF: 15,
} as const;

export type IcmpRepr =
  | { kind: 'echoRequest' | 'echoReply'; id: number; seq: number; data: Uint8Array }
  /** `nextHopMtu` is the RFC 1191 field (low 16 bits of the second word), meaningful for code 4, else usually 0. */
  | { kind: 'destUnreachable'; code: number; nextHopMtu: number; quote: Uint8Array }
  | { kind: 'timeExceeded'; code: number; quote: Uint8Array }
  /** `pointer`: the octet of the quoted header at fault (RFC 792). */
  | { kind: 'parameterProblem'; code: number; pointer: number; quote: Uint8Array }
  /** Any other type: `body` is everything after the checksum field. */
  | { kind: 'unknown'; type: number; code: number; body: Uint8Array };

const EMPTY = new Uint8Array(0);

export class IcmpView {
  buf: Uint8Array = EMPTY;
  off = 0;
  len = 0;

  /** Point at the message `buf[off .. off+len)`; it needs at least the 8-byte header. */
  set(buf: Uint8Array, off = 0, len: number = buf.length - off): WireError | undefined {
    this.buf = buf;
    this.off = off;
    this.len = Math.max(0, Math.min(len, buf.length - off));
    if (this.len < ICMP_HEADER) return wireError('TRUNCATED', 'header', off, `${this.len} bytes, an ICMP header needs 8`);
    return undefined;
  }

  get type(): number { return this.buf[this.off]!; }
  get code(): number { return this.buf[this.off + 1]!; }
  get checksum(): number { return u16(this.buf, this.off + 2); }
  get checksumValid(): boolean { return checksumOk(this.buf, this.off, this.len); }
  /** The second 32-bit word. */
  get rest(): number { return u32(this.buf, this.off + 4); }
  get echoId(): number { return u16(this.buf, this.off + 4); }
  get echoSeq(): number { return u16(this.buf, this.off + 6); }
  get nextHopMtu(): number { return u16(this.buf, this.off + 6); }
  get pointer(): number { return this.buf[this.off + 4]!; }
  get bodyOffset(): number { return this.off + ICMP_HEADER; }
  /** Bytes after the 8-byte header: echo data or the quoted packet. */
  get body(): Uint8Array { return this.buf.subarray(this.off + ICMP_HEADER, this.off + this.len); }
}

/** Parse an ICMP message (the checksum is checked separately with icmpChecksumValid). */
export function parseIcmp(buf: Uint8Array, off = 0, len: number = buf.length - off): WireResult<IcmpRepr> {
  const v = new IcmpView();
  const err = v.set(buf, off, len);
  if (err) return { ok: false, error: err };
  switch (v.type) {
    case IcmpType.ECHO_REQUEST:
    case IcmpType.ECHO_REPLY:
      return wireOk({ kind: v.type === IcmpType.ECHO_REQUEST ? 'echoRequest' : 'echoReply', id: v.echoId, seq: v.echoSeq, data: v.body });
    case IcmpType.DEST_UNREACHABLE:
      return wireOk({ kind: 'destUnreachable', code: v.code, nextHopMtu: v.nextHopMtu, quote: v.body });
    case IcmpType.TIME_EXCEEDED:
      return wireOk({ kind: 'timeExceeded', code: v.code, quote: v.body });
    case IcmpType.PARAMETER_PROBLEM:
      return wireOk({ kind: 'parameterProblem', code: v.code, pointer: v.pointer, quote: v.body });
    default:
      return wireOk({ kind: 'unknown', type: v.type, code: v.code, body: v.buf.subarray(off + 4, off + v.len) });
  }
}

/** Whether the message `buf[off .. off+len)` checksums correctly. */
export function icmpChecksumValid(buf: Uint8Array, off: number, len: number): boolean {
  return off >= 0 && len >= 4 && off + len <= buf.length && checksumOk(buf, off, len);
}

/** Length emitIcmp will write. */
export function icmpLength(repr: IcmpRepr): number {
  switch (repr.kind) {
    case 'echoRequest':
    case 'echoReply':
      return ICMP_HEADER + repr.data.length;
    case 'unknown':
      return 4 + repr.body.length;
    default:
      return ICMP_HEADER + repr.quote.length;
  }
}

/** Write the message with its checksum at `buf[off]`; returns its length. RangeError when it does not fit. */
export function emitIcmp(repr: IcmpRepr, buf: Uint8Array, off = 0): number {
  const len = icmpLength(repr);
  if (off < 0 || off + len > buf.length || len < 4) throw new RangeError('emitIcmp: buffer too small');
  let body: Uint8Array;
  switch (repr.kind) {
    case 'echoRequest':
    case 'echoReply':
      buf[off] = repr.kind === 'echoRequest' ? IcmpType.ECHO_REQUEST : IcmpType.ECHO_REPLY;
      buf[off + 1] = 0;
      put16(buf, off + 4, repr.id);
      put16(buf, off + 6, repr.seq);
      body = repr.data;
      break;
    case 'destUnreachable':
      buf[off] = IcmpType.DEST_UNREACHABLE;
      buf[off + 1] = repr.code & 0xff;
      put16(buf, off + 4, 0);
      put16(buf, off + 6, repr.nextHopMtu);
      body = repr.quote;
      break;
    case 'timeExceeded':
      buf[off] = IcmpType.TIME_EXCEEDED;
      buf[off + 1] = repr.code & 0xff;
      put32(buf, off + 4, 0);
      body = repr.quote;
      break;
    case 'parameterProblem':
      buf[off] = IcmpType.PARAMETER_PROBLEM;
      buf[off + 1] = repr.code & 0xff;
      put32(buf, off + 4, 0);
      buf[off + 4] = repr.pointer & 0xff;
      body = repr.quote;
      break;
    case 'unknown':
      buf[off] = repr.type & 0xff;
      buf[off + 1] = repr.code & 0xff;
      placeBytes(repr.body, buf, off + 4);
      writeChecksum(buf, off, len, off + 2);
      return len;
  }
  placeBytes(body, buf, off + ICMP_HEADER);
  writeChecksum(buf, off, len, off + 2);
  return len;
}
