// The real-clock port driver (link/real-driver.ts connectPort): a batch read from a port goes to
// the host in one receiveBatch and the host is serviced in the same call, so its answer is written
// before the read callback returns; everything one service emits leaves in one port call; TCP
// super-segments reach a port that takes them whole (sendOutbound) uncut and are cut for one that
// does not. No device: the ports here are test doubles, the clock is real but nothing is timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createPortHost, type PacketPort, type PortHost, type PortCounters } from '../src/link/real-driver.js';
import type { OutboundPacket } from '../src/stack/types.js';
import { buildIpPacket } from '../src/wire/build.js';
import { parseIcmp } from '../src/wire/icmp.js';
import { parseIpv4 } from '../src/wire/ipv4.js';
import { parseTcp } from '../src/wire/tcp.js';
import type { TcpRepr } from '../src/wire/tcp-types.js';
import { tcpOffsets } from '../src/wire/tcp-gso.js';
import { superSegmentHeader } from '../src/link/tun-gso.js';
import { lendableTcp } from '../src/link/tun.js';
import { completePacket, parseVnetHeader, VIRTIO_NET_HDR_GSO_TCPV4 } from '../src/link/tun-offload.js';

class FakePort implements PacketPort {
  handler: ((packets: Uint8Array[]) => void) | undefined;
  /** One entry per send()/sendOutbound() call. */
  writes: OutboundPacket[][] = [];
  closed = false;
  constructor(readonly whole: boolean) {
    if (whole) this.sendOutbound = (out) => {
      this.writes.push([...out]);
      return out.length;
    };
  }
  onPackets(h: (packets: Uint8Array[]) => void): void {
    this.handler = h;
  }
  send(packets: readonly Uint8Array[]): number {
    this.writes.push(packets.map((packet) => ({ ifIndex: 1, nextHop: '?', packet })));
    return packets.length;
  }
  sendOutbound?: (out: readonly OutboundPacket[]) => number;
  transientTcp?: boolean;
  syncWrites?: boolean;
  close(): void {
    this.closed = true;
  }
}

function echoRequest(seq: number): Uint8Array {
  return buildIpPacket({ src: '10.77.0.1', dst: '10.77.0.2', icmp: { kind: 'echoRequest', id: 7, seq, data: new Uint8Array(8).fill(seq) } });
}

test('port driver: connectPort and createPortHost are part of the package entry point', async () => {
  const api = await import('../src/index.js');
  assert.equal(typeof api.connectPort, 'function');
  assert.equal(api.createPortHost, createPortHost);
});

test('port driver: echo requests read in one wake-up are answered before the read callback returns, in one port write', () => {
  const port = new FakePort(false);
  const ph = createPortHost(port, { address: '10.77.0.2/24', peer: '10.77.0.1/24' });
  try {
    port.handler!([echoRequest(1), echoRequest(2), echoRequest(3)]);
    assert.equal(port.writes.length, 1, 'one write for the whole batch');
    const replies = port.writes[0]!.map((o) => {
      const ip = parseIpv4(o.packet);
      assert.ok(ip.ok);
      const icmp = parseIcmp(ip.value.payload);
      assert.ok(icmp.ok && icmp.value.kind === 'echoReply');
      return [ip.value.dst, icmp.value.seq];
    });
    assert.deepEqual(replies, [['10.77.0.1', 1], ['10.77.0.1', 2], ['10.77.0.1', 3]]);
    assert.deepEqual(ph.port, { batches: 1, writes: 1, superSegments: 0, pool: undefined } satisfies PortCounters);
  } finally {
    ph.close();
  }
  assert.ok(port.closed, 'closing the network closes the port');
});

/**
 * Two port hosts joined back to back by their ports: what one writes, the other reads in the next
 * turn (setImmediate, as a device's readiness would come), as one batch per write. Super-segments
 * cross whole (a kernel with GRO/LRO hands those to a TUN reader too).
 */
function backToBack(whole: boolean, sync = false): { a: PortHost; b: PortHost; pa: FakePort; pb: FakePort; sizes: number[] } {
  const pa = new FakePort(whole);
  const pb = new FakePort(whole);
  // These ports copy what they are given before returning, as a TUN write does.
  if (sync) pa.syncWrites = pb.syncWrites = true;
  const sizes: number[] = [];
  const wire = (from: FakePort, to: () => FakePort): void => {
    const deliver = (out: readonly OutboundPacket[]): number => {
      const packets = out.map((o) => {
        const p = o.packet.slice();
        // What the receiving side of a device does with a CHECKSUM_PARTIAL super-segment.
        if (o.gsoSize !== undefined) assert.ok(completePacket(parseVnetHeader(superSegmentHeader(p, o.gsoSize)!), p).ok);
        return p;
      });
      for (const p of packets) sizes.push(p.length);
      setImmediate(() => to().handler?.(packets));
      return out.length;
    };
    const plain = from.send.bind(from);
    from.send = (p) => (plain(p), deliver(p.map((packet) => ({ ifIndex: 1, nextHop: '?', packet }))));
    if (from.sendOutbound) {
      const so = from.sendOutbound;
      from.sendOutbound = (out) => (so(out), deliver(out));
    }
  };
  wire(pa, () => pb);
  wire(pb, () => pa);
  const a = createPortHost(pa, { address: '10.78.0.1/24', peer: '10.78.0.2/24', seed: 3 });
  const b = createPortHost(pb, { address: '10.78.0.2/24', peer: '10.78.0.1/24', seed: 4 });
  a.host.stack.interfaces.setOffloads(1, { gso: true });
  return { a, b, pa, pb, sizes };
}

async function bulk(whole: boolean, sync = false): Promise<{ sizes: number[]; a: PortCounters; merges: number }> {
  const { a, b, sizes } = backToBack(whole, sync);
  try {
    const data = new Uint8Array(3 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 17) & 0xff;
    const got = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      b.host.net.createServer((s) => {
        s.on('data', (c: Buffer) => chunks.push(c));
        s.on('end', () => {
          resolve(Buffer.concat(chunks));
          s.end();
        });
        s.on('error', reject);
      }).listen(9);
      const c = a.host.net.connect({ host: '10.78.0.2', port: 9 });
      c.on('error', reject);
      c.end(data);
    });
    const hash = (x: Uint8Array): string => createHash('sha256').update(x).digest('hex');
    assert.equal(got.length, data.length);
    assert.equal(hash(got), hash(data), 'SHA-256 of what arrived');
    return { sizes, a: { ...a.port, ...(a.port.pool ? { pool: { ...a.port.pool } } : {}) }, merges: b.host.stack.gro.counters.merges };
  } finally {
    a.close();
    b.close();
  }
}

test('port driver: TCP super-segments reach a port with sendOutbound whole and arrive intact; GRO is on for the port host', async () => {
  const r = await bulk(true);
  assert.ok(r.a.superSegments > 0, 'super-segments handed over whole');
  assert.ok(Math.max(...r.sizes) > 1500, `largest packet on the wire ${Math.max(...r.sizes)} B`);
  assert.ok(r.a.writes < r.a.batches + r.sizes.length, 'writes are per service, not per packet');
});

test('port driver: a port that copies on write (syncWrites) gets TCP packets from recycled memory, given back after each write; 3 MB arrive intact', async () => {
  for (const whole of [true, false]) {
    const r = await bulk(whole, true);
    const pool = r.a.pool!;
    assert.ok(pool.packets > 40, `packets from the pool: ${pool.packets}`);
    assert.equal(pool.released, pool.packets, 'every packet given back after its write');
    // Over 3 MB of packets written through one or two 256 KiB slabs: the same memory, again and again.
    assert.ok(pool.slabsAllocated <= 2, `slabs allocated ${pool.slabsAllocated} for ${pool.packets} packets`);
  }
  const plain = await bulk(true);
  assert.equal(plain.a.pool, undefined, 'a port that may keep packets gets none');
});

test('port driver: a port without sendOutbound gets wire segments no larger than the MTU, and the receiver coalesces them (GRO)', async () => {
  const r = await bulk(false);
  assert.ok(Math.max(...r.sizes) <= 1500, `largest packet on the wire ${Math.max(...r.sizes)} B`);
  assert.ok(r.merges > 0, 'in-order segments of a batch were merged before TCP input');
});

test('TUN TSO: a stack super-segment is written as it is with a TCPV4 GSO header; CWR, SYN or a length mismatch take the software path', () => {
  const seg = (flags: number, size = 10_000): Uint8Array =>
    buildIpPacket({ src: '10.0.0.1', dst: '10.0.0.2', tcp: { srcPort: 5, dstPort: 6, seq: 1, ack: 2, flags, window: 100, payload: new Uint8Array(size) } });
  const p = seg(0x18);
  const h = superSegmentHeader(p, 1448);
  assert.ok(h !== undefined);
  assert.deepEqual(parseVnetHeader(h), { flags: 1, gsoType: VIRTIO_NET_HDR_GSO_TCPV4, hdrLen: 40, gsoSize: 1448, csumStart: 20, csumOffset: 16 });
  assert.equal(tcpOffsets(p)?.end, p.length);
  assert.equal(superSegmentHeader(seg(0x90), 1448), undefined, 'CWR');
  assert.equal(superSegmentHeader(seg(0x02), 1448), undefined, 'SYN');
  assert.equal(superSegmentHeader(p.subarray(0, p.length - 1), 1448), undefined, 'IP length says more than there is');
});

test('port driver: data read in one wake-up is drained to the reader before the ACK is built, so one ACK announces the reopened window', async () => {
  const port = new FakePort(false);
  const ph = createPortHost(port, { address: '10.79.0.2/24', peer: '10.79.0.1/24', tcp: { recvBufferSize: 16_384 } });
  const got: Buffer[] = [];
  ph.host.net.createServer((s) => s.on('data', (c: Buffer) => got.push(c))).listen(9);
  try {
    const seg = (flags: number, seq: number, ack: number, payload = new Uint8Array(0)): Uint8Array =>
      buildIpPacket({ src: '10.79.0.1', dst: '10.79.0.2', tcp: { srcPort: 40000, dstPort: 9, seq, ack, flags, window: 65535, payload } });
    const tcpOf = (p: Uint8Array): TcpRepr => {
      const ip = parseIpv4(p);
      assert.ok(ip.ok);
      const t = parseTcp(ip.value.payload);
      assert.ok(t.ok);
      return t.value;
    };
    port.handler!([seg(0x02, 1000, 0)]);
    assert.equal(port.writes.length, 1, 'SYN-ACK written in the same call');
    const synAck = tcpOf(port.writes[0]![0]!.packet);
    assert.equal(synAck.flags & 0x12, 0x12);
    const isn = synAck.seq;
    port.handler!([seg(0x10, 1001, isn + 1)]);
    await new Promise((r) => setImmediate(r)); // the accept reaches the server
    const before = port.writes.length;
    const data = [0, 1, 2].map((i) => new Uint8Array(1000).fill(i + 1));
    port.handler!(data.map((d, i) => seg(0x18, 1001 + i * 1000, isn + 1, d)));
    const acks = port.writes.slice(before).flat().map((o) => tcpOf(o.packet));
    assert.equal(acks.length, 1, 'one ACK for the batch, no separate window update');
    assert.equal(acks[0]!.ack, 4001);
    assert.equal(acks[0]!.window, 16_384, 'the window the reader reopened');
    assert.equal(Buffer.concat(got).length, 3000);
  } finally {
    ph.close();
  }
});

test('TUN lending: only non-SYN TCP segments that are no IP fragment may be handed over as views of the read buffer', () => {
  const tcp = (src: string, dst: string, flags: number, extra: Partial<Parameters<typeof buildIpPacket>[0]> = {}): Uint8Array =>
    buildIpPacket({ src, dst, ...extra, tcp: { srcPort: 1, dstPort: 2, seq: 1, ack: 1, flags, window: 9, payload: new Uint8Array(100) } });
  const at = (p: Uint8Array): boolean => {
    const b = new Uint8Array(p.length + 30);
    b.set(p, 30);
    return lendableTcp(b, 30, 30 + p.length);
  };
  assert.equal(at(tcp('10.0.0.1', '10.0.0.2', 0x18)), true, 'IPv4 data segment');
  assert.equal(at(tcp('fd00::1', 'fd00::2', 0x10)), true, 'IPv6 ACK');
  assert.equal(at(tcp('10.0.0.1', '10.0.0.2', 0x02)), false, 'SYN (options and text may be kept)');
  assert.equal(at(tcp('10.0.0.1', '10.0.0.2', 0x10, { moreFragments: true })), false, 'first fragment');
  assert.equal(at(tcp('10.0.0.1', '10.0.0.2', 0x10, { fragmentOffset: 8 })), false, 'later fragment');
  assert.equal(at(buildIpPacket({ src: '10.0.0.1', dst: '10.0.0.2', udp: { srcPort: 1, dstPort: 2, payload: new Uint8Array(9) } })), false, 'UDP');
  assert.equal(at(tcp('10.0.0.1', '10.0.0.2', 0x10).subarray(0, 30)), false, 'truncated');
});

test('port driver: connectPort lets a port that offers it lend TCP segments (transientTcp), a capture still gets copies', () => {
  const port = new FakePort(false);
  port.transientTcp = false;
  const ph = createPortHost(port, { address: '10.77.1.2/24', peer: '10.77.1.1/24' });
  try {
    assert.equal(port.transientTcp, true);
    const seen: Uint8Array[] = [];
    ph.net.segment.onArrive.push((p) => seen.push(p));
    const req = buildIpPacket({ src: '10.77.1.1', dst: '10.77.1.2', icmp: { kind: 'echoRequest', id: 1, seq: 1, data: new Uint8Array(4) } });
    port.handler!([req]);
    assert.equal(seen.length, 1);
    assert.notEqual(seen[0], req, 'a copy, not the lent bytes');
    assert.deepEqual(seen[0], req);
  } finally {
    ph.close();
  }
});
