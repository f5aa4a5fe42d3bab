// host.net Server: listen forms and address(), listen errors with node:net's messages (compared
// with node:net on kernel loopback), close() and ERR_SERVER_NOT_RUNNING, getConnections,
// maxConnections with 'drop', and 'close' only after the last connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as nodeNet from 'node:net';
import { createNetwork, type Host, type Network } from '../src/sim/index.js';
import type { Socket } from '../src/api/net.js';
import { normalizeMessage } from './helpers/net-compare.js';

function pair(): { net: Network; a: Host; b: Host } {
  const net = createNetwork({ seed: 2 });
  const a = net.host({ address: ['10.0.0.1', '2001:db8::1'], name: 'a' });
  const b = net.host({ address: ['10.0.0.2', '2001:db8::2'], name: 'b' });
  net.link(a, b, { delayMs: 1 });
  return { net, a, b };
}

interface ErrShape {
  code: string | undefined;
  syscall: string | undefined;
  errno: number | undefined;
  message: string;
}

function shape(e: Error & { code?: string; syscall?: string; errno?: number }): ErrShape {
  return { code: e.code, syscall: e.syscall, errno: e.errno, message: normalizeMessage(e.message) };
}

type ListenSurface = Pick<typeof nodeNet, 'createServer'>;

/** Listens twice on the same port of `host`; returns the second server's 'error'. */
async function doubleListen(n: ListenSurface, host: string): Promise<ErrShape> {
  const first = n.createServer();
  await new Promise<void>((r) => first.listen(0, host, r));
  const port = (first.address() as nodeNet.AddressInfo).port;
  const second = n.createServer();
  second.listen(port, host);
  const [err] = (await once(second, 'error')) as [Error];
  first.close();
  return shape(err);
}

test('listen EADDRINUSE and EADDRNOTAVAIL: same code, errno, syscall and message as node:net', async () => {
  const { net, b } = pair();
  try {
    const layer4 = b.net as unknown as ListenSurface;
    assert.deepEqual(await doubleListen(layer4, '10.0.0.2'), await doubleListen(nodeNet, '127.0.0.1'));
    const notMine = async (n: ListenSurface): Promise<ErrShape> => {
      const s = n.createServer();
      s.listen(0, '10.99.99.99');
      const [err] = (await once(s, 'error')) as [Error];
      return shape(err);
    };
    const l4 = await notMine(layer4);
    assert.deepEqual(l4, await notMine(nodeNet));
    assert.equal(l4.message, 'listen EADDRNOTAVAIL: address not available ADDR');
  } finally {
    net.close();
  }
});

test("listen forms: address() null before 'listening'; '::' dual-stack by default; host, backlog and options forms", async () => {
  const { net, a, b } = pair();
  try {
    const s1 = b.net.createServer();
    assert.equal(s1.address(), null);
    assert.equal(s1.listening, false);
    s1.listen(8080);
    await once(s1, 'listening');
    assert.deepEqual(s1.address(), { address: '::', family: 'IPv6', port: 8080 });
    assert.equal(s1.listening, true);

    const s2 = b.net.createServer().listen({ port: 0, host: '2001:db8::2', backlog: 4 });
    await once(s2, 'listening');
    const addr2 = s2.address()!;
    assert.equal(addr2.address, '2001:db8::2');
    assert.equal(addr2.family, 'IPv6');
    assert.ok(addr2.port >= 1024, 'an ephemeral port was chosen');

    const s3 = b.net.createServer();
    let called = false;
    s3.listen(8081, 'b', 10, () => (called = true));
    await once(s3, 'listening');
    assert.equal(called, true);
    assert.deepEqual(s3.address(), { address: '10.0.0.2', family: 'IPv4', port: 8081 }, 'the host name resolved on the network');

    // The dual-stack listener shows IPv4 peers as IPv4-mapped IPv6, like Node on Linux.
    const accepted = once(s1, 'connection') as Promise<[nodeNet.Socket]>;
    const c = a.net.connect(8080, '10.0.0.2');
    const [s] = await accepted;
    assert.equal(s.remoteAddress, '::ffff:10.0.0.1');
    assert.equal(s.remoteFamily, 'IPv6');
    assert.equal(s.localAddress, '::ffff:10.0.0.2');
    assert.equal(s.remotePort, c.localPort);
    c.destroy();
    s.destroy();
    for (const x of [s1, s2, s3]) x.close();
  } finally {
    net.close();
  }
});

test("close(): 'close' waits for the last connection; a second close() gets ERR_SERVER_NOT_RUNNING", async () => {
  const { net, a, b } = pair();
  try {
    const srv = b.net.createServer().listen(7);
    await once(srv, 'listening');
    const accepted = once(srv, 'connection') as Promise<[nodeNet.Socket]>;
    const c = a.net.connect(7, '10.0.0.2');
    c.resume(); // consume, so that the client sees 'end' (a socket nobody reads never does)
    const [s] = await accepted;
    const count = await new Promise<number>((r) => srv.getConnections((_e, n) => r(n)));
    assert.equal(count, 1);
    let closed = false;
    srv.close(() => (closed = true));
    assert.equal(srv.listening, false);
    assert.equal(srv.address(), null);
    await net.run(100);
    assert.equal(closed, false, "no 'close' while a connection is open");
    s.resume();
    s.end();
    await once(c, 'close');
    await once(srv, 'close');
    assert.equal(closed, true);
    const err = await new Promise<Error | undefined>((r) => srv.close(r));
    assert.equal((err as Error & { code?: string }).code, 'ERR_SERVER_NOT_RUNNING');
    assert.equal(err!.message, 'Server is not running.');
    // Connecting to the closed port is refused.
    const late = a.net.connect(7, '10.0.0.2');
    const [refused] = (await once(late, 'error')) as [Error & { code?: string }];
    assert.equal(refused.message, 'connect ECONNREFUSED 10.0.0.2:7');
  } finally {
    net.close();
  }
});

test("maxConnections: connections beyond it are closed and reported with 'drop'", async () => {
  const { net, a, b } = pair();
  try {
    const srv = b.net.createServer((s) => s.write('welcome'));
    srv.maxConnections = 1;
    srv.listen(9);
    await once(srv, 'listening');
    const drops: unknown[] = [];
    srv.on('drop', (d: unknown) => drops.push(d));
    const first = a.net.connect(9, '10.0.0.2');
    await once(first, 'data');
    const second = a.net.connect({ port: 9, host: '10.0.0.2', localPort: 40000 });
    const got: Buffer[] = [];
    second.on('data', (d: Buffer) => got.push(d));
    await once(second, 'end');
    assert.equal(Buffer.concat(got).length, 0, 'the dropped connection got no data');
    assert.deepEqual(drops, [
      { localAddress: '::ffff:10.0.0.2', localPort: 9, localFamily: 'IPv6', remoteAddress: '::ffff:10.0.0.1', remotePort: 40000, remoteFamily: 'IPv6' },
    ]);
    first.destroy();
    srv.close();
  } finally {
    net.close();
  }
});

test('pauseOnConnect: bytes wait in TCP until resume()', async () => {
  const { net, a, b } = pair();
  try {
    const accepted = new Promise<Socket>((r) => b.net.createServer({ pauseOnConnect: true }, r).listen(10));
    const c = a.net.connect(10, '10.0.0.2');
    c.end('queued bytes');
    const s = await accepted;
    await net.run(50);
    assert.equal(s.readableLength, 0);
    assert.equal(s.bytesRead, 0);
    s.resume();
    const [d] = (await once(s, 'data')) as [Buffer];
    assert.equal(d.toString(), 'queued bytes');
  } finally {
    net.close();
  }
});
