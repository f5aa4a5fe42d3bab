// Our own packetdrill suite (test/packetdrill/**), written from the RFCs, run against layer4's TCP
// with the `rfc` profile: one test per script, named by its path. A script that fails because the
// core departs from the RFC stays in the suite and is listed in KNOWN_FAILURES with the reason;
// such a test passes while the script fails, and fails as soon as the script passes, so the list
// stays honest.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runScript, type RunResult } from '../src/packetdrill/runner.js';

const ROOT = join('test', 'packetdrill');

/** Scripts that fail because layer4's TCP core departs from the RFC (path → RFC section and what differs). */
const KNOWN_FAILURES: Record<string, string> = {};

function scripts(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...scripts(p));
    else if (name.endsWith('.pkt')) out.push(p);
  }
  return out;
}

function explain(r: RunResult): string {
  if (r.status === 'pass') return 'passed';
  if (r.status === 'skip') return `skipped: ${r.reason}`;
  return [`FAIL line ${r.line}: ${r.message}`, r.expected && `  script: ${r.expected}`, r.actual && `  actual: ${r.actual}`].filter(Boolean).join('\n');
}

const files = scripts(ROOT);
const names = files.map((f) => relative(ROOT, f).split('\\').join('/'));

test('the suite has scripts in every RFC area', () => {
  const dirs = new Set(names.map((n) => n.split('/')[0]));
  for (const d of ['handshake', 'data', 'window', 'nagle-delack', 'retransmit', 'close', 'time-wait', 'rst-5961', 'keepalive', 'mss-options', 'urgent', 'rfc7323', 'rfc2018', 'syscalls']) {
    assert.ok(dirs.has(d), `no scripts under ${d}/`);
  }
});

test('every known failure names a script of the suite', () => {
  for (const k of Object.keys(KNOWN_FAILURES)) assert.ok(existsSync(join(ROOT, k)), `${k} does not exist`);
});

files.forEach((file, i) => {
  const name = names[i]!;
  test(`packetdrill ${name}`, () => {
    const text = readFileSync(file, 'utf8');
    assert.match(text, /RFC \d+/, 'each script names the RFC section it tests');
    const r = runScript(text, { profile: 'rfc' });
    const known = KNOWN_FAILURES[name];
    if (known !== undefined) {
      assert.equal(r.status, 'fail', `${name} is a known failure (${known}) but it ${r.status === 'pass' ? 'passes now: remove it from KNOWN_FAILURES' : explain(r)}`);
      return;
    }
    assert.equal(r.status, 'pass', explain(r));
  });
});
