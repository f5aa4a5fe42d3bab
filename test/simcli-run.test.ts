// `layer4 sim`: the bulk transfer's JSON fields are present and agree with each other, the data
// arrives intact under every impairment, retransmissions appear exactly when the link loses
// packets, runs replay by seed, --plot and --pcap produce usable files, bad arguments exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/cli/main.js';
import { readPcap } from '../src/wire/pcap.js';

async function layer4(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t), isTty: false });
  return { code, stdout, stderr };
}

interface SimJson {
  bytes: number;
  received: number;
  sha256Match: boolean;
  sha256: { sent: string; received: string };
  completed: boolean;
  failure?: string;
  goodputMbps: number;
  virtualMs: number;
  wallMs: number;
  segments: number;
  retransmits: number;
  fastRetransmits: number;
  rtoExpirations: number;
  rtt: { min: number; avg: number; max: number; samples: number } | null;
  cwnd: number;
  ssthresh: number | null;
  mss: number;
  cc: string;
  seed: number;
  link: { delayMs: number; rateMbps: number; loss: number; reorder: number; duplicate: number; corrupt: number; mtu: number };
}

async function sim(args: string[]): Promise<SimJson> {
  const r = await layer4(['sim', '--json', ...args]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trimEnd().split('\n').length, 1, 'one JSON object');
  return JSON.parse(r.stdout) as SimJson;
}

const tmp = mkdtempSync(join(tmpdir(), 'layer4-sim-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

test('sim --json, perfect link: every field present, consistent, no retransmission', async () => {
  const j = await sim(['--bytes', '200K', '--delay', '10', '--rate', '100']);
  assert.equal(j.bytes, 204800);
  assert.equal(j.received, j.bytes);
  assert.equal(j.sha256Match, true);
  assert.equal(j.completed, true);
  assert.match(j.sha256.sent, /^[0-9a-f]{64}$/);
  assert.equal(j.sha256.received, j.sha256.sent);
  assert.equal(j.retransmits, 0);
  assert.equal(j.fastRetransmits + j.rtoExpirations, 0);
  // SYN + data segments (at most MSS each) + FIN, plus nothing else from A but pure ACKs.
  // RFC 9293 §3.7.1: Eff.snd.MSS excludes the TCP options every segment carries (RFC 7323 timestamps, 12 bytes).
  assert.equal(j.mss, 1460 - 12);
  assert.ok(j.segments >= Math.ceil(j.bytes / j.mss) + 2, `segments ${j.segments}`);
  assert.ok(Math.abs(j.goodputMbps - (j.bytes * 8) / j.virtualMs / 1000) < 1e-9);
  assert.ok(j.goodputMbps > 0 && j.goodputMbps < 100, 'below the link rate');
  assert.ok(j.virtualMs > 20, 'at least a round trip');
  assert.ok(j.wallMs > 0);
  assert.ok(j.rtt !== null);
  assert.ok(j.rtt.min >= 20, 'RTT is at least twice the one-way delay');
  assert.ok(j.rtt.min <= j.rtt.avg && j.rtt.avg <= j.rtt.max);
  assert.ok(j.rtt.samples > 0);
  assert.ok(j.cwnd >= j.mss);
  assert.equal(j.ssthresh, null, 'no loss: slow start never ended by one');
  assert.deepEqual(j.link, { delayMs: 10, rateMbps: 100, loss: 0, reorder: 0, duplicate: 0, corrupt: 0, mtu: 1500 });
  assert.equal(j.cc, 'cubic', "the TCP core's default (RFC 9438 CUBIC)");
});

test('sim --loss 0.02: retransmissions > 0, bytes intact (RFC 5681 / RFC 6298 recovery)', async () => {
  const j = await sim(['--bytes', '200K', '--loss', '0.02', '--seed', '1']);
  assert.equal(j.sha256Match, true);
  assert.ok(j.retransmits > 0);
  assert.ok(j.fastRetransmits + j.rtoExpirations > 0);
  assert.ok(j.ssthresh !== null, 'a loss set ssthresh');
  assert.equal(j.link.loss, 0.02);
});

test('sim: reordering, duplication and corruption together still deliver every byte', async () => {
  const j = await sim(['--bytes', '200K', '--reorder', '0.05', '--duplicate', '0.05', '--corrupt', '2%', '--seed', '3']);
  assert.equal(j.sha256Match, true);
  assert.equal(j.received, 204800);
  assert.ok(j.retransmits > 0, 'corrupted segments are dropped by the checksum and resent');
  assert.deepEqual([j.link.reorder, j.link.duplicate, j.link.corrupt], [0.05, 0.05, 0.02]);
});

test('sim: a smaller MTU gives a smaller MSS (RFC 9293 §3.7.1)', async () => {
  const j = await sim(['--bytes', '20K', '--mtu', '576']);
  assert.equal(j.mss, 576 - 40 - 12); // less the 12-byte RFC 7323 timestamp option
  assert.equal(j.sha256Match, true);
});

test('sim: the same seed replays the same run', async () => {
  const args = ['--bytes', '100K', '--loss', '0.03', '--reorder', '0.02', '--seed', '42'];
  const a = await sim(args);
  const b = await sim(args);
  const strip = (j: SimJson): Omit<SimJson, 'wallMs'> => {
    const { wallMs: _w, ...rest } = j;
    return rest;
  };
  assert.deepEqual(strip(b), strip(a));
  const c = await sim([...args.slice(0, -1), '43']);
  assert.notDeepEqual(strip(c), strip(a), 'another seed, another run');
});

test('sim --plot: SVG time-sequence graph with axes and the cwnd panel; --pcap: every packet', async () => {
  const plot = join(tmp, 'run.svg');
  const pcap = join(tmp, 'run.pcap');
  const j = await sim(['--bytes', '150K', '--loss', '0.03', '--seed', '2', '--plot', plot, '--pcap', pcap]);
  assert.ok(j.retransmits > 0);
  const doc = readFileSync(plot, 'utf8');
  assert.match(doc, /^(<\?xml[^>]*\?>\s*)?<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(doc, /<\/svg>\s*$/);
  assert.doesNotMatch(doc, /&(?!(?:amp|lt|gt|quot|apos|#\d+);)/, 'entities escaped');
  const labels = [...doc.matchAll(/class="axis-label"[^>]*>([^<]*)</g)].map((m) => m[1]);
  assert.ok(labels.some((l) => /^time \(/.test(l ?? '')), `x axis: ${labels.join(' | ')}`);
  assert.ok(labels.some((l) => /relative sequence number/.test(l ?? '')));
  assert.ok(labels.some((l) => /cwnd/.test(l ?? '')), 'cwnd panel');
  assert.ok((doc.match(/class="tick-label"/g) ?? []).length >= 8);
  assert.match(doc, /class="data"/);
  assert.match(doc, /class="retx"/, 'retransmissions drawn');
  assert.match(doc, /class="ack-line"/);
  assert.match(doc, /150 KiB over 10 ms delay, 100 Mbit\/s, 3% loss/);

  const file = readPcap(new Uint8Array(readFileSync(pcap)));
  assert.ok(file.ok);
  assert.ok(file.packets.length > j.segments, 'both directions are captured');
});

test('sim (text): the summary names every figure', async () => {
  const r = await layer4(['sim', '--bytes', '64K', '--loss', '1%']);
  assert.equal(r.code, 0, r.stderr);
  for (const w of ['transfer', 'link', 'delivered', 'sha256', 'goodput', 'duration', 'segments', 'RTT', 'final cwnd']) assert.match(r.stdout, new RegExp(`^  ${w} `, 'm'));
  assert.match(r.stdout, /delivered +65,536 of 65,536 bytes/);
  assert.match(r.stdout, /✓ what B read is what A wrote/);
  assert.match(r.stdout, /1% loss/);
  assert.equal(r.stderr, '', 'no progress bar when stderr is not a terminal');
});

test('sim: a transfer that fails exits 1, after the JSON that says so', async () => {
  const r = await layer4(['sim', '--json', '--bytes', '1000', '--loss', '0.9']);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.stdout) as SimJson;
  assert.equal(j.completed, false);
  assert.equal(j.sha256Match, false);
  assert.match(j.failure ?? '', /ETIMEDOUT/);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  assert.match(r.stderr, /^layer4: transfer failed: /);
});

test('sim: bad arguments exit 2 with one line', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--loss', '1'], /--loss must be a probability in \[0, 1\)/],
    [['--loss', '-0.1'], /--loss must be a probability/],
    [['--reorder', 'often'], /--reorder must be a probability/],
    [['--duplicate', '100%'], /--duplicate must be a probability/],
    [['--corrupt', '2'], /--corrupt must be a probability/],
    [['--delay', '-1'], /--delay must be a number >= 0/],
    [['--rate', '0'], /--rate must be a number > 0/],
    [['--rate', 'fast'], /--rate must be a number > 0/],
    [['--bytes', '0'], /--bytes must be between 1 byte and 1 TiB/],
    [['--bytes', '1X'], /--bytes must be a byte count/],
    [['--mtu', '50'], /--mtu must be between 88 and 65535/],
    [['--mtu', '1500.5'], /--mtu must be an integer/],
    [['--cc', 'nosuchcc'], /--cc must be one of newreno/],
    [['--seed', 'x'], /--seed must be an integer/],
    [['--plot', join(tmp, 'missing/dir/p.svg')], /--plot .*does not exist/],
    [['--json', '--loss', '7'], /--loss must be a probability/],
  ];
  for (const [args, pattern] of cases) {
    const r = await layer4(['sim', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: exit code (stderr ${r.stderr})`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `${args.join(' ')}: one line`);
    assert.match(lines[0]!, /^layer4: /);
    assert.match(lines[0]!, pattern);
    if (args.includes('--json')) assert.equal(JSON.parse(r.stdout).error.code, 'BAD_ARGUMENT');
    else assert.equal(r.stdout, '');
  }
});
