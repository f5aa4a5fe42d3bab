// parse(emit(repr)) deep-equals repr for every wire format (CONVENTIONS.md habit 9), with the
// checksums each emit writes verifying on the way back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  emitIcmp, emitIcmpv6, emitIpv4, emitIpv6, emitTcp, emitTcpOptions, emitUdp, icmpChecksumValid, icmpLength, icmpv6ChecksumValid,
  icmpv6Length, ipv4HeaderLength, ipv6HeaderLength, parseIcmp, parseIcmpv6, parseIp, parseIpv4, parseIpv6, parseTcp, parseTcpOptions,
  parseUdp, tcpChecksumValid, tcpHeaderLength, tcpSegmentLength, udpChecksumStatus, Ipv4View, TcpView,
} from '../src/wire/index.js';
import { icmpRepr, icmpv6Repr, ipv4Addr, ipv4Repr, ipv6Addr, ipv6Repr, tcpOptions, tcpRepr, udpRepr } from './wire-arbitraries.js';

const addrPair = fc.oneof(fc.tuple(ipv4Addr, ipv4Addr), fc.tuple(ipv6Addr, ipv6Addr)).map(([s, d]) => [parseIp(s)!, parseIp(d)!] as const);

test('RFC 791 §3.1 IPv4: parse(emit(repr)) == repr, header checksum verifies', () => {
  fc.assert(fc.property(ipv4Repr, fc.integer({ min: 0, max: 7 }), (repr, pad) => {
    const buf = new Uint8Array(pad + ipv4HeaderLength(repr) + repr.payload.length + 3);
    const n = emitIpv4(repr, buf, pad);
    const r = parseIpv4(buf, pad, n);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
    assert.deepEqual(r.value, repr);
    const v = new Ipv4View();
    assert.equal(v.set(buf, pad, n), undefined);
    assert.ok(v.checksumValid);
  }));
});

test('RFC 8200 §4 IPv6 with extension headers: parse(emit(repr)) == repr', () => {
  fc.assert(fc.property(ipv6Repr, (repr) => {
    const buf = new Uint8Array(ipv6HeaderLength(repr) + repr.payload.length);
    const n = emitIpv6(repr, buf, 0);
    const r = parseIpv6(buf, 0, n);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
    assert.deepEqual(r.value, repr);
  }));
});

test('RFC 9293 §3.1 TCP with options: parse(emit(repr)) == repr, checksum verifies for both families', () => {
  fc.assert(fc.property(tcpRepr, addrPair, fc.integer({ min: 0, max: 5 }), (repr, [src, dst], pad) => {
    const len = tcpSegmentLength(repr);
    const buf = new Uint8Array(pad + len);
    assert.equal(emitTcp(repr, buf, pad, src, dst), len);
    assert.ok(tcpChecksumValid(buf, pad, len, src, dst));
    const r = parseTcp(buf, pad, len);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
    assert.deepEqual(r.value, repr);
    const v = new TcpView();
    assert.equal(v.set(buf, pad, len), undefined);
    assert.equal(v.headerLength, tcpHeaderLength(repr.options));
    assert.equal(v.flags, repr.flags);
    assert.equal(v.seq, repr.seq);
  }));
});

test('RFC 7323 / RFC 2018 TCP options alone: parseTcpOptions(emitTcpOptions(x)) == x', () => {
  fc.assert(fc.property(tcpOptions, (opts) => {
    const buf = new Uint8Array(40);
    const n = emitTcpOptions(opts, buf, 0);
    assert.equal(n % 4, 0);
    assert.deepEqual(parseTcpOptions(buf, 0, n), { options: opts });
  }));
});

test('RFC 768 UDP: parse(emit(repr)) == repr, checksum valid (never sent as 0)', () => {
  fc.assert(fc.property(udpRepr, addrPair, (repr, [src, dst]) => {
    const buf = new Uint8Array(8 + repr.payload.length + 4);
    const n = emitUdp(repr, buf, 0, src, dst);
    assert.equal(udpChecksumStatus(buf, 0, n, src, dst), 'valid');
    const r = parseUdp(buf, 0, buf.length); // trailing bytes beyond Length are ignored
    assert.ok(r.ok);
    assert.deepEqual(r.value, repr);
  }));
});

test('RFC 792 ICMP: parse(emit(repr)) == repr, checksum verifies', () => {
  fc.assert(fc.property(icmpRepr, (repr) => {
    const buf = new Uint8Array(icmpLength(repr));
    const n = emitIcmp(repr, buf, 0);
    assert.ok(icmpChecksumValid(buf, 0, n));
    const r = parseIcmp(buf, 0, n);
    assert.ok(r.ok);
    assert.deepEqual(r.value, repr);
  }));
});

test('RFC 4443 ICMPv6: parse(emit(repr)) == repr, pseudo-header checksum verifies', () => {
  fc.assert(fc.property(icmpv6Repr, ipv6Addr, ipv6Addr, (repr, s, d) => {
    const src = parseIp(s)!;
    const dst = parseIp(d)!;
    const buf = new Uint8Array(icmpv6Length(repr));
    const n = emitIcmpv6(repr, buf, 0, src, dst);
    assert.ok(icmpv6ChecksumValid(buf, 0, n, src, dst));
    const r = parseIcmpv6(buf, 0, n);
    assert.ok(r.ok);
    assert.deepEqual(r.value, repr);
  }));
});
