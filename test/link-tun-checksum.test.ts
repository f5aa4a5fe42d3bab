// Checksums the kernel vouches for on a TUN with offloads: TCP segments marked NEEDS_CSUM (built on
// this machine, never on a wire) or DATA_VALID are handed to the stack as verified
// (stack/link-verified.ts) and their partial sum is left unfinished; everything else is verified
// by the stack as before (RFC 1122 §4.2.2.7 for segments received from a network).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildIpPacket } from '../src/wire/build.js';
import { pseudoHeaderSum, transportChecksum } from '../src/wire/checksum.js';
import { readPcap } from '../src/wire/pcap.js';
import { createPortHost, type PacketPort } from '../src/link/real-driver.js';
import { parseIp } from '../src/wire/address.js';
import {
  completePacket,
  kernelVouchesTcpChecksum,
  VIRTIO_NET_HDR_F_DATA_VALID,
  VIRTIO_NET_HDR_F_NEEDS_CSUM,
  type VnetHeader,
} from '../src/link/tun-offload.js';
import { markTransportChecksumVerified } from '../src/stack/link-verified.js';
import { openTunHost, type TunHost } from '../src/link/tun-setup.js';
import { makeStack } from './stack-harness.js';
import { createNetns, sha256, testBytes, tunSkipReason } from './tun-helpers.js';

const hdr = (flags: number, csumStart: number, csumOffset = 16): VnetHeader => ({ flags, gsoType: 0, hdrLen: 0, gsoSize: 0, csumStart, csumOffset });

function tcpSyn(src: string, dst: string, port = 9): Uint8Array {
  return buildIpPacket({ src, dst, tcp: { srcPort: 40000, dstPort: port, seq: 1, ack: 0, flags: 0x02, window: 1000, payload: new Uint8Array(0) } });
}

function partialSum(packet: Uint8Array, src: string, dst: string, ihl: number): void {
  let p = pseudoHeaderSum(parseIp(src)!, parseIp(dst)!, 6, packet.length - ihl);
  while (p > 0xffff) p = (p & 0xffff) + (p >>> 16);
  packet[ihl + 16] = p >>> 8;
  packet[ihl + 17] = p & 0xff;
}

test('virtio-net: the kernel vouches for TCP checksums marked NEEDS_CSUM (at the TCP checksum field) or DATA_VALID, nothing else', () => {
  const v4 = tcpSyn('10.99.1.1', '10.99.1.2');
  const v6 = tcpSyn('fd00:99::1', 'fd00:99::2');
  assert.equal(kernelVouchesTcpChecksum(hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 20), v4), true);
  assert.equal(kernelVouchesTcpChecksum(hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 40), v6), true);
  assert.equal(kernelVouchesTcpChecksum(hdr(VIRTIO_NET_HDR_F_DATA_VALID, 0, 0), v4), true);
  // No flag: the checksum is whatever came in, the stack verifies it.
  assert.equal(kernelVouchesTcpChecksum(hdr(0, 0, 0), v4), false);
  // NEEDS_CSUM pointing elsewhere than the TCP checksum field is not vouching for TCP.
  assert.equal(kernelVouchesTcpChecksum(hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 20, 6), v4), false);
  assert.equal(kernelVouchesTcpChecksum(hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 24), v4), false);
  // UDP is not TCP.
  const udp = buildIpPacket({ src: '10.99.1.1', dst: '10.99.1.2', udp: { srcPort: 1, dstPort: 2, payload: new Uint8Array(8) } });
  assert.equal(kernelVouchesTcpChecksum(hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 20, 6), udp), false);
  assert.equal(kernelVouchesTcpChecksum(hdr(VIRTIO_NET_HDR_F_DATA_VALID, 0, 0), udp), false);
  // Truncated: never vouched, never throws.
  assert.equal(kernelVouchesTcpChecksum(hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 20), v4.subarray(0, 30)), false);
});

test('virtio-net NEEDS_CSUM with leavePartial: the partial sum stays as the kernel wrote it (not finished)', () => {
  const p = tcpSyn('10.99.1.1', '10.99.1.2');
  partialSum(p, '10.99.1.1', '10.99.1.2', 20);
  const before = p.slice();
  assert.deepEqual(completePacket(hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 20), p, true), { ok: true, gso: false });
  assert.deepEqual(p, before);
  assert.deepEqual(completePacket(hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 20), p), { ok: true, gso: false });
  assert.notDeepEqual(p, before);
});

for (const [src, dst] of [['10.0.0.9', '10.0.0.1'], ['2001:db8::9', '2001:db8::1']] as const) {
  test(`RFC 1122 §4.2.2.7: a TCP segment with a bad checksum is dropped unless the driver marked it verified (${src})`, () => {
    const s = makeStack();
    s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24', '2001:db8::1/64'] });
    const bad = (): Uint8Array => {
      const p = tcpSyn(src, dst, 5555);
      p[p.length - 3]! ^= 0x40; // a bit of the TCP header flipped: the checksum no longer matches
      return p;
    };
    s.receive(bad(), 0, 1);
    assert.equal(s.stats.drops['tcp-checksum'], 1);
    assert.equal(s.poll(0).length, 0);
    // A copy of a marked packet is not marked: only the exact object the driver vouched for.
    const marked = markTransportChecksumVerified(bad());
    s.receive(marked.slice(), 0, 1);
    assert.equal(s.stats.drops['tcp-checksum'], 2);
    s.receive(marked, 0, 1);
    assert.equal(s.stats.drops['tcp-checksum'], 2);
    // Taken to TCP: a SYN to a closed port draws a RST (RFC 9293 §3.10.7.1).
    const out = s.poll(0);
    assert.equal(out.length, 1);
  });
}

test('kernel → layer4 over TUN with offloads: TCP checksums the kernel vouches for are not finished or verified again, the data is intact; off, every one is finished', async (t) => {
  const skip = tunSkipReason(['nc']);
  if (skip) return void t.skip(skip);
  for (const trust of [true, false]) {
    const ns = createNetns();
    let th: TunHost | undefined;
    try {
      th = openTunHost({ name: `l4k${process.pid % 10000}`, address: ['10.99.14.2/24', 'fd00:99:14::2/64'], netns: ns.name, offload: true });
      th.tun.trustKernelChecksums = trust;
      const got: Array<Promise<string>> = [];
      th.host.net.createServer((s) => {
        got.push(
          new Promise((resolve) => {
            const chunks: Buffer[] = [];
            s.on('data', (c: Buffer) => chunks.push(c));
            s.on('end', () => {
              s.end();
              resolve(sha256(Buffer.concat(chunks)));
            });
          }),
        );
      }).listen(9);
      const data = testBytes(2 * 1024 * 1024, 7);
      for (const addr of ['10.99.14.2', 'fd00:99:14::2']) {
        const r = await ns.run('nc', ['-N', '-w', '30', addr, '9'], { input: data, timeoutMs: 120_000 });
        assert.equal(r.code, 0, r.stderr);
      }
      assert.deepEqual(await Promise.all(got), [sha256(data), sha256(data)]);
      const st = th.tun.stats;
      if (trust) {
        assert.ok(st.rxCsumTrusted > 0, JSON.stringify(st));
        assert.equal(st.rxCsumFinished, 0, JSON.stringify(st));
      } else {
        assert.equal(st.rxCsumTrusted, 0);
        assert.ok(st.rxCsumFinished > 0, JSON.stringify(st));
      }
      assert.equal(th.host.stack.stats.drops['tcp-checksum'] ?? 0, 0);
    } finally {
      th?.close();
      ns.remove();
    }
  }
});

test('RFC 1122 §4.2.2.7 with GRO (receiveBatch): marked data segments with bad checksums are merged and taken, unmarked ones dropped', () => {
  const seg = (seq: number, mark: boolean): Uint8Array => {
    const p = buildIpPacket({ src: '10.0.0.9', dst: '10.0.0.1', tcp: { srcPort: 40000, dstPort: 5555, seq, ack: 1, flags: 0x10, window: 1000, payload: new Uint8Array(100).fill(7) } });
    p[p.length - 1]! ^= 0x01; // a payload bit flipped: the checksum no longer matches
    return mark ? markTransportChecksumVerified(p) : p;
  };
  const s = makeStack();
  s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24'], gro: true });
  s.receiveBatch([seg(1000, false), seg(1100, false)], 0, 1);
  assert.equal(s.stats.drops['tcp-checksum'], 2);
  assert.equal(s.poll(0).length, 0);
  s.receiveBatch([seg(1000, true), seg(1100, true)], 0, 1);
  assert.equal(s.stats.drops['tcp-checksum'], 2);
  // Taken to TCP as one merged segment: data to a closed port draws one RST (RFC 9293 §3.10.7.1).
  assert.equal(s.gro.counters.merges, 1);
  assert.equal(s.poll(0).length, 1);
});

test('a capture on a TUN host shows kernel-vouched segments with their checksum finished; the stack still gets the packet as handed over', () => {
  let deliver: ((packets: Uint8Array[]) => void) | undefined;
  const port: PacketPort = { onPackets: (h) => void (deliver = h), send: (p) => p.length, close: () => undefined, transientTcp: false };
  const ph = createPortHost(port, { address: '10.99.7.2/24', peer: '10.99.7.1/24' });
  try {
    const cap = ph.net.capture(undefined, { point: 'rx' });
    for (const [src, dst, ihl] of [['10.99.7.1', '10.99.7.2', 20], ['fd00:99:7::1', 'fd00:99:7::2', 40]] as const) {
      const p = tcpSyn(src, dst, 4444);
      partialSum(p, src, dst, ihl);
      const handed = p.slice();
      deliver!([markTransportChecksumVerified(p)]);
      // The stack's packet is untouched: still the partial sum.
      assert.deepEqual(p, handed);
    }
    const r = readPcap(cap.bytes());
    assert.ok(r.ok);
    assert.equal(r.packets.length, 2);
    for (const { data } of r.packets) {
      const ihl = data[0]! >> 4 === 4 ? 20 : 40;
      const src = ihl === 20 ? data.subarray(12, 16) : data.subarray(8, 24);
      const dst = ihl === 20 ? data.subarray(16, 20) : data.subarray(24, 40);
      // A correct checksum sums to zero with the pseudo-header (RFC 9293 §3.1).
      assert.equal(transportChecksum(data, ihl, data.length - ihl, src, dst, 6), 0);
    }
  } finally {
    ph.close();
  }
});
