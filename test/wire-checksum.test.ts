import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  checksumAdjust, checksumOk, copyAndSum, fold, internetChecksum, naiveChecksum16, pseudoHeaderSumV4, pseudoHeaderSumV6, sumWords, writeChecksum,
} from '../src/wire/index.js';

/** Independent reference: RFC 1071 §4.1 loop over 16-bit words, end-around carry each step. */
function reference(buf: Uint8Array, off: number, len: number, initial = 0): number {
  let sum = fold(initial);
  for (let i = 0; i < len; i += 2) {
    sum += (buf[off + i]! << 8) | (i + 1 < len ? buf[off + i + 1]! : 0);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  return ~sum & 0xffff;
}

test('RFC 1071 §3 numerical example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum 220d', () => {
  const b = Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
  assert.equal(fold(sumWords(b)), 0xddf2);
  assert.equal(internetChecksum(b), 0x220d);
  // §2(B) byte order independence: the swapped data sums to the swapped result
  const swapped = Uint8Array.from([0x01, 0x00, 0x03, 0xf2, 0xf5, 0xf4, 0xf7, 0xf6]);
  assert.equal(fold(sumWords(swapped)), 0xf2dd);
});

test('RFC 1071 §4.1: an odd final byte is padded with zero', () => {
  assert.equal(internetChecksum(Uint8Array.from([0x12])), ~0x1200 & 0xffff);
  assert.equal(internetChecksum(Uint8Array.from([0x00, 0x01, 0xf2])), ~(0x0001 + 0xf200) & 0xffff);
  assert.equal(internetChecksum(new Uint8Array(0)), 0xffff);
});

test('RFC 1071: 32-bit word sum equals the 16-bit reference for every length 0..200 and offset', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 208 }), fc.nat(7), fc.nat(200), fc.nat(0x3ffff), (data, off0, len0, init) => {
      const off = Math.min(off0, data.length);
      const len = Math.min(len0, data.length - off);
      const want = reference(data, off, len, init);
      assert.equal(internetChecksum(data, off, len, init), want);
      assert.equal(naiveChecksum16(data, off, len), reference(data, off, len));
    }),
    { numRuns: 400 },
  );
  // and exhaustively over lengths with a fixed pattern at every alignment within an ArrayBuffer
  const big = new Uint8Array(300).map((_, i) => (i * 37 + 11) & 0xff);
  for (let off = 0; off < 8; off++) {
    for (let len = 0; len <= 200; len++) assert.equal(internetChecksum(big, off, len), reference(big, off, len), `off ${off} len ${len}`);
  }
});

test('RFC 1071: sums over views into shared buffers (aligned word path and unaligned path, alternating buffers) equal the reference', () => {
  // Packets cut from one slab share an ArrayBuffer; the word view over the last buffer is cached,
  // so alternate between two buffers of lengths that are not multiples of 4.
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 64, maxLength: 1503 }), fc.uint8Array({ minLength: 64, maxLength: 701 }), fc.array(fc.tuple(fc.boolean(), fc.nat(40), fc.nat(1500)), { minLength: 1, maxLength: 12 }), (x, y, cuts) => {
      for (const [which, off0, len0] of cuts) {
        const data = which ? x : y;
        const off = Math.min(off0, data.length);
        const len = Math.min(len0, data.length - off);
        const view = data.subarray(off, off + len);
        assert.equal(internetChecksum(view), reference(data, off, len));
        assert.equal(internetChecksum(data, off, len), reference(data, off, len));
      }
    }),
    { numRuns: 200 },
  );
});

test('RFC 1071: copyAndSum copies exactly the range and returns the sum of the copy, at every alignment and length', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 1600 }), fc.nat(9), fc.nat(9), fc.nat(1600), fc.nat(0x3ffff), (data, so0, do0, len0, init) => {
      const srcOff = Math.min(so0, data.length);
      const len = Math.min(len0, data.length - srcOff);
      const dst = new Uint8Array(len + 24).fill(0xee);
      const dstOff = Math.min(do0, 12);
      const got = copyAndSum(data, srcOff, dst, dstOff, len, init);
      assert.deepEqual(dst.subarray(dstOff, dstOff + len), data.subarray(srcOff, srcOff + len));
      assert.ok(dst.subarray(0, dstOff).every((b) => b === 0xee) && dst.subarray(dstOff + len).every((b) => b === 0xee), 'nothing outside the range written');
      assert.equal(~fold(got) & 0xffff, reference(data, srcOff, len, init));
    }),
    { numRuns: 300 },
  );
  assert.throws(() => copyAndSum(new Uint8Array(8), 4, new Uint8Array(8), 0, 8), RangeError);
});

test('sumWords partial sums over even-length pieces add up to the whole', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(150), (data, cut0) => {
    const cut = Math.min(cut0 * 2, data.length & ~1);
    const whole = fold(sumWords(data));
    const parts = fold(sumWords(data, cut, data.length - cut, sumWords(data, 0, cut)));
    assert.equal(parts, whole);
  }));
});

test('a buffer larger than the accumulator chunk (5 MiB of 0xff) still sums exactly', () => {
  const data = new Uint8Array(5 * 1024 * 1024 + 3).fill(0xff);
  // the 0xffff words sum to 0xffff (negative zero), the odd byte adds 0xff00: sum 0xff00, checksum 0x00ff
  assert.equal(internetChecksum(data), 0x00ff);
  assert.equal(naiveChecksum16(data), 0x00ff);
  const pattern = new Uint8Array(5 * 1024 * 1024 + 2).map((_, i) => i & 0xff);
  assert.equal(internetChecksum(pattern), naiveChecksum16(pattern));
});

test('RFC 1624 eqn. 3 incremental update equals recomputation', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 2, maxLength: 64 }), fc.nat(31), fc.integer({ min: 0, max: 0xffff }), (data0, w, nw) => {
    const data = data0.length & 1 ? data0.subarray(0, data0.length - 1) : data0;
    const at = 2 * (w % (data.length / 2));
    const before = internetChecksum(data);
    const old = (data[at]! << 8) | data[at + 1]!;
    const changed = data.slice();
    changed[at] = nw >>> 8;
    changed[at + 1] = nw & 0xff;
    const after = internetChecksum(changed);
    const adj = checksumAdjust(before, old, nw);
    // RFC 1624 §3: the two one's complement zeros (0x0000, 0xffff) are the same value
    assert.equal(adj % 0xffff, after % 0xffff);
  }));
});

test('RFC 1624 §3 example: HC 0xdd2f, m 0x5555 -> 0x3285 gives 0x0000 per eqn. 3', () => {
  assert.equal(checksumAdjust(0xdd2f, 0x5555, 0x3285), 0x0000);
});

test('RFC 9293 §3.1 / RFC 8200 §8.1 pseudo-header sums equal summing the pseudo-header bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.nat(255), fc.nat(0xffff), (s, d, p, l) => {
    const ph = Uint8Array.from([...s, ...d, 0, p, l >>> 8, l & 0xff]);
    assert.equal(fold(pseudoHeaderSumV4(s, d, p, l)), fold(sumWords(ph)));
  }));
  fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(255), fc.nat(0xfffff), (s, d, p, l) => {
    const ph = Uint8Array.from([...s, ...d, (l >>> 24) & 0xff, (l >>> 16) & 0xff, (l >>> 8) & 0xff, l & 0xff, 0, 0, 0, p]);
    assert.equal(fold(pseudoHeaderSumV6(s, d, p, l)), fold(sumWords(ph)));
  }));
});

test('writeChecksum then checksumOk; zeroAsOnes sends a computed 0 as 0xffff (RFC 768)', () => {
  // data whose checksum is 0: a single word 0xffff
  const b = Uint8Array.from([0xff, 0xff, 0, 0]);
  assert.equal(writeChecksum(b, 0, 4, 2), 0);
  assert.equal(writeChecksum(b, 0, 4, 2, 0, true), 0xffff);
  assert.ok(checksumOk(b, 0, 4));
  const r = Uint8Array.from([1, 2, 3, 4, 0, 0, 7, 9, 10]);
  writeChecksum(r, 0, r.length, 4);
  assert.ok(checksumOk(r, 0, r.length));
  r[0] = 0;
  assert.ok(!checksumOk(r, 0, r.length));
});

test('sumWords rejects a range outside the buffer (a caller bug, not hostile bytes)', () => {
  assert.throws(() => sumWords(new Uint8Array(4), 2, 4), RangeError);
});

test('RFC 1071: copyAndSum and sumWords read a buffer that grew since the last call (resizable ArrayBuffer)', () => {
  // Resizable buffers (ES2024) are typed by a later lib than this project targets.
  type Resizable = ArrayBuffer & { resize(length: number): void };
  const Ctor = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => Resizable;
  const ab = new Ctor(64, { maxByteLength: 4096 });
  const src = new Uint8Array(ab);
  src.fill(1);
  const dst = new Uint8Array(4096);
  copyAndSum(src, 0, dst, 0, 64);
  ab.resize(4096);
  new Uint8Array(ab).fill(3);
  const grown = new Uint8Array(ab, 0, 2048);
  const got = copyAndSum(grown, 1024, dst, 0, 1024);
  assert.deepEqual(dst.subarray(0, 1024), new Uint8Array(1024).fill(3));
  assert.equal(got, sumWords(dst, 0, 1024, 0));
  assert.equal(sumWords(grown, 1024, 1024, 0), got);
});
