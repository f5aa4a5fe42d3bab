import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScript } from '../src/packetdrill/runner.js';

// Four segments; the peer SACKs only the last octet of the fourth. RACK (RFC 8985 §6.2) sees a
// delivery only if that block marks something SACKed.
const SCRIPT = `
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
+0  > S. 0:0(0) ack 1 <...>
+.1 < . 1:1(0) ack 1 win 320
+0  accept(3, ..., ...) = 4
+0  write(4, ..., 4000) = 4000
+0  > P. 1:4001(4000) ack 1
+.1 < . 1:1(0) ack 1 win 320 <sack 4000:4001,nop,nop>
`;
const base = { pushRule: 'rfc9293', tlp: false } as const;

test('RFC 6675 §2 / RFC 8985 §6.2: sackWholeSegments — a block covering part of a segment SACKs nothing, so RACK has no delivery to time a loss from (the RTO, 300 ms after the send, repairs)', () => {
  const r = runScript(SCRIPT + '+.2 > . 1:1001(1000) ack 1\n', { profile: 'linux', config: { ...base, sackWholeSegments: true } });
  assert.equal(r.status, 'pass', JSON.stringify(r));
});

test('RFC 6675 §2 / RFC 8985 §6.2: by default the SACKed octet is split off and delivered: RACK retransmits after RACK.rtt + reo_wnd', () => {
  const r = runScript(SCRIPT + '+.025 > . 1:1001(1000) ack 1\n', { profile: 'linux', config: { ...base, sackWholeSegments: false } });
  assert.equal(r.status, 'pass', JSON.stringify(r));
});
