// fast-check arbitraries for every wire Repr, shared by the round-trip tests and the fuzzer.
// Each generates only canonical reprs (those parse(emit(r)) reproduces exactly): see the notes
// on EOL in src/wire/tcp-options.ts and on extension-header order in src/wire/ipv6.ts.
import fc from 'fast-check';
import {
  formatIpv4, formatIpv6, isIpv6ExtHeader, tcpOptionsLength,
  type IcmpRepr, type Icmpv6Repr, type Ipv4Repr, type Ipv6ExtHeader, type Ipv6Repr, type TcpOption, type TcpRepr, type UdpRepr,
} from '../src/wire/index.js';

/** fc.record with ordinary prototypes, so assert.deepEqual compares against parsed objects. */
const rec = <T extends Record<string, unknown>>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const bytes = (maxLength: number, minLength = 0): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength, maxLength });

export const ipv4Addr = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIpv4(b));
export const ipv6Addr = fc.oneof(
  fc.uint8Array({ minLength: 16, maxLength: 16 }),
  // sparse addresses exercise the "::" rules
  fc.array(fc.constantFrom(0, 0, 0, 1, 0xffff, 0xdb8), { minLength: 8, maxLength: 8 }).map((w) => {
    const b = new Uint8Array(16);
    w.forEach((x, i) => { b[2 * i] = x >>> 8; b[2 * i + 1] = x & 0xff; });
    return b;
  }),
).map((b) => formatIpv6(b));

const wordBytes = (maxWords: number): fc.Arbitrary<Uint8Array> => fc.integer({ min: 0, max: maxWords }).chain((n) => bytes(4 * n, 4 * n));

export const ipv4Repr: fc.Arbitrary<Ipv4Repr> = rec({
  src: ipv4Addr,
  dst: ipv4Addr,
  protocol: u8,
  ttl: u8,
  dscp: fc.integer({ min: 0, max: 63 }),
  ecn: fc.integer({ min: 0, max: 3 }),
  id: u16,
  dontFragment: fc.boolean(),
  moreFragments: fc.boolean(),
  fragmentOffset: fc.integer({ min: 0, max: 0x1fff }).map((x) => x * 8),
  options: wordBytes(10),
  payload: bytes(120),
});

const rawExt = (type: number): fc.Arbitrary<Ipv6ExtHeader> => {
  const unit = type === 51 ? 4 : 8;
  const minUnits = type === 51 ? 2 : 1;
  return fc.integer({ min: minUnits, max: minUnits + 4 }).chain((units) => bytes(units * unit - 2, units * unit - 2)).map((data) => ({ kind: 'raw' as const, type, data }));
};
const fragExt: fc.Arbitrary<Ipv6ExtHeader> = rec({
  kind: fc.constant('fragment' as const),
  fragmentOffset: fc.integer({ min: 0, max: 0x1fff }).map((x) => x * 8),
  moreFragments: fc.boolean(),
  id: u32,
});

export const ipv6ExtHeaders: fc.Arbitrary<Ipv6ExtHeader[]> = fc
  .tuple(fc.option(rawExt(0), { nil: undefined }), fc.array(fc.oneof(rawExt(43), rawExt(60), rawExt(51), rawExt(135), fragExt), { maxLength: 7 }))
  .map(([hbh, rest]) => {
    const all = hbh ? [hbh, ...rest] : rest;
    // RFC 8200 §4.5: only the last header may be a non-first fragment (the walk stops there).
    return all.map((e, i) => (e.kind === 'fragment' && i < all.length - 1 ? { ...e, fragmentOffset: 0 } : e));
  });

export const upperProto = u8.filter((p) => !isIpv6ExtHeader(p));

export const ipv6Repr: fc.Arbitrary<Ipv6Repr> = rec({
  src: ipv6Addr,
  dst: ipv6Addr,
  dscp: fc.integer({ min: 0, max: 63 }),
  ecn: fc.integer({ min: 0, max: 3 }),
  flowLabel: fc.integer({ min: 0, max: 0xfffff }),
  hopLimit: u8,
  extHeaders: ipv6ExtHeaders,
  protocol: upperProto,
  payload: bytes(120),
});

const KNOWN_TCP_KINDS = new Set([0, 1, 2, 3, 4, 5, 8]);
export const tcpOption: fc.Arbitrary<TcpOption> = fc.oneof(
  fc.constant<TcpOption>({ kind: 'eol' }),
  fc.constant<TcpOption>({ kind: 'nop' }),
  u16.map((mss): TcpOption => ({ kind: 'mss', mss })),
  u8.map((shift): TcpOption => ({ kind: 'wscale', shift })),
  fc.constant<TcpOption>({ kind: 'sackPermitted' }),
  fc.array(fc.tuple(u32, u32), { minLength: 1, maxLength: 4 }).map((blocks): TcpOption => ({ kind: 'sack', blocks })),
  rec({ val: u32, ecr: u32 }).map(({ val, ecr }): TcpOption => ({ kind: 'timestamp', val, ecr })),
  rec({ code: u8.filter((c) => !KNOWN_TCP_KINDS.has(c)), data: bytes(12) }).map(({ code, data }): TcpOption => ({ kind: 'unknown', code, data })),
);

/** Canonical option lists: ≤ 40 bytes; an EOL only last and only where it starts a 32-bit word. */
export const tcpOptions: fc.Arbitrary<TcpOption[]> = fc.array(tcpOption, { maxLength: 10 }).map((opts) => {
  const out: TcpOption[] = [];
  for (const o of opts) {
    if (o.kind === 'eol') {
      const used = tcpOptionsLength(out);
      if ((used & 3) === 0 && used < 40) out.push(o);
      break;
    }
    if (tcpOptionsLength([...out, o]) > 40) break;
    out.push(o);
  }
  return out;
});

export const tcpRepr: fc.Arbitrary<TcpRepr> = rec({
  srcPort: u16,
  dstPort: u16,
  seq: u32,
  ack: u32,
  flags: fc.integer({ min: 0, max: 0xfff }),
  window: u16,
  urgent: u16,
  options: tcpOptions,
  payload: bytes(200),
});

export const udpRepr: fc.Arbitrary<UdpRepr> = rec({ srcPort: u16, dstPort: u16, payload: bytes(200) });

const ICMP_KNOWN = new Set([0, 3, 8, 11, 12]);
export const icmpRepr: fc.Arbitrary<IcmpRepr> = fc.oneof(
  rec({ kind: fc.constantFrom('echoRequest' as const, 'echoReply' as const), id: u16, seq: u16, data: bytes(64) }),
  rec({ kind: fc.constant('destUnreachable' as const), code: u8, nextHopMtu: u16, quote: bytes(64) }),
  rec({ kind: fc.constant('timeExceeded' as const), code: u8, quote: bytes(64) }),
  rec({ kind: fc.constant('parameterProblem' as const), code: u8, pointer: u8, quote: bytes(64) }),
  rec({ kind: fc.constant('unknown' as const), type: u8.filter((t) => !ICMP_KNOWN.has(t)), code: u8, body: bytes(64, 4) }),
);

const ICMPV6_KNOWN = new Set([1, 2, 3, 4, 128, 129]);
export const icmpv6Repr: fc.Arbitrary<Icmpv6Repr> = fc.oneof(
  rec({ kind: fc.constantFrom('echoRequest' as const, 'echoReply' as const), id: u16, seq: u16, data: bytes(64) }),
  rec({ kind: fc.constant('destUnreachable' as const), code: u8, quote: bytes(64) }),
  rec({ kind: fc.constant('packetTooBig' as const), mtu: u32, quote: bytes(64) }),
  rec({ kind: fc.constant('timeExceeded' as const), code: u8, quote: bytes(64) }),
  rec({ kind: fc.constant('parameterProblem' as const), code: u8, pointer: u32, quote: bytes(64) }),
  rec({ kind: fc.constant('unknown' as const), type: u8.filter((t) => !ICMPV6_KNOWN.has(t)), code: u8, body: bytes(64, 4) }),
);
