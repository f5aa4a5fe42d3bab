// socket.info(): the TCP connection's state as a snapshot (RFC 6298 estimator, RFC 5681 windows,
// RFC 9293 §3.7.1 segment sizes), before, during and after a transfer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createNetwork } from '../src/sim/index.js';

test('socket.info(): undefined before connecting; state, MSS, RTT (RFC 6298) and windows once established', async () => {
  const net = createNetwork({ seed: 3 });
  const a = net.host({ address: '10.0.0.1', name: 'a' });
  const b = net.host({ address: '10.0.0.2', name: 'b' });
  net.link(a, b, { delayMs: 10 });
  const srv = b.net.createServer((s) => s.pipe(s));
  srv.listen(7);
  const c = a.net.connect({ host: '10.0.0.2', port: 7, noDelay: true } as { host: string; port: number });
  try {
    const early = c.info();
    assert.ok(early === undefined || early.state === 'SYN-SENT' || early.state === 'CLOSED', JSON.stringify(early));
    await once(c, 'connect');
    const i = c.info();
    assert.ok(i !== undefined);
    assert.equal(i.state, 'ESTABLISHED');
    assert.equal(i.advMss, 1460); // 1500-byte MTU − 40 (RFC 9293 §3.7.1)
    assert.equal(i.sndMss, 1448); // less the 12 bytes of the timestamps option (RFC 7323 §3)
    assert.deepEqual(i.options, { timestamps: true, sack: true, windowScaling: true, ecn: false }); // ECN: both hosts 'passive' by default
    assert.ok(i.rttMs !== undefined && i.rttMs >= 19 && i.rttMs <= 21, `rtt ${i.rttMs}`); // two 10 ms hops
    assert.ok(i.rttVarMs !== undefined && i.rttVarMs > 0);
    assert.ok(i.rtoMs >= i.rttMs);
    assert.equal(i.caState, 'open');
    assert.equal(i.bytesInFlight, 0);
    assert.equal(i.cwndSegments, Math.floor(i.cwndBytes / i.sndMss));
    assert.ok(i.cwndSegments >= 1);
    assert.equal(i.totalRetransSegments, 0);
    c.write(Buffer.alloc(50_000, 1));
    let got = 0;
    c.on('data', (d: Buffer) => (got += d.length));
    while (got < 50_000) await once(c, 'data');
    const after = c.info();
    assert.ok(after !== undefined);
    assert.equal(after.bytesAcked, 50_000);
    assert.equal(after.bytesReceived, 50_000);
    assert.ok(after.segmentsOut > i.segmentsOut);
    assert.equal(after.bytesInFlight, 0);
  } finally {
    c.destroy();
    srv.close();
    net.close();
  }
});
