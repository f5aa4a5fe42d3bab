// Every edge of the RFC 9293 §3.3.2 state diagram (Figure 5) — and every extra edge of the
// transition table — is exercised: the scenarios below run real layers, the (from, cause, to)
// triples their 'state' events report are collected, and the set is compared with the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, FIN, LOCAL, REMOTE, RST, SYN, dg, mkLayer } from './tcp-helpers.js';
import { TCP_TRANSITIONS, type TcpEdge } from '../src/tcp/states.js';
import type { TcpLayer } from '../src/tcp/layer.js';
import type { TcpConfig } from '../src/tcp/config.js';
import { Pair } from '../src/tcp/pair.js';

const observed = new Set<string>();
const key = (from: string, cause: string, to: string): string => `${from} --${cause}--> ${to}`;

function record(layer: TcpLayer): void {
  for (const e of layer.pollEvents()) if (e.type === 'state') observed.add(key(e.from, e.cause, e.to));
}

function recordPair(p: Pair): void {
  for (const n of p.nodes) {
    for (const e of n.events) if (e.type === 'state') observed.add(key(e.from, e.cause, e.to));
    record(n.layer);
  }
}

const SERVER = { address: '10.0.0.2', port: 80 };

/** Our active connection from 10.0.0.1:4000 to SERVER, SYN sent (ISS 1000). */
function active(config: Partial<TcpConfig> = {}) {
  const layer = mkLayer('10.0.0.1', { isn: () => 1000, ...config });
  const r = layer.connect(SERVER, { local: { port: 4000 } }, 0);
  if (!r.ok) throw new Error(r.message);
  layer.poll(0);
  const from = (s: Parameters<typeof dg>[0]) => dg({ srcPort: 80, dstPort: 4000, ...s }, SERVER.address, '10.0.0.1');
  return { layer, c: r.value, from };
}

/** Server side: ESTABLISHED with peer ISN 1000, our ISS 5000. */
function passive(config: Partial<TcpConfig> = {}) {
  const layer = mkLayer(LOCAL.address, { isn: () => 5000, ...config });
  const l = layer.listen(LOCAL, 4, 0);
  if (!l.ok) throw new Error(l.message);
  layer.receive(dg({ seq: 1000, flags: SYN }), 0);
  layer.poll(0);
  return { layer, l: l.value, c: layer.find(LOCAL, REMOTE)! };
}

function established(config: Partial<TcpConfig> = {}) {
  const p = passive(config);
  p.layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK }), 1);
  p.l.accept();
  p.layer.poll(1);
  return p;
}

const scenarios: Record<string, () => void> = {
  'handshake, data, 4-way close, TIME-WAIT expiry, listener close'() {
    const pair = new Pair();
    const l = pair.b.listen({ address: '10.0.0.2', port: 80 }, 4, 0);
    assert.ok(l.ok);
    const c = pair.a.connect({ address: '10.0.0.2', port: 80 }, {}, 0);
    assert.ok(c.ok);
    pair.drive({ until: 100 });
    const s = l.value.accept()!;
    c.value.close(pair.now);
    pair.drive({ until: 200 });
    s.close(pair.now);
    pair.drive();
    l.value.close(pair.now);
    recordPair(pair);
  },
  'simultaneous open'() {
    const pair = new Pair();
    pair.a.connect({ address: '10.0.0.2', port: 6000 }, { local: { port: 5000 } }, 0);
    pair.b.connect({ address: '10.0.0.1', port: 5000 }, { local: { port: 6000 } }, 0);
    pair.drive({ until: 100 });
    recordPair(pair);
  },
  'simultaneous close'() {
    const { layer, c } = established();
    c.close(2);
    layer.poll(2);
    layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN }), 3);
    assert.equal(c.state, 'CLOSING');
    layer.receive(dg({ seq: 1002, ack: 5002, flags: ACK }), 4);
    assert.equal(c.state, 'TIME-WAIT');
    record(layer);
  },
  'CLOSE in SYN-SENT'() {
    const { layer, c } = active();
    c.close(1);
    record(layer);
  },
  'CLOSE in SYN-RECEIVED (after a simultaneous open)'() {
    const { layer, c, from } = active();
    layer.receive(from({ seq: 300, flags: SYN }), 1);
    c.shutdown(2);
    record(layer);
  },
  'RST in SYN-RECEIVED (passive) and a SYN in its window'() {
    const a = passive();
    a.layer.receive(dg({ seq: 1001, flags: RST }), 1);
    record(a.layer);
    const b = passive();
    b.layer.receive(dg({ seq: 1005, flags: SYN }), 1);
    record(b.layer);
  },
  'RST in SYN-SENT and SYN-RECEIVED (active)'() {
    const a = active();
    a.layer.receive(a.from({ seq: 0, ack: 1001, flags: RST | ACK }), 1);
    record(a.layer);
    const b = active();
    b.layer.receive(b.from({ seq: 300, flags: SYN }), 1);
    b.layer.receive(b.from({ seq: 301, flags: RST }), 2);
    record(b.layer);
  },
  'RST in every synchronized state'() {
    const est = established();
    est.layer.receive(dg({ seq: 1001, flags: RST }), 2);
    record(est.layer);
    const fw1 = established();
    fw1.c.close(2);
    fw1.layer.receive(dg({ seq: 1001, flags: RST }), 3);
    record(fw1.layer);
    const fw2 = established();
    fw2.c.shutdown(2);
    fw2.layer.poll(2);
    fw2.layer.receive(dg({ seq: 1001, ack: 5002, flags: ACK }), 3);
    fw2.layer.receive(dg({ seq: 1001, flags: RST }), 4);
    record(fw2.layer);
    const cw = established();
    cw.layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN }), 2);
    cw.layer.receive(dg({ seq: 1002, flags: RST }), 3);
    record(cw.layer);
    const cl = established();
    cl.c.close(2);
    cl.layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN }), 3);
    cl.layer.receive(dg({ seq: 1002, flags: RST }), 4);
    record(cl.layer);
    const la = established();
    la.layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN }), 2);
    la.c.close(3);
    la.layer.receive(dg({ seq: 1002, flags: RST }), 4);
    record(la.layer);
    const tw = established({ rfc1337: false });
    tw.c.close(2);
    tw.layer.poll(2);
    tw.layer.receive(dg({ seq: 1001, ack: 5002, flags: ACK | FIN }), 3);
    tw.layer.receive(dg({ seq: 1002, flags: RST }), 4);
    record(tw.layer);
  },
  'hard ICMP errors during setup'() {
    const a = active();
    a.layer.icmpError({ kind: 'unreachable', code: 3, family: 4, local: { address: '10.0.0.1', port: 4000 }, remote: SERVER, seq: 1000 }, 1);
    record(a.layer);
    const b = active();
    b.layer.receive(b.from({ seq: 300, flags: SYN }), 1);
    b.layer.icmpError({ kind: 'unreachable', code: 3, family: 4, local: { address: '10.0.0.1', port: 4000 }, remote: SERVER, seq: 1000 }, 2);
    record(b.layer);
  },
  'ABORT in every state that has a TCB'() {
    const ss = active();
    ss.c.abort(1);
    record(ss.layer);
    const sr = active();
    sr.layer.receive(sr.from({ seq: 300, flags: SYN }), 1);
    sr.c.abort(2);
    record(sr.layer);
    const mk = (setup: (p: ReturnType<typeof established>) => void) => {
      const p = established();
      setup(p);
      p.c.abort(10);
      record(p.layer);
    };
    mk(() => {});
    mk((p) => p.c.shutdown(2));
    mk((p) => {
      p.c.shutdown(2);
      p.layer.poll(2);
      p.layer.receive(dg({ seq: 1001, ack: 5002, flags: ACK }), 3);
    });
    mk((p) => p.layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN }), 2));
    mk((p) => {
      p.c.shutdown(2);
      p.layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN }), 3);
    });
    mk((p) => {
      p.layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN }), 2);
      p.c.shutdown(3);
    });
    mk((p) => {
      p.c.shutdown(2);
      p.layer.poll(2);
      p.layer.receive(dg({ seq: 1001, ack: 5002, flags: ACK | FIN }), 3);
    });
  },
  'timeouts in every retransmitting state'() {
    const cfg = { synRetries: 1, synAckRetries: 1, dataRetries: 1 };
    const run = (layer: TcpLayer, done: () => boolean) => {
      for (let i = 0; i < 50 && !done(); i++) {
        const at = layer.pollAt();
        if (at === undefined) break;
        layer.poll(at);
      }
      record(layer);
    };
    const ss = active(cfg);
    run(ss.layer, () => ss.c.state === 'CLOSED');
    const sr = passive(cfg);
    run(sr.layer, () => sr.c.state === 'CLOSED');
    const withData = (setup: (p: ReturnType<typeof established>) => void) => {
      const p = established(cfg);
      setup(p);
      p.layer.poll(5);
      run(p.layer, () => p.c.state === 'CLOSED');
    };
    withData((p) => p.c.send(new Uint8Array(10), 2));
    withData((p) => p.c.shutdown(2));
    withData((p) => {
      p.layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN }), 2);
      p.c.send(new Uint8Array(10), 3);
    });
    withData((p) => {
      p.c.shutdown(2);
      p.layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN }), 3);
    });
    withData((p) => {
      p.layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK | FIN }), 2);
      p.c.shutdown(3);
    });
    // FIN-WAIT-2: keep-alive failure.
    const fw2 = established({ keepAliveCount: 1, keepAliveInterval: 100 });
    fw2.c.setKeepAlive(true, 1000);
    fw2.c.shutdown(2);
    fw2.layer.poll(2);
    fw2.layer.receive(dg({ seq: 1001, ack: 5002, flags: ACK }), 3);
    run(fw2.layer, () => fw2.c.state === 'CLOSED');
    // Orphaned FIN-WAIT-2.
    const orphan = established({ finWait2Timeout: 1000 });
    orphan.c.close(2);
    orphan.layer.poll(2);
    orphan.layer.receive(dg({ seq: 1001, ack: 5002, flags: ACK }), 3);
    run(orphan.layer, () => orphan.c.state === 'CLOSED');
  },
  'a new SYN reopens TIME-WAIT'() {
    const p = established();
    p.c.close(2);
    p.layer.poll(2);
    p.layer.receive(dg({ seq: 1001, ack: 5002, flags: ACK | FIN }), 3);
    assert.equal(p.c.state, 'TIME-WAIT');
    p.layer.receive(dg({ seq: 90_000, flags: SYN }), 4);
    record(p.layer);
  },
};

/** Edges that cannot happen with this API, and why. */
const NOT_APPLICABLE: Record<string, string> = {
  [key('LISTEN', 'send', 'SYN-SENT')]:
    'SEND on a LISTEN needs a fully specified foreign socket (§3.10.2); listeners here never have one — connect() is the active OPEN',
};

for (const [name, run] of Object.entries(scenarios)) test(`state diagram scenario: ${name}`, run);

test('RFC 9293 §3.3.2: every edge of Figure 5 is exercised', () => {
  const diagram = TCP_TRANSITIONS.filter((e: TcpEdge) => e.diagram).map((e) => key(e.from, e.cause, e.to));
  assert.equal(diagram.length, 20);
  const missing = diagram.filter((k) => !observed.has(k) && !(k in NOT_APPLICABLE));
  assert.deepEqual(missing, []);
});

test('every other edge of the transition table is exercised too, and nothing outside the table happens', () => {
  const all = TCP_TRANSITIONS.map((e) => key(e.from, e.cause, e.to));
  const missing = all.filter((k) => !observed.has(k) && !(k in NOT_APPLICABLE));
  assert.deepEqual(missing, []);
  const unknown = [...observed].filter((k) => !all.includes(k));
  assert.deepEqual(unknown, []);
});
