// The demo page's engine, run in Node: two real stacks on a virtual clock (web/run.ts), the trace
// built from the IP packets they exchange (web/recorder.ts), the choice of what the ladder draws
// (web/ladder-view.ts), the pacing of the animation (web/player.ts) and the control parsing
// (web/params.ts). The browser test (web-page.test.ts) checks the same code bundled in a page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildIpPacket } from '../src/wire/build.js';
import { TcpFlag, type TcpRepr } from '../src/wire/tcp-types.js';
import { seriesFromTrace } from '../src/viz/series.js';
import type { SegmentEntry, TraceEntry } from '../src/viz/trace.js';
import { LadderSelector } from '../web/ladder-view.js';
import { formatSize, parseParams, parseSize, paramText, paramTextFromQuery, DEFAULT_PARAMS, type RunParams } from '../web/params.js';
import { Player } from '../web/player.js';
import { TraceRecorder } from '../web/recorder.js';
import { CLIENT_ADDRESS, DemoRun, SERVER_ADDRESS } from '../web/run.js';

const { SYN, ACK, FIN } = TcpFlag;

function params(p: Partial<RunParams>): RunParams {
  return { ...DEFAULT_PARAMS, ...p };
}

function segments(entries: readonly TraceEntry[]): SegmentEntry[] {
  return entries.filter((e): e is SegmentEntry => e.kind === 'segment');
}

function finished(p: Partial<RunParams>): DemoRun {
  const run = new DemoRun(params(p));
  run.runToEnd();
  return run;
}

// ---- params -----------------------------------------------------------------------------------

test('params: sizes with binary units, and back', () => {
  assert.equal(parseSize('1500'), 1500);
  assert.equal(parseSize('64k'), 65536);
  assert.equal(parseSize('1.5 MB'), 1572864);
  assert.equal(parseSize('2MiB'), 2097152);
  assert.equal(parseSize('12 parsecs'), undefined);
  assert.equal(parseSize('-5'), undefined);
  assert.equal(parseSize(''), undefined);
  assert.equal(formatSize(65536), '64k');
  assert.equal(formatSize(1048576), '1M');
  assert.equal(formatSize(1500), '1500');
  const back = parseParams(paramText(DEFAULT_PARAMS));
  assert.ok(back.ok);
  assert.deepEqual(back.params, DEFAULT_PARAMS);
});

test('params: each bad field is named with what is wrong, nothing throws', () => {
  const r = parseParams({ loss: '60', delay: 'soon', rate: '10', bytes: '0', seed: '1.5' });
  assert.ok(!r.ok);
  assert.deepEqual(r.problems, { loss: 'range', delay: 'number', bytes: 'range', seed: 'integer' });
  const q = paramTextFromQuery('?loss=2&bytes=1M&junk=1', paramText(DEFAULT_PARAMS));
  assert.equal(q.loss, '2');
  assert.equal(q.bytes, '1M');
  assert.equal(q.delay, paramText(DEFAULT_PARAMS).delay);
  const ok = parseParams(q);
  assert.ok(ok.ok);
  assert.equal(ok.params.loss, 0.02);
  assert.equal(ok.params.bytes, 1 << 20);
});

// ---- recorder ---------------------------------------------------------------------------------

test('recorder: RFC 7323 §2.2 window scaling applies after both SYNs carried the option, never to a SYN', () => {
  const rec = new TraceRecorder({ name: 'client', address: '10.0.0.1' }, { name: 'server', address: '10.0.0.2' });
  const pkt = (src: string, dst: string, tcp: Partial<TcpRepr>): Uint8Array => buildIpPacket({ src, dst, tcp });
  const syn = rec.packet(pkt('10.0.0.1', '10.0.0.2', { seq: 100, flags: SYN, window: 1000, options: [{ kind: 'wscale', shift: 7 }] }), 0)!;
  const synAck = rec.packet(pkt('10.0.0.2', '10.0.0.1', { seq: 500, ack: 101, flags: SYN | ACK, window: 2000, options: [{ kind: 'wscale', shift: 2 }, { kind: 'mss', mss: 1460 }] }), 1)!;
  const ack = rec.packet(pkt('10.0.0.1', '10.0.0.2', { seq: 101, ack: 501, flags: ACK, window: 100 }), 2)!;
  const data = rec.packet(pkt('10.0.0.2', '10.0.0.1', { seq: 501, ack: 101, flags: ACK, window: 100, payload: new Uint8Array(10) }), 3)!;
  assert.equal(syn.window, 1000);
  assert.equal(synAck.window, 2000);
  assert.equal(synAck.options, 'ws=2,mss=1460');
  assert.equal(ack.window, 100 * 128);
  assert.equal(data.window, 100 * 4);
  assert.equal(data.len, 10);
  assert.equal(data.from, 1);

  const one = new TraceRecorder({ name: 'client', address: '10.0.0.1' }, { name: 'server', address: '10.0.0.2' });
  one.packet(pkt('10.0.0.1', '10.0.0.2', { seq: 1, flags: SYN, options: [{ kind: 'wscale', shift: 7 }] }), 0);
  one.packet(pkt('10.0.0.2', '10.0.0.1', { seq: 9, ack: 2, flags: SYN | ACK }), 1);
  assert.equal(one.packet(pkt('10.0.0.1', '10.0.0.2', { seq: 2, ack: 10, flags: ACK, window: 100 }), 2)!.window, 100, 'one-sided option: no scaling');
});

test('recorder: a segment re-sending sequence space already sent is a retransmission; others are not', () => {
  const rec = new TraceRecorder({ name: 'client', address: '10.0.0.1' }, { name: 'server', address: '10.0.0.2' });
  const send = (seq: number, len: number, flags: number = ACK): SegmentEntry =>
    rec.packet(buildIpPacket({ src: '10.0.0.1', dst: '10.0.0.2', tcp: { seq, ack: 1, flags, payload: new Uint8Array(len) } }), 0)!;
  assert.equal(send(0xfffffff0, 0, SYN).retransmission, undefined);
  assert.equal(send(0xfffffff0, 0, SYN).retransmission, true, 'second SYN');
  assert.equal(send(0xfffffff1, 100).retransmission, undefined, 'first data, across the 2^32 wrap');
  assert.equal(send(0xfffffff1 + 100 - 2 ** 32, 100).retransmission, undefined);
  assert.equal(send(0xfffffff1, 100).retransmission, true, 'same range again');
  assert.equal(send(0xfffffff1 + 200 - 2 ** 32, 0).retransmission, undefined, 'a pure ACK never is');
  assert.equal(rec.trace.entries.length, 6);
  const udp = buildIpPacket({ src: '10.0.0.1', dst: '10.0.0.2', udp: { srcPort: 1, dstPort: 2, payload: new Uint8Array(3) } });
  assert.equal(rec.packet(udp, 9), undefined);
  assert.equal(rec.packet(new Uint8Array([0x45, 0, 0]), 9), undefined, 'truncated bytes: no segment, no throw');
  assert.equal(rec.trace.entries.length, 6);
});

// ---- a whole run ------------------------------------------------------------------------------

test('run: RFC 9293 §3.5 handshake, data and close between two real stacks, every byte checked', () => {
  const run = finished({ loss: 0, bytes: 20_000, seed: 3 });
  assert.deepEqual(run.outcome, { kind: 'done' });
  const s = run.stats();
  assert.equal(s.bytesReceived, 20_000);
  assert.equal(s.corruptBytes, 0);
  assert.equal(s.retransmissions, 0);
  assert.equal(s.lost, 0);
  const segs = segments(run.recorder.trace.entries);
  const [syn, synAck, ack] = segs;
  assert.ok(syn && synAck && ack);
  assert.equal(syn.flags & (SYN | ACK), SYN);
  assert.equal(synAck.flags & (SYN | ACK), SYN | ACK);
  assert.equal(synAck.ack, (syn.seq + 1) >>> 0, 'SYN-ACK acknowledges ISN+1');
  assert.equal(ack.ack, (synAck.seq + 1) >>> 0);
  assert.equal(syn.from, 0);
  assert.equal(synAck.from, 1);
  const data = segs.filter((e) => e.from === 0 && e.len > 0).reduce((n, e) => n + e.len, 0);
  assert.equal(data, 20_000, 'payload on the wire adds up to the stream');
  assert.equal(segs.filter((e) => (e.flags & FIN) !== 0).length, 2, 'one FIN each way');

  const states = (side: 0 | 1): string[] => run.recorder.trace.entries.flatMap((e) => (e.kind === 'state' && e.side === side ? [e.state] : []));
  assert.deepEqual(states(0), ['SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT']);
  assert.deepEqual(states(1), ['LISTEN', 'SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSED']);
  // A state change is recorded before the segment it causes.
  const idx = (pred: (e: TraceEntry) => boolean): number => run.recorder.trace.entries.findIndex(pred);
  assert.ok(idx((e) => e.kind === 'state' && e.side === 0 && e.state === 'SYN-SENT') < idx((e) => e === syn));
  assert.ok(idx((e) => e.kind === 'state' && e.side === 0 && e.state === 'ESTABLISHED') < idx((e) => e === ack));
  assert.ok(idx((e) => e.kind === 'state' && e.side === 1 && e.state === 'LISTEN') < idx((e) => e === syn));
  for (const e of segs) {
    assert.ok(e.tArrive !== undefined && e.tArrive >= e.t + run.params.delayMs, 'each segment arrives one delay later or more');
  }
});

test('run: the same seed replays the same run, packet for packet; another seed differs', () => {
  const p = { loss: 0.05, bytes: 60_000, delayMs: 5, rateMbps: 20 };
  const a = finished({ ...p, seed: 7 });
  const b = finished({ ...p, seed: 7 });
  const c = finished({ ...p, seed: 8 });
  assert.equal(a.outcome.kind, 'done');
  assert.deepEqual(b.recorder.trace, a.recorder.trace);
  assert.deepEqual(b.cc, a.cc);
  assert.notDeepEqual(c.recorder.trace, a.recorder.trace);
});

test('run: lost segments are the link drops, never arrive, and are retransmitted (RFC 5681, RFC 6298)', () => {
  const run = finished({ loss: 0.06, bytes: 150_000, delayMs: 10, rateMbps: 50, seed: 11 });
  assert.equal(run.outcome.kind, 'done', JSON.stringify(run.outcome));
  const s = run.stats();
  assert.equal(s.bytesReceived, 150_000);
  assert.equal(s.corruptBytes, 0);
  const segs = segments(run.recorder.trace.entries);
  const lost = segs.filter((e) => e.lost === true);
  assert.ok(lost.length > 0, 'a 6 % loss rate drops something');
  assert.equal(lost.length, s.lost);
  assert.ok(lost.every((e) => e.tArrive === undefined));
  assert.ok(segs.filter((e) => e.lost !== true).every((e) => e.tArrive !== undefined));
  const retx = segs.filter((e) => e.retransmission === true);
  assert.equal(retx.length, s.retransmissions);
  const lostData = lost.filter((e) => e.from === 0 && e.len > 0);
  for (const l of lostData) {
    assert.ok(
      retx.some((r) => r.from === 0 && r.t > l.t && ((r.seq - l.seq) | 0) <= 0 && ((r.seq + r.len - l.seq) | 0) > 0),
      `lost data at seq ${l.seq} is sent again later`,
    );
  }
});

test('ladder view: the opening, 8 data segments and the close; the rest counted in notes', () => {
  // 220 kB: the close (client FIN to server FIN) fits the 24 segments the ladder keeps for it.
  const run = finished({ loss: 0, bytes: 220_000, delayMs: 5, rateMbps: 100, seed: 5 });
  assert.equal(run.outcome.kind, 'done');
  const all = segments(run.recorder.trace.entries);
  const shown = segments(run.ladder.entries);
  assert.equal(run.ladder.shown, shown.length);
  assert.equal(run.ladder.shown + run.ladder.omitted, all.length);
  assert.ok(run.ladder.omitted > 100);
  const firstData = shown.findIndex((e) => e.len > 0);
  assert.equal(firstData, 3, 'SYN, SYN-ACK, ACK come first');
  const firstFin = shown.findIndex((e) => (e.flags & FIN) !== 0);
  assert.equal(firstFin - firstData, 8, 'eight data-phase segments before the close');
  assert.equal(shown.filter((e) => (e.flags & FIN) !== 0).length, 2, 'both FINs drawn');
  assert.ok(shown.length <= 3 + 8 + 24);
  const notes = run.ladder.entries.flatMap((e) => (e.kind === 'note' ? [typeof e.text === 'string' ? e.text : e.text.en] : []));
  assert.ok(notes.includes('client application: all 220,000 bytes written; shutdown() — TCP sends its FIN after the data still queued'));
  const gaps = notes.flatMap((n) => {
    const m = /^… ([\d,]+) more segments? not drawn here \(all of them are in the time-sequence plot\) …$/.exec(n);
    return m === null ? [] : [Number(m[1]!.replace(/,/g, ''))];
  });
  assert.equal(gaps.length + 1, notes.length, 'every other note counts left-out segments');
  assert.equal(gaps.reduce((a, b) => a + b, 0), run.ladder.omitted);
  // Every state change is drawn, in the order it happened.
  assert.deepEqual(
    run.ladder.entries.filter((e) => e.kind === 'state'),
    run.recorder.trace.entries.filter((e) => e.kind === 'state'),
  );
  // The plot gets the whole stream.
  const series = seriesFromTrace(run.recorder.trace, 0);
  assert.equal(Math.max(...series.segments.map((x) => x.end)), 220_000);
  assert.ok(Math.max(...series.acks.map((x) => x.ack)) >= 220_000);
  assert.ok(run.cc.length > 0 && run.cc.every((c) => c.cwnd > 0));
});

test('ladder view: a state change early in a run of left-out segments is drawn before its note; later it splits the note', () => {
  const sel = new LadderSelector({ dataSegments: 1, closeSegments: 1 });
  const seg = (t: number, len: number, flags: number = ACK): SegmentEntry => ({ kind: 'segment', t, from: 0, seq: t, ack: 0, flags, len, window: 0 });
  assert.equal(sel.add(seg(0, 0, SYN)), true);
  assert.equal(sel.add(seg(1, 10)), true);
  assert.equal(sel.collecting, false);
  assert.equal(sel.add(seg(2, 10)), false);
  assert.equal(sel.add({ kind: 'state', t: 3, side: 1, state: 'ESTABLISHED' }), true);
  assert.equal(sel.add(seg(4, 10)), false);
  assert.equal(sel.add(seg(5, 0, FIN | ACK)), true);
  assert.equal(sel.add(seg(6, 0)), false);
  assert.deepEqual(
    sel.entries.map((e) => (e.kind === 'note' ? `note:${typeof e.text === 'string' ? e.text : e.text.en.split(' ')[1]}` : `${e.kind}@${e.t}`)),
    ['segment@0', 'segment@1', 'state@3', 'note:2', 'segment@5', 'note:1'],
  );
  assert.equal(sel.omitted, 3);

  const big = new LadderSelector({ dataSegments: 1, closeSegments: 1 });
  big.add(seg(0, 10));
  for (let t = 1; t <= 20; t++) big.add(seg(t, 10));
  big.add({ kind: 'state', t: 21, side: 0, state: 'FIN-WAIT-1' });
  for (let t = 22; t <= 24; t++) big.add(seg(t, 10));
  assert.deepEqual(
    big.entries.map((e) => (e.kind === 'note' ? `note:${typeof e.text === 'string' ? e.text : e.text.en.split(' ')[1]}` : `${e.kind}@${e.t}`)),
    ['segment@0', 'note:20', 'state@21', 'note:3'],
  );
  assert.equal(big.omitted, 23);
});

// ---- pacing -----------------------------------------------------------------------------------

test('player: each new arrow gets its own frame and stays a while; the run still finishes', () => {
  const run = new DemoRun(params({ loss: 0, bytes: 40_000, delayMs: 10, rateMbps: 0, seed: 2 }));
  let wall = 0;
  const player = new Player(run, () => wall);
  const arrowsShown = (): number => segments(run.ladder.entries.slice(0, player.revealed)).length;
  let frames = 0;
  let maxPerFrame = 0;
  let prev = 0;
  while (!player.finished && frames < 20_000) {
    wall += 16;
    const r = player.tick(wall);
    const now = arrowsShown();
    maxPerFrame = Math.max(maxPerFrame, now - prev);
    assert.equal(r.ladderChanged || now === prev, true);
    prev = now;
    frames++;
  }
  assert.equal(run.outcome.kind, 'done');
  assert.equal(player.revealed, run.ladder.entries.length, 'everything is shown at the end');
  assert.equal(maxPerFrame, 1, 'never two arrows in one frame');
  assert.equal(player.shown, run.now);
  assert.ok(frames > 10 * run.ladder.shown, 'each arrow is held on screen for several frames');
});

test('player: "skip to end" finishes in a few frames', () => {
  const run = new DemoRun(params({ loss: 0.01, bytes: 100_000, seed: 4 }));
  let wall = 0;
  const player = new Player(run, () => (wall += 0.001));
  player.tick(0);
  player.instant = true;
  let frames = 0;
  while (!player.finished && frames < 1000) {
    player.tick(frames * 16);
    frames++;
  }
  assert.equal(run.outcome.kind, 'done');
  assert.ok(frames < 1000);
  assert.equal(run.stats().bytesReceived, 100_000);
  assert.equal(run.recorder.trace.sides[0].address, CLIENT_ADDRESS);
  assert.equal(run.recorder.trace.sides[1].address, SERVER_ADDRESS);
});
