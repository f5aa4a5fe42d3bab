// RFC 9293 §3.10.7.3 SYN-SENT, SYN retransmission (RFC 6298), simultaneous open (§3.3.4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, RST, SYN, dg, mkLayer, view } from './tcp-helpers.js';
import type { TcpLayer } from '../src/tcp/layer.js';
import type { TcpConnection } from '../src/tcp/connection.js';

const SERVER = { address: '10.0.0.2', port: 80 };
const ME = '10.0.0.1';

function active(config = {}): { layer: TcpLayer; c: TcpConnection } {
  const layer = mkLayer(ME, { isn: () => 1000, ...config });
  const r = layer.connect(SERVER, { local: { port: 4000 } }, 0);
  if (!r.ok) throw new Error(r.message);
  layer.poll(0); // the SYN
  return { layer, c: r.value };
}

/** A segment from the server to our connection. */
function fromServer(s: Parameters<typeof dg>[0]): ReturnType<typeof dg> {
  return dg({ srcPort: 80, dstPort: 4000, ...s }, SERVER.address, ME);
}

test('RFC 9293 §3.10.7.3 SYN-SENT: an ACK outside ISS < SEG.ACK ≤ SND.NXT gets <SEQ=SEG.ACK><CTL=RST>', () => {
  const { layer, c } = active();
  layer.receive(fromServer({ seq: 5, ack: 1000, flags: ACK }), 1);
  assert.deepEqual(view(layer.poll(1)[0]!), { seq: 1000, ack: 0, flags: 'RST', len: 0, window: 0 });
  layer.receive(fromServer({ seq: 5, ack: 1005, flags: SYN | ACK }), 1);
  assert.deepEqual(view(layer.poll(1)[0]!), { seq: 1005, ack: 0, flags: 'RST', len: 0, window: 0 });
  assert.equal(c.state, 'SYN-SENT');
});

test('RFC 9293 §3.10.7.3 SYN-SENT: a RST with an unacceptable ACK is dropped', () => {
  const { layer, c } = active();
  layer.receive(fromServer({ seq: 5, ack: 999, flags: RST | ACK }), 1);
  assert.deepEqual(layer.poll(1), []);
  assert.equal(c.state, 'SYN-SENT');
});

test('RFC 9293 §3.10.7.3 SYN-SENT: RST with acceptable ACK → ECONNREFUSED, CLOSED', () => {
  const { layer, c } = active();
  layer.receive(fromServer({ seq: 0, ack: 1001, flags: RST | ACK }), 1);
  assert.equal(c.state, 'CLOSED');
  assert.equal(c.error, 'ECONNREFUSED');
  const closed = layer.pollEvents().find((e) => e.type === 'closed');
  assert.ok(closed && closed.type === 'closed' && closed.error === 'ECONNREFUSED');
  assert.equal(layer.connectionCount, 0);
  const s = c.send(new Uint8Array(1), 2);
  assert.ok(typeof s !== 'number' && s.code === 'ECONNREFUSED');
});

test('RFC 5961 §3 / RFC 9293 §3.10.7.3 SYN-SENT: a RST without ACK is dropped', () => {
  const { layer, c } = active();
  layer.receive(fromServer({ seq: 0, flags: RST }), 1);
  assert.equal(c.state, 'SYN-SENT');
});

test('RFC 9293 §3.10.7.3 SYN-SENT: neither SYN nor RST → drop', () => {
  const { layer, c } = active();
  layer.receive(fromServer({ seq: 7, ack: 1001, flags: ACK }), 1);
  assert.deepEqual(layer.poll(1), []);
  assert.equal(c.state, 'SYN-SENT');
});

test('RFC 9293 §3.10.7.3 SYN-SENT: SYN,ACK → ESTABLISHED, ACK <SEQ=SND.NXT><ACK=RCV.NXT>, SND.WND from the segment', () => {
  const { layer, c } = active();
  layer.receive(fromServer({ seq: 5000, ack: 1001, flags: SYN | ACK, window: 3000, options: [{ kind: 'mss', mss: 1200 }] }), 10);
  assert.equal(c.state, 'ESTABLISHED');
  assert.equal(c.sndUna, 1001);
  assert.equal(c.irs, 5000);
  assert.equal(c.rcvNxt, 5001);
  assert.equal(c.sndWnd, 3000);
  assert.equal(c.sndMss, 1200);
  assert.deepEqual(view(layer.poll(10)[0]!), { seq: 1001, ack: 5001, flags: 'ACK', len: 0, window: 65535 });
  assert.equal(c.rtt.srtt, 10, 'RTT of the SYN sampled (RFC 6298 §2.2)');
  assert.ok(layer.pollEvents().some((e) => e.type === 'connected'));
});

test('RFC 9293 §3.3.4 simultaneous open (Figure 8): SYN in SYN-SENT → SYN-RECEIVED, SYN,ACK; peer SYN,ACK → ESTABLISHED', () => {
  const { layer, c } = active();
  layer.receive(fromServer({ seq: 300, flags: SYN }), 1);
  assert.equal(c.state, 'SYN-RECEIVED');
  assert.deepEqual(view(layer.poll(1)[0]!), { seq: 1000, ack: 301, flags: 'SYN,ACK', len: 0, window: 65535 });
  layer.receive(fromServer({ seq: 300, ack: 1001, flags: SYN | ACK }), 2);
  assert.equal(c.state, 'ESTABLISHED');
  assert.deepEqual(layer.poll(2), [], 'both SYNs are acknowledged already (Figure 8 line 7 sends nothing new)');
  // A retransmission of the peer's SYN,ACK (its copy of ours was lost) is answered with an ACK.
  layer.receive(fromServer({ seq: 300, ack: 1001, flags: SYN | ACK }), 3);
  assert.deepEqual(view(layer.poll(3)[0]!), { seq: 1001, ack: 301, flags: 'ACK', len: 0, window: 65535 });
});

test('RFC 9293 §3.10.7.4 simultaneous open: RST in SYN-RECEIVED after an active OPEN → ECONNREFUSED', () => {
  const { layer, c } = active();
  layer.receive(fromServer({ seq: 300, flags: SYN }), 1);
  layer.poll(1);
  layer.receive(fromServer({ seq: 301, flags: RST }), 2);
  assert.equal(c.state, 'CLOSED');
  assert.equal(c.error, 'ECONNREFUSED');
});

test('RFC 6298 §2.1/§5.5: SYN retransmitted after 1 s, then 2 s, 4 s …; ETIMEDOUT after synRetries', () => {
  const { layer, c } = active({ synRetries: 3 });
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const at = layer.pollAt();
    if (at === undefined) break;
    const out = layer.poll(at);
    if (out.length > 0) {
      assert.equal(view(out[0]!).flags, 'SYN');
      times.push(at);
    }
  }
  assert.deepEqual(times, [1000, 3000, 7000]);
  assert.equal(c.state, 'CLOSED');
  assert.equal(c.error, 'ETIMEDOUT');
  assert.equal(layer.pollAt(), undefined);
});

test('RFC 1122 §4.2.3.5: with the defaults a SYN is retried for at least 3 minutes', () => {
  const { layer, c } = active();
  let last = 0;
  while (c.state === 'SYN-SENT') {
    const at = layer.pollAt();
    assert.ok(at !== undefined);
    last = at;
    layer.poll(at);
  }
  assert.equal(c.error, 'ETIMEDOUT');
  assert.ok(last >= 180_000, `gave up at ${last} ms`);
});

test('RFC 6298 §5.7: after a retransmitted SYN, RTO is 3 s once data transfer begins; RFC 6928: IW is one segment', () => {
  const { layer, c } = active();
  layer.poll(1000); // SYN retransmitted
  layer.receive(fromServer({ seq: 5000, ack: 1001, flags: SYN | ACK, options: [{ kind: 'mss', mss: 1460 }] }), 1500);
  assert.equal(c.state, 'ESTABLISHED');
  assert.equal(c.rtt.srtt, undefined, "Karn: no sample from a retransmitted SYN");
  assert.equal(c.rtt.rto, 3000);
  assert.equal(c.cc.cwnd, 1460);
});

test('RFC 6928: IW = min(10·MSS, max(2·MSS, 14600)) after a clean handshake', () => {
  const { layer, c } = active();
  layer.receive(fromServer({ seq: 5000, ack: 1001, flags: SYN | ACK, options: [{ kind: 'mss', mss: 1460 }] }), 1);
  assert.equal(c.cc.cwnd, 14600);
  c.send(new Uint8Array(100_000), 2);
  const out = layer.poll(2).filter((d) => d.seg.payload.length > 0);
  assert.equal(out.length, 10, 'ten full segments in the initial window');
});

test('RFC 9293 §3.10.4 CLOSE in SYN-SENT deletes the TCB; shutdown() waits for the handshake', () => {
  const { layer, c } = active();
  c.close(1);
  assert.equal(c.state, 'CLOSED');
  assert.equal(layer.connectionCount, 0);
  const b = active();
  b.c.shutdown(1);
  assert.equal(b.c.state, 'SYN-SENT');
  b.layer.receive(fromServer({ seq: 5000, ack: 1001, flags: SYN | ACK }), 2);
  assert.equal(b.c.state, 'FIN-WAIT-1');
  assert.deepEqual(b.layer.poll(2).map(view), [
    { seq: 1001, ack: 5001, flags: 'ACK', len: 0, window: 65535 },
    { seq: 1001, ack: 5001, flags: 'FIN,ACK', len: 0, window: 65535 },
  ]);
});

test('data queued in SYN-SENT goes out after the handshake', () => {
  const { layer, c } = active();
  assert.equal(c.send(new Uint8Array(300).fill(7), 0), 300);
  assert.deepEqual(layer.poll(0), []);
  layer.receive(fromServer({ seq: 5000, ack: 1001, flags: SYN | ACK }), 1);
  const out = layer.poll(1);
  assert.equal(out.length, 2);
  assert.deepEqual(view(out[1]!), { seq: 1001, ack: 5001, flags: 'PSH,ACK', len: 300, window: 65535 });
});

test('RFC 1122 §4.2.3.9: ICMP port unreachable during setup → ECONNREFUSED; host unreachable is soft', () => {
  const { layer, c } = active();
  layer.icmpError({ kind: 'unreachable', code: 1, family: 4, local: { address: ME, port: 4000 }, remote: SERVER, seq: 1000 }, 1);
  assert.equal(c.state, 'SYN-SENT');
  assert.equal(c.softError, 'EHOSTUNREACH');
  layer.icmpError({ kind: 'unreachable', code: 3, family: 4, local: { address: ME, port: 4000 }, remote: SERVER, seq: 999 }, 1);
  assert.equal(c.state, 'SYN-SENT', 'RFC 5927: a quoted sequence number outside SND.UNA..SND.NXT is ignored');
  layer.icmpError({ kind: 'unreachable', code: 3, family: 4, local: { address: ME, port: 4000 }, remote: SERVER, seq: 1000 }, 1);
  assert.equal(c.state, 'CLOSED');
  assert.equal(c.error, 'ECONNREFUSED');
});
