// RFC 9293 §3.1 on the wire, judged by another implementation: a whole bulk transfer between two
// layer4 stacks (handshake, data, loss recovery, close) is captured and read by tshark with TCP
// sequence analysis and checksum validation on. No malformed packets, no bad checksums, and none of
// the analysis findings that mean a sender or receiver broke the sequence space ("ACKed unseen
// segment", "previous segment not captured" on a capture taken where every packet was sent).
// Skipped (never passed) when tshark is not installed; CI installs it (.ci/run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBulkTransfer, type BulkOptions } from '../src/trace/bulk.js';

const tshark = spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0;

const FIELDS = ['frame.number', '_ws.malformed', '_ws.expert.message', 'ip.checksum.status', 'tcp.checksum.status', 'tcp.analysis.flags'];
const PREFS = ['ip.check_checksum:TRUE', 'tcp.check_checksum:TRUE', 'tcp.analyze_sequence_numbers:TRUE', 'tcp.relative_sequence_numbers:TRUE'];
// Findings that a correct TCP never causes on a capture of everything both sides sent.
const FORBIDDEN = [/ACKed segment that wasn't captured|ACKed unseen segment/i, /previous segment.*not captured/i, /Malformed/i, /Bad checksum|checksum.*incorrect/i];

function analyse(file: string): { packets: number; problems: string[]; expert: Map<string, number> } {
  const args = ['-r', file, '-n', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|'];
  for (const p of PREFS) args.push('-o', p);
  for (const f of FIELDS) args.push('-e', f);
  const r = spawnSync('tshark', args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  assert.equal(r.status, 0, `tshark failed: ${r.stderr}`);
  const problems: string[] = [];
  const expert = new Map<string, number>();
  const rows = r.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
  for (const [num, malformed, messages, ipStatus, tcpStatus] of rows) {
    if (malformed) problems.push(`frame ${num}: malformed`);
    // checksum.status: 0 bad, 1 good, 2 unverified — with validation on, every one must be good
    if (ipStatus !== '1') problems.push(`frame ${num}: IP checksum status ${ipStatus}`);
    if (tcpStatus !== '1') problems.push(`frame ${num}: TCP checksum status ${tcpStatus}`);
    for (const m of (messages ?? '').split('|').filter(Boolean)) {
      expert.set(m, (expert.get(m) ?? 0) + 1);
      if (FORBIDDEN.some((re) => re.test(m))) problems.push(`frame ${num}: ${m}`);
    }
  }
  return { packets: rows.length, problems, expert };
}

const RUNS: Array<[string, BulkOptions]> = [
  ['clean link, 1 MiB', { bytes: 1 << 20, seed: 1, delayMs: 5, rateMbps: 100 }],
  ['3 % loss and 2 % reordering, 512 KiB', { bytes: 512 << 10, seed: 7, delayMs: 10, rateMbps: 50, loss: 0.03, reorder: 0.02 }],
  ['MTU 9000, 1 % loss, 1 MiB', { bytes: 1 << 20, seed: 3, delayMs: 2, rateMbps: 1000, loss: 0.01, mtu: 9000 }],
];

for (const [name, opts] of RUNS) {
  test(`RFC 9293 §3.1 tshark finds no malformed segment, bad checksum or unseen ACK in a captured run: ${name}`, async (t) => {
    if (!tshark) {
      t.skip('tshark not installed');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'layer4-tshark-run-'));
    try {
      const file = join(dir, 'run.pcap');
      const result = await runBulkTransfer({ ...opts, pcapFile: file });
      assert.ok(result.completed, `transfer failed: ${result.failure}`);
      assert.ok(result.sha256Match);
      if (opts.loss) assert.ok(result.retransmits > 0, 'the lossy run exercised loss recovery');
      const { packets, problems, expert } = analyse(file);
      assert.ok(packets >= result.segments, `tshark read ${packets} packets, A alone sent ${result.segments}`);
      assert.deepEqual(problems, [], `tshark findings: ${JSON.stringify([...expert])}`);
      // RACK (RFC 8985) may resend a hole within tshark's out-of-order threshold of the newest segment
      // (3 ms, under this run's RTT): tshark then labels the retransmission "out-of-order".
      if (opts.loss) assert.ok([...expert.keys()].some((m) => /retransmission|out-of-order/i.test(m)), 'tshark saw the retransmissions');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
