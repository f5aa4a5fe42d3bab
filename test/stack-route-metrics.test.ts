// Route metrics (RouteMetrics: mtu, mtu lock, advmss, initcwnd) and the IP-level socket options of
// TCP sockets (IpSocketOptions: TOS / traffic class, TTL, IP_MTU_DISCOVER), seen in what the Stack
// sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeStack } from './stack-harness.js';
import { TcpLayer } from '../src/tcp/layer.js';
import type { Stack } from '../src/stack/stack.js';
import type { TcpSocketOptions } from '../src/tcp/options.js';
import { parseIpv4 } from '../src/wire/ipv4.js';
import { parseIpv6 } from '../src/wire/ipv6.js';
import { parseTcp } from '../src/wire/tcp.js';

function layer(s: Stack): TcpLayer {
  const t = s.tcp;
  assert.ok(t instanceof TcpLayer);
  return t;
}

/** A stack at 10.0.0.1 on a 1500-byte link, with a route to 192.0.2.0/24 via 10.0.0.254. */
function host(metrics?: Parameters<Stack['setRouteMetrics']>[1]): Stack {
  const s = makeStack();
  const i = s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24', 'fd00::1/64'] });
  s.addRoute({ prefix: '192.0.2.0/24', via: '10.0.0.254', ifIndex: i, ...(metrics !== undefined ? { metrics } : {}) });
  s.addRoute({ prefix: '2001:db8::/32', via: 'fd00::fe', ifIndex: i });
  return s;
}

/** The SYN a connect() sends: its IPv4 header and TCP segment. */
function syn(s: Stack, opts: TcpSocketOptions = {}, dst = '192.0.2.7') {
  const c = layer(s).connect({ address: dst, port: 80 }, opts, 0);
  assert.ok(c.ok);
  const out = s.poll(0);
  assert.equal(out.length, 1);
  const p = out[0]!.packet;
  const v6 = dst.includes(':');
  const ip = v6 ? undefined : parseIpv4(p);
  const ip6 = v6 ? parseIpv6(p) : undefined;
  const seg = parseTcp(p, v6 ? 40 : 20);
  assert.ok(seg.ok);
  return { conn: c.value, ip: ip?.ok === true ? ip.value : undefined, ip6: ip6?.ok === true ? ip6.value : undefined, seg: seg.value };
}

function mssOption(seg: { options: readonly { kind: string }[] }): number | undefined {
  for (const o of seg.options) if (o.kind === 'mss') return (o as { kind: 'mss'; mss: number }).mss;
  return undefined;
}

test('route metrics: the route MTU replaces the interface MTU toward its destinations, and sizes the MSS (RFC 9293 §3.7.1)', () => {
  const s = host({ mtu: 1000 });
  assert.equal(s.mtuFor('192.0.2.7'), 1000);
  assert.equal(s.mtuFor('10.0.0.9'), 1500);
  assert.equal(mssOption(syn(s).seg), 960);
});

test('route metrics: advmss is the MSS our SYN advertises to the route\'s destinations (RFC 9293 §3.7.1, RFC 6691)', () => {
  const s = host({ advmss: 600 });
  assert.equal(mssOption(syn(s).seg), 600);
  // TCP_MAXSEG still caps it
  assert.equal(mssOption(syn(host({ advmss: 1400 }), { mss: 1000 }).seg), 1000);
});

test('route metrics: initcwnd sets the initial congestion window in segments (RFC 5681 §3.1 / RFC 6928 default otherwise)', () => {
  const a = syn(host({ initcwnd: 4 })).conn;
  const b = syn(host()).conn;
  assert.equal(a.cc.cwnd, 4 * a.sndMss);
  assert.equal(b.cc.cwnd, layer(host()).config.initialWindowSegments * b.sndMss);
});

test('RFC 1191 §3: TCP segments carry DF; over a route with a locked MTU a \'want\' socket sends without DF, a \'do\' socket with it', () => {
  assert.equal(syn(host()).ip?.dontFragment, true);
  assert.equal(syn(host({ mtu: 1400, mtuLock: true })).ip?.dontFragment, false);
  assert.equal(syn(host({ mtu: 1400, mtuLock: true }), { ip: { pmtuDiscovery: 'do' } }).ip?.dontFragment, true);
  assert.equal(syn(host(), { ip: { pmtuDiscovery: 'dont' } }).ip?.dontFragment, false);
});

test('RFC 1191 §3: a locked route MTU is not changed by "fragmentation needed" reports', () => {
  const s = host({ mtu: 1400, mtuLock: true });
  assert.equal(s.learnPmtu('192.0.2.7', 4, 1000, 0), 1400);
  assert.equal(s.mtuFor('192.0.2.7'), 1400);
  const open = host({ mtu: 1400 });
  assert.equal(open.learnPmtu('192.0.2.7', 4, 1000, 0), 1000);
  assert.equal(open.mtuFor('192.0.2.7'), 1000);
});

test('setRouteMetrics changes a route in place, and throws for a prefix no route has', () => {
  const s = host();
  s.setRouteMetrics('192.0.2.0/24', { mtu: 1200, mtuLock: true });
  assert.equal(s.mtuFor('192.0.2.7'), 1200);
  assert.throws(() => s.setRouteMetrics('198.51.100.0/24', { mtu: 1200 }), RangeError);
});

test('RFC 2474 §3: IP_TOS puts its DSCP bits in the TOS byte; the ECN bits stay TCP\'s (RFC 3168 §5)', () => {
  const r = syn(host(), { ip: { tos: 0x23 } });
  assert.equal(r.ip?.dscp, 0x08);
  assert.equal(r.ip?.ecn, 0);
  const none = syn(host());
  assert.equal(none.ip?.dscp, 0);
  const v6 = syn(host(), { ip: { tos: 0xb8, ttl: 9 } }, '2001:db8::7');
  assert.equal(v6.ip6?.dscp, 0x2e);
  assert.equal(v6.ip6?.hopLimit, 9);
});

test('IP_TTL: the TTL of the socket\'s packets (RFC 1122 §3.2.1.7 default otherwise)', () => {
  assert.equal(syn(host(), { ip: { ttl: 5 } }).ip?.ttl, 5);
  assert.equal(syn(host()).ip?.ttl, 64);
});

test('RFC 1191 §3: a socket sending without DF (IP_PMTUDISC_DONT) does not shrink its segments on "fragmentation needed"; one with DF does', () => {
  for (const [mode, shrinks] of [['dont', false], ['want', true]] as const) {
    const s = host();
    const r = syn(s, { ip: { pmtuDiscovery: mode } });
    const c = r.conn;
    const before = c.sndMss;
    layer(s).icmpError({ kind: 'packet-too-big', code: 4, family: 4, mtu: 500, local: c.local, remote: c.remote, seq: r.seg.seq }, 1);
    assert.equal(c.sndMss < before, shrinks, mode);
  }
});

test('RFC 9293 §3.7.1: the advertised MSS is the MTU less the headers; the floor below it is TcpConfig.minAdvertisedMss (48, none under the freebsd profile)', () => {
  for (const [tcp, want] of [[{}, 48], [{ profile: 'freebsd' as const }, 32], [{ minAdvertisedMss: 0 }, 32]] as const) {
    const s = makeStack({ tcp });
    s.addInterface({ mtu: 72, addresses: ['10.0.0.1/24'] });
    assert.equal(mssOption(syn(s, {}, '10.0.0.9').seg), want, JSON.stringify(tcp));
  }
});
