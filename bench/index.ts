// `npm run bench`: runs every benchmark module and prints one table. Each module measures its own
// baseline in the same run (this machine is shared and noisy: absolute figures drift, ratios hold
// better). Figures only — nothing here asserts on speed.
//
//   npm run bench                 all modules
//   npm run bench -- wire stack   only these
//   npm run bench -- --json       one JSON object on stdout

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** What the figure is compared with, when the module measured a baseline in the same run. */
  baseline?: string;
  ratio?: number;
}

import { cpus as cpus_ } from 'node:os';

type BenchFn = () => Promise<BenchFigure[]>;

// Each module exports `bench<Name>(): Promise<BenchFigure[]>` from bench/<name>.ts.
const MODULES = ['wire', 'stack', 'sim', 'tcp', 'net', 'tun'];

async function load(name: string): Promise<BenchFn> {
  const mod = (await import(`./${name}.js`)) as Record<string, unknown>;
  const fn = mod[`bench${name[0]!.toUpperCase()}${name.slice(1)}`];
  if (typeof fn !== 'function') throw new Error(`bench/${name} exports no bench function`);
  return fn as BenchFn;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e6) return v.toExponential(3);
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const only = argv.filter((a) => !a.startsWith('--'));
  const results: Record<string, BenchFigure[] | { skipped: string }> = {};
  for (const name of MODULES) {
    if (only.length && !only.includes(name)) continue;
    let fn: BenchFn;
    try {
      fn = await load(name);
    } catch (err) {
      results[name] = { skipped: `module not available (${(err as Error).message.split('\n')[0]})` };
      continue;
    }
    if (!json) process.stderr.write(`running ${name}…\n`);
    results[name] = await fn();
  }
  if (json) {
    process.stdout.write(JSON.stringify({ machine: machineInfo(), results }) + '\n');
    return;
  }
  const rows: string[][] = [['module', 'figure', 'value', 'unit', 'baseline', 'ratio']];
  for (const [mod, figs] of Object.entries(results)) {
    if (!Array.isArray(figs)) {
      rows.push([mod, `skipped: ${figs.skipped}`, '', '', '', '']);
      continue;
    }
    for (const f of figs) rows.push([mod, f.name, fmt(f.value), f.unit, f.baseline ?? '', f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 2 || i === 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(machineInfo().summary);
  console.log(line(rows[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
}

function machineInfo(): { node: string; cpus: number; cpu: string; summary: string } {
  const cpus = cpus_();
  const cpu = cpus[0]?.model ?? 'unknown cpu';
  return { node: process.version, cpus: cpus.length, cpu, summary: `node ${process.version} · ${cpus.length} × ${cpu}` };
}

await main(process.argv.slice(2));
