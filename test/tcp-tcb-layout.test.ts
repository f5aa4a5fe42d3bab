// The compact TCB storage (src/tcp/tcb.ts) and the 4-tuple table (src/tcp/conn-table.ts) behave
// like the plain fields and string-keyed map they replace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Pair } from '../src/tcp/pair.js';
import { ConnectionTable, tupleHash } from '../src/tcp/conn-table.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import { TimerTable } from '../src/tcp/timers.js';

function idleConnection(): TcpConnection {
  const pair = new Pair({ seed: 1, delayMs: 1, trace: false });
  const c = pair.a.connect({ address: '10.0.0.2', port: 80 }, {}, 0);
  assert.ok(c.ok);
  return c.value;
}

test('RFC 9293 §3.4 sequence variables keep every unsigned 32-bit value (stored as int32)', () => {
  const c = idleConnection();
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
      c.sndUna = v;
      c.rcvNxt = v;
      c.rcvAdvEdge = v;
      c.tsRecent = v;
      return c.sndUna === v && c.rcvNxt === v && c.rcvAdvEdge === v && c.tsRecent === v;
    }),
  );
  c.sndMax = 0xffffffff;
  assert.equal(c.sndMax, 4294967295);
});

test('TCB flags are independent bits; times and counters keep fractions and 53-bit values', () => {
  const c = idleConnection();
  const before = { ackNow: c.ackNow, finQueued: c.finQueued, readableArmed: c.readableArmed, sackOk: c.sackOk };
  c.ackNow = !before.ackNow;
  assert.equal(c.ackNow, !before.ackNow);
  assert.equal(c.finQueued, before.finQueued);
  assert.equal(c.readableArmed, before.readableArmed);
  assert.equal(c.sackOk, before.sackOk);
  c.ackNow = before.ackNow;
  assert.equal(c.ackNow, before.ackNow);
  assert.equal(c.heapAt, Infinity);
  assert.equal(c.tsLastSample, -Infinity);
  c.lastRecv = 1234.5678;
  c.delivered = 2 ** 52 + 1;
  assert.equal(c.lastRecv, 1234.5678);
  assert.equal(c.delivered, 2 ** 52 + 1);
});

test('timer table: no array while nothing is armed, earliest deadline, clearAll', () => {
  const t = new TimerTable();
  assert.equal(t.next(), Infinity);
  assert.equal(t.isSet('rto'), false);
  t.set('rto', 50.5);
  t.set('delack', 40);
  assert.equal(t.rto, 50.5);
  assert.equal(t.next(), 40);
  t.clear('delack');
  assert.equal(t.next(), 50.5);
  t.clear('rto');
  assert.equal(t.next(), Infinity);
  t.set('keepalive', 7);
  assert.equal(t.keepalive, 7);
  t.clearAll();
  assert.equal(t.keepalive, Infinity);
});

test('connection table: 4-tuples whose hashes collide are told apart (get, set, delete)', () => {
  // Find two 4-tuples with the same 30-bit hash (birthday bound: a few tens of thousands of tries).
  const seen = new Map<number, number>();
  let pair: [number, number] | undefined;
  for (let p = 1; p < 400_000 && pair === undefined; p++) {
    const h = tupleHash('10.0.0.1', 1000 + (p % 60000), '10.0.0.2', 1 + Math.floor(p / 60000));
    const other = seen.get(h);
    if (other !== undefined) pair = [other, p];
    else seen.set(h, p);
  }
  assert.ok(pair !== undefined, 'no collision found');
  const mk = (p: number): TcpConnection =>
    ({ local: { address: '10.0.0.1', port: 1000 + (p % 60000) }, remote: { address: '10.0.0.2', port: 1 + Math.floor(p / 60000) } }) as TcpConnection;
  const [a, b] = [mk(pair[0]), mk(pair[1])];
  const t = new ConnectionTable();
  t.set(a);
  t.set(b);
  assert.equal(t.size, 2);
  assert.equal(t.get(a.local.address, a.local.port, a.remote.address, a.remote.port), a);
  assert.equal(t.get(b.local.address, b.local.port, b.remote.address, b.remote.port), b);
  assert.deepEqual([...t.values()].length, 2);
  t.delete(a);
  assert.equal(t.size, 1);
  assert.equal(t.get(a.local.address, a.local.port, a.remote.address, a.remote.port), undefined);
  assert.equal(t.get(b.local.address, b.local.port, b.remote.address, b.remote.port), b);
  t.delete(a); // not there: no change
  assert.equal(t.size, 1);
  t.delete(b);
  assert.equal(t.size, 0);
  assert.equal(t.has(b.local.address, b.local.port, b.remote.address, b.remote.port), false);
});

test('connection table: the 4-tuple hash is keyed — a collision found for one seed is not one under another (RFC 6056 §2.2 concern)', () => {
  const seen = new Map<number, number>();
  let pair: [number, number] | undefined;
  for (let p = 1; p < 400_000 && pair === undefined; p++) {
    const h = tupleHash('10.0.0.1', 1000 + (p % 60000), '10.0.0.2', 1 + Math.floor(p / 60000), 0x1234567);
    const other = seen.get(h);
    if (other !== undefined) pair = [other, p];
    else seen.set(h, p);
  }
  assert.ok(pair !== undefined, 'no collision found');
  const [x, y] = pair;
  const under = (seed: number, p: number): number => tupleHash('10.0.0.1', 1000 + (p % 60000), '10.0.0.2', 1 + Math.floor(p / 60000), seed);
  assert.equal(under(0x1234567, x), under(0x1234567, y));
  assert.notEqual(under(0x7654321, x), under(0x7654321, y));
});
