// Hostile-input harness for every wire parser (CONVENTIONS.md habit 4): random buffers and
// mutated valid packets (bit flips, truncation, extension, length-field and option soup) go
// through every parser, view, decodePacket and formatDecoded. A run fails on any exception and on
// broken invariants: decodePacket output must survive JSON, and whatever a parser accepts must
// re-emit and parse back to the same repr. Deterministic for a given seed. Used by
// test/wire-fuzz.test.ts (short) and scripts/fuzz-wire.ts (long).
import { isDeepStrictEqual } from 'node:util';
import {
  buildIpPacket, decodePacket, emitIcmp, emitIcmpv6, emitIpv4, emitIpv6, emitTcp, emitUdp, formatDecoded, icmpChecksumValid, icmpLength,
  icmpv6ChecksumValid, icmpv6Length, IcmpView, Icmpv6View, ipv4HeaderLength, Ipv4View, ipv6HeaderLength, Ipv6View, parseIcmp, parseIcmpv6,
  parseIpv4, parseIpv6, parseQuotedPacket, parseTcp, parseTcpOptions, parseUdp, tcpChecksumValid, tcpOptionSize, tcpSegmentLength, TcpView, toHex,
  udpChecksumStatus, UdpView, type TcpOption,
} from '../src/wire/index.js';

export interface FuzzFailure {
  iteration: number;
  hex: string;
  what: string;
}

/** mulberry32: small deterministic PRNG for the harness. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  constructor(readonly next: () => number) {}
  int(max: number): number { return Math.floor(this.next() * (max + 1)); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length - 1)]!; }
  bytes(n: number): Uint8Array { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = this.int(255); return b; }
  chance(p: number): boolean { return this.next() < p; }
}

const V4 = ['10.0.0.1', '192.168.1.200', '0.0.0.0', '255.255.255.255'];
const V6 = ['2001:db8::1', 'fe80::1', '::', '::ffff:10.0.0.1', '2001:db8:1:2:3:4:5:6'];

function randomOptions(g: Gen): TcpOption[] {
  const all: TcpOption[] = [
    { kind: 'mss', mss: g.int(0xffff) }, { kind: 'nop' }, { kind: 'wscale', shift: g.int(20) }, { kind: 'sackPermitted' },
    { kind: 'timestamp', val: g.int(0xffffffff), ecr: g.int(0xffffffff) }, { kind: 'sack', blocks: [[g.int(1e9), g.int(1e9)]] },
    { kind: 'unknown', code: 30 + g.int(200), data: g.bytes(g.int(4)) },
  ];
  const out: TcpOption[] = [];
  let used = 0;
  for (let n = g.int(5); n > 0; n--) {
    const o = g.pick(all);
    const size = tcpOptionSize(o);
    if (used + size > 40) break;
    used += size;
    out.push(o);
  }
  return out;
}

/** A valid packet of a random shape. */
function validPacket(g: Gen): Uint8Array {
  const v6 = g.chance(0.5);
  const [src, dst] = v6 ? [g.pick(V6), g.pick(V6)] : [g.pick(V4), g.pick(V4)];
  const base = { src, dst, ttl: g.int(255), ecn: g.int(3) };
  const ext = v6 && g.chance(0.3)
    ? { extHeaders: [{ kind: 'raw' as const, type: 0, data: new Uint8Array(6) }, { kind: 'fragment' as const, fragmentOffset: g.chance(0.5) ? 0 : 8 * g.int(100), moreFragments: g.chance(0.5), id: g.int(0xffffffff) }] }
    : {};
  const frag = !v6 && g.chance(0.1) ? { moreFragments: true, fragmentOffset: 8 * g.int(3) } : {};
  const ipOpts = !v6 && g.chance(0.1) ? { ipOptions: g.bytes(4 * g.int(3)) } : {};
  switch (g.int(4)) {
    case 0:
      return buildIpPacket({ ...base, ...ext, ...frag, ...ipOpts, tcp: { srcPort: g.int(0xffff), dstPort: g.int(0xffff), seq: g.int(0xffffffff), ack: g.int(0xffffffff), flags: g.int(0xfff), options: randomOptions(g), payload: g.bytes(g.int(40)) } });
    case 1:
      return buildIpPacket({ ...base, ...ext, ...frag, udp: { srcPort: g.int(0xffff), dstPort: g.int(0xffff), payload: g.bytes(g.int(40)) } });
    case 2: {
      const inner = buildIpPacket({ src: dst, dst: src, tcp: { srcPort: g.int(0xffff), dstPort: 80, seq: g.int(0xffffffff) } });
      const quote = inner.subarray(0, g.int(inner.length));
      return v6
        ? buildIpPacket({ ...base, icmpv6: g.pick([{ kind: 'packetTooBig' as const, mtu: 1280, quote }, { kind: 'destUnreachable' as const, code: 4, quote }, { kind: 'echoRequest' as const, id: 1, seq: 2, data: g.bytes(8) }]) })
        : buildIpPacket({ ...base, icmp: g.pick([{ kind: 'destUnreachable' as const, code: 4, nextHopMtu: 1400, quote }, { kind: 'timeExceeded' as const, code: 0, quote }, { kind: 'echoReply' as const, id: 1, seq: 2, data: g.bytes(8) }]) });
    }
    case 3:
      return buildIpPacket({ ...base, ...ext, protocol: g.int(255), payload: g.bytes(g.int(30)) });
    default:
      return buildIpPacket({ ...base, tcp: { flags: 2, options: [{ kind: 'mss', mss: 1460 }, { kind: 'sackPermitted' }, { kind: 'timestamp', val: 1, ecr: 0 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }] } });
  }
}

/** Bytes that look like TCP options: plausible kinds with hostile lengths. */
function optionSoup(g: Gen, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; ) {
    out[i++] = g.pick([0, 1, 1, 2, 3, 4, 5, 8, g.int(255)]);
    if (i < n) out[i++] = g.pick([0, 1, 2, 3, 4, 10, 18, 34, 40, 255, g.int(255)]);
  }
  return out;
}

function mutate(g: Gen, p: Uint8Array): Uint8Array {
  let b: Uint8Array = p.slice();
  for (let rounds = 1 + g.int(2); rounds > 0; rounds--) {
    switch (g.int(7)) {
      case 0: for (let k = 1 + g.int(7); k > 0 && b.length; k--) { const i = g.int(b.length - 1); b[i] = b[i]! ^ (1 << g.int(7)); } break;
      case 1: b = b.subarray(0, g.int(b.length)); break;
      case 2: { const e = new Uint8Array(b.length + 1 + g.int(30)); e.set(b); e.set(g.bytes(e.length - b.length), b.length); b = e; break; }
      case 3: if (b.length) b[g.int(b.length - 1)] = g.int(255); break;
      case 4: { // option soup over the TCP options area or anywhere
        const at = Math.min(b.length, b.length > 40 ? g.pick([40, 60, g.int(b.length - 1)]) : g.int(Math.max(0, b.length - 1)));
        const soup = optionSoup(g, Math.max(0, Math.min(40, b.length - at)));
        b.set(soup, at);
        if (b.length > 33 && g.chance(0.5)) b[32] = (g.int(15) << 4) | (b[32]! & 0x0f); // data offset (IPv4 + TCP)
        break;
      }
      case 5: // length fields: IPv4 total length / IPv6 payload length / UDP length
        if (b.length >= 6) { const at = g.pick([2, 4, 24, 44, g.int(b.length - 2)]); if (at + 1 < b.length) { b[at] = g.int(255); b[at + 1] = g.int(255); } }
        break;
      case 6: if (b.length) b[0] = g.chance(0.5) ? (b[0]! & 0xf0) | g.int(15) : (g.int(15) << 4) | g.int(15); break; // IHL / version
      default: if (b.length > 7) b[6] = g.pick([0, 43, 44, 51, 60, 59, 50, 135, g.int(255)]); break; // IPv6 next header
    }
  }
  return b;
}

function readAll(view: object): void {
  let proto = Object.getPrototypeOf(view) as object | null;
  const rec = view as Record<string, unknown>;
  while (proto && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, name);
      if (d?.get) {
        const v = rec[name];
        if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`getter ${name} returned ${v}`);
      }
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
}

/** parse → emit → parse must give the same repr (for whatever a parser accepted). */
function same(a: unknown, b: unknown, what: string): void {
  if (!isDeepStrictEqual(a, b)) throw new Error(`${what}: re-emitted packet parses differently`);
}

const A4 = Uint8Array.from([10, 0, 0, 1]);
const B4 = Uint8Array.from([10, 0, 0, 2]);
const A6 = new Uint8Array(16).fill(1);

function exercise(b: Uint8Array, g: Gen): void {
  const d = decodePacket(b);
  formatDecoded(d);
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(d)), d)) throw new Error('decodePacket result is not JSON-clean');

  const v4 = parseIpv4(b, 0, b.length, { verifyChecksum: false });
  parseIpv4(b);
  if (v4.ok) {
    const out = new Uint8Array(ipv4HeaderLength(v4.value) + v4.value.payload.length);
    emitIpv4(v4.value, out, 0);
    const again = parseIpv4(out);
    if (!again.ok) throw new Error(`re-emitted IPv4 fails: ${again.error.message}`);
    same(again.value, v4.value, 'ipv4');
  }
  const v6 = parseIpv6(b);
  if (v6.ok) {
    const out = new Uint8Array(ipv6HeaderLength(v6.value) + v6.value.payload.length);
    emitIpv6(v6.value, out, 0);
    const again = parseIpv6(out);
    same(again.ok && again.value, v6.value, 'ipv6');
  }
  const views = [new Ipv4View(), new Ipv6View(), new TcpView(), new UdpView(), new IcmpView(), new Icmpv6View()];
  const offs = [0, 20, 40, g.int(b.length)];
  for (const off of offs) {
    const len = g.chance(0.8) ? b.length - off : g.int(b.length + 8);
    for (const v of views) if (v.set(b, off, len) === undefined) readAll(v);
    const v4t = new Ipv4View();
    if (v4t.set(b, off, len, true) === undefined) readAll(v4t);
    const v6t = new Ipv6View();
    if (v6t.set(b, off, len, true) === undefined) readAll(v6t);

    parseTcp(b, off, len);
    const t = parseTcp(b, off, len, 'lenient');
    if (t.ok) {
      const out = new Uint8Array(tcpSegmentLength(t.value));
      emitTcp(t.value, out, 0, A4, B4);
      if (!tcpChecksumValid(out, 0, out.length, A4, B4)) throw new Error('emitted TCP checksum invalid');
      const again = parseTcp(out, 0, out.length, 'lenient');
      same(again.ok && again.value, t.value, 'tcp');
    }
    parseTcpOptions(b, off, Math.max(0, Math.min(40, b.length - off)));
    const u = parseUdp(b, off, len);
    if (u.ok) {
      const out = new Uint8Array(8 + u.value.payload.length);
      emitUdp(u.value, out, 0, A6, A6);
      same(parseUdp(out), { ok: true, value: u.value }, 'udp');
    }
    const ic = parseIcmp(b, off, len);
    if (ic.ok) {
      const out = new Uint8Array(icmpLength(ic.value));
      emitIcmp(ic.value, out, 0);
      if (!icmpChecksumValid(out, 0, out.length)) throw new Error('emitted ICMP checksum invalid');
      same(parseIcmp(out), ic, 'icmp');
    }
    const ic6 = parseIcmpv6(b, off, len);
    if (ic6.ok) {
      const out = new Uint8Array(icmpv6Length(ic6.value));
      emitIcmpv6(ic6.value, out, 0, A6, A6);
      if (!icmpv6ChecksumValid(out, 0, out.length, A6, A6)) throw new Error('emitted ICMPv6 checksum invalid');
      same(parseIcmpv6(out), ic6, 'icmpv6');
    }
    parseQuotedPacket(b, off, len);
    if (off <= b.length) {
      tcpChecksumValid(b, off, b.length - off, A4, B4);
      udpChecksumStatus(b, off, b.length - off, A6, A6);
      icmpChecksumValid(b, off, b.length - off);
    }
  }
}

/** Run `iterations` cases from `seed`; stops after `maxFailures`. `onCase` sees every input (for coverage counts). */
export function fuzzWire(iterations: number, seed = 1, maxFailures = 10, onCase?: (b: Uint8Array) => void): { iterations: number; failures: FuzzFailure[] } {
  const g = new Gen(prng(seed));
  const failures: FuzzFailure[] = [];
  for (let i = 0; i < iterations; i++) {
    let b: Uint8Array;
    const r = g.next();
    if (r < 0.15) {
      b = g.bytes(g.int(100));
      if (b.length && g.chance(0.7)) b[0] = (g.pick([4, 6]) << 4) | (b[0]! & 0x0f);
    } else if (r < 0.25) {
      b = validPacket(g);
    } else {
      b = mutate(g, validPacket(g));
    }
    onCase?.(b);
    try {
      exercise(b, g);
    } catch (e) {
      failures.push({ iteration: i, hex: toHex(b), what: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
      if (failures.length >= maxFailures) return { iterations: i + 1, failures };
    }
  }
  return { iterations, failures };
}
