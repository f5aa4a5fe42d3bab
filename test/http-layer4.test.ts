// node:http unmodified over host.net: http.createServer fed with server.emit('connection', socket),
// clients through http.request({ createConnection }) and a keep-alive Agent whose createConnection
// opens layer4 sockets — across a link that loses 1 % of packets, on the virtual clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { createNetwork, type Host, type Network } from '../src/sim/index.js';

interface Bench {
  net: Network;
  client: Host;
  server: Host;
  connections: () => number;
  close: () => void;
}

/** Two hosts over a lossy 1 ms link; `handler` serves HTTP on 10.0.0.2:80. */
function setup(handler: http.RequestListener, seed = 7): Bench {
  const net = createNetwork({ seed });
  const client = net.host({ address: '10.0.0.1', name: 'client' });
  const server = net.host({ address: '10.0.0.2', name: 'server' });
  net.link(client, server, { delayMs: 1, loss: 0.01, rateMbps: 1000 });
  const hs = http.createServer(handler);
  let connections = 0;
  const srv = server.net.createServer((s) => {
    connections++;
    hs.emit('connection', s);
  });
  srv.listen(80);
  return {
    net,
    client,
    server,
    connections: () => connections,
    close: () => {
      srv.close();
      hs.close();
      net.close();
    },
  };
}

function keepAliveAgent(client: Host): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // http.Agent creates its sockets through createConnection: hand it layer4 sockets.
  (agent as unknown as { createConnection: () => Duplex }).createConnection = () => client.net.createConnection({ host: '10.0.0.2', port: 80 });
  return agent;
}

function get(agent: http.Agent, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: '10.0.0.2', port: 80, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('node:http: 1,000 keep-alive requests over one layer4 connection across a 1 % lossy link', async () => {
  const b = setup((req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(`hello ${req.url}`);
  });
  try {
    const agent = keepAliveAgent(b.client);
    for (let i = 0; i < 1000; i++) {
      const r = await get(agent, `/n/${i}`);
      assert.equal(r.status, 200);
      assert.equal(r.body, `hello /n/${i}`);
    }
    assert.equal(b.connections(), 1, 'every request reused the keep-alive connection');
    agent.destroy();
  } finally {
    b.close();
  }
});

test('node:http: 50 MB chunked request body, SHA-256 equal on both ends, over a 1 % lossy link', async () => {
  const b = setup((req, res) => {
    const h = createHash('sha256');
    let n = 0;
    req.on('data', (d: Buffer) => {
      h.update(d);
      n += d.length;
    });
    req.on('end', () => res.end(JSON.stringify({ n, sha: h.digest('hex'), te: req.headers['transfer-encoding'] })));
  });
  try {
    const agent = keepAliveAgent(b.client);
    const sent = createHash('sha256');
    const reply = await new Promise<string>((resolve, reject) => {
      const req = http.request({ agent, host: '10.0.0.2', port: 80, path: '/upload', method: 'POST' }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      let left = 800; // 800 × 64 KiB = 50 MiB
      let seq = 0;
      const pump = (): void => {
        while (left > 0) {
          left--;
          const chunk = Buffer.alloc(64 * 1024, seq++ & 0xff);
          sent.update(chunk);
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    const got = JSON.parse(reply) as { n: number; sha: string; te: string };
    assert.deepEqual(got, { n: 50 * 1024 * 1024, sha: sent.digest('hex'), te: 'chunked' });
    agent.destroy();
  } finally {
    b.close();
  }
});

test('node:http: http.request({ createConnection }) without an agent, Connection: close', async () => {
  const b = setup((req, res) => {
    res.setHeader('x-peer', `${req.socket.remoteAddress}`);
    res.end('direct');
  });
  try {
    const r = await new Promise<{ body: string; peer: string | undefined }>((resolve, reject) => {
      const req = http.request({ host: '10.0.0.2', path: '/', createConnection: () => b.client.net.createConnection({ host: '10.0.0.2', port: 80 }) }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ body, peer: res.headers['x-peer'] as string | undefined }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.deepEqual(r, { body: 'direct', peer: '::ffff:10.0.0.1' });
  } finally {
    b.close();
  }
});
