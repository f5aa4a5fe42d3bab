// The freebsd profile's socket-buffer model (src/tcp/window-bsd.ts), as FreeBSD documents it and
// its public packetdrill suite observes it: buffers rounded to whole MSS-sized segments once the
// MSS is known (tcp_mss()), the window scale sized from sb_max, the window = free buffer space
// with RFC 1122 §4.2.3.3 SWS avoidance, and an unacknowledged FIN repeated on owed ACKs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../src/tcp/config.js';
import { roundToMss } from '../src/tcp/window-bsd.js';
import { ACK, FIN, dg, passiveEstablished, view } from './tcp-helpers.js';

const BSD = { profile: 'freebsd' as const, timestamps: false, sack: false };

test('FreeBSD tcp_mss(): a buffer becomes a whole number of MSS-sized segments, not above sb_max', () => {
  assert.equal(roundToMss(65536, 1460, 2 * 1024 * 1024), 65700);
  assert.equal(roundToMss(65536, 1440, 2 * 1024 * 1024), 66240);
  assert.equal(roundToMss(65700, 1460, 2 * 1024 * 1024), 65700, 'already whole');
  assert.equal(roundToMss(1000, 1460, 2 * 1024 * 1024), 1000, 'no larger than one segment: unchanged');
  assert.equal(roundToMss(2 * 1024 * 1024, 1460, 2 * 1024 * 1024), 2 * 1024 * 1024, 'capped at sb_max');
});

test("profile 'freebsd': SO_RCVBUF 65536 → 65700 once the peer's MSS (1460) is known; SO_SNDBUF 32768 → 33580", () => {
  const cfg = resolveConfig({ profile: 'freebsd' });
  assert.equal(cfg.recvBufferSize, 65536);
  assert.equal(cfg.sendBufferSize, 32768);
  const { conn } = passiveEstablished(BSD);
  assert.equal(conn.recvBufferSize, 65700);
  assert.equal(conn.sendBufferSize, 33580);
  const plain = passiveEstablished({ recvBufferSize: 65536 });
  assert.equal(plain.conn.recvBufferSize, 65536, 'default config: no rounding');
});

test("profile 'freebsd': the window-scale shift is sized from sb_max (2 MiB → 6), not from the 64 KiB buffer", () => {
  const { conn } = passiveEstablished(BSD);
  assert.equal(conn.ourWscale, 6);
});

test("windowRule 'bsd': the window is the free buffer space (unscaled: capped at 65535), out-of-order data not counted", () => {
  const { layer, conn } = passiveEstablished(BSD);
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 99 }), 2);
  layer.receive(dg({ seq: 1200, ack: 5001, flags: ACK, payload: 100 }), 3);
  const ooo = layer.poll(3).at(-1)!;
  assert.equal(view(ooo).window, 65535, '65700 − 99 capped at 65535');
  layer.receive(dg({ seq: 1100, ack: 5001, flags: ACK, payload: 700 }), 4);
  const ack = layer.poll(4).at(-1)!;
  assert.equal(view(ack).ack, 1800);
  assert.equal(view(ack).window, 65700 - 799, 'the buffer less the 799 unread bytes');
  assert.equal(conn.readableLength, 799);
});

test("windowRule 'bsd' (RFC 1122 §4.2.3.3): a window below a quarter of the buffer and one MSS is offered as zero", () => {
  const { layer, conn } = passiveEstablished({ ...BSD, recvBufferSize: 4000 });
  assert.equal(conn.recvBufferSize, 4380, '3 × 1460');
  for (let i = 0; i < 3; i++) layer.receive(dg({ seq: 1001 + i * 1460, ack: 5001, flags: ACK, payload: 1460 }), 2 + i);
  assert.equal(view(layer.poll(5).at(-1)!).window, 0, 'full');
  conn.recv(500);
  assert.equal(conn.windowField(), 0, '500 bytes free: less than 1095 and 1460');
  conn.recv(700);
  assert.equal(conn.windowField(), 1200, 'a quarter of the buffer (1095) free: offered');
});

test("windowRule 'bsd': the acceptability test takes RCV.WND as the free buffer space (beyond an unscaled 65535)", () => {
  const { layer, conn } = passiveEstablished(BSD);
  // 65700 bytes of space: the last byte of a segment ending at RCV.NXT+65699 is acceptable.
  layer.receive(dg({ seq: 1001 + 65600, ack: 5001, flags: ACK, payload: 100 }), 2);
  assert.equal(conn.ooo.bytes, 100);
});

test("windowRule 'bsd': after a read, a window update is sent only when the window grows by 2 MSS and a quarter of the buffer, or half of it", () => {
  const { layer, conn } = passiveEstablished({ ...BSD, recvBufferSize: 8 * 1460 });
  for (let i = 0; i < 8; i++) layer.receive(dg({ seq: 1001 + i * 1460, ack: 5001, flags: ACK, payload: 1460 }), 2 + i);
  const acks = layer.poll(20);
  assert.ok(acks.length > 0, 'the full buffer is acknowledged');
  assert.equal(view(acks.at(-1)!).window, 0);
  conn.recv(1460);
  assert.deepEqual(layer.poll(21), [], 'one segment freed: no update');
  conn.recv(2 * 1460);
  const upd = layer.poll(22);
  assert.equal(upd.length, 1, 'three segments (≥ 2 MSS and ≥ a quarter of 11680) freed: update');
  assert.equal(view(upd[0]!).window, 3 * 1460);
});

test('finRepeat (BSD): in CLOSING the ACK of the peer\'s FIN repeats our unacknowledged FIN at its sequence number', () => {
  const { layer, conn } = passiveEstablished(BSD);
  conn.shutdown(2);
  const fin = layer.poll(2);
  assert.deepEqual(view(fin[0]!), { seq: 5001, ack: 1001, flags: 'FIN,ACK', len: 0, window: 65535 });
  layer.receive(dg({ seq: 1001, ack: 5001, flags: FIN | ACK }), 3);
  assert.equal(conn.state, 'CLOSING');
  assert.deepEqual(view(layer.poll(3)[0]!), { seq: 5001, ack: 1002, flags: 'FIN,ACK', len: 0, window: 65535 });
  const plain = passiveEstablished({});
  plain.conn.shutdown(2);
  plain.layer.poll(2);
  plain.layer.receive(dg({ seq: 1001, ack: 5001, flags: FIN | ACK }), 3);
  assert.deepEqual(view(plain.layer.poll(3)[0]!).flags, 'ACK', 'default: a plain ACK at SND.NXT');
});
