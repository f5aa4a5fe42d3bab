// `layer4 sim`: a bulk transfer A → B over an impaired in-memory link on the virtual clock
// (trace/bulk.ts), checked end to end with SHA-256, summarised in a few lines or one JSON object.
// Also home of the argument checks the simulation commands share (demo.ts uses them too): each
// bad value is a one-line usage error, exit 2.

import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { congestionControlNames } from '../tcp/cc/index.js';
import { DEFAULT_TCP_CONFIG } from '../tcp/config.js';
import { runBulkTransfer, BULK_A, BULK_B, BULK_PORT, type BulkOptions, type BulkResult } from '../trace/bulk.js';
import { renderTimeSequenceSvg } from '../viz/plot-timeseq.js';
import type { CliContext } from './context.js';
import { runtimeError, usageError } from './errors.js';
import { ProgressBar, formatBytes } from './progress.js';

// ---- argument checks ------------------------------------------------------------------------

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function number(flag: string, text: string, what: string): number {
  const t = text.trim();
  if (!NUMBER.test(t)) throw usageError(`${flag} must be ${what}, got ${JSON.stringify(text)}`, 'BAD_ARGUMENT');
  return Number(t);
}

/** A probability in [0, 1); '1%' is accepted as 0.01. */
export function parseProbability(flag: string, text: string): number {
  const pct = text.trim().endsWith('%');
  const v = number(flag, pct ? text.trim().slice(0, -1) : text, 'a probability in [0, 1) such as 0.01 or 1%') / (pct ? 100 : 1);
  if (!(v >= 0 && v < 1)) throw usageError(`${flag} must be a probability in [0, 1), got ${text}`, 'BAD_ARGUMENT');
  return v;
}

/** A finite number >= 0 (a delay). */
export function parseNonNegative(flag: string, text: string): number {
  const v = number(flag, text, 'a number >= 0');
  if (!(v >= 0 && Number.isFinite(v))) throw usageError(`${flag} must be a number >= 0, got ${text}`, 'BAD_ARGUMENT');
  return v;
}

/** A finite number > 0 (a rate). */
export function parsePositive(flag: string, text: string): number {
  const v = number(flag, text, 'a number > 0');
  if (!(v > 0 && Number.isFinite(v))) throw usageError(`${flag} must be a number > 0, got ${text}`, 'BAD_ARGUMENT');
  return v;
}

/** An integer in [min, max]; decimal, or hex with 0x. */
export function parseInteger(flag: string, text: string, min: number, max: number): number {
  const t = text.trim();
  const v = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t.slice(2), 16) : /^[+-]?\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(v)) throw usageError(`${flag} must be an integer, got ${JSON.stringify(text)}`, 'BAD_ARGUMENT');
  if (v < min || v > max) throw usageError(`${flag} must be between ${min} and ${max}, got ${text}`, 'BAD_ARGUMENT');
  return v;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3, kb: 1e3, mb: 1e6, gb: 1e9 };
const MAX_BYTES = 2 ** 40;

/** A byte count: 1000, 64K / 1M / 1G (KiB, MiB, GiB), 1KB / 1MB / 1GB (powers of 1000). */
export function parseSize(flag: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = SIZE_UNITS[(m?.[2] ?? '?').toLowerCase()];
  if (m === null || unit === undefined) throw usageError(`${flag} must be a byte count such as 1000, 64K, 1M or 1MB, got ${JSON.stringify(text)}`, 'BAD_ARGUMENT');
  const v = Math.round(Number(m[1]) * unit);
  if (!(v >= 1 && v <= MAX_BYTES)) throw usageError(`${flag} must be between 1 byte and 1 TiB, got ${text}`, 'BAD_ARGUMENT');
  return v;
}

/** An output file whose directory exists (checked before a run, so a typo costs nothing). */
export function checkOutputFile(flag: string, file: string): string {
  if (file.trim() === '') throw usageError(`${flag} needs a file name`, 'BAD_ARGUMENT');
  const dir = dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw usageError(`${flag} ${file}: directory ${dir} does not exist`, 'BAD_ARGUMENT');
  if (existsSync(file) && statSync(file).isDirectory()) throw usageError(`${flag} ${file} is a directory`, 'BAD_ARGUMENT');
  return file;
}

/** Writes an output file; a failure is a runtime error (exit 1) naming the file. */
export function writeOutput(file: string, data: string | Uint8Array): void {
  try {
    writeFileSync(file, data);
  } catch (e) {
    throw runtimeError(`cannot write ${file}: ${e instanceof Error ? e.message : String(e)}`, 'WRITE_FAILED');
  }
}

// ---- the command --------------------------------------------------------------------------

interface SimFlags {
  bytes?: string;
  loss?: string;
  delay?: string;
  rate?: string;
  reorder?: string;
  duplicate?: string;
  corrupt?: string;
  mtu?: string;
  cc?: string;
  seed?: string;
  pcap?: string;
  plot?: string;
  json?: boolean;
}

export interface SimSettings {
  bytes: number;
  loss: number;
  delayMs: number;
  rateMbps: number;
  reorder: number;
  duplicate: number;
  corrupt: number;
  mtu: number;
  cc: string;
  seed: number;
}

export const SIM_DEFAULTS: SimSettings = { bytes: 1024 * 1024, loss: 0, delayMs: 10, rateMbps: 100, reorder: 0, duplicate: 0, corrupt: 0, mtu: 1500, cc: DEFAULT_TCP_CONFIG.congestionControl, seed: 1 };

export function simSettings(f: SimFlags): SimSettings {
  const ccs = congestionControlNames();
  const cc = (f.cc ?? SIM_DEFAULTS.cc).toLowerCase();
  if (!ccs.includes(cc)) throw usageError(`--cc must be one of ${ccs.join(', ')}, got ${JSON.stringify(f.cc)}`, 'BAD_ARGUMENT');
  return {
    bytes: f.bytes === undefined ? SIM_DEFAULTS.bytes : parseSize('--bytes', f.bytes),
    loss: f.loss === undefined ? 0 : parseProbability('--loss', f.loss),
    delayMs: f.delay === undefined ? SIM_DEFAULTS.delayMs : parseNonNegative('--delay', f.delay),
    rateMbps: f.rate === undefined ? SIM_DEFAULTS.rateMbps : parsePositive('--rate', f.rate),
    reorder: f.reorder === undefined ? 0 : parseProbability('--reorder', f.reorder),
    duplicate: f.duplicate === undefined ? 0 : parseProbability('--duplicate', f.duplicate),
    corrupt: f.corrupt === undefined ? 0 : parseProbability('--corrupt', f.corrupt),
    // IPv4 header + TCP header + the smallest MSS the core sends (48), up to the IPv4 limit.
    mtu: f.mtu === undefined ? SIM_DEFAULTS.mtu : parseInteger('--mtu', f.mtu, 88, 65535),
    cc,
    seed: f.seed === undefined ? SIM_DEFAULTS.seed : parseInteger('--seed', f.seed, -(2 ** 31), 2 ** 32 - 1),
  };
}

export function bulkOptions(s: SimSettings): BulkOptions {
  return { bytes: s.bytes, seed: s.seed, delayMs: s.delayMs, rateMbps: s.rateMbps, loss: s.loss, reorder: s.reorder, duplicate: s.duplicate, corrupt: s.corrupt, mtu: s.mtu, cc: s.cc };
}

function pct(p: number): string {
  return `${Number((p * 100).toPrecision(3))}%`;
}

/** The link in words: '10 ms delay, 100 Mbit/s, 1% loss'. */
export function describeLink(s: SimSettings): string {
  const parts = [`${s.delayMs} ms delay`, `${s.rateMbps} Mbit/s`];
  if (s.loss > 0) parts.push(`${pct(s.loss)} loss`);
  if (s.reorder > 0) parts.push(`${pct(s.reorder)} reordering`);
  if (s.duplicate > 0) parts.push(`${pct(s.duplicate)} duplication`);
  if (s.corrupt > 0) parts.push(`${pct(s.corrupt)} corruption`);
  if (s.mtu !== SIM_DEFAULTS.mtu) parts.push(`MTU ${s.mtu}`);
  return parts.join(', ');
}

const group = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** The human-readable summary of a run. */
export function formatSimSummary(s: SimSettings, r: BulkResult): string {
  const lines: string[] = [];
  lines.push(`  transfer     ${formatBytes(s.bytes)}, ${BULK_A} → ${BULK_B}:${BULK_PORT}, ${s.cc}, seed ${s.seed}`);
  lines.push(`  link         ${describeLink(s)}`);
  lines.push(`  delivered    ${group(r.received)} of ${group(r.bytes)} bytes`);
  const verdict = r.sha256Match ? '✓ what B read is what A wrote' : r.received !== r.bytes ? '✗ incomplete' : '✗ MISMATCH: B read other bytes than A wrote';
  lines.push(`  sha256       ${r.sha256Received.slice(0, 16)}…  ${verdict}`);
  lines.push(`  goodput      ${r.goodputMbps.toFixed(2)} Mbit/s (virtual time)`);
  lines.push(`  duration     ${ms(r.virtualMs)} ms virtual, ${ms(r.wallMs)} ms wall`);
  const how = `${r.fastRetransmits} fast retransmit${r.fastRetransmits === 1 ? '' : 's'}, ${r.rtoExpirations} timeout${r.rtoExpirations === 1 ? '' : 's'}`;
  lines.push(`  segments     ${group(r.segments)} sent by A, ${group(r.retransmits)} retransmitted (${how})`);
  lines.push(r.rtt === undefined ? '  RTT          no samples' : `  RTT          min ${ms(r.rtt.min)} · avg ${ms(r.rtt.avg)} · max ${ms(r.rtt.max)} ms (${group(r.rtt.samples)} samples)`);
  const ss = r.ssthresh === undefined ? r.cc === 'bbr' ? 'ssthresh not used (BBR)' : 'ssthresh not set (no loss seen)' : `ssthresh ${group(r.ssthresh)}`;
  lines.push(`  final cwnd   ${group(r.cwnd)} bytes (${(r.cwnd / r.mss).toFixed(1)} × ${r.mss} B MSS), ${ss}`);
  if (r.failure !== undefined) lines.push('', `  FAILED: ${r.failure}`);
  return lines.join('\n') + '\n';
}

/** The --json object. */
export function simJson(s: SimSettings, r: BulkResult): Record<string, unknown> {
  return {
    bytes: r.bytes,
    received: r.received,
    sha256Match: r.sha256Match,
    sha256: { sent: r.sha256Sent, received: r.sha256Received },
    completed: r.completed,
    ...(r.failure !== undefined ? { failure: r.failure } : {}),
    goodputMbps: r.goodputMbps,
    virtualMs: r.virtualMs,
    wallMs: r.wallMs,
    segments: r.segments,
    retransmits: r.retransmits,
    fastRetransmits: r.fastRetransmits,
    rtoExpirations: r.rtoExpirations,
    rtt: r.rtt ?? null,
    cwnd: r.cwnd,
    ssthresh: r.ssthresh ?? null,
    mss: r.mss,
    cc: r.cc,
    seed: s.seed,
    link: { delayMs: s.delayMs, rateMbps: s.rateMbps, loss: s.loss, reorder: s.reorder, duplicate: s.duplicate, corrupt: s.corrupt, mtu: s.mtu },
  };
}

export function registerSim(program: Command, ctx: CliContext): void {
  program
    .command('sim')
    .description('bulk transfer between two stacks over an impaired in-memory link (virtual time), SHA-256 checked')
    .option('--bytes <n>', 'bytes to send: 1000, 64K, 1M (MiB), 1MB (10^6)', '1M')
    .option('--loss <p>', 'loss probability per packet, [0, 1) or a percentage', '0')
    .option('--delay <ms>', 'one-way delay in ms', String(SIM_DEFAULTS.delayMs))
    .option('--rate <mbps>', 'link rate in Mbit/s', String(SIM_DEFAULTS.rateMbps))
    .option('--reorder <p>', 'probability a packet is held back so later ones overtake it', '0')
    .option('--duplicate <p>', 'probability a packet is delivered twice', '0')
    .option('--corrupt <p>', 'probability one bit of a packet is flipped', '0')
    .option('--mtu <n>', 'interface MTU of both hosts (TCP MSS follows)', String(SIM_DEFAULTS.mtu))
    .option('--cc <name>', `congestion control: ${congestionControlNames().join(', ')}`, SIM_DEFAULTS.cc)
    .option('--seed <n>', 'seed of every random choice (same seed, same run)', String(SIM_DEFAULTS.seed))
    .option('--pcap <file>', 'write every packet to a pcap file')
    .option('--plot <file.svg>', 'write a time-sequence graph with the cwnd panel (SVG)')
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExamples:\n  layer4 sim --loss 0.01\n  layer4 sim --bytes 10M --delay 25 --rate 50 --loss 2% --plot run.svg\n  layer4 sim --reorder 0.05 --duplicate 0.01 --corrupt 0.001 --json')
    .action(async (flags: SimFlags) => {
      const s = simSettings(flags);
      const pcap = flags.pcap === undefined ? undefined : checkOutputFile('--pcap', flags.pcap);
      const plot = flags.plot === undefined ? undefined : checkOutputFile('--plot', flags.plot);
      const json = flags.json === true;
      const bar = !json && process.stderr.isTTY === true ? new ProgressBar({ write: (t) => ctx.io.err(t), columns: process.stderr.columns || 80 }) : undefined;
      const opts = bulkOptions(s);
      if (pcap !== undefined) opts.pcapFile = pcap;
      if (plot !== undefined) opts.series = true;
      if (bar !== undefined) opts.onProgress = (done, total, now) => bar.update(done, total, `${ms(now)} ms virtual`);
      let r: BulkResult;
      try {
        r = await runBulkTransfer(opts);
      } finally {
        bar?.clear();
      }
      if (plot !== undefined && r.series !== undefined) {
        const title = `${formatBytes(s.bytes)} over ${describeLink(s)} (${s.cc}, seed ${s.seed})`;
        writeOutput(plot, renderTimeSequenceSvg(r.series, { title, cwndPanel: true }));
      }
      ctx.io.out(json ? JSON.stringify(simJson(s, r)) + '\n' : formatSimSummary(s, r));
      if (!r.completed) {
        const code = r.received === r.bytes && !r.sha256Match ? 'SHA256_MISMATCH' : 'TRANSFER_FAILED';
        throw runtimeError(`transfer failed: ${r.failure ?? 'unknown reason'}`, code, json);
      }
    });
}
