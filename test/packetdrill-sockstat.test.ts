// FreeBSD tcp-testsuite state checks (`sockstat … | grep -c STATE | grep N`) and `tcpdrop`,
// answered from the layer's connection table; tcpdrop is RFC 9293 §3.10.5 ABORT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScript } from '../src/packetdrill/runner.js';
import { isLiveCommand, runLiveCommand } from '../src/packetdrill/runner-sockstat.js';

const HANDSHAKE = `
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 65535 <mss 1000>
+0  > S. 0:0(0) ack 1 <mss 1460>
+.1 < . 1:1(0) ack 1 win 65535
+0  accept(3, ..., ...) = 4
`;

test('sockstat | grep -c STATE | grep N succeeds only when the count matches', () => {
  const ok = runScript(HANDSHAKE + '+0 `sockstat -4 -N -P tcp -s | grep packetdril | grep -c ESTABLISHED | grep 1`\n+0 `sockstat -P tcp -s -p 8080 | grep -c LISTEN | grep 1`\n', { profile: 'freebsd' });
  assert.equal(ok.status, 'pass', JSON.stringify(ok));
  const bad = runScript(HANDSHAKE + '+0 `sockstat -4 -P tcp -s | grep packetdril | grep -c TIME_WAIT | grep 1`\n', { profile: 'freebsd' });
  assert.equal(bad.status, 'fail');
  assert.ok(bad.status === 'fail' && /exited with status 1/.test(bad.message));
});

test('RFC 9293 §3.10.5 tcpdrop aborts the named connection with a RST', () => {
  const r = runScript(HANDSHAKE + '+0 `tcpdrop -s ESTABLISHED`\n+0 > R. 1:1(0) ack 1\n+0 `sockstat -P tcp -s | grep -c ESTABLISHED | grep 0`\n', { profile: 'freebsd' });
  assert.equal(r.status, 'pass', JSON.stringify(r));
});

test('other shell commands are not taken for sockstat/tcpdrop; unsupported flags are named', () => {
  assert.equal(isLiveCommand('sockstat -P tcp -s; rm -rf x'), false);
  assert.equal(isLiveCommand('nstat -n'), false);
  const t = { connections: () => [], listeningPorts: () => [], ipv6: false, abort: () => undefined };
  assert.match(String(runLiveCommand('sockstat -P udp -s | grep -c X', t)), /not supported/);
  assert.match(String(runLiveCommand('sockstat -P tcp -s | sort | grep -c X', t)), /not supported/);
});
