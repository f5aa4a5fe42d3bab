// Property: under every congestion control × loss detector combination (RFC 8985 RACK-TLP or the
// RFC 5681/6675 duplicate-ACK threshold, with PRR and undo), whatever the seed and impairments
// (loss below 30 %), every byte sent arrives intact, in order, and both ends reach CLOSED.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bytes, sha256, transfer } from './tcp-helpers.js';
import type { TcpConfig } from '../src/tcp/config.js';

const COMBOS: Array<Partial<TcpConfig>> = [];
for (const congestionControl of ['cubic', 'newreno', 'bbr']) {
  for (const lossDetection of ['rack', 'dupack'] as const) COMBOS.push({ congestionControl, lossDetection });
}
// PRR's conservative bound and undo off, with RACK but without TLP.
COMBOS.push({ congestionControl: 'cubic', lossDetection: 'rack', tlp: false, prr: 'crb', spuriousUndo: false });
// RFC 6937 PRR without SACK (DeliveredData from duplicate ACKs), with either reduction bound.
COMBOS.push({ congestionControl: 'newreno', sack: false }, { congestionControl: 'cubic', sack: false, prr: 'crb' });

for (const combo of COMBOS) {
  const name = Object.entries(combo).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  test(`property (${name}): bytes delivered == bytes sent and both sides reach CLOSED under loss < 30 %, reordering, duplication`, () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 0x7fffffff }),
          size: fc.integer({ min: 0, max: 60_000 }),
          loss: fc.double({ min: 0, max: 0.29, noNaN: true }),
          reorder: fc.double({ min: 0, max: 0.2, noNaN: true }),
          duplicate: fc.double({ min: 0, max: 0.1, noNaN: true }),
          delayMs: fc.integer({ min: 1, max: 50 }),
          rateMbps: fc.constantFrom(undefined, 10, 100),
          timestamps: fc.boolean(),
        }),
        (p) => {
          const data = bytes(p.size, p.seed);
          const r = transfer(
            {
              seed: p.seed,
              loss: p.loss,
              reorder: p.reorder,
              duplicate: p.duplicate,
              delayMs: p.delayMs,
              ...(p.rateMbps === undefined ? {} : { rateMbps: p.rateMbps }),
              trace: false,
              config: { ...combo, timestamps: p.timestamps, synRetries: 30, synAckRetries: 30, dataRetries: 40 },
            },
            data,
          );
          assert.equal(r.received.length, data.length);
          assert.equal(sha256(r.received), sha256(data));
          assert.equal(r.client.state, 'CLOSED');
          assert.equal(r.server?.state, 'CLOSED');
          assert.equal(r.client.error, undefined);
        },
      ),
      { numRuns: 30 },
    );
  });
}
