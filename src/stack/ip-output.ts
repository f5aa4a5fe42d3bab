// Building outbound IP packets, with fragmentation at the source.
//   - IPv4 (RFC 791 §2.3, §3.2 "Fragmentation"): when the datagram exceeds the MTU and DF is clear,
//     it is cut into pieces whose data is a multiple of 8 bytes (except the last); every piece carries
//     the same Identification, MF set on all but the last. With DF set it is not sent (RFC 1191 §3).
//   - IPv6 (RFC 8200 §4.5): only the source fragments. Each fragment is the unfragmentable part (the
//     fixed header: we originate no extension headers), a Fragment header with a 32-bit
//     Identification, and ≤ MTU-48 bytes of the fragmentable part, a multiple of 8 except the last.
//     The Identification is drawn from the injected Rng (RFC 7739 §5: unpredictable).
//
// Header prediction: packets of one flow share every header field but the lengths, the IPv4
// Identification and checksum. The header is emitted by wire/ once per (addresses, protocol, TTL,
// ECN, DF) and kept as a template; later packets copy it and set those fields.

import { put16 } from '../wire/bytes.js';
import { internetChecksum } from '../wire/checksum.js';
import { emitIpv4Header, IPV4_MIN_HEADER } from '../wire/ipv4.js';
import { emitIpv6Header, IPV6_HEADER } from '../wire/ipv6.js';
import type { PacketMemory } from './packet-pool.js';

/** Writes an upper-layer payload in place (so it is not built in one buffer and copied to another). */
export interface PayloadWriter {
  length: number;
  write(buf: Uint8Array, off: number): void;
}

export interface IpSendRequest {
  family: 4 | 6;
  src: string;
  dst: string;
  protocol: number;
  /** Upper-layer bytes (header and data), checksum already filled in, or a writer of them. */
  payload: Uint8Array | PayloadWriter;
  ttl: number;
  ecn: number;
  dscp: number;
  /** IPv4: set DF (RFC 1191 path MTU discovery). IPv6: forbid fragmenting at the source. */
  dontFragment: boolean;
}

export type BuildResult = { ok: true; packets: Uint8Array[]; fragmented: boolean } | { ok: false; code: 'EMSGSIZE'; mtu: number };

const FRAG_HEADER = 8;
const EMPTY = new Uint8Array(0);
const TEMPLATE_LIMIT = 1024;

/**
 * TCP packets up to this size are cut from shared slabs instead of each getting its own
 * ArrayBuffer: one allocation per ~20 wire-sized segments, far less work for the allocator and the
 * garbage collector. Safe because every TCP receiver copies what it keeps (the receive buffer and
 * the reassembly queue copy; a pcap tap copies): a slab lives only while its packets are in flight.
 */
const SLAB_PACKET_MAX = 2048;
const SLAB_SIZE = 32 * 1024;
const TCP = 6;

function payloadBytes(p: Uint8Array | PayloadWriter): Uint8Array {
  if (p instanceof Uint8Array) return p;
  const b = new Uint8Array(p.length);
  p.write(b, 0);
  return b;
}

export class PacketBuilder {
  private readonly templates = new Map<string, Uint8Array>();
  private last: Uint8Array | undefined;
  private lastSrc = '';
  private lastDst = '';
  private lastBits = 0;
  private slab: Uint8Array = EMPTY;
  private slabUsed = 0;
  /**
   * Recycled memory for TCP packets (StackOptions.packetPool): a driver releases them once used.
   * Unfragmented TCP packets are cut from it instead of the builder's own slabs.
   */
  memory: PacketMemory | undefined = undefined;

  build(req: IpSendRequest, mtu: number, id: number): BuildResult {
    const hl = req.family === 4 ? IPV4_MIN_HEADER : IPV6_HEADER;
    const len = req.payload.length;
    if (hl + len <= mtu) return { ok: true, packets: [this.single(req, len, id)], fragmented: false };
    if (req.dontFragment) return { ok: false, code: 'EMSGSIZE', mtu };
    const data = payloadBytes(req.payload);
    return { ok: true, packets: req.family === 4 ? fragmentV4(req, data, mtu, id) : fragmentV6(req, data, mtu, id), fragmented: true };
  }

  private single(req: IpSendRequest, len: number, id: number): Uint8Array {
    const tpl = this.template(req);
    const size = tpl.length + len;
    const mem = req.protocol === TCP ? this.memory : undefined;
    const buf = mem !== undefined ? mem.take(size) : req.protocol === TCP && size <= SLAB_PACKET_MAX ? this.fromSlab(size) : new Uint8Array(size);
    buf.set(tpl);
    if (req.family === 4) {
      put16(buf, 2, IPV4_MIN_HEADER + len);
      put16(buf, 4, id & 0xffff);
      put16(buf, 10, internetChecksum(buf, 0, IPV4_MIN_HEADER));
    } else {
      put16(buf, 4, len);
    }
    const p = req.payload;
    if (p instanceof Uint8Array) buf.set(p, tpl.length);
    else p.write(buf, tpl.length);
    return buf;
  }

  /** `size` zeroed bytes of the current slab (a new slab when it is used up). */
  private fromSlab(size: number): Uint8Array {
    if (this.slabUsed + size > this.slab.length) {
      this.slab = new Uint8Array(SLAB_SIZE);
      this.slabUsed = 0;
    }
    const at = this.slabUsed;
    // Keep every packet 8-byte aligned (the checksum reads 32-bit words through a DataView).
    this.slabUsed = at + ((size + 7) & ~7);
    return this.slab.subarray(at, at + size);
  }

  /** The header for this flow with zero lengths, Identification and checksum (emitted by wire/). */
  private template(req: IpSendRequest): Uint8Array {
    const bits = req.protocol | (req.ttl << 8) | (req.ecn << 16) | (req.dscp << 18) | (req.dontFragment ? 1 << 24 : 0);
    // One-entry memo in front of the map: consecutive packets are usually of one flow.
    if (this.last !== undefined && req.src === this.lastSrc && req.dst === this.lastDst && bits === this.lastBits) return this.last;
    const key = `${req.src}|${req.dst}|${bits}`;
    let tpl = this.templates.get(key);
    if (!tpl) tpl = this.emitTemplate(req, key);
    this.last = tpl;
    this.lastSrc = req.src;
    this.lastDst = req.dst;
    this.lastBits = bits;
    return tpl;
  }

  private emitTemplate(req: IpSendRequest, key: string): Uint8Array {
    let tpl: Uint8Array;
    if (req.family === 4) {
      tpl = new Uint8Array(IPV4_MIN_HEADER);
      emitIpv4Header(v4Header(req, 0, false, 0), 0, tpl, 0);
      put16(tpl, 10, 0);
    } else {
      tpl = new Uint8Array(IPV6_HEADER);
      emitIpv6Header({ src: req.src, dst: req.dst, dscp: req.dscp, ecn: req.ecn, flowLabel: 0, hopLimit: req.ttl, extHeaders: [], protocol: req.protocol }, 0, tpl, 0);
    }
    if (this.templates.size >= TEMPLATE_LIMIT) this.templates.clear();
    this.templates.set(key, tpl);
    return tpl;
  }
}

const shared = new PacketBuilder();

/** Builds the packet(s) for one datagram (a module-wide builder; stacks keep their own). */
export function buildPackets(req: IpSendRequest, mtu: number, id: number): BuildResult {
  return shared.build(req, mtu, id);
}

/** Largest upper-layer payload that fits in one unfragmented packet over `mtu`. */
export function maxUnfragmented(family: 4 | 6, mtu: number): number {
  return mtu - (family === 4 ? IPV4_MIN_HEADER : IPV6_HEADER);
}

function v4Header(req: IpSendRequest, id: number, more: boolean, offset: number) {
  return {
    src: req.src,
    dst: req.dst,
    protocol: req.protocol,
    ttl: req.ttl,
    dscp: req.dscp,
    ecn: req.ecn,
    id: id & 0xffff,
    dontFragment: req.dontFragment,
    moreFragments: more,
    fragmentOffset: offset,
    options: EMPTY,
  };
}

function fragmentV4(req: IpSendRequest, data: Uint8Array, mtu: number, id: number): Uint8Array[] {
  const step = ((mtu - IPV4_MIN_HEADER) >>> 3) << 3;
  const out: Uint8Array[] = [];
  // One header from wire/, then per piece: Total Length, MF + Fragment Offset, checksum.
  const hdr = new Uint8Array(IPV4_MIN_HEADER);
  emitIpv4Header(v4Header(req, id, false, 0), 0, hdr, 0);
  const df = req.dontFragment ? 0x4000 : 0;
  for (let off = 0; off < data.length; off += step) {
    const n = Math.min(step, data.length - off);
    const more = off + n < data.length;
    const buf = new Uint8Array(IPV4_MIN_HEADER + n);
    buf.set(hdr);
    put16(buf, 2, IPV4_MIN_HEADER + n);
    put16(buf, 6, df | (more ? 0x2000 : 0) | (off >>> 3));
    put16(buf, 10, 0);
    put16(buf, 10, internetChecksum(buf, 0, IPV4_MIN_HEADER));
    buf.set(data.subarray(off, off + n), IPV4_MIN_HEADER);
    out.push(buf);
  }
  return out;
}

function fragmentV6(req: IpSendRequest, data: Uint8Array, mtu: number, id: number): Uint8Array[] {
  const step = ((mtu - IPV6_HEADER - FRAG_HEADER) >>> 3) << 3;
  const out: Uint8Array[] = [];
  for (let off = 0; off < data.length; off += step) {
    const n = Math.min(step, data.length - off);
    const more = off + n < data.length;
    const buf = new Uint8Array(IPV6_HEADER + FRAG_HEADER + n);
    emitIpv6Header(
      { src: req.src, dst: req.dst, dscp: req.dscp, ecn: req.ecn, flowLabel: 0, hopLimit: req.ttl, extHeaders: [{ kind: 'fragment', fragmentOffset: off, moreFragments: more, id: id >>> 0 }], protocol: req.protocol },
      n,
      buf,
      0,
    );
    buf.set(data.subarray(off, off + n), IPV6_HEADER + FRAG_HEADER);
    out.push(buf);
  }
  return out;
}
