// The IP input path (RFC 791 §3.2 / RFC 1122 §3.2.1 for IPv4, RFC 8200 for IPv6): header checks,
// source and destination checks, extension headers, reassembly; the result goes to the transport
// demultiplexer as an Inbound.
//
// Checks, in order:
//   IPv4: version, IHL ≥ 5, Total Length ≥ IHL·4 and ≤ bytes received (trailing bytes, e.g.
//     link padding, are ignored), header checksum (RFC 1122 §3.2.1.2: silently discard on failure).
//   IPv6: version, Payload Length ≤ bytes received, a well-formed extension-header chain.
//   Sources (RFC 1122 §3.2.1.3, RFC 4291 §2.5.3/§2.7): multicast, limited or directed broadcast
//     sources are discarded; loopback addresses (127/8, ::1) as source or destination only from the
//     loopback interface.
//   Destinations: ours (weak host model), IPv4 broadcast (limited or one of our directed ones) or
//     the all-hosts group 224.0.0.1; for IPv6 the all-nodes groups ff01::1 / ff02::1 and our
//     solicited-node groups (ff02::1:ffXX:XXXX, RFC 4291 §2.7.1). Anything else is not for us: a
//     host does not forward (RFC 1122 §3.3.1); `forward` is the hook where a router mode would go.
// A host accepts any TTL / Hop Limit, including 0 and 1 (RFC 1122 §3.2.1.7).

import { Ipv4TextCache, Ipv6TextCache } from './addr-text.js';
import { u16 } from '../wire/bytes.js';
import { Ipv4View } from '../wire/ipv4.js';
import { Ipv6View } from '../wire/ipv6.js';
import type { Fragments } from './fragments.js';
import type { IcmpErrorSpec } from './host.js';
import type { Cast, Inbound } from './inbound.js';
import { LOOPBACK_INDEX, type InterfaceTable } from './interfaces.js';
import { walkIpv6 } from './ipv6-ext.js';
import { countDrop, type DropReason, type StackStats } from './stats.js';
import type { DropReason as FragDrop } from './reassembly.js';

export interface InputContext {
  readonly interfaces: InterfaceTable;
  readonly stats: StackStats;
  readonly frags: Fragments;
  sendIcmpError(packet: Uint8Array, ifIndex: number, spec: IcmpErrorSpec, now: number): void;
  /** Hands a datagram for us to the transport layer. */
  deliver(inb: Inbound, now: number): void;
  /** A packet not addressed to us; a host drops it. */
  forward(packet: Uint8Array, ifIndex: number, now: number): void;
}

const FRAG_DROP: Record<FragDrop, DropReason> = {
  overlap: 'frag-overlap',
  'inconsistent-length': 'frag-inconsistent',
  'too-big': 'frag-bad',
  budget: 'frag-budget',
  abandoned: 'frag-abandoned',
  duplicate: 'frag-duplicate',
  empty: 'frag-bad',
};

export class IpInput {
  private readonly v4 = new Ipv4View();
  private readonly v6 = new Ipv6View();
  private readonly text6 = new Ipv6TextCache();
  private readonly text4 = new Ipv4TextCache();

  constructor(private readonly ctx: InputContext) {}

  receive(packet: Uint8Array, ifIndex: number, now: number): void {
    const stats = this.ctx.stats;
    stats.ip.inReceives++;
    const version = packet.length > 0 ? packet[0]! >>> 4 : 0;
    if (version === 4) this.input4(packet, ifIndex, now);
    else if (version === 6) this.input6(packet, ifIndex, now);
    else countDrop(stats, 'bad-version');
  }

  private drop(reason: DropReason): void {
    countDrop(this.ctx.stats, reason);
  }

  private input4(packet: Uint8Array, ifIndex: number, now: number): void {
    const v = this.v4;
    if (v.set(packet, 0, packet.length) !== undefined || !v.checksumValid) return this.drop('bad-header');
    const ifs = this.ctx.interfaces;
    const s0 = packet[12]!;
    const d0 = packet[16]!;
    const src = this.text4.text(packet, 12);
    if (s0 >= 224 || ifs.isBroadcast(src)) return this.drop('martian-source');
    if ((s0 === 127 || d0 === 127) && ifIndex !== LOOPBACK_INDEX) return this.drop('martian-source');
    const dst = this.text4.text(packet, 16);
    let cast: Cast;
    if (ifs.isLocal(dst)) cast = 'unicast';
    else if (ifs.isBroadcast(dst)) cast = 'broadcast';
    else if (dst === '224.0.0.1') cast = 'multicast';
    else return this.ctx.forward(packet, ifIndex, now);

    let pkt = v.totalLength === packet.length ? packet : packet.subarray(0, v.totalLength);
    if (v.isFragment) {
      const stats = this.ctx.stats;
      stats.ip.reasmReqds++;
      const r = this.ctx.frags.addV4(pkt, ifIndex, now);
      if (r.kind !== 'complete') {
        if (r.kind === 'dropped') this.fragDropped(r.reason);
        return;
      }
      stats.ip.reasmOks++;
      pkt = r.packet;
    }
    const hl = (pkt[0]! & 0x0f) << 2;
    this.ctx.deliver(
      { family: 4, ifIndex, packet: pkt, src, dst, srcBytes: pkt.subarray(12, 16), dstBytes: pkt.subarray(16, 20), protocol: pkt[9]!, payload: pkt.subarray(hl), ttl: pkt[8]!, ecn: pkt[1]! & 3, cast },
      now,
    );
  }

  private fragDropped(reason: FragDrop): void {
    this.ctx.stats.ip.reasmFails++;
    this.drop(FRAG_DROP[reason]);
  }

  private input6(packet: Uint8Array, ifIndex: number, now: number): void {
    const v = this.v6;
    if (v.set(packet, 0, packet.length) !== undefined) return this.drop('bad-header');
    const ifs = this.ctx.interfaces;
    if (packet[8] === 0xff) return this.drop('martian-source');
    if ((isLoopback6(packet, 8) || isLoopback6(packet, 24)) && ifIndex !== LOOPBACK_INDEX) return this.drop('martian-source');
    const dst = this.text6.text(packet, 24);
    let cast: Cast;
    if (ifs.isLocal(dst)) cast = 'unicast';
    else if (packet[24] === 0xff && this.isOurGroup(packet)) cast = 'multicast';
    else return this.ctx.forward(packet, ifIndex, now);
    const src = this.text6.text(packet, 8);

    let pkt = v.end === packet.length ? packet : packet.subarray(0, v.end);
    let walk = walkIpv6(pkt, 0, 6, 40, pkt.length, cast === 'multicast');
    let reassembled = false;
    for (;;) {
      switch (walk.kind) {
        case 'none':
          return; // RFC 8200 §4.7: nothing follows
        case 'discard':
          return this.drop('ext-header');
        case 'param-problem':
          this.drop('ext-header');
          if (cast === 'multicast' && !walk.evenIfMulticast) return;
          return this.ctx.sendIcmpError(pkt, ifIndex, { kind: 'parameter-problem', code: walk.code, pointer: walk.pointer, evenIfMulticast: walk.evenIfMulticast }, now);
        case 'upper':
          return this.ctx.deliver(
            { family: 6, ifIndex, packet: pkt, src, dst, srcBytes: pkt.subarray(8, 24), dstBytes: pkt.subarray(24, 40), protocol: walk.protocol, payload: pkt.subarray(walk.offset), ttl: pkt[7]!, ecn: (u16(pkt, 0) >>> 4) & 3, cast },
            now,
          );
        case 'fragment': {
          const fo = walk.offset;
          const offset = u16(pkt, fo + 2) & 0xfff8;
          const more = (pkt[fo + 3]! & 1) === 1;
          if (offset === 0 && !more) {
            // RFC 6946 §4: an atomic fragment is processed in isolation, outside any reassembly.
            walk = walkIpv6(pkt, 0, fo, fo + 8, pkt.length, cast === 'multicast');
            continue;
          }
          if (reassembled) return this.drop('frag-bad'); // fragments inside a reassembled packet
          const stats = this.ctx.stats;
          stats.ip.reasmReqds++;
          const r = this.ctx.frags.addV6(pkt, fo, walk.protoField, ifIndex, now);
          if (r.kind === 'param-problem') {
            stats.ip.reasmFails++;
            this.drop('frag-bad');
            if (cast === 'multicast') return;
            return this.ctx.sendIcmpError(pkt, ifIndex, { kind: 'parameter-problem', code: 0, pointer: r.pointer }, now);
          }
          if (r.kind !== 'complete') {
            if (r.kind === 'dropped') this.fragDropped(r.reason);
            return;
          }
          stats.ip.reasmOks++;
          pkt = r.packet;
          reassembled = true;
          walk = walkIpv6(pkt, 0, 6, 40, pkt.length, cast === 'multicast');
          continue;
        }
      }
    }
  }

  /** All-nodes (ff01::1, ff02::1) or the solicited-node group of one of our addresses. */
  private isOurGroup(p: Uint8Array): boolean {
    const scope = p[25]!;
    let zeros = true;
    for (let i = 26; i < 39; i++) if (p[i] !== 0) zeros = false;
    if (zeros && p[39] === 1 && (scope === 1 || scope === 2)) return true;
    // ff02::1:ffXX:XXXX
    if (scope !== 2) return false;
    for (let i = 26; i < 35; i++) if (p[i] !== 0) return false;
    if (p[35] !== 1 || p[36] !== 0xff) return false;
    for (const ifc of this.ctx.interfaces.all()) {
      for (const a of ifc.addresses) {
        if (a.family === 6 && a.bytes[13] === p[37] && a.bytes[14] === p[38] && a.bytes[15] === p[39]) return true;
      }
    }
    return false;
  }
}

function isLoopback6(b: Uint8Array, off: number): boolean {
  for (let i = 0; i < 15; i++) if (b[off + i] !== 0) return false;
  return b[off + 15] === 1;
}
