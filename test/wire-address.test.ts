import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  canonicalIp, formatIp, formatIpv4, formatIpv6, ipFamily, ipv4ToU32, maskPrefix, parseCidr, parseIp, parseIpv4Address, parseIpv6Address, prefixMatch,
} from '../src/wire/index.js';

const canon = (s: string): string | undefined => canonicalIp(s);

test('RFC 5952 §4.1 leading zeros MUST be suppressed; §4.3 lowercase', () => {
  assert.equal(canon('2001:0db8::0001'), '2001:db8::1');
  assert.equal(canon('2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001'), '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1');
  assert.equal(canon('2001:DB8::ABCD'), '2001:db8::abcd');
});

test('RFC 5952 §4.2.1 "::" shortens as much as possible', () => {
  assert.equal(canon('2001:db8:0:0:0:0:2:1'), '2001:db8::2:1');
  assert.equal(canon('2001:db8::0:1'), '2001:db8::1');
});

test('RFC 5952 §4.2.2 "::" not used for one 16-bit 0 field', () => {
  assert.equal(canon('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
  assert.equal(canon('2001:db8::1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
});

test('RFC 5952 §4.2.3 longest run wins; first one on a tie', () => {
  assert.equal(canon('2001:0:0:1:0:0:0:1'), '2001:0:0:1::1');
  assert.equal(canon('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
});

test('RFC 5952 §5 IPv4-mapped addresses keep the dotted quad', () => {
  assert.equal(canon('::ffff:192.0.2.1'), '::ffff:192.0.2.1');
  assert.equal(canon('0:0:0:0:0:FFFF:c000:0201'), '::ffff:192.0.2.1');
});

test('RFC 4291 §2.2 input forms: full, compressed, embedded IPv4', () => {
  assert.equal(canon('ABCD:EF01:2345:6789:ABCD:EF01:2345:6789'), 'abcd:ef01:2345:6789:abcd:ef01:2345:6789');
  assert.equal(canon('FF01:0:0:0:0:0:0:101'), 'ff01::101');
  assert.equal(canon('0:0:0:0:0:0:0:1'), '::1');
  assert.equal(canon('0:0:0:0:0:0:0:0'), '::');
  assert.equal(canon('::'), '::');
  assert.equal(canon('1::'), '1::');
  assert.equal(canon('0:0:0:0:0:0:13.1.68.3'), '::d01:4403');
  assert.equal(canon('::13.1.68.3'), '::d01:4403');
  assert.equal(canon('1:2:3:4:5:6:7::'), '1:2:3:4:5:6:7:0');
});

test('invalid IPv6 text is rejected', () => {
  for (const bad of ['', ':', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::', '12345::', 'g::1', '::1.2.3', '1.2.3.4::',
    '::ffff:1.2.3.256', ':1::2', '1::2:', 'fe80::1%eth0', '1:2:3:4:5:6:7', '::1.2.3.4:5']) {
    assert.equal(parseIpv6Address(bad), undefined, bad);
    assert.equal(ipFamily(bad), undefined, bad);
  }
});

test('IPv4 dotted quads: strict decimal, no leading zeros', () => {
  assert.deepEqual(parseIpv4Address('192.168.0.1'), Uint8Array.from([192, 168, 0, 1]));
  assert.deepEqual(parseIpv4Address('0.0.0.0'), Uint8Array.from([0, 0, 0, 0]));
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1..2.3', '1.2.3.4 ', '-1.2.3.4', 'a.b.c.d', '1.2.3.0x4']) {
    assert.equal(parseIpv4Address(bad), undefined, bad);
  }
  assert.equal(ipFamily('10.0.0.1'), 4);
  assert.equal(ipFamily('::1'), 6);
});

test('format(parse(x)) is canonical and parse(format(b)) == b for random addresses', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
    const s = formatIpv6(b);
    assert.deepEqual(parseIp(s), b);
    assert.equal(canon(s), s);
    assert.equal(s, s.toLowerCase());
    assert.ok(!/(^|:)0[0-9a-f]/.test(s), s);
  }));
  fc.assert(fc.property(fc.array(fc.constantFrom(0, 0, 1, 0xffff), { minLength: 8, maxLength: 8 }), (w) => {
    const b = new Uint8Array(16);
    w.forEach((x, i) => { b[2 * i] = x >>> 8; b[2 * i + 1] = x & 0xff; });
    assert.deepEqual(parseIp(formatIpv6(b)), b);
  }));
  fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
    assert.deepEqual(parseIp(formatIpv4(b)), b);
  }));
});

test('formatIp by length and offset; RangeError on other lengths', () => {
  const buf = Uint8Array.from([9, 10, 0, 0, 1]);
  assert.equal(formatIp(buf, 1, 4), '10.0.0.1');
  assert.throws(() => formatIp(buf, 0, 5), RangeError);
  assert.equal(ipv4ToU32(Uint8Array.from([192, 168, 1, 2])), 0xc0a80102);
});

test('parseCidr and prefixMatch', () => {
  const c = parseCidr('10.0.0.1/24')!;
  assert.equal(c.family, 4);
  assert.equal(c.prefixLength, 24);
  assert.deepEqual(c.network, Uint8Array.from([10, 0, 0, 0]));
  assert.ok(prefixMatch(parseIp('10.0.0.200')!, c.network, 24));
  assert.ok(!prefixMatch(parseIp('10.0.1.1')!, c.network, 24));
  assert.equal(parseCidr('10.0.0.1')!.prefixLength, 32);
  assert.equal(parseCidr('10.0.0.1/33'), undefined);
  assert.equal(parseCidr('10.0.0.1/024'), undefined);
  assert.equal(parseCidr('10.0.0.1/'), undefined);
  const v6 = parseCidr('2001:db8::1/63')!;
  assert.equal(v6.family, 6);
  assert.ok(prefixMatch(parseIp('2001:db8:0:1::5')!, v6.network, 63));
  assert.ok(!prefixMatch(parseIp('2001:db8:0:2::5')!, v6.network, 63));
  assert.ok(!prefixMatch(parseIp('10.0.0.1')!, v6.network, 63)); // family mismatch
  assert.ok(prefixMatch(parseIp('1.2.3.4')!, parseIp('0.0.0.0')!, 0));
  assert.deepEqual(maskPrefix(Uint8Array.from([255, 255, 255, 255]), 20), Uint8Array.from([255, 255, 240, 0]));
  fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(128), (a, n) => {
    assert.ok(prefixMatch(a, maskPrefix(a, n), n));
  }));
});
