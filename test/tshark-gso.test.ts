// A GSO + GRO run judged by tshark: TCP sends super-segments, the link splits them; the capture
// holds what the wire carried (the split segments), and tshark with checksum validation and
// sequence analysis on finds no malformed packet, no bad IP/TCP checksum, no ACK of unseen data.
// Skipped (never passed) when tshark is not installed; CI installs it (.ci/run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapWriter } from '../src/wire/pcap.js';
import { runGsoTransfer } from './gso-helpers.js';

const tshark = spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0;
const FIELDS = ['frame.number', '_ws.malformed', '_ws.expert.message', 'ip.checksum.status', 'tcp.checksum.status', 'ipv6.plen'];
const PREFS = ['ip.check_checksum:TRUE', 'tcp.check_checksum:TRUE', 'tcp.analyze_sequence_numbers:TRUE'];
const FORBIDDEN = [/ACKed segment that wasn't captured|ACKed unseen segment/i, /previous segment.*not captured/i, /Malformed/i, /Bad checksum|checksum.*incorrect/i];

for (const v6 of [false, true]) {
  test(`RFC 9293 §3.1: tshark finds no malformed segment or bad checksum in a captured GSO + GRO run (${v6 ? 'IPv6' : 'IPv4'})`, (t) => {
    if (!tshark) {
      t.skip('tshark not installed');
      return;
    }
    const r = runGsoTransfer({ bytes: 2 << 20, seed: 5, v6, offload: true, reorder: 0.01 });
    assert.ok(r.completed);
    assert.ok(r.superSegments > 0, 'super-segments were sent');
    const w = new PcapWriter();
    const parts = [w.header(), ...r.wire.map((x) => w.record(x.packet, x.time))];
    const dir = mkdtempSync(join(tmpdir(), 'layer4-tshark-gso-'));
    try {
      const file = join(dir, 'gso.pcap');
      writeFileSync(file, Buffer.concat(parts));
      const args = ['-r', file, '-n', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|'];
      for (const p of PREFS) args.push('-o', p);
      for (const f of FIELDS) args.push('-e', f);
      const out = spawnSync('tshark', args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
      assert.equal(out.status, 0, out.stderr);
      const rows = out.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
      assert.equal(rows.length, r.wire.length, 'tshark read every wire segment');
      const problems: string[] = [];
      for (const [num, malformed, messages, ipStatus, tcpStatus] of rows) {
        if (malformed) problems.push(`frame ${num}: malformed`);
        if (!v6 && ipStatus !== '1') problems.push(`frame ${num}: IP checksum status ${ipStatus}`);
        if (tcpStatus !== '1') problems.push(`frame ${num}: TCP checksum status ${tcpStatus}`);
        for (const m of (messages ?? '').split('|').filter(Boolean)) if (FORBIDDEN.some((re) => re.test(m))) problems.push(`frame ${num}: ${m}`);
      }
      assert.deepEqual(problems, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
