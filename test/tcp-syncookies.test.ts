// RFC 4987 §3.6 SYN cookies: a listener whose SYN queue is full answers SYNs statelessly, and an
// ACK carrying a valid cookie creates the connection. Spoofed SYN floods are injected straight into
// the server layer; a small in-memory network carries a legitimate client's segments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { TcpLayer } from '../src/tcp/layer.js';
import type { TcpConfig } from '../src/tcp/config.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import type { TcpListener } from '../src/tcp/listener.js';
import { COOKIE_PERIOD_MS, MSS_TABLE, SynCookies, mssIndex } from '../src/tcp/syncookie.js';
import type { TcpDatagram } from '../src/stack/types.js';
import { ACK, LOCAL, SYN, bytes, dg, rng } from './tcp-helpers.js';

const SERVER = '10.0.0.1';
const CLIENT = '10.0.0.2';

function layerAt(address: string, config: Partial<TcpConfig> = {}, seed = 7): TcpLayer {
  return new TcpLayer({
    services: { sourceFor: () => address, isLocal: (a) => a === address, mtuFor: () => 1500 },
    rng: rng(seed),
    config,
  });
}

function listen(layer: TcpLayer, backlog = 16): TcpListener {
  const r = layer.listen(LOCAL, backlog, 0);
  assert.ok(r.ok);
  return r.value;
}

/** Source of the i-th spoofed SYN: a distinct (address, port) for every i below 2^24. */
function spoofed(i: number): { address: string; port: number } {
  return { address: `198.${18 + ((i >>> 16) & 1)}.${(i >>> 8) & 255}.${i & 255}`, port: 1024 + ((i >>> 17) & 0x3fff) };
}

/** Injects spoofed SYNs #from..#to−1 (each with an MSS option of 1460) into `layer` at `now`. */
function flood(layer: TcpLayer, from: number, to: number, now: number): void {
  for (let i = from; i < to; i++) {
    const s = spoofed(i);
    const d = dg({ seq: (i * 2654435761) >>> 0, flags: SYN, srcPort: s.port, options: [{ kind: 'mss', mss: 1460 }] }, s.address, SERVER);
    layer.receive(d, now);
  }
}

const synAcks = (out: TcpDatagram[]): TcpDatagram[] => out.filter((d) => d.seg.flags === (SYN | ACK));

/**
 * Two layers (or more) joined with a fixed one-way delay; segments to any other address (the
 * spoofed sources) vanish. Payloads are copied when sent (they may be views into a send buffer).
 */
class Net {
  now = 0;
  readonly nodes = new Map<string, TcpLayer>();
  readonly #flight: Array<{ at: number; to: TcpLayer; d: TcpDatagram }> = [];
  #head = 0;
  lost = 0;
  constructor(readonly delayMs = 5) {}

  add(address: string, layer: TcpLayer): TcpLayer {
    this.nodes.set(address, layer);
    return layer;
  }

  /** Runs until `until` (ms), calling `app` after every step. */
  run(until: number, app: () => void = () => {}): void {
    for (;;) {
      while (this.#head < this.#flight.length && this.#flight[this.#head]!.at <= this.now) {
        const f = this.#flight[this.#head++]!;
        f.to.receive(f.d, this.now);
      }
      if (this.#head > 4096) {
        this.#flight.splice(0, this.#head);
        this.#head = 0;
      }
      for (const layer of this.nodes.values()) {
        for (const d of layer.poll(this.now)) {
          const to = this.nodes.get(d.dst);
          if (to === undefined) {
            this.lost++;
            continue;
          }
          d.seg.payload = d.seg.payload.slice();
          this.#flight.push({ at: this.now + this.delayMs, to, d });
        }
        layer.pollEvents();
      }
      app();
      let next = this.#head < this.#flight.length ? this.#flight[this.#head]!.at : undefined;
      for (const layer of this.nodes.values()) {
        const t = layer.pollAt();
        if (t !== undefined && (next === undefined || t < next)) next = t;
      }
      if (next === undefined || next > until) {
        this.now = Math.max(this.now, until);
        return;
      }
      this.now = Math.max(this.now, next);
    }
  }
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Moves bytes: sends `data` on `from` as room allows, collects what `to` receives. */
class Transfer {
  sent = 0;
  readonly chunks: Uint8Array[] = [];
  received = 0;
  constructor(readonly data: Uint8Array) {}
  pump(from: TcpConnection, to: TcpConnection | undefined, now: number): void {
    if (this.sent < this.data.length) {
      const n = from.send(this.data.subarray(this.sent), now);
      if (typeof n === 'number') this.sent += n;
    }
    if (to === undefined) return;
    for (let b = to.recv(); b !== undefined; b = to.recv()) {
      this.chunks.push(b.slice());
      this.received += b.length;
    }
  }
  get done(): boolean {
    return this.received === this.data.length;
  }
  result(): Uint8Array {
    const out = new Uint8Array(this.received);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

test('RFC 4987 §3.6 a full SYN queue answers with cookies and keeps no per-SYN state', () => {
  const layer = layerAt(SERVER, { synBacklog: 4 });
  const l = listen(layer);
  flood(layer, 0, 4, 0);
  assert.equal(synAcks(layer.poll(0)).length, 4);
  assert.equal(l.halfOpen, 4);
  flood(layer, 4, 1004, 1);
  const out = synAcks(layer.poll(1));
  assert.equal(out.length, 1000, 'every SYN past the queue gets a cookie SYN-ACK');
  assert.equal(l.halfOpen, 4, 'half-open count stays at synBacklog');
  assert.equal(layer.connectionCount, 4, 'no connection object per cookie');
  assert.equal(l.cookiesSent, 1000);
  assert.equal(l.droppedSyns, 0);
  const d = out[0]!;
  assert.equal(d.seg.ack, ((4 * 2654435761 + 1) >>> 0), 'ACK = SEG.SEQ + 1');
  assert.deepEqual(d.seg.options, [{ kind: 'mss', mss: 1460 }], 'MSS only: no window scale, SACK, timestamps');
  assert.equal((d.seg.seq >>> 24) & 7, mssIndex(1460), 'the cookie carries the MSS index');
  assert.equal(d.seg.seq >>> 27, SynCookies.counter(1) & 31, 'the cookie carries the counter');
});

test('RFC 4987 §3.6 synCookies: false keeps dropping SYNs when the queue is full', () => {
  const layer = layerAt(SERVER, { synBacklog: 4, synCookies: false });
  const l = listen(layer);
  flood(layer, 0, 50, 0);
  assert.equal(synAcks(layer.poll(0)).length, 4);
  assert.equal(l.droppedSyns, 46);
  assert.equal(l.cookiesSent, 0);
});

test('RFC 4987 §3.6 MSS table: the largest entry not above the peer MSS', () => {
  assert.equal(MSS_TABLE[mssIndex(1460)], 1460);
  assert.equal(MSS_TABLE[mssIndex(1459)], 1452);
  assert.equal(MSS_TABLE[mssIndex(9000)], 1460);
  assert.equal(MSS_TABLE[mssIndex(536)], 536);
  assert.equal(MSS_TABLE[mssIndex(100)], MSS_TABLE[0]);
});

test('RFC 4987 §3.6 during a spoofed SYN flood a legitimate client connects via a cookie; data intact both ways (SHA-256)', () => {
  const net = new Net(5);
  const server = net.add(SERVER, layerAt(SERVER, { synBacklog: 8 }, 11));
  const client = net.add(CLIENT, layerAt(CLIENT, {}, 12));
  const l = listen(server);
  let next = 0;
  // The flood: 20 spoofed SYNs per ms for the whole run.
  const floodTo = (t: number): void => {
    while (net.now < t) {
      flood(server, next, next + 20, net.now);
      next += 20;
      net.run(net.now + 1);
    }
  };
  floodTo(50);
  assert.equal(l.halfOpen, 8, 'the SYN queue is full');
  const cr = client.connect({ address: SERVER, port: LOCAL.port }, {}, net.now);
  assert.ok(cr.ok);
  const c = cr.value;
  let s: TcpConnection | undefined;
  const up = new Transfer(bytes(300_000, 3));
  const down = new Transfer(bytes(120_000, 4));
  let maxHalfOpen = 0;
  let maxConns = 0;
  const app = (): void => {
    s ??= l.accept();
    if (c.state === 'ESTABLISHED' || c.state === 'CLOSE-WAIT') up.pump(c, s, net.now);
    if (s !== undefined) down.pump(s, c, net.now);
    maxHalfOpen = Math.max(maxHalfOpen, l.halfOpen);
    maxConns = Math.max(maxConns, server.connectionCount);
  };
  while (!(up.done && down.done) && net.now < 20_000) {
    flood(server, next, next + 20, net.now);
    next += 20;
    net.run(net.now + 1, app);
  }
  assert.ok(s !== undefined, 'the server accepted the client');
  assert.equal(l.cookiesAccepted, 1, 'through a cookie');
  assert.equal(sha(up.result()), sha(up.data), 'client → server intact');
  assert.equal(sha(down.result()), sha(down.data), 'server → client intact');
  assert.equal(s.sndMss, 1460, 'the decoded MSS is used');
  assert.equal(s.tsOk || s.wsOk || s.sackOk, false, 'cookie connections run without timestamps, window scale, SACK');
  assert.equal(c.tsOk || c.wsOk || c.sackOk, false, 'and the client agrees (the SYN-ACK offered none)');
  assert.ok(maxHalfOpen <= 8, `half-open ${maxHalfOpen} ≤ synBacklog`);
  assert.ok(maxConns <= 8 + 1, `server connections ${maxConns} ≤ synBacklog + 1`);
  assert.ok(l.cookiesSent > 1000);
});

/** A layer with a full queue and one cookie answered for REMOTE's SYN (seq 1000) at `now`. */
function cookieFor(seed: number, now: number): { layer: TcpLayer; l: TcpListener; cookie: number } {
  const layer = layerAt(SERVER, { synBacklog: 2 }, seed);
  const l = listen(layer);
  flood(layer, 0, 2, now);
  layer.poll(now);
  layer.receive(dg({ seq: 1000, flags: SYN, options: [{ kind: 'mss', mss: 1400 }] }, '10.0.0.2', SERVER), now);
  const out = synAcks(layer.poll(now));
  assert.equal(out.length, 1);
  assert.equal(l.halfOpen, 2);
  return { layer, l, cookie: out[0]!.seg.seq };
}

test('RFC 4987 §3.6 the ACK with the right cookie creates an ESTABLISHED connection with the decoded MSS', () => {
  const { layer, l, cookie } = cookieFor(7, 10);
  layer.receive(dg({ seq: 1001, ack: (cookie + 1) >>> 0, flags: ACK, payload: 5 }, '10.0.0.2', SERVER), 20);
  const s = l.accept();
  assert.ok(s !== undefined);
  assert.equal(s.state, 'ESTABLISHED');
  assert.equal(s.iss, cookie);
  assert.equal(s.sndMss, 1360, 'MSS 1400 is carried as 1360, the largest table entry below it');
  assert.equal(s.recv()?.length, 5, 'data in the third segment is taken');
  assert.equal(l.halfOpen, 2);
});

test('RFC 4987 §3.6 / RFC 9293 §3.10.7.2 a forged ACK with a wrong cookie creates nothing and gets <SEQ=SEG.ACK><CTL=RST>', () => {
  const { layer, l, cookie } = cookieFor(7, 10);
  const before = layer.connectionCount;
  for (const bad of [cookie ^ 1, cookie ^ 0x00800000, cookie ^ 0x07000000, (cookie + 0x08000000) >>> 0]) {
    layer.receive(dg({ seq: 1001, ack: (bad + 1) >>> 0, flags: ACK }, '10.0.0.2', SERVER), 20);
    const out = layer.poll(20);
    assert.equal(out.length, 1);
    assert.equal(out[0]!.seg.flags, 0x04, 'RST');
    assert.equal(out[0]!.seg.seq, (bad + 1) >>> 0);
  }
  // The right cookie from another 4-tuple, or with another client ISN, fails too.
  layer.receive(dg({ seq: 1001, ack: (cookie + 1) >>> 0, flags: ACK, srcPort: 40001 }, '10.0.0.2', SERVER), 20);
  layer.receive(dg({ seq: 2001, ack: (cookie + 1) >>> 0, flags: ACK }, '10.0.0.2', SERVER), 20);
  layer.receive(dg({ seq: 1001, ack: (cookie + 1) >>> 0, flags: ACK }, '10.0.0.3', SERVER), 20);
  assert.equal(layer.connectionCount, before);
  assert.equal(l.accept(), undefined);
  assert.equal(l.cookiesRejected, 7);
  assert.equal(l.cookiesAccepted, 0);
});

test('RFC 4987 §3.6 a cookie is valid in its counter period and the next, rejected after two', () => {
  const t0 = 10;
  const late = (seed: number, at: number): TcpListener => {
    const { layer, l, cookie } = cookieFor(seed, t0);
    // Cookies are still in use at `at`: the queue is refilled and a fresh SYN is answered with one.
    layer.poll(at);
    flood(layer, 100, 103, at);
    assert.ok(l.cookiesSent >= 2);
    layer.receive(dg({ seq: 1001, ack: (cookie + 1) >>> 0, flags: ACK }, '10.0.0.2', SERVER), at);
    layer.poll(at);
    return l;
  };
  assert.equal(late(7, COOKIE_PERIOD_MS + 5).cookiesAccepted, 1, 'previous period: accepted');
  assert.equal(late(7, 2 * COOKIE_PERIOD_MS + 5).cookiesAccepted, 0, 'two periods later: rejected');
  assert.equal(late(7, 32 * COOKIE_PERIOD_MS + 5).cookiesAccepted, 0, '32 periods later (same 5 counter bits): rejected');
});

test('RFC 4987 §3.6 an ACK is checked as a cookie only while cookies are in use', () => {
  const { layer, l, cookie } = cookieFor(7, 10);
  // Queue drained long ago, no cookie for three periods: the ACK is just an ACK to a listener.
  layer.receive(dg({ seq: 1001, ack: (cookie + 1) >>> 0, flags: ACK }, '10.0.0.2', SERVER), 3 * COOKIE_PERIOD_MS);
  assert.equal(layer.poll(3 * COOKIE_PERIOD_MS).filter((d) => d.seg.flags === 0x04).length, 1, 'RST');
  assert.equal(l.cookiesRejected, 0, 'not even checked');
});

test('RFC 4987 §3.6 a valid cookie with a full accept queue is dropped (no RST, no connection)', () => {
  const layer = layerAt(SERVER, { synBacklog: 2 });
  const l = listen(layer, 1);
  flood(layer, 0, 2, 0);
  layer.receive(dg({ seq: 1000, flags: SYN }, '10.0.0.2', SERVER), 0);
  const cookie = synAcks(layer.poll(0)).find((d) => d.seg.dstPort === 40000)!.seg.seq;
  // Fill the accept queue with one handshake completed by its own cookie from another port.
  layer.receive(dg({ seq: 5000, flags: SYN, srcPort: 40009 }, '10.0.0.2', SERVER), 0);
  const c2 = synAcks(layer.poll(0)).find((d) => d.seg.dstPort === 40009)!.seg.seq;
  layer.receive(dg({ seq: 5001, ack: (c2 + 1) >>> 0, flags: ACK, srcPort: 40009 }, '10.0.0.2', SERVER), 1);
  assert.equal(l.pending, 1);
  const before = layer.connectionCount;
  layer.receive(dg({ seq: 1001, ack: (cookie + 1) >>> 0, flags: ACK }, '10.0.0.2', SERVER), 2);
  assert.deepEqual(layer.poll(2).filter((d) => d.dst === '10.0.0.2' && d.seg.dstPort === 40000), []);
  assert.equal(layer.connectionCount, before);
  assert.equal(l.pending, 1);
  assert.equal(l.cookiesAccepted, 1);
  assert.equal(l.droppedSyns, 1, 'counted as dropped');
});

test('RFC 4987 §3.6 determinism: the same rng seed gives the same cookies, another seed others', () => {
  const cookies = (seed: number): number[] => {
    const layer = layerAt(SERVER, { synBacklog: 2 }, seed);
    listen(layer);
    flood(layer, 0, 50, 1234);
    return synAcks(layer.poll(1234)).map((d) => d.seg.seq);
  };
  const a = cookies(99);
  assert.equal(a.length, 50);
  assert.deepEqual(cookies(99), a);
  assert.notDeepEqual(cookies(100).slice(2), a.slice(2));
});

test('RFC 4987 §3.6 scale: 100k spoofed SYNs in 1 s of virtual time while a client connects and transfers', (t) => {
  const net = new Net(2);
  const server = net.add(SERVER, layerAt(SERVER, {}, 21)); // default synBacklog 256
  const client = net.add(CLIENT, layerAt(CLIENT, {}, 22));
  const l = listen(server);
  const heap0 = process.memoryUsage().heapUsed;
  let next = 0;
  let s: TcpConnection | undefined;
  let c: TcpConnection | undefined;
  const data = new Transfer(bytes(64 * 1024, 9));
  let maxHalfOpen = 0;
  let maxConns = 0;
  const app = (): void => {
    s ??= l.accept();
    if (c !== undefined && c.state === 'ESTABLISHED') data.pump(c, s, net.now);
    maxHalfOpen = Math.max(maxHalfOpen, l.halfOpen);
    maxConns = Math.max(maxConns, server.connectionCount);
  };
  for (let ms = 0; ms < 1000; ms++) {
    if (ms === 100) {
      const r = client.connect({ address: SERVER, port: LOCAL.port }, {}, net.now);
      assert.ok(r.ok);
      c = r.value;
    }
    flood(server, next, next + 100, net.now);
    next += 100;
    net.run(ms + 1, app);
  }
  const heap1 = process.memoryUsage().heapUsed;
  assert.equal(next, 100_000);
  assert.ok(s !== undefined, 'the client connected during the flood');
  assert.equal(l.cookiesAccepted, 1);
  assert.equal(sha(data.result()), sha(data.data), 'its data arrived intact');
  assert.ok(maxHalfOpen <= 256, `half-open ${maxHalfOpen} ≤ 256`);
  assert.ok(maxConns <= 256 + 1, `server connections ${maxConns} ≤ 257`);
  assert.ok(l.cookiesSent >= 100_000 - 256 * 2, `cookies sent: ${l.cookiesSent}`);
  t.diagnostic(`100000 SYNs over 1000 ms virtual (100k SYN/s): cookies ${l.cookiesSent}, dropped ${l.droppedSyns}, ` +
    `max half-open ${maxHalfOpen}, max server connections ${maxConns}, heap Δ ${((heap1 - heap0) / 1048576).toFixed(1)} MiB`);
});
