// Kernel tools against `layer4 up` over TUN, each in its own namespace: nmap SYN scan (only the
// listening port open), transfers through iptables' random 1 % drop, and a tshark capture with no
// malformed packet and no bad checksum. Skipped, with the reason, where a tool is missing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patternBytes } from '../src/cli/up.js';
import { createNetns, runCommand, sha256, startUp, testBytes, tunSkipReason, type Netns, type UpProcess } from './tun-helpers.js';

async function withUp(tag: string, subnet: number, serve: string, body: (ns: Netns, up: UpProcess, tun: string) => Promise<void>): Promise<void> {
  const ns = createNetns();
  const tun = `l4${tag}${process.pid % 10000}`;
  let up: UpProcess | undefined;
  try {
    up = await startUp(['up', '--tun', tun, '--addr', `10.99.${subnet}.2/24`, '--addr', `fd00:99:${subnet}::2/64`, '--serve', serve, '--netns', ns.name]);
    await body(ns, up, tun);
  } finally {
    await up?.stop();
    ns.remove();
  }
}

async function curlChecks(ns: Netns, addr: string, n: number): Promise<void> {
  const url = addr.includes(':') ? `http://[${addr}]` : `http://${addr}`;
  const got = await ns.run('curl', ['-sS', '-g', '--max-time', '90', `${url}/bytes/${n}`], { timeoutMs: 120_000 });
  assert.equal(got.code, 0, got.stderr);
  assert.equal(sha256(got.stdout), sha256(patternBytes(n)));
  const body = testBytes(n, 41);
  const post = await ns.run('curl', ['-sS', '-g', '--max-time', '90', '-H', 'Expect:', '--data-binary', '@-', `${url}/upload`], { input: body, timeoutMs: 120_000 });
  assert.equal(post.code, 0, post.stderr);
  assert.deepEqual(JSON.parse(post.stdout.toString()), { length: n, sha256: sha256(body) });
}

test('RFC 9293 §3.10.7.1 nmap -sS: exactly the listening port is open, the rest closed (RST)', async (t) => {
  const skip = tunSkipReason(['nmap']);
  if (skip) return void t.skip(skip);
  await withUp('s', 10, 'http', async (ns) => {
    const r = await ns.run('nmap', ['-sS', '-n', '-Pn', '-p', '1-1024', '--max-retries', '3', '-oG', '-', '10.99.10.2'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const line = r.stdout.toString().split('\n').find((l) => l.includes('Ports:'));
    assert.ok(line, r.stdout.toString());
    const open = [...line.matchAll(/(\d+)\/open\/tcp/g)].map((m) => Number(m[1]));
    assert.deepEqual(open, [80]);
    assert.doesNotMatch(line, /filtered/);
    assert.match(line, /Ignored State: closed \(1023\)/);
  });
});

test('RFC 5681/6675 recovery against iptables statistic 1 % random drop both ways: 4 MB GET and POST intact', async (t) => {
  const skip = tunSkipReason(['curl', 'iptables']);
  if (skip) return void t.skip(skip);
  await withUp('l', 11, 'http', async (ns, _up, tun) => {
    for (const chain of [['INPUT', '-i'], ['OUTPUT', '-o']] as const) {
      for (const cmd of ['iptables', 'ip6tables']) {
        const r = await ns.run(cmd, ['-A', chain[0], chain[1], tun, '-m', 'statistic', '--mode', 'random', '--probability', '0.01', '-j', 'DROP']);
        assert.equal(r.code, 0, r.stderr);
      }
    }
    await curlChecks(ns, '10.99.11.2', 4 * 1024 * 1024);
    await curlChecks(ns, 'fd00:99:11::2', 4 * 1024 * 1024);
    const stats = await ns.run('iptables', ['-L', 'INPUT', '-v', '-n', '-x']);
    const dropped = Number(/^\s*(\d+)\s+\d+\s+DROP/m.exec(stats.stdout.toString())?.[1] ?? '0');
    assert.ok(dropped > 0, `the rule dropped packets: ${stats.stdout.toString()}`);
  });
});

test('tshark on the TUN: no malformed packet and no bad IPv4/TCP/ICMP checksum from layer4', async (t) => {
  const skip = tunSkipReason(['tshark', 'curl', 'ping']);
  if (skip) return void t.skip(skip);
  const dir = mkdtempSync(join(tmpdir(), 'l4cap-'));
  const file = join(dir, 'tun.pcap');
  try {
    await withUp('w', 12, 'http', async (ns, _up, tun) => {
      const cap = spawn('ip', ['netns', 'exec', ns.name, 'tshark', '-q', '-i', tun, '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
      let capErr = '';
      cap.stderr!.on('data', (c: Buffer) => (capErr += c.toString()));
      try {
        for (let i = 0; i < 100 && !capErr.includes('Capturing on'); i++) await new Promise((r) => setTimeout(r, 100));
        assert.match(capErr, /Capturing on/);
        const ping = await ns.run('ping', ['-c', '2', '-i', '0.2', '10.99.12.2']);
        assert.equal(ping.code, 0);
        const ping6 = await ns.run('ping', ['-c', '2', '-i', '0.2', 'fd00:99:12::2']);
        assert.equal(ping6.code, 0);
        await curlChecks(ns, '10.99.12.2', 1024 * 1024);
        await curlChecks(ns, 'fd00:99:12::2', 1024 * 1024);
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        cap.kill('SIGINT');
        await new Promise((r) => cap.once('exit', r));
      }
    });
    const prefs = ['-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'];
    const all = await runCommand('tshark', ['-r', file, ...prefs, '-T', 'fields', '-e', 'frame.number']);
    const packets = all.stdout.toString().trim().split('\n').filter((l) => l !== '').length;
    assert.ok(packets > 500, `captured ${packets} packets`);
    const bad = await runCommand('tshark', ['-r', file, ...prefs, '-Y', '_ws.malformed || ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0 || icmp.checksum.status == 0 || icmpv6.checksum.status == 0']);
    assert.equal(bad.code, 0, `tshark filter: ${bad.stderr}`);
    assert.equal(bad.stdout.toString().trim(), '', 'no malformed or bad-checksum packets');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
