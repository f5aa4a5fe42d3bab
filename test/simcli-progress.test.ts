// The progress bar of `layer4 sim` on a terminal: fixed width, redrawn in place and throttled by
// wall time, cleared before the summary; byte counts in binary units; size arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ProgressBar, formatBytes, progressLine } from '../src/cli/progress.js';
import { parseSize } from '../src/cli/sim.js';

test('progressLine: exactly `width` columns for any progress', () => {
  fc.assert(
    fc.property(fc.nat(1 << 30), fc.integer({ min: 1, max: 1 << 30 }), fc.integer({ min: 39, max: 119 }), (done, total, width) => {
      const line = progressLine(Math.min(done, total), total, '12.5 ms virtual', width);
      assert.equal([...line].length, width);
    }),
  );
});

test('progressLine: empty, half and full bars with percent and sizes', () => {
  const empty = progressLine(0, 1024 * 1024, '', 60);
  assert.match(empty, /^\[░+\]   0%  0 B \/ 1.00 MiB/);
  const half = progressLine(512 * 1024, 1024 * 1024, '', 60);
  assert.match(half, /^\[█+░+\]  50%  512 KiB \/ 1.00 MiB/);
  const inside = /^\[([█░]+)\]/.exec(half)![1]!;
  assert.equal([...inside].filter((c) => c === '█').length, Math.round([...inside].length / 2));
  assert.match(progressLine(10, 10, 'done', 60), /^\[█+\] 100%  10 B \/ 10 B  done/);
});

test('ProgressBar: redraws in place at most once per interval, always at 100 %, clears itself', () => {
  let t = 0;
  const writes: string[] = [];
  const bar = new ProgressBar({ write: (s) => writes.push(s), columns: 60, intervalMs: 100, clock: () => t });
  bar.update(1, 100);
  t = 50;
  bar.update(2, 100); // throttled
  t = 150;
  bar.update(3, 100);
  t = 160;
  bar.update(100, 100); // the final state is always drawn
  assert.equal(writes.length, 3);
  for (const w of writes) {
    assert.ok(w.startsWith('\r'));
    assert.equal([...w].length, 60, 'one column short of the terminal, so it never wraps');
  }
  assert.match(writes[2]!, /100%/);
  bar.clear();
  assert.equal(writes.length, 4);
  assert.match(writes[3]!, /^\r {59}\r$/);
  bar.clear();
  assert.equal(writes.length, 4, 'clearing twice writes nothing');
});

test('formatBytes: binary units, three significant figures', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1536), '1.50 KiB');
  assert.equal(formatBytes(10 * 1024 * 1024), '10.0 MiB');
  assert.equal(formatBytes(300 * 1024 ** 3), '300 GiB');
});

test('--bytes sizes: K/M/G are binary, KB/MB/GB decimal', () => {
  assert.equal(parseSize('--bytes', '1000'), 1000);
  assert.equal(parseSize('--bytes', '64K'), 65536);
  assert.equal(parseSize('--bytes', '1M'), 1048576);
  assert.equal(parseSize('--bytes', '1MiB'), 1048576);
  assert.equal(parseSize('--bytes', '1MB'), 1_000_000);
  assert.equal(parseSize('--bytes', '1.5k'), 1536);
  assert.equal(parseSize('--bytes', '2G'), 2 * 1024 ** 3);
  assert.throws(() => parseSize('--bytes', '-5'), /byte count/);
  assert.throws(() => parseSize('--bytes', '2T'), /byte count/);
});
