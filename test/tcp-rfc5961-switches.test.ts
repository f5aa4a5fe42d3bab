// RFC 5961 §3 and §4 as switches (TcpConfig.rfc5961Rst / rfc5961Syn): on by default (challenge
// ACKs), off restores RFC 793's rules — the behaviour FreeBSD's net.inet.tcp.insecure_rst /
// insecure_syn select. Also the RST window of RFC 5961 §3.2 (right edge excluded) and text carried
// by a SYN-ACK (RFC 9293 §3.10.7.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../src/tcp/config.js';
import { ACK, RST, SYN, dg, mkLayer, passiveEstablished, view } from './tcp-helpers.js';

// passiveEstablished(): peer ISN 1000 (RCV.NXT = 1001), our ISS 5000 (SND.NXT = 5001), window 65535.

test('RFC 5961 §3.2 / §4.2 protections are on by default', () => {
  const c = resolveConfig({});
  assert.equal(c.rfc5961Rst, true);
  assert.equal(c.rfc5961Syn, true);
  assert.equal(resolveConfig({ profile: 'freebsd' }).rfc5961Rst, true);
});

test('RFC 5961 §3.2 off (RFC 793 §3.9): an in-window RST not at RCV.NXT resets the connection (ECONNRESET)', () => {
  const { layer, conn } = passiveEstablished({ rfc5961Rst: false });
  layer.receive(dg({ seq: 1500, flags: RST }), 2);
  assert.equal(conn.state, 'CLOSED');
  assert.equal(conn.error, 'ECONNRESET');
  assert.deepEqual(layer.poll(2), [], 'no challenge ACK');
  assert.equal(conn.stats.challengeAcksOut, 0);
});

test('RFC 5961 §3.2 off: a RST outside the window is still dropped silently', () => {
  const { layer, conn } = passiveEstablished({ rfc5961Rst: false });
  layer.receive(dg({ seq: 1001 + 70_000, flags: RST }), 2);
  layer.receive(dg({ seq: 1000, flags: RST }), 2);
  assert.equal(conn.state, 'ESTABLISHED');
  assert.deepEqual(layer.poll(2), []);
});

test('RFC 5961 §3.2: a RST at RCV.NXT+RCV.WND lies outside RCV.NXT ≤ SEG.SEQ < RCV.NXT+RCV.WND and is dropped silently', () => {
  for (const rfc5961Rst of [true, false]) {
    const { layer, conn } = passiveEstablished({ rfc5961Rst });
    layer.receive(dg({ seq: 1001 + 65535, flags: RST }), 2);
    assert.equal(conn.state, 'ESTABLISHED');
    assert.deepEqual(layer.poll(2), [], `no ACK (rfc5961Rst=${rfc5961Rst})`);
    layer.receive(dg({ seq: 1001 + 65534, flags: RST }), 3);
    assert.equal(conn.state, rfc5961Rst ? 'ESTABLISHED' : 'CLOSED', 'the last in-window sequence number is inside');
  }
});

test('RFC 5961 §4.2 off (RFC 793 §3.9): a SYN in the window is answered with RST and the connection is reset', () => {
  const { layer, conn } = passiveEstablished({ rfc5961Syn: false });
  layer.receive(dg({ seq: 1200, flags: SYN, options: [{ kind: 'mss', mss: 1460 }] }), 2);
  assert.equal(conn.state, 'CLOSED');
  assert.equal(conn.error, 'ECONNRESET');
  const out = layer.poll(2);
  assert.equal(out.length, 1);
  assert.deepEqual(view(out[0]!), { seq: 5001, ack: 1001, flags: 'RST,ACK', len: 0, window: 0 });
});

test('RFC 5961 §4.2 off: a SYN outside the window gets the unacceptable-segment ACK and changes nothing', () => {
  const { layer, conn } = passiveEstablished({ rfc5961Syn: false });
  layer.receive(dg({ seq: 1001 + 70_000, flags: SYN }), 2);
  assert.equal(conn.state, 'ESTABLISHED');
  assert.deepEqual(view(layer.poll(2)[0]!), { seq: 5001, ack: 1001, flags: 'ACK', len: 0, window: 65535 });
});

test('RFC 5961 §4.2 on: the in-window SYN gets a challenge ACK', () => {
  const { layer, conn } = passiveEstablished();
  layer.receive(dg({ seq: 1200, flags: SYN }), 2);
  assert.equal(conn.state, 'ESTABLISHED');
  assert.deepEqual(view(layer.poll(2)[0]!), { seq: 5001, ack: 1001, flags: 'ACK', len: 0, window: 65535 });
  assert.equal(conn.stats.challengeAcksOut, 1);
});

test('RFC 9293 §3.10.7.3 SYN-SENT: text in the SYN-ACK is taken (within the window our SYN offered) and acknowledged by one ACK', () => {
  const layer = mkLayer('10.0.0.1', { isn: () => 1000 });
  const r = layer.connect({ address: '10.0.0.2', port: 80 }, { local: { port: 4000 } }, 0);
  if (!r.ok) throw new Error(r.message);
  layer.poll(0);
  const syn = dg({ srcPort: 80, dstPort: 4000, seq: 0, ack: 1001, flags: SYN | ACK, payload: 3, options: [{ kind: 'mss', mss: 1460 }] }, '10.0.0.2', '10.0.0.1');
  layer.receive(syn, 1);
  const c = r.value;
  assert.equal(c.state, 'ESTABLISHED');
  assert.equal(c.readableLength, 3);
  const out = layer.poll(1);
  assert.equal(out.length, 1, 'one ACK');
  assert.equal(view(out[0]!).ack, 4);
});
