// `layer4 packetdrill FILE… [--profile rfc|linux|freebsd] [--ip-version V] [-D NAME=VALUE] [--verbose] [--json]`:
// runs packetdrill scripts against layer4's TCP on a virtual clock. One line per script (`ok`,
// `FAIL line N: …` with the expected and actual lines under it, `skipped: reason`), then
// `N passed, N failed[, N skipped]`. A directory runs every *.pkt file under it.
// Exit 0 when nothing failed, 1 when a script failed, 2 on bad usage.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { corpusDefines, corpusOf } from '../packetdrill/corpus.js';
import { isProfileName, PROFILE_NAMES, type ProfileName } from '../packetdrill/profiles.js';
import type { IpVersion } from '../packetdrill/runner-host.js';
import { runScript, type RunResult } from '../packetdrill/runner.js';
import type { CliContext } from './context.js';
import { runtimeError, usageError } from './errors.js';

interface PacketdrillOptions {
  profile: string;
  ipVersion?: string;
  define: string[];
  verbose?: boolean;
  json?: boolean;
}

function collect(paths: string[]): string[] {
  const files: string[] = [];
  const walk = (p: string): void => {
    if (!existsSync(p)) throw usageError(`${p}: no such file`, 'NO_SUCH_FILE');
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        const q = join(p, name);
        if (statSync(q).isDirectory() || name.endsWith('.pkt')) walk(q);
      }
    } else files.push(p);
  };
  for (const p of paths) walk(p);
  return files;
}

function parseDefines(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of list) {
    const eq = d.indexOf('=');
    const name = eq < 0 ? d : d.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw usageError(`bad define '${d}' (expected NAME or NAME=VALUE)`, 'BAD_DEFINE');
    out[name] = eq < 0 ? '1' : d.slice(eq + 1);
  }
  return out;
}

/** The report line for one script (plus the expected/actual lines of a failure). */
export function formatResult(file: string, r: RunResult): string {
  if (r.status === 'pass') return `${file}: ok\n`;
  if (r.status === 'skip') return `${file}: skipped: ${r.reason}${r.line !== undefined ? ` (line ${r.line})` : ''}\n`;
  let out = `${file}: FAIL line ${r.line}: ${r.message}\n`;
  if (r.expected !== undefined) out += `    script: ${r.expected}\n`;
  if (r.actual !== undefined) out += `    actual: ${r.actual}\n`;
  return out;
}

export function summaryLine(passed: number, failed: number, skipped: number): string {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

export function registerPacketdrill(program: Command, ctx: CliContext): void {
  program
    .command('packetdrill')
    .description("run packetdrill scripts against layer4's TCP (virtual clock; the script is the remote peer)")
    .argument('<files...>', 'script files, or directories of *.pkt files')
    .option('--profile <name>', `behaviour profile: ${PROFILE_NAMES.join(', ')}`, 'linux')
    .option('--ip-version <v>', 'ipv4, ipv6 or ipv4-mapped-ipv6 (default: the script\'s --ip_version, else ipv4)')
    .option('-D, --define <NAME=VALUE>', 'preprocessor define (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--verbose', 'print what each script did, event by event')
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExamples:\n  layer4 packetdrill test/packetdrill\n  layer4 packetdrill --profile rfc handshake/passive.pkt --verbose\n  layer4 packetdrill --profile linux gtests/net/tcp --json')
    .action((files: string[], opts: PacketdrillOptions) => {
      if (!isProfileName(opts.profile)) throw usageError(`unknown profile '${opts.profile}' (expected ${PROFILE_NAMES.join(', ')})`, 'BAD_PROFILE');
      const profile: ProfileName = opts.profile;
      const ipv = opts.ipVersion;
      if (ipv !== undefined && ipv !== 'ipv4' && ipv !== 'ipv6' && ipv !== 'ipv4-mapped-ipv6') throw usageError(`bad --ip-version '${ipv}'`, 'BAD_IP_VERSION');
      const defines = parseDefines(opts.define);
      const paths = collect(files);
      if (paths.length === 0) throw usageError('no script files found', 'NO_SCRIPTS');
      let passed = 0;
      let failed = 0;
      let skipped = 0;
      const results: Array<Record<string, unknown>> = [];
      for (const file of paths) {
        let r: RunResult;
        try {
          // Scripts of a known public corpus get the defines its own harness passes (explicit -D wins).
          const corpus = corpusOf(file);
          const runOpts: Parameters<typeof runScript>[1] = { profile, defines: corpus === undefined ? defines : { ...corpusDefines(corpus, ipv), ...defines } };
          if (ipv !== undefined) runOpts.ipVersion = ipv as IpVersion;
          r = runScript(readFileSync(file, 'utf8'), runOpts);
        } catch (e) {
          // A defect of the runner or the core, reported against the script rather than aborting the run.
          r = { status: 'fail', line: 0, message: `internal error: ${e instanceof Error ? e.message : String(e)}`, trace: [] };
        }
        if (r.status === 'pass') passed++;
        else if (r.status === 'fail') failed++;
        else skipped++;
        if (opts.json === true) {
          const { trace, ...rest } = r as RunResult & { trace?: string[] };
          results.push({ file, ...rest, ...(opts.verbose === true && trace !== undefined ? { trace } : {}) });
        } else {
          ctx.io.out(formatResult(file, r));
          if (opts.verbose === true && r.status !== 'skip') ctx.io.out(r.trace.map((l) => `      ${l}\n`).join(''));
        }
      }
      const summary = summaryLine(passed, failed, skipped);
      if (opts.json === true) ctx.io.out(JSON.stringify({ profile, results, passed, failed, skipped }) + '\n');
      else ctx.io.out(summary + '\n');
      if (failed > 0) throw runtimeError(`${failed} script${failed === 1 ? '' : 's'} failed`, 'SCRIPTS_FAILED', opts.json === true);
    });
}
