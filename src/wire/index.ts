// wire/: packet formats. Per format a View (typed getters over a Uint8Array, bounds checked once
// by `set()`, reusable without allocation) and a Repr (plain data) with parseX / emitX:
//   parseIpv4 / emitIpv4 / emitIpv4Header / Ipv4View        RFC 791
//   parseIpv6 / emitIpv6 / emitIpv6Header / Ipv6View        RFC 8200 (extension headers walked, bounded)
//   parseTcp / emitTcp / TcpView / parseTcpOptions          RFC 9293, 7323, 2018 (TcpRepr in tcp-types.ts)
//   parseUdp / emitUdp / UdpView / udpChecksumStatus        RFC 768, RFC 8200 §8.1
//   parseIcmp / emitIcmp, parseIcmpv6 / emitIcmpv6, parseQuotedPacket   RFC 792, 1191, 4443
//   internetChecksum / sumWords / fold / checksumAdjust / pseudoHeaderSum*   RFC 1071, 1624
//   parseIp / formatIp / parseCidr / prefixMatch            RFC 4291, RFC 5952
//   decodePacket / formatDecoded                            layered, JSON-friendly decode for people
//   buildIpPacket                                           one call to a checksummed packet
// Parsers return WireResult and never throw on hostile input. Emitters write into the caller's
// buffer, return the bytes written, and throw RangeError only for caller bugs (no room, a field
// that cannot be encoded). Repr payloads and raw option data are views into the parsed buffer.
export * from './tcp-types.js';
export * from './result.js';
export * from './checksum.js';
export * from './address.js';
export * from './bytes.js';
export * from './ip-proto.js';
export * from './ipv4.js';
export * from './ipv6.js';
export * from './tcp-options.js';
export * from './tcp.js';
export * from './udp.js';
export * from './icmp.js';
export * from './icmpv6.js';
export * from './icmp-quote.js';
export * from './build.js';
export { decodePacket } from './packet.js';
export type * from './packet-types.js';
export { formatDecoded } from './packet-format.js';
export * from './pcap.js';
