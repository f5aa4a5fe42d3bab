import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xorshift32, xorshiftBytes } from '../src/stack/xorshift32.js';

test('xorshift32 (13, 17, 5): seed 1 gives the generator\'s published first word 270369', () => {
  const next = xorshift32(1);
  // 1 ^ 1<<13 = 8193; ^ 8193>>>17 = 8193; ^ 8193<<5 = 270369.
  assert.equal(next(), 270369);
  const second = next();
  assert.notEqual(second, 270369);
  assert.ok(second > 0 && second <= 0xffffffff);
});

test('xorshift32: a zero seed is replaced (zero is the fixed point) and the same seed replays', () => {
  const z = xorshift32(0, 0x9e3779b9);
  const w = xorshift32(0x9e3779b9);
  for (let i = 0; i < 100; i++) assert.equal(z(), w());
  const stuck = xorshift32(0);
  for (let i = 0; i < 100; i++) assert.notEqual(stuck(), 0);
});

test('xorshiftBytes: low bytes of the words, reproducible per seed', () => {
  const words = xorshift32(5);
  const b = xorshiftBytes(64, 5);
  for (let i = 0; i < 64; i++) assert.equal(b[i], words() & 0xff);
  assert.notDeepEqual(xorshiftBytes(64, 6), b);
});
