// layer4 as the client of kernel servers over TUN: node:http over host.net fetching from
// `python3 -m http.server`, and raw TCP both ways with `nc -l`, every byte checked with SHA-256.
// The kernel side runs in a namespace this test creates; skipped with the reason where it cannot.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import type { Host } from '../src/api/host.js';
import { openTunHost, type TunHost } from '../src/link/tun-setup.js';
import { createNetns, sha256, testBytes, tunSkipReason, type Netns } from './tun-helpers.js';

async function withTun(tag: string, body: (ns: Netns, th: TunHost) => Promise<void>): Promise<void> {
  const ns = createNetns();
  let th: TunHost | undefined;
  try {
    th = openTunHost({ name: `l4${tag}${process.pid % 10000}`, address: ['10.99.5.2/24', 'fd00:99:5::2/64'], netns: ns.name });
    await body(ns, th);
  } finally {
    th?.close();
    ns.remove();
  }
}

/** Connects, retrying while the kernel server is not listening yet. */
async function connectRetry(host: Host, addr: string, port: number): Promise<Socket> {
  for (let i = 0; ; i++) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = host.net.connect({ host: addr, port }) as unknown as Socket;
        s.once('connect', () => {
          s.off('error', reject);
          resolve(s);
        });
        s.once('error', reject);
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || i > 100) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function readAll(s: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', reject);
    s.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

test('HTTP/1.1 client on layer4: GET 5 MB from the kernel python3 http.server over TUN, IPv4 and IPv6', async (t) => {
  const skip = tunSkipReason(['python3']);
  if (skip) return void t.skip(skip);
  const dir = mkdtempSync(join(tmpdir(), 'l4tun-'));
  const file = testBytes(5 * 1024 * 1024, 21);
  writeFileSync(join(dir, 'blob.bin'), file);
  try {
    await withTun('c', async (ns, th) => {
      const server = spawn('ip', ['netns', 'exec', ns.name, 'python3', '-m', 'http.server', '--bind', '::', '--directory', dir, '8000'], { stdio: 'ignore' });
      try {
        for (const addr of ['10.99.5.1', 'fd00:99:5::1']) {
          await connectRetry(th.host, addr, 8000).then((s) => s.destroy());
          const body = await new Promise<Buffer>((resolve, reject) => {
            const req = request({ host: addr, port: 8000, path: '/blob.bin', createConnection: () => th.host.net.connect({ host: addr, port: 8000 }) as unknown as Socket }, (res) => {
              assert.equal(res.statusCode, 200);
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => resolve(Buffer.concat(chunks)));
              res.on('error', reject);
            });
            req.on('error', reject);
            req.end();
          });
          assert.equal(body.length, file.length);
          assert.equal(sha256(body), sha256(file));
        }
      } finally {
        server.kill('SIGTERM');
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('RFC 9293 bulk both ways between layer4 and kernel `nc -l` over TUN, SHA-256 intact', async (t) => {
  const skip = tunSkipReason(['nc']);
  if (skip) return void t.skip(skip);
  await withTun('n', async (ns, th) => {
    // kernel → layer4: nc -l sends a file and shuts down its write side (-N).
    const fromKernel = testBytes(4 * 1024 * 1024, 31);
    const sender = ns.run('nc', ['-l', '-N', '10.99.5.1', '9000'], { input: fromKernel, timeoutMs: 60_000 });
    const got = await readAll(await connectRetry(th.host, '10.99.5.1', 9000));
    assert.equal(sha256(got), sha256(fromKernel));
    assert.equal((await sender).code, 0);
    // layer4 → kernel: nc -l prints what it receives until layer4 closes.
    const toKernel = testBytes(4 * 1024 * 1024, 32);
    const receiver = ns.run('nc', ['-l', 'fd00:99:5::1', '9001'], { timeoutMs: 60_000 });
    const s = await connectRetry(th.host, 'fd00:99:5::1', 9001);
    s.end(toKernel);
    s.resume();
    const r = await receiver;
    assert.equal(r.stdout.length, toKernel.length, r.stderr);
    assert.equal(sha256(r.stdout), sha256(toKernel));
  });
});
