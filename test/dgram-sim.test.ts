// host.dgram over createNetwork: UDP across a 3-host network (IPv4 and IPv6), ping, ICMP port
// unreachable → ECONNREFUSED on a connected socket, EADDRINUSE, and the real clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Buffer } from 'node:buffer';
import { createNetwork, type Host, type Network } from '../src/sim/index.js';
import type { RemoteInfo, Socket } from '../src/api/dgram.js';

/** Await `p` while the network runs. */
async function until<T>(net: Network, p: Promise<T>): Promise<T> {
  const [v] = await Promise.all([p, net.idle()]);
  return v;
}

function threeHosts(net: Network, addrs: [string, string, string]): [Host, Host, Host] {
  const a = net.host({ address: addrs[0], name: 'a' });
  const b = net.host({ address: addrs[1], name: 'b' });
  const c = net.host({ address: addrs[2], name: 'c' });
  net.link(a, b, { delayMs: 5 });
  net.link(a, c, { delayMs: 10 });
  net.link(b, c, { delayMs: 20 });
  return [a, b, c];
}

function echoServer(h: Host, type: 'udp4' | 'udp6', port: number): Socket {
  const s = h.dgram.createSocket(type);
  s.on('message', (m: Buffer, r: RemoteInfo) => s.send(Buffer.concat([Buffer.from(`${h.name}:`), m]), r.port, r.address));
  s.bind(port);
  return s;
}

for (const [family, type, addrs] of [
  ['IPv4', 'udp4', ['10.0.0.1', '10.0.0.2', '10.0.0.3']],
  ['IPv6', 'udp6', ['2001:db8::1', '2001:db8::2', '2001:db8::3']],
] as const) {
  test(`RFC 768 UDP request/response across a 3-host network (${family}): each pair's delay shows in the RTT`, async () => {
    const net = createNetwork({ seed: 1 });
    const [a, b, c] = threeHosts(net, [...addrs]);
    const sb = echoServer(b, type, 7);
    const sc = echoServer(c, type, 7);
    const client = a.dgram.createSocket(type);
    const replies: Array<[string, RemoteInfo, number]> = [];
    client.on('message', (m: Buffer, r: RemoteInfo) => replies.push([m.toString(), r, net.now()]));
    client.send('hi', 7, addrs[1]);
    client.send('hi', 7, addrs[2]);
    await net.idle();
    assert.deepEqual(
      replies.map(([m, r, t]) => [m, r.address, r.family, r.port, r.size, t]),
      [
        ['b:hi', addrs[1], family, 7, 4, 10],
        ['c:hi', addrs[2], family, 7, 4, 20],
      ],
    );
    // b → c by host name, over the 20 ms b↔c link.
    const fromB = b.dgram.createSocket(type);
    const t0 = net.now();
    const got = once(fromB, 'message') as Promise<[Buffer, RemoteInfo]>;
    fromB.send('x', 7, 'c');
    const [m, r] = await until(net, got);
    assert.equal(m.toString(), 'c:x');
    assert.equal(r.address, addrs[2]);
    assert.equal(net.now() - t0, 40);
    for (const s of [sb, sc, client, fromB]) s.close();
    await net.idle();
  });
}

test('dual-stack udp6 socket hears IPv4 peers as ::ffff:a.b.c.d (RFC 4291 §2.5.5.2)', async () => {
  const net = createNetwork();
  const a = net.host({ address: ['10.0.0.1', '2001:db8::1'] });
  const b = net.host({ address: ['10.0.0.2', '2001:db8::2'] });
  const srv = b.dgram.createSocket('udp6');
  srv.bind(9000);
  const got = once(srv, 'message') as Promise<[Buffer, RemoteInfo]>;
  a.dgram.createSocket('udp4').send('v4', 9000, '10.0.0.2');
  const [, r] = await until(net, got);
  assert.equal(r.address, '::ffff:10.0.0.1');
  assert.equal(r.family, 'IPv6');
});

test('ping: resolves to the RTT over the link; a cut link times out with ETIMEDOUT', async () => {
  const net = createNetwork();
  const a = net.host({ address: '10.0.0.1' });
  const b = net.host({ address: '10.0.0.2', name: 'b' });
  const v6a = net.host({ address: '2001:db8::1' });
  const v6b = net.host({ address: '2001:db8::2' });
  const l = net.link(a, b, { delayMs: 12.5 });
  net.link(v6a, v6b, { delayMs: 3 });
  assert.equal(await until(net, a.ping('10.0.0.2')), 25);
  assert.equal(await until(net, a.ping('b')), 25);
  assert.equal(await until(net, v6a.ping('2001:db8::2')), 6);
  l.down();
  await assert.rejects(until(net, a.ping('10.0.0.2', { timeoutMs: 500 })), { code: 'ETIMEDOUT' });
});

test('RFC 1122 §4.1.3.1 port unreachable → ECONNREFUSED "recvmsg" error on a connected socket', async () => {
  const net = createNetwork();
  const a = net.host({ address: '10.0.0.1' });
  const b = net.host({ address: '10.0.0.2' });
  net.link(a, b, { delayMs: 2 });
  const s = a.dgram.createSocket('udp4');
  const order: string[] = [];
  s.on('listening', () => order.push('listening'));
  s.connect(4444, '10.0.0.2', () => {
    order.push('connect');
    s.send('anyone?', (err) => order.push(`send ${String(err)}`));
  });
  const [err] = (await until(net, once(s, 'error'))) as [NodeJS.ErrnoException];
  assert.equal(err.code, 'ECONNREFUSED');
  assert.equal(err.syscall, 'recvmsg');
  assert.equal(err.message, 'recvmsg ECONNREFUSED');
  assert.ok(typeof err.errno === 'number' && err.errno < 0);
  assert.deepEqual(order, ['listening', 'connect', 'send null']);
  assert.equal(net.now(), 4);
  // An unconnected socket is not told (as on Linux).
  const u = a.dgram.createSocket('udp4');
  let errors = 0;
  u.on('error', () => errors++);
  u.send('x', 4444, '10.0.0.2');
  await net.idle();
  assert.equal(errors, 0);
});

test('EADDRINUSE on a second bind, with Node\'s message "bind EADDRINUSE 10.0.0.2:53"', async () => {
  const net = createNetwork();
  const b = net.host({ address: '10.0.0.2' });
  const first = b.dgram.createSocket('udp4');
  first.bind(53, '10.0.0.2');
  const second = b.dgram.createSocket('udp4');
  second.bind(53, '10.0.0.2');
  const [err] = (await until(net, once(second, 'error'))) as [NodeJS.ErrnoException & { address: string; port: number }];
  assert.equal(err.code, 'EADDRINUSE');
  assert.equal(err.message, 'bind EADDRINUSE 10.0.0.2:53');
  assert.equal(err.syscall, 'bind');
  assert.equal(err.address, '10.0.0.2');
  assert.equal(err.port, 53);
  // The failed socket is still unbound and may bind elsewhere.
  second.bind(54);
  await until(net, once(second, 'listening'));
  assert.equal(second.address().port, 54);
  // reuseAddr on both sides lets a specific address share a port with the wildcard (the stack's
  // bind table follows the BSD SO_REUSEADDR rule); without it, that is EADDRINUSE too.
  const r1 = b.dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const r2 = b.dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const r3 = b.dgram.createSocket('udp4');
  r1.bind(5353);
  r2.bind(5353, '10.0.0.2');
  r3.bind(5353, '10.0.0.2');
  const errors: string[] = [];
  for (const s of [r1, r2, r3]) s.on('error', (e: Error) => errors.push(e.message));
  await net.idle();
  assert.deepEqual(errors, ['bind EADDRINUSE 10.0.0.2:5353']);
});

test('bind to an address the host does not have → EADDRNOTAVAIL; unknown host name → ENOTFOUND', async () => {
  const net = createNetwork();
  const a = net.host({ address: '10.0.0.1' });
  const s = a.dgram.createSocket('udp4');
  s.bind(0, '10.0.0.9');
  const [err] = (await until(net, once(s, 'error'))) as [NodeJS.ErrnoException];
  assert.equal(err.code, 'EADDRNOTAVAIL');
  assert.equal(err.message, 'bind EADDRNOTAVAIL 10.0.0.9');
  const t = a.dgram.createSocket('udp4');
  const cbErr = await until(net, new Promise<Error | null>((res) => t.send('x', 9, 'nowhere', (e) => res(e))));
  assert.equal((cbErr as NodeJS.ErrnoException).code, 'ENOTFOUND');
});

test('send callbacks and errors: EMSGSIZE through the callback; synchronous ERR_* throws', async () => {
  const net = createNetwork();
  const a = net.host({ address: '10.0.0.1' });
  net.host({ address: '10.0.0.2' });
  const s = a.dgram.createSocket('udp4');
  const err = await until(net, new Promise<Error | null>((res) => s.send(new Uint8Array(70_000), 9, '10.0.0.2', (e) => res(e))));
  assert.equal((err as NodeJS.ErrnoException).code, 'EMSGSIZE');
  assert.throws(() => s.send('x', 0, '10.0.0.2'), { code: 'ERR_SOCKET_BAD_PORT', name: 'RangeError' });
  assert.throws(() => s.send(42 as unknown as string, 9, '10.0.0.2'), { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' });
  assert.throws(() => s.remoteAddress(), { code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' });
  assert.throws(() => s.disconnect(), { code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' });
  assert.throws(() => a.dgram.createSocket('udp5' as 'udp4'), { code: 'ERR_SOCKET_BAD_TYPE' });
  s.connect(9, '10.0.0.2');
  await until(net, once(s, 'connect'));
  assert.deepEqual(s.remoteAddress(), { address: '10.0.0.2', family: 'IPv4', port: 9 });
  assert.throws(() => s.connect(9, '10.0.0.2'), { code: 'ERR_SOCKET_DGRAM_IS_CONNECTED' });
  assert.throws(() => s.send('x', 0, 1, 9, '10.0.0.2'), { code: 'ERR_SOCKET_DGRAM_IS_CONNECTED' });
  s.disconnect();
  assert.throws(() => s.remoteAddress(), { code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' });
  assert.equal(s.ref(), s);
  assert.equal(s.unref(), s);
  s.setRecvBufferSize(100_000);
  assert.equal(s.getRecvBufferSize(), 200_000);
  s.close();
  assert.throws(() => s.send('x', 9, '10.0.0.2'), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' });
  assert.throws(() => s.close(), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' });
  assert.throws(() => a.dgram.createSocket('udp4').setRecvBufferSize(1000), { code: 'ERR_SOCKET_BUFFER_SIZE' });
});

test('a closed socket frees its port and emits close once', async () => {
  const net = createNetwork();
  const a = net.host({ address: '10.0.0.1' });
  const s = a.dgram.createSocket('udp4');
  s.bind(7000);
  let closes = 0;
  s.close(() => closes++);
  const t = a.dgram.createSocket('udp4');
  t.bind(7000);
  await until(net, once(t, 'listening'));
  assert.equal(closes, 1);
  assert.equal(t.address().port, 7000);
});

test('real clock: a UDP exchange across a 10 ms link', async () => {
  const net = createNetwork({ clock: 'real' });
  try {
    const a = net.host({ address: '10.0.0.1' });
    const b = net.host({ address: '10.0.0.2' });
    net.link(a, b, { delayMs: 10 });
    const srv = echoServer(b, 'udp4', 7);
    const c = a.dgram.createSocket('udp4');
    const got = once(c, 'message') as Promise<[Buffer, RemoteInfo]>;
    const t0 = net.now();
    c.send('real', 7, '10.0.0.2');
    const [m] = await got;
    assert.equal(m.toString(), 'host1:real');
    assert.ok(net.now() - t0 >= 20, 'a 20 ms round trip cannot take less');
    srv.close();
    c.close();
    await net.idle();
  } finally {
    net.close();
  }
});

test('determinism with full stacks: same seed → byte-identical pcap (ephemeral ports, IP IDs, losses); another seed differs', async () => {
  const run = async (seed: number): Promise<Uint8Array> => {
    const net = createNetwork({ seed });
    const [a, b] = threeHosts(net, ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    net.link(a, b, { delayMs: 4, jitterMs: 3, loss: 0.2, duplicate: 0.05, reorder: 0.1 });
    const cap = net.capture();
    echoServer(b, 'udp4', 7);
    for (let i = 0; i < 40; i++) {
      const s = a.dgram.createSocket('udp4');
      s.on('message', () => s.close());
      s.send(`request ${i}`, 7, '10.0.0.2');
      await net.run(1);
    }
    await net.idle();
    net.close();
    return cap.bytes();
  };
  const x = await run(11);
  const y = await run(11);
  const z = await run(12);
  assert.ok(x.length > 24 + 40 * 50);
  assert.deepEqual(x, y);
  assert.notDeepEqual(x, z);
});

test('virtual clock with full stacks: a heartbeat every virtual second for 120 s completes, on network-time timers', async () => {
  const net = createNetwork();
  const a = net.host({ address: '10.0.0.1' });
  const b = net.host({ address: '10.0.0.2' });
  net.link(a, b, { delayMs: 30 });
  const srv = b.dgram.createSocket('udp4');
  const arrivals: number[] = [];
  srv.on('message', () => arrivals.push(net.now()));
  srv.bind(9);
  const cli = a.dgram.createSocket('udp4');
  let beats = 0;
  const beat = (): void => {
    cli.send('beat', 9, '10.0.0.2');
    if (++beats < 120) net.setTimeout(beat, 1000);
  };
  net.setTimeout(beat, 1000);
  const wall0 = performance.now();
  await net.idle();
  const wallMs = performance.now() - wall0;
  assert.equal(arrivals.length, 120);
  assert.equal(arrivals[0], 1030);
  assert.equal(arrivals.at(-1), 120_030);
  assert.equal(net.now(), 120_030);
  assert.ok(wallMs < 20_000, `sanity bound only (${wallMs.toFixed(0)} ms wall)`);
});

test('a throwing user callback rejects idle() and leaves the network usable', async () => {
  const net = createNetwork();
  const a = net.host({ address: '10.0.0.1' });
  const b = net.host({ address: '10.0.0.2' });
  const srv = b.dgram.createSocket('udp4');
  let calls = 0;
  srv.on('message', () => {
    if (++calls === 1) throw new Error('boom');
  });
  srv.bind(9);
  const cli = a.dgram.createSocket('udp4');
  cli.send('one', 9, '10.0.0.2');
  await assert.rejects(net.idle(), /boom/);
  cli.send('two', 9, '10.0.0.2');
  await net.idle();
  assert.equal(calls, 2);
  assert.equal(await until(net, a.ping('10.0.0.2')), 0);
});

test('bound dgram sockets hold a ref: the virtual network runs by itself while one is open, and stops with the last', async () => {
  const net = createNetwork();
  const a = net.host({ address: '10.0.0.1' });
  const b = net.host({ address: '10.0.0.2' });
  net.link(a, b, { delayMs: 5 });
  const srv = echoServer(b, 'udp4', 7);
  const cli = a.dgram.createSocket('udp4');
  cli.send('auto', 7, '10.0.0.2');
  const [m] = (await once(cli, 'message')) as [Buffer];
  assert.equal(m.toString(), 'host1:auto');
  assert.equal(net.now(), 10);
  // unref() releases the socket's hold, as in Node; with no holder left nothing runs by itself.
  cli.unref();
  srv.unref();
  const before = net.now();
  const p = a.ping('10.0.0.2');
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  assert.equal(net.now(), before);
  assert.equal(await until(net, p), 10);
  srv.close();
  cli.close();
});
