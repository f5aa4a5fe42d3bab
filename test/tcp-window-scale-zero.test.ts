// A receive buffer that fills under RFC 7323 window scaling: the scaled window reaches zero and
// reopens (window-scale.ts), the edge data is accepted up to never moves left, and auto-tuning is
// on by default and fills a long fat path (virtual time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ACK, LOCAL, SYN, dg, mkLayer } from './tcp-helpers.js';
import type { TcpConfig } from '../src/tcp/config.js';
import { DEFAULT_TCP_CONFIG } from '../src/tcp/config.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import type { TcpLayer } from '../src/tcp/layer.js';
import type { TcpDatagram } from '../src/stack/types.js';
import { seqAdd, seqDiff, seqGt, seqLe } from '../src/tcp/seq.js';
import { pathTransfer } from '../bench/tcpsim.js';

const IRS = 1000;
const ISS = 5000;

interface Rx {
  layer: TcpLayer;
  conn: TcpConnection;
  /** Next sequence number the peer sends. */
  next: number;
  now: number;
  /** Right edge (ACK + window << shift) of the last ACK seen, and every ACK's edge in order. */
  edges: number[];
  lastWindow: number;
}

/** A passive connection with window scaling on both sides (the peer offers shift 7). */
function open(config: Partial<TcpConfig>): Rx {
  const layer = mkLayer(LOCAL.address, { isn: () => ISS, timestamps: false, ...config });
  const l = layer.listen(LOCAL, 8, 0);
  assert.ok(l.ok);
  layer.receive(dg({ seq: IRS, flags: SYN, window: 65535, options: [{ kind: 'mss', mss: 1460 }, { kind: 'wscale', shift: 7 }] }), 0);
  layer.poll(0);
  layer.receive(dg({ seq: IRS + 1, ack: ISS + 1, flags: ACK, window: 4096 }), 1);
  const conn = l.value.accept();
  assert.ok(conn !== undefined);
  layer.poll(1);
  layer.pollEvents();
  return { layer, conn, next: IRS + 1, now: 1, edges: [], lastWindow: -1 };
}

/** Polls at `dt` ms later (delayed ACKs fire) and records the edge of every ACK sent. */
function step(rx: Rx, dt: number): TcpDatagram[] {
  rx.now += dt;
  const outs = rx.layer.poll(rx.now);
  for (const o of outs) {
    if ((o.seg.flags & ACK) === 0) continue;
    rx.lastWindow = o.seg.window;
    rx.edges.push(seqAdd(o.seg.ack, o.seg.window * 2 ** rx.conn.rcvWscale));
  }
  rx.layer.pollEvents();
  return outs;
}

/** The peer sends `len` bytes at rx.next (what it is allowed to, by the last edge, or a 1-byte probe). */
function peerSends(rx: Rx, len: number): number {
  const edge = rx.edges.at(-1) ?? seqAdd(rx.next, 65535);
  const room = Math.max(0, seqDiff(edge, rx.next));
  const n = room === 0 ? 1 : Math.min(len, room); // RFC 9293 §3.8.6.1: a zero window is probed with one octet
  rx.layer.receive(dg({ seq: rx.next, ack: ISS + 1, flags: ACK, window: 4096, payload: n }), rx.now);
  return n;
}

test('RFC 7323 §2.3 a full buffer with wscale 9 reaches a zero window and reopens', () => {
  // Auto-tuning on (the default) sizes the shift for recvBufferMax (16 MiB → 9: 512-byte units).
  const rx = open({ recvBufferSize: 20_000 });
  assert.equal(rx.conn.rcvWscale, 9);
  const limit = rx.conn.recvBufferSize;
  let zeroAt = -1;
  for (let i = 0; i < 200 && zeroAt < 0; i++) {
    const n = peerSends(rx, 1000); // not a multiple of the unit: RCV.NXT moves off the unit grid
    // RFC 9293 §3.10.7.4: text within the window advertised is taken, all of it.
    assert.equal(rx.conn.rcvNxt, seqAdd(rx.next, n), `segment ${i} of ${n} bytes not taken whole`);
    rx.next = rx.conn.rcvNxt;
    step(rx, 50);
    if (rx.lastWindow === 0) zeroAt = i;
  }
  assert.ok(zeroAt >= 0, `no zero window: last field ${rx.lastWindow}, ${rx.conn.recvBuf.length}/${limit} buffered`);
  assert.ok(rx.conn.recvBuf.length <= limit, 'never more buffered than the buffer holds');
  assert.equal(seqDiff(rx.conn.rcvNxt, IRS + 1), rx.conn.recvBuf.length, "every byte sent within a window was taken");
  assert.ok(seqDiff(rx.conn.rcvAdvEdge, rx.conn.rcvNxt) < 512, "less than one unit still promised: it rounds down to zero");
  // Zero-window probes (one octet each) while the reader is paused: still a zero window.
  for (let i = 0; i < 3; i++) {
    peerSends(rx, 1);
    step(rx, 50);
    assert.equal(rx.lastWindow, 0, 'the window stays shut while nothing is read');
  }
  // The reader drains the buffer: the window reopens with an update (RFC 9293 §3.8.6.2.2).
  while (rx.conn.recv() !== undefined);
  const outs = step(rx, 1);
  assert.ok(outs.length > 0, 'a window update is sent after the read');
  assert.ok(rx.lastWindow * 512 >= limit - 512, `reopened to ${rx.lastWindow} units`);
});

test('RFC 7323 §2.4 / RFC 9293 §3.8.6.2.2 (property): the accepted right edge never moves left, the advertised one retracts by less than one unit, and every byte sent within a window is taken', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 600, max: 200_000 }),
      fc.array(fc.record({ send: fc.integer({ min: 1, max: 1460 }), read: fc.integer({ min: 0, max: 6000 }), dt: fc.integer({ min: 0, max: 60 }) }), { minLength: 1, maxLength: 150 }),
      (bufSize, cmds) => {
        const rx = open({ recvBufferSize: bufSize });
        const unit = 2 ** rx.conn.rcvWscale;
        let accepted = rx.conn.rcvAdvEdge;
        for (const c of cmds) {
          const before = rx.conn.rcvNxt;
          const edge = rx.edges.at(-1);
          const n = peerSends(rx, c.send);
          const sentEnd = seqAdd(rx.next, n);
          if (edge !== undefined && seqLe(sentEnd, edge) && rx.next === before) {
            assert.equal(rx.conn.rcvNxt, sentEnd, 'text within the advertised window is taken whole');
          }
          rx.next = rx.conn.rcvNxt;
          if (c.read > 0) rx.conn.recv(c.read);
          const k = rx.edges.length;
          step(rx, c.dt);
          assert.ok(!seqGt(accepted, rx.conn.rcvAdvEdge), 'the edge data is accepted up to never moves left');
          accepted = rx.conn.rcvAdvEdge;
          for (let i = Math.max(1, k); i < rx.edges.length; i++) {
            const prev = rx.edges.slice(0, i).reduce((m, e) => (seqGt(e, m) ? e : m));
            const e = rx.edges[i]!;
            assert.ok(seqDiff(prev, e) < unit, `advertised edge retracted by ${seqDiff(prev, e)} ≥ ${unit}`);
            assert.ok(seqLe(e, rx.conn.rcvAdvEdge), 'no advertised edge beyond the accepted one');
          }
          assert.ok(rx.conn.recvBuf.length <= rx.conn.recvBufferSize, 'the buffer never holds more than its size');
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('buffer auto-tuning is on by default, and 1 Gbit/s × 50 ms RTT with no loss runs at ≥ 95 % of the link after slow start (virtual time)', () => {
  assert.equal(DEFAULT_TCP_CONFIG.recvBufferAutoTune, true);
  assert.equal(DEFAULT_TCP_CONFIG.sendBufferAutoTune, true);
  // Goodput between 50 % and 90 % of 32 MiB (slow start is over by then; the last RTT's tail is
  // left out), as a fraction of the link rate: at most 1448/1500 (headers) ≈ 96.5 %.
  const r = pathTransfer({ bytes: 32 << 20, delayMs: 25, rateMbps: 1000, loss: 0, seed: 1, tcp: {} }, 0.5, 0.9);
  assert.ok(r.tailMbps >= 950, `utilisation ${(r.tailMbps / 10).toFixed(1)} %`);
});
