// TcpConfig.sendBufferRule (tcp/sndbuf-linux.ts): how much a write may queue and when a writer the
// send buffer stopped goes on. RFC 9293 §3.10.2 leaves both to the implementation; 'bytes' is the
// default, 'linux' is Linux's per-chunk accounting (the 'linux' profile).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, dg, passiveEstablished } from './tcp-helpers.js';
import { CHUNK_OVERHEAD, sendBufferUsed, sendWritable } from '../src/tcp/sndbuf-linux.js';

const IRS = 1000;
const ISS = 5000;

test("sendBufferRule 'bytes' (RFC 9293 §3.10.2): a write queues exactly the free buffer", () => {
  const { conn } = passiveEstablished({ sendBufferSize: 10_000, sendBufferAutoTune: false });
  assert.equal(conn.send(new Uint8Array(100_000), 2), 10_000);
  assert.equal(conn.send(new Uint8Array(100_000), 3), 0);
});

test("sendBufferRule 'linux': a started chunk is filled past the buffer, what the windows send at once is refilled, then the write stops", () => {
  const { layer, conn } = passiveEstablished({ sendBufferSize: 10_000, sendBufferAutoTune: false, sendBufferRule: 'linux' });
  const cwnd = Math.floor(conn.info.cwnd / 1460) * 1460;
  const goal = Math.floor(Math.floor(65535 / 2) / 1460) * 1460; // half the peer's window, whole segments
  const n = conn.send(new Uint8Array(200_000), 2);
  assert.equal(n, goal + Math.min(cwnd, goal), 'one size-goal chunk plus the window sent during the write');
  assert.ok(n > conn.sendBufferSize);
  assert.equal(conn.send(new Uint8Array(1000), 3), 0, 'no new chunk while the queue costs more than the buffer');
  layer.poll(3);
  assert.ok(sendBufferUsed(conn) >= n + CHUNK_OVERHEAD, 'every chunk costs its overhead');
});

test("sendBufferRule 'linux': a stopped writer goes on only when a third of the buffer is free", () => {
  const { layer, conn } = passiveEstablished({ sendBufferSize: 30_000, sendBufferAutoTune: false, sendBufferRule: 'linux' }, IRS, ISS, 20_000);
  const n = conn.send(new Uint8Array(100_000), 2) as number;
  assert.ok(n > 0 && n < 100_000);
  layer.poll(2);
  const sent = (): number => conn.sndNxt - (ISS + 1);
  // Acknowledge all but what keeps the queue above two thirds of the buffer: still stopped.
  let acked = 0;
  const ackTo = (bytes: number, now: number): void => {
    acked = bytes;
    layer.receive(dg({ seq: IRS + 1, ack: ISS + 1 + bytes, flags: ACK, window: 60_000 }), now);
    layer.poll(now);
  };
  ackTo(Math.min(sent(), n - 21_000), 10);
  assert.ok(sendBufferUsed(conn) > (2 * 30_000) / 3, `queue ${sendBufferUsed(conn)}`);
  assert.ok(conn.sendBuf.free > 0, 'bytes are free ...');
  assert.equal(sendWritable(conn), false, '... but not a third of the buffer');
  assert.equal(conn.send(new Uint8Array(1000), 11), 0);
  ackTo(Math.min(sent(), n - 10_000), 20);
  assert.ok(acked > 0);
  assert.equal(sendWritable(conn), true);
  assert.ok((conn.send(new Uint8Array(1000), 21) as number) > 0, 'the writer goes on');
});
