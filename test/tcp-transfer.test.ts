// Bulk transfers through the Pair harness, checked end to end with SHA-256.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytes, sha256, transfer } from './tcp-helpers.js';

const MSS = 1460;

for (const size of [0, 1, MSS - 1, MSS, MSS + 1, 100_000]) {
  test(`transfer of ${size} bytes arrives intact and both sides reach CLOSED`, () => {
    const data = bytes(size, size + 1);
    const r = transfer({ seed: 1 }, data);
    assert.equal(r.received.length, size);
    assert.equal(sha256(r.received), sha256(data));
    assert.equal(r.client.state, 'CLOSED');
    assert.equal(r.server?.state, 'CLOSED');
    assert.equal(r.pair.a.connectionCount + r.pair.b.connectionCount, 0);
  });
}

test('10 MB transfer at 1 Gbit/s arrives intact', () => {
  const data = bytes(10 * 1024 * 1024, 99);
  const r = transfer({ seed: 2, delayMs: 1, rateMbps: 1000, trace: false }, data);
  assert.equal(r.received.length, data.length);
  assert.equal(sha256(r.received), sha256(data));
  assert.equal(r.client.stats.retransmittedSegments, 0);
});

for (const loss of [0.01, 0.05, 0.1, 0.2]) {
  test(`transfer with ${loss * 100}% loss in both directions arrives intact`, () => {
    const data = bytes(200_000, 3);
    const r = transfer({ seed: 12, loss, delayMs: 5 }, data);
    assert.equal(sha256(r.received), sha256(data));
    assert.equal(r.client.state, 'CLOSED');
    assert.equal(r.server?.state, 'CLOSED');
    assert.ok(r.pair.trace.some((t) => t.fate === 'dropped'), 'the link dropped segments');
  });
}

test('transfer with reordering, duplication and corruption arrives intact', () => {
  const data = bytes(300_000, 4);
  const r = transfer({ seed: 5, reorder: 0.05, duplicate: 0.05, corrupt: 0.02, delayMs: 5 }, data);
  assert.equal(sha256(r.received), sha256(data));
  assert.equal(r.client.state, 'CLOSED');
  assert.equal(r.server?.state, 'CLOSED');
});

test('RFC 9293 §3.4 sequence numbers wrap modulo 2^32 in the middle of a transfer', () => {
  const data = bytes(200_000, 6);
  const r = transfer(
    { seed: 7, loss: 0.05, reorder: 0.05, delayMs: 3, a: { config: { isn: () => 0xffffff00 } }, b: { config: { isn: () => 0xfffffff0 } } },
    data,
  );
  assert.equal(r.client.iss, 0xffffff00);
  assert.ok(r.client.sndMax < 0xffffff00, 'SND.MAX wrapped past zero');
  assert.equal(sha256(r.received), sha256(data));
  assert.equal(r.client.state, 'CLOSED');
});
