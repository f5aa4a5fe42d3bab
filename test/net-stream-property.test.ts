// Property: whatever the write sizes, link loss, seed and the reader's pause/resume pattern, every
// byte written into a host.net socket comes out of the peer's, once and in order, and both sockets
// close without error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fc from 'fast-check';
import { createNetwork } from '../src/sim/index.js';
import type { Socket } from '../src/api/net.js';

test('host.net carries every byte once and in order under random writes, loss and pauses', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.array(fc.integer({ min: 1, max: 40_000 }), { minLength: 1, maxLength: 40 }),
      fc.constantFrom(0, 0.01, 0.05),
      fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 0, maxLength: 6 }),
      async (seed, sizes, loss, pauses) => {
        const net = createNetwork({ seed });
        try {
          const a = net.host({ address: '10.0.0.1' });
          const b = net.host({ address: '10.0.0.2' });
          net.link(a, b, { delayMs: 1, loss });
          const parts: Buffer[] = [];
          const accepted = new Promise<Socket>((resolve) => b.net.createServer(resolve).listen(5000));
          const c = a.net.connect(5000, '10.0.0.2');
          c.resume(); // consume the (empty) return direction so the client sees 'end'
          const s = await accepted;
          let chunks = 0;
          const plan = [...pauses];
          s.on('data', (d: Buffer) => {
            parts.push(d);
            chunks++;
            const p = plan[0];
            if (p !== undefined && chunks % p === 0) {
              plan.shift();
              s.pause();
              setTimeout(() => s.resume(), 1);
            }
          });
          const ended = once(s, 'end');
          const closed = [once(c, 'close'), once(s, 'close')];
          let off = 0;
          const sent: Buffer[] = [];
          for (const n of sizes) {
            const chunk = Buffer.alloc(n);
            for (let i = 0; i < n; i++) chunk[i] = (off + i) * 2654435761 >>> 24;
            off += n;
            sent.push(chunk);
            if (!c.write(chunk)) await once(c, 'drain');
          }
          c.end();
          await ended;
          assert.ok(Buffer.concat(parts).equals(Buffer.concat(sent)));
          const [[ce], [se]] = (await Promise.all(closed)) as [[boolean], [boolean]];
          assert.deepEqual([ce, se], [false, false]);
        } finally {
          net.close();
        }
      },
    ),
    { numRuns: 12, seed: 20260226 },
  );
});
