// The injected allocator for receive memory (StackOptions.allocate, TcpServices.allocate): the
// receive queue's chunks come from it, readers get views of that memory without a copy (core
// recvChunk, host.net 'data'), and the Node runtime's allocator hands out plain Uint8Arrays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TcpLayer } from '../src/tcp/layer.js';
import { Stack } from '../src/stack/stack.js';
import { unzeroedAllocate } from '../src/sim/allocate.js';
import { createNetwork } from '../src/sim/index.js';
import { ACK, LOCAL, SYN, dg, rng } from './tcp-helpers.js';

function layerWith(allocate: (n: number) => Uint8Array): TcpLayer {
  const address = LOCAL.address;
  return new TcpLayer({ services: { sourceFor: () => address, isLocal: (a) => a === address, mtuFor: () => 1500, allocate }, rng: rng() });
}

test('TcpServices.allocate: receive chunks come from the injected allocator and recvChunk hands out views of them', () => {
  const given: Uint8Array[] = [];
  const layer = layerWith((n) => {
    const b = new Uint8Array(n).fill(0xee); // stands for unzeroed memory
    given.push(b);
    return b;
  });
  const l = layer.listen(LOCAL, 8, 0);
  assert.ok(l.ok);
  const irs = 1000;
  layer.receive(dg({ seq: irs, flags: SYN, window: 65535, options: [{ kind: 'mss', mss: 1460 }] }), 0);
  const synAck = layer.poll(0)[0]!;
  const iss = synAck.seg.seq;
  layer.receive(dg({ seq: irs + 1, ack: iss + 1, flags: ACK, window: 65535 }), 1);
  const conn = l.value.accept()!;
  const payload = new Uint8Array(1000).map((_, i) => i & 0x7f);
  layer.receive(dg({ seq: irs + 1, ack: iss + 1, flags: ACK, window: 65535, payload }), 2);
  layer.receive(dg({ seq: irs + 1001, ack: iss + 1, flags: ACK, window: 65535, payload }), 2);
  assert.ok(given.length >= 1, 'the queue allocated through the injected function');
  const a = conn.recvChunk(600)!;
  const b = conn.recvChunk()!;
  assert.ok(given.some((g) => g.buffer === a.buffer), 'a view of injected memory, not a copy');
  assert.deepEqual(a, payload.subarray(0, 600));
  const all = new Uint8Array(a.length + b.length + (conn.readableLength > 0 ? conn.readableLength : 0));
  all.set(a);
  all.set(b, a.length);
  const rest = conn.recv();
  if (rest !== undefined) all.set(rest, a.length + b.length);
  assert.equal(all.length, 2000);
  assert.deepEqual(all.subarray(1000), payload);
  assert.equal(conn.recvChunk(), undefined, 'drained');
});

test('StackOptions.allocate: the stack lends it to its TCP layer; anything but a function is refused', () => {
  let calls = 0;
  const s = new Stack({ rng: rng(), allocate: (n) => (calls++, new Uint8Array(n)) });
  const tcp = s.tcp;
  assert.ok(tcp instanceof TcpLayer);
  assert.equal(tcp.services.allocate?.(16).length, 16);
  assert.equal(calls, 1);
  assert.equal(new Stack({ rng: rng() }).allocate(8).length, 8, 'zeroed memory by default');
  assert.throws(() => new Stack({ rng: rng(), allocate: 5 as unknown as (n: number) => Uint8Array }), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('unzeroedAllocate: n bytes as a plain Uint8Array over memory of its own', () => {
  for (const n of [1, 2048, 65536]) {
    const b = unzeroedAllocate(n);
    assert.equal(Object.getPrototypeOf(b), Uint8Array.prototype, 'not a Buffer (whose slice() would not copy)');
    assert.equal(b.length, n);
    assert.equal(b.buffer.byteLength, n, 'not a slice of a shared pool');
  }
});

test("host.net 'data' Buffers are views of TCP's receive memory: consecutive small reads share one chunk", async () => {
  const net = createNetwork({ seed: 3 });
  try {
    const a = net.host({ address: '10.0.0.1' });
    const b = net.host({ address: '10.0.0.2' });
    net.link(a, b, { delayMs: 1 });
    const got: Buffer[] = [];
    b.net.createServer((s) => s.on('data', (d: Buffer) => got.push(d))).listen(9);
    const c = a.net.connect(9, '10.0.0.2');
    await net.idle();
    for (let i = 0; i < 3; i++) {
      c.write(Buffer.alloc(600, 0x41 + i));
      await net.idle();
    }
    assert.deepEqual(got.map((d) => d.length), [600, 600, 600]);
    assert.ok(got[1]!.buffer === got[0]!.buffer && got[1]!.byteOffset === got[0]!.byteOffset + 600, 'the second read follows the first in the same memory');
    for (let i = 0; i < 3; i++) assert.ok(got[i]!.every((x) => x === 0x41 + i), `read ${i} kept its bytes after later arrivals`);
    c.destroy();
  } finally {
    net.close();
  }
});
