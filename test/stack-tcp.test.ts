// The real TCP layer (tcp/) running on Stacks: segments for no connection answered, transfers across
// the test router, path MTU discovery end to end, loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeStack, threeHosts, type TestNet } from './stack-harness.js';
import { TcpLayer } from '../src/tcp/layer.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import type { Stack } from '../src/stack/stack.js';
import { parseIp } from '../src/wire/address.js';
import { emitIpv4Header } from '../src/wire/ipv4.js';
import { emitTcp, parseTcp } from '../src/wire/tcp.js';
import { TcpFlag } from '../src/wire/tcp-types.js';

function layer(s: Stack): TcpLayer {
  const t = s.tcp;
  assert.ok(t instanceof TcpLayer, 'the default TCP layer is tcp/TcpLayer');
  return t;
}

test('RFC 9293 §3.10.7.1: a SYN to a closed port is answered with RST by the default TCP layer', () => {
  const s = makeStack();
  s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24'] });
  const t = new Uint8Array(20);
  emitTcp({ srcPort: 5000, dstPort: 81, seq: 77, ack: 0, flags: TcpFlag.SYN, window: 1000, urgent: 0, options: [], payload: new Uint8Array(0) }, t, 0, parseIp('10.0.0.9')!, parseIp('10.0.0.1')!);
  const p = new Uint8Array(40);
  emitIpv4Header({ src: '10.0.0.9', dst: '10.0.0.1', protocol: 6, ttl: 64, dscp: 0, ecn: 0, id: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, options: new Uint8Array(0) }, 20, p, 0);
  p.set(t, 20);
  s.receive(p, 0, 1);
  const out = s.poll(0);
  assert.equal(out.length, 1);
  const seg = parseTcp(out[0]!.packet, 20);
  assert.ok(seg.ok);
  assert.equal(seg.value.flags & TcpFlag.RST, TcpFlag.RST);
  assert.equal(seg.value.ack, 78);
});

function transfer(net: TestNet, client: Stack, server: Stack, dst: string, bytes: number): { got: Uint8Array; conn: TcpConnection } {
  const srv = layer(server).listen({ address: dst.includes(':') ? '::' : '0.0.0.0', port: 80 }, 16, net.now);
  assert.ok(srv.ok);
  const c = layer(client).connect({ address: dst, port: 80 }, {}, net.now);
  assert.ok(c.ok);
  const data = new Uint8Array(bytes).map((_, i) => (i * 7 + (i >> 8)) & 0xff);
  let sent = 0;
  const chunks: Uint8Array[] = [];
  let accepted: TcpConnection | undefined;
  for (let step = 0; step < 20_000 && chunks.reduce((n, x) => n + x.length, 0) < bytes; step++) {
    if (sent < bytes && c.value.state === 'ESTABLISHED') {
      const r = c.value.send(data.subarray(sent, Math.min(bytes, sent + 65536)), net.now);
      if (typeof r === 'number') sent += r;
    }
    net.runUntil(net.now + 1);
    accepted ??= srv.value.accept();
    for (let m = accepted?.recv(); m; m = accepted?.recv()) chunks.push(m);
    layer(client).pollEvents();
    layer(server).pollEvents();
  }
  const got = new Uint8Array(chunks.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of chunks) {
    got.set(x, o);
    o += x.length;
  }
  assert.deepEqual(got, data);
  return { got, conn: c.value };
}

for (const family of [4, 6] as const) {
  test(`TCP across the router with path MTU discovery (RFC ${family === 4 ? '1191' : '8201'}), IPv${family}`, () => {
    const { net, a, b } = threeHosts({}, 1500, 1280);
    const dst = family === 4 ? '10.0.2.2' : '2001:db8:2::2';
    const { conn } = transfer(net, a, b, dst, 200_000);
    assert.equal(a.mtuFor(dst), 1280, 'the router told us about its 1280-byte link');
    // RFC 9293 §3.7.1: Eff.snd.MSS also leaves out the options every segment carries (RFC 7323 timestamps, 12 bytes).
    assert.equal(conn.info.sndMss, 1280 - (family === 4 ? 20 : 40) - 20 - (conn.tsOk ? 12 : 0));
    assert.ok(a.stats.icmp.pmtuUpdates >= 1);
    assert.ok(a.stats.tcp.outSegs > 100);
    assert.equal(a.stats.ip.fragCreates, 0, 'TCP is never fragmented');
  });
}

test('TCP over loopback', () => {
  const s = makeStack();
  s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24'] });
  const t = layer(s);
  const l = t.listen({ address: '127.0.0.1', port: 7 }, 4, 0);
  assert.ok(l.ok);
  const c = t.connect({ address: '127.0.0.1', port: 7 }, {}, 0);
  assert.ok(c.ok);
  let now = 0;
  for (let i = 0; i < 50 && c.value.state !== 'ESTABLISHED'; i++) s.poll((now += 1));
  assert.equal(c.value.state, 'ESTABLISHED');
  assert.equal(c.value.send(new TextEncoder().encode('hello'), now), 5);
  for (let i = 0; i < 50; i++) s.poll((now += 1));
  const peer = l.value.accept();
  assert.ok(peer);
  assert.equal(new TextDecoder().decode(peer.recv()), 'hello');
  assert.equal(s.stats.ip.outPackets, 0);
});
