// The linux profile's model of kernel behaviour the google corpus relies on, outside the TCP core:
// socket-option bookkeeping and tcp_info fields read by `%{ }%` blocks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScript } from '../src/packetdrill/runner.js';

const PASSIVE = `
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 65535 <mss 1000,sackOK,nop,nop,nop,wscale 7>
+0  > S. 0:0(0) ack 1 <...>
+.1 < . 1:1(0) ack 1 win 512
+0  accept(3, ..., ...) = 4
`;

test('linux profile: SO_SNDBUF keeps twice the value set, and a write may fill all of it', () => {
  const script = PASSIVE + '+0 setsockopt(4, SOL_SOCKET, SO_SNDBUF, [20000], 4) = 0\n+0 getsockopt(4, SOL_SOCKET, SO_SNDBUF, [40000], [4]) = 0\n+0 write(4, ..., 40000) = 40000\n';
  const r = runScript(script, { profile: 'linux' });
  assert.equal(r.status, 'pass', JSON.stringify(r));
  // The rfc profile keeps the value as set: the write is short.
  const rfc = runScript(script.replace('[40000], [4]', '[20000], [4]'), { profile: 'rfc' });
  assert.equal(rfc.status, 'fail', JSON.stringify(rfc));
  assert.ok(rfc.status === 'fail' && /write\(\) returned 20000/.test(rfc.message), JSON.stringify(rfc));
});

test('tcp_info: tcpi_last_data_recv counts milliseconds since payload last arrived (since the handshake before any)', () => {
  const r = runScript(
    PASSIVE +
      '+1 %{ assert tcpi_last_data_recv == 1000, tcpi_last_data_recv }%\n' +
      '+0 < P. 1:101(100) ack 1 win 512\n+.25 %{ assert tcpi_last_data_recv == 250, tcpi_last_data_recv }%\n',
    { profile: 'linux' },
  );
  assert.equal(r.status, 'pass', JSON.stringify(r));
});

test('RFC 4898 SndLimTimeRwin / busy time: time with data waiting on a closed receive window, and time with data to deliver at all', () => {
  const r = runScript(
    `
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 0 <mss 1000,nop,nop,sackOK>
+0  > S. 0:0(0) ack 1 <...>
+.05 < . 1:1(0) ack 1 win 0
+0  accept(3, ..., ...) = 4
+0  %{ assert tcpi_busy_time == 0 and tcpi_rwnd_limited == 0 }%
+0  write(4, ..., 1000) = 1000
+.05 %{ assert tcpi_rwnd_limited == 50000, tcpi_rwnd_limited }%
+0  < . 1:1(0) ack 1 win 2000
+0  > P. 1:1001(1000) ack 1
+.02 < . 1:1(0) ack 1001 win 2000
+.1 %{ assert tcpi_rwnd_limited == 50000 and tcpi_busy_time == 70000 and tcpi_sndbuf_limited == 0, tcpi_busy_time }%
`,
    { profile: 'linux', config: { pushRule: 'rfc9293' } },
  );
  assert.equal(r.status, 'pass', JSON.stringify(r));
});

test('linux profile: SO_ZEROCOPY is accepted (0 or 1), inherited by accepted sockets, and MSG_ZEROCOPY then sends the same bytes', () => {
  const r = runScript(
    `
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  setsockopt(3, SOL_SOCKET, SO_ZEROCOPY, [2], 4) = -1 EINVAL (Invalid argument)
+0  setsockopt(3, SOL_SOCKET, SO_ZEROCOPY, [1], 4) = 0
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>
+0  > S. 0:0(0) ack 1 <...>
+.01 < . 1:1(0) ack 1 win 257
+0  accept(3, ..., ...) = 4
+0  getsockopt(4, SOL_SOCKET, SO_ZEROCOPY, [1], [4]) = 0
+0  send(4, ..., 100, MSG_ZEROCOPY) = 100
+0  > P. 1:101(100) ack 1
`,
    { profile: 'linux' },
  );
  assert.equal(r.status, 'pass', JSON.stringify(r));
});

test('RFC 4898 SndLimTimeCwnd before SndLimTimeRwin: a sender that both windows stop counts as congestion-limited (busy), not receive-window-limited', () => {
  const r = runScript(
    `
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 10000 <mss 1000,nop,nop,sackOK>
+0  > S. 0:0(0) ack 1 <...>
+.1 < . 1:1(0) ack 1 win 10000
+0  accept(3, ..., ...) = 4
+0  write(4, ..., 20000) = 20000
+0  > . 1:10001(10000) ack 1
+.05 %{ assert tcpi_rwnd_limited == 0 and tcpi_busy_time == 50000, tcpi_busy_time }%
`,
    { profile: 'linux', config: { pushRule: 'rfc9293' } },
  );
  assert.equal(r.status, 'pass', JSON.stringify(r));
});
