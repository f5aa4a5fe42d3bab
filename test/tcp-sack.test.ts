// RFC 2018 SACK, RFC 2883 D-SACK and RFC 6675 SACK-based loss recovery, on the TcpConfig switch `sack`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, LOCAL, SYN, bytes, dg, mkLayer, out, sha256, transfer } from './tcp-helpers.js';
import { Scoreboard } from '../src/tcp/sack.js';
import type { TcpOption, TcpRepr } from '../src/wire/tcp-types.js';
import type { TcpConfig } from '../src/tcp/config.js';

const SACK: Partial<TcpConfig> = { sack: true };

function sackOf(seg: TcpRepr): Array<[number, number]> | undefined {
  return (seg.options.find((o) => o.kind === 'sack') as Extract<TcpOption, { kind: 'sack' }> | undefined)?.blocks;
}

/** A server connection on LOCAL, established with a peer whose SYN offered SACK (and `extra`). */
function established(config: Partial<TcpConfig>, extra: TcpOption[] = []) {
  const layer = mkLayer(LOCAL.address, { ...config, isn: () => 5000 });
  const l = layer.listen(LOCAL, 8, 0);
  assert.ok(l.ok);
  layer.receive(dg({ seq: 1000, flags: SYN, options: [{ kind: 'mss', mss: 1000 }, { kind: 'sackPermitted' }, ...extra] }), 0);
  const synAck = out(layer, 0)[0]!.seg;
  const ts: TcpOption[] = extra.some((o) => o.kind === 'timestamp') ? [{ kind: 'timestamp', val: 2, ecr: 0 }] : [];
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, options: ts }), 1);
  const conn = l.value.accept();
  assert.ok(conn !== undefined);
  out(layer, 1);
  return { layer, conn, synAck };
}

test('RFC 2018 §2 SACK-permitted in the SYN-ACK only when the SYN offered it', () => {
  const { synAck, conn } = established({ ...SACK, timestamps: false });
  assert.ok(synAck.options.some((o) => o.kind === 'sackPermitted'));
  assert.equal(conn.sackOk, true);
  const layer = mkLayer(LOCAL.address, SACK);
  assert.ok(layer.listen(LOCAL, 8, 0).ok);
  layer.receive(dg({ seq: 1000, flags: SYN, options: [{ kind: 'mss', mss: 1000 }] }), 0);
  assert.ok(!out(layer, 0)[0]!.seg.options.some((o) => o.kind === 'sackPermitted'));
});

test('RFC 2018 §4 SACK blocks after reordering: the most recent block first, then the others', () => {
  const { layer } = established({ ...SACK, timestamps: false });
  // RCV.NXT = 1001. Segments arrive 3001–4000, then 5001–6000, then 2001–3000 (joins the first block).
  layer.receive(dg({ seq: 3001, ack: 5001, flags: ACK, payload: 1000 }), 2);
  let a = out(layer, 2).at(-1)!.seg;
  assert.equal(a.ack, 1001);
  assert.deepEqual(sackOf(a), [[3001, 4001]]);
  layer.receive(dg({ seq: 5001, ack: 5001, flags: ACK, payload: 1000 }), 3);
  a = out(layer, 3).at(-1)!.seg;
  assert.deepEqual(sackOf(a), [[5001, 6001], [3001, 4001]]);
  layer.receive(dg({ seq: 2001, ack: 5001, flags: ACK, payload: 1000 }), 4);
  a = out(layer, 4).at(-1)!.seg;
  assert.deepEqual(sackOf(a), [[2001, 4001], [5001, 6001]]);
  // the hole 1001–2000 is filled: cumulative ACK moves to 4001, only 5001–6001 remains
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 1000 }), 5);
  a = out(layer, 5).at(-1)!.seg;
  assert.equal(a.ack, 4001);
  assert.deepEqual(sackOf(a), [[5001, 6001]]);
});

test('RFC 2018 §3 at most 3 blocks beside the timestamp option (4 without)', () => {
  for (const ts of [false, true]) {
    const { layer } = established({ ...SACK, timestamps: ts }, ts ? [{ kind: 'timestamp', val: 1, ecr: 0 }] : []);
    const tsOpt: TcpOption[] = ts ? [{ kind: 'timestamp', val: 2, ecr: 0 }] : [];
    let last: TcpRepr | undefined;
    for (let i = 0; i < 6; i++) {
      layer.receive(dg({ seq: 2001 + 2000 * i, ack: 5001, flags: ACK, payload: 1000, options: tsOpt }), 2 + i);
      last = out(layer, 2 + i).at(-1)!.seg;
    }
    assert.equal(sackOf(last!)!.length, ts ? 3 : 4);
    assert.deepEqual(sackOf(last!)![0], [12001, 13001], 'newest first');
  }
});

test('RFC 2883 §4 D-SACK: a duplicate below RCV.NXT is reported in the first block', () => {
  const { layer } = established({ ...SACK, timestamps: false });
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 1000 }), 2);
  out(layer, 100);
  layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 1000 }), 101);
  const a = out(layer, 101).at(-1)!.seg;
  assert.equal(a.ack, 2001);
  assert.deepEqual(sackOf(a), [[1001, 2001]]);
  // reported once
  layer.receive(dg({ seq: 2001, ack: 5001, flags: ACK, payload: 10 }), 102);
  const b = out(layer, 400);
  assert.ok(b.every((d) => sackOf(d.seg) === undefined));
});

test('RFC 2883 §4 D-SACK: a duplicate of held out-of-order data comes first, then its SACK block', () => {
  const { layer } = established({ ...SACK, timestamps: false });
  layer.receive(dg({ seq: 3001, ack: 5001, flags: ACK, payload: 1000 }), 2);
  out(layer, 2);
  layer.receive(dg({ seq: 3001, ack: 5001, flags: ACK, payload: 1000 }), 3);
  assert.deepEqual(sackOf(out(layer, 3).at(-1)!.seg), [[3001, 4001], [3001, 4001]]);
});

test('RFC 6675 §4 scoreboard: IsLost, pipe and NextSeg', () => {
  const sb = new Scoreboard();
  const una = 100_000;
  // 10 segments of 1000 in flight; the peer SACKs 2000–3000 and 4000–7000
  assert.equal(sb.update([[una + 2000, una + 3000], [una + 4000, una + 7000]], una, una + 10_000), true);
  assert.equal(sb.isLost(0, 1000, 3), true, '> 2·SMSS SACKed above');
  assert.equal(sb.isLost(3000, 1000, 3), true, '3000 bytes SACKed above: more than 2·SMSS');
  assert.equal(sb.isLost(6000, 1000, 3), false, 'only 999 bytes SACKed above');
  assert.deepEqual(sb.nextSeg(1000, 3, false), [0, 1000]);
  // pipe: hole 0–2000 lost (0), hole 3000–4000 not lost? 3000 bytes SACKed above → lost; tail 7000–10000 counts
  assert.equal(sb.pipe(10_000, 1000, 3), 3000);
  sb.retransmitted(1000);
  assert.equal(sb.pipe(10_000, 1000, 3), 4000, 'a retransmission counts in pipe');
  assert.deepEqual(sb.nextSeg(1000, 3, false), [1000, 1000]);
  sb.advance(3000);
  assert.deepEqual([sb.starts, sb.ends], [[1000], [4000]]);
  // D-SACK blocks below SND.UNA are ignored
  assert.equal(sb.update([[una, una + 1000]], una + 3000, una + 10_000), false);
});

test('RFC 6675 five losses in one window: SACK recovers in about one RTT, NewReno needs one RTT per loss', () => {
  const data = bytes(1_000_000, 21);
  const lost = new Set([40, 42, 44, 46, 48]);
  const run = (sack: boolean) => {
    let i = 0;
    return transfer(
      {
        seed: 1,
        delayMs: 25,
        rateMbps: 100,
        trace: false,
        config: { sack },
        impair: (d, ctx) => (ctx.from.name === 'a' && d.seg.payload.length > 0 && lost.has(i++) ? 'drop' : undefined),
      },
      data,
    );
  };
  const plain = run(false);
  const sack = run(true);
  assert.equal(sha256(sack.received), sha256(data));
  assert.equal(sha256(plain.received), sha256(data));
  assert.equal(sack.client.stats.fastRetransmits, 1, 'one recovery episode');
  assert.equal(sack.client.stats.retransmittedSegments, 5, 'exactly the five holes are resent');
  assert.equal(sack.client.stats.rtoExpirations, 0);
  assert.ok(sack.doneAt! + 3 * 50 < plain.doneAt!, `SACK done at ${sack.doneAt} ms, NewReno at ${plain.doneAt} ms`);
});

test('RFC 6675 transfer with 1 % loss both ways arrives intact', () => {
  const data = bytes(1_000_000, 22);
  const r = transfer({ seed: 31, loss: 0.01, delayMs: 10, rateMbps: 100, trace: false, config: SACK }, data);
  assert.equal(sha256(r.received), sha256(data));
  assert.equal(r.client.sackOk, true);
  assert.ok(r.client.stats.fastRetransmits > 0);
});

test('RFC 6675 transfers with heavy loss, reordering and duplication arrive intact', () => {
  for (const seed of [1, 2, 3]) {
    const data = bytes(300_000, seed);
    const r = transfer({ seed, loss: 0.05, reorder: 0.05, duplicate: 0.05, delayMs: 5, config: SACK }, data);
    assert.equal(sha256(r.received), sha256(data));
    assert.equal(r.client.state, 'CLOSED');
  }
});
