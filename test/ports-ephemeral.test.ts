import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EphemeralAllocator, checkEphemeralOptions, PortTable } from '../src/ports/index.js';

const key = (seed: number): Uint8Array => Uint8Array.from({ length: 16 }, (_, i) => (seed * 31 + i * 7) & 0xff);
const always = (): boolean => true;

test('RFC 6056 §3.3.3: same tuple and key → same port from a fresh allocator', () => {
  const a = new EphemeralAllocator({ key: key(1) });
  const b = new EphemeralAllocator({ key: key(1) });
  assert.equal(a.select('10.0.0.1', '10.0.0.2', 80, always), b.select('10.0.0.1', '10.0.0.2', 80, always));
  // same address in another spelling hashes the same
  assert.equal(a.offset('::1', '2001:db8::2', 443), a.offset('0:0::0:1', '2001:db8:0:0:0:0:0:2', 443));
});

test('RFC 6056 §3.3.3: a different key moves the offset', () => {
  let differ = 0;
  for (let s = 0; s < 20; s++) {
    const a = new EphemeralAllocator({ key: key(s) }), b = new EphemeralAllocator({ key: key(s + 100) });
    if (a.offset('10.0.0.1', '10.0.0.2', 80) !== b.offset('10.0.0.1', '10.0.0.2', 80)) differ++;
  }
  assert.ok(differ >= 19);
});

test('RFC 6056 §3.3.3: different tuples start at different offsets', () => {
  const a = new EphemeralAllocator({ key: key(7) });
  const offsets = new Set<number | undefined>();
  for (let p = 1; p <= 200; p++) offsets.add(a.offset('10.0.0.1', '10.0.0.2', p));
  offsets.add(a.offset('10.0.0.1', '10.0.0.3', 80));
  offsets.add(a.offset('10.0.0.9', '10.0.0.2', 80));
  offsets.add(a.offset('fe80::1', 'fe80::2', 80));
  // 203 draws from 16384 values: a handful of birthday collisions at most
  assert.ok(offsets.size >= 195, `only ${offsets.size} distinct offsets`);
  assert.ok(!offsets.has(undefined));
});

test('RFC 6056 §3.3.3: offsets spread over the whole range (chi-squared over 16 buckets)', () => {
  const a = new EphemeralAllocator({ key: key(3) });
  const buckets = new Array<number>(16).fill(0);
  const N = 4000;
  for (let i = 0; i < N; i++) {
    const off = a.offset(`10.${(i >> 8) & 255}.${i & 255}.1`, '192.0.2.1', 443);
    assert.ok(off !== undefined && off >= 0 && off < a.size);
    buckets[Math.floor((off * 16) / a.size)]!++;
  }
  const expected = N / 16;
  const chi2 = buckets.reduce((s, b) => s + (b - expected) ** 2 / expected, 0);
  // 15 degrees of freedom: p = 0.001 at 37.7
  assert.ok(chi2 < 37.7, `chi2 ${chi2.toFixed(1)} buckets ${buckets.join(',')}`);
});

test('RFC 6056 §3.3.3: repeated connections to one peer walk forward one port at a time', () => {
  const a = new EphemeralAllocator({ key: key(5) });
  const p1 = a.select('10.0.0.1', '10.0.0.2', 80, always)!;
  const p2 = a.select('10.0.0.1', '10.0.0.2', 80, always)!;
  const p3 = a.select('10.0.0.1', '10.0.0.2', 80, always)!;
  const wrap = (p: number): number => (p - 49152 + 1) % 16384 + 49152;
  assert.equal(p2, wrap(p1));
  assert.equal(p3, wrap(p2));
});

test('RFC 6056 §3.3.3: unsuitable ports are skipped, exhaustion gives undefined', () => {
  const a = new EphemeralAllocator({ key: key(9), min: 50000, max: 50009 });
  const got = new Set<number>();
  for (let i = 0; i < 10; i++) {
    const p = a.select('10.0.0.1', '10.0.0.2', 80, (q) => !got.has(q));
    assert.ok(p !== undefined && p >= 50000 && p <= 50009);
    got.add(p);
  }
  assert.equal(got.size, 10);
  assert.equal(a.select('10.0.0.1', '10.0.0.2', 80, (q) => !got.has(q)), undefined);
  assert.equal(a.select('10.0.0.1', '10.0.0.2', 80, () => false), undefined);
});

test('RFC 6056 §3.3.4 algorithm 4: per-bucket counters, every port reachable', () => {
  const a = new EphemeralAllocator({ key: key(2), algorithm: 4, min: 60000, max: 60099, tableLength: 16 });
  const used = new Set<number>();
  for (let i = 0; i < 100; i++) {
    const p = a.select('10.0.0.1', '10.0.0.2', 80, (q) => !used.has(q));
    assert.ok(p !== undefined);
    used.add(p);
  }
  assert.equal(used.size, 100);
  assert.equal(a.select('10.0.0.1', '10.0.0.2', 80, (q) => !used.has(q)), undefined);
});

test('invalid options and inputs', () => {
  assert.equal(checkEphemeralOptions({ key: new Uint8Array(8) }), 'EPHEMERAL_BAD_KEY');
  assert.equal(checkEphemeralOptions({ key: key(1), min: 6000, max: 5000 }), 'EPHEMERAL_BAD_RANGE');
  assert.equal(checkEphemeralOptions({ key: key(1), min: 0 }), 'EPHEMERAL_BAD_RANGE');
  assert.equal(checkEphemeralOptions({ key: key(1), max: 70000 }), 'EPHEMERAL_BAD_RANGE');
  assert.equal(checkEphemeralOptions({ key: key(1) }), undefined);
  assert.throws(() => new EphemeralAllocator({ key: new Uint8Array(3) }), RangeError);
  const a = new EphemeralAllocator({ key: key(1) });
  assert.equal(a.select('not-an-ip', '10.0.0.2', 80, always), undefined);
  assert.equal(a.select('10.0.0.1', '10.0.0.2', 70000, always), undefined);
});

test('PortTable.allocateEphemeral: never returns a bound port or one inUse() rejects', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 61000, max: 61031 }), { maxLength: 32 }), fc.integer({ min: 1, max: 65535 }), (bound, rport) => {
      const t = new PortTable({ key: key(4), ephemeralMin: 61000, ephemeralMax: 61031 });
      for (const p of bound) assert.ok(t.bind('0.0.0.0', p).ok);
      const busy = (p: number): boolean => p % 5 === 0;
      const p = t.allocateEphemeral('10.0.0.1', '10.0.0.2', rport, busy);
      const free = Array.from({ length: 32 }, (_, i) => 61000 + i).filter((q) => !bound.includes(q) && !busy(q));
      if (free.length === 0) assert.equal(p, undefined);
      else assert.ok(p !== undefined && free.includes(p));
    }),
    { numRuns: 200 },
  );
});
