// The `layer4` CLI as a user meets it: a child process per run, checking stdout, stderr and the
// exit code (0 ok, 1 runtime failure, 2 bad usage or input), and that user errors are one line
// with no stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePcap } from '../src/wire/pcap.js';
import { buildIpPacket } from '../src/wire/build.js';
import { toHex } from '../src/wire/bytes.js';
import { TcpFlag } from '../src/wire/tcp-types.js';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

// The CLI of the same build as this test file (dist/ under npm test, a private outDir otherwise).
const MAIN = new URL('../src/cli/main.js', import.meta.url).href;

function layer4(args: string[], input = ''): CliRun {
  const script = `import(${JSON.stringify(MAIN)}).then((m) => m.main(process.argv.slice(1)))`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, '--', ...args], { encoding: 'utf8', input, timeout: 30000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertOneLineError(r: CliRun, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`);
  assert.match(lines[0] ?? '', /^layer4: /);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at .+:\d+:\d+/, 'no stack trace');
}

const tmp = mkdtempSync(join(tmpdir(), 'layer4-cli-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const syn = buildIpPacket({ src: '10.0.0.1', dst: '10.0.0.2', tcp: { srcPort: 40000, dstPort: 80, seq: 100, flags: TcpFlag.SYN, options: [{ kind: 'mss', mss: 1460 }] } });
const udp6 = buildIpPacket({ src: '2001:db8::1', dst: '2001:db8::2', udp: { srcPort: 5353, dstPort: 53, payload: new Uint8Array([1, 2, 3]) } });

test('ports NUMBER: RFC 6335 §6 range and services', () => {
  const r = layer4(['ports', '443']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /well-known/);
  assert.match(r.stdout, /443\s+tcp\s+https/);
  const d = layer4(['ports', '50000']);
  assert.equal(d.code, 0);
  assert.match(d.stdout, /dynamic/);
  const reg = layer4(['ports', '3306']);
  assert.match(reg.stdout, /registered/);
  assert.match(reg.stdout, /mysql/);
});

test('ports NAME: case-insensitive, aliases, protocol suffix', () => {
  const r = layer4(['ports', 'DNS']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /53\s+tcp/);
  assert.match(r.stdout, /53\s+udp/);
  const w = layer4(['ports', 'www']);
  assert.match(w.stdout, /80\s+tcp\s+http/);
  const u = layer4(['ports', 'dns/udp']);
  assert.doesNotMatch(u.stdout, /53\s+tcp/);
});

test('ports --json prints exactly one JSON object', () => {
  const r = layer4(['ports', '22', '--json']);
  assert.equal(r.code, 0);
  const o = JSON.parse(r.stdout) as { port: number; range: { name: string }; services: Array<{ name: string }> };
  assert.equal(o.port, 22);
  assert.equal(o.range.name, 'well-known');
  assert.deepEqual(o.services.map((s) => s.name), ['ssh']);
  const all = JSON.parse(layer4(['ports', '--json']).stdout) as { services: unknown[]; ranges: unknown[] };
  assert.ok(all.services.length >= 100);
  assert.equal(all.ranges.length, 3);
});

test('ports with no query prints the ranges and the table', () => {
  const r = layer4(['ports']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /49152-65535/);
  assert.match(r.stdout, /\*3389\s+tcp\s+rdp/);
  assert.ok(r.stdout.split('\n').length > 100);
});

test('ports errors: 70000, -1, 1.5, nosuchservice → one line, exit 2', () => {
  assertOneLineError(layer4(['ports', '70000']), 2, /70000 is out of range/);
  assertOneLineError(layer4(['ports', '-1']), 2, /-1 is out of range/);
  assertOneLineError(layer4(['ports', '1.5']), 2, /integer/);
  assertOneLineError(layer4(['ports', 'nosuchservice']), 2, /no service named "nosuchservice"/);
  const j = layer4(['ports', '-1', '--json']);
  assert.equal(j.code, 2);
  assert.equal((JSON.parse(j.stdout) as { error: { code: string } }).error.code, 'PORT_OUT_OF_RANGE');
});

test('usage errors: unknown command, unknown option, extra arguments → one line, exit 2', () => {
  assertOneLineError(layer4(['frobnicate']), 2, /unknown command 'frobnicate'/);
  assertOneLineError(layer4(['ports', '--bogus']), 2, /unknown option '--bogus'/);
  assertOneLineError(layer4(['decode', '--bogus', '45']), 2, /unknown option '--bogus'/);
  assertOneLineError(layer4(['ports', '1', '2']), 2, /too many arguments/);
  assertOneLineError(layer4(['decode']), 2, /missing required argument/);
  assertOneLineError(layer4(['--bogus']), 2, /unknown option/);
});

test('--help on the program and on every command exits 0', () => {
  for (const args of [['--help'], ['ports', '--help'], ['decode', '--help'], ['start', '--help'], ['help', 'ports']]) {
    const r = layer4(args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.stdout, /^Usage: layer4/, args.join(' '));
  }
  assert.match(layer4(['--version']).stdout, /^\d+\.\d+\.\d+/);
  const none = layer4([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /Usage: layer4/);
});

test('decode HEX: every field, checksums valid; spaces and colons allowed', () => {
  const r = layer4(['decode', toHex(syn)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\[SYN\]/);
  assert.match(r.stdout, /Header Checksum: 0x[0-9a-f]{4} \[valid\]/);
  assert.match(r.stdout, /MSS 1460/);
  const spaced = toHex(udp6).match(/../g) ?? [];
  const s = layer4(['decode', ...spaced]);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /2001:db8::1/);
  assert.match(s.stdout, /User Datagram Protocol|UDP/);
  const c = layer4(['decode', spaced.join(':')]);
  assert.equal(c.stdout, s.stdout);
});

test('decode HEX --json prints one object with the decoded layers', () => {
  const r = layer4(['decode', toHex(syn), '--json']);
  assert.equal(r.code, 0);
  const o = JSON.parse(r.stdout) as { packet: { layers: Array<{ layer: string }> } };
  assert.deepEqual(o.packet.layers.map((l) => l.layer), ['ipv4', 'tcp']);
});

test('decode garbage: what decoded and why the rest failed, exit 1, no stack trace', () => {
  const r = layer4(['decode', toHex(syn.subarray(0, 30))]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Internet Protocol Version 4/);
  assert.match(r.stdout, /Error: TRUNCATED/);
  assertOneLineError(r, 1, /offset/);
  const bad = layer4(['decode', 'ff00']);
  assertOneLineError(bad, 1, /version/i);
  const j = layer4(['decode', '4500', '--json']);
  assert.equal(j.code, 1);
  assert.ok((JSON.parse(j.stdout) as { packet: { error?: unknown } }).packet.error !== undefined);
});

test('decode input errors: odd hex, not hex, nonexistent file → exit 2', () => {
  assertOneLineError(layer4(['decode', '450']), 2, /odd number of hex digits/);
  assertOneLineError(layer4(['decode', 'nosuch.pcap']), 2, /no such file/);
  assertOneLineError(layer4(['decode', join(tmp, 'missing')]), 2, /no such file/);
  assertOneLineError(layer4(['decode', 'hello', 'world']), 2, /not hex/);
});

test('decode FILE.pcap: each packet numbered with its timestamp', () => {
  const file = join(tmp, 'two.pcap');
  writeFileSync(file, writePcap([{ data: syn, timeMs: 1000.5 }, { data: udp6, timeMs: 1002 }]));
  const r = layer4(['decode', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^#1 {2}1\.000500 {2}\+0\.000000s/m);
  assert.match(r.stdout, /^#2 {2}1\.002000 {2}\+0\.001500s/m);
  assert.match(r.stdout, /2 packets/);
  const j = JSON.parse(layer4(['decode', file, '--json']).stdout) as { packets: Array<{ number: number; decoded: { layers: unknown[] } }> };
  assert.deepEqual(j.packets.map((p) => p.number), [1, 2]);
});

test('decode truncated pcap: packets before the damage, then the offset, exit 1', () => {
  const whole = writePcap([{ data: syn, timeMs: 1 }, { data: udp6, timeMs: 2 }]);
  const file = join(tmp, 'cut.pcap');
  writeFileSync(file, whole.subarray(0, whole.length - 3));
  const r = layer4(['decode', file]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /#1 /);
  assert.doesNotMatch(r.stdout, /#2 /);
  assertOneLineError(r, 1, new RegExp(`PCAP_TRUNCATED at byte ${24 + 16 + syn.length + 16}`));
  const junk = join(tmp, 'junk.pcap');
  writeFileSync(junk, new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]));
  assertOneLineError(layer4(['decode', junk]), 1, /PCAP_BAD_MAGIC/);
});

test('decode - reads hex or a pcap from stdin', () => {
  const r = layer4(['decode', '-'], toHex(syn) + '\n');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\[SYN\]/);
});

test('start: the handshake ladder, a lossy transfer summary, then the commands', () => {
  const r = layer4(['start']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^layer4: a userspace TCP\/UDP\/IP stack/);
  assert.match(r.stdout, /SYN-SENT │──SYN seq=100─+▶│/);
  assert.match(r.stdout, /FIN-WAIT-2 │◀─+FIN,ACK seq=2501 ack=202──│ LAST-ACK/);
  assert.match(r.stdout, /sha256 +[0-9a-f]{16}…  ✓/);
  assert.match(r.stdout, /layer4 ports \[query\]/);
  assert.match(r.stdout, /layer4 demo handshake/);
});

test('bin/layer4.js runs the built CLI', (t) => {
  const here = fileURLToPath(import.meta.url);
  // bin/layer4.js loads ../dist/src/cli/main.js, so it is only meaningful when this test is the dist/ build
  if (!/[/\\]dist[/\\]test[/\\]/.test(here) || !existsSync(join(here, '../../src/cli/main.js'))) {
    t.skip('not running from dist/ (bin/layer4.js loads dist/src/cli/main.js)');
    return;
  }
  const r = spawnSync(process.execPath, ['bin/layer4.js', 'ports', '-1'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^layer4: port -1 is out of range/);
});
