// The sans-IO rule (DESIGN.md, CONVENTIONS.md habit 1): the protocol core never imports node:*,
// never reads a clock and never draws its own randomness. This test reads the sources and fails
// on any such reference, so the rule is enforced by the suite and not by memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const CORE = ['wire', 'ports', 'tcp', 'udp', 'icmp', 'stack'];
const FORBIDDEN: Array<[RegExp, string]> = [
  [/\bfrom\s+['"]node:/, 'imports a node:* module'],
  [/\bimport\s*\(\s*['"]node:/, 'imports a node:* module'],
  [/\brequire\s*\(/, 'uses require()'],
  [/\bfrom\s+['"](fs|net|dgram|os|crypto|path|events|stream|timers|child_process)['"]/, 'imports a Node builtin'],
  [/\bDate\.now\b|\bnew Date\b/, 'reads the wall clock'],
  [/\bperformance\.now\b/, 'reads a clock'],
  [/\bprocess\.hrtime\b|\bprocess\./, 'touches process'],
  [/\bMath\.random\b/, 'uses Math.random (inject an Rng)'],
  [/\b(setTimeout|setInterval|setImmediate|queueMicrotask)\b/, 'schedules on the event loop'],
  [/\bcrypto\.getRandomValues\b/, 'draws its own randomness'],
];

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

test('sans-IO core: no node:*, clock, timers or Math.random under src/{wire,ports,tcp,udp,icmp,stack}', () => {
  const violations: string[] = [];
  let files = 0;
  for (const layer of CORE) {
    for (const file of tsFiles(join('src', layer))) {
      files++;
      const lines = stripComments(readFileSync(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        for (const [re, why] of FORBIDDEN) if (re.test(line)) violations.push(`${file}:${i + 1}: ${why}: ${line.trim()}`);
      });
    }
  }
  assert.ok(files > 0, 'found no core source files to check');
  assert.deepEqual(violations, []);
});

test('the purity check itself catches a forbidden line', () => {
  const bad = stripComments("import { x } from 'node:fs';\nconst t = Date.now(); // fine comment\n");
  const hits = FORBIDDEN.filter(([re]) => bad.split('\n').some((l) => re.test(l)));
  assert.ok(hits.length >= 2);
  assert.equal(stripComments('// Date.now() in a comment').trim(), '');
});
