import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScript } from '../src/packetdrill/runner.js';

// Ten segments out; the second and third arrive first (SACKed), then the first: the cumulative ACK
// covers 3 segments of which only one is newly delivered (RFC 6937 §3 DeliveredData).
const SCRIPT = `
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
+0  > S. 0:0(0) ack 1 <...>
+.1 < . 1:1(0) ack 1 win 320
+0  accept(3, ..., ...) = 4
+0  write(4, ..., 15000) = 15000
+0  > . 1:10001(10000) ack 1
+.1 < . 1:1(0) ack 1 win 320 <sack 1001:2001,nop,nop>
+0  > . 10001:11001(1000) ack 1
+.01 < . 1:1(0) ack 1 win 320 <sack 1001:3001,nop,nop>
+0  > . 11001:12001(1000) ack 1
+0  %{ assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd }%
+.01 < . 1:1(0) ack 3001 win 320
+0  %{ assert tcpi_snd_cwnd == CWND, tcpi_snd_cwnd }%
`;

const config = { pushRule: 'rfc9293', hystart: false, tlp: false } as const;

test('RFC 5681 §3.1 / RFC 6937 §3: with cwndGrowth "linux" an ACK grows cwnd by what it newly delivers (bytes SACKed before are not counted again)', () => {
  const r = runScript(SCRIPT.replace('CWND', '11'), { profile: 'linux', config: { ...config, cwndGrowth: 'linux' } });
  assert.equal(r.status, 'pass', JSON.stringify(r));
});

test('RFC 5681 §3.1: by default the growth counts the sequence space newly acknowledged (min(N, SMSS) in slow start)', () => {
  // min(3000, SMSS): one segment, like the delivered count here — the difference shows with HyStart++'s L.
  const r = runScript(SCRIPT.replace('CWND', '13'), { profile: 'linux', config: { ...config, hystart: true, cwndGrowth: 'rfc5681' } });
  assert.equal(r.status, 'pass', JSON.stringify(r));
  const d = runScript(SCRIPT.replace('CWND', '11'), { profile: 'linux', config: { ...config, hystart: true, cwndGrowth: 'linux' } });
  assert.equal(d.status, 'pass', JSON.stringify(d));
});

test('RFC 5681 §3.2: without SACK each duplicate ACK stands for a segment delivered; the cumulative ACK after two grows cwnd by the rest (cwndGrowth linux)', () => {
  const noSack = SCRIPT.replace('sackOK,nop,nop,nop,wscale 7', 'nop,wscale 7').split('<sack 1001:2001,nop,nop>').join('').split('<sack 1001:3001,nop,nop>').join('');
  const r = runScript(noSack.replace('CWND', '11'), { profile: 'linux', config: { ...config, hystart: true, cwndGrowth: 'linux' } });
  assert.equal(r.status, 'pass', JSON.stringify(r));
  const acked = runScript(noSack.replace('CWND', '13'), { profile: 'linux', config: { ...config, hystart: true, cwndGrowth: 'rfc5681' } });
  assert.equal(acked.status, 'pass', JSON.stringify(acked));
});
