// virtio-net header handling for a TUN opened with IFF_VNET_HDR (Linux virtio_net_hdr, 12 bytes
// with num_buffers, little-endian fields). With TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)
// the kernel may hand us:
//   - packets whose transport checksum is partial (flag NEEDS_CSUM): the field at
//     csum_start + csum_offset holds the pseudo-header sum only; we finish it over
//     [csum_start, end) as RFC 1071 sums it;
//   - TCP super-segments (gso_type TCPV4/TCPV6) up to 64 KB: one IP packet carrying many MSS worth
//     of data; the stack takes it as one large segment (what GRO would have built).
// Packets we write carry flags DATA_VALID: our checksums are complete, the kernel need not check.

import { internetChecksum, transportChecksum } from '../wire/checksum.js';

export const VNET_HDR_LEN = 12;
export const VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
export const VIRTIO_NET_HDR_F_DATA_VALID = 2;
export const VIRTIO_NET_HDR_GSO_NONE = 0;
export const VIRTIO_NET_HDR_GSO_TCPV4 = 1;
export const VIRTIO_NET_HDR_GSO_UDP = 3;
export const VIRTIO_NET_HDR_GSO_TCPV6 = 4;
export const VIRTIO_NET_HDR_GSO_ECN = 0x80;

/** TUNSETOFFLOAD bits (linux/if_tun.h). */
export const TUN_F_CSUM = 0x01;
export const TUN_F_TSO4 = 0x02;
export const TUN_F_TSO6 = 0x04;

export interface VnetHeader {
  flags: number;
  gsoType: number;
  hdrLen: number;
  gsoSize: number;
  csumStart: number;
  csumOffset: number;
}

export function parseVnetHeader(b: Uint8Array, off = 0): VnetHeader {
  const le16 = (i: number): number => b[off + i]! | (b[off + i + 1]! << 8);
  return { flags: b[off]!, gsoType: b[off + 1]!, hdrLen: le16(2), gsoSize: le16(4), csumStart: le16(6), csumOffset: le16(8) };
}

/** The header we put before every packet we write: checksums complete, no GSO. */
export function txVnetHeader(): Uint8Array {
  const h = new Uint8Array(VNET_HDR_LEN);
  h[0] = VIRTIO_NET_HDR_F_DATA_VALID;
  return h;
}

/**
 * Offset of the TCP header in an IPv4 packet, or an IPv6 packet whose first next header is TCP,
 * holding at least a whole base TCP header; -1 for anything else.
 */
function tcpHeaderOffset(packet: Uint8Array): number {
  if (packet.length < 20) return -1;
  const v = packet[0]! >> 4;
  let l4: number;
  if (v === 4) {
    l4 = (packet[0]! & 0x0f) * 4;
    if (packet[9] !== 6) return -1;
  } else if (v === 6) {
    l4 = 40;
    if (packet[6] !== 6) return -1;
  } else return -1;
  return l4 >= 20 && packet.length >= l4 + 20 ? l4 : -1;
}

/**
 * Whether the kernel vouches for the TCP checksum of `packet` (the bytes after the virtio header):
 * DATA_VALID (already verified), or NEEDS_CSUM on a TCP segment whose partial sum sits in the TCP
 * checksum field (csum_start at the TCP header, csum_offset 16): a segment built on this machine
 * that never crossed a wire. Linux treats both as verified; such a packet may skip verification
 * (stack/link-verified.ts) and its partial sum need not be finished. Anything else: false.
 */
export function kernelVouchesTcpChecksum(h: VnetHeader, packet: Uint8Array): boolean {
  const l4 = tcpHeaderOffset(packet);
  if (l4 < 0) return false;
  if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) return h.csumStart === l4 && h.csumOffset === 16;
  return (h.flags & VIRTIO_NET_HDR_F_DATA_VALID) !== 0;
}

export type OffloadResult = { ok: true; gso: boolean } | { ok: false; reason: string };

/**
 * Makes `packet` (the bytes after the virtio header) a complete IP packet in place: finishes a
 * partial checksum (unless `leavePartial`); for a GSO super-segment also re-computes the IPv4 header checksum. Never
 * throws: a header pointing outside the packet is reported.
 */
export function completePacket(h: VnetHeader, packet: Uint8Array, leavePartial = false): OffloadResult {
  if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
    const field = h.csumStart + h.csumOffset;
    if (h.csumStart >= packet.length || field + 2 > packet.length) return { ok: false, reason: 'csum_start/csum_offset outside the packet' };
  }
  // `leavePartial`: the receiver skips verification (kernelVouchesTcpChecksum), so the sum over
  // the whole payload is not computed.
  if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM && !leavePartial) {
    const field = h.csumStart + h.csumOffset;
    let c = internetChecksum(packet, h.csumStart, packet.length - h.csumStart);
    // UDP sends a computed zero as all ones (RFC 768); a TCP checksum of 0 and 0xffff are equivalent.
    if (c === 0) c = 0xffff;
    packet[field] = c >>> 8;
    packet[field + 1] = c & 0xff;
  }
  const gso = (h.gsoType & ~VIRTIO_NET_HDR_GSO_ECN) !== VIRTIO_NET_HDR_GSO_NONE;
  if (gso && packet.length >= 20 && packet[0]! >> 4 === 4) {
    const ihl = (packet[0]! & 0x0f) * 4;
    if (ihl < 20 || ihl > packet.length) return { ok: false, reason: 'IPv4 header length outside the packet' };
    // Total length of the whole super-segment (RFC 791 §3.1), then its header checksum.
    if (packet.length <= 0xffff) {
      packet[2] = packet.length >>> 8;
      packet[3] = packet.length & 0xff;
    }
    packet[10] = 0;
    packet[11] = 0;
    const c = internetChecksum(packet, 0, ihl);
    packet[10] = c >>> 8;
    packet[11] = c & 0xff;
  }
  return { ok: true, gso };
}

/**
 * A copy of `packet` with its TCP checksum computed: what an observer (a capture) of a segment the
 * driver handed over as verified with its partial sum unfinished should see, so a pcap written
 * inside layer4 shows the checksum the segment would have carried on a wire. Packets that are not
 * a plain IPv4/IPv6 TCP segment are copied as they are.
 */
export function copyWithTcpChecksum(packet: Uint8Array): Uint8Array {
  const c = packet.slice();
  const l4 = tcpHeaderOffset(c);
  if (l4 < 0) return c;
  const v4 = c[0]! >> 4 === 4;
  const src = v4 ? c.subarray(12, 16) : c.subarray(8, 24);
  const dst = v4 ? c.subarray(16, 20) : c.subarray(24, 40);
  c[l4 + 16] = 0;
  c[l4 + 17] = 0;
  const sum = transportChecksum(c, l4, c.length - l4, src, dst, 6);
  c[l4 + 16] = sum >>> 8;
  c[l4 + 17] = sum & 0xff;
  return c;
}
