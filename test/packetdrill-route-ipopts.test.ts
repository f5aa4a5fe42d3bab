// The runner's `ip route change … mtu [lock] N advmss N initcwnd N` lines, the tcp_mtu_probing /
// tcp_base_mss sysctls with the linux profile's PLPMTUD search, and the IP-level socket options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRouteCommand } from '../src/packetdrill/runner-route.js';
import { interpretCommand } from '../src/packetdrill/runner-commands.js';
import { runScript } from '../src/packetdrill/runner.js';

test('ip route change: destination, gateway and device name the route; mtu [lock], advmss and initcwnd become its metrics', () => {
  const r = parseRouteCommand('route change 192.0.2.1 via 192.168.0.2 dev tun0 advmss 600 mtu lock 640 initcwnd 11'.split(' '));
  assert.deepEqual(r, { ok: true, change: { prefix: '192.0.2.1/32', metrics: { advmss: 600, mtu: 640, mtuLock: true, initcwnd: 11 } } });
  const v6 = parseRouteCommand('-6 route change 2001:DB8::1 via fd3d:fa7b:d17d:8888::0 dev tun0 mtu 1520'.split(' '));
  assert.deepEqual(v6, { ok: true, change: { prefix: '2001:db8::1/128', metrics: { mtu: 1520 } } });
  assert.equal(parseRouteCommand('route change 192.0.2.1 rtt 10'.split(' ')).ok, false);
  assert.equal(parseRouteCommand('-6 route change 192.0.2.1 mtu 1500'.split(' ')).ok, false);
  assert.equal(parseRouteCommand('link set tun0 up'.split(' ')).ok, false);
  const cmd = interpretCommand('sysctl -q net.ipv4.tcp_mtu_probing=2\nip route change 192.0.2.1 mtu 1400');
  assert.ok(cmd.ok);
  assert.equal(cmd.config.mtuProbing, 'on');
  assert.deepEqual(cmd.routes, [{ prefix: '192.0.2.1/32', metrics: { mtu: 1400 } }]);
});

const PROBE = (probing: number) => `
--strict_segments
\`sysctl -q net.ipv4.tcp_mtu_probing=${probing} net.ipv4.tcp_base_mss=512
 ip route change 192.0.2.1 via 192.168.0.2 dev tun0 advmss 600 mtu lock 640 initcwnd 11\`
0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0   bind(3, ..., ...) = 0
+0   listen(3, 1) = 0
+.1  < S 0:0(0) win 60000 <mss 1460,nop,wscale 0>
+0   > S. 0:0(0) ack 1 win 65535 <mss 600,nop,wscale 8>
+0   < . 1:1(0) ack 1 win 60000
+0   accept(3, ..., ...) = 4
+0   \`ip route change 192.0.2.1 via 192.168.0.2 dev tun0 mtu lock 1500\`
+.1  write(4, ..., 5000) = 5000
+0   > . 1:987(986) ack 1
+0   > . 987:1587(600) ack 1
`;

test('RFC 4821 §7.3 (linux profile): the first probe is the midpoint of search_low (tcp_base_mss) and search_high (the peer\'s MSS), the MSS in use kept', () => {
  const on = runScript(PROBE(2), { profile: 'linux' });
  assert.equal(on.status, 'pass', JSON.stringify(on));
  // tcp_mtu_probing=0: no probe, the segments stay at the route's 600
  const off = runScript(PROBE(0), { profile: 'linux' });
  assert.equal(off.status, 'fail');
});

const PASSIVE = `
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  setsockopt(3, SOL_IP, IP_TOS, [0xb9], 1) = 0
+0  setsockopt(3, SOL_IP, IP_MTU_DISCOVER, [IP_PMTUDISC_DONT], 4) = 0
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 65535 <mss 1000,sackOK,nop,nop,nop,wscale 7>
+0  > S. 0:0(0) ack 1 <...>
+.1 < . 1:1(0) ack 1 win 512
+0  accept(3, ..., ...) = 4
+0  getsockopt(4, SOL_IP, IP_TOS, [0xb9], [4]) = 0
+0  getsockopt(4, SOL_IP, IP_MTU_DISCOVER, [IP_PMTUDISC_DONT], [4]) = 0
+0  setsockopt(4, SOL_IP, IP_TOS, [4], 1) = 0
+0  getsockopt(4, SOL_IP, IP_TOS, [4], [4]) = 0
+0  setsockopt(4, SOL_IP, IP_TTL, [0], 4) = -1 EINVAL (Invalid argument)
+0  setsockopt(4, SOL_IP, IP_MTU_DISCOVER, [9], 4) = -1 EINVAL (Invalid argument)
`;

test('IP_TOS, IP_TTL, IP_MTU_DISCOVER: set before listen(), inherited by the accepted socket, changed on it, bad values EINVAL', () => {
  const r = runScript(PASSIVE, { profile: 'linux' });
  assert.equal(r.status, 'pass', JSON.stringify(r));
});
