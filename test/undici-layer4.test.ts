// undici unmodified over host.net: a Client and an Agent whose `connect` option opens layer4
// sockets; request(), pipelining and fetch() against node:http served from another layer4 host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { Socket as NodeSocket } from 'node:net';
import { Agent, Client, fetch, type buildConnector } from 'undici';
import { createNetwork, type Host, type Network } from '../src/sim/index.js';

function connector(host: Host): buildConnector.connector {
  return (opts, callback) => {
    const s = host.net.connect({ host: opts.hostname, port: Number(opts.port !== '' ? opts.port : 80) });
    const onError = (err: Error): void => callback(err, null);
    s.once('error', onError);
    s.once('connect', () => {
      s.off('error', onError);
      callback(null, s as unknown as NodeSocket); // undici uses only the node:net surface host.net implements
    });
  };
}

interface World {
  net: Network;
  client: Host;
  close(): void;
}

function world(handler: http.RequestListener, loss = 0): World {
  const net = createNetwork({ seed: 11 });
  const client = net.host({ address: '10.0.0.1', name: 'client' });
  const server = net.host({ address: '10.0.0.2', name: 'server' });
  net.link(client, server, { delayMs: 2, loss });
  const hs = http.createServer(handler);
  const srv = server.net.createServer((s) => hs.emit('connection', s));
  srv.listen(80);
  return {
    net,
    client,
    close: () => {
      srv.close();
      hs.close();
      net.close();
    },
  };
}

const payload = Buffer.alloc(5 * 1024 * 1024);
for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + (i >>> 10)) & 0xff;

function serve(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.url === '/big') {
    res.end(payload);
    return;
  }
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, body }));
  });
}

test('undici Client({ connect }): 200 sequential keep-alive requests across a 1 % lossy link', async () => {
  const w = world(serve, 0.01);
  const client = new Client('http://10.0.0.2', { connect: connector(w.client) });
  try {
    for (let i = 0; i < 200; i++) {
      const r = await client.request({ path: `/r/${i}`, method: 'GET' });
      assert.equal(r.statusCode, 200);
      assert.deepEqual(await r.body.json(), { method: 'GET', url: `/r/${i}`, body: '' });
    }
  } finally {
    await client.close();
    w.close();
  }
});

test('undici Client with pipelining: 100 concurrent requests answered in order', async () => {
  const w = world(serve);
  const client = new Client('http://10.0.0.2', { connect: connector(w.client), pipelining: 8 });
  try {
    const all = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const r = await client.request({ path: `/p/${i}`, method: 'POST', body: `#${i}` });
        return (await r.body.json()) as { url: string; body: string };
      }),
    );
    assert.deepEqual(
      all.map((x) => `${x.url} ${x.body}`),
      Array.from({ length: 100 }, (_, i) => `/p/${i} #${i}`),
    );
  } finally {
    await client.close();
    w.close();
  }
});

test('undici fetch() through an Agent({ connect }): JSON POST and a 5 MB streamed body', async () => {
  const w = world(serve, 0.01);
  const agent = new Agent({ connect: connector(w.client) });
  try {
    const r = await fetch('http://10.0.0.2/api', { dispatcher: agent, method: 'POST', body: 'hello' });
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { method: 'POST', url: '/api', body: 'hello' });
    const big = await fetch('http://10.0.0.2/big', { dispatcher: agent });
    const h = createHash('sha256');
    let n = 0;
    for await (const chunk of big.body!) {
      h.update(chunk);
      n += chunk.length;
    }
    assert.equal(n, payload.length);
    assert.equal(h.digest('hex'), createHash('sha256').update(payload).digest('hex'));
  } finally {
    await agent.close();
    w.close();
  }
});

test('undici fetch() to a port nobody listens on rejects with cause ECONNREFUSED', async () => {
  const w = world(serve);
  const agent = new Agent({ connect: connector(w.client) });
  try {
    await assert.rejects(fetch('http://10.0.0.2:81/', { dispatcher: agent }), (err: Error & { cause?: { code?: string; message?: string } }) => {
      assert.equal(err.cause?.code, 'ECONNREFUSED');
      assert.equal(err.cause?.message, 'connect ECONNREFUSED 10.0.0.2:81');
      return true;
    });
  } finally {
    await agent.close();
    w.close();
  }
});
