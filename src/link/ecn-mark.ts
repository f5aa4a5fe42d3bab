// RFC 3168 §5 / §6.1 router side: what a congested queue does to a packet instead of dropping it.
// An ECN-capable packet (ECT(0) or ECT(1)) is marked CE — in a copy, with the IPv4 header checksum
// updated incrementally (RFC 1624) — and forwarded; a packet that is not ECN-capable is dropped
// as the queue would have dropped it anyway. IPv6 has no header checksum to fix.

import { checksumAdjust } from '../wire/checksum.js';

/** The packet's ECN codepoint (0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE), or undefined when it is not IP. */
export function ecnCodepoint(packet: Uint8Array): number | undefined {
  if (packet.length < 2) return undefined;
  const v = packet[0]! >>> 4;
  if (v === 4) return packet[1]! & 3;
  if (v === 6) return (packet[1]! >>> 4) & 3;
  return undefined;
}

/** A copy of `packet` with the CE codepoint (RFC 3168 §5), or undefined when it is not ECN-capable. */
export function markCe(packet: Uint8Array): Uint8Array | undefined {
  const cp = ecnCodepoint(packet);
  if (cp === undefined || cp === 0) return undefined;
  if (cp === 3) return packet;
  const out = packet.slice();
  if (out[0]! >>> 4 === 6) {
    out[1]! |= 0x30;
    return out;
  }
  if (out.length < 20) return undefined;
  // RFC 1624 eqn. 3 over the 16-bit word holding the TOS byte.
  const oldWord = (out[0]! << 8) | out[1]!;
  out[1]! |= 3;
  const hc = checksumAdjust((out[10]! << 8) | out[11]!, oldWord, (out[0]! << 8) | out[1]!);
  out[10] = hc >>> 8;
  out[11] = hc & 0xff;
  return out;
}
