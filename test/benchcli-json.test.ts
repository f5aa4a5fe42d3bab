// `layer4 bench --quick --json`: one JSON object on stdout with the machine and every figure; the
// figures are checked for shape only (numbers > 0, baseline and ratio together) — never for speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';

function capture(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { out: (t) => void (out += t), err: (t) => void (err += t), isTty: false }, out: () => out, err: () => err };
}

test('layer4 bench --quick --json wire stack prints one JSON object with positive figures', async () => {
  const c = capture();
  const code = await run(['bench', '--quick', '--json', 'wire', 'stack'], c.io);
  assert.equal(code, 0, c.err());
  const lines = c.out().trim().split('\n');
  assert.equal(lines.length, 1, 'exactly one line on stdout');
  const report = JSON.parse(lines[0]!) as { machine: { node: string; cpus: number; cpu: string; load: number }; quick: boolean; results: Record<string, unknown> };
  assert.equal(report.quick, true);
  assert.equal(report.machine.node, process.version);
  assert.ok(report.machine.cpus >= 1);
  assert.deepEqual(Object.keys(report.results), ['wire', 'stack']);
  let withBaseline = 0;
  for (const [mod, figs] of Object.entries(report.results)) {
    assert.ok(Array.isArray(figs) && figs.length > 0, `${mod} has figures`);
    for (const f of figs as Array<Record<string, unknown>>) {
      assert.equal(typeof f['name'], 'string');
      assert.equal(typeof f['unit'], 'string');
      assert.ok(typeof f['value'] === 'number' && Number.isFinite(f['value']) && f['value'] > 0, `${mod}/${String(f['name'])} value > 0`);
      assert.equal('baseline' in f, 'ratio' in f, `${mod}/${String(f['name'])}: baseline and ratio come together`);
      if ('ratio' in f) {
        withBaseline++;
        assert.equal(typeof f['baseline'], 'string');
        assert.ok(typeof f['ratio'] === 'number' && f['ratio'] > 0);
      }
    }
  }
  assert.ok(withBaseline >= 2, 'wire compares both checksum sizes with the 16-bit loop');
  assert.match(c.err(), /running wire/, 'progress goes to stderr');
});

test('layer4 bench without --json prints a table with the baseline and ratio columns', async () => {
  const c = capture();
  const code = await run(['bench', '--quick', 'wire'], c.io);
  assert.equal(code, 0, c.err());
  const lines = c.out().split('\n');
  assert.match(lines[0]!, /node v\d+.*quick run/);
  assert.match(lines[1]!, /^module\s+figure\s+value\s+unit\s+baseline\s+ratio$/);
  assert.ok(lines.some((l) => /checksum 32-bit words, 1500 B .*16-bit loop\s+\d+\.\d\d×$/.test(l)));
});

test('layer4 bench with an unknown module exits 2 and lists the modules', async () => {
  const c = capture();
  const code = await run(['bench', '--json', 'wire', 'nosuch'], c.io);
  assert.equal(code, 2);
  assert.match(c.err(), /^layer4: unknown benchmark module "nosuch"; modules: wire, stack, sim, tcp, tcpsim, net, tun\n$/);
  assert.deepEqual(JSON.parse(c.out()), { error: { code: 'BAD_MODULE', message: 'unknown benchmark module "nosuch"; modules: wire, stack, sim, tcp, tcpsim, net, tun' } });
});

test('layer4 bench --quick --json tcpsim: virtual-time figures are positive numbers, the Mathis bound and the 1-flow cost as baselines', async () => {
  const c = capture();
  const code = await run(['bench', '--quick', '--json', 'tcpsim'], c.io);
  assert.equal(code, 0, c.err());
  const report = JSON.parse(c.out().trim()) as { results: Record<string, unknown> };
  const figs = report.results['tcpsim'];
  assert.ok(Array.isArray(figs), 'tcpsim ran (not skipped)');
  const list = figs as Array<{ name: string; value: number; unit: string; baseline?: string; ratio?: number }>;
  assert.equal(list.length, 7);
  for (const f of list) {
    assert.ok(Number.isFinite(f.value) && f.value > 0, `${f.name} value > 0`);
    if (f.ratio !== undefined) assert.ok(f.ratio > 0 && typeof f.baseline === 'string', `${f.name} ratio > 0`);
  }
  assert.equal(list.filter((f) => f.unit === 'Mbit/s' && /Mathis/.test(f.baseline ?? '')).length, 3, 'CUBIC, NewReno and BBR beside the Mathis bound');
  assert.equal(list.filter((f) => f.unit === '% of link').length, 2, 'default and auto-tuned buffers');
  assert.equal(list.filter((f) => f.unit === 'ns/segment').length, 2, '1 flow and many flows');
});
