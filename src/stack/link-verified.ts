// Transport checksums a link driver vouches for. A virtio-net header (a TUN with IFF_VNET_HDR)
// marks a packet NEEDS_CSUM when it was generated on the same machine and never crossed a wire
// (the checksum field then holds only the pseudo-header sum; the bytes cannot have been damaged
// in transit) and DATA_VALID when the checksum was already verified. Linux takes both as
// verified (CHECKSUM_PARTIAL / CHECKSUM_UNNECESSARY). RFC 1122 §4.2.2.7 requires the TCP checksum
// to be checked on every segment received from the network; a segment that was handed over in
// memory by the host that built it was not received from a network link, so a driver may mark
// it here and TCP input skips the verification (and the driver need not finish the sum first).
//
// Only the exact Uint8Array object the driver marked counts: a copy, a reassembled datagram or a
// trimmed view of it is verified as usual.

const VERIFIED = new WeakSet<Uint8Array>();

/** Marks `packet` (a whole IP packet a driver passes to Stack.receive/receiveBatch) as checksum-verified. */
export function markTransportChecksumVerified(packet: Uint8Array): Uint8Array {
  VERIFIED.add(packet);
  return packet;
}

/** Whether a driver marked this exact packet object (markTransportChecksumVerified). */
export function transportChecksumVerified(packet: Uint8Array): boolean {
  return VERIFIED.has(packet);
}
