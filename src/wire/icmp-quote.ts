// The invoking packet quoted in ICMP error messages: RFC 792 quotes the IP header plus the
// first 64 bits of its data, RFC 1812 §4.3.2.3 and RFC 4443 §2.4(c) allow more. We parse as far
// as the quote goes: the IP header (and IPv6 extension headers) and, for a first fragment, the
// transport ports, the TCP sequence number (RFC 5927 §4.1 checks) or the ICMP echo id/sequence.

import type { IpAddress } from '../stack/types.js';
import { formatIpv4, formatIpv6 } from './address.js';
import { u16, u32 } from './bytes.js';
import { IpProto } from './ip-proto.js';
import { Ipv6View } from './ipv6.js';
import { wireFail, wireOk, type WireResult } from './result.js';

export interface QuotedPacket {
  family: 4 | 6;
  src: IpAddress;
  dst: IpAddress;
  /** Upper-layer protocol of the quoted packet (after IPv6 extension headers). */
  protocol: number;
  /** IPv4 Total Length or IPv6 Payload Length as quoted (the original packet's, not the quote's). */
  ipLength: number;
  /** Whether the quoted packet was a fragment (offset or MF set, or an IPv6 Fragment header). */
  fragment: boolean;
  srcPort?: number;
  dstPort?: number;
  /** Sequence number of a quoted TCP segment. */
  tcpSeq?: number;
  /** Identifier and sequence of a quoted ICMP/ICMPv6 echo. */
  echoId?: number;
  echoSeq?: number;
  /** Number of quoted transport bytes present. */
  transportBytes: number;
}

function addTransport(q: QuotedPacket, buf: Uint8Array, pos: number, end: number, firstFragment: boolean): QuotedPacket {
  const n = Math.max(0, end - pos);
  q.transportBytes = n;
  if (!firstFragment) return q;
  const p = q.protocol;
  if ((p === IpProto.TCP || p === IpProto.UDP || p === IpProto.SCTP || p === IpProto.UDPLITE) && n >= 4) {
    q.srcPort = u16(buf, pos);
    q.dstPort = u16(buf, pos + 2);
    if (p === IpProto.TCP && n >= 8) q.tcpSeq = u32(buf, pos + 4);
  } else if (n >= 8 && ((p === IpProto.ICMP && (buf[pos] === 8 || buf[pos] === 0)) || (p === IpProto.ICMPV6 && (buf[pos] === 128 || buf[pos] === 129)))) {
    q.echoId = u16(buf, pos + 4);
    q.echoSeq = u16(buf, pos + 6);
  }
  return q;
}

/** Parse the quoted packet in `buf[off .. off+len)` (IPv4 or IPv6 by its version nibble). */
export function parseQuotedPacket(buf: Uint8Array, off: number, len: number): WireResult<QuotedPacket> {
  len = Math.max(0, Math.min(len, buf.length - off));
  if (len < 1) return wireFail('TRUNCATED', 'quote', off, 'the ICMP message quotes no packet');
  const version = buf[off]! >>> 4;
  const end = off + len;
  if (version === 4) {
    if (len < 20) return wireFail('TRUNCATED', 'quote.header', off, `quoted IPv4 header cut to ${len} bytes`);
    const hl = (buf[off]! & 0x0f) << 2;
    if (hl < 20) return wireFail('BAD_IHL', 'quote.ihl', off, `quoted IHL ${hl >>> 2} below 5`);
    if (hl > len) return wireFail('TRUNCATED', 'quote.options', off + 20, 'quoted IPv4 options cut off');
    const fragField = u16(buf, off + 6);
    const q: QuotedPacket = {
      family: 4,
      src: formatIpv4(buf, off + 12),
      dst: formatIpv4(buf, off + 16),
      protocol: buf[off + 9]!,
      ipLength: u16(buf, off + 2),
      fragment: (fragField & 0x3fff) !== 0,
      transportBytes: 0,
    };
    return wireOk(addTransport(q, buf, off + hl, end, (fragField & 0x1fff) === 0));
  }
  if (version === 6) {
    const v = new Ipv6View();
    const err = v.set(buf, off, len, true);
    if (err) return { ok: false, error: { ...err, field: `quote.${err.field}` } };
    const q: QuotedPacket = {
      family: 6,
      src: formatIpv6(buf, off + 8),
      dst: formatIpv6(buf, off + 24),
      protocol: v.protocol,
      ipLength: v.payloadLength,
      fragment: v.isFragment,
      transportBytes: 0,
    };
    return wireOk(addTransport(q, buf, v.payloadOffset, v.end, v.fragmentOffset === 0));
  }
  return wireFail('BAD_VERSION', 'quote.version', off, `quoted packet has IP version ${version}`);
}
