// The simulated network driven with a toy PacketEngine: topology, addressing, clocks, links,
// capture. (UDP sockets over the real Stack are in dgram-*.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNetwork } from '../src/sim/index.js';
import { readPcap } from '../src/wire/pcap.js';
import { toyHost } from './sim-toy-engine.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

test('three hosts on one segment: each pair has its own link and delay; unlinked pairs use the default link', async () => {
  const net = createNetwork();
  const a = toyHost(net, '10.0.0.1', 'a');
  const b = toyHost(net, '10.0.0.2', 'b');
  const c = toyHost(net, '10.0.0.3', 'c');
  net.link(a.node, b.node, { delayMs: 5 });
  net.link(a.node, c.node, { delayMs: 20 });
  c.toy.echo = true;
  a.toy.send('10.0.0.2', 'to b');
  a.toy.send('10.0.0.3', 'to c');
  b.toy.send('10.0.0.3', 'b to c');
  a.node.kick();
  b.node.kick();
  await net.idle();
  // b↔c was never linked: the default perfect link delivers at once.
  assert.deepEqual(c.toy.got.map((r) => [r.src, text(r.payload), r.now]), [['10.0.0.2', 'b to c', 0], ['10.0.0.1', 'to c', 20]]);
  // c echoes: back to b at 0 ms, back to a at 40 ms.
  assert.deepEqual(b.toy.got.map((r) => [r.src, text(r.payload), r.now]), [['10.0.0.3', 'b to c', 0], ['10.0.0.1', 'to b', 5]]);
  assert.deepEqual(a.toy.got.map((r) => [r.src, text(r.payload), r.now]), [['10.0.0.3', 'to c', 40]]);
  assert.equal(net.now(), 40);
});

test('IPv6 hosts and dual-stack hosts: the switch forwards by next hop for either family', async () => {
  const net = createNetwork();
  const a = toyHost(net, ['2001:db8::1', '10.0.0.1'], 'a');
  const b = toyHost(net, ['2001:DB8:0::2', '10.0.0.2'], 'b');
  net.link(a.node, b.node, { delayMs: 1 });
  assert.deepEqual(b.node.addresses, ['2001:db8::2', '10.0.0.2']);
  a.toy.send('2001:db8::2', 'v6');
  a.node.kick();
  await net.idle();
  assert.deepEqual(b.toy.got.map((r) => [r.src, r.dst, text(r.payload)]), [['2001:db8::1', '2001:db8::2', 'v6']]);
});

test('addressing: bare addresses get /24 or /64, CIDR is kept, a duplicate address is refused', () => {
  const net = createNetwork();
  let seen: string[] = [];
  net.attach({
    address: ['10.1.2.3', '2001:db8::5', '192.168.7.7/16'],
    engine: ({ addresses }) => {
      seen = addresses.map((x) => x.cidr);
      return { engine: { receive() {}, poll: () => [], pollAt: () => undefined }, ifIndex: 1 };
    },
  });
  assert.deepEqual(seen, ['10.1.2.3/24', '2001:db8::5/64', '192.168.7.7/16']);
  assert.throws(() => toyHost(net, '10.1.2.3'), /already used/);
  assert.throws(() => toyHost(net, 'not-an-ip'), TypeError);
});

test('broadcast and multicast next hops are flooded to every other host of the family', async () => {
  const net = createNetwork();
  const a = toyHost(net, '10.0.0.1');
  const b = toyHost(net, '10.0.0.2');
  const c = toyHost(net, '10.0.0.3');
  const d = toyHost(net, '2001:db8::4');
  a.toy.send('255.255.255.255', 'all');
  a.toy.send('10.0.0.255', 'subnet');
  a.node.kick();
  await net.idle();
  for (const h of [b, c]) assert.deepEqual(h.toy.got.map((r) => text(r.payload)), ['all', 'subnet']);
  assert.equal(d.toy.got.length, 0);
  assert.equal(a.toy.got.length, 0);
});

test('defaultLink: false makes unlinked pairs unreachable; unknown next hops are counted', async () => {
  const net = createNetwork({ defaultLink: false });
  const a = toyHost(net, '10.0.0.1');
  const b = toyHost(net, '10.0.0.2');
  const c = toyHost(net, '10.0.0.3');
  net.link(a.node, b.node);
  a.toy.send('10.0.0.2', 'ok');
  a.toy.send('10.0.0.3', 'no path');
  a.toy.send('10.0.0.99', 'nobody');
  a.node.kick();
  await net.idle();
  assert.equal(b.toy.got.length, 1);
  assert.equal(c.toy.got.length, 0);
  assert.deepEqual(net.stats(), { unroutable: 1, noPath: 1 });
});

test('virtual clock: timers spanning 120 virtual seconds complete, and idle() lands on the last one', async () => {
  const net = createNetwork();
  const a = toyHost(net, '10.0.0.1');
  const b = toyHost(net, '10.0.0.2');
  net.link(a.node, b.node, { delayMs: 25 });
  for (let t = 1000; t <= 120_000; t += 1000) a.toy.addTimer(t);
  a.toy.onTimer = (t) => a.toy.send('10.0.0.2', String(t));
  a.node.kick();
  const wall0 = performance.now();
  await net.idle();
  const wallMs = performance.now() - wall0;
  assert.equal(net.now(), 120_025);
  assert.equal(b.toy.got.length, 120);
  assert.deepEqual(b.toy.got.slice(0, 2).map((r) => r.now), [1025, 2025]);
  assert.ok(wallMs < 20_000, `sanity bound only (took ${wallMs.toFixed(0)} ms of wall time)`);
});

test('idle(): user continuations run at the virtual instant of the event that woke them', async () => {
  const net = createNetwork();
  const a = toyHost(net, '10.0.0.1');
  const b = toyHost(net, '10.0.0.2');
  net.link(a.node, b.node, { delayMs: 7 });
  let resolveArrival!: () => void;
  const arrived = new Promise<void>((r) => (resolveArrival = r));
  let seenAt = -1;
  b.node.addPump(() => {
    if (b.toy.got.length > 0 && seenAt < 0) {
      seenAt = 0;
      resolveArrival();
      return true;
    }
    return false;
  });
  // Something later keeps the network busy, so time would run past 7 ms if idle() did not yield.
  a.toy.addTimer(500);
  const user = (async () => {
    await arrived;
    seenAt = net.now();
    b.toy.send('10.0.0.1', 'reply');
    b.node.kick();
  })();
  a.toy.send('10.0.0.2', 'hello');
  a.node.kick();
  await net.idle();
  await user;
  assert.equal(seenAt, 7);
  assert.deepEqual(a.toy.got.map((r) => r.now), [14]);
  assert.equal(net.now(), 500);
});

test('run(ms) and advance(ms) move virtual time by exactly ms', async () => {
  const net = createNetwork();
  await net.run(250);
  assert.equal(net.now(), 250);
  net.advance(0.5);
  assert.equal(net.now(), 250.5);
  assert.throws(() => net.advance(-1), RangeError);
});

test('link cut and restore mid-run: packets sent while down are lost, delivery resumes after up()', async () => {
  const net = createNetwork();
  const a = toyHost(net, '10.0.0.1');
  const b = toyHost(net, '10.0.0.2');
  const link = net.link(a.node, b.node, { delayMs: 1 });
  for (let t = 10; t <= 900; t += 10) a.toy.addTimer(t);
  a.toy.onTimer = (t) => a.toy.send('10.0.0.2', String(t));
  a.node.kick();
  await net.run(300);
  link.down();
  assert.equal(link.isUp, false);
  await net.run(300);
  link.up();
  await net.idle();
  const sent = b.toy.got.map((r) => Number(text(r.payload)));
  assert.ok(sent.includes(290) && sent.includes(610));
  assert.ok(!sent.some((t) => t >= 300 && t <= 600), 'nothing from the cut period arrives');
  assert.equal(sent.length, 90 - 31);
  assert.equal(link.stats().ab.dropped.down, 31);
});

test('link.set() changes delay mid-run, per direction with ab/ba, oriented as the user named the hosts', async () => {
  const net = createNetwork();
  const a = toyHost(net, '10.0.0.1');
  const b = toyHost(net, '10.0.0.2');
  const l1 = net.link(a.node, b.node, { delayMs: 10 });
  a.toy.send('10.0.0.2', 'x');
  a.node.kick();
  await net.idle();
  assert.equal(b.toy.got[0]!.now, 10);
  // Same pair named the other way round: ab now means b→a.
  const l2 = net.link(b.node, a.node, { ab: { delayMs: 3 } });
  l1.set({ ab: { delayMs: 50 } });
  const t0 = net.now();
  a.toy.send('10.0.0.2', 'y');
  b.toy.send('10.0.0.1', 'z');
  a.node.kick();
  b.node.kick();
  await net.idle();
  assert.equal(b.toy.got[1]!.now - t0, 50);
  assert.equal(a.toy.got[0]!.now - t0, 3);
  assert.equal(l2.stats().ab, l1.stats().ba);
});

test('capture: pcap of every packet; same seed → identical bytes, different seed → different bytes', async () => {
  const runOnce = async (seed: number): Promise<Uint8Array> => {
    const net = createNetwork({ seed });
    const a = toyHost(net, '10.0.0.1');
    const b = toyHost(net, '10.0.0.2');
    const c = toyHost(net, '2001:db8::3');
    const d = toyHost(net, '2001:db8::4');
    net.link(a.node, b.node, { delayMs: 3, jitterMs: 2, loss: 0.2, duplicate: 0.1, reorder: 0.1, corrupt: 0.05 });
    net.link(c.node, d.node, { delayMs: 1, rateMbps: 1, loss: 0.1 });
    b.toy.echo = true;
    d.toy.echo = true;
    for (let t = 1; t <= 200; t++) a.toy.addTimer(t);
    a.toy.onTimer = (t) => {
      a.toy.send('10.0.0.2', `ping ${t}`);
      c.toy.send('2001:db8::4', `v6 ${t}`);
      c.node.kick();
    };
    const cap = net.capture(undefined, { point: 'rx' });
    const tx = net.capture();
    a.node.kick();
    await net.idle();
    assert.ok(tx.packets > cap.packets * 0.8);
    net.close();
    return cap.bytes();
  };
  const x = await runOnce(5);
  const y = await runOnce(5);
  const z = await runOnce(6);
  const parsed = readPcap(x);
  assert.ok(parsed.ok);
  assert.ok(parsed.packets.length > 300);
  assert.equal(parsed.header.linkType, 101);
  assert.deepEqual(x, y);
  assert.notDeepEqual(x, z);
});

test('capture to a file writes a readable pcap', async () => {
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'l4-sim-'));
  try {
    const file = join(dir, 'trace.pcap');
    const net = createNetwork();
    const a = toyHost(net, '10.0.0.1');
    toyHost(net, '10.0.0.2');
    const cap = net.capture(file);
    a.toy.send('10.0.0.2', 'hello');
    a.node.kick();
    await net.idle();
    const mid = readPcap(new Uint8Array(readFileSync(file)));
    assert.ok(mid.ok && mid.packets.length === 1, 'flushed when the network went idle');
    cap.stop();
    const r = readPcap(new Uint8Array(readFileSync(file)));
    assert.ok(r.ok);
    assert.equal(r.packets.length, 1);
    assert.equal(text(r.packets[0]!.data.subarray(28)), 'hello');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('real clock: a short exchange completes and time is real', async () => {
  const net = createNetwork({ clock: 'real' });
  const a = toyHost(net, '10.0.0.1');
  const b = toyHost(net, '10.0.0.2');
  net.link(a.node, b.node, { delayMs: 15 });
  b.toy.echo = true;
  a.toy.send('10.0.0.2', 'hi');
  a.node.kick();
  await net.idle();
  assert.equal(a.toy.got.length, 1);
  assert.equal(text(a.toy.got[0]!.payload), 'hi');
  assert.ok(a.toy.got[0]!.now >= 30, 'two 15 ms hops took at least 30 ms of real time');
  assert.throws(() => net.advance(1), /virtual/);
  net.close();
});
