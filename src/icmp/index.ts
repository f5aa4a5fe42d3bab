// icmp/: ICMP and ICMPv6 — echo, error generation rules, error handling.
export { IcmpLayer, type PingOptions } from './icmp-layer.js';
export { whyNotAnswer, quoteFor, type SuppressReason } from './error-policy.js';
