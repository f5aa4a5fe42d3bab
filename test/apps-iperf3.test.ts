// layer4's iperf3 server (apps/iperf3.ts) on the in-memory network, driven by a scripted client that
// speaks iperf3's control protocol byte by byte: state bytes, the 37-byte cookie, length-prefixed
// JSON parameters and results, stream numbering, ACCESS_DENIED and SERVER_ERROR answers. The stock
// iperf3 client against the same server over TUN is test/tun-iperf3.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fc from 'fast-check';
import { createNetwork } from '../src/sim/index.js';
import type { Socket } from '../src/api/net.js';
import type { Host } from '../src/api/host.js';
import { createIperf3Server, Iperf3State, parseIperf3Params, type Iperf3TestResult } from '../src/apps/iperf3.js';

const COOKIE = Buffer.from('layer4testcookie0123456789abcdefghij\0');

/** Reads exact byte counts from a socket. */
class Wire {
  #buf = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  closed = false;
  /** Every byte that arrived, read or not. */
  received = 0;
  constructor(readonly s: Socket) {
    s.on('data', (c: Buffer) => {
      this.received += c.length;
      this.#buf = Buffer.concat([this.#buf, c]);
      for (const w of this.#waiters.splice(0)) w();
    });
    s.on('close', () => {
      this.closed = true;
      for (const w of this.#waiters.splice(0)) w();
    });
  }
  async read(n: number): Promise<Buffer> {
    while (this.#buf.length < n) {
      if (this.closed) throw new Error(`closed with ${this.#buf.length} of ${n} bytes`);
      await new Promise<void>((r) => this.#waiters.push(r));
    }
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }
  async state(): Promise<number> {
    return (await this.read(1)).readInt8(0);
  }
  async json(): Promise<Record<string, unknown>> {
    const n = (await this.read(4)).readUInt32BE(0);
    return JSON.parse((await this.read(n)).toString()) as Record<string, unknown>;
  }
  sendJson(o: unknown): void {
    const body = Buffer.from(JSON.stringify(o));
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    this.s.write(Buffer.concat([head, body]));
  }
}

async function connect(host: Host, addr: string): Promise<Wire> {
  const s = host.net.connect({ host: addr, port: 5201 });
  const w = new Wire(s);
  await once(s, 'connect');
  return w;
}

function setup(): { net: ReturnType<typeof createNetwork>; client: Host; results: Iperf3TestResult[]; log: string[] } {
  const net = createNetwork({ seed: 5 });
  const client = net.host({ address: '10.0.0.1', name: 'client' });
  const server = net.host({ address: '10.0.0.2', name: 'server' });
  net.link(client, server, { delayMs: 1 });
  const results: Iperf3TestResult[] = [];
  const log: string[] = [];
  createIperf3Server(server, { onResult: (r) => results.push(r), log: (l) => log.push(l) });
  return { net, client, results, log };
}

/** Control handshake up to CREATE_STREAMS, then `count` streams; returns control and streams after TEST_RUNNING. */
async function begin(client: Host, params: object, count: number): Promise<{ ctrl: Wire; streams: Wire[] }> {
  const ctrl = await connect(client, '10.0.0.2');
  ctrl.s.write(COOKIE);
  assert.equal(await ctrl.state(), Iperf3State.PARAM_EXCHANGE);
  ctrl.sendJson({ tcp: true, omit: 0, time: 0, parallel: 1, len: 65536, client_version: '3.12', ...params });
  assert.equal(await ctrl.state(), Iperf3State.CREATE_STREAMS);
  const streams: Wire[] = [];
  for (let i = 0; i < count; i++) {
    const w = await connect(client, '10.0.0.2');
    w.s.write(COOKIE);
    streams.push(w);
  }
  assert.equal(await ctrl.state(), Iperf3State.TEST_START);
  assert.equal(await ctrl.state(), Iperf3State.TEST_RUNNING);
  return { ctrl, streams };
}

/** TEST_END, results both ways, DISPLAY_RESULTS, IPERF_DONE; returns the server's results. */
async function finish(ctrl: Wire, clientStreams: object[]): Promise<Record<string, unknown>> {
  ctrl.s.write(Uint8Array.of(Iperf3State.TEST_END));
  assert.equal(await ctrl.state(), Iperf3State.EXCHANGE_RESULTS);
  ctrl.sendJson({ cpu_util_total: 1, cpu_util_user: 1, cpu_util_system: 0, sender_has_retransmits: 0, streams: clientStreams });
  const res = await ctrl.json();
  assert.equal(await ctrl.state(), Iperf3State.DISPLAY_RESULTS);
  ctrl.s.end(Uint8Array.of(Iperf3State.IPERF_DONE));
  return res;
}

test('iperf3 control protocol, client sending on two streams: stream ids 1 and 3, bytes counted, receiver results', async () => {
  const { net, client, results } = setup();
  try {
    const { ctrl, streams } = await begin(client, { num: 300_000, parallel: 2 }, 2);
    const data = Buffer.alloc(150_000, 0x5a);
    for (const s of streams) s.s.write(data);
    await net.run(2_000);
    const res = await finish(ctrl, [{ id: 1 }, { id: 3 }]);
    assert.equal(res['sender_has_retransmits'], -1);
    const st = res['streams'] as { id: number; bytes: number; retransmits: number; end_time: number }[];
    assert.deepEqual(st.map((s) => s.id), [1, 3]);
    assert.deepEqual(st.map((s) => s.bytes), [150_000, 150_000]);
    assert.deepEqual(st.map((s) => s.retransmits), [-1, -1]);
    assert.ok(st.every((s) => s.end_time > 0));
    await net.run(1_000);
    assert.equal(results.length, 1);
    assert.equal(results[0]!.end, 'done');
  } finally {
    net.close();
  }
});

test('iperf3 -R -n 300000 -P 3: the server sends exactly 300000 bytes over the three streams together', async () => {
  const { net, client, results } = setup();
  try {
    const { ctrl, streams } = await begin(client, { num: 300_000, parallel: 3, reverse: true, len: 40_000 }, 3);
    await net.run(3_000);
    const got = streams.map((s) => s.received);
    assert.equal(got.reduce((a, b) => a + b, 0), 300_000);
    const res = await finish(ctrl, []);
    assert.equal(res['sender_has_retransmits'], 1);
    const st = res['streams'] as { id: number; bytes: number; retransmits: number }[];
    assert.deepEqual(st.map((s) => s.id), [1, 3, 4]);
    assert.deepEqual(st.map((s) => s.bytes), got);
    assert.ok(st.every((s) => s.retransmits === 0));
    await net.run(1_000);
    assert.equal(results[0]!.end, 'done');
    assert.ok(results[0]!.params.reverse);
  } finally {
    net.close();
  }
});

test('iperf3 --bidir: the server receives on the first P streams and sends on the next P', async () => {
  const { net, client } = setup();
  try {
    const { ctrl, streams } = await begin(client, { num: 100_000, parallel: 1, bidirectional: true }, 2);
    streams[0]!.s.write(Buffer.alloc(100_000, 1));
    await net.run(2_000);
    assert.equal(streams[1]!.received, 100_000);
    const res = await finish(ctrl, []);
    const st = res['streams'] as { id: number; bytes: number; retransmits: number }[];
    assert.deepEqual(st.map((s) => [s.id, s.bytes, s.retransmits === -1]), [[1, 100_000, true], [3, 100_000, false]]);
  } finally {
    net.close();
  }
});

test('iperf3 while a test runs: another control connection and a stream with a wrong cookie get ACCESS_DENIED', async () => {
  const { net, client } = setup();
  try {
    const ctrl = await connect(client, '10.0.0.2');
    ctrl.s.write(COOKIE);
    assert.equal(await ctrl.state(), Iperf3State.PARAM_EXCHANGE);
    ctrl.sendJson({ tcp: true, num: 1000, parallel: 1 });
    assert.equal(await ctrl.state(), Iperf3State.CREATE_STREAMS);
    const stranger = await connect(client, '10.0.0.2');
    stranger.s.write(Buffer.from('x'.repeat(36) + '\0'));
    assert.equal(await stranger.state(), Iperf3State.ACCESS_DENIED);
    await net.run(500);
    assert.ok(stranger.closed || stranger.s.readableEnded);
    // The real stream still joins, and a second control connection is turned away while the test runs.
    const s = await connect(client, '10.0.0.2');
    s.s.write(COOKIE);
    assert.equal(await ctrl.state(), Iperf3State.TEST_START);
    const second = await connect(client, '10.0.0.2');
    assert.equal(await second.state(), Iperf3State.ACCESS_DENIED);
  } finally {
    net.close();
  }
});

test('iperf3 parameters the server cannot run: SERVER_ERROR with iperf3 error numbers, then the next test runs', async () => {
  const { net, client, results } = setup();
  try {
    for (const [body, code] of [
      [Buffer.from('{"udp":true,"num":10}'), 13],
      [Buffer.from('{not json'), 114],
      [Buffer.from('{"tcp":true,"parallel":1000}'), 6],
      [Buffer.from('{"tcp":true,"len":0}'), 7],
    ] as const) {
      const ctrl = await connect(client, '10.0.0.2');
      ctrl.s.write(COOKIE);
      assert.equal(await ctrl.state(), Iperf3State.PARAM_EXCHANGE);
      const head = Buffer.alloc(4);
      head.writeUInt32BE(body.length);
      ctrl.s.write(Buffer.concat([head, body]));
      assert.equal(await ctrl.state(), Iperf3State.SERVER_ERROR);
      const err = await ctrl.read(8);
      assert.equal(err.readInt32BE(0), code, body.toString());
      assert.equal(err.readInt32BE(4), 0);
      await net.run(500);
    }
    // An oversized parameter block (over iperf3's 8 KiB) is refused before it is read.
    const big = await connect(client, '10.0.0.2');
    big.s.write(COOKIE);
    assert.equal(await big.state(), Iperf3State.PARAM_EXCHANGE);
    big.s.write(Uint8Array.of(0, 1, 0, 0));
    assert.equal(await big.state(), Iperf3State.SERVER_ERROR);
    assert.deepEqual(results.map((r) => r.end), ['error', 'error', 'error', 'error', 'error']);
    const { ctrl } = await begin(client, { num: 10, reverse: true }, 1);
    await finish(ctrl, []);
    await net.run(500);
    assert.equal(results.at(-1)!.end, 'done');
  } finally {
    net.close();
  }
});

test('iperf3 parameters: any text parses to a value or a named refusal, never a throw', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ tcp: true, parallel: v, num: v, len: v }))), (text) => {
      const r = parseIperf3Params(text);
      if (r.ok) {
        assert.ok(r.value.parallel >= 1 && r.value.parallel <= 128);
        assert.ok(r.value.len >= 1 && r.value.len <= 1 << 20);
        assert.ok(r.value.bytes >= 0 && Number.isInteger(r.value.bytes));
      } else {
        assert.ok(r.message.length > 0 && r.code > 0);
      }
    }),
    { numRuns: 500 },
  );
});

test('iperf3: a test may keep its control connection idle longer than the 30 s parameter timeout', async () => {
  const { net, client, results } = setup();
  try {
    const { ctrl } = await begin(client, { time: 60, parallel: 1 }, 1);
    await net.run(45_000);
    const res = await finish(ctrl, []);
    assert.equal((res['streams'] as unknown[]).length, 1);
    await net.run(1_000);
    assert.equal(results[0]!.end, 'done');
  } finally {
    net.close();
  }
});
