// RFC 7323: window scaling (§2), timestamps (§3, §4) and PAWS (§5), one test per rule, on the
// TcpConfig switches `windowScaling` and `timestamps`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, LOCAL, REMOTE, SYN, bytes, dg, mkLayer, out, sha256, transfer } from './tcp-helpers.js';
import { PAWS_IDLE_MS, shiftFor } from '../src/tcp/rfc7323.js';
import type { TcpOption, TcpRepr } from '../src/wire/tcp-types.js';
import type { TcpLayer } from '../src/tcp/layer.js';
import { DEFAULT_TCP_CONFIG, type TcpConfig } from '../src/tcp/config.js';

const ON: Partial<TcpConfig> = { windowScaling: true, timestamps: true };

function opt<K extends TcpOption['kind']>(seg: TcpRepr, kind: K): Extract<TcpOption, { kind: K }> | undefined {
  return seg.options.find((o) => o.kind === kind) as Extract<TcpOption, { kind: K }> | undefined;
}

/** A listener on LOCAL receiving a SYN with `synOptions`; returns the layer and the SYN-ACK. */
function passive(config: Partial<TcpConfig>, synOptions: TcpOption[], now = 0): { layer: TcpLayer; synAck: TcpRepr } {
  const layer = mkLayer(LOCAL.address, config);
  const l = layer.listen(LOCAL, 8, now);
  assert.ok(l.ok);
  layer.receive(dg({ seq: 1000, flags: SYN, window: 65535, options: [{ kind: 'mss', mss: 1460 }, ...synOptions] }), now);
  const o = out(layer, now);
  assert.equal(o.length, 1);
  return { layer, synAck: o[0]!.seg };
}

test('RFC 7323 §2.2 the SYN offers a shift sized to the receive buffer, and its window is not scaled', () => {
  // A fixed buffer (with auto-tuning the shift is sized for recvBufferMax instead: below).
  const layer = mkLayer(LOCAL.address, { ...ON, recvBufferSize: 4 << 20, recvBufferAutoTune: false });
  const c = layer.connect({ address: REMOTE.address, port: 80 }, {}, 0);
  assert.ok(c.ok);
  const syn = out(layer, 0)[0]!.seg;
  assert.equal(opt(syn, 'wscale')?.shift, shiftFor(4 << 20));
  assert.equal(shiftFor(4 << 20), 7);
  const tuned = mkLayer(LOCAL.address, { ...ON, recvBufferSize: 4 << 20, recvBufferAutoTune: true });
  assert.ok(tuned.connect({ address: REMOTE.address, port: 80 }, {}, 0).ok);
  assert.equal(opt(out(tuned, 0)[0]!.seg, 'wscale')?.shift, shiftFor(DEFAULT_TCP_CONFIG.recvBufferMax), 'auto-tuned: room to grow to the cap');
  assert.equal(syn.window, 65535);
  assert.equal(opt(syn, 'timestamp')?.ecr, 0, '§3.2 TSecr is zero in a SYN');
  assert.equal(syn.options[0]?.kind, 'mss');
});

test('RFC 7323 §2.2 no wscale in the SYN-ACK when the SYN had none, and no scaling either way', () => {
  const layer = mkLayer(LOCAL.address, { ...ON, recvBufferSize: 1 << 20 });
  const l = layer.listen(LOCAL, 8, 0);
  assert.ok(l.ok);
  layer.receive(dg({ seq: 1000, flags: SYN, window: 65535, options: [{ kind: 'mss', mss: 1460 }] }), 0);
  const synAck = out(layer, 0)[0]!.seg;
  assert.equal(opt(synAck, 'wscale'), undefined);
  assert.equal(opt(synAck, 'timestamp'), undefined);
  assert.equal(synAck.window, 65535);
  layer.receive(dg({ seq: 1001, ack: synAck.seq + 1, flags: ACK, window: 100 }), 1);
  const c = l.value.accept();
  assert.ok(c !== undefined);
  assert.equal(c.sndWnd, 100);
  assert.equal(c.rcvWscale, 0);
  assert.equal(c.windowField(), 65535, 'window capped at 65535 without scaling');
});

test('RFC 7323 §2.3 peer shift 20 is clamped to 14 when scaling its windows', () => {
  const layer = mkLayer(LOCAL.address, ON);
  const c = layer.connect({ address: REMOTE.address, port: 80 }, {}, 0);
  assert.ok(c.ok);
  const syn = out(layer, 0)[0]!.seg;
  layer.receive(
    dg({ seq: 9000, ack: syn.seq + 1, flags: SYN | ACK, window: 1000, srcPort: 80, dstPort: syn.srcPort, options: [{ kind: 'mss', mss: 1460 }, { kind: 'wscale', shift: 20 }] }),
    1,
  );
  assert.equal(c.value.sndWscale, 14);
  assert.equal(c.value.sndWnd, 1000, '§2.2 the SYN-ACK window itself is not scaled');
  layer.receive(dg({ seq: 9001, ack: syn.seq + 1, flags: ACK, window: 3, srcPort: 80, dstPort: syn.srcPort }), 2);
  assert.equal(c.value.sndWnd, 3 * 2 ** 14);
});

test('RFC 7323 wscale with a 1 GiB window', () => {
  // The receiver offers a 1 GiB buffer (shift 14); 32 MiB cross a 1 Gbit/s, 100 ms RTT path and the
  // sender sees windows far beyond what an unscaled 16-bit field could say.
  const data = bytes(32 << 20, 11);
  const cfg = { ...ON, recvBufferSize: 1 << 30, sendBufferSize: 64 << 20 };
  const r = transfer({ seed: 3, delayMs: 50, rateMbps: 1000, trace: false, config: cfg }, data);
  assert.equal(sha256(r.received), sha256(data));
  assert.equal(r.client.sndWscale, 14);
  assert.equal(r.server?.rcvWscale, 14);
  assert.ok(r.client.maxSndWnd > 65535 * 2 ** 13, `peer window ${r.client.maxSndWnd} needs shift 14`);
  assert.ok(r.client.maxSndWnd <= 1 << 30);
});

test('RFC 7323 §2.4 the scaled window field never moves the right edge left by a scale unit or more', () => {
  const data = bytes(3_000_000, 5);
  const r = transfer({ seed: 4, delayMs: 2, rateMbps: 100, config: { ...ON, recvBufferSize: 300_000 } }, data, { readChunk: 65536, readEveryMs: 5 });
  assert.equal(sha256(r.received), sha256(data));
  // Every ACK from the server: the right edge (ack + window << shift) retracts by less than one
  // unit, and only when the buffer cannot take the rounded-up window (window-scale.ts); the edge
  // the server accepts data up to (rcvAdvEdge) never moves left (tcp-window-scale-zero.test.ts).
  const unit = 2 ** r.server!.rcvWscale;
  let edge = -Infinity;
  for (const t of r.pair.trace) {
    if (t.from !== 'b' || (t.dgram.seg.flags & SYN) !== 0 || (t.dgram.seg.flags & ACK) === 0) continue;
    const e = t.dgram.seg.ack + t.dgram.seg.window * 2 ** r.server!.rcvWscale;
    assert.ok(e > edge - unit, `right edge moved left: ${e} < ${edge}`);
    edge = Math.max(edge, e);
  }
});

test('RFC 7323 §3.2 timestamps in every non-SYN segment once negotiated, and TSecr echoes TS.Recent', () => {
  const r = transfer({ seed: 2, delayMs: 5, config: ON }, bytes(50_000));
  const segs = r.pair.trace.filter((t) => (t.dgram.seg.flags & 0x04) === 0);
  assert.ok(segs.length > 10);
  for (const t of segs) assert.ok(opt(t.dgram.seg, 'timestamp') !== undefined, 'TSopt present');
  // the SYN-ACK echoes the SYN's TSval
  const syn = segs.find((t) => t.dgram.seg.flags === SYN)!.dgram.seg;
  const synAck = segs.find((t) => t.dgram.seg.flags === (SYN | ACK))!.dgram.seg;
  assert.equal(opt(synAck, 'timestamp')!.ecr, opt(syn, 'timestamp')!.val);
  // data segments are MSS − 12 bytes (RFC 6691: room for the option)
  assert.equal(Math.max(...segs.map((t) => t.dgram.seg.payload.length)), 1460 - 12);
});

test('RFC 7323 §3.2 only one side enabling timestamps means none are sent', () => {
  const r = transfer({ seed: 2, delayMs: 5, a: { config: ON }, b: { config: { windowScaling: true, timestamps: false } } }, bytes(20_000));
  const after = r.pair.trace.filter((t) => (t.dgram.seg.flags & SYN) === 0);
  assert.ok(after.every((t) => opt(t.dgram.seg, 'timestamp') === undefined));
  assert.equal(r.client.tsOk, false);
  assert.equal(r.client.wsOk, true);
});

test('RFC 7323 §4.1 RTT measured from TSecr even for ACKs of retransmitted data', () => {
  const r = transfer({ seed: 12, loss: 0.05, delayMs: 20, config: ON }, bytes(300_000, 2));
  assert.ok(r.client.stats.retransmittedSegments > 0);
  const srtt = r.client.rtt.srtt!;
  assert.ok(srtt >= 38 && srtt < 200, `srtt ${srtt} close to the 40 ms path RTT`);
});

function establishedWithTs(now: number): { layer: TcpLayer; ourTs: number; iss: number } {
  const { layer, synAck } = passive(ON, [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val: 500, ecr: 0 }], now);
  const ts = opt(synAck, 'timestamp')!;
  assert.equal(ts.ecr, 500);
  layer.receive(dg({ seq: 1001, ack: synAck.seq + 1, flags: ACK, options: [{ kind: 'timestamp', val: 501, ecr: ts.val }] }), now + 1);
  out(layer, now + 1);
  return { layer, ourTs: ts.val, iss: synAck.seq };
}

test('RFC 7323 §5.3 PAWS: a segment with an older TSval is dropped and answered with an ACK', () => {
  const { layer, ourTs, iss } = establishedWithTs(0);
  layer.receive(dg({ seq: 1001, ack: iss + 1, flags: ACK, payload: 100, options: [{ kind: 'timestamp', val: 600, ecr: ourTs }] }), 2);
  const c = out(layer, 100);
  assert.ok(c.length >= 1);
  assert.equal(c[c.length - 1]!.seg.ack, 1101);
  // an old duplicate (TSval 550 < TS.Recent 600) for the next bytes: dropped, ACK repeats 1101
  layer.receive(dg({ seq: 1101, ack: iss + 1, flags: ACK, payload: 100, options: [{ kind: 'timestamp', val: 550, ecr: ourTs }] }), 101);
  const d = out(layer, 101);
  assert.equal(d.length, 1);
  assert.equal(d[0]!.seg.ack, 1101, 'the old segment was not accepted');
  assert.equal(opt(d[0]!.seg, 'timestamp')!.ecr, 600, 'TS.Recent unchanged');
});

test('RFC 7323 §5.5 after 24 days idle TS.Recent is invalid and an older TSval is accepted', () => {
  const { layer, ourTs, iss } = establishedWithTs(0);
  layer.receive(dg({ seq: 1001, ack: iss + 1, flags: ACK, payload: 100, options: [{ kind: 'timestamp', val: 600, ecr: ourTs }] }), 2);
  out(layer, 100);
  const later = 2 + PAWS_IDLE_MS + 1000;
  layer.receive(dg({ seq: 1101, ack: iss + 1, flags: ACK, payload: 100, options: [{ kind: 'timestamp', val: 10, ecr: ourTs }] }), later);
  const d = out(layer, later + 100);
  assert.equal(d[d.length - 1]!.seg.ack, 1201, 'accepted');
});

test('RFC 7323 §3.2 a non-RST segment without a TSopt is dropped once timestamps are in use', () => {
  const { layer, iss } = establishedWithTs(0);
  layer.receive(dg({ seq: 1001, ack: iss + 1, flags: ACK, payload: 100 }), 2);
  assert.equal(out(layer, 200).length, 0);
});

test('RFC 7323 transfers with loss, reordering and duplication arrive intact with both options on', () => {
  const data = bytes(400_000, 9);
  const r = transfer({ seed: 5, loss: 0.02, reorder: 0.05, duplicate: 0.05, delayMs: 5, config: ON }, data);
  assert.equal(sha256(r.received), sha256(data));
  assert.equal(r.client.state, 'CLOSED');
});

test('RFC 7323 §4.3 / RFC 6298 §3 (Karn) after a timeout: an ACK of the resent data echoing an older TSval gives no RTT sample', () => {
  const layer = mkLayer(LOCAL.address, ON);
  const l = layer.listen(LOCAL, 8, 0);
  assert.ok(l.ok);
  layer.receive(dg({ seq: 1000, flags: SYN, window: 65535, options: [{ kind: 'mss', mss: 1460 }, { kind: 'timestamp', val: 500, ecr: 0 }] }), 0);
  const synAck = out(layer, 0)[0]!.seg;
  const ts = opt(synAck, 'timestamp')!;
  layer.receive(dg({ seq: 1001, ack: synAck.seq + 1, flags: ACK, options: [{ kind: 'timestamp', val: 501, ecr: ts.val }] }), 2);
  out(layer, 2);
  const conn = l.value.accept()!;
  const srtt = conn.rtt.srtt!;
  assert.ok(srtt <= 2, `handshake RTT ${srtt}`);
  conn.send(new Uint8Array(1000), 10);
  assert.equal(out(layer, 10).length, 1);
  const rtoAt = layer.pollAt()!;
  const rexmit = out(layer, rtoAt);
  assert.equal(rexmit[0]!.seg.payload.length, 1000, 'the RTO resends the data');
  assert.equal(conn.rtt.backoffs, 1);
  // The peer's TS.Recent still holds a TSval from long before (RFC 7323 §4.3: a hole, a pure ACK):
  // its ACK echoes our SYN-ACK's TSval, 5 s old. That is not the RTT of the resent data.
  layer.receive(dg({ seq: 1001, ack: synAck.seq + 1001, flags: ACK, options: [{ kind: 'timestamp', val: 600, ecr: ts.val }] }), 5000);
  assert.equal(conn.sndUna, synAck.seq + 1001);
  assert.equal(conn.rtt.srtt, srtt, 'no sample from the stale echo');
  // Data sent after the timeout is timed as usual and clears the backoff.
  conn.send(new Uint8Array(100), 5001);
  const seg = out(layer, 5001)[0]!.seg;
  layer.receive(dg({ seq: 1001, ack: synAck.seq + 1101, flags: ACK, options: [{ kind: 'timestamp', val: 601, ecr: opt(seg, 'timestamp')!.val }] }), 5003);
  assert.equal(conn.rtt.backoffs, 0);
  assert.ok(conn.rtt.srtt! < 3, `srtt ${conn.rtt.srtt}`);
});
