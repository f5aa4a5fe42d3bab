// ws unmodified over host.net (RFC 6455): the server side through node:http's 'upgrade' event on
// layer4 sockets, the client through ws's createConnection option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { createNetwork, type Host, type Network } from '../src/sim/index.js';

interface World {
  net: Network;
  client: Host;
  wss: WebSocketServer;
  close(): void;
}

function world(loss = 0): World {
  const net = createNetwork({ seed: 21 });
  const client = net.host({ address: '10.0.0.1', name: 'client' });
  const server = net.host({ address: '10.0.0.2', name: 'server' });
  net.link(client, server, { delayMs: 3, loss });
  const wss = new WebSocketServer({ noServer: true });
  const hs = http.createServer();
  hs.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
  const srv = server.net.createServer((s) => hs.emit('connection', s));
  srv.listen(80);
  return {
    net,
    client,
    wss,
    close: () => {
      wss.close();
      srv.close();
      hs.close();
      net.close();
    },
  };
}

function dial(w: World, path = '/'): WebSocket {
  return new WebSocket(`ws://10.0.0.2${path}`, { createConnection: () => w.client.net.connect({ host: '10.0.0.2', port: 80 }) as never });
}

test('RFC 6455 over layer4: handshake, text and 1 MB binary echo, ping/pong, close code and reason', async () => {
  const w = world();
  try {
    let peerPath = '';
    let serverClosed: Promise<unknown> = Promise.resolve();
    w.wss.on('connection', (ws, req) => {
      peerPath = req.url ?? '';
      serverClosed = once(ws, 'close');
      ws.on('message', (data: RawData, isBinary: boolean) => ws.send(data, { binary: isBinary }));
      ws.on('close', (code: number, reason: Buffer) => ws.close(code, reason));
    });
    const ws = dial(w, '/chat?room=1');
    await once(ws, 'open');
    assert.equal(peerPath, '/chat?room=1');

    ws.send('hello layer4');
    const [text, textBinary] = (await once(ws, 'message')) as [Buffer, boolean];
    assert.deepEqual([text.toString(), textBinary], ['hello layer4', false]);

    const blob = Buffer.alloc(1 << 20);
    for (let i = 0; i < blob.length; i++) blob[i] = (i ^ (i >>> 8)) & 0xff;
    ws.send(blob);
    const [echo, echoBinary] = (await once(ws, 'message')) as [Buffer, boolean];
    assert.equal(echoBinary, true);
    assert.ok(Buffer.from(echo).equals(blob));

    ws.ping('p1');
    const [pong] = (await once(ws, 'pong')) as [Buffer];
    assert.equal(pong.toString(), 'p1');

    ws.close(4001, 'done here');
    const [code, reason] = (await once(ws, 'close')) as [number, Buffer];
    assert.deepEqual([code, reason.toString()], [4001, 'done here']);
    await serverClosed;
  } finally {
    w.close();
  }
});

test('RFC 6455 over a 2 % lossy link: 1,000 messages each way arrive complete and in order', async () => {
  const w = world(0.02);
  try {
    const fromClient: string[] = [];
    let serverClosed: Promise<unknown> = Promise.resolve();
    const serverDone = new Promise<void>((resolve) =>
      w.wss.on('connection', (ws) => {
        serverClosed = once(ws, 'close');
        for (let i = 0; i < 1000; i++) ws.send(`s${i}`);
        ws.on('message', (d: RawData) => {
          fromClient.push(d.toString());
          if (fromClient.length === 1000) resolve();
        });
      }),
    );
    const ws = dial(w);
    const fromServer: string[] = [];
    const clientDone = new Promise<void>((resolve) =>
      ws.on('message', (d: RawData) => {
        fromServer.push(d.toString());
        if (fromServer.length === 1000) resolve();
      }),
    );
    await once(ws, 'open');
    for (let i = 0; i < 1000; i++) ws.send(`c${i}`);
    await Promise.all([serverDone, clientDone]);
    assert.deepEqual(fromClient, Array.from({ length: 1000 }, (_, i) => `c${i}`));
    assert.deepEqual(fromServer, Array.from({ length: 1000 }, (_, i) => `s${i}`));
    ws.terminate();
    await serverClosed;
  } finally {
    w.close();
  }
});
