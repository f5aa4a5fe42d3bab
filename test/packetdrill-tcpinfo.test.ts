import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePyBlock, runPyBlock } from '../src/packetdrill/pyassert.js';
import { runScript } from '../src/packetdrill/runner.js';

const HANDSHAKE = `
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 65535 <mss 1000,sackOK,nop,nop,nop,wscale 7>
+0  > S. 0:0(0) ack 1 <...>
+.1 < . 1:1(0) ack 1 win 512
+0  accept(3, ..., ...) = 4
`;

function evalBlock(src: string, vars = new Map<string, number>(), get: (n: string) => number | undefined = () => undefined) {
  const p = parsePyBlock(src);
  assert.ok(p.ok, src);
  return runPyBlock(p.stmts, get, vars);
}

test('python subset: arithmetic, bitwise, chained comparisons, and/or/not', () => {
  assert.deepEqual(evalBlock('assert 2 + 3 * 4 == 14'), { ok: true });
  assert.deepEqual(evalBlock('assert (6 & 4) != 0 and not (1 & 4)'), { ok: true });
  assert.deepEqual(evalBlock('assert 7 // 2 == 3 and -7 // 2 == -4 and -7 % 3 == 2'), { ok: true });
  assert.deepEqual(evalBlock("assert 5000 <= 7000 <= 20000, 'srtt=%d us' % 7000"), { ok: true });
  assert.equal(evalBlock('assert 1 < 3 < 2').ok, false);
  assert.equal(evalBlock('assert 0 or 0').ok, false);
  assert.deepEqual(evalBlock('assert 1 << 4 == 16 | 0'), { ok: true });
});

test('python subset: variables persist across blocks, print is ignored', () => {
  const vars = new Map<string, number>();
  assert.deepEqual(evalBlock('cwnd = 10', vars), { ok: true });
  assert.deepEqual(evalBlock('print(cwnd); cwnd += 10; assert cwnd == 20, cwnd', vars), { ok: true });
  assert.equal(vars.get('cwnd'), 20);
});

test('python subset: anything else is refused, never evaluated', () => {
  for (const src of ['import os', 'if x:\n  pass', 'assert f(1)', 'x = [1, 2]', 'assert 1.5 > 1', 'for i in range(3): pass']) {
    assert.equal(parsePyBlock(src).ok, false, src);
  }
});

test('tcp_info block: a true assertion passes, a false one fails with the value', () => {
  const ok = runScript(HANDSHAKE + '+0 %{\nassert tcpi_snd_mss == 1000, tcpi_snd_mss\nassert tcpi_state == TCP_ESTABLISHED\nassert tcpi_ca_state == TCP_CA_Open\nassert (tcpi_options & TCPI_OPT_SACK) != 0 and tcpi_unacked == 0\n}%\n', { profile: 'linux' });
  assert.equal(ok.status, 'pass', JSON.stringify(ok));
  const bad = runScript(HANDSHAKE + '+0 %{ assert tcpi_snd_mss == 1460, tcpi_snd_mss }%\n', { profile: 'linux' });
  assert.equal(bad.status, 'fail');
  assert.ok(bad.status === 'fail' && /assertion failed/.test(bad.message) && /tcpi_snd_mss=1000/.test(bad.actual ?? ''), JSON.stringify(bad));
});

test('tcp_info block: RTT in microseconds and cwnd in segments (RFC 6298 §2.2 first sample)', () => {
  const r = runScript(HANDSHAKE + '+0 %{ assert 90000 <= tcpi_rtt <= 110000, tcpi_rtt; assert tcpi_snd_cwnd >= 1 }%\n', { profile: 'linux' });
  assert.equal(r.status, 'pass', JSON.stringify(r));
});

test('tcp_info block: unknown fields and names are skipped, not passed', () => {
  const a = runScript(HANDSHAKE + '+0 %{ assert tcpi_delivery_rate > 0 }%\n', { profile: 'linux' });
  assert.equal(a.status, 'skip');
  assert.ok(a.status === 'skip' && /tcp_info field tcpi_delivery_rate/.test(a.reason));
  const b = runScript(HANDSHAKE + '+0 %{ assert undefined_name == 1 }%\n', { profile: 'linux' });
  assert.ok(b.status === 'skip' && /python/.test(b.reason), JSON.stringify(b));
});
