// A user segment-size limit (TCP_MAXSEG, TcpSocketOptions.mss) caps both the MSS announced in our
// SYN (RFC 9293 §3.7.1) and the size of the segments we send, whatever the peer announces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, SYN, dg, mkLayer, view } from './tcp-helpers.js';

test('RFC 9293 §3.7.1 with a user limit: MSS 1100 is announced and no segment carries more than 1100 bytes', () => {
  const layer = mkLayer('10.0.0.1', { isn: () => 1000, timestamps: false });
  const r = layer.connect({ address: '10.0.0.2', port: 80 }, { local: { port: 4000 }, mss: 1100 }, 0);
  assert.ok(r.ok);
  const syn = layer.poll(0)[0]!;
  assert.deepEqual(syn.seg.options.filter((o) => o.kind === 'mss'), [{ kind: 'mss', mss: 1100 }]);
  layer.receive(dg({ srcPort: 80, dstPort: 4000, seq: 0, ack: 1001, flags: SYN | ACK, options: [{ kind: 'mss', mss: 1460 }] }, '10.0.0.2', '10.0.0.1'), 1);
  layer.poll(1);
  const c = r.value;
  assert.equal(c.sndMss, 1100);
  c.send(new Uint8Array(3000), 2);
  assert.deepEqual(layer.poll(2).map((d) => view(d).len), [1100, 1100, 800]);
});

test('without a user limit the peer\'s MSS and the path decide', () => {
  const layer = mkLayer('10.0.0.1', { isn: () => 1000, timestamps: false });
  const r = layer.connect({ address: '10.0.0.2', port: 80 }, { local: { port: 4000 } }, 0);
  assert.ok(r.ok);
  layer.poll(0);
  layer.receive(dg({ srcPort: 80, dstPort: 4000, seq: 0, ack: 1001, flags: SYN | ACK, options: [{ kind: 'mss', mss: 1300 }] }, '10.0.0.2', '10.0.0.1'), 1);
  assert.equal(r.value.sndMss, 1300);
});
