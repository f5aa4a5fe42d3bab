// Bad-input audit of every `layer4` command (DESIGN.md CLI contract): hostile arguments — missing
// values, negative, NaN, huge, wrong types, unknown flags, empty strings, nonexistent files,
// directories, truncated pcap, binary garbage as a packetdrill script — end with exit 2 (usage or
// input) or 1 (the command ran and failed), one `layer4: …` line on stderr, and never a stack trace.
// Runs the CLI in-process through run(argv, io) so the whole table costs well under a second each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';

const dir = mkdtempSync(join(tmpdir(), 'l4-audit-cli-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Uint8Array | string): string => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};
const garbage = file('garbage.bin', new Uint8Array([0x00, 0xff, 0x01, 0x02, 0xd4, 0xc3, 0xb2, 0xa1, 9, 9, 9, 0, 0, 0xff, 0xfe]));
// A pcap file header (LINKTYPE_RAW) and one record that promises 60 bytes but holds 2.
const truncated = file('truncated.pcap', new Uint8Array([
  0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 101, 0, 0, 0,
  1, 0, 0, 0, 0, 0, 0, 0, 60, 0, 0, 0, 60, 0, 0, 0, 0x45, 0,
]));
const empty = file('empty.pcap', new Uint8Array(0));
const garbageScript = file('garbage.pkt', '\x00\xff\xfe garbage \x01\x02\n<<<>>> 0 S 0:0(0)\n');
const missing = join(dir, 'nonexistent.pcap');

interface Outcome { code: number; out: string; err: string }

async function cli(argv: string[]): Promise<Outcome> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), isTty: false };
  const saved = process.exitCode;
  const code = await run(argv, io);
  process.exitCode = saved;
  return { code, out, err };
}

function assertOneLine(argv: string[], r: Outcome, code: number, pattern?: RegExp): void {
  const label = `layer4 ${argv.map((a) => JSON.stringify(a)).join(' ')}`;
  assert.equal(r.code, code, `${label}: exit code (stderr: ${r.err})`);
  assert.doesNotMatch(r.err + r.out, /\n\s+at .+:\d+:\d+\)?\n/, `${label}: no stack trace`);
  assert.doesNotMatch(r.err, /internal error/, `${label}: not an internal error`);
  const lines = r.err.split('\n').filter((l) => l !== '');
  assert.ok(lines.length >= 1, `${label}: a message on stderr`);
  assert.match(lines[lines.length - 1]!, /^layer4: \S/, `${label}: the message starts with layer4:`);
  if (code === 2) assert.equal(lines.length, 1, `${label}: exactly one line on stderr, got ${JSON.stringify(r.err)}`);
  if (pattern) assert.match(r.err, pattern, label);
}

// [argv, expected exit code, pattern the stderr line must match]
const USAGE: Array<[string[], RegExp?]> = [
  [['nosuch'], /unknown command/],
  [['--bogus'], /unknown option/],
  [['ports', '-1'], /out of range/],
  [['ports', '65536'], /out of range/],
  [['ports', '99999999999999999999'], /out of range|no service/],
  [['ports', 'NaN'], /no service/],
  [['ports', ''], /not a port number or service name/],
  [['ports', '--wat'], /unknown option/],
  [['ports', 'a', 'b'], /too many arguments/],
  [['decode'], /missing required argument/],
  [['decode', ''], /no hex digits/],
  [['decode', 'abc'], /odd number of hex digits/],
  [['decode', 'zz'], /no such file/],
  [['decode', missing], /no such file/],
  [['decode', dir], /is a directory/],
  [['decode', empty], /neither a pcap file nor hex/],
  [['decode', '--nope', 'ab'], /unknown option/],
  [['demo', 'nosuch'], /unknown command/],
  [['demo', 'handshake', '--isn-client'], /argument missing/],
  [['demo', 'handshake', '--isn-client', '-1'], /--isn-client/],
  [['demo', 'handshake', '--isn-client', 'NaN'], /--isn-client must be an integer/],
  [['demo', 'handshake', '--isn-server', '99999999999'], /--isn-server/],
  [['demo', 'handshake', '--isn-server', ''], /--isn-server/],
  [['demo', 'handshake', '--lang', 'fr'], /--lang/],
  [['demo', 'handshake', '--loss', '2'], /--loss/],
  [['demo', 'handshake', '--loss', 'abc'], /--loss/],
  [['demo', 'handshake', '--seed', 'x'], /--seed/],
  [['demo', 'handshake', '--svg', join(dir, 'no', 'dir', 'x.svg')], /does not exist/],
  [['demo', 'handshake', '--pcap', dir], /is a directory/],
  [['demo', 'handshake', '--wat'], /unknown option/],
  [['sim', '--bytes', '-1'], /--bytes/],
  [['sim', '--bytes', 'abc'], /--bytes/],
  [['sim', '--bytes', ''], /--bytes/],
  [['sim', '--bytes', '1e99'], /--bytes/],
  [['sim', '--bytes', '99999999999999'], /--bytes/],
  [['sim', '--bytes'], /argument missing/],
  [['sim', '--loss', '1'], /--loss/],
  [['sim', '--loss', '-1'], /--loss/],
  [['sim', '--loss', 'NaN'], /--loss/],
  [['sim', '--delay', '-5'], /--delay/],
  [['sim', '--delay', '1e400'], /--delay/],
  [['sim', '--rate', '0'], /--rate/],
  [['sim', '--rate', 'fast'], /--rate/],
  [['sim', '--reorder', '5'], /--reorder/],
  [['sim', '--duplicate', 'x'], /--duplicate/],
  [['sim', '--corrupt', '1.5'], /--corrupt/],
  [['sim', '--mtu', '10'], /--mtu/],
  [['sim', '--mtu', '1e9'], /--mtu/],
  [['sim', '--cc', 'vegas'], /--cc/],
  [['sim', '--seed', 'abc'], /--seed/],
  [['sim', '--pcap', dir, '--bytes', '1000'], /is a directory/],
  [['sim', '--plot', join(dir, 'no', 'x.svg'), '--bytes', '1000'], /does not exist/],
  [['sim', 'extra'], /too many arguments/],
  [['web', '--port', '-1'], /--port/],
  [['web', '--port', '70000'], /--port/],
  [['web', '--port', 'abc'], /--port/],
  [['web', '--port', ''], /--port/],
  [['web', '--port', '1.5'], /--port/],
  [['web', 'x'], /too many arguments/],
  [['packetdrill'], /missing required argument/],
  [['packetdrill', missing], /no such file/],
  [['packetdrill', ''], /no such file/],
  [['packetdrill', '--profile', 'bsd', garbageScript], /unknown profile/],
  [['packetdrill', '--ip-version', 'ipv5', garbageScript], /--ip-version/],
  [['packetdrill', '-D', '', garbageScript], /bad define/],
  [['up'], /--tun/],
  [['up', '--tun', ''], /--tun/],
  [['up', '--tun', 'l4audit', '--addr', '999.1.1.1/24'], /--addr/],
  [['up', '--tun', 'l4audit', '--addr', '10.0.0.1/99'], /--addr/],
  [['up', '--tun', 'l4audit', '--addr', '10.0.0.1/24', '--serve', 'ftp'], /--serve/],
  [['up', '--tun', 'l4audit', '--addr', '10.0.0.1/24', '--mtu', '-1'], /--mtu/],
  [['up', '--tun', 'l4audit', '--addr', '10.0.0.1/24', '--mtu', 'abc'], /--mtu/],
  [['up', '--tun', 'a-name-longer-than-15', '--addr', '10.0.0.1/24'], /--tun/],
  [['bench', 'nosuch'], /unknown benchmark module "nosuch"; modules: wire, stack, sim, tcp, tcpsim, net, tun/],
  [['bench', ''], /unknown benchmark module/],
  [['bench', '--wat'], /unknown option/],
  [['start', '--wat'], /unknown option/],
];

test('every command: usage and input errors exit 2 with one layer4: line and no stack trace', async () => {
  for (const [argv, pattern] of USAGE) assertOneLine(argv, await cli(argv), 2, pattern);
});

test('--json usage errors still leave one JSON object with a stable error code on stdout', async () => {
  for (const argv of [['ports', '--json', 'xyz'], ['sim', '--json', '--loss', 'x'], ['bench', '--json', 'x'], ['demo', 'handshake', '--json', '--lang', 'xx']]) {
    const r = await cli(argv);
    assertOneLine(argv, r, 2);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 1, `${argv.join(' ')}: one JSON line`);
    const j = JSON.parse(lines[0]!) as { error?: { code?: unknown; message?: unknown } };
    assert.match(String(j.error?.code), /^[A-Z_]+$/, `${argv.join(' ')}: error.code`);
    assert.equal(typeof j.error?.message, 'string');
  }
});

test('malformed input the command can read: decode and packetdrill report it and exit 1, no stack trace', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['decode', truncated], /PCAP_TRUNCATED at byte 40/],
    [['decode', garbage], /PCAP_BAD_MAGIC at byte 0/],
    [['decode', '4500'], /decoding stopped at offset 0/],
    [['packetdrill', garbageScript], /1 script failed/],
    [['packetdrill', garbage], /1 script failed/],
    [['packetdrill', empty], /1 script failed/],
  ];
  for (const [argv, pattern] of cases) {
    const r = await cli(argv);
    assertOneLine(argv, r, 1, pattern);
    assert.notEqual(r.out, '', `${argv.join(' ')}: what was read is still printed`);
  }
  const pd = await cli(['packetdrill', garbageScript]);
  assert.match(pd.out, /syntax error/);
  assert.match(pd.out.trimEnd().split('\n').pop()!, /^0 passed, 1 failed$/);
  const dj = await cli(['decode', '--json', truncated]);
  assert.equal(dj.code, 1);
  assert.equal((JSON.parse(dj.out) as { error?: { code?: string } }).error?.code, 'PCAP_TRUNCATED');
});

test('--help on every command exits 0 and prints its usage on stdout', async () => {
  for (const cmd of [['ports'], ['decode'], ['demo'], ['demo', 'handshake'], ['sim'], ['web'], ['packetdrill'], ['up'], ['bench'], ['start']]) {
    const r = await cli([...cmd, '--help']);
    assert.equal(r.code, 0, `${cmd.join(' ')} --help`);
    assert.match(r.out, new RegExp(`^Usage: layer4 ${cmd.join(' ')} `), `${cmd.join(' ')} --help`);
    assert.equal(r.err, '');
  }
});
