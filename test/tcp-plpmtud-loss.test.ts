// RFC 4821 §7.5 (plpmtud-loss.ts): a lost PLPMTUD probe is not congestion — its bytes are sent
// again, but no recovery begins and cwnd is not reduced; a loss of ordinary data beside it still is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session } from './rack-helpers.js';

/** Path MTU 1400 without ICMP: packets above it vanish, so probes for 1492 and 1500 are lost. */
const PAYLOAD_LIMIT = 1400 - 52; // IPv4 + TCP headers + the timestamp option
const SIZE = 2000 * 1024;

test('RFC 4821 §7.5 lost PLPMTUD probes alone: retransmitted in ordinary segments, no fast recovery, cwnd not reduced', () => {
  const s = session(
    {
      seed: 5,
      delayMs: 10,
      rateMbps: 100,
      config: { mtuProbing: 'on' },
      impair: (d, ctx) => (ctx.from.name === 'a' && d.seg.payload.length > PAYLOAD_LIMIT ? 'drop' : undefined),
    },
    SIZE,
  );
  const c = s.client;
  assert.equal(s.received, SIZE);
  assert.ok((c.plpmtud?.stats.probesLost ?? 0) >= 1, 'probes were lost');
  assert.equal(c.loss.probeLossesSpared, c.plpmtud!.stats.probesLost, 'every probe loss was spared');
  assert.equal(c.sndMss, PAYLOAD_LIMIT, 'the search still ends at the path MTU (§7.6.1: the lost size is given up)');
  assert.equal(c.stats.fastRetransmits, 0, 'no recovery episode');
  assert.equal(c.stats.rtoExpirations, 0);
  assert.equal(c.cc.ssthresh, Infinity, 'no window reduction');
});

test('RFC 4821 §7.5 a probe lost together with ordinary data: that is congestion, fast recovery and a reduction as usual', () => {
  let probeSeen = false;
  let dropped = false;
  const s = session(
    {
      seed: 5,
      delayMs: 10,
      rateMbps: 100,
      config: { mtuProbing: 'on' },
      impair: (d, ctx) => {
        if (ctx.from.name !== 'a' || d.seg.payload.length === 0) return undefined;
        if (d.seg.payload.length > PAYLOAD_LIMIT) {
          probeSeen = true;
          return 'drop';
        }
        // The first ordinary segment after the first probe is lost too.
        if (probeSeen && !dropped) {
          dropped = true;
          return 'drop';
        }
        return undefined;
      },
    },
    SIZE,
  );
  const c = s.client;
  assert.equal(s.received, SIZE);
  assert.ok(dropped);
  assert.ok(c.stats.fastRetransmits >= 1, 'recovery began');
  assert.ok(Number.isFinite(c.cc.ssthresh), 'the window was reduced');
});
