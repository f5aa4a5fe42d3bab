// The `layer4` command line. bin/layer4.js imports this file and calls main(process.argv.slice(2)).
//
// Adding a command: create src/cli/<name>.ts exporting `register<Name>(program, ctx)` (see
// context.ts) that calls program.command('<name>')…action(…), then add it to COMMANDS below. Throw
// usageError()/runtimeError() from errors.ts for failures the user should read: main() prints
// their one-line message and sets the exit code (0 ok, 1 runtime failure, 2 bad usage or input).

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { CliContext, RegisterCommand } from './context.js';
import { registerBench } from './bench.js';
import { registerDecode } from './decode.js';
import { registerDemo } from './demo.js';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './errors.js';
import { processIo, type CliIo } from './io.js';
import { registerPacketdrill } from './packetdrill.js';
import { registerPorts } from './ports.js';
import { registerSim } from './sim.js';
import { registerStart } from './start.js';
import { registerUp } from './up.js';
import { registerWeb } from './web.js';

/** In help order. Planned: demo, sim, bench, up, web, packetdrill. */
const COMMANDS: RegisterCommand[] = [registerPorts, registerDecode, registerDemo, registerSim, registerStart, registerUp, registerWeb, registerPacketdrill, registerBench];

function packageVersion(): string {
  // dist/src/cli/main.js or <outDir>/src/cli/main.js: walk up to the package.json named layer4.
  let url = new URL('./', import.meta.url);
  for (let i = 0; i < 5; i++) {
    url = new URL('../', url);
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'layer4' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here; keep walking
    }
  }
  return '0.0.0';
}

/** Builds the program with every command registered; exposed for tests and for `layer4 start`. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('layer4');
  program
    .description('layer4: a userspace TCP/UDP/IP (IPv4 + IPv6) stack in TypeScript')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s), outputError: (s, write) => write(`layer4: ${s.replace(/^error: /, '')}`) })
    .exitOverride()
    .showSuggestionAfterError(true)
    .addHelpText('after', '\nExit codes: 0 ok, 1 runtime failure, 2 bad usage or input. `layer4 <command> --help` for details.');
  for (const register of COMMANDS) register(program, ctx);
  return program;
}

function reportError(io: CliIo, err: CliError, json: boolean): void {
  if (json && !err.jsonPrinted) io.out(JSON.stringify({ error: { code: err.code, message: err.message } }) + '\n');
  io.err(`layer4: ${err.message}\n`);
}

/** Runs the CLI with `argv` (without node and script path). Sets process.exitCode; never throws. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<void> {
  process.exitCode = await run(argv, io);
}

/** Like main() but returns the exit code instead of setting it. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram({ io });
  const json = argv.includes('--json');
  try {
    if (argv.length === 0) {
      io.err(program.helpInformation());
      return EXIT_USAGE;
    }
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CliError) {
      reportError(io, err, json);
      return err.exitCode;
    }
    if (err instanceof CommanderError) {
      // commander has already printed its one-line message (or the help text / version).
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.err(`layer4: internal error: ${message}\n`);
    if (process.env['LAYER4_DEBUG'] !== undefined && err instanceof Error && err.stack !== undefined) io.err(err.stack + '\n');
    return EXIT_FAILURE;
  }
}
