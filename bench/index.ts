// The benchmark runner behind `npm run bench` and `layer4 bench`: runs every benchmark module and
// prints one table. Each module measures its own baseline in the same run (this machine is shared
// and noisy: absolute figures drift, ratios hold better). Figures only — nothing here asserts on speed.
//
//   npm run bench                 all modules
//   npm run bench -- wire stack   only these
//   npm run bench -- --json       one JSON object on stdout
//   npm run bench -- --quick      smaller sizes and budgets (seconds, for a smoke test)

import { cpus as cpus_, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** What the figure is compared with, when the module measured a baseline in the same run. */
  baseline?: string;
  ratio?: number;
}

/** What every `bench<Name>(opts)` accepts. */
export interface BenchOptions {
  /** Smaller sizes and time budgets: the figures are rougher, the run takes seconds. */
  quick?: boolean;
}

type BenchFn = (opts: BenchOptions) => Promise<BenchFigure[]>;

/** Each module exports `bench<Name>(opts): Promise<BenchFigure[]>` from bench/<name>.ts, in this order. */
export const BENCH_MODULES: readonly string[] = ['wire', 'stack', 'sim', 'tcp', 'tcpsim', 'net', 'tun'];

export interface BenchMachine {
  node: string;
  cpus: number;
  cpu: string;
  /** 1-minute load average when the run started (other work on the machine skews every figure). */
  load: number;
  summary: string;
}

export interface BenchReport {
  machine: BenchMachine;
  quick: boolean;
  results: Record<string, BenchFigure[] | { skipped: string }>;
}

export interface RunBenchmarksOptions extends BenchOptions {
  /** Module names to run (default: all of BENCH_MODULES). Unknown names throw a RangeError. */
  modules?: readonly string[];
  /** Called with one line of progress before each module runs. */
  progress?: (line: string) => void;
}

async function load(name: string): Promise<BenchFn> {
  const mod = (await import(`./${name}.js`)) as Record<string, unknown>;
  const fn = mod[`bench${name[0]!.toUpperCase()}${name.slice(1)}`];
  if (typeof fn !== 'function') throw new Error(`bench/${name} exports no bench function`);
  return fn as BenchFn;
}

/** Runs the chosen modules one after the other and collects their figures. */
export async function runBenchmarks(opts: RunBenchmarksOptions = {}): Promise<BenchReport> {
  const only = opts.modules ?? [];
  const unknown = only.filter((m) => !BENCH_MODULES.includes(m));
  if (unknown.length > 0) throw new RangeError(`unknown benchmark module ${unknown.map((u) => JSON.stringify(u)).join(', ')} (modules: ${BENCH_MODULES.join(', ')})`);
  const machine = machineInfo();
  const results: BenchReport['results'] = {};
  for (const name of BENCH_MODULES) {
    if (only.length && !only.includes(name)) continue;
    let fn: BenchFn;
    try {
      fn = await load(name);
    } catch (err) {
      results[name] = { skipped: `module not available (${(err as Error).message.split('\n')[0]})` };
      continue;
    }
    opts.progress?.(`running ${name}…`);
    const figs = await fn({ quick: opts.quick === true });
    // A module that cannot run here (tun without root…) returns one `<name>: skipped (why)` row.
    const skip = figs.length === 1 ? /skipped \((.*)\)$/.exec(figs[0]!.name) : null;
    results[name] = skip ? { skipped: skip[1]! } : figs;
  }
  return { machine, quick: opts.quick === true, results };
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e6) return v.toExponential(3);
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

/** The report as a text table (machine line first, then one row per figure). */
export function formatBenchTable(report: BenchReport): string {
  const rows: string[][] = [['module', 'figure', 'value', 'unit', 'baseline', 'ratio']];
  for (const [mod, figs] of Object.entries(report.results)) {
    if (!Array.isArray(figs)) {
      rows.push([mod, `skipped: ${figs.skipped}`, '', '', '', '']);
      continue;
    }
    for (const f of figs) rows.push([mod, f.name, fmt(f.value), f.unit, f.baseline ?? '', f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 2 || i === 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [report.machine.summary + (report.quick ? ' · quick run (rough figures)' : ''), line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of rows.slice(1)) out.push(line(r));
  return out.join('\n') + '\n';
}

function machineInfo(): BenchMachine {
  const cpus = cpus_();
  const cpu = cpus[0]?.model ?? 'unknown cpu';
  const load = loadavg()[0] ?? 0;
  return { node: process.version, cpus: cpus.length, cpu, load, summary: `node ${process.version} · ${cpus.length} × ${cpu} · load ${load.toFixed(2)}` };
}

async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const modules = argv.filter((a) => !a.startsWith('--'));
  if (modules.some((m) => !BENCH_MODULES.includes(m))) {
    process.stderr.write(`bench: unknown module in ${modules.join(' ')} (modules: ${BENCH_MODULES.join(', ')})\n`);
    process.exitCode = 2;
    return;
  }
  const report = await runBenchmarks({ modules, quick: argv.includes('--quick'), progress: (l) => void process.stderr.write(l + '\n') });
  process.stdout.write(json ? JSON.stringify(report) + '\n' : formatBenchTable(report));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
