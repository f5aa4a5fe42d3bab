// ICMP / ICMPv6 part of decodePacket: type and code names, echo fields, MTU, pointer, and the
// quoted invoking packet (RFC 792, RFC 1191, RFC 4443).

import { toHex, u16, u32 } from './bytes.js';
import { parseQuotedPacket } from './icmp-quote.js';
import { IpProto } from './ip-proto.js';
import type { UpperContext } from './packet.js';
import type { DecodedChecksum, DecodedIcmp, DecodedPacket } from './packet-types.js';
import { wireError, type WireError } from './result.js';

const V4_TYPES: Record<number, string> = {
  0: 'Echo Reply', 3: 'Destination Unreachable', 4: 'Source Quench', 5: 'Redirect', 8: 'Echo Request',
  9: 'Router Advertisement', 10: 'Router Solicitation', 11: 'Time Exceeded', 12: 'Parameter Problem',
  13: 'Timestamp', 14: 'Timestamp Reply',
};
const V4_UNREACH: Record<number, string> = {
  0: 'Network unreachable', 1: 'Host unreachable', 2: 'Protocol unreachable', 3: 'Port unreachable',
  4: 'Fragmentation needed and DF set', 5: 'Source route failed', 6: 'Destination network unknown',
  7: 'Destination host unknown', 8: 'Source host isolated', 9: 'Network administratively prohibited',
  10: 'Host administratively prohibited', 11: 'Network unreachable for TOS', 12: 'Host unreachable for TOS',
  13: 'Communication administratively prohibited', 14: 'Host precedence violation', 15: 'Precedence cutoff in effect',
};
const V4_TIME: Record<number, string> = { 0: 'TTL exceeded in transit', 1: 'Fragment reassembly time exceeded' };
const V4_PARAM: Record<number, string> = { 0: 'Pointer indicates the error', 1: 'Missing a required option', 2: 'Bad length' };

const V6_TYPES: Record<number, string> = {
  1: 'Destination Unreachable', 2: 'Packet Too Big', 3: 'Time Exceeded', 4: 'Parameter Problem',
  128: 'Echo Request', 129: 'Echo Reply', 130: 'Multicast Listener Query', 131: 'Multicast Listener Report',
  132: 'Multicast Listener Done', 133: 'Router Solicitation', 134: 'Router Advertisement',
  135: 'Neighbor Solicitation', 136: 'Neighbor Advertisement', 137: 'Redirect', 143: 'Multicast Listener Report v2',
};
const V6_UNREACH: Record<number, string> = {
  0: 'No route to destination', 1: 'Communication administratively prohibited', 2: 'Beyond scope of source address',
  3: 'Address unreachable', 4: 'Port unreachable', 5: 'Source address failed ingress/egress policy',
  6: 'Reject route to destination', 7: 'Error in Source Routing Header',
};
const V6_TIME: Record<number, string> = { 0: 'Hop limit exceeded in transit', 1: 'Fragment reassembly time exceeded' };
const V6_PARAM: Record<number, string> = {
  0: 'Erroneous header field', 1: 'Unrecognized Next Header type', 2: 'Unrecognized IPv6 option',
  3: 'IPv6 First Fragment has incomplete header chain',
};

function codeNames(v6: boolean, type: number): Record<number, string> | undefined {
  if (v6) return type === 1 ? V6_UNREACH : type === 3 ? V6_TIME : type === 4 ? V6_PARAM : undefined;
  return type === 3 ? V4_UNREACH : type === 11 ? V4_TIME : type === 12 ? V4_PARAM : undefined;
}

/** Decode an ICMP (ctx.protocol 1) or ICMPv6 (58) message into `out`; returns an error when it stops early. */
export function decodeIcmpMessage(ctx: UpperContext, out: DecodedPacket, checksum: DecodedChecksum): WireError | undefined {
  const { buf, off, len } = ctx;
  const v6 = ctx.protocol === IpProto.ICMPV6;
  const what = v6 ? 'ICMPv6' : 'ICMP';
  if (len < 8) return wireError('TRUNCATED', 'header', off, `${len} bytes, an ${what} header needs 8`);
  const type = buf[off]!;
  const code = buf[off + 1]!;
  const m: DecodedIcmp = {
    layer: v6 ? 'icmpv6' : 'icmp',
    type,
    typeName: (v6 ? V6_TYPES : V4_TYPES)[type] ?? `Type ${type}`,
    code,
    checksum,
  };
  const codeName = codeNames(v6, type)?.[code];
  if (codeName !== undefined) m.codeName = codeName;
  const isEcho = v6 ? type === 128 || type === 129 : type === 0 || type === 8;
  const isError = v6 ? type >= 1 && type <= 4 : type === 3 || type === 11 || type === 12 || type === 4 || type === 5;
  if (isEcho) {
    m.id = u16(buf, off + 4);
    m.seq = u16(buf, off + 6);
    m.data = toHex(buf.subarray(off + 8, off + len));
  } else if (isError) {
    if (!v6 && type === 3 && code === 4) m.mtu = u16(buf, off + 6);
    if (v6 && type === 2) m.mtu = u32(buf, off + 4);
    if (!v6 && type === 12) m.pointer = buf[off + 4]!;
    if (v6 && type === 4) m.pointer = u32(buf, off + 4);
    m.quoteLength = len - 8;
    const q = parseQuotedPacket(buf, off + 8, len - 8);
    if (q.ok) m.quote = q.value;
    else m.quoteError = q.error;
  } else {
    m.data = toHex(buf.subarray(off + 4, off + len));
  }
  out.layers.push(m);
  if (checksum.status === 'invalid') out.notes.push(`${what} checksum invalid`);
  return undefined;
}
