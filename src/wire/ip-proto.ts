// IANA "Assigned Internet Protocol Numbers": the IPv4 Protocol / IPv6 Next Header values we name.

export const IpProto = {
  HOPOPT: 0, // IPv6 Hop-by-Hop Options (RFC 8200 §4.3)
  ICMP: 1, // RFC 792
  IGMP: 2,
  IPIP: 4,
  TCP: 6, // RFC 9293
  UDP: 17, // RFC 768
  IPV6: 41, // RFC 2473 encapsulation
  ROUTING: 43, // RFC 8200 §4.4
  FRAGMENT: 44, // RFC 8200 §4.5
  GRE: 47,
  ESP: 50, // RFC 4303
  AH: 51, // RFC 4302
  ICMPV6: 58, // RFC 4443
  NONE: 59, // RFC 8200 §4.7 No Next Header
  DSTOPTS: 60, // RFC 8200 §4.6
  MOBILITY: 135, // RFC 6275
  HIP: 139, // RFC 7401
  SHIM6: 140, // RFC 5533
  SCTP: 132,
  UDPLITE: 136,
} as const;

const NAMES: Record<number, string> = {
  0: 'HOPOPT', 1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 43: 'IPv6-Route', 44: 'IPv6-Frag',
  47: 'GRE', 50: 'ESP', 51: 'AH', 58: 'ICMPv6', 59: 'IPv6-NoNxt', 60: 'IPv6-Opts', 132: 'SCTP', 135: 'Mobility',
  136: 'UDPLite', 139: 'HIP', 140: 'Shim6',
};

/** Short IANA keyword for a protocol number, or its decimal value. */
export function ipProtoName(proto: number): string {
  return NAMES[proto] ?? String(proto);
}
