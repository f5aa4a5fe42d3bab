// npm run conformance -- [GOOGLE_PACKETDRILL_DIR] [FREEBSD_TCP_TESTSUITE_DIR] [--json] [--verbose] [--ipv6]
// (or LAYER4_PACKETDRILL_GOOGLE / LAYER4_PACKETDRILL_FREEBSD). Runs google/packetdrill's
// gtests/net/tcp with the linux profile and run_all.py's IPv4 defines, and FreeBSD's tcp-testsuite
// with the freebsd profile, each script from its own folder; prints pass/fail/skip per folder and
// the failure and skip reasons grouped. The suites are read where the user put them (docs/conformance.md).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { corpusDefines, corpusProfile, usesFastOpen, type Corpus } from '../src/packetdrill/corpus.js';
import { runScript, type RunResult } from '../src/packetdrill/runner.js';

/**
 * Folders testing one kernel's API or an extension layer4 does not implement (docs/conformance.md
 * gives the reasons). Their scripts still run and show in the table; the in-scope line leaves them out.
 */
const EXCLUDED: Record<Corpus, string[]> = {
  google: ['fastopen', 'zerocopy', 'epoll', 'timestamping', 'eor', 'sendfile', 'splice', 'md5', 'notsent_lowat', 'inq', 'gro'],
  freebsd: ['fast-open', 'tcp-over-udp'],
};

function excluded(corpus: Corpus, folder: string): boolean {
  return EXCLUDED[corpus].some((e) => folder === e || folder.startsWith(`${e}/`));
}

interface Tally {
  pass: number;
  fail: number;
  skip: number;
}

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.pkt')) out.push(p);
  }
  return out;
}

/** A reason with its numbers, addresses and quoted details blanked, so that alike failures group. */
function group(r: RunResult): string {
  if (r.status === 'pass') return 'pass';
  const text = r.status === 'skip' ? r.reason : r.message;
  return text
    .replace(/'[^']*'/g, "'…'")
    .replace(/\b\d+(\.\d+)?\b/g, 'N')
    .replace(/\(until [^)]*\)/g, '')
    .slice(0, 110);
}

function runCorpus(corpus: Corpus, root: string, verbose: boolean) {
  const base = corpus === 'google' && existsSync(join(root, 'gtests/net/tcp')) ? join(root, 'gtests/net/tcp') : root;
  const files = walk(base, []);
  const perFolder = new Map<string, Tally>();
  const failures = new Map<string, string[]>();
  const skips = new Map<string, string[]>();
  const total: Tally = { pass: 0, fail: 0, skip: 0 };
  const inScope: Tally = { pass: 0, fail: 0, skip: 0 };
  /** Scripts in an in-scope folder left out because they use the Fast Open API. */
  const outOfFolder: string[] = [];
  const cwd = process.cwd();
  for (const file of files) {
    const folder = relative(base, dirname(file)) || '.';
    const rel = relative(base, file);
    const text = readFileSync(file, 'utf8');
    let r: RunResult;
    try {
      // Each script runs from its own folder, as its harness runs it (relative paths in it resolve there).
      process.chdir(dirname(file));
      // run_all.py's IPv4 variant by default; --ipv6 its IPv6 one (google only: FreeBSD scripts name their own version)
      const v6 = corpus === 'google' && ipv6;
      // its --mtu=1520 too (so that the MSS stays 1460), written as the script's first option line
      r = runScript(v6 ? `--mtu=1520\n${text}` : text, { profile: corpusProfile(corpus), defines: corpusDefines(corpus, v6 ? 'ipv6' : 'ipv4'), ...(v6 ? { ipVersion: 'ipv6' as const } : {}) });
    } catch (e) {
      r = { status: 'fail', line: 0, message: `internal error: ${e instanceof Error ? e.message : String(e)}`, trace: [] };
    } finally {
      process.chdir(cwd);
    }
    const t = perFolder.get(folder) ?? { pass: 0, fail: 0, skip: 0 };
    t[r.status]++;
    total[r.status]++;
    if (!excluded(corpus, folder) && !usesFastOpen(text)) inScope[r.status]++;
    else if (!excluded(corpus, folder)) outOfFolder.push(rel);
    perFolder.set(folder, t);
    if (r.status !== 'pass') {
      const m = r.status === 'fail' ? failures : skips;
      const g = group(r);
      m.set(g, [...(m.get(g) ?? []), rel]);
      if (verbose) console.log(`${rel}: ${r.status} ${r.status === 'fail' ? `line ${r.line}: ${r.message}` : r.reason}`);
    }
  }
  return { corpus, base, total, inScope, outOfFolder, perFolder, failures, skips, files: files.length };
}

function print(res: ReturnType<typeof runCorpus>): void {
  const { corpus, base, total, perFolder } = res;
  console.log(`\n== ${corpus} (${base}), profile ${corpusProfile(corpus)}: ${total.pass} passed, ${total.fail} failed, ${total.skip} skipped of ${res.files}`);
  const n = res.inScope.pass + res.inScope.fail + res.inScope.skip;
  console.log(`in scope (without ${EXCLUDED[corpus].join(', ')}): ${res.inScope.pass} passed, ${res.inScope.fail} failed, ${res.inScope.skip} skipped of ${n}`);
  if (res.outOfFolder.length > 0) console.log(`also left out (Fast Open API in another folder): ${res.outOfFolder.join(', ')}`);
  const w = Math.max(8, ...[...perFolder.keys()].map((k) => k.length));
  console.log(`${'folder'.padEnd(w)}  pass  fail  skip`);
  for (const [f, t] of [...perFolder].sort()) console.log(`${f.padEnd(w)}  ${String(t.pass).padStart(4)}  ${String(t.fail).padStart(4)}  ${String(t.skip).padStart(4)}${excluded(corpus, f) ? '  (excluded)' : ''}`);
  for (const [title, m] of [['failure reasons', res.failures], ['skip reasons', res.skips]] as const) {
    console.log(`-- ${title} (top 15)`);
    for (const [g, fs] of [...m].sort((a, b) => b[1].length - a[1].length).slice(0, 15)) console.log(`${String(fs.length).padStart(5)}  ${g}  (e.g. ${fs[0]})`);
  }
}

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const json = process.argv.includes('--json');
const verbose = process.argv.includes('--verbose');
const ipv6 = process.argv.includes('--ipv6');
const google = args[0] ?? process.env.LAYER4_PACKETDRILL_GOOGLE;
const freebsd = args[1] ?? process.env.LAYER4_PACKETDRILL_FREEBSD;
if ((google === undefined || google === '') && (freebsd === undefined || freebsd === '')) {
  console.error('usage: npm run conformance -- GOOGLE_PACKETDRILL_DIR [FREEBSD_TCP_TESTSUITE_DIR]\n  (or set LAYER4_PACKETDRILL_GOOGLE / LAYER4_PACKETDRILL_FREEBSD; see docs/conformance.md)');
  process.exit(2);
}
const results: Array<ReturnType<typeof runCorpus>> = [];
for (const [c, dir] of [['google', google], ['freebsd', freebsd]] as const) {
  if (dir === undefined || dir === '' || dir === '-') continue;
  if (!existsSync(dir)) {
    console.error(`${c}: no such directory ${dir}`);
    process.exit(2);
  }
  results.push(runCorpus(c, dir, verbose && !json));
}
if (json) {
  const obj = results.map((r) => ({
    corpus: r.corpus,
    total: r.total,
    inScope: r.inScope,
    fastOpenElsewhere: r.outOfFolder,
    folders: Object.fromEntries(r.perFolder),
    failures: Object.fromEntries([...r.failures].map(([k, v]) => [k, v.length])),
    skips: Object.fromEntries([...r.skips].map(([k, v]) => [k, v.length])),
  }));
  console.log(JSON.stringify(obj));
} else for (const r of results) print(r);
