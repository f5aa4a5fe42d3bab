// host.openTcp(): a layer4 TCP connection as WHATWG byte streams — default and BYOB readers,
// a writer whose close() half-closes, stream backpressure, and connection errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createNetwork, type Host, type Network } from '../src/sim/index.js';

function pair(): { net: Network; a: Host; b: Host } {
  const net = createNetwork({ seed: 5 });
  const a = net.host({ address: '10.0.0.1', name: 'a' });
  const b = net.host({ address: '10.0.0.2', name: 'b' });
  net.link(a, b, { delayMs: 2, loss: 0.01 });
  return { net, a, b };
}

async function readAll(readable: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of readable) parts.push(chunk);
  return Buffer.concat(parts);
}

test('openTcp: write through the WritableStream, read the echo from the ReadableStream, close half-closes', async () => {
  const { net, a, b } = pair();
  try {
    b.net.createServer((s) => s.pipe(s)).listen(7);
    const tcp = await a.openTcp({ host: '10.0.0.2', port: 7 });
    assert.deepEqual([tcp.remoteAddress, tcp.remotePort, tcp.localAddress], ['10.0.0.2', 7, '10.0.0.1']);
    const payload = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 13) & 0xff;
    const reading = readAll(tcp.readable);
    const writer = tcp.writable.getWriter();
    for (let off = 0; off < payload.length; off += 100_000) {
      await writer.ready;
      await writer.write(payload.subarray(off, off + 100_000));
    }
    await writer.close();
    const echoed = await reading;
    assert.equal(echoed.length, payload.length);
    assert.equal(createHash('sha256').update(echoed).digest('hex'), createHash('sha256').update(payload).digest('hex'));
    await tcp.closed;
  } finally {
    net.close();
  }
});

test('openTcp: a BYOB reader fills caller-provided buffers', async () => {
  const { net, a, b } = pair();
  try {
    b.net.createServer((s) => s.end('0123456789abcdefghij')).listen(8);
    const tcp = await a.openTcp({ host: '10.0.0.2', port: 8 });
    const reader = tcp.readable.getReader({ mode: 'byob' });
    let text = '';
    let buf = new Uint8Array(7);
    for (;;) {
      const { value, done } = await reader.read(buf);
      if (done) break;
      assert.ok(value.length <= 7);
      text += Buffer.from(value).toString();
      buf = new Uint8Array(value.buffer, 0, 7);
    }
    assert.equal(text, '0123456789abcdefghij');
    await tcp.writable.close();
    await tcp.closed;
  } finally {
    net.close();
  }
});

test('openTcp: an unread ReadableStream stops pulling, so the sender’s writes wait on TCP', async () => {
  const { net, a, b } = pair();
  try {
    let writesDone = 0;
    const sent = new Promise<void>((resolve) =>
      b.net
        .createServer(async (s) => {
          const chunk = Buffer.alloc(64 * 1024, 1);
          for (let i = 0; i < 64; i++) {
            if (!s.write(chunk)) await new Promise((r) => s.once('drain', r));
            writesDone++;
          }
          s.end(resolve);
        })
        .listen(9),
    );
    const tcp = await a.openTcp({ host: '10.0.0.2', port: 9, highWaterMark: 16 * 1024 });
    await net.run(5_000);
    assert.ok(writesDone < 64, `the sender is held back (${writesDone} of 64 chunks written)`);
    const all = await readAll(tcp.readable);
    await sent;
    assert.equal(all.length, 64 * 64 * 1024);
    await tcp.writable.close();
    await tcp.closed;
  } finally {
    net.close();
  }
});

test('openTcp rejects with ECONNREFUSED when nothing listens', async () => {
  const { net, a } = pair();
  try {
    await assert.rejects(a.openTcp({ host: '10.0.0.2', port: 1 }), { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.2:1' });
  } finally {
    net.close();
  }
});
