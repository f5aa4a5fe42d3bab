// Parse-rate check for the packetdrill parser over a directory tree of .pkt scripts.
//   node dist/scripts/packetdrill-parse-corpus.js [--dialect linux|freebsd] [-D NAME[=VALUE]]... [--show N] DIR...
// Prints how many files parse, how many of those contain unsupported events (by reason),
// whether printing and re-parsing gives the same events, and the most frequent parse errors
// grouped by code and message shape, each with one example. Not part of `npm test`.
//
// Corpus: check out google/packetdrill and freebsd-net/tcp-testsuite, e.g.
//   git clone --depth 1 https://github.com/google/packetdrill /tmp/pd-corpus/packetdrill
//   node dist/scripts/packetdrill-parse-corpus.js -D TFO_COOKIE=3021b9d889017eeb \
//     /tmp/pd-corpus/packetdrill/gtests/net/tcp
//   node dist/scripts/packetdrill-parse-corpus.js --dialect freebsd /tmp/pd-corpus/tcp-testsuite
// (google's suite passes -D TFO_COOKIE=... and a few more defines from its run_all.py; without
// them those events are reported as unsupported, not as errors.)

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { formatScript, parseScript, type Event } from '../src/packetdrill/index.js';

/** Events without their positions, for comparing a script with its printed-and-reparsed form. */
function shape(events: Event[]): unknown[] {
  return events.map(({ line: _l, column: _c, ...rest }) => (rest.kind === 'unsupported' ? { kind: rest.kind, reason: rest.reason } : rest));
}

interface Args {
  dialect: 'linux' | 'freebsd';
  defines: Record<string, string>;
  show: number;
  dirs: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { dialect: 'linux', defines: {}, show: 15, dirs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--dialect') {
      const d = argv[++i];
      if (d !== 'linux' && d !== 'freebsd') throw new Error(`bad --dialect ${String(d)}`);
      args.dialect = d;
    } else if (a === '-D') {
      const def = argv[++i] ?? '';
      const eq = def.indexOf('=');
      if (eq < 0) args.defines[def] = '';
      else args.defines[def.slice(0, eq)] = def.slice(eq + 1);
    } else if (a === '--show') {
      args.show = Number(argv[++i]);
    } else {
      args.dirs.push(a);
    }
  }
  return args;
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (name.endsWith('.pkt')) out.push(p);
  }
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (args.dirs.length === 0) {
    console.error('usage: packetdrill-parse-corpus [--dialect linux|freebsd] [-D NAME[=V]] [--show N] DIR...');
    process.exitCode = 2;
    return;
  }
  const files: string[] = [];
  for (const d of args.dirs) walk(d, files);
  let clean = 0;
  let withUnsupported = 0;
  let failed = 0;
  let events = 0;
  let roundTripped = 0;
  let firstRoundTripFailure = '';
  const reasons = new Map<string, number>();
  const groups = new Map<string, { count: number; example: string }>();
  const started = performance.now();
  for (const f of files) {
    const r = parseScript(readFileSync(f, 'utf8'), { dialect: args.dialect, defines: args.defines });
    if (!r.ok) {
      failed++;
      for (const e of r.errors) {
        const key = `${e.code}: ${e.message.replace(/[0-9]+/g, 'N').replace(/'[^']*'/g, "'…'")}`;
        const g = groups.get(key) ?? { count: 0, example: `${f}:${e.line}:${e.column} ${e.message}` };
        g.count++;
        groups.set(key, g);
      }
      continue;
    }
    events += r.script.events.length;
    const again = parseScript(formatScript(r.script), { dialect: args.dialect, defines: args.defines });
    if (again.ok && isDeepStrictEqual(shape(again.script.events), shape(r.script.events))) roundTripped++;
    else if (firstRoundTripFailure === '') firstRoundTripFailure = f;
    const unsupported = r.script.events.filter((e) => e.kind === 'unsupported');
    if (unsupported.length === 0) clean++;
    else withUnsupported++;
    for (const u of unsupported) if (u.kind === 'unsupported') reasons.set(u.reason, (reasons.get(u.reason) ?? 0) + 1);
  }
  const ms = performance.now() - started;
  const pct = (n: number): string => (files.length === 0 ? '0.0' : ((100 * n) / files.length).toFixed(1));
  console.log(`files: ${files.length} (${events} events, ${ms.toFixed(0)} ms)`);
  console.log(`parsed without unsupported nodes: ${clean} (${pct(clean)} %)`);
  console.log(`parsed with unsupported nodes:    ${withUnsupported} (${pct(withUnsupported)} %)`);
  console.log(`failed to parse:                  ${failed} (${pct(failed)} %)`);
  console.log(`print → reparse gives the same events: ${roundTripped} of ${clean + withUnsupported}${firstRoundTripFailure === '' ? '' : ` (first difference: ${firstRoundTripFailure})`}`);
  for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`  unsupported ×${n}: ${reason}`);
  const top = [...groups].sort((a, b) => b[1].count - a[1].count).slice(0, args.show);
  if (top.length > 0) console.log('top parse errors:');
  for (const [key, g] of top) console.log(`  ×${g.count} ${key}\n      e.g. ${g.example}`);
}

main();
