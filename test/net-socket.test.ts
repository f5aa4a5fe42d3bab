// host.net Socket: name lookup ('lookup', ENOTFOUND), localhost and IPv6, localPort, the connect
// timeout option, Nagle and keep-alive switches reaching TCP, keep-alive and SYN timeouts
// (ETIMEDOUT), destroySoon, ERR_SOCKET_CLOSED, and the real clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createNetwork, type Host, type Network } from '../src/sim/index.js';
import type { Socket } from '../src/api/net.js';

function pair(seed = 1): { net: Network; a: Host; b: Host } {
  const net = createNetwork({ seed });
  const a = net.host({ address: ['10.0.0.1', '2001:db8::1'], name: 'a' });
  const b = net.host({ address: ['10.0.0.2', '2001:db8::2'], name: 'b' });
  net.link(a, b, { delayMs: 5 });
  return { net, a, b };
}

function echo(h: Host, port: number, host?: string): void {
  const srv = h.net.createServer((s) => s.pipe(s));
  if (host !== undefined) srv.listen(port, host);
  else srv.listen(port);
}

async function roundTrip(c: Socket, text: string): Promise<string> {
  c.write(text);
  const [d] = (await once(c, 'data')) as [Buffer];
  return d.toString();
}

test("host names resolve on the network with a 'lookup' event; unknown names fail with ENOTFOUND", async () => {
  const { net, a, b } = pair();
  try {
    echo(b, 7);
    const c = a.net.connect(7, 'b');
    const [err, address, family, host] = (await once(c, 'lookup')) as [Error | null, string, number, string];
    assert.deepEqual([err, address, family, host], [null, '10.0.0.2', 4, 'b']);
    await once(c, 'connect');
    assert.equal(await roundTrip(c, 'by name'), 'by name');
    c.destroy();

    // A custom lookup function replaces the network's names, as node:net's `lookup` option does.
    const custom = a.net.connect({
      host: 'echo.example',
      port: 7,
      lookup: (_name, _opts, cb) => cb(null, '2001:db8::2', 6),
    });
    await once(custom, 'connect');
    assert.deepEqual([custom.remoteAddress, custom.remoteFamily], ['2001:db8::2', 'IPv6']);
    custom.destroy();

    const bad = a.net.connect(7, 'nosuchhost');
    const [e] = (await once(bad, 'error')) as [Error & { code?: string; syscall?: string; hostname?: string }];
    assert.deepEqual([e.code, e.syscall, e.hostname, e.message], ['ENOTFOUND', 'getaddrinfo', 'nosuchhost', 'getaddrinfo ENOTFOUND nosuchhost']);
    assert.equal(bad.destroyed, true);
  } finally {
    net.close();
  }
});

test('IPv6 connections, localhost over loopback, and an explicit localPort', async () => {
  const { net, a, b } = pair();
  try {
    echo(b, 7);
    const v6 = a.net.connect({ host: '2001:db8::2', port: 7, localPort: 41000 });
    await once(v6, 'connect');
    assert.deepEqual([v6.remoteAddress, v6.remoteFamily, v6.remotePort], ['2001:db8::2', 'IPv6', 7]);
    assert.deepEqual(v6.address(), { address: '2001:db8::1', family: 'IPv6', port: 41000 });
    assert.equal(await roundTrip(v6, 'six'), 'six');
    v6.destroy();

    const local = b.net.connect(7, 'localhost');
    await once(local, 'connect');
    assert.deepEqual([local.remoteAddress, local.localAddress], ['127.0.0.1', '127.0.0.1']);
    assert.equal(await roundTrip(local, 'loop'), 'loop');
    local.destroy();
  } finally {
    net.close();
  }
});

test('connect({ localAddress }) that is not ours: bind EADDRNOTAVAIL, as node:net reports it', async () => {
  const { net, a, b } = pair();
  try {
    echo(b, 7);
    const c = a.net.connect({ host: '10.0.0.2', port: 7, localAddress: '10.99.99.99' });
    const [err] = (await once(c, 'error')) as [Error & { code?: string; syscall?: string; address?: string; port?: number; errno?: number }];
    assert.deepEqual(
      { code: err.code, syscall: err.syscall, message: err.message, address: err.address, port: err.port },
      { code: 'EADDRNOTAVAIL', syscall: 'bind', message: 'bind EADDRNOTAVAIL 10.99.99.99', address: '10.99.99.99', port: undefined },
    );
  } finally {
    net.close();
  }
});

test("connect({ timeout }) emits 'timeout' after that much idle virtual time; activity postpones it", async () => {
  const { net, a, b } = pair();
  try {
    echo(b, 7);
    const c = a.net.connect({ host: '10.0.0.2', port: 7, timeout: 1000 });
    assert.equal(c.timeout, 1000);
    await once(c, 'connect');
    const t0 = net.now();
    assert.equal(await roundTrip(c, 'x'), 'x'); // the echo arrives 10 ms later
    await once(c, 'timeout');
    assert.equal(net.now(), t0 + 10 + 1000);
    c.setTimeout(0);
    c.destroy();
  } finally {
    net.close();
  }
});

test('setNoDelay / setKeepAlive reach the TCP connection; keep-alive on a dead path ends with read ETIMEDOUT', async () => {
  const { net, a, b } = pair();
  try {
    echo(b, 7);
    const c = a.net.connect({ host: '10.0.0.2', port: 7, keepAlive: true, keepAliveInitialDelay: 10_000 });
    await once(c, 'connect');
    const conn = c._connection!;
    assert.equal(conn.keepAlive, true);
    assert.equal(conn.keepAliveIdle, 10_000);
    assert.equal(c.setNoDelay(), c);
    assert.equal(conn.noDelay, true);
    c.setNoDelay(false);
    assert.equal(conn.noDelay, false);
    assert.equal(await roundTrip(c, 'alive'), 'alive');
    net.link(a, b, { loss: 1 }); // the path dies: probes go unanswered (RFC 1122 §4.2.3.6)
    const [err] = (await once(c, 'error')) as [Error & { code?: string; syscall?: string }];
    assert.deepEqual([err.code, err.syscall, err.message], ['ETIMEDOUT', 'read', 'read ETIMEDOUT']);
  } finally {
    net.close();
  }
});

test('RFC 1122 §4.2.3.5 unanswered SYNs: connect ETIMEDOUT with address and port', async () => {
  const { net, a, b } = pair();
  try {
    echo(b, 7);
    net.link(a, b, { loss: 1 });
    const t0 = net.now();
    const c = a.net.connect(7, '10.0.0.2');
    const [err] = (await once(c, 'error')) as [Error & { code?: string; address?: string; port?: number }];
    assert.deepEqual([err.code, err.address, err.port, err.message], ['ETIMEDOUT', '10.0.0.2', 7, 'connect ETIMEDOUT 10.0.0.2:7']);
    assert.ok(net.now() - t0 >= 60_000, 'SYNs were retried for a long while first');
    const [hadError] = (await once(c, 'close')) as [boolean];
    assert.equal(hadError, true);
  } finally {
    net.close();
  }
});

test('destroySoon() sends what is queued, then FIN; write on a never-connected socket is ERR_SOCKET_CLOSED', async () => {
  const { net, a, b } = pair();
  try {
    const got = new Promise<string>((resolve) =>
      b.net
        .createServer((s) => {
          let text = '';
          s.on('data', (d: Buffer) => (text += d.toString()));
          s.on('end', () => resolve(text));
        })
        .listen(7),
    );
    const c = a.net.connect(7, '10.0.0.2');
    const closed = once(c, 'close');
    c.write('part one, ');
    c.write('part two');
    c.destroySoon();
    assert.equal(await got, 'part one, part two');
    await closed;
    assert.equal(c.destroyed, true);
    assert.equal(c.bytesWritten, 18);

    const loose = new a.net.Socket();
    assert.equal(loose.readyState, 'open');
    assert.equal(loose.pending, true);
    const cbErr = new Promise<Error | null | undefined>((r) => loose.write('x', r));
    const [err] = (await once(loose, 'error')) as [Error & { code?: string }];
    assert.equal(err.code, 'ERR_SOCKET_CLOSED');
    assert.equal(err.message, 'Socket is closed');
    assert.equal(((await cbErr) as Error & { code?: string }).code, 'ERR_SOCKET_CLOSED');
  } finally {
    net.close();
  }
});

test('real clock: the stack runs on Node’s event loop (echo and orderly close over a 2 ms link)', async () => {
  const net = createNetwork({ clock: 'real', seed: 9 });
  try {
    const a = net.host({ address: '10.0.0.1' });
    const b = net.host({ address: '10.0.0.2' });
    net.link(a, b, { delayMs: 2 });
    const srv = b.net.createServer((s) => s.pipe(s));
    srv.listen(7);
    const c = a.net.connect(7, '10.0.0.2');
    await once(c, 'connect');
    const parts: Buffer[] = [];
    c.on('data', (d: Buffer) => parts.push(d));
    const payload = Buffer.alloc(200_000, 0x5a);
    c.end(payload);
    await once(c, 'end');
    assert.ok(Buffer.concat(parts).equals(payload));
    await once(c, 'close');
    srv.close();
  } finally {
    net.close();
  }
});
