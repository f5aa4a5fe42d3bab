import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkPort, isValidPort, parsePort, portRange, PORT_RANGES, EPHEMERAL_MIN, EPHEMERAL_MAX } from '../src/ports/index.js';

test('RFC 6335 §6: range boundaries 0/1023, 1024/49151, 49152/65535', () => {
  assert.equal(portRange(0)?.name, 'well-known');
  assert.equal(portRange(1023)?.name, 'well-known');
  assert.equal(portRange(1024)?.name, 'registered');
  assert.equal(portRange(49151)?.name, 'registered');
  assert.equal(portRange(49152)?.name, 'dynamic');
  assert.equal(portRange(65535)?.name, 'dynamic');
  assert.equal(EPHEMERAL_MIN, 49152);
  assert.equal(EPHEMERAL_MAX, 65535);
});

test('RFC 6335 §6: the three ranges tile 0..65535 exactly', () => {
  assert.equal(PORT_RANGES[0]?.min, 0);
  for (let i = 1; i < PORT_RANGES.length; i++) assert.equal(PORT_RANGES[i]?.min, (PORT_RANGES[i - 1]?.max ?? -2) + 1);
  assert.equal(PORT_RANGES[PORT_RANGES.length - 1]?.max, 65535);
  fc.assert(fc.property(fc.integer({ min: 0, max: 65535 }), (n) => {
    const r = portRange(n);
    assert.ok(r !== undefined && n >= r.min && n <= r.max);
  }));
});

test('invalid port numbers have no range and stable error codes', () => {
  for (const n of [-1, 65536, 70000, 1.5, NaN, Infinity]) {
    assert.equal(portRange(n), undefined);
    assert.equal(isValidPort(n), false);
  }
  assert.deepEqual(checkPort(80), { ok: true, port: 80 });
  const r = checkPort(70000);
  assert.ok(!r.ok && r.code === 'PORT_OUT_OF_RANGE');
  const f = checkPort(2.5);
  assert.ok(!f.ok && f.code === 'PORT_NOT_INTEGER');
});

test('parsePort: decimal text only, within 0..65535', () => {
  assert.deepEqual(parsePort(' 443 '), { ok: true, port: 443 });
  assert.deepEqual(parsePort('-0'), { ok: true, port: 0 });
  const cases: Array<[string, string]> = [
    ['70000', 'PORT_OUT_OF_RANGE'], ['-1', 'PORT_OUT_OF_RANGE'], ['65536', 'PORT_OUT_OF_RANGE'],
    ['1.5', 'PORT_NOT_INTEGER'], ['http', 'PORT_NOT_INTEGER'], ['0x50', 'PORT_NOT_INTEGER'], ['', 'PORT_EMPTY'],
  ];
  for (const [text, code] of cases) {
    const r = parsePort(text);
    assert.ok(!r.ok, text);
    assert.equal(r.code, code, text);
    assert.ok(r.message.length > 0);
  }
  fc.assert(fc.property(fc.string(), (s) => {
    const r = parsePort(s);
    if (r.ok) assert.ok(isValidPort(r.port));
  }));
});
