// The stock iperf3 client in a test namespace against `layer4 up --serve iperf3` over TUN (with
// offloads): kernel → layer4, layer4 → kernel (-R), parallel streams and both directions at once
// (--bidir), each run to completion with iperf3's JSON report checked against what was asked.
// Skipped, with the reason, where TUN, namespaces or iperf3 are missing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNetns, startUp, tunSkipReason, type Netns, type UpProcess } from './tun-helpers.js';

interface Report {
  start: { test_start: { reverse: number; num_streams: number; bytes: number } };
  end: {
    streams: unknown[];
    sum_sent?: { bytes: number };
    sum_received?: { bytes: number; bits_per_second: number };
    sum_sent_bidir_reverse?: { bytes: number };
    sum_received_bidir_reverse?: { bytes: number };
  };
  error?: string;
}

async function withIperf3Up(body: (ns: Netns, up: UpProcess) => Promise<void>): Promise<void> {
  const ns = createNetns();
  let up: UpProcess | undefined;
  try {
    up = await startUp(['up', '--tun', `l4i${process.pid % 100000}`, '--addr', '10.99.15.2/24', '--addr', 'fd00:99:15::2/64', '--serve', 'iperf3', '--netns', ns.name, '--offload']);
    await body(ns, up);
  } finally {
    await up?.stop();
    ns.remove();
  }
}

async function iperf3(ns: Netns, args: string[]): Promise<Report> {
  const r = await ns.run('iperf3', ['-J', ...args], { timeoutMs: 60_000 });
  const report = JSON.parse(r.stdout.toString()) as Report;
  assert.equal(report.error, undefined, `iperf3 ${args.join(' ')}: ${report.error ?? ''}`);
  assert.equal(r.code, 0, r.stderr);
  return report;
}

test('iperf3 client → layer4 iperf3 server over TUN: -n, -R, -P 3, --bidir and IPv6 runs complete with the bytes asked for', async (t) => {
  const skip = tunSkipReason(['iperf3']);
  if (skip) return void t.skip(skip);
  await withIperf3Up(async (ns, up) => {
    const n = 32 * 1024 * 1024;
    // kernel → layer4: the client sends n bytes; layer4 (the receiver) reports what arrived by TEST_END.
    const fwd = await iperf3(ns, ['-c', '10.99.15.2', '-n', String(n)]);
    assert.equal(fwd.start.test_start.reverse, 0);
    assert.ok(fwd.end.sum_sent!.bytes >= n);
    assert.ok(fwd.end.sum_received!.bytes > n / 2 && fwd.end.sum_received!.bytes <= fwd.end.sum_sent!.bytes, JSON.stringify(fwd.end.sum_received));
    assert.ok(fwd.end.sum_received!.bits_per_second > 0);
    // layer4 → kernel: layer4 sends exactly n bytes, which the kernel client counts.
    const rev = await iperf3(ns, ['-c', '10.99.15.2', '-n', String(n), '-R']);
    assert.equal(rev.start.test_start.reverse, 1);
    assert.equal(rev.end.sum_sent!.bytes, n);
    assert.equal(rev.end.sum_received!.bytes, n);
    // Three parallel streams, layer4 sending: results matched by iperf3's stream ids (1, 3, 4); -n
    // counts the whole test, so the three together move exactly what was asked.
    const par = await iperf3(ns, ['-c', '10.99.15.2', '-n', String(n / 4), '-P', '3', '-R']);
    assert.equal(par.end.streams.length, 3);
    assert.equal(par.end.sum_received!.bytes, n / 4);
    // Both directions at once for a second, then IPv6.
    const bidir = await iperf3(ns, ['-c', '10.99.15.2', '-t', '1', '--bidir']);
    assert.ok(bidir.end.sum_received!.bytes > 0 && bidir.end.sum_received_bidir_reverse!.bytes > 0, JSON.stringify(bidir.end));
    const v6 = await iperf3(ns, ['-c', 'fd00:99:15::2', '-n', String(n / 4), '-R']);
    assert.equal(v6.end.sum_received!.bytes, n / 4);
    // The server logged each test's end.
    assert.equal(up.log().match(/: done; /g)?.length, 5, up.log());
  });
});

test('iperf3 -u against layer4: the server answers SERVER_ERROR "not implemented", the client reports it, the server takes the next test', async (t) => {
  const skip = tunSkipReason(['iperf3']);
  if (skip) return void t.skip(skip);
  await withIperf3Up(async (ns) => {
    const r = await ns.run('iperf3', ['-J', '-c', '10.99.15.2', '-u', '-n', '1000'], { timeoutMs: 30_000 });
    const report = JSON.parse(r.stdout.toString()) as Report;
    assert.match(report.error ?? '', /not implemented/i, r.stdout.toString());
    const ok = await iperf3(ns, ['-c', '10.99.15.2', '-n', '1000000', '-R']);
    assert.equal(ok.end.sum_received!.bytes, 1000000);
  });
});
