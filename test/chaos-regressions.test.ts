// Smallest reproductions of failures the chaos runner found (npm run chaos). Each names the seed
// that found it. Tests marked todo fail today and wait for a fix in src/tcp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, dg, passiveEstablished } from './tcp-helpers.js';

test('RFC 1122 §4.2.3.6 keep-alive timer re-armed at a fractional time moves forward (chaos seeds 38, 58)', { todo: 'src/tcp/timer-actions.ts onKeepAlive: now - lastRecv < idle while lastRecv + idle rounds to now → the timer is re-armed at now forever (poll livelock)' }, () => {
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
