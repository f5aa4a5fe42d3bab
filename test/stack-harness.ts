// Test-only network for Stack tests: segments (broadcast domains) joining engine interfaces, a tiny
// forwarding router, and a drive() loop on a virtual clock. Packets go to the engine on the segment
// whose interface owns the next hop (no ARP/ND: the harness resolves next hops directly).

import { Stack } from '../src/stack/stack.js';
import type { StackOptions } from '../src/stack/config.js';
import type { OutboundPacket, PacketEngine } from '../src/stack/types.js';
import { formatIp, parseCidr } from '../src/wire/address.js';
import { u16 } from '../src/wire/bytes.js';
import { internetChecksum } from '../src/wire/checksum.js';
import { emitIcmp } from '../src/wire/icmp.js';
import { emitIcmpv6 } from '../src/wire/icmpv6.js';
import { emitIpv4Header } from '../src/wire/ipv4.js';
import { emitIpv6Header } from '../src/wire/ipv6.js';
import { xorshift32 } from '../src/stack/xorshift32.js';

/** Deterministic xorshift32 Rng. */
export function seededRng(seed = 1): () => number {
  return xorshift32(seed);
}

export function makeStack(extra: Partial<StackOptions> = {}, seed = 1): Stack {
  return new Stack({ rng: seededRng(seed), ...extra });
}

interface Port {
  engine: PacketEngine;
  ifIndex: number;
  addresses: string[];
  mtu: number;
}

/** A test router: forwards between its interfaces by longest prefix, decrements TTL, and sends
 * "fragmentation needed" / "packet too big" when the next link's MTU is too small. */
export class TestRouter implements PacketEngine {
  private out: OutboundPacket[] = [];
  readonly ifs: Array<{ addresses: string[]; prefixes: Array<{ bytes: Uint8Array; len: number }>; mtu: number }> = [];
  forwarded = 0;
  /** Overrides the MTU advertised in too-big messages (to test floors). */
  advertiseMtu: number | undefined;

  addInterface(cidrs: string[], mtu = 1500): number {
    const prefixes = cidrs.map((c) => {
      const p = parseCidr(c)!;
      return { bytes: p.network, len: p.prefixLength };
    });
    this.ifs.push({ addresses: cidrs.map((c) => formatIp(parseCidr(c)!.address)), prefixes, mtu });
    return this.ifs.length - 1;
  }

  private routeFor(dst: Uint8Array): number | undefined {
    let best: number | undefined;
    let bestLen = -1;
    this.ifs.forEach((ifc, i) => {
      for (const p of ifc.prefixes) {
        if (p.bytes.length !== dst.length || p.len <= bestLen) continue;
        let ok = true;
        for (let b = 0; b < p.len; b++) if (((dst[b >> 3]! >> (7 - (b & 7))) & 1) !== ((p.bytes[b >> 3]! >> (7 - (b & 7))) & 1)) ok = false;
        if (ok) {
          best = i;
          bestLen = p.len;
        }
      }
    });
    return best;
  }

  receive(packet: Uint8Array, _now: number, inIf = 0): void {
    const p = packet.slice();
    const v4 = p[0]! >> 4 === 4;
    const dst = v4 ? p.subarray(16, 20) : p.subarray(24, 40);
    const out = this.routeFor(dst);
    if (out === undefined) return;
    const ttlOff = v4 ? 8 : 7;
    if (p[ttlOff]! <= 1) return;
    p[ttlOff]!--;
    if (v4) {
      p[10] = 0;
      p[11] = 0;
      const c = internetChecksum(p, 0, (p[0]! & 15) * 4);
      p[10] = c >> 8;
      p[11] = c & 0xff;
    }
    const mtu = this.ifs[out]!.mtu;
    if (p.length > mtu) {
      const df = v4 ? (u16(p, 6) & 0x4000) !== 0 : true;
      if (df) {
        this.tooBig(packet, inIf, mtu);
        return;
      }
      // RFC 791 §2.3: a router fragments a datagram without DF (again, if it is a fragment already).
      for (const f of refragmentV4(p, mtu)) this.out.push({ ifIndex: out, nextHop: formatIp(dst), packet: f });
      this.forwarded++;
      return;
    }
    this.forwarded++;
    this.out.push({ ifIndex: out, nextHop: formatIp(dst), packet: p });
  }

  private tooBig(orig: Uint8Array, inIf: number, mtu: number): void {
    const v4 = orig[0]! >> 4 === 4;
    const me = this.ifs[inIf]!.addresses.find((a) => a.includes(':') !== v4)!;
    const meBytes = parseCidr(me)!.address;
    const to = v4 ? orig.subarray(12, 16) : orig.subarray(8, 24);
    const adv = this.advertiseMtu ?? mtu;
    if (v4) {
      const quote = orig.subarray(0, Math.min(orig.length, 548));
      const icmp = new Uint8Array(8 + quote.length);
      emitIcmp({ kind: 'destUnreachable', code: 4, nextHopMtu: adv, quote }, icmp, 0);
      const pkt = new Uint8Array(20 + icmp.length);
      emitIpv4Header({ src: me, dst: formatIp(to), protocol: 1, ttl: 64, dscp: 0, ecn: 0, id: 1, dontFragment: false, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0) }, icmp.length, pkt, 0);
      pkt.set(icmp, 20);
      this.out.push({ ifIndex: inIf, nextHop: formatIp(to), packet: pkt });
    } else {
      const quote = orig.subarray(0, Math.min(orig.length, 1232));
      const icmp = new Uint8Array(8 + quote.length);
      emitIcmpv6({ kind: 'packetTooBig', mtu: adv, quote }, icmp, 0, meBytes, to);
      const pkt = new Uint8Array(40 + icmp.length);
      emitIpv6Header({ src: me, dst: formatIp(to), dscp: 0, ecn: 0, flowLabel: 0, hopLimit: 64, extHeaders: [], protocol: 58 }, icmp.length, pkt, 0);
      pkt.set(icmp, 40);
      this.out.push({ ifIndex: inIf, nextHop: formatIp(to), packet: pkt });
    }
  }

  poll(_now: number): OutboundPacket[] {
    const o = this.out;
    this.out = [];
    return o;
  }

  pollAt(): number | undefined {
    return this.out.length > 0 ? 0 : undefined;
  }
}

/** Splits an IPv4 packet (possibly a fragment itself) into fragments that fit `mtu`. */
export function refragmentV4(p: Uint8Array, mtu: number): Uint8Array[] {
  const hl = (p[0]! & 15) * 4;
  const flags = u16(p, 6);
  const baseOff = (flags & 0x1fff) * 8;
  const lastMf = (flags & 0x2000) !== 0;
  const data = p.subarray(hl);
  const step = ((mtu - hl) >> 3) << 3;
  const out: Uint8Array[] = [];
  for (let off = 0; off < data.length; off += step) {
    const n = Math.min(step, data.length - off);
    const f = new Uint8Array(hl + n);
    f.set(p.subarray(0, hl));
    f.set(data.subarray(off, off + n), hl);
    const more = off + n < data.length || lastMf;
    const fo = (baseOff + off) / 8;
    f[2] = (hl + n) >> 8;
    f[3] = (hl + n) & 0xff;
    f[6] = (more ? 0x20 : 0) | (fo >> 8);
    f[7] = fo & 0xff;
    f[10] = 0;
    f[11] = 0;
    const c = internetChecksum(f, 0, hl);
    f[10] = c >> 8;
    f[11] = c & 0xff;
    out.push(f);
  }
  return out;
}

export class TestNet {
  now = 0;
  private readonly segments = new Map<string, Port[]>();
  private readonly engines: Array<{ engine: PacketEngine; segOf: Map<number, string> }> = [];
  /** Every packet moved, in order (for assertions about what was on the wire). */
  readonly trace: Array<{ from: PacketEngine; packet: Uint8Array; nextHop: string }> = [];
  /** Optional tap that may drop (return false) or rewrite packets in flight. */
  filter: ((p: OutboundPacket, from: PacketEngine) => Uint8Array[] | false) | undefined;

  /** Attaches interface `ifIndex` of `engine` (with these addresses) to segment `seg`. */
  attach(engine: PacketEngine, ifIndex: number, seg: string, addresses: string[], mtu = 1500): void {
    let e = this.engines.find((x) => x.engine === engine);
    if (!e) {
      e = { engine, segOf: new Map() };
      this.engines.push(e);
    }
    e.segOf.set(ifIndex, seg);
    const list = this.segments.get(seg) ?? [];
    list.push({ engine, ifIndex, addresses: addresses.map((a) => formatIp(parseCidr(a)!.address)), mtu });
    this.segments.set(seg, list);
  }

  /** Runs every engine until no packet moves and no deadline is due at the current time. */
  settle(maxRounds = 10_000): void {
    for (let round = 0; round < maxRounds; round++) {
      let moved = false;
      for (const e of this.engines) {
        for (const o of e.engine.poll(this.now)) {
          moved = true;
          this.move(e, o);
        }
      }
      if (!moved) return;
    }
    throw new Error('network did not settle');
  }

  /** Settles, then jumps the clock to each next deadline up to `until`. */
  runUntil(until: number): void {
    this.settle();
    for (let i = 0; i < 100_000; i++) {
      let next: number | undefined;
      for (const e of this.engines) {
        const t = e.engine.pollAt();
        if (t !== undefined && (next === undefined || t < next)) next = t;
      }
      if (next === undefined || next > until) break;
      this.now = Math.max(this.now, next);
      this.settle();
    }
    this.now = Math.max(this.now, until);
    this.settle();
  }

  private move(from: { engine: PacketEngine; segOf: Map<number, string> }, o: OutboundPacket): void {
    const seg = from.segOf.get(o.ifIndex);
    if (seg === undefined) return;
    let packets: Uint8Array[] = [o.packet];
    if (this.filter) {
      const r = this.filter(o, from.engine);
      if (r === false) return;
      packets = r;
    }
    const ports = this.segments.get(seg) ?? [];
    const target = ports.find((p) => p.engine !== from.engine && p.addresses.includes(o.nextHop));
    for (const packet of packets) {
      this.trace.push({ from: from.engine, packet, nextHop: o.nextHop });
      if (target) target.engine.receive(packet, this.now, target.ifIndex);
    }
  }
}

/** Two stacks on one segment: a = 10.0.0.1 / 2001:db8::1, b = 10.0.0.2 / 2001:db8::2. */
export function pair(opts: Partial<StackOptions> = {}, mtu = 1500): { net: TestNet; a: Stack; b: Stack } {
  const net = new TestNet();
  const a = makeStack(opts, 11);
  const b = makeStack(opts, 22);
  const aa = ['10.0.0.1/24', '2001:db8::1/64'];
  const ba = ['10.0.0.2/24', '2001:db8::2/64'];
  net.attach(a, a.addInterface({ mtu, addresses: aa }), 'lan', aa, mtu);
  net.attach(b, b.addInterface({ mtu, addresses: ba }), 'lan', ba, mtu);
  return { net, a, b };
}

/**
 * Three hosts on two segments joined by a TestRouter: a on lan1 (10.0.1.2, 2001:db8:1::2),
 * b and c on lan2 (10.0.2.2/.3, 2001:db8:2::2/::3). Default routes via the router. The router
 * forwards into lan2 at most `routerOutMtu` bytes (a bottleneck the hosts cannot see).
 */
export function threeHosts(opts: Partial<StackOptions> = {}, lan2Mtu = 1500, routerOutMtu = lan2Mtu): { net: TestNet; a: Stack; b: Stack; c: Stack; router: TestRouter } {
  const net = new TestNet();
  const router = new TestRouter();
  const r1 = ['10.0.1.1/24', '2001:db8:1::1/64'];
  const r2 = ['10.0.2.1/24', '2001:db8:2::1/64'];
  net.attach(router, router.addInterface(r1, 1500), 'lan1', r1);
  // routerOutMtu < lan2Mtu stands for a narrower link further along the path (hosts cannot see it)
  net.attach(router, router.addInterface(r2, routerOutMtu), 'lan2', r2, lan2Mtu);
  const mk = (seed: number, seg: string, addrs: string[], gw4: string, gw6: string, mtu: number): Stack => {
    const s = makeStack(opts, seed);
    const i = s.addInterface({ mtu, addresses: addrs });
    s.addRoute({ prefix: '0.0.0.0/0', via: gw4, ifIndex: i });
    s.addRoute({ prefix: '::/0', via: gw6, ifIndex: i });
    net.attach(s, i, seg, addrs, mtu);
    return s;
  };
  const a = mk(1, 'lan1', ['10.0.1.2/24', '2001:db8:1::2/64'], '10.0.1.1', '2001:db8:1::1', 1500);
  const b = mk(2, 'lan2', ['10.0.2.2/24', '2001:db8:2::2/64'], '10.0.2.1', '2001:db8:2::1', lan2Mtu);
  const c = mk(3, 'lan2', ['10.0.2.3/24', '2001:db8:2::3/64'], '10.0.2.1', '2001:db8:2::1', lan2Mtu);
  return { net, a, b, c, router };
}

export function bytes(...xs: number[]): Uint8Array {
  return Uint8Array.from(xs);
}

export function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function decode(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}
