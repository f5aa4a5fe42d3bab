// Two layer4 processes joined by the UDP tunnel (IP in UDP over loopback): no root, no TUN.
// The child process runs an echo server (port 7) and a discard-and-hash server (port 9); this
// process connects to both and checks every byte with SHA-256.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createUdpTunnel, createUdpTunnelHost, parseHostPort } from '../src/link/udp-tunnel.js';
import { sha256, testBytes } from './tun-helpers.js';

const MOD = fileURLToPath(new URL('../src/link/udp-tunnel.js', import.meta.url));

const CHILD = `
import { createHash } from 'node:crypto';
const { createUdpTunnelHost } = await import(process.argv[1]);
const [local, remote] = process.argv.slice(2);
const h = await createUdpTunnelHost({ local, remote, address: '10.98.0.2/24', peer: '10.98.0.1/24' });
h.host.net.createServer((s) => s.pipe(s)).listen(7);
h.host.net.createServer((s) => {
  const hash = createHash('sha256');
  let n = 0;
  s.on('data', (c) => { hash.update(c); n += c.length; });
  s.on('end', () => s.end(JSON.stringify({ length: n, sha256: hash.digest('hex') })));
}).listen(9);
process.stdout.write('ready ' + h.tunnel.address().port + '\\n');
process.on('SIGTERM', () => { h.close(); process.exit(0); });
`;

test('udp-tunnel: ADDR:PORT parsing', () => {
  assert.deepEqual(parseHostPort('127.0.0.1:5555'), { address: '127.0.0.1', port: 5555 });
  assert.deepEqual(parseHostPort('[::1]:7'), { address: '::1', port: 7 });
  assert.equal(parseHostPort('127.0.0.1'), undefined);
  assert.equal(parseHostPort('127.0.0.1:70000'), undefined);
});

test('udp-tunnel: a remote that is not running yet is loss, not an error', async () => {
  const a = await createUdpTunnel({ local: '127.0.0.1:0', remote: '127.0.0.1:9' });
  a.send([new Uint8Array([0x45, 0, 0, 20])]);
  a.send([new Uint8Array([0x45, 0, 0, 20])]);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(a.stats.txPackets, 2);
  a.close();
});

test('udp-tunnel: datagrams from a stranger are dropped', async () => {
  const a = await createUdpTunnel({ local: '127.0.0.1:0', remote: '127.0.0.1:9' });
  const b = await createUdpTunnel({ local: '127.0.0.1:0', remote: `127.0.0.1:${a.address().port}` });
  const got: Uint8Array[] = [];
  a.onPackets((p) => got.push(...p));
  b.send([new Uint8Array([0x45, 0, 0, 20])]);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(got.length, 0);
  assert.equal(a.stats.rxPackets, 0);
  a.close();
  b.close();
});

test('RFC 9293 over a UDP tunnel between two layer4 processes: echo and 8 MB bulk, SHA-256 intact', async () => {
  // This end binds first on a free port; the child learns it and reports its own.
  const probe = await createUdpTunnel({ local: '127.0.0.1:0', remote: '127.0.0.1:1' });
  const myPort = probe.address().port;
  probe.close();
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, MOD, '127.0.0.1:0', `127.0.0.1:${myPort}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    const m = /ready (\d+)/.exec(line.toString());
    assert.ok(m, `child said: ${line.toString()}`);
    const h = await createUdpTunnelHost({ local: `127.0.0.1:${myPort}`, remote: `127.0.0.1:${m[1]}`, address: '10.98.0.1/24', peer: '10.98.0.2/24' });
    try {
      const echoData = testBytes(256 * 1024, 3);
      const echoed = await roundTrip(h.host, 7, echoData);
      assert.equal(sha256(echoed), sha256(echoData));
      const bulk = testBytes(8 * 1024 * 1024, 5);
      const reply = JSON.parse((await roundTrip(h.host, 9, bulk)).toString()) as { length: number; sha256: string };
      assert.deepEqual(reply, { length: bulk.length, sha256: createHash('sha256').update(bulk).digest('hex') });
      assert.ok(h.tunnel.stats.txPackets > 0 && h.tunnel.stats.rxPackets > 0);
    } finally {
      h.close();
    }
  } finally {
    child.kill('SIGTERM');
  }
});

function roundTrip(host: import('../src/api/host.js').Host, port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = host.net.connect({ host: '10.98.0.2', port });
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', reject);
    s.on('end', () => resolve(Buffer.concat(chunks)));
    s.end(data);
  });
}
