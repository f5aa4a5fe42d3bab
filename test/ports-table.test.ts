import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PortTable } from '../src/ports/index.js';

const KEY = Uint8Array.from({ length: 16 }, (_, i) => i * 3);
const table = (): PortTable => new PortTable({ key: KEY });

test('bind then rebind the same address and port → EADDRINUSE', () => {
  const t = table();
  assert.deepEqual(t.bind('10.0.0.1', 80), { ok: true });
  assert.deepEqual(t.bind('10.0.0.1', 80), { ok: false, code: 'EADDRINUSE' });
  assert.deepEqual(t.bind('10.0.0.1', 80, { reuseAddr: true }), { ok: false, code: 'EADDRINUSE' });
  assert.deepEqual(t.bind('10.0.0.2', 80), { ok: true }, 'another specific address is a different socket');
  assert.deepEqual(t.bind('10.0.0.1', 81), { ok: true });
  assert.equal(t.size, 3);
});

test('wildcard 0.0.0.0 conflicts with specific IPv4 addresses, both orders', () => {
  const t = table();
  assert.ok(t.bind('0.0.0.0', 80).ok);
  assert.deepEqual(t.bind('10.0.0.1', 80), { ok: false, code: 'EADDRINUSE' });
  const u = table();
  assert.ok(u.bind('10.0.0.1', 80).ok);
  assert.deepEqual(u.bind('0.0.0.0', 80), { ok: false, code: 'EADDRINUSE' });
  assert.ok(u.bind('2001:db8::1', 80).ok, 'an IPv6 address does not meet an IPv4 one');
});

test('RFC 3493 §5.3: "::" covers IPv4 too unless v6only', () => {
  const t = table();
  assert.ok(t.bind('::', 80).ok);
  assert.deepEqual(t.bind('0.0.0.0', 80), { ok: false, code: 'EADDRINUSE' });
  assert.deepEqual(t.bind('127.0.0.1', 80), { ok: false, code: 'EADDRINUSE' });
  assert.deepEqual(t.bind('::1', 80), { ok: false, code: 'EADDRINUSE' });
  const v6 = table();
  assert.ok(v6.bind('::', 80, { v6only: true }).ok);
  assert.ok(v6.bind('0.0.0.0', 80).ok);
  assert.deepEqual(v6.bind('::1', 80), { ok: false, code: 'EADDRINUSE' });
});

test('RFC 4291 §2.5.5.2: IPv4-mapped IPv6 is the same address as IPv4', () => {
  const t = table();
  assert.ok(t.bind('::ffff:10.0.0.1', 80).ok);
  assert.deepEqual(t.bind('10.0.0.1', 80), { ok: false, code: 'EADDRINUSE' });
  assert.ok(t.isBound('10.0.0.1', 80));
  assert.ok(t.release('10.0.0.1', 80));
  assert.equal(t.size, 0);
});

test('reuseAddr: specific next to wildcard only when both sides ask, never with exclusive', () => {
  const t = table();
  assert.ok(t.bind('0.0.0.0', 53, { reuseAddr: true }).ok);
  assert.deepEqual(t.bind('10.0.0.1', 53), { ok: false, code: 'EADDRINUSE' });
  assert.ok(t.bind('10.0.0.1', 53, { reuseAddr: true }).ok);
  assert.deepEqual(t.bind('10.0.0.1', 53, { reuseAddr: true }), { ok: false, code: 'EADDRINUSE' });
  assert.deepEqual(t.bind('10.0.0.2', 53, { reuseAddr: true, exclusive: true }), { ok: false, code: 'EADDRINUSE' });
  const u = table();
  assert.ok(u.bind('0.0.0.0', 53, { reuseAddr: true, exclusive: true }).ok);
  assert.deepEqual(u.bind('10.0.0.1', 53, { reuseAddr: true }), { ok: false, code: 'EADDRINUSE' });
});

test('EINVAL: bad address, port out of range, port 0', () => {
  const t = table();
  for (const [a, p] of [['10.0.0.256', 80], ['nope', 80], ['10.0.0.1', 70000], ['10.0.0.1', -1], ['10.0.0.1', 1.5], ['10.0.0.1', 0], ['1:::2', 80]] as const) {
    assert.deepEqual(t.bind(a, p), { ok: false, code: 'EINVAL' }, `${a} ${p}`);
  }
  assert.equal(t.size, 0);
});

test('release and isBound accept any spelling of the address', () => {
  const t = table();
  assert.ok(t.bind('2001:db8::1', 443).ok);
  assert.ok(t.isBound('2001:DB8:0:0:0:0:0:1', 443));
  assert.equal(t.isBound('2001:db8::2', 443), false);
  assert.equal(t.release('2001:db8::2', 443), false);
  assert.equal(t.release('2001:0db8::1', 443), true);
  assert.equal(t.isBound('2001:db8::1', 443), false);
  assert.ok(t.bind('2001:db8::1', 443).ok, 'bindable again after release');
});

test('lookup: exact address before family wildcard before dual-stack ::', () => {
  const t = table();
  assert.ok(t.bind('::', 7, { reuseAddr: true }).ok);
  assert.equal(t.lookup('10.0.0.1', 7)?.address, '::');
  assert.ok(t.bind('0.0.0.0', 7, { reuseAddr: true }).ok);
  assert.equal(t.lookup('10.0.0.1', 7)?.address, '0.0.0.0');
  assert.ok(t.bind('10.0.0.1', 7, { reuseAddr: true }).ok);
  assert.equal(t.lookup('10.0.0.1', 7)?.address, '10.0.0.1');
  assert.equal(t.lookup('10.0.0.2', 7)?.address, '0.0.0.0');
  assert.equal(t.lookup('::1', 7)?.address, '::');
  assert.equal(t.lookup('::1', 8), undefined);
  assert.deepEqual(t.bindings().map((b) => b.address), ['::', '0.0.0.0', '10.0.0.1']);
});

test('bindEphemeral binds inside the configured range and reports exhaustion', () => {
  const t = new PortTable({ key: KEY, ephemeralMin: 40000, ephemeralMax: 40003 });
  const got: number[] = [];
  for (let i = 0; i < 4; i++) {
    const r = t.bindEphemeral('10.0.0.1');
    assert.ok(r.ok);
    got.push(r.port);
    assert.ok(t.isBound('10.0.0.1', r.port));
  }
  assert.deepEqual([...got].sort(), [40000, 40001, 40002, 40003]);
  assert.deepEqual(t.bindEphemeral('10.0.0.1'), { ok: false, code: 'EADDRINUSE' });
  assert.ok(t.bindEphemeral('10.0.0.2').ok, 'other address: same ports are free');
  assert.deepEqual(t.bindEphemeral('bogus'), { ok: false, code: 'EINVAL' });
  assert.deepEqual(t.bindEphemeral('10.0.0.3', {}, { address: '10.0.0.9', port: 99999 }), { ok: false, code: 'EINVAL' });
  assert.equal(t.ephemeralMin, 40000);
  assert.equal(t.ephemeralMax, 40003);
});

test('allocateEphemeral skips ports a wildcard listener holds', () => {
  const t = new PortTable({ key: KEY, ephemeralMin: 50000, ephemeralMax: 50001 });
  assert.ok(t.bind('0.0.0.0', 50000).ok);
  assert.equal(t.allocateEphemeral('10.0.0.1', '10.0.0.2', 80), 50001);
  assert.equal(t.allocateEphemeral('10.0.0.1', '10.0.0.2', 80, (p) => p === 50001), undefined);
  assert.equal(t.portInUse(50000), true);
  assert.equal(t.portInUse(50001), false, 'allocate does not bind');
});
