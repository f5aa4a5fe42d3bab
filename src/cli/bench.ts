// `layer4 bench [--json] [--quick] [MODULE…]`: runs the benchmark modules (bench/*.ts, shipped as
// dist/bench) and prints each figure beside the baseline it measured in the same run, with the ratio.
// Progress goes to stderr, so `--json` leaves exactly one JSON object on stdout.

import type { Command } from 'commander';
import { BENCH_MODULES, formatBenchTable, runBenchmarks } from '../../bench/index.js';
import type { CliContext } from './context.js';
import { usageError } from './errors.js';

interface BenchCliOptions {
  json?: boolean;
  quick?: boolean;
}

export function registerBench(program: Command, ctx: CliContext): void {
  program
    .command('bench')
    .description('throughput, handshakes/s and per-packet costs, each beside a baseline measured in the same run')
    .argument('[module...]', `only these modules (${BENCH_MODULES.join(', ')}); default all`)
    .option('--json', 'print one JSON object on stdout (progress stays on stderr)')
    .option('--quick', 'smaller sizes and time budgets: rough figures in seconds')
    .action(async (modules: string[], opts: BenchCliOptions) => {
      const unknown = modules.filter((m) => !BENCH_MODULES.includes(m));
      if (unknown.length > 0) {
        throw usageError(`unknown benchmark module ${unknown.map((u) => JSON.stringify(u)).join(', ')}; modules: ${BENCH_MODULES.join(', ')}`, 'BAD_MODULE');
      }
      const report = await runBenchmarks({ modules, quick: opts.quick === true, progress: (l) => ctx.io.err(l + '\n') });
      ctx.io.out(opts.json === true ? JSON.stringify(report) + '\n' : formatBenchTable(report));
    });
}
