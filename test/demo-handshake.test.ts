// `layer4 demo handshake`: the ladder is a recording of two real stacks, so its text (English and
// Korean) and the JSON trace behind it are golden files; changing an ISN moves every number that
// depends on it; the exchange is exactly the study note's, with RFC 9293 states on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { run } from '../src/cli/main.js';
import type { LadderTrace, SegmentEntry, StateEntry } from '../src/viz/trace.js';
import { TcpFlag } from '../src/wire/tcp-types.js';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function layer4(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t), isTty: false });
  return { code, stdout, stderr };
}

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
function golden(name: string, actual: string): void {
  const path = `test/fixtures/demo/${name}`;
  if (UPDATE) writeFileSync(path, actual);
  assert.equal(actual, readFileSync(path, 'utf8'), `golden ${path} (UPDATE_GOLDEN=1 rewrites it)`);
}

interface DemoJson {
  isnClient: number;
  isnServer: number;
  completed: boolean;
  packets: number;
  finalStates: { client: string; server: string };
  trace: LadderTrace;
}

async function demoJson(args: string[] = []): Promise<DemoJson> {
  const r = await layer4(['demo', 'handshake', '--json', ...args]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trimEnd().split('\n').length, 1, 'one JSON object on one line');
  return JSON.parse(r.stdout) as DemoJson;
}

const segments = (t: LadderTrace): SegmentEntry[] => t.entries.filter((e): e is SegmentEntry => e.kind === 'segment');
const states = (t: LadderTrace, side: 0 | 1): string[] => t.entries.filter((e): e is StateEntry => e.kind === 'state' && e.side === side).map((e) => e.state);

test('golden: default ladder text (en), the study note run by two stacks', async () => {
  const r = await layer4(['demo', 'handshake']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  golden('handshake-en.txt', r.stdout);
});

test('golden: default ladder text (ko)', async () => {
  const r = await layer4(['demo', 'handshake', '--lang', 'ko']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /3방향 핸드셰이크/);
  golden('handshake-ko.txt', r.stdout);
});

test('golden: the JSON trace behind the ladder', async () => {
  const j = await demoJson();
  golden('handshake.json', JSON.stringify(j, null, 2) + '\n');
});

test('RFC 9293 §3.5/§3.6: SYN, SYN-ACK, ACK, 100 B, 500 B (+ACK), ACK, FIN/ACK exchange — nothing else', async () => {
  const { trace, completed, isnClient: c, isnServer: s } = await demoJson();
  assert.equal(completed, true);
  const { SYN, ACK, PSH, FIN } = TcpFlag;
  const got = segments(trace).map((e) => ({ from: e.from, flags: e.flags & (SYN | ACK | PSH | FIN), seq: e.seq, ack: e.flags & ACK ? e.ack : 0, len: e.len }));
  assert.deepEqual(got, [
    { from: 0, flags: SYN, seq: c, ack: 0, len: 0 },
    { from: 1, flags: SYN | ACK, seq: s, ack: c + 1, len: 0 },
    { from: 0, flags: ACK, seq: c + 1, ack: s + 1, len: 0 },
    { from: 0, flags: PSH | ACK, seq: c + 1, ack: s + 1, len: 100 },
    { from: 1, flags: PSH | ACK, seq: s + 1, ack: c + 101, len: 500 },
    { from: 0, flags: ACK, seq: c + 101, ack: s + 501, len: 0 },
    { from: 0, flags: FIN | ACK, seq: c + 101, ack: s + 501, len: 0 },
    { from: 1, flags: ACK, seq: s + 501, ack: c + 102, len: 0 },
    { from: 1, flags: FIN | ACK, seq: s + 501, ack: c + 102, len: 0 },
    { from: 0, flags: ACK, seq: c + 102, ack: s + 502, len: 0 },
  ]);
  assert.ok(segments(trace).every((e) => e.lost !== true && e.retransmission !== true && e.tArrive !== undefined));
});

test('RFC 9293 §3.3.2: client closes actively (… FIN-WAIT-2 → TIME-WAIT), server passively (CLOSE-WAIT → LAST-ACK)', async () => {
  const { trace, finalStates } = await demoJson();
  assert.deepEqual(states(trace, 0), ['CLOSED', 'SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSED']);
  assert.deepEqual(states(trace, 1), ['LISTEN', 'SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSED']);
  assert.deepEqual(finalStates, { client: 'CLOSED', server: 'CLOSED' });
  // TIME-WAIT lasts 2×MSL (60 s with the default MSL) after the client's last ACK.
  const tw = trace.entries.find((e) => e.kind === 'state' && e.side === 0 && e.state === 'TIME-WAIT')!;
  const closed = trace.entries.filter((e) => e.kind === 'state' && e.side === 0 && e.state === 'CLOSED').pop()!;
  assert.equal(closed.t - tw.t, 60_000);
  // Each state is entered before the segment it leads to: SYN-SENT before the SYN, LAST-ACK before the server's FIN.
  const idx = (pred: (e: LadderTrace['entries'][number]) => boolean): number => trace.entries.findIndex(pred);
  assert.ok(idx((e) => e.kind === 'state' && e.state === 'SYN-SENT') < idx((e) => e.kind === 'segment' && (e.flags & TcpFlag.SYN) !== 0));
  assert.ok(idx((e) => e.kind === 'state' && e.state === 'LAST-ACK') < idx((e) => e.kind === 'segment' && e.from === 1 && (e.flags & TcpFlag.FIN) !== 0));
});

/** Every arrow label of the ladder text: direction and its numbers. */
function arrows(text: string): Array<{ dir: '>' | '<'; flags: string; seq: number; ack: number | undefined; len: number | undefined }> {
  const out: ReturnType<typeof arrows> = [];
  for (const line of text.split('\n')) {
    const m = /([A-Z,]+) seq=(\d+)(?: ack=(\d+))?(?: len=(\d+))?/.exec(line);
    if (m === null || !/[▶◀✗]/.test(line)) continue;
    out.push({ dir: line.includes('◀') || /✗──/.test(line) ? '<' : '>', flags: m[1]!, seq: Number(m[2]), ack: m[3] === undefined ? undefined : Number(m[3]), len: m[4] === undefined ? undefined : Number(m[4]) });
  }
  return out;
}

test('--isn-client 5000 shifts every client seq label (and the server acks) by 4900, nothing else', async () => {
  const base = await layer4(['demo', 'handshake', '--no-explain']);
  const moved = await layer4(['demo', 'handshake', '--no-explain', '--isn-client', '5000']);
  assert.equal(moved.code, 0, moved.stderr);
  const a = arrows(base.stdout);
  const b = arrows(moved.stdout);
  assert.equal(a.length, 10);
  assert.equal(b.length, a.length);
  a.forEach((x, i) => {
    const y = b[i]!;
    assert.equal(y.dir, x.dir);
    assert.equal(y.flags, x.flags);
    assert.equal(y.len, x.len);
    if (x.dir === '>') {
      assert.equal(y.seq, x.seq + 4900, `client seq, arrow ${i}`);
      assert.equal(y.ack, x.ack, `client ack, arrow ${i}`);
    } else {
      assert.equal(y.seq, x.seq, `server seq, arrow ${i}`);
      assert.equal(y.ack, x.ack === undefined ? undefined : x.ack + 4900, `server ack, arrow ${i}`);
    }
  });
  assert.match(moved.stdout, /SYN seq=5000─/);
  assert.match(moved.stdout, /SYN,ACK seq=2000 ack=5001/);
  assert.doesNotMatch(moved.stdout, /seq=10[01]\b|ack=10[12]\b/, 'no trace of the default client ISN');
  // The explanations follow the stacks' numbers too.
  const explained = await layer4(['demo', 'handshake', '--isn-client', '5000', '--isn-server', '0x10000']);
  assert.match(explained.stdout, /seq=5000: the client's initial sequence number/);
  assert.match(explained.stdout, /seq=65536: the server's initial sequence number/);
  assert.match(explained.stdout, /ack=5101: 5001 \+ 100 bytes/);
});

test('ISNs near 2^32 wrap modulo 2^32 (RFC 9293 §3.4)', async () => {
  const j = await demoJson(['--isn-client', '4294967295']);
  const segs = segments(j.trace);
  assert.equal(segs[0]!.seq, 4294967295);
  assert.equal(segs[1]!.ack, 0, 'SYN-ACK acknowledges ISN+1 = 0');
  assert.equal(segs[3]!.seq, 0, 'first data byte is sequence number 0');
  assert.equal(segs[4]!.ack, 100);
});
