import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDnsExample } from '../examples/dns-over-lossy-link.js';

test('examples/dns-over-lossy-link: lookups succeed through 30 % loss by retrying, and the story repeats per seed', async () => {
  const runOnce = async (seed: number): Promise<{ lines: string[]; results: Awaited<ReturnType<typeof runDnsExample>> }> => {
    const lines: string[] = [];
    const results = await runDnsExample({ seed, loss: 0.3, print: (l) => lines.push(l) });
    // Drop the wall-time line, the only one that may differ between runs.
    return { lines: lines.filter((l) => !l.includes('wall time')), results };
  };
  const a = await runOnce(7);
  const b = await runOnce(7);
  assert.deepEqual(a.lines, b.lines);
  const byName = Object.fromEntries(a.results.map((r) => [r.name, r.address]));
  assert.deepEqual(byName, {
    'example.com': '93.184.216.34',
    'layer4.test': '10.0.0.53',
    'nonexistent.example': undefined,
    'rfc-editor.org': '4.31.198.49',
  });
  assert.ok(a.results.some((r) => r.tries > 1), 'with this seed at least one query needed a retry');
  assert.ok(a.lines.some((l) => l.includes('timeout for')));
});
