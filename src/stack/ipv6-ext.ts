// IPv6 extension-header processing at a host (RFC 8200 §4), in the order the headers appear:
//   - Hop-by-Hop (§4.3) and Destination Options (§4.6): every option is handled per the two
//     high-order bits of its type when we do not recognise it (§4.2): 00 skip, 01 discard,
//     10 discard + Parameter Problem code 2, 11 the same unless the destination is multicast.
//   - Routing (§4.4): with Segments Left 0 it is ignored; otherwise we would have to forward,
//     which a host does not: Parameter Problem code 0 pointing at the Routing Type.
//   - Fragment (§4.5): returned to the caller, which reassembles and walks the result again.
//   - Anything else that is not TCP/UDP/ICMPv6 — AH, ESP, Mobility, HIP, Shim6, unknown numbers —
//     is an unrecognised Next Header: Parameter Problem code 1 pointing at that Next Header field.
// The header chain has been bounds-checked by wire/ipv6 before this walk; the walk checks again
// anyway, so it never reads outside the packet.

import { IpProto } from '../wire/ip-proto.js';

export type ExtWalk =
  | { kind: 'upper'; protocol: number; offset: number; protoField: number }
  | { kind: 'fragment'; offset: number; protoField: number }
  | { kind: 'none' }
  | { kind: 'discard' }
  | { kind: 'param-problem'; code: 0 | 1 | 2; pointer: number; evenIfMulticast: boolean };

/** Option types we recognise (and ignore): Pad1, PadN, Tunnel Encapsulation Limit, Router Alert. */
function knownOption(type: number): boolean {
  return type === 0 || type === 1 || type === 4 || type === 5;
}

/** Processes the TLV options of one Hop-by-Hop or Destination Options header. */
function walkOptions(buf: Uint8Array, pkt: number, start: number, end: number, dstMulticast: boolean): ExtWalk | undefined {
  let i = start;
  while (i < end) {
    const type = buf[i]!;
    if (type === 0) {
      i++;
      continue;
    }
    if (i + 2 > end || i + 2 + buf[i + 1]! > end) return { kind: 'param-problem', code: 0, pointer: i + 1 - pkt, evenIfMulticast: false };
    if (!knownOption(type)) {
      switch (type >>> 6) {
        case 1:
          return { kind: 'discard' };
        case 2:
          return { kind: 'param-problem', code: 2, pointer: i - pkt, evenIfMulticast: true };
        case 3:
          return dstMulticast ? { kind: 'discard' } : { kind: 'param-problem', code: 2, pointer: i - pkt, evenIfMulticast: false };
        default:
          break;
      }
    }
    i += 2 + buf[i + 1]!;
  }
  return undefined;
}

/**
 * Walks from the Next Header field at `protoField` (whose header starts at `pos`) to the upper
 * layer. `pkt` is the packet start (pointers are relative to it), `end` the end of the packet.
 */
export function walkIpv6(buf: Uint8Array, pkt: number, protoField: number, pos: number, end: number, dstMulticast: boolean): ExtWalk {
  let proto = buf[protoField]!;
  for (let count = 0; count < 16; count++) {
    switch (proto) {
      case IpProto.TCP:
      case IpProto.UDP:
      case IpProto.ICMPV6:
        return { kind: 'upper', protocol: proto, offset: pos, protoField };
      case IpProto.NONE:
        return { kind: 'none' };
      case IpProto.FRAGMENT:
        if (pos + 8 > end) return { kind: 'discard' };
        return { kind: 'fragment', offset: pos, protoField };
      case IpProto.HOPOPT:
      case IpProto.DSTOPTS:
      case IpProto.ROUTING: {
        if (proto === IpProto.HOPOPT && protoField !== pkt + 6) {
          // RFC 8200 §4.1: Hop-by-Hop only right after the fixed header.
          return { kind: 'param-problem', code: 1, pointer: protoField - pkt, evenIfMulticast: false };
        }
        if (pos + 8 > end) return { kind: 'discard' };
        const size = (buf[pos + 1]! + 1) << 3;
        if (pos + size > end) return { kind: 'discard' };
        if (proto === IpProto.ROUTING) {
          if (buf[pos + 3]! !== 0) return { kind: 'param-problem', code: 0, pointer: pos + 2 - pkt, evenIfMulticast: false };
        } else {
          const r = walkOptions(buf, pkt, pos + 2, pos + size, dstMulticast);
          if (r) return r;
        }
        protoField = pos;
        proto = buf[pos]!;
        pos += size;
        break;
      }
      default:
        return { kind: 'param-problem', code: 1, pointer: protoField - pkt, evenIfMulticast: false };
    }
  }
  return { kind: 'discard' };
}
