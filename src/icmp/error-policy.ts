// When an ICMP error may be sent about a packet, and how much of it to quote.
//
// RFC 1122 §3.2.2 (IPv4): an ICMP error message MUST NOT be sent as the result of receiving
//   * an ICMP error message, or
//   * a datagram destined to an IP broadcast or IP multicast address, or
//   * a datagram sent as a link-layer broadcast (not visible to us: drivers hand us IP packets), or
//   * a non-initial fragment, or
//   * a datagram whose source address does not define a single host — a zero address, a loopback
//     address, a broadcast address, a multicast address, or a Class E address.
// RFC 4443 §2.4(e) (IPv6): not in response to an ICMPv6 error message or a Redirect, a packet to a
//   multicast address (except Packet Too Big, and Parameter Problem code 2 for an unrecognised
//   option whose action bits ask for it), or a packet whose source does not identify a single node
//   (unspecified, multicast).
// A loopback source is fine from the loopback interface itself (a UDP send to a closed port on
// 127.0.0.1 is refused), never from outside.
// Quote size: RFC 1812 §4.3.2.3 "as much of the original datagram as possible without the length of
// the ICMP datagram exceeding 576 bytes"; RFC 4443 §2.4(c) "as much ... without exceeding the
// minimum IPv6 MTU" (1280).

import { u16 } from '../wire/bytes.js';
import { formatIpv4 } from '../wire/address.js';
import { IpProto } from '../wire/ip-proto.js';
import { Ipv6View } from '../wire/ipv6.js';
import { LOOPBACK_INDEX, type InterfaceTable } from '../stack/interfaces.js';

export const MAX_ERROR_V4 = 576;
export const MAX_ERROR_V6 = 1280;

export type SuppressReason =
  | 'malformed'
  | 'icmp-error'
  | 'non-first-fragment'
  | 'dst-broadcast'
  | 'dst-multicast'
  | 'src-not-unicast'
  | 'src-loopback';

/** ICMPv4 types that are error messages (RFC 792, RFC 1812 §4.3.2.4): unreachable, quench, redirect, time exceeded, parameter problem. */
export function isIcmpV4Error(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/** RFC 4443 §2.1: types 0–127 are errors; 137 (Redirect) is treated alike by §2.4(e.2). */
export function isIcmpV6ErrorOrRedirect(type: number): boolean {
  return type < 128 || type === 137;
}

const view6 = new Ipv6View();

/**
 * Why no ICMP error may be sent about `packet` (an IP packet as received on `ifIndex`), or
 * undefined when one may. `evenIfMulticast` lifts the multicast-destination rule (RFC 4443
 * §2.4(e.3): Packet Too Big, Parameter Problem code 2).
 */
export function whyNotAnswer(packet: Uint8Array, ifIndex: number, interfaces: InterfaceTable, evenIfMulticast = false): SuppressReason | undefined {
  const version = packet.length > 0 ? packet[0]! >>> 4 : 0;
  if (version === 4) {
    if (packet.length < 20) return 'malformed';
    const hl = (packet[0]! & 0x0f) << 2;
    if ((u16(packet, 6) & 0x1fff) !== 0) return 'non-first-fragment';
    if (packet[9] === IpProto.ICMP) {
      if (packet.length < hl + 1) return 'malformed';
      if (isIcmpV4Error(packet[hl]!)) return 'icmp-error';
    }
    const dst = formatIpv4(packet, 16);
    const d0 = packet[16]!;
    if (d0 >= 224 && d0 < 240) return 'dst-multicast';
    if (interfaces.isBroadcast(dst)) return 'dst-broadcast';
    const s0 = packet[12]!;
    const src = formatIpv4(packet, 12);
    if (src === '0.0.0.0' || s0 >= 224 || interfaces.isBroadcast(src) || s0 === 0) return 'src-not-unicast';
    if (s0 === 127 && ifIndex !== LOOPBACK_INDEX) return 'src-loopback';
    return undefined;
  }
  if (version === 6) {
    if (view6.set(packet, 0, packet.length, true) !== undefined) return 'malformed';
    if (view6.protocol === IpProto.ICMPV6) {
      if (view6.fragmentOffset !== 0) return 'non-first-fragment'; // cannot tell whether it is an error
      if (view6.payloadOffset >= view6.end) return 'malformed';
      if (isIcmpV6ErrorOrRedirect(packet[view6.payloadOffset]!)) return 'icmp-error';
    }
    if (packet[24] === 0xff && !evenIfMulticast) return 'dst-multicast';
    if (packet[8] === 0xff || isUnspecified6(packet, 8)) return 'src-not-unicast';
    if (isLoopback6(packet, 8) && ifIndex !== LOOPBACK_INDEX) return 'src-loopback';
    return undefined;
  }
  return 'malformed';
}

function isUnspecified6(b: Uint8Array, off: number): boolean {
  for (let i = 0; i < 16; i++) if (b[off + i] !== 0) return false;
  return true;
}

function isLoopback6(b: Uint8Array, off: number): boolean {
  for (let i = 0; i < 15; i++) if (b[off + i] !== 0) return false;
  return b[off + 15] === 1;
}

/** The leading part of `packet` an error message quotes (RFC 1812 §4.3.2.3 / RFC 4443 §2.4(c)). */
export function quoteFor(packet: Uint8Array, family: 4 | 6): Uint8Array {
  const room = family === 4 ? MAX_ERROR_V4 - 20 - 8 : MAX_ERROR_V6 - 40 - 8;
  return packet.subarray(0, Math.min(packet.length, room));
}
