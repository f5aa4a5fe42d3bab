// `layer4 decode HEX|FILE [--json]`: every header field of an IPv4/IPv6 packet given as hex
// (spaces and colons allowed, or split over several arguments), or of every packet in a pcap file
// (classic pcap; Ethernet, Linux cooked and raw-IP link types). `-` reads stdin. Malformed input
// prints what decoded and why the rest did not, and exits 1; a missing file exits 2.

import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { decodePacket, type DecodedPacket } from '../wire/packet.js';
import { formatDecoded } from '../wire/packet-format.js';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, readPcap, type PcapReadResult } from '../wire/pcap.js';
import type { CliContext } from './context.js';
import { runtimeError, usageError } from './errors.js';

interface DecodeOptions {
  json?: boolean;
}

const HEX_TEXT = /^(0x)?[0-9a-fA-F\s:]*$/;

/** Hex text → bytes; `0x` prefix, whitespace and ':' ignored. */
export function parseHexInput(text: string): Uint8Array | { error: string } {
  const clean = text.trim().replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (clean.length === 0) return { error: 'no hex digits given' };
  if (!/^[0-9a-fA-F]*$/.test(clean)) {
    const bad = /[^0-9a-fA-F]/.exec(clean);
    return { error: `not hex: unexpected ${JSON.stringify(bad?.[0] ?? '?')} at digit ${(bad?.index ?? 0) + 1}` };
  }
  if (clean.length % 2 !== 0) return { error: `odd number of hex digits (${clean.length}): every byte needs two` };
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function isPcapMagic(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  const m = ((b[0] ?? 0) << 24 | (b[1] ?? 0) << 16 | (b[2] ?? 0) << 8 | (b[3] ?? 0)) >>> 0;
  return [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a].includes(m);
}

function isText(b: Uint8Array): boolean {
  return b.every((x) => x === 9 || x === 10 || x === 13 || (x >= 32 && x < 127));
}

type Input = { kind: 'packet'; source: string; bytes: Uint8Array } | { kind: 'pcap'; source: string; bytes: Uint8Array };

function readSource(args: string[]): Input {
  const joined = args.join(' ');
  if (args.length === 1 && args[0] === '-') {
    const bytes = new Uint8Array(readFileSync(0));
    return classify('stdin', bytes);
  }
  if (args.length === 1) {
    const path = args[0] ?? '';
    if (existsSync(path)) {
      if (statSync(path).isDirectory()) throw usageError(`${path} is a directory, not a pcap file`, 'BAD_INPUT');
      return classify(path, new Uint8Array(readFileSync(path)));
    }
    if (!HEX_TEXT.test(path) || /\.(pcap|pcapng|cap)$/i.test(path)) {
      throw usageError(`${path}: no such file (and not hex)`, 'NO_SUCH_FILE');
    }
  }
  if (!HEX_TEXT.test(joined)) throw usageError(`not hex and not a file: ${JSON.stringify(joined.length > 40 ? joined.slice(0, 40) + '…' : joined)}`, 'BAD_INPUT');
  const bytes = parseHexInput(joined);
  if ('error' in bytes) throw usageError(bytes.error, 'BAD_HEX');
  return { kind: 'packet', source: 'hex', bytes };
}

function classify(source: string, bytes: Uint8Array): Input {
  if (isPcapMagic(bytes)) return { kind: 'pcap', source, bytes };
  if (isText(bytes)) {
    const hex = parseHexInput(new TextDecoder().decode(bytes));
    if ('error' in hex) throw usageError(`${source}: neither a pcap file nor hex text (${hex.error})`, 'BAD_INPUT');
    return { kind: 'packet', source, bytes: hex };
  }
  if (bytes.length > 0 && ((bytes[0] ?? 0) >> 4 === 4 || (bytes[0] ?? 0) >> 4 === 6)) return { kind: 'packet', source, bytes };
  return { kind: 'pcap', source, bytes }; // let the pcap reader name what is wrong with it
}

function timestamp(sec: number, frac: number, precision: 'micro' | 'nano'): string {
  return `${sec}.${String(frac).padStart(precision === 'nano' ? 9 : 6, '0')}`;
}

function decodeOne(ctx: CliContext, bytes: Uint8Array, json: boolean): void {
  const d = decodePacket(bytes);
  if (json) ctx.io.out(JSON.stringify({ input: 'hex', packet: d }) + '\n');
  else ctx.io.out(formatDecoded(d) + '\n');
  if (d.error !== undefined) throw runtimeError(`decoding stopped at offset ${d.error.offset} (${d.error.field}): ${d.error.message}`, d.error.code, json);
}

function decodePcapFile(ctx: CliContext, source: string, r: PcapReadResult, json: boolean): void {
  const failed: number[] = [];
  const rows: Array<Record<string, unknown>> = [];
  const first = r.packets[0]?.timeMs ?? 0;
  for (const p of r.packets) {
    const ip = p.etherType === ETHERTYPE_IPV4 || p.etherType === ETHERTYPE_IPV6;
    const d: DecodedPacket | undefined = ip ? decodePacket(p.data) : undefined;
    if (d?.error !== undefined) failed.push(p.index + 1);
    const ts = timestamp(p.tsSec, p.tsFrac, r.header?.precision ?? 'micro');
    if (json) {
      rows.push({ number: p.index + 1, timestamp: ts, timeMs: p.timeMs, capLen: p.capLen, origLen: p.origLen, etherType: p.etherType, decoded: d ?? null });
      continue;
    }
    const head = `#${p.index + 1}  ${ts}  +${((p.timeMs - first) / 1000).toFixed(6)}s  ${p.capLen} bytes` + (p.capLen < p.origLen ? ` (of ${p.origLen})` : '');
    if (d === undefined) ctx.io.out(`${head}\n  not IP (ethertype 0x${p.etherType.toString(16).padStart(4, '0')}), skipped\n\n`);
    else ctx.io.out(`${head}\n${formatDecoded(d).replace(/^/gm, '  ')}\n\n`);
  }
  const err = r.ok ? undefined : r.error;
  if (json) {
    ctx.io.out(JSON.stringify({ input: 'pcap', file: source, header: r.header ?? null, packets: rows, error: err ?? null }) + '\n');
  } else {
    const note = err ? `, then ${err.code} at byte ${err.offset}: ${err.message}` : '';
    ctx.io.out(`${r.packets.length} packet${r.packets.length === 1 ? '' : 's'}${note}\n`);
  }
  if (err !== undefined) throw runtimeError(`${source}: ${err.code} at byte ${err.offset}: ${err.message}`, err.code, json);
  if (failed.length > 0) {
    throw runtimeError(`${source}: packet${failed.length === 1 ? '' : 's'} ${failed.join(', ')} did not decode completely`, 'DECODE_INCOMPLETE', json);
  }
}

export function registerDecode(program: Command, ctx: CliContext): void {
  program
    .command('decode')
    .description('decode an IPv4/IPv6 packet (hex) or every packet of a pcap file: all header fields, checksums checked')
    .argument('<input...>', 'hex bytes (spaces/colons allowed, may span several arguments), a pcap file, or - for stdin')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      '\nExamples:\n  layer4 decode 4500002000000000400166db0a0000010a0000020800192d0001000170696e67\n' +
        '  layer4 decode 45 00 00 20 00 00 00 00 40 01 66 db 0a 00 00 01 0a 00 00 02 08 00 19 2d 00 01 00 01 70 69 6e 67\n' +
        '  layer4 decode trace.pcap --json\n  xxd -p packet.bin | layer4 decode -',
    )
    .action((input: string[], opts: DecodeOptions) => {
      const json = opts.json === true;
      const src = readSource(input);
      if (src.kind === 'packet') decodeOne(ctx, src.bytes, json);
      else decodePcapFile(ctx, src.source, readPcap(src.bytes), json);
    });
}
