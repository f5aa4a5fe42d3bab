// Interop with the Linux kernel over a TUN device (issue 9): the kernel side lives in a network
// namespace made by each test; layer4 runs as `layer4 up` behind the device. Skipped, with the
// reason, where TUN, root, namespaces or the tools are missing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patternBytes } from '../src/cli/up.js';
import { createNetns, sha256, startUp, testBytes, tunSkipReason, type Netns, type UpProcess } from './tun-helpers.js';

async function withUp(tag: string, v4: string, v6: string, serve: string, body: (ns: Netns, up: UpProcess) => Promise<void>): Promise<void> {
  const ns = createNetns();
  let up: UpProcess | undefined;
  try {
    up = await startUp(['up', '--tun', `l4${tag}${process.pid % 10000}`, '--addr', `${v4}/24`, '--addr', `${v6}/64`, '--serve', serve, '--netns', ns.name]);
    await body(ns, up);
  } finally {
    const code = await up?.stop();
    ns.remove();
    if (up) assert.equal(code, 0, `layer4 up exits 0 on SIGTERM: ${up.log()}`);
  }
}

test('RFC 792 / RFC 4443 echo: kernel pings layer4 over TUN, IPv4 and IPv6', async (t) => {
  const skip = tunSkipReason(['ping']);
  if (skip) return void t.skip(skip);
  await withUp('p', '10.99.1.2', 'fd00:99:1::2', 'echo', async (ns) => {
    for (const addr of ['10.99.1.2', 'fd00:99:1::2']) {
      const r = await ns.run('ping', ['-c', '3', '-i', '0.2', '-W', '2', addr]);
      assert.equal(r.code, 0, `ping ${addr}: ${r.stdout.toString()}${r.stderr}`);
      assert.match(r.stdout.toString(), /3 received/);
    }
  });
});

test('HTTP/1.1 over TUN: curl GET and POST 10 MB to node:http on layer4 sockets', async (t) => {
  const skip = tunSkipReason(['curl']);
  if (skip) return void t.skip(skip);
  await withUp('h', '10.99.2.2', 'fd00:99:2::2', 'http', async (ns, up) => {
    const hello = await ns.run('curl', ['-sS', '--max-time', '20', 'http://10.99.2.2/']);
    assert.equal(hello.stdout.toString(), 'hello from layer4\n', hello.stderr);
    const hello6 = await ns.run('curl', ['-sS', '-g', '--max-time', '20', 'http://[fd00:99:2::2]/']);
    assert.equal(hello6.stdout.toString(), 'hello from layer4\n', hello6.stderr);
    const n = 10 * 1024 * 1024;
    const got = await ns.run('curl', ['-sS', '--max-time', '60', `http://10.99.2.2/bytes/${n}`], { timeoutMs: 90_000 });
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout.length, n);
    assert.equal(sha256(got.stdout), sha256(patternBytes(n)));
    const body = testBytes(n, 7);
    const post = await ns.run('curl', ['-sS', '--max-time', '60', '-H', 'Expect:', '--data-binary', '@-', 'http://10.99.2.2/upload'], { input: body, timeoutMs: 90_000 });
    assert.equal(post.code, 0, post.stderr);
    assert.deepEqual(JSON.parse(post.stdout.toString()), { length: n, sha256: sha256(body) });
    assert.match(up.log(), /connection from (::ffff:)?10\.99\.2\.1:\d+ → http\/80/);
  });
});

test('RFC 863 discard and RFC 862 echo over TUN: nc bulk with SHA-256 check', async (t) => {
  const skip = tunSkipReason(['nc']);
  if (skip) return void t.skip(skip);
  const n = Number(process.env['LAYER4_TUN_NC_MB'] ?? '8') * 1024 * 1024;
  const data = testBytes(n, 11);
  await withUp('d', '10.99.3.2', 'fd00:99:3::2', 'discard', async (ns, up) => {
    const r = await ns.run('nc', ['-N', '-w', '30', '10.99.3.2', '9'], { input: data, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    await waitFor(() => up.log().includes(`(in ${n} B, out 0 B)`), `discard server saw all ${n} bytes: ${up.log()}`);
  });
  const echoBytes = data.subarray(0, Math.min(n, 8 * 1024 * 1024));
  await withUp('e', '10.99.4.2', 'fd00:99:4::2', 'echo', async (ns) => {
    for (const addr of ['10.99.4.2', 'fd00:99:4::2']) {
      const r = await ns.run('nc', ['-N', '-w', '30', addr, '7'], { input: echoBytes, timeoutMs: 120_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.length, echoBytes.length);
      assert.equal(sha256(r.stdout), sha256(echoBytes));
    }
  });
});

async function waitFor(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
