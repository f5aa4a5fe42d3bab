// Hosts crashing and restarting on the simulated network (net.crash / net.restart): a crash loses
// all state without a FIN or RST on the wire; a restart brings a fresh stack up on the same
// addresses. Peers must learn of it with an error (RFC 9293 §3.5.2 half-open discovery, §3.10.7.1
// RST from a CLOSED/LISTEN port, or R2/keep-alive timeouts), never by hanging or by a quiet end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNetwork } from '../src/sim/index.js';
import type { Host } from '../src/api/host.js';
import { readPcap } from '../src/wire/pcap.js';

type Socket = ReturnType<Host['net']['connect']>;

interface Seen {
  data: number;
  error: string | undefined;
  closed: boolean;
  ended: boolean;
}

function watch(s: Socket): Seen {
  const seen: Seen = { data: 0, error: undefined, closed: false, ended: false };
  s.on('data', (b: Buffer) => void (seen.data += b.length));
  s.on('error', (e: NodeJS.ErrnoException) => void (seen.error = e.code));
  s.on('end', () => void (seen.ended = true));
  s.on('close', () => void (seen.closed = true));
  return seen;
}

/** a connects to b:80 (a server that reads everything); resolves with the client socket and the server side. */
async function connected(net: ReturnType<typeof createNetwork>, a: Host, b: Host): Promise<{ client: Socket; server: { got: number } }> {
  const server = { got: 0 };
  b.net.createServer((s) => {
    s.on('data', (d: Buffer) => void (server.got += d.length));
    s.on('error', () => {});
  }).listen(80);
  const client = a.net.connect({ host: b.addresses[0]!, port: 80 });
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  await net.run(50);
  return { client, server };
}

function sources(pcap: Uint8Array): string[] {
  const r = readPcap(pcap);
  assert.ok(r.ok);
  return r.packets.map((p) => `${p.data[12]}.${p.data[13]}.${p.data[14]}.${p.data[15]}`);
}

test('RFC 9293 §3.10.7.1 / §3.5.2: after a crash and restart the peer’s next segment draws a RST → ECONNRESET; the crash itself sends nothing', async () => {
  const net = createNetwork({ seed: 3 });
  const a = net.host({ address: '10.0.0.1' });
  let b = net.host({ address: '10.0.0.2' });
  net.link(a, b, { delayMs: 5 });
  const { client, server } = await connected(net, a, b);
  const seen = watch(client);
  client.write(new Uint8Array(1000));
  await net.run(100);
  assert.equal(server.got, 1000);
  const cap = net.capture();
  net.crash(b);
  await net.run(1000);
  assert.deepEqual(sources(cap.bytes()).filter((s) => s === '10.0.0.2'), [], 'a crashed host sends no FIN or RST');
  b = net.restart(b);
  assert.equal(net.hosts.find((h) => h.name === b.name), b, 'the network now knows the new Host');
  client.write(new Uint8Array(500));
  await net.idle();
  assert.equal(seen.error, 'ECONNRESET');
  assert.ok(seen.closed);
  assert.equal(seen.data, 0);
  assert.ok(sources(cap.bytes()).includes('10.0.0.2'), 'the restarted host answered');
  net.close();
});

test('RFC 9293 §3.8.3 (R2): data to a host that stays down ends the connection with ETIMEDOUT, not a hang', async () => {
  const net = createNetwork({ seed: 4 });
  const a = net.host({ address: '10.0.0.1' });
  const b = net.host({ address: '10.0.0.2' });
  net.link(a, b, { delayMs: 5 });
  const { client } = await connected(net, a, b);
  const seen = watch(client);
  net.crash(b);
  client.write(new Uint8Array(3000));
  await net.idle({ maxMs: 3_600_000 });
  assert.equal(seen.error, 'ETIMEDOUT');
  assert.ok(seen.closed);
  assert.ok(net.now() < 3_600_000);
  net.close();
});

test('RFC 1122 §4.2.3.6 keep-alive + RFC 9293 §3.5.2: an idle peer discovers the half-open connection once the host is back', async () => {
  const net = createNetwork({ seed: 5 });
  const a = net.host({ address: '10.0.0.1' });
  let b = net.host({ address: '10.0.0.2', tcp: { keepAliveInterval: 1000, keepAliveCount: 3 } });
  net.link(a, b, { delayMs: 5 });
  const { client } = await connected(net, a, b);
  client.setKeepAlive(true, 5000);
  const seen = watch(client);
  net.crash(b);
  await net.run(2000);
  b = net.restart(b);
  await net.idle({ maxMs: 600_000 });
  assert.equal(seen.error, 'ECONNRESET');
  assert.ok(seen.closed);
  net.close();
});

test('a restarted host starts over: it listens again, its connections get a new ISN, the old Host stays dead', async () => {
  const net = createNetwork({ seed: 6 });
  let a = net.host({ address: '10.0.0.1', name: 'a' });
  const b = net.host({ address: '10.0.0.2', name: 'b' });
  net.link(a, b, { delayMs: 2 });
  const isns: number[] = [];
  const cap = net.capture();
  const echo = (s: Socket): void => void s.pipe(s);
  b.net.createServer(echo).listen(7);
  const old = a;
  // The crashed host's server and socket hold no ref: idle() returns while they are silent.
  a.net.createServer(echo).listen(9);
  const c1 = a.net.connect({ host: '10.0.0.2', port: 7 });
  await new Promise<void>((r) => c1.once('connect', () => r()));
  net.crash(a);
  await net.idle();
  assert.throws(() => net.crash(old), /already down/);
  a = net.restart(a);
  assert.notEqual(a, old);
  assert.throws(() => net.restart(old), /restarted since/);
  assert.equal(a.stack !== old.stack, true);
  // The reborn a serves again on its own listener, reached by name.
  a.net.createServer(echo).listen(9);
  const c2 = b.net.connect({ host: 'a', port: 9 });
  const c3 = a.net.connect({ host: '10.0.0.2', port: 7 });
  const got = await new Promise<string>((resolve) => {
    c3.once('data', (d: Buffer) => resolve(d.toString()));
    c3.write('again');
  });
  assert.equal(got, 'again');
  await new Promise<void>((r) => (c2.readyState === 'open' ? r() : c2.once('connect', () => r())));
  for (const s of [c2, c3]) s.destroy();
  await net.idle();
  const r = readPcap(cap.bytes());
  assert.ok(r.ok);
  for (const p of r.packets) {
    const d = p.data;
    const syn = d[9] === 6 && (d[33]! & 0x12) === 0x02;
    if (syn && d[15] === 1) isns.push(new DataView(d.buffer, d.byteOffset).getUint32(24));
  }
  assert.equal(isns.length, 2, 'one SYN from a before the crash, one after');
  assert.notEqual(isns[0], isns[1]);
  net.close();
});
