// Building outbound IP packets, with fragmentation at the source.
//   - IPv4 (RFC 791 §2.3, §3.2 "Fragmentation"): when the datagram exceeds the MTU and DF is clear,
//     it is cut into pieces whose data is a multiple of 8 bytes (except the last); every piece carries
//     the same Identification, MF set on all but the last. With DF set it is not sent (RFC 1191 §3).
//   - IPv6 (RFC 8200 §4.5): only the source fragments. Each fragment is the unfragmentable part (the
//     fixed header: we originate no extension headers), a Fragment header with a 32-bit
//     Identification, and ≤ MTU-48 bytes of the fragmentable part, a multiple of 8 except the last.
//     The Identification is drawn from the injected Rng (RFC 7739 §5: unpredictable).

import { emitIpv4Header, IPV4_MIN_HEADER } from '../wire/ipv4.js';
import { emitIpv6Header, IPV6_HEADER } from '../wire/ipv6.js';

export interface IpSendRequest {
  family: 4 | 6;
  src: string;
  dst: string;
  protocol: number;
  /** Upper-layer bytes (header and data), checksum already filled in. */
  payload: Uint8Array;
  ttl: number;
  ecn: number;
  dscp: number;
  /** IPv4: set DF (RFC 1191 path MTU discovery). IPv6: forbid fragmenting at the source. */
  dontFragment: boolean;
}

export type BuildResult = { ok: true; packets: Uint8Array[]; fragmented: boolean } | { ok: false; code: 'EMSGSIZE'; mtu: number };

const FRAG_HEADER = 8;
const EMPTY = new Uint8Array(0);

/** Largest upper-layer payload that fits in one unfragmented packet over `mtu`. */
export function maxUnfragmented(family: 4 | 6, mtu: number): number {
  return mtu - (family === 4 ? IPV4_MIN_HEADER : IPV6_HEADER);
}

export function buildPackets(req: IpSendRequest, mtu: number, id: number): BuildResult {
  const hl = req.family === 4 ? IPV4_MIN_HEADER : IPV6_HEADER;
  const len = req.payload.length;
  if (hl + len <= mtu) return { ok: true, packets: [single(req, id)], fragmented: false };
  if (req.dontFragment) return { ok: false, code: 'EMSGSIZE', mtu };
  return { ok: true, packets: req.family === 4 ? fragmentV4(req, mtu, id) : fragmentV6(req, mtu, id), fragmented: true };
}

function single(req: IpSendRequest, id: number): Uint8Array {
  const len = req.payload.length;
  if (req.family === 4) {
    const buf = new Uint8Array(IPV4_MIN_HEADER + len);
    emitIpv4Header(v4Header(req, id, false, 0), len, buf, 0);
    buf.set(req.payload, IPV4_MIN_HEADER);
    return buf;
  }
  const buf = new Uint8Array(IPV6_HEADER + len);
  emitIpv6Header({ src: req.src, dst: req.dst, dscp: req.dscp, ecn: req.ecn, flowLabel: 0, hopLimit: req.ttl, extHeaders: [], protocol: req.protocol }, len, buf, 0);
  buf.set(req.payload, IPV6_HEADER);
  return buf;
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

function fragmentV4(req: IpSendRequest, mtu: number, id: number): Uint8Array[] {
  const step = ((mtu - IPV4_MIN_HEADER) >>> 3) << 3;
  const out: Uint8Array[] = [];
  const data = req.payload;
  for (let off = 0; off < data.length; off += step) {
    const n = Math.min(step, data.length - off);
    const more = off + n < data.length;
    const buf = new Uint8Array(IPV4_MIN_HEADER + n);
    emitIpv4Header(v4Header(req, id, more, off), n, buf, 0);
    buf.set(data.subarray(off, off + n), IPV4_MIN_HEADER);
    out.push(buf);
  }
  return out;
}

function fragmentV6(req: IpSendRequest, mtu: number, id: number): Uint8Array[] {
  const step = ((mtu - IPV6_HEADER - FRAG_HEADER) >>> 3) << 3;
  const out: Uint8Array[] = [];
  const data = req.payload;
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
