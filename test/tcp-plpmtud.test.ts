// RFC 4821 / RFC 8899 packetization-layer path MTU discovery (src/tcp/plpmtud.ts), end to end on
// the simulated network: hosts with 1500-byte interfaces joined by a path whose MTU is smaller.
// Without ICMP the path is a black hole (RFC 2923 §2.1); with `icmpTooBig` it behaves as RFC
// 1191 / RFC 8201 routers do and the classic discovery runs alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createNetwork } from '../src/sim/index.js';
import type { Host } from '../src/api/host.js';
import type { TcpInfo } from '../src/api/tcp-info.js';
import { passiveEstablished, view } from './tcp-helpers.js';

interface Outcome {
  intact: boolean;
  received: number;
  error: string | undefined;
  info: TcpInfo | undefined;
  mtuDrops: number;
  at: number;
}

async function transfer(opts: { v6?: boolean; pathMtu: number; icmp?: boolean; tcp?: object; bytes?: number }): Promise<Outcome> {
  const net = createNetwork({ seed: 7 });
  const [a1, a2] = opts.v6 === true ? ['2001:db8::1', '2001:db8::2'] : ['10.0.0.1', '10.0.0.2'];
  const a: Host = net.host({ address: a1, ...(opts.tcp !== undefined ? { tcp: opts.tcp } : {}) });
  const b: Host = net.host({ address: a2 });
  const link = net.link(a, b, { delayMs: 10, rateMbps: 100, mtu: opts.pathMtu, ...(opts.icmp === true ? { icmpTooBig: true } : {}) });
  const data = new Uint8Array(opts.bytes ?? 200_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  const h = createHash('sha256');
  const c = a.net.connect({ host: a2, port: 9 });
  let received = 0;
  let info: TcpInfo | undefined;
  b.net.createServer((s) => {
    // Everything has arrived: the sender's state then is what the search converged to.
    s.on('end', () => void (info = c.info()));
    s.on('data', (d: Buffer) => {
      h.update(d);
      received += d.length;
    });
    s.on('error', () => {});
  }).listen(9);
  let error: string | undefined;
  c.on('error', (e: NodeJS.ErrnoException) => void (error = e.code));
  c.on('connect', () => c.end(data));
  c.on('close', () => void (info ??= c.info()));
  await net.idle({ maxMs: 3_600_000 });
  info ??= c.info();
  const intact = received === data.length && h.digest('hex') === createHash('sha256').update(data).digest('hex');
  const out = { intact, received, error, info, mtuDrops: link.stats().ab.dropped.mtu, at: net.now() };
  net.close();
  return out;
}

test('RFC 4821 §7.7 / RFC 2923 §2.1: through an ICMP black hole (path MTU 1280) the transfer completes intact and the send MSS converges to 1280 − 40 − 12', async () => {
  const r = await transfer({ pathMtu: 1280 });
  assert.equal(r.error, undefined);
  assert.ok(r.intact, `received ${r.received} B`);
  assert.ok(r.mtuDrops > 0, 'full-sized packets were dropped silently');
  const p = r.info?.plpmtud;
  assert.ok(p !== undefined, 'PLPMTUD engaged');
  assert.equal(p.blackholes, 1);
  assert.equal(r.info!.sndMss, 1280 - 20 - 20 - 12); // IPv4, TCP, timestamps
  assert.equal(p.mtu, 1280);
  // RFC 8899 §5.1.2 MAX_PROBES: the next size up (1400) was tried three times, then given up.
  assert.equal(p.probesLost, 3);
  assert.ok(p.probesOk >= 1);
});

test('RFC 4821 §7.7 over IPv6 (RFC 8201 black hole, path MTU 1400): fall back to 1280, probe back up to 1400', async () => {
  const r = await transfer({ v6: true, pathMtu: 1400 });
  assert.ok(r.intact, `received ${r.received} B, error ${r.error}`);
  assert.equal(r.info!.plpmtud?.mtu, 1400);
  assert.equal(r.info!.sndMss, 1400 - 40 - 20 - 12);
});

test('mtuProbing off (Linux tcp_mtu_probing=0): the same black hole stalls the transfer until ETIMEDOUT', async () => {
  const r = await transfer({ pathMtu: 1280, tcp: { mtuProbing: 'off' }, bytes: 100_000 });
  assert.equal(r.error, 'ETIMEDOUT');
  assert.ok(!r.intact);
  assert.equal(r.info!.plpmtud, undefined);
});

test('RFC 1191 §6.4: with ICMP "fragmentation needed" from the path the classic discovery is unchanged — no timeout, no probe', async () => {
  const r = await transfer({ pathMtu: 1280, icmp: true });
  assert.ok(r.intact);
  assert.equal(r.info!.sndMss, 1280 - 20 - 20 - 12);
  assert.equal(r.info!.rtoExpirations, 0);
  assert.equal(r.info!.plpmtud, undefined, 'PLPMTUD never engaged');
});

test('RFC 8201 §4: ICMPv6 packet too big from the path sets the MSS with no timeout', async () => {
  const r = await transfer({ v6: true, pathMtu: 1400, icmp: true });
  assert.ok(r.intact);
  assert.equal(r.info!.sndMss, 1400 - 40 - 20 - 12);
  assert.equal(r.info!.rtoExpirations, 0);
});

test("RFC 4821 §7.2 mtuProbing 'on': start at the base (1024) and probe up to the interface MTU on a clean path", async () => {
  const r = await transfer({ pathMtu: 0, tcp: { mtuProbing: 'on' } });
  assert.ok(r.intact);
  const p = r.info!.plpmtud!;
  assert.equal(p.mtu, 1500);
  assert.equal(p.probesLost, 0);
  assert.equal(p.blackholes, 0);
  assert.equal(r.info!.sndMss, 1500 - 20 - 20 - 12);
});

test("RFC 4821 §4: an ICMP packet-too-big answering a probe ends the search at the reported MTU ('on', path 1400 with ICMP)", async () => {
  const r = await transfer({ pathMtu: 1400, icmp: true, tcp: { mtuProbing: 'on' } });
  assert.ok(r.intact);
  const p = r.info!.plpmtud!;
  assert.equal(p.mtu, 1400);
  assert.ok(p.probesLost <= 1, `probes lost: ${p.probesLost}`);
  assert.equal(r.info!.sndMss, 1400 - 20 - 20 - 12);
});

test('net.host() refuses an unknown tcp.mtuProbing', () => {
  const net = createNetwork();
  assert.throws(() => net.host({ address: '10.0.0.1', tcp: { mtuProbing: 'always' } }), { code: 'ERR_INVALID_ARG_VALUE' });
  net.close();
});

test('RFC 4821 §7.7: the second consecutive timeout of a full-sized segment falls back to the base MSS (MTU 1024 → 984), the first does not', () => {
  const { layer, conn } = passiveEstablished({ rtoMin: 200 });
  conn.send(new Uint8Array(3000), 10);
  layer.poll(10);
  const lens: number[] = [];
  for (let i = 0; i < 3; i++) {
    const out = layer.poll(layer.pollAt()!);
    assert.equal(view(out[0]!).seq, 5001, 'the earliest segment again (RFC 6298 §5.4)');
    lens.push(view(out[0]!).len);
  }
  assert.deepEqual(lens, [1460, 984, 984]);
  assert.equal(conn.plpmtud?.stats.blackholes, 1);
  assert.equal(conn.cc.cwnd, 984, 'cwnd counts in the new MSS');
});
