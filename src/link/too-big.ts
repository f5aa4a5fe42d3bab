// What a router does with a packet too big for its next link (RFC 1191 §4 / RFC 1812 §5.2.7.1,
// RFC 8201 §4 / RFC 4443 §3.2): instead of forwarding it, it answers the source with ICMP
// "fragmentation needed and DF set" (type 3 code 4, carrying the next-hop MTU) or ICMPv6 "packet
// too big" (type 2, carrying the MTU). Used by memory links set with `icmpTooBig: true`; links
// without it drop such packets silently (a PMTU black hole, RFC 2923 §2.1).
// The message comes from the packet's destination address (the link has none of its own).

import { formatIp } from '../wire/address.js';
import { buildIpPacket } from '../wire/build.js';
import { IpProto } from '../wire/ip-proto.js';

/** RFC 1812 §4.3.2.3: an ICMPv4 error is at most 576 bytes; RFC 4443 §2.4(c): ICMPv6 at most 1280. */
const MAX_V4 = 576;
const MAX_V6 = 1280;

/**
 * The ICMP error a router would return for `packet` on a link of `mtu`, or undefined when none is
 * due: not IP, an IPv4 packet without DF (a router would fragment it; a link cannot), or an ICMP
 * error itself (RFC 1122 §3.2.2, RFC 4443 §2.4(e): never an error about an error).
 */
export function packetTooBigReply(packet: Uint8Array, mtu: number): Uint8Array | undefined {
  const version = (packet[0] ?? 0) >>> 4;
  if (version === 4 && packet.length >= 20) {
    if ((packet[6]! & 0x40) === 0) return undefined;
    const ihl = (packet[0]! & 0x0f) * 4;
    if (packet[9] === IpProto.ICMP && isIcmpError(packet[ihl])) return undefined;
    const quote = packet.subarray(0, Math.min(packet.length, MAX_V4 - 28));
    return buildIpPacket({
      src: formatIp(packet, 16, 4),
      dst: formatIp(packet, 12, 4),
      icmp: { kind: 'destUnreachable', code: 4, nextHopMtu: Math.min(0xffff, mtu), quote },
    });
  }
  if (version === 6 && packet.length >= 40) {
    // The next header right after the fixed header is enough here: an ICMPv6 error behind extension headers is rare.
    if (packet[6] === IpProto.ICMPV6 && (packet[40] ?? 255) < 128) return undefined;
    const quote = packet.subarray(0, Math.min(packet.length, MAX_V6 - 48));
    return buildIpPacket({
      src: formatIp(packet, 24, 16),
      dst: formatIp(packet, 8, 16),
      icmpv6: { kind: 'packetTooBig', mtu, quote },
    });
  }
  return undefined;
}

function isIcmpError(type: number | undefined): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}
