// Stack.poll(now, budget): a driver's per-wake-up bound (as a NIC's NAPI budget). TCP stops
// serving connections once the budget is spent; the others stay due — pollAt() says now — and are
// served by the next calls, so nothing is lost or reordered and the batch in flight stays bounded
// whatever the number of flows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Stack } from '../src/stack/stack.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import type { TcpLayer } from '../src/tcp/layer.js';
import type { TcpListener } from '../src/tcp/listener.js';

function rng(seed: number): () => number {
  let x = seed;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
}

test('Stack.poll budget: at most one connection’s burst over the budget per call; every flow’s bytes still arrive', () => {
  const a = new Stack({ rng: rng(1) });
  const b = new Stack({ rng: rng(2) });
  a.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24'] });
  b.addInterface({ mtu: 1500, addresses: ['10.0.0.2/24'] });
  const ta = a.tcp as TcpLayer;
  const tb = b.tcp as TcpLayer;
  const l = tb.listen({ address: '10.0.0.2', port: 80 }, 100, 0);
  assert.ok(l.ok);
  let now = 0;
  const step = (budget: number): number[] => {
    const sizes: number[] = [];
    const o1 = a.poll(now, budget);
    sizes.push(o1.length);
    b.receiveBatch(o1.map((o) => o.packet), now);
    const o2 = b.poll(now, budget);
    a.receiveBatch(o2.map((o) => o.packet), now);
    now += 0.01;
    return sizes;
  };
  const clients: TcpConnection[] = [];
  for (let i = 0; i < 40; i++) {
    const r = ta.connect({ address: '10.0.0.2', port: 80 }, {}, now);
    assert.ok(r.ok);
    clients.push(r.value);
  }
  for (let k = 0; k < 20; k++) step(Infinity);
  const servers: TcpConnection[] = [];
  for (let s = (l.value as TcpListener).accept(); s !== undefined; s = (l.value as TcpListener).accept()) servers.push(s);
  assert.equal(servers.length, 40);
  const data = new Uint8Array(4 * 1448).fill(7);
  for (const c of clients) assert.equal(c.send(data, now), data.length);
  const first = a.poll(now, 8);
  assert.ok(first.length >= 4 && first.length <= 8 + 4, `first call sent ${first.length}`);
  assert.equal(a.pollAt(), now, 'the connections not served yet are still due');
  b.receiveBatch(first.map((o) => o.packet), now);
  let got = 0;
  for (let k = 0; k < 200; k++) {
    const [n] = step(8);
    assert.ok(n! <= 12);
    tb.pollEvents();
    for (const s of servers) for (let d = s.recv(); d !== undefined; d = s.recv()) got += d.length;
  }
  assert.equal(got, 40 * data.length);
});
