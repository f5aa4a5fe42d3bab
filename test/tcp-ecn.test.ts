// ECN for TCP (RFC 3168 §6.1): negotiation, ECT only on new data, the receiver's echo until CWR,
// the sender's once-per-window reduction, and a CE-marking link carrying a transfer without drops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pair, type TraceEntry } from '../src/tcp/pair.js';
import type { TcpConfig } from '../src/tcp/config.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import { TcpFlag } from '../src/wire/tcp-types.js';
import { ecnCodepoint, markCe } from '../src/link/ecn-mark.js';
import { buildIpPacket } from '../src/wire/build.js';
import { internetChecksum } from '../src/wire/checksum.js';
import { bytes } from './tcp-helpers.js';
import { runPath } from './cc-path.js';

const { SYN, ACK, ECE, CWR } = TcpFlag;
type Mode = TcpConfig['ecn'];

function connectPair(a: Partial<TcpConfig>, b: Partial<TcpConfig>, opts: ConstructorParameters<typeof Pair>[0] = {}): {
  pair: Pair;
  client: TcpConnection;
  server: () => TcpConnection | undefined;
} {
  const pair = new Pair({ delayMs: 5, ...opts, a: { config: a }, b: { config: b } });
  const l = pair.b.listen({ address: '10.0.0.2', port: 80 }, 4, 0);
  assert.ok(l.ok);
  let server: TcpConnection | undefined;
  pair.on((ev, node) => {
    if (node.name === 'b' && ev.type === 'accept-ready') server = ev.listener.accept();
    if (node.name === 'b' && ev.type === 'readable') while (ev.conn.recv() !== undefined);
  });
  const c = pair.a.connect({ address: '10.0.0.2', port: 80 }, {}, 0);
  assert.ok(c.ok);
  return { pair, client: c.value, server: () => server };
}

const segs = (pair: Pair, from: string): TraceEntry[] => pair.trace.filter((e) => e.from === from);
const has = (e: TraceEntry, f: number): boolean => (e.dgram.seg.flags & f) === f;

test('RFC 3168 §6.1.1 negotiation matrix: ECN is used iff the client is "on" and the server not "off"', () => {
  const modes: Mode[] = ['on', 'passive', 'off'];
  for (const cm of modes) {
    for (const sm of modes) {
      const { pair, client, server } = connectPair({ ecn: cm }, { ecn: sm });
      pair.drive();
      const s = server();
      assert.ok(s !== undefined && s.state === 'ESTABLISHED', `${cm}/${sm}`);
      const want = cm === 'on' && sm !== 'off';
      const syn = segs(pair, 'a').find((e) => e.dgram.seg.flags & SYN)!;
      const synAck = segs(pair, 'b').find((e) => e.dgram.seg.flags & SYN)!;
      // An ECN-setup SYN has ECE and CWR; an ECN-setup SYN-ACK has ECE and not CWR.
      assert.equal(has(syn, ECE | CWR), cm === 'on', `${cm}/${sm} SYN`);
      assert.equal(has(synAck, ECE), want, `${cm}/${sm} SYN-ACK ECE`);
      assert.equal(has(synAck, CWR), false, `${cm}/${sm} SYN-ACK never CWR`);
      assert.equal(client.ecn?.ok ?? false, want, `${cm}/${sm} client`);
      assert.equal(s.ecn?.ok ?? false, want, `${cm}/${sm} server`);
      // §6.1.4: neither SYN is ECN-capable at the IP layer.
      assert.equal(syn.dgram.ecn ?? 0, 0);
      assert.equal(synAck.dgram.ecn ?? 0, 0);
    }
  }
});

test('RFC 3168 §6.1.1.1 a retransmitted ECN-setup SYN asks again only ecnSynRetries times', () => {
  for (const retries of [0, 1]) {
    const { pair } = connectPair({ ecn: 'on', ecnSynRetries: retries }, {}, { impair: (d, ctx) => (ctx.index < 3 && d.seg.flags & SYN ? 'drop' : undefined) });
    pair.drive();
    const syns = segs(pair, 'a').filter((e) => e.dgram.seg.flags & SYN);
    assert.ok(syns.length >= 4);
    const asks = syns.map((e) => has(e, ECE | CWR));
    assert.deepEqual(asks.slice(0, 4), [true, retries >= 1, false, false], `ecnSynRetries ${retries}`);
  }
});

test('RFC 3168 §6.1.2/§6.1.4/§6.1.5 ECT(0) on new data only: not on pure ACKs, SYNs, retransmissions', () => {
  let dropped = false;
  const { pair, client } = connectPair({ ecn: 'on' }, {}, {
    impair: (d) => {
      // lose the third data segment once: it is retransmitted
      if (!dropped && d.seg.payload.length > 0 && d.seg.seq === ((client.iss + 1 + 2 * client.sndMss) >>> 0)) {
        dropped = true;
        return 'drop';
      }
      return undefined;
    },
  });
  pair.drive({ until: 50 });
  client.send(bytes(60_000, 1), pair.now);
  pair.drive();
  assert.ok(dropped);
  const seen = new Map<number, number>();
  let ect = 0;
  let retx = 0;
  for (const e of pair.trace) {
    const d = e.dgram;
    const n = d.seg.payload.length;
    const again = e.from === 'a' && n > 0 && seen.has(d.seg.seq);
    if (e.from === 'a' && n > 0) seen.set(d.seg.seq, (seen.get(d.seg.seq) ?? 0) + 1);
    if (n === 0 || d.seg.flags & SYN) assert.equal(d.ecn ?? 0, 0, 'pure ACKs, SYNs and FINs are Not-ECT');
    else if (again) {
      retx++;
      assert.equal(d.ecn ?? 0, 0, 'a retransmission is Not-ECT');
    } else {
      ect++;
      assert.equal(d.ecn, 2, 'new data is ECT(0)');
    }
  }
  assert.ok(retx >= 1 && ect > 30);
});

test('RFC 3168 §6.1.2/§6.1.3 ECN halves cwnd once per RTT: several CE marks in one window → one reduction, CWR once, ECE stops after CWR', () => {
  const marked: number[] = [];
  let window = 0;
  const { pair, client, server } = connectPair({ ecn: 'on', congestionControl: 'newreno', sendBufferSize: 4 << 20 }, {}, {
    impair: (d, ctx) => {
      // CE on five data segments in a row, once the window has grown past 20 segments
      if (ctx.from.name === 'a' && d.seg.payload.length > 0 && d.ecn === 2 && marked.length < 5 && client.cc.cwnd >= 20 * client.sndMss) {
        if (marked.length === 0) window = client.cc.cwnd;
        d.ecn = 3;
        marked.push(ctx.now);
      }
      return undefined;
    },
  });
  pair.drive({ until: 50 });
  client.send(bytes(1_000_000, 2), pair.now);
  pair.drive();
  assert.equal(marked.length, 5);
  assert.equal(server()!.ecn?.ceReceived ?? 0, 5);
  assert.equal(client.ecn?.reductions ?? 0, 1, 'one reduction for one window of marks');
  assert.equal(client.stats.retransmittedSegments, 0, 'no retransmission: nothing was lost');
  // NewReno: ssthresh = FlightSize / 2 (RFC 5681 eq. 4), cwnd = ssthresh.
  assert.ok(client.cc.ssthresh <= window / 2 + client.sndMss && client.cc.ssthresh >= window / 4, `ssthresh ${client.cc.ssthresh} from cwnd ${window}`);
  const cwrs = segs(pair, 'a').filter((e) => has(e, CWR) && e.dgram.seg.payload.length > 0);
  assert.equal(cwrs.length, 1, 'CWR on one (the first new) data segment after the reduction');
  assert.equal(cwrs[0]!.dgram.ecn, 2);
  const cwrArrives = cwrs[0]!.arrives!;
  const eces = segs(pair, 'b').filter((e) => has(e, ECE) && !(e.dgram.seg.flags & SYN));
  assert.ok(eces.length >= 1);
  assert.ok(eces[0]!.t >= marked[0]!, 'the echo follows the first mark');
  assert.ok(eces.every((e) => e.t <= cwrArrives), 'no ECE after the CWR arrived');
});

test('RFC 3168 §6.1.2 a second congestion episode a few RTTs later reduces again', () => {
  let first = 0;
  let second = 0;
  const { pair, client } = connectPair({ ecn: 'on', sendBufferSize: 4 << 20 }, {}, {
    impair: (d, ctx) => {
      if (ctx.from.name !== 'a' || d.ecn !== 2) return undefined;
      if (first < 3 && ctx.now >= 80) {
        first++;
        d.ecn = 3;
      } else if (second < 3 && ctx.now >= 200) {
        second++;
        d.ecn = 3;
      }
      return undefined;
    },
  });
  pair.drive({ until: 50 });
  client.send(bytes(2_000_000, 3), pair.now);
  pair.drive();
  assert.equal(first + second, 6);
  assert.equal(client.ecn?.reductions ?? 0, 2);
});

test('RFC 3168 §6.1.1 ECN not negotiated: CE marks are not echoed and cwnd is not reduced', () => {
  let n = 0;
  const { pair, client, server } = connectPair({ ecn: 'passive' }, { ecn: 'on' }, {
    impair: (d) => {
      if (d.seg.payload.length > 0 && n++ < 5) d.ecn = 3;
      return undefined;
    },
  });
  pair.drive({ until: 50 });
  client.send(bytes(100_000, 4), pair.now);
  pair.drive();
  assert.equal(server()!.ecn?.ceReceived ?? 0, 0);
  assert.equal(client.ecn?.reductions ?? 0, 0);
  assert.ok(pair.trace.every((e) => !has(e, ECE)));
});

test('RFC 3168 §5 link marking: CE on an ECT packet (IPv4 checksum still valid), IPv6 traffic class, Not-ECT left alone', () => {
  const seg = { srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: ACK, window: 1000, urgent: 0, options: [], payload: new Uint8Array(10) };
  const v4 = buildIpPacket({ src: '10.0.0.1', dst: '10.0.0.2', ecn: 2, tcp: seg });
  const m4 = markCe(v4)!;
  assert.equal(ecnCodepoint(m4), 3);
  assert.equal(ecnCodepoint(v4), 2, 'the original is not modified');
  assert.equal(internetChecksum(m4.subarray(0, 20)), 0, 'header checksum verifies');
  const v6 = buildIpPacket({ src: 'fd00::1', dst: 'fd00::2', ecn: 1, tcp: seg });
  assert.equal(ecnCodepoint(markCe(v6)!), 3);
  assert.equal(markCe(buildIpPacket({ src: '10.0.0.1', dst: '10.0.0.2', tcp: seg })), undefined);
});

test('RFC 3168 §5/§6.1 a CE-marking link: the transfer has no drops, the sender reduced, data intact; without ECN the same link drops', () => {
  const link = { delayMs: 10, rateMbps: 20, queuePackets: 200, ecnThreshold: 20 };
  const bytes = 2 << 20;
  const on = runPath({ bytes, link, tcp: { ecn: 'on' }, record: false });
  assert.equal(on.receivedHash, on.sentHash);
  assert.equal(on.link.ab.dropped.queue, 0);
  assert.ok(on.link.ab.ceMarked > 0);
  assert.ok(on.sender.ecn?.reductions ?? 0 > 0);
  assert.equal(on.sender.stats.retransmittedSegments, 0);
  const off = runPath({ bytes, link, tcp: { ecn: 'off' }, record: false });
  assert.equal(off.receivedHash, off.sentHash);
  assert.ok(off.link.ab.dropped.queue > 0, 'Not-ECT packets above the threshold are dropped');
  assert.equal(off.link.ab.ceMarked, 0);
});
