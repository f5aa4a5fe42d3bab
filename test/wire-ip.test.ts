import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  emitIpv4, emitIpv4Header, emitIpv6, fromHex, IpProto, ipv4View, Ipv4View, ipv6View, parseIpv4, parseIpv6, toHex,
  type Ipv4Repr, type Ipv6Repr,
} from '../src/wire/index.js';

const EMPTY = new Uint8Array(0);
const v4base: Ipv4Repr = {
  src: '192.168.0.1', dst: '192.168.0.199', protocol: 17, ttl: 64, dscp: 0, ecn: 0, id: 0, dontFragment: true,
  moreFragments: false, fragmentOffset: 0, options: EMPTY, payload: new Uint8Array(95),
};

test('RFC 791 §3.1 header checksum, hand-checked: 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7', () => {
  // 4500+0073+0000+4000+4011+c0a8+0001+c0a8+00c7 = 0x2479c; fold 0x479c+2 = 0x479e; ~ = 0xb861
  const buf = new Uint8Array(115);
  assert.equal(emitIpv4(v4base, buf, 0), 115);
  assert.equal(toHex(buf.subarray(0, 20)), '45000073000040004011b861c0a80001c0a800c7');
  const v = new Ipv4View();
  assert.equal(v.set(buf), undefined);
  assert.ok(v.checksumValid);
  assert.equal(v.checksum, 0xb861);
  assert.equal(v.protocol, IpProto.UDP);
  assert.equal(v.src, '192.168.0.1');
  assert.equal(v.dst, '192.168.0.199');
  assert.ok(v.dontFragment && !v.moreFragments && !v.isFragment);
});

test('RFC 791: payload is bounded by Total Length, trailing bytes (link padding) ignored', () => {
  const buf = new Uint8Array(140);
  emitIpv4({ ...v4base, payload: new Uint8Array(6).fill(7) }, buf, 0);
  const r = parseIpv4(buf);
  assert.ok(r.ok);
  assert.equal(r.value.payload.length, 6);
  assert.deepEqual(r.value.payload, new Uint8Array(6).fill(7));
});

test('RFC 791: a buffer shorter than Total Length is TRUNCATED (payload), or truncated in a lenient view', () => {
  const buf = new Uint8Array(115);
  emitIpv4(v4base, buf, 0);
  const r = parseIpv4(buf, 0, 60);
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'TRUNCATED');
  assert.equal(r.error.field, 'payload');
  const v = new Ipv4View();
  assert.equal(v.set(buf, 0, 60, true), undefined);
  assert.ok(v.truncated);
  assert.equal(v.payloadLength, 40);
});

test('RFC 791: bad version, IHL < 5, options past the buffer, Total Length < header', () => {
  const buf = new Uint8Array(40);
  emitIpv4({ ...v4base, payload: new Uint8Array(20) }, buf, 0);
  const cases: Array<[(b: Uint8Array) => void, string, string, number]> = [
    [(b) => { b[0] = 0x65; }, 'BAD_VERSION', 'version', 0],
    [(b) => { b[0] = 0x44; }, 'BAD_IHL', 'ihl', 0],
    [(b) => { b[0] = 0x4f; }, 'TRUNCATED', 'options', 20],
    [(b) => { b[2] = 0; b[3] = 19; }, 'BAD_LENGTH', 'totalLength', 2],
  ];
  for (const [mutate, code, field, offset] of cases) {
    const b = buf.slice();
    mutate(b);
    const r = parseIpv4(b);
    assert.ok(!r.ok);
    assert.deepEqual([r.error.code, r.error.field, r.error.offset], [code, field, offset]);
  }
  assert.equal(parseIpv4(buf.subarray(0, 19)).ok, false);
  assert.equal(parseIpv4(EMPTY).ok, false);
});

test('RFC 791: a corrupted header fails BAD_CHECKSUM unless verification is off', () => {
  const buf = new Uint8Array(115);
  emitIpv4(v4base, buf, 0);
  buf[8] = 63; // TTL changed without fixing the checksum
  const r = parseIpv4(buf);
  assert.ok(!r.ok);
  assert.deepEqual([r.error.code, r.error.field, r.error.offset], ['BAD_CHECKSUM', 'checksum', 10]);
  const lax = parseIpv4(buf, 0, buf.length, { verifyChecksum: false });
  assert.ok(lax.ok);
  assert.equal(lax.value.ttl, 63);
});

test('RFC 791 fragment fields and RFC 3168 ECN / RFC 2474 DSCP bits', () => {
  const buf = new Uint8Array(40);
  emitIpv4({ ...v4base, dontFragment: false, moreFragments: true, fragmentOffset: 1480, dscp: 46, ecn: 3, id: 0xbeef, payload: new Uint8Array(8) }, buf, 0);
  assert.equal(buf[1], (46 << 2) | 3);
  assert.equal(buf[6], 0x20 | (185 >>> 8));
  assert.equal(buf[7], 185 & 0xff);
  const v = ipv4View(buf.subarray(0, 28));
  assert.ok(v.ok);
  assert.equal(v.value.fragmentOffset, 1480);
  assert.ok(v.value.isFragment && v.value.moreFragments);
  assert.equal(v.value.ecn, 3);
  assert.equal(v.value.dscp, 46);
  assert.equal(v.value.id, 0xbeef);
});

test('RFC 791 options kept raw; emitIpv4Header leaves an in-place payload alone', () => {
  const opts = Uint8Array.from([0x94, 0x04, 0, 0]); // Router Alert (RFC 2113)
  const buf = new Uint8Array(24 + 4);
  buf.set([1, 2, 3, 4], 24);
  const hl = emitIpv4Header({ ...v4base, options: opts }, 4, buf, 0);
  assert.equal(hl, 24);
  const r = parseIpv4(buf);
  assert.ok(r.ok);
  assert.deepEqual(r.value.options, opts);
  assert.deepEqual(r.value.payload, Uint8Array.from([1, 2, 3, 4]));
  assert.throws(() => emitIpv4Header({ ...v4base, options: new Uint8Array(3) }, 0, buf, 0), RangeError);
  assert.throws(() => emitIpv4Header({ ...v4base, src: '::1' }, 0, buf, 0), RangeError);
});

const v6base: Ipv6Repr = {
  src: '2001:db8::1', dst: '2001:db8::2', dscp: 0, ecn: 0, flowLabel: 0xabcde, hopLimit: 64, extHeaders: [], protocol: IpProto.UDP,
  payload: new Uint8Array(8),
};

function emit6(r: Ipv6Repr): Uint8Array {
  const buf = new Uint8Array(2000);
  return buf.subarray(0, emitIpv6(r, buf, 0));
}

test('RFC 8200 §3 fixed header fields', () => {
  const b = emit6({ ...v6base, dscp: 10, ecn: 2 });
  assert.equal(toHex(b.subarray(0, 8)), '62aabcde00081140');
  const v = ipv6View(b);
  assert.ok(v.ok);
  assert.equal(v.value.trafficClass, (10 << 2) | 2);
  assert.equal(v.value.flowLabel, 0xabcde);
  assert.equal(v.value.protocol, 17);
  assert.equal(v.value.payloadOffset, 40);
});

test('RFC 8200 §4.5 fragment header: offset, M flag, identification; non-first fragments end the walk', () => {
  const first = parseIpv6(emit6({ ...v6base, extHeaders: [{ kind: 'fragment', fragmentOffset: 0, moreFragments: true, id: 0xdeadbeef }] }));
  assert.ok(first.ok);
  assert.deepEqual(first.value.extHeaders, [{ kind: 'fragment', fragmentOffset: 0, moreFragments: true, id: 0xdeadbeef }]);
  assert.equal(first.value.protocol, 17);
  // A non-first fragment whose data happens to look like a Destination Options header is not walked into.
  const later = emit6({ ...v6base, protocol: IpProto.DSTOPTS, extHeaders: [{ kind: 'fragment', fragmentOffset: 1232, moreFragments: false, id: 7 }], payload: new Uint8Array(16) });
  const v = ipv6View(later);
  assert.ok(v.ok);
  assert.equal(v.value.protocol, IpProto.DSTOPTS);
  assert.equal(v.value.fragmentOffset, 1232);
  assert.equal(v.value.fragmentId, 7);
  assert.equal(v.value.payload.length, 16);
});

test('RFC 4302 §2.2 AH length is in 4-octet units minus 2; RFC 8200 §4 others in 8-octet units minus 1', () => {
  const b = emit6({ ...v6base, extHeaders: [{ kind: 'raw', type: IpProto.ROUTING, data: new Uint8Array(14) }, { kind: 'raw', type: IpProto.AH, data: new Uint8Array(22) }] });
  assert.equal(b[41], 1); // routing: 16 bytes = (1 + 1) * 8
  assert.equal(b[40 + 16 + 1], 4); // AH: 24 bytes = (4 + 2) * 4
  const r = parseIpv6(b);
  assert.ok(r.ok);
  assert.equal(r.value.extHeaders.length, 2);
  assert.equal(r.value.protocol, 17);
  assert.equal(r.value.payload.length, 8);
});

test('RFC 8200 §4.1 Hop-by-Hop anywhere but first is BAD_EXT_HEADER', () => {
  const b = emit6({ ...v6base, extHeaders: [{ kind: 'raw', type: 60, data: new Uint8Array(6) }, { kind: 'raw', type: 0, data: new Uint8Array(6) }] });
  const r = parseIpv6(b);
  assert.ok(!r.ok);
  assert.deepEqual([r.error.code, r.error.field, r.error.offset], ['BAD_EXT_HEADER', 'nextHeader', 40]);
});

test('extension-header walk is bounded: 9 headers -> TOO_MANY_EXT_HEADERS, 8 parse', () => {
  const dst = { kind: 'raw' as const, type: 60, data: new Uint8Array(6) };
  assert.ok(parseIpv6(emit6({ ...v6base, extHeaders: Array(8).fill(dst) })).ok);
  const r = parseIpv6(emit6({ ...v6base, extHeaders: Array(9).fill(dst) }));
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'TOO_MANY_EXT_HEADERS');
});

test('RFC 8200: extension header past Payload Length, short buffer, ESP and No Next Header', () => {
  const b = emit6({ ...v6base, extHeaders: [{ kind: 'raw', type: 60, data: new Uint8Array(6) }] });
  const cut = b.slice();
  cut[41] = 5; // claims 48 bytes
  const r = parseIpv6(cut);
  assert.ok(!r.ok);
  assert.deepEqual([r.error.code, r.error.field, r.error.offset], ['TRUNCATED', 'extHeaders[0]', 40]);
  const short = parseIpv6(b.subarray(0, 50));
  assert.ok(!short.ok);
  assert.deepEqual([short.error.code, short.error.field], ['TRUNCATED', 'payload']);
  assert.equal(parseIpv6(b.subarray(0, 39)).ok, false);
  const esp = parseIpv6(emit6({ ...v6base, protocol: IpProto.ESP }));
  assert.ok(esp.ok && esp.value.protocol === IpProto.ESP && esp.value.payload.length === 8);
  const none = parseIpv6(emit6({ ...v6base, protocol: IpProto.NONE, payload: EMPTY }));
  assert.ok(none.ok && none.value.protocol === IpProto.NONE);
  assert.equal(parseIpv6(fromHex('45000014')!).ok, false);
});

test('emitIpv6 rejects extension data that does not fill its length unit', () => {
  assert.throws(() => emit6({ ...v6base, extHeaders: [{ kind: 'raw', type: 60, data: new Uint8Array(5) }] }), RangeError);
  assert.throws(() => emit6({ ...v6base, extHeaders: [{ kind: 'raw', type: 51, data: new Uint8Array(4) }] }), RangeError);
  assert.throws(() => emit6({ ...v6base, src: '10.0.0.1' }), RangeError);
});
