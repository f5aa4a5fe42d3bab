// Smallest reproductions of failures the chaos runner found (npm run chaos). Each names the seed
// that found it. Each failed before its fix in src/tcp and guards against the bug coming back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, dg, passiveEstablished } from './tcp-helpers.js';

test('RFC 1122 §4.2.3.6 keep-alive timer re-armed at a fractional time moves forward (chaos seeds 38, 58)', () => {
  const p = passiveEstablished();
  const { layer, conn, irs, iss } = p;
  conn.setKeepAlive(true, 20_000);
  const lastRecv = 244_346.667_514_696_75; // from seed 38: lastRecv + 20000 === 264346.6675146967 but the difference is 19999.99999999997
  layer.receive(dg({ seq: irs + 1, ack: iss + 1, flags: ACK }), lastRecv);
  layer.poll(lastRecv);
  let now = lastRecv;
  for (let i = 0; i < 10; i++) {
    const at = layer.pollAt();
    assert.ok(at !== undefined, 'keep-alive is armed');
    assert.ok(at > now || i === 0, `deadline ${at} does not advance past ${now} (poll ${i})`);
    now = at;
    layer.poll(now);
    if (conn.stats.keepAliveProbes > 0) return;
  }
  assert.fail(`no keep-alive probe after 10 polls; stuck at ${now}`);
});

import { Pair } from '../src/tcp/pair.js';
import { tcpSegmentLength } from '../src/wire/tcp.js';

test('RFC 9293 §3.7.1 / RFC 6691 / RFC 2018: segments carrying SACK blocks still fit the MTU (net chaos seed 3)', () => {
  const mtu = 1280;
  let dropped = 0;
  const pair = new Pair({
    seed: 3,
    delayMs: 10,
    mtu,
    // Lose the first full-sized data segment each way, so both receivers hold out-of-order data and SACK it.
    impair: (d) => (d.seg.payload.length > 1000 && dropped < 2 && (dropped++, true) ? 'drop' : undefined),
  });
  const l = pair.b.listen({ address: '10.0.0.2', port: 80 }, 4, 0);
  assert.ok(l.ok);
  const c = pair.a.connect({ address: '10.0.0.2', port: 80 }, {}, 0);
  assert.ok(c.ok);
  pair.drive({ stopWhen: () => l.value.pending > 0 });
  const s = l.value.accept()!;
  const data = new Uint8Array(30_000);
  c.value.send(data, pair.now);
  s.send(data, pair.now);
  pair.drive({ until: pair.now + 5000 });
  const over = pair.trace.filter((e) => 20 + tcpSegmentLength(e.dgram.seg) > mtu);
  assert.ok(pair.trace.some((e) => e.dgram.seg.options.some((o) => o.kind === 'sack')), 'SACK blocks were sent');
  assert.deepEqual(
    over.map((e) => `${e.from} seq ${e.dgram.seg.seq} ${20 + tcpSegmentLength(e.dgram.seg)} B`),
    [],
    'IP packets larger than the MTU',
  );
});

import { runNetSeed } from '../src/chaos/net-run.js';

test('RFC 6298 §3 (Karn) / RFC 7323 §4.3: after a timeout a stale TSecr does not inflate SRTT and pin the RTO at 60 s (net chaos seed 5088)', async () => {
  // ~32 % loss: an ACK of data resent by the RTO echoed the TSval of a keep-alive reply sent 32 s
  // earlier; SRTT became ~32 s and the flow had not finished an hour later.
  const r = await runNetSeed(5088);
  assert.deepEqual(r.failures, []);
  assert.ok(r.ok);
});
