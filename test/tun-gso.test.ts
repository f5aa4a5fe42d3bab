// TSO through the TUN (link/tun-gso.ts): runs of one flow's wire segments written to the kernel as
// one GSO super-segment with a virtio-net header (gso_type TCPV4/TCPV6, gso_size, NEEDS_CSUM with
// csum_start/csum_offset and the partial pseudo-header checksum in the TCP checksum field). Unit
// rules without root; a layer4 → kernel bulk with TSO on checked by the kernel's own `nc -l`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coalesceForTso, DATA_VALID_HEADER } from '../src/link/tun-gso.js';
import { completePacket, parseVnetHeader, VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, VIRTIO_NET_HDR_GSO_TCPV6 } from '../src/link/tun-offload.js';
import { openTunHost, type TunHost } from '../src/link/tun-setup.js';
import { buildIpPacket } from '../src/wire/build.js';
import { internetChecksum } from '../src/wire/checksum.js';
import { splitTcpSegments, partialPseudoChecksum } from '../src/wire/tcp-gso.js';
import { u16, u32 } from '../src/wire/bytes.js';
import { createNetns, sha256, testBytes, tunSkipReason } from './tun-helpers.js';

function bigSegment(src: string, dst: string, size: number, flags = 0x18): Uint8Array {
  return buildIpPacket({ src, dst, tcp: { srcPort: 40000, dstPort: 9, seq: 0xfffff000, ack: 77, flags, window: 1000, payload: testBytes(size, 5) } });
}

test('TSO on the TUN: wire segments of one flow are written as one super-segment; the kernel-side header says how to cut it', () => {
  for (const [src, dst, gsoType, l4] of [['10.99.1.1', '10.99.1.2', VIRTIO_NET_HDR_GSO_TCPV4, 20], ['fd00::1', 'fd00::2', VIRTIO_NET_HDR_GSO_TCPV6, 40]] as const) {
    const big = bigSegment(src, dst, 20_000);
    const wire = splitTcpSegments(big, 1400);
    const writes = coalesceForTso(wire);
    assert.equal(writes.length, 1);
    const w = writes[0]!;
    const h = parseVnetHeader(w.vnet);
    assert.deepEqual(h, { flags: VIRTIO_NET_HDR_F_NEEDS_CSUM, gsoType, hdrLen: l4 + 20, gsoSize: 1400, csumStart: l4, csumOffset: 16 });
    assert.equal(w.packet.length, big.length);
    assert.deepEqual(w.packet.subarray(l4 + 20), big.subarray(l4 + 20), 'payload byte for byte');
    assert.equal(w.packet[l4 + 13], 0x18, 'PSH of the last piece');
    assert.equal(u32(w.packet, l4 + 4), 0xfffff000);
    if (l4 === 20) assert.equal(internetChecksum(w.packet, 0, 20), 0, 'IPv4 header checksum');
    else assert.equal(u16(w.packet, 4), w.packet.length - 40);
    assert.equal(u16(w.packet, l4 + 16), partialPseudoChecksum(w.packet, w.packet.length - l4), 'partial pseudo-header checksum');
    // What a device does with NEEDS_CSUM gives back the checksum a full computation gives.
    const done = w.packet.slice();
    assert.deepEqual(completePacket({ ...h, gsoType: 0 }, done), { ok: true, gso: false });
    assert.deepEqual(done.subarray(l4 + 16, l4 + 18), big.subarray(l4 + 16, l4 + 18));
  }
});

test('TSO on the TUN: other flows, gaps, a short piece and non-data segments end a run; singles keep DATA_VALID', () => {
  const a = splitTcpSegments(bigSegment('10.0.0.1', '10.0.0.2', 5000, 0x10), 1000);
  const b = splitTcpSegments(bigSegment('10.0.0.3', '10.0.0.2', 3000, 0x10), 1000);
  const syn = buildIpPacket({ src: '10.0.0.1', dst: '10.0.0.2', tcp: { srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: 0x02, window: 1, payload: new Uint8Array(0) } });
  const batch = [a[0]!, a[1]!, b[0]!, b[1]!, b[2]!, a[2]!, a[4]!, syn];
  const writes = coalesceForTso(batch);
  const sizes = writes.map((w) => [w.packet.length, w.vnet === DATA_VALID_HEADER ? 'plain' : parseVnetHeader(w.vnet).gsoSize]);
  assert.deepEqual(sizes, [[40 + 2000, 1000], [40 + 3000, 1000], [1040, 'plain'], [1040, 'plain'], [syn.length, 'plain']]);
});

test('layer4 → kernel bulk over TUN with TSO: super-segments written, kernel `nc -l` receives every byte (SHA-256), IPv4 and IPv6', async (t) => {
  const skip = tunSkipReason(['nc']);
  if (skip) return void t.skip(skip);
  const ns = createNetns();
  let th: TunHost | undefined;
  try {
    th = openTunHost({ name: `l4g${process.pid % 10000}`, address: ['10.99.14.2/24', 'fd00:99:14::2/64'], netns: ns.name, offload: true });
    for (const [addr, port, seed] of [['10.99.14.1', 9001, 61], ['fd00:99:14::1', 9002, 62]] as const) {
      const data = testBytes(8 * 1024 * 1024, seed);
      const receiver = ns.run('nc', ['-l', addr, String(port)], { timeoutMs: 120_000 });
      let s;
      for (let i = 0; ; i++) {
        try {
          s = await new Promise<import('node:net').Socket>((resolve, reject) => {
            const c = th!.host.net.connect({ host: addr, port }) as unknown as import('node:net').Socket;
            c.once('connect', () => resolve(c));
            c.once('error', reject);
          });
          break;
        } catch (err) {
          if (i > 50) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      s.end(data);
      s.resume();
      const r = await receiver;
      assert.equal(r.stdout.length, data.length, r.stderr);
      assert.equal(sha256(r.stdout), sha256(data));
    }
    const st = th.tun.stats;
    assert.ok(st.txGso > 0, `super-segments were written: ${JSON.stringify(st)}`);
    assert.ok(st.txGsoSegments > 2 * st.txGso, 'each carried several wire segments');
    assert.equal(st.txDropped, 0);
  } finally {
    th?.close();
    ns.remove();
  }
});
