// Backpressure end to end through host.net: a reader that does not read makes TCP advertise a zero
// window (RFC 9293 §3.8.6.2.2) while the sender keeps probing it (§3.8.6.1), nothing buffers
// without bound on either side, and resuming the reader completes the transfer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createNetwork, type Capture } from '../src/sim/index.js';
import type { Socket } from '../src/api/net.js';
import { readPcap } from '../src/wire/pcap.js';

interface Seen {
  /** Window field of the last segment 10.0.0.2 sent. */
  lastWindow: number;
  /** Segments 10.0.0.1 sent (once the window is shut, only zero-window probes). */
  probes: number;
}

/** Reads the capture: the receiver's last advertised window and the sender's segment count. */
function seen(cap: Capture): Seen {
  const r = readPcap(cap.bytes());
  assert.ok(r.ok);
  let lastWindow = -1;
  let probes = 0;
  for (const p of r.packets) {
    const ip = p.data;
    const ihl = (ip[0]! & 0x0f) * 4;
    const tcp = ip.subarray(ihl);
    if (ip[15] === 2) lastWindow = (tcp[14]! << 8) | tcp[15]!;
    else probes++;
  }
  return { lastWindow, probes };
}

function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >>> 12)) & 0xff;
  return b;
}

test('RFC 9293 §3.8.6.1 paused reader, 10 MB write in flight: zero window, probes continue, memory bounded; resume completes', async () => {
  const net = createNetwork({ seed: 3 });
  try {
    const a = net.host({ address: '10.0.0.1', name: 'a' });
    const b = net.host({ address: '10.0.0.2', name: 'b' });
    net.link(a, b, { delayMs: 5 });
    const cap = net.capture();
    const accepted = new Promise<Socket>((resolve) => b.net.createServer({ pauseOnConnect: true }, resolve).listen(9000));
    const c = a.net.connect({ host: '10.0.0.2', port: 9000 });
    await once(c, 'connect');
    const s = await accepted;

    const payload = pattern(10 * 1024 * 1024);
    let written = false;
    assert.equal(c.write(payload, () => (written = true)), false, 'a 10 MB write is over the high-water mark');

    await net.run(20_000);
    const rconn = s._connection!;
    const wconn = c._connection!;
    const before = seen(cap);
    assert.equal(before.lastWindow, 0, 'the paused reader advertises a zero window');
    assert.ok(rconn.readableLength > 0 && rconn.readableLength <= rconn.recvBufferSize, 'TCP holds what it advertised, no more');
    assert.equal(s.readableLength, 0, 'nothing was pulled into the paused Readable');
    assert.ok(wconn.writableLength <= wconn.sendBufferSize, 'send buffer within its limit');
    assert.ok(wconn.sendBuf.allocated <= wconn.sendBufferSize, 'send buffer memory within its limit');
    assert.equal(written, false, 'the write is not complete while TCP cannot take it');
    assert.equal(c.writableLength, payload.length, 'the Writable holds the caller’s buffer by reference, no copy');
    await net.run(60_000);
    const after = seen(cap);
    assert.ok(after.probes > before.probes, 'zero-window probes continue while the window stays shut');
    assert.equal(after.lastWindow, 0, 'and every answer still shows a zero window');
    assert.equal(s.readableLength, 0);

    const h = createHash('sha256');
    let n = 0;
    let maxBuffered = 0;
    s.on('data', (d: Buffer) => {
      h.update(d);
      n += d.length;
      maxBuffered = Math.max(maxBuffered, s.readableLength);
    });
    const ended = once(s, 'end');
    s.resume(); // pauseOnConnect paused it: a 'data' listener alone does not resume (as in Node)
    c.end();
    await ended;
    assert.equal(written, true);
    assert.equal(n, payload.length);
    assert.equal(h.digest('hex'), createHash('sha256').update(payload).digest('hex'));
    assert.ok(maxBuffered <= s.readableHighWaterMark + 64 * 1024, 'the flowing reader never buffers past its high-water mark plus one 64 KiB read');
  } finally {
    net.close();
  }
});

test('write() returns false past the high-water mark and drain follows; writableLength stays bounded', async () => {
  const net = createNetwork({ seed: 4 });
  try {
    const a = net.host({ address: '10.0.0.1', name: 'a' });
    const b = net.host({ address: '10.0.0.2', name: 'b' });
    net.link(a, b, { delayMs: 2, rateMbps: 50 });
    let received = 0;
    const done = new Promise<void>((resolve) =>
      b.net
        .createServer((s) => {
          s.on('data', (d: Buffer) => (received += d.length));
          s.on('end', () => resolve());
        })
        .listen(9001),
    );
    const c = a.net.connect(9001, '10.0.0.2');
    await once(c, 'connect');
    const chunk = Buffer.alloc(16 * 1024, 1);
    let falses = 0;
    let drains = 0;
    let maxQueued = 0;
    c.on('drain', () => drains++);
    for (let i = 0; i < 128; i++) {
      if (!c.write(chunk)) {
        falses++;
        maxQueued = Math.max(maxQueued, c.writableLength);
        await once(c, 'drain');
      }
    }
    c.end();
    await done;
    assert.equal(received, 128 * chunk.length);
    assert.ok(falses > 0, 'the sender had to wait');
    assert.equal(drains, falses, "every false write() was followed by 'drain'");
    assert.ok(maxQueued <= c.writableHighWaterMark + chunk.length, 'the Writable never queued past the mark plus one chunk');
    assert.equal(c.bytesWritten, 128 * chunk.length);
  } finally {
    net.close();
  }
});

test("non-flowing reads ('readable' + read()) pull from TCP on demand and see every byte", async () => {
  const net = createNetwork({ seed: 5 });
  try {
    const a = net.host({ address: '10.0.0.1', name: 'a' });
    const b = net.host({ address: '10.0.0.2', name: 'b' });
    net.link(a, b, { delayMs: 3, loss: 0.02 });
    const payload = pattern(2 * 1024 * 1024);
    b.net.createServer((s) => s.end(payload)).listen(9002);
    const c = a.net.connect(9002, '10.0.0.2');
    const parts: Buffer[] = [];
    c.on('readable', () => {
      let d: Buffer | null;
      while ((d = c.read(5000) as Buffer | null) !== null) parts.push(d);
    });
    await once(c, 'end');
    assert.ok(Buffer.concat(parts).equals(payload));
    assert.equal(c.bytesRead, payload.length);
  } finally {
    net.close();
  }
});
