// Property: whatever the seed and impairments (loss below 30 %), every byte sent arrives intact,
// in order, and both ends reach CLOSED.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bytes, sha256, transfer } from './tcp-helpers.js';

test('property: bytes delivered == bytes sent and both sides reach CLOSED under loss < 30 %, reordering, duplication, corruption', () => {
  fc.assert(
    fc.property(
      fc.record({
        seed: fc.integer({ min: 1, max: 0x7fffffff }),
        size: fc.integer({ min: 0, max: 60_000 }),
        loss: fc.double({ min: 0, max: 0.29, noNaN: true }),
        reorder: fc.double({ min: 0, max: 0.2, noNaN: true }),
        duplicate: fc.double({ min: 0, max: 0.1, noNaN: true }),
        corrupt: fc.double({ min: 0, max: 0.05, noNaN: true }),
        delayMs: fc.integer({ min: 1, max: 50 }),
        recvBufferSize: fc.constantFrom(4096, 20_000, 256 * 1024),
        noDelay: fc.boolean(),
      }),
      (p) => {
        const data = bytes(p.size, p.seed);
        const r = transfer(
          {
            seed: p.seed,
            loss: p.loss,
            reorder: p.reorder,
            duplicate: p.duplicate,
            corrupt: p.corrupt,
            delayMs: p.delayMs,
            trace: false,
            // Give up far later than the defaults: the property is about correctness, not patience.
            config: { recvBufferSize: p.recvBufferSize, synRetries: 30, synAckRetries: 30, dataRetries: 40, noDelay: p.noDelay },
          },
          data,
        );
        assert.equal(r.received.length, data.length);
        assert.equal(sha256(r.received), sha256(data));
        assert.equal(r.client.state, 'CLOSED');
        assert.equal(r.server?.state, 'CLOSED');
        assert.equal(r.client.error, undefined);
        assert.equal(r.pair.a.connectionCount + r.pair.b.connectionCount, 0);
      },
    ),
    { numRuns: 40 },
  );
});
