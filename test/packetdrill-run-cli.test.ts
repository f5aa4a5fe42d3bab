// `layer4 packetdrill FILE…`: one line per script, the summary as the last line of stdout, and the
// exit code (0 nothing failed, 1 something failed, 2 bad usage), run in-process through run().

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/cli/main.js';

const tmp = mkdtempSync(join(tmpdir(), 'layer4-pd-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const PASSING = `// RFC 9293 §3.10.7.1
0 < S 0:0(0) win 65535
+0 > R. 0:0(0) ack 1
`;
const FAILING = `0 < S 0:0(0) win 65535
+0 > R. 0:0(0) ack 2
`;
const SKIPPED = '0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3\n';

function file(name: string, text: string): string {
  const p = join(tmp, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

async function layer4(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t), isTty: false });
  return { code, stdout, stderr };
}

const pass = file('a/pass.pkt', PASSING);
const fail = file('a/fail.pkt', FAILING);
const skip = file('b/skip.pkt', SKIPPED);

test('passing scripts: ok lines, summary last, exit 0', async () => {
  const r = await layer4(['packetdrill', '--profile', 'rfc', pass]);
  assert.equal(r.code, 0);
  const lines = r.stdout.trimEnd().split('\n');
  assert.deepEqual(lines, [`${pass}: ok`, '1 passed, 0 failed']);
});

test('a failing script: FAIL line N with script and actual lines, exit 1', async () => {
  const r = await layer4(['packetdrill', pass, fail, skip]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, new RegExp(`${fail.replace(/[.\\/]/g, '\\$&')}: FAIL line 2: bad outbound packet: ack 1 instead of 2`));
  assert.match(r.stdout, /\n {4}script: \+0 > R\. 0:0\(0\) ack 2\n {4}actual: 0 > R\. 0:0\(0\) ack 1 win 0\n/);
  assert.match(r.stdout, /skip\.pkt: skipped: only SOCK_STREAM sockets are supported \(line 1\)/);
  assert.equal(r.stdout.trimEnd().split('\n').at(-1), '1 passed, 1 failed, 1 skipped');
});

test('a directory runs every .pkt under it', async () => {
  const r = await layer4(['packetdrill', join(tmp, 'a')]);
  assert.equal(r.stdout.trimEnd().split('\n').at(-1), '1 passed, 1 failed');
});

test('--json prints one object with every result', async () => {
  const r = await layer4(['packetdrill', '--json', pass, fail]);
  assert.equal(r.code, 1);
  const o = JSON.parse(r.stdout) as { profile: string; passed: number; failed: number; skipped: number; results: Array<{ file: string; status: string; line?: number }> };
  assert.equal(o.profile, 'linux');
  assert.deepEqual([o.passed, o.failed, o.skipped], [1, 1, 0]);
  assert.deepEqual(o.results.map((x) => x.status), ['pass', 'fail']);
  assert.equal(o.results[1]?.line, 2);
});

test('--verbose adds the trace under each script', async () => {
  const r = await layer4(['packetdrill', '--verbose', pass]);
  assert.match(r.stdout, /\n {6}0 < S 0:0\(0\) win 65535\n/);
});

test('bad usage exits 2: unknown profile, missing file, no file', async () => {
  assert.equal((await layer4(['packetdrill', '--profile', 'bsd', pass])).code, 2);
  const missing = await layer4(['packetdrill', join(tmp, 'nope.pkt')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file/);
  assert.equal((await layer4(['packetdrill'])).code, 2);
  assert.equal((await layer4(['packetdrill', '--ip-version', 'ipv5', pass])).code, 2);
});
