// sendmsg/recvmsg with a plain msghdr (iovec list, no control data) behave as writev/readv.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScript } from '../src/packetdrill/runner.js';

const HANDSHAKE = `
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 65535 <mss 1000>
+0  > S. 0:0(0) ack 1 <mss 1460>
+.1 < . 1:1(0) ack 1 win 65535
+0  accept(3, ..., ...) = 4
`;

test('sendmsg with an iovec list sends the sum of its lengths; recvmsg reads into one', () => {
  const r = runScript(
    HANDSHAKE +
      `+0 sendmsg(4, {msg_name(...)=..., msg_iov(3)=[{..., 0}, {..., 40}, {..., 20}], msg_flags=0}, 0) = 60
+0 > P. 1:61(60) ack 1
+.01 < P. 1:11(10) ack 61 win 257
+0 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 100}], msg_flags=0}, 0) = 10
`,
    { profile: 'linux' },
  );
  assert.equal(r.status, 'pass', JSON.stringify(r));
});

test('a msghdr with control messages is skipped, not passed', () => {
  const r = runScript(HANDSHAKE + '+0 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 100}], msg_control=[{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ, cmsg_data=0}], msg_flags=0}, 0) = 0\n', { profile: 'linux' });
  assert.equal(r.status, 'skip', JSON.stringify(r));
});
