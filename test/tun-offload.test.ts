// virtio-net offloads on the TUN (IFF_VNET_HDR + TUNSETOFFLOAD): partial checksums finished as
// RFC 1071 sums them, GSO super-segments taken whole; and a kernel bulk transfer with offloads on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildIpPacket } from '../src/wire/build.js';
import { internetChecksum, pseudoHeaderSum } from '../src/wire/checksum.js';
import { parseIp } from '../src/wire/address.js';
import { completePacket, parseVnetHeader, VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4 } from '../src/link/tun-offload.js';
import { openTunHost, type TunHost } from '../src/link/tun-setup.js';
import { createNetns, sha256, testBytes, tunSkipReason } from './tun-helpers.js';

function partial(src: string, dst: string): { packet: Uint8Array; full: Uint8Array; ihl: number } {
  const full = buildIpPacket({ src, dst, tcp: { srcPort: 40000, dstPort: 9, seq: 1, ack: 0, flags: 0x18, window: 1000, payload: testBytes(1001, 3) } });
  const ihl = src.includes(':') ? 40 : 20;
  const packet = full.slice();
  // What the kernel hands over with NEEDS_CSUM: the field holds the folded pseudo-header sum only.
  const tcpLen = packet.length - ihl;
  let p = pseudoHeaderSum(parseIp(src)!, parseIp(dst)!, 6, tcpLen);
  while (p > 0xffff) p = (p & 0xffff) + (p >>> 16);
  packet[ihl + 16] = p >>> 8;
  packet[ihl + 17] = p & 0xff;
  return { packet, full, ihl };
}

test('virtio-net NEEDS_CSUM: the partial TCP checksum is finished to what a full computation gives (IPv4, IPv6)', () => {
  for (const [src, dst] of [['10.99.1.1', '10.99.1.2'], ['fd00:99::1', 'fd00:99::2']] as const) {
    const { packet, full, ihl } = partial(src, dst);
    assert.notDeepEqual(packet, full);
    const r = completePacket({ flags: VIRTIO_NET_HDR_F_NEEDS_CSUM, gsoType: 0, hdrLen: 0, gsoSize: 0, csumStart: ihl, csumOffset: 16 }, packet);
    assert.deepEqual(r, { ok: true, gso: false });
    assert.deepEqual(packet, full);
  }
});

test('virtio-net header: little-endian fields; a csum offset outside the packet is reported, not thrown', () => {
  const h = parseVnetHeader(new Uint8Array([1, 1, 0x36, 0, 0xa8, 0x05, 20, 0, 16, 0, 0, 0]));
  assert.deepEqual(h, { flags: 1, gsoType: VIRTIO_NET_HDR_GSO_TCPV4, hdrLen: 0x36, gsoSize: 1448, csumStart: 20, csumOffset: 16 });
  const r = completePacket({ ...h, csumStart: 200 }, new Uint8Array(60));
  assert.equal(r.ok, false);
});

test('GSO TCPv4 super-segment: IPv4 total length and header checksum describe the whole packet', () => {
  const { full } = partial('10.99.1.1', '10.99.1.2');
  full[2] = 0;
  full[3] = 0;
  const r = completePacket({ flags: 0, gsoType: VIRTIO_NET_HDR_GSO_TCPV4, hdrLen: 52, gsoSize: 500, csumStart: 20, csumOffset: 16 }, full);
  assert.deepEqual(r, { ok: true, gso: true });
  assert.equal((full[2]! << 8) | full[3]!, full.length);
  assert.equal(internetChecksum(full, 0, 20), 0);
});

test('kernel → layer4 bulk with TSO/checksum offloads on: super-segments arrive and every byte is intact', async (t) => {
  const skip = tunSkipReason(['nc']);
  if (skip) return void t.skip(skip);
  const ns = createNetns();
  let th: TunHost | undefined;
  try {
    th = openTunHost({ name: `l4o${process.pid % 10000}`, address: ['10.99.13.2/24', 'fd00:99:13::2/64'], netns: ns.name, offload: true });
    const results: Array<Promise<{ n: number; hash: string }>> = [];
    th.host.net.createServer((s) => {
      results.push(
        new Promise((resolve) => {
          const h = createHash('sha256');
          let n = 0;
          s.on('data', (c: Buffer) => {
            h.update(c);
            n += c.length;
          });
          s.on('end', () => {
            s.end();
            resolve({ n, hash: h.digest('hex') });
          });
        }),
      );
    }).listen(9);
    const data = testBytes(8 * 1024 * 1024, 51);
    for (const addr of ['10.99.13.2', 'fd00:99:13::2']) {
      const r = await ns.run('nc', ['-N', '-w', '30', addr, '9'], { input: data, timeoutMs: 120_000 });
      assert.equal(r.code, 0, r.stderr);
    }
    const got = await Promise.all(results);
    assert.deepEqual(got, [{ n: data.length, hash: sha256(data) }, { n: data.length, hash: sha256(data) }]);
    assert.ok(th.tun.stats.rxGso > 0, `the kernel sent GSO super-segments: ${JSON.stringify(th.tun.stats)}`);
    assert.equal(th.tun.stats.rxBad, 0);
  } finally {
    th?.close();
    ns.remove();
  }
});
