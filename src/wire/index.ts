// wire/: packet formats. View (typed getters over bytes) + Repr (plain data) per format;
// parsers return WireResult and never throw on hostile input.
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
export * from './packet.js';
export { formatDecoded } from './packet-format.js';
