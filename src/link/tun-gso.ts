// TSO through a TUN device opened with IFF_VNET_HDR and TUNSETOFFLOAD(TSO4|TSO6): instead of one
// write (and one kernel skb) per wire segment, consecutive wire segments of one TCP flow in a
// write batch are put back together into one super-segment of up to 64 KiB and written once with a
// virtio_net_hdr that tells the kernel how to cut it again:
//   flags = NEEDS_CSUM, csum_start = start of the TCP header, csum_offset = 16 (the checksum field,
//   which holds the partial pseudo-header sum over the whole TCP length, as a CHECKSUM_PARTIAL skb);
//   gso_type = TCPV4 / TCPV6, gso_size = the wire segments' payload size, hdr_len = IP + TCP header.
// The kernel then handles one skb per super-segment (its own GRO would have built the same), and
// segments it only if it forwards it. Segments join a run only when the result is exactly what
// the kernel's segmentation gives back: same addresses, ports, ACK, window, options, IP fields
// (TTL, TOS/traffic class, DF), contiguous sequence numbers, IPv4 Identification counting up by
// one, every piece but the last of the run's size, flags ACK (PSH/FIN only on the last piece),
// no CWR/ECE/URG/SYN/RST, IPv4 without options, IPv6 without extension headers.

import { put16, u16, u32 } from '../wire/bytes.js';
import { internetChecksum } from '../wire/checksum.js';
import { partialPseudoChecksum, tcpOffsets } from '../wire/tcp-gso.js';
import { VIRTIO_NET_HDR_F_DATA_VALID, VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, VIRTIO_NET_HDR_GSO_TCPV6, VNET_HDR_LEN } from './tun-offload.js';

const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;
const MAX_SUPER = 0xffff;

export interface TsoWrite {
  packet: Uint8Array;
  /** The virtio-net header to write before it. */
  vnet: Uint8Array;
}

/** virtio-net header for a packet with complete checksums (no GSO). */
export const DATA_VALID_HEADER: Uint8Array = (() => {
  const h = new Uint8Array(VNET_HDR_LEN);
  h[0] = VIRTIO_NET_HDR_F_DATA_VALID;
  return h;
})();

/** virtio-net header for a TCP super-segment (see the file comment). */
export function gsoVnetHeader(v6: boolean, l4: number, thl: number, gsoSize: number): Uint8Array {
  const h = new Uint8Array(VNET_HDR_LEN);
  const dv = new DataView(h.buffer);
  h[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
  h[1] = v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
  dv.setUint16(2, l4 + thl, true);
  dv.setUint16(4, gsoSize, true);
  dv.setUint16(6, l4, true);
  dv.setUint16(8, 16, true);
  return h;
}

/**
 * The virtio-net header a stack super-segment (OutboundPacket with gsoSize) is written with as it
 * is, or undefined when it must be cut in software: the kernel cuts TCPV4/TCPV6 keeping FIN/PSH on
 * the last piece, as the stack's own split does; CWR (RFC 3168 §6.1.2: first piece only), ECE,
 * SYN, RST, URG, IPv6 extension headers and lengths that do not add up take the software path.
 */
export function superSegmentHeader(packet: Uint8Array, gsoSize: number): Uint8Array | undefined {
  const o = tcpOffsets(packet);
  if (o === undefined || o.end !== packet.length || packet.length > MAX_SUPER || !(gsoSize >= 1) || gsoSize > 0xffff) return undefined;
  const v6 = packet[0]! >>> 4 === 6;
  if ((packet[o.l4 + 13]! & 0xe6) !== 0 || (v6 && o.l4 !== 40)) return undefined;
  return gsoVnetHeader(v6, o.l4, o.thl, gsoSize);
}

/** Whether `b` (a later wire segment) continues the run that `a` (its first segment) started. */
function sameFlowHeaders(a: Uint8Array, b: Uint8Array, l4: number, thl: number): boolean {
  if (b.length < l4 + thl || ((b[l4 + 12]! >>> 4) << 2) !== thl) return false;
  if (l4 === 20) {
    // version/IHL, TOS, flags/fragment, TTL, protocol, addresses
    if (a[0] !== b[0] || a[1] !== b[1] || u16(a, 6) !== u16(b, 6) || a[8] !== b[8] || a[9] !== b[9]) return false;
    for (let i = 12; i < 20; i++) if (a[i] !== b[i]) return false;
  } else {
    if (u32(a, 0) !== u32(b, 0) || a[6] !== b[6] || a[7] !== b[7]) return false;
    for (let i = 8; i < 40; i++) if (a[i] !== b[i]) return false;
  }
  // ports, ACK, window, options (seq and flags are checked by the caller)
  if (u32(a, l4) !== u32(b, l4) || u32(a, l4 + 8) !== u32(b, l4 + 8) || u16(a, l4 + 14) !== u16(b, l4 + 14)) return false;
  for (let i = l4 + 20; i < l4 + thl; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Groups a write batch into super-segments (with their GSO header) and single packets (with the
 * DATA_VALID header), in order. Packets that cannot join a run are written as they are.
 */
export function coalesceForTso(packets: readonly Uint8Array[]): TsoWrite[] {
  const out: TsoWrite[] = [];
  let i = 0;
  while (i < packets.length) {
    const first = packets[i]!;
    const o = tcpOffsets(first);
    const v6 = first[0]! >>> 4 === 6;
    const runnable = o !== undefined && o.end === first.length && (v6 ? o.l4 === 40 : o.l4 === 20) && (first[o.l4 + 13]! & ~PSH & 0xff) === ACK && (first[o.l4 + 12]! & 0x0f) === 0;
    if (!runnable || (first[o.l4 + 13]! & PSH) !== 0) {
      out.push({ packet: first, vnet: DATA_VALID_HEADER });
      i++;
      continue;
    }
    const { l4, thl } = o;
    const hdr = l4 + thl;
    const size = first.length - hdr;
    let total = size;
    let next = (u32(first, l4 + 4) + size) >>> 0;
    let j = i + 1;
    let lastFlags = first[l4 + 13]!;
    for (; j < packets.length && size > 0; j++) {
      const b = packets[j]!;
      const n = b.length - hdr;
      if (n <= 0 || n > size || total + n + hdr > MAX_SUPER) break;
      const bf = b[l4 + 13]!;
      if ((bf & ~(PSH | FIN) & 0xff) !== ACK || (b[l4 + 12]! & 0x0f) !== 0) break;
      if (u32(b, l4 + 4) !== next || !sameFlowHeaders(first, b, l4, thl)) break;
      if (l4 === 20 && u16(b, 4) !== ((u16(first, 4) + (j - i)) & 0xffff)) break;
      if (l4 === 20 ? u16(b, 2) !== b.length : u16(b, 4) !== b.length - 40) break;
      total += n;
      next = (next + n) >>> 0;
      lastFlags = bf;
      if (n < size || (bf & (PSH | FIN)) !== 0) {
        j++;
        break;
      }
    }
    if (j - i < 2) {
      out.push({ packet: first, vnet: DATA_VALID_HEADER });
      i++;
      continue;
    }
    const sup = new Uint8Array(hdr + total);
    sup.set(first.subarray(0, hdr));
    let at = hdr;
    for (let k = i; k < j; k++) {
      const p = packets[k]!;
      sup.set(p.subarray(hdr), at);
      at += p.length - hdr;
    }
    if (v6) put16(sup, 4, thl + total);
    else {
      put16(sup, 2, hdr + total);
      put16(sup, 10, 0);
      put16(sup, 10, internetChecksum(sup, 0, 20));
    }
    sup[l4 + 13] = lastFlags;
    put16(sup, l4 + 16, partialPseudoChecksum(sup, thl + total));
    out.push({ packet: sup, vnet: gsoVnetHeader(v6, l4, thl, size) });
    i = j;
  }
  return out;
}
