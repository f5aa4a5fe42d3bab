// RFC 9293 §3.10.7.4 in ESTABLISHED: sequence checks, RST/SYN/ACK hardening (RFC 5961), text,
// window update rules, reassembly and the ACKs it triggers, urgent data (RFC 6093).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, FIN, PSH, RST, SYN, URG, dg, passiveEstablished, view } from './tcp-helpers.js';

// passiveEstablished(): peer ISN 1000 (RCV.NXT = 1001), our ISS 5000 (SND.NXT = 5001).

test('RFC 9293 §3.10.7.4 unacceptable segment (old data) → ACK <SEQ=SND.NXT><ACK=RCV.NXT>, dropped', () => {
  const { layer, conn } = passiveEstablished();
  layer.receive(dg({ seq: 900, ack: 5001, flags: ACK, payload: 50 }), 2);
  assert.deepEqual(view(layer.poll(2)[0]!), { seq: 5001, ack: 1001, flags: 'ACK', len: 0, window: 65535 });
  assert.equal(conn.readableLength, 0);
});

test('RFC 9293 §3.10.7.4 unacceptable segment (beyond the window) → ACK, dropped', () => {
  const { layer, conn } = passiveEstablished();
  layer.receive(dg({ seq: 1001 + 70000, ack: 5001, flags: ACK, payload: 10 }), 2);
  assert.equal(view(layer.poll(2)[0]!).ack, 1001);
  assert.equal(conn.ooo.bytes, 0);
});

test('RFC 9293 §3.10.7.4 acceptability: SEG.LEN=0 with RCV.WND>0 needs RCV.NXT ≤ SEG.SEQ (else ACK)', () => {
  const { layer } = passiveEstablished();
  layer.receive(dg({ seq: 1000, ack: 5001, flags: ACK }), 2);
  assert.equal(layer.poll(2).length, 1, 'old empty segment → ACK');
  layer.receive(dg({ seq: 1001 + 100, ack: 5001, flags: ACK }), 3);
  assert.equal(layer.poll(3).length, 0, 'in-window empty segment is fine');
});

test('RFC 9293 §3.10.7.4 acceptability: a segment overlapping RCV.NXT is trimmed and its new part kept', () => {
  const { layer, conn } = passiveEstablished();
  const p = new Uint8Array(20).map((_, i) => i);
  layer.receive(dg({ seq: 991, ack: 5001, flags: ACK | PSH, payload: p }), 2);
  assert.deepEqual(conn.recv(), p.subarray(10));
  assert.equal(conn.rcvNxt, 1011);
});

test('RFC 9293 §3.10.7.4 acceptability with RCV.WND=0: data is refused (ACK), but the ACK field is processed', () => {
  const { layer, conn } = passiveEstablished({ recvBufferSize: 1000 });
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 1000 }), 2);
  assert.equal(conn.readableLength, 1000);
  let out = layer.poll(2);
  assert.equal(out[0]!.seg.window, 0);
  conn.send(new Uint8Array(10), 3);
  out = layer.poll(3);
  assert.equal(view(out[0]!).seq, 5001);
  // Peer sends more data (not acceptable: our window is 0) carrying an ACK of our 10 bytes.
  layer.receive(dg({ seq: 2001, ack: 5011, flags: ACK, payload: 100 }), 4);
  assert.equal(conn.readableLength, 1000, 'nothing accepted');
  assert.equal(conn.sndUna, 5011, 'but the ACK was processed (special allowance)');
  assert.deepEqual(view(layer.poll(4)[0]!), { seq: 5011, ack: 2001, flags: 'ACK', len: 0, window: 0 });
});

test('RFC 5961 §3.2 in-window RST → challenge ACK', () => {
  const { layer, conn } = passiveEstablished();
  layer.receive(dg({ seq: 1500, flags: RST }), 2);
  assert.equal(conn.state, 'ESTABLISHED');
  assert.deepEqual(view(layer.poll(2)[0]!), { seq: 5001, ack: 1001, flags: 'ACK', len: 0, window: 65535 });
  assert.equal(conn.stats.challengeAcksOut, 1);
});

test('RFC 5961 §3.2 RST outside the window is dropped silently', () => {
  const { layer, conn } = passiveEstablished();
  layer.receive(dg({ seq: 500, flags: RST }), 2);
  layer.receive(dg({ seq: 1001 + 100_000, flags: RST }), 2);
  assert.equal(conn.state, 'ESTABLISHED');
  assert.deepEqual(layer.poll(2), []);
});

test('RFC 5961 §3.2 RST exactly at RCV.NXT → ECONNRESET, CLOSED, buffers flushed', () => {
  const { layer, conn } = passiveEstablished();
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 10 }), 2);
  layer.receive(dg({ seq: 1011, flags: RST }), 3);
  assert.equal(conn.state, 'CLOSED');
  assert.equal(conn.error, 'ECONNRESET');
  assert.equal(conn.recv(), undefined);
  const ev = layer.pollEvents().find((e) => e.type === 'closed');
  assert.ok(ev && ev.type === 'closed' && ev.error === 'ECONNRESET');
  const s = conn.send(new Uint8Array(1), 4);
  assert.ok(typeof s !== 'number' && s.code === 'ECONNRESET');
});

test('RFC 5961 §4.2 SYN in ESTABLISHED → challenge ACK, connection kept', () => {
  const { layer, conn } = passiveEstablished();
  layer.receive(dg({ seq: 1001, flags: SYN }), 2);
  layer.receive(dg({ seq: 77, flags: SYN }), 2);
  assert.equal(conn.state, 'ESTABLISHED');
  const out = layer.poll(2);
  assert.equal(out.length, 2);
  for (const d of out) assert.deepEqual(view(d), { seq: 5001, ack: 1001, flags: 'ACK', len: 0, window: 65535 });
});

test('RFC 5961 §5.2 ACK older than SND.UNA − MAX.SND.WND → challenge ACK, segment dropped', () => {
  const { layer, conn } = passiveEstablished({}, 1000, 5000, 1000);
  conn.send(new Uint8Array(500), 2);
  layer.poll(2);
  layer.receive(dg({ seq: 1001, ack: 5501, flags: ACK, window: 1000 }), 3);
  assert.equal(conn.sndUna, 5501);
  layer.receive(dg({ seq: 1001, ack: 5501 - 1001, flags: ACK | PSH, payload: 10, window: 1000 }), 4);
  assert.equal(conn.readableLength, 0, 'blind data injection refused');
  assert.deepEqual(view(layer.poll(4)[0]!), { seq: 5501, ack: 1001, flags: 'ACK', len: 0, window: 65535 });
  layer.receive(dg({ seq: 1001, ack: 5501 - 1000, flags: ACK | PSH, payload: 10, window: 1000 }), 5);
  assert.equal(conn.readableLength, 10, 'an ACK within MAX.SND.WND of SND.UNA is acceptable');
});

test('RFC 9293 §3.10.7.4 ACK of something not yet sent (SEG.ACK > SND.NXT) → ACK, drop', () => {
  const { layer, conn } = passiveEstablished();
  layer.receive(dg({ seq: 1001, ack: 9999, flags: ACK, payload: 10 }), 2);
  assert.equal(conn.readableLength, 0);
  assert.deepEqual(view(layer.poll(2)[0]!), { seq: 5001, ack: 1001, flags: 'ACK', len: 0, window: 65535 });
});

test('RFC 5961 §7 challenge ACKs are rate limited per second', () => {
  const { layer, conn } = passiveEstablished({ challengeAckLimit: 3 });
  for (let i = 0; i < 10; i++) layer.receive(dg({ seq: 1500 + i, flags: RST }), 2000);
  assert.equal(layer.poll(2000).length, 3);
  assert.equal(conn.stats.challengeAcksOut, 3);
  layer.receive(dg({ seq: 1500, flags: RST }), 3000);
  assert.equal(layer.poll(3000).length, 1, 'a new second, a new budget');
});

test('RFC 9293 §3.10.7.4 window update only from newer segments (SND.WL1/SND.WL2)', () => {
  const { layer, conn } = passiveEstablished();
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, window: 2000 }), 2);
  assert.equal(conn.sndWnd, 2000);
  // An older segment (seq < WL1) must not change the window.
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 10, window: 2000 }), 3);
  assert.equal(conn.sndWl1, 1001);
  layer.receive(dg({ seq: 1011, ack: 5001, flags: ACK, window: 3000 }), 4);
  assert.equal(conn.sndWnd, 3000);
  assert.equal(conn.sndWl1, 1011);
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, window: 100 }), 5); // old: unacceptable anyway
  assert.equal(conn.sndWnd, 3000);
});

test('RFC 5681 §4.2: an out-of-order segment gets an immediate duplicate ACK, the gap filler an immediate ACK', () => {
  const { layer, conn } = passiveEstablished({ quickAckSegments: 0 });
  layer.receive(dg({ seq: 1101, ack: 5001, flags: ACK, payload: 100 }), 2);
  layer.receive(dg({ seq: 1201, ack: 5001, flags: ACK, payload: 100 }), 2);
  let out = layer.poll(2);
  assert.deepEqual(out.map((d) => view(d).ack), [1001, 1001], 'one duplicate ACK per out-of-order segment');
  assert.equal(conn.ooo.bytes, 200);
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 100 }), 3);
  out = layer.poll(3);
  assert.deepEqual(out.map((d) => view(d).ack), [1301]);
  assert.equal(conn.readableLength, 300);
  assert.equal(conn.ooo.bytes, 0);
});

test('reassembly: overlapping and duplicate out-of-order pieces are stored once', () => {
  const { layer, conn } = passiveEstablished();
  const data = new Uint8Array(400).map((_, i) => i & 0xff);
  layer.receive(dg({ seq: 1101, ack: 5001, flags: ACK, payload: data.subarray(100, 200) }), 2);
  layer.receive(dg({ seq: 1151, ack: 5001, flags: ACK, payload: data.subarray(150, 300) }), 2);
  layer.receive(dg({ seq: 1101, ack: 5001, flags: ACK, payload: data.subarray(100, 200) }), 2);
  assert.equal(conn.ooo.bytes, 200);
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: data.subarray(0, 120) }), 3);
  layer.receive(dg({ seq: 1301, ack: 5001, flags: ACK, payload: data.subarray(300, 400) }), 3);
  assert.deepEqual(conn.recv(), data);
});

test('an out-of-order FIN is processed when the gap is filled', () => {
  const { layer, conn } = passiveEstablished();
  layer.receive(dg({ seq: 1011, ack: 5001, flags: ACK | FIN, payload: 10 }), 2);
  assert.equal(conn.state, 'ESTABLISHED');
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 10 }), 3);
  assert.equal(conn.state, 'CLOSE-WAIT');
  assert.equal(conn.readableLength, 20);
  assert.equal(conn.rcvNxt, 1022);
});

test('RFC 9293 §3.10.7.4 text beyond the window is trimmed (and its FIN with it)', () => {
  const { layer, conn } = passiveEstablished({ recvBufferSize: 100 });
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN, payload: 150 }), 2);
  assert.equal(conn.readableLength, 100);
  assert.equal(conn.state, 'ESTABLISHED', 'the FIN lay beyond the window');
  assert.equal(view(layer.poll(2)[0]!).window, 0);
});

test('RFC 6093 urgent data: the pointer marks the byte after the urgent data; bytes stay inline', () => {
  const { layer, conn, events } = passiveEstablished();
  void events;
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | URG, urgent: 5, payload: 10 }), 2);
  const ev = layer.pollEvents().find((e) => e.type === 'urgent');
  assert.ok(ev && ev.type === 'urgent');
  assert.equal(ev.mark, 5);
  assert.equal(conn.readableLength, 10, 'urgent bytes are delivered inline');
  assert.equal(conn.readOffset, 0);
  // The same pointer again is not a new mark; a later one is.
  layer.receive(dg({ seq: 1011, ack: 5001, flags: ACK | URG, urgent: 0xffff - 100, payload: 10 }), 3);
  const ev2 = layer.pollEvents().find((e) => e.type === 'urgent');
  assert.ok(ev2 && ev2.type === 'urgent' && ev2.mark === 10 + 0xffff - 100);
});

test('RFC 9293 §3.10.7.4 FIN in ESTABLISHED → CLOSE-WAIT, immediate ACK, peer-fin event, EOF after the data', () => {
  const { layer, conn } = passiveEstablished({ quickAckSegments: 0 });
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN, payload: 5 }), 2);
  assert.equal(conn.state, 'CLOSE-WAIT');
  assert.deepEqual(view(layer.poll(2)[0]!), { seq: 5001, ack: 1007, flags: 'ACK', len: 0, window: 65535 - 6 });
  assert.ok(layer.pollEvents().some((e) => e.type === 'peer-fin'));
  assert.equal(conn.eof, false);
  assert.equal(conn.recv()!.length, 5);
  assert.equal(conn.eof, true);
  assert.equal(conn.recv(), undefined);
  // CLOSE-WAIT still sends.
  assert.equal(conn.send(new Uint8Array(3), 3), 3);
  assert.equal(view(layer.poll(3)[0]!).len, 3);
});

test('send after shutdown is EPIPE; recv after reset returns nothing', () => {
  const { conn } = passiveEstablished();
  conn.shutdown(2);
  const r = conn.send(new Uint8Array(1), 2);
  assert.ok(typeof r !== 'number' && r.code === 'EPIPE');
});

test('send() takes what fits in the send buffer; writable once space frees', () => {
  // A fixed 3000-byte buffer, said explicitly: send auto-tuning would grow it on the first ACK.
  const { layer, conn } = passiveEstablished({ sendBufferSize: 3000, sendBufferAutoTune: false });
  assert.equal(conn.send(new Uint8Array(5000), 2), 3000);
  const out = layer.poll(2);
  assert.equal(out.reduce((n, d) => n + d.seg.payload.length, 0), 3000);
  layer.receive(dg({ seq: 1001, ack: 5001 + 1460, flags: ACK }), 3);
  const ev = layer.pollEvents();
  assert.ok(ev.some((e) => e.type === 'writable'));
  assert.equal(conn.send(new Uint8Array(5000), 3), 1460);
});
