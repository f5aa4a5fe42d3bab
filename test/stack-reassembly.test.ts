import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteBudget, ENTRY_OVERHEAD, FRAGMENT_OVERHEAD, Reassembler } from '../src/stack/reassembly.js';
import { buildPackets } from '../src/stack/ip-output.js';
import { makeStack } from './stack-harness.js';
import { parseIpv4 } from '../src/wire/ipv4.js';
import { parseIpv6 } from '../src/wire/ipv6.js';
import { internetChecksum } from '../src/wire/checksum.js';
import { emitUdp } from '../src/wire/udp.js';
import { parseIp } from '../src/wire/address.js';
import type { Stack } from '../src/stack/stack.js';
import type { UdpSocket } from '../src/udp/socket.js';

function data(n: number, seed = 1): Uint8Array {
  return new Uint8Array(n).map((_, i) => (i * 131 + seed * 7) & 0xff);
}

function frag(key: string, offset: number, bytes: Uint8Array, more: boolean) {
  return { key, offset, more, data: bytes, maxEnd: 65515, first: 'hdr' };
}

test('RFC 815 holes: out-of-order fragments reassemble, completion only when every hole is filled', () => {
  const r = new Reassembler<string>(new ByteBudget(1 << 20), 30_000, 'ipv4');
  const d = data(40);
  assert.equal(r.add(frag('k', 24, d.subarray(24), false), 0).kind, 'held');
  assert.equal(r.add(frag('k', 8, d.subarray(8, 16), true), 0).kind, 'held');
  assert.equal(r.add(frag('k', 0, d.subarray(0, 8), true), 0).kind, 'held');
  const done = r.add(frag('k', 16, d.subarray(16, 24), true), 0);
  assert.equal(done.kind, 'complete');
  assert.deepEqual(done.kind === 'complete' && done.payload, d);
  assert.equal(r.size, 0);
  assert.equal(r.bytesHeld(), 0);
});

test('RFC 8200 §4.5: exact duplicate fragments are dropped alone, reassembly goes on', () => {
  for (const policy of ['ipv4', 'ipv6'] as const) {
    const r = new Reassembler<string>(new ByteBudget(1 << 20), 30_000, policy);
    const d = data(24);
    r.add(frag('k', 0, d.subarray(0, 16), true), 0);
    const dup = r.add(frag('k', 0, d.subarray(0, 16), true), 0);
    assert.deepEqual(dup, { kind: 'dropped', reason: 'duplicate' });
    const done = r.add(frag('k', 16, d.subarray(16), false), 0);
    assert.equal(done.kind, 'complete', policy);
  }
});

test('a late duplicate of a completed datagram is dropped, not reassembled again', () => {
  const r = new Reassembler<string>(new ByteBudget(1 << 20), 30_000, 'ipv4');
  const d = data(24);
  r.add(frag('k', 0, d.subarray(0, 16), true), 0);
  assert.equal(r.add(frag('k', 16, d.subarray(16), false), 0).kind, 'complete');
  assert.deepEqual(r.add(frag('k', 0, d.subarray(0, 16), true), 1), { kind: 'dropped', reason: 'duplicate' });
  assert.equal(r.size, 0);
  assert.equal(r.bytesHeld(), 0);
});

test('RFC 5722: an overlapping IPv6 fragment abandons the whole datagram, later fragments included', () => {
  const r = new Reassembler<string>(new ByteBudget(1 << 20), 60_000, 'ipv6');
  const d = data(48);
  r.add(frag('k', 0, d.subarray(0, 16), true), 0);
  // same bytes, but a different split: still an overlap for IPv6
  assert.deepEqual(r.add(frag('k', 8, d.subarray(8, 24), true), 0), { kind: 'dropped', reason: 'overlap' });
  assert.deepEqual(r.add(frag('k', 24, d.subarray(24), false), 0), { kind: 'dropped', reason: 'abandoned' });
  assert.deepEqual(r.add(frag('k', 16, d.subarray(16, 24), true), 0), { kind: 'dropped', reason: 'abandoned' });
  assert.equal(r.bytesHeld(), ENTRY_OVERHEAD, 'only the tombstone is charged');
  // the tombstone lives until the timer, then the key is usable again and no error is owed
  assert.deepEqual(r.expire(60_000), []);
  assert.equal(r.size, 0);
});

test('IPv4 overlap policy: identical overlapping bytes are accepted, differing bytes abandon the datagram', () => {
  const r = new Reassembler<string>(new ByteBudget(1 << 20), 30_000, 'ipv4');
  const d = data(48);
  r.add(frag('a', 0, d.subarray(0, 16), true), 0);
  assert.equal(r.add(frag('a', 8, d.subarray(8, 32), true), 0).kind, 'held');
  const done = r.add(frag('a', 32, d.subarray(32), false), 0);
  assert.equal(done.kind, 'complete');
  assert.deepEqual(done.kind === 'complete' && done.payload, d);

  r.add(frag('b', 0, d.subarray(0, 16), true), 0);
  const evil = d.slice(8, 32);
  evil[0]! ^= 0xff; // rewrites byte 8, which is already held
  assert.deepEqual(r.add(frag('b', 8, evil, true), 0), { kind: 'dropped', reason: 'overlap' });
  assert.deepEqual(r.add(frag('b', 32, d.subarray(32), false), 0), { kind: 'dropped', reason: 'abandoned' });
});

test('inconsistent lengths: a second last fragment with another end, or data beyond the end, abandon', () => {
  const r = new Reassembler<string>(new ByteBudget(1 << 20), 30_000, 'ipv4');
  const d = data(64);
  r.add(frag('k', 32, d.subarray(32, 40), false), 0);
  assert.deepEqual(r.add(frag('k', 40, d.subarray(40, 48), true), 0), { kind: 'dropped', reason: 'inconsistent-length' });
  const r2 = new Reassembler<string>(new ByteBudget(1 << 20), 30_000, 'ipv4');
  r2.add(frag('k', 32, d.subarray(32, 40), false), 0);
  assert.deepEqual(r2.add(frag('k', 48, d.subarray(48, 56), false), 0), { kind: 'dropped', reason: 'inconsistent-length' });
});

test('per-datagram bound: a fragment reaching past 65535 is dropped (RFC 8200 §4.5)', () => {
  const r = new Reassembler<string>(new ByteBudget(1 << 20), 30_000, 'ipv4');
  assert.deepEqual(r.add({ key: 'k', offset: 65528, more: false, data: data(16), maxEnd: 65515 }, 0), { kind: 'dropped', reason: 'too-big' });
  assert.equal(r.size, 0);
});

test('stack-wide budget: a flood of incomplete datagrams stays within the bound, oldest evicted first', () => {
  const budget = new ByteBudget(64 * 1024);
  const v4 = new Reassembler<string>(budget, 30_000, 'ipv4');
  const v6 = new Reassembler<string>(budget, 60_000, 'ipv6');
  for (let i = 0; i < 2000; i++) {
    const r = i % 2 ? v4 : v6;
    r.add(frag(`k${i}`, 8, data(1000), true), i);
    assert.ok(budget.used <= budget.limit);
    assert.equal(budget.used, v4.bytesHeld() + v6.bytesHeld());
  }
  assert.ok(budget.evictions > 1900);
  // the survivors are the newest ones
  const per = ENTRY_OVERHEAD + 1000 + FRAGMENT_OVERHEAD;
  assert.equal(v4.size + v6.size, Math.floor(budget.limit / per));
  assert.equal(v4.oldestCreated()! >= 2000 - Math.floor(budget.limit / per) - 1, true);
});

// ---- through the Stack -------------------------------------------------------------------

function udpDatagram(family: 4 | 6, src: string, dst: string, port: number, payload: Uint8Array): Uint8Array {
  const u = new Uint8Array(8 + payload.length);
  emitUdp({ srcPort: 1111, dstPort: port, payload }, u, 0, parseIp(src)!, parseIp(dst)!);
  return u;
}

function fragments(family: 4 | 6, payload: Uint8Array, mtu: number, id: number): Uint8Array[] {
  const src = family === 4 ? '10.0.0.9' : '2001:db8::9';
  const dst = family === 4 ? '10.0.0.1' : '2001:db8::1';
  const r = buildPackets({ family, src, dst, protocol: 17, payload: udpDatagram(family, src, dst, 53, payload), ttl: 64, ecn: 0, dscp: 0, dontFragment: false }, mtu, id);
  assert.ok(r.ok);
  return r.packets;
}

function host(extra = {}): { s: Stack; u4: UdpSocket; u6: UdpSocket } {
  const s = makeStack(extra);
  s.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24', '2001:db8::1/64'] });
  const u4 = s.udp.open({ family: 4 });
  assert.ok(u4.bind('0.0.0.0', 53).ok);
  const u6 = s.udp.open({ family: 6, ipv6Only: true });
  assert.ok(u6.bind('::', 53).ok);
  return { s, u4, u6 };
}

for (const family of [4, 6] as const) {
  test(`fast-check: any fragmentation, any order, with duplicates, reassembles to the original (IPv${family})`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6000 }),
        fc.integer({ min: family === 4 ? 68 : 1280, max: 1500 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.nat(),
        (size, mtu, dupPicks, id, shuffleSeed) => {
          const payload = data(size, id);
          const { s, u4, u6 } = host();
          const frs = fragments(family, payload, mtu, id);
          const sent = [...frs];
          for (const p of dupPicks) sent.push(frs[p % frs.length]!);
          // deterministic shuffle
          let x = shuffleSeed | 1;
          for (let i = sent.length - 1; i > 0; i--) {
            x = (x * 1103515245 + 12345) >>> 0;
            const j = x % (i + 1);
            [sent[i], sent[j]] = [sent[j]!, sent[i]!];
          }
          for (const p of sent) s.receive(p.slice(), 0, 1);
          const u = family === 4 ? u4 : u6;
          const m = u.recv();
          assert.ok(m, `delivered (${frs.length} fragments, mtu ${mtu})`);
          assert.deepEqual(m.data, payload);
          // Every delivery is the original; an unfragmented datagram's copies are all delivered.
          let extra = 0;
          for (let m2 = u.recv(); m2; m2 = u.recv()) {
            assert.deepEqual(m2.data, payload);
            extra++;
          }
          // Late duplicates of a completed datagram are recognised: delivered exactly once, and
          // nothing is left to time out.
          if (frs.length > 1) {
            assert.equal(extra, 0);
            assert.equal(s.frags.budget.used, 0);
          } else {
            assert.equal(extra, dupPicks.length);
          }
        },
      ),
      { numRuns: 80 },
    );
  });
}

test('RFC 5722 through the stack: overlapping IPv6 fragments are dropped silently (no ICMP)', () => {
  const { s, u6 } = host();
  const frs = fragments(6, data(3000), 1280, 77);
  assert.equal(frs.length, 3);
  // a forged fragment overlapping the second one
  const forged = frs[1]!.slice();
  const fo = 40;
  const off = ((forged[fo + 2]! << 8) | forged[fo + 3]!) & 0xfff8;
  const moved = off - 8;
  forged[fo + 2] = moved >> 8;
  forged[fo + 3] = (moved & 0xf8) | 1;
  s.receive(frs[0]!, 0, 1);
  s.receive(forged, 0, 1);
  s.receive(frs[1]!, 0, 1);
  s.receive(frs[2]!, 0, 1);
  assert.equal(u6.recv(), undefined);
  assert.equal(s.stats.drops['frag-overlap'], 1);
  assert.equal(s.poll(0).length, 0, 'no ICMP error about it');
});

test('RFC 6946: an atomic fragment (offset 0, M=0) is processed on its own, outside reassembly', () => {
  const { s, u6 } = host();
  const src = '2001:db8::9';
  const dst = '2001:db8::1';
  const udp = udpDatagram(6, src, dst, 53, data(100));
  const r = buildPackets({ family: 6, src, dst, protocol: 17, payload: udp, ttl: 64, ecn: 0, dscp: 0, dontFragment: false }, 1280, 5);
  assert.ok(r.ok);
  // build it by hand: fixed header + fragment header (offset 0, M=0) + UDP
  const p = new Uint8Array(40 + 8 + udp.length);
  p.set(r.packets[0]!.subarray(0, 40));
  p[4] = (8 + udp.length) >> 8;
  p[5] = (8 + udp.length) & 0xff;
  p[6] = 44;
  p[40] = 17;
  p[44] = 0;
  p[45] = 0;
  p[46] = 0;
  p[47] = 5;
  p.set(udp, 48);
  // a pending fragmented datagram with the same id must not swallow it
  const pending = fragments(6, data(3000), 1280, 5);
  s.receive(pending[0]!, 0, 1);
  s.receive(p, 0, 1);
  assert.deepEqual(u6.recv()?.data, data(100));
  assert.equal(s.frags.datagrams, 1, 'the fragmented one is still pending');
});

test('reassembly timeout: ICMP time exceeded (code 1) only when the first fragment had arrived', () => {
  for (const family of [4, 6] as const) {
    const { s } = host();
    const withFirst = fragments(family, data(3000), 1280, 100);
    const withoutFirst = fragments(family, data(3000), 1280, 200);
    s.receive(withFirst[0]!, 0, 1);
    s.receive(withoutFirst[1]!, 0, 1);
    const timeout = family === 4 ? 30_000 : 60_000;
    assert.equal(s.pollAt(), timeout);
    assert.equal(s.poll(timeout - 1).length, 0);
    const out = s.poll(timeout);
    assert.equal(out.length, 1, `IPv${family}: one time exceeded`);
    const pkt = out[0]!.packet;
    if (family === 4) {
      const ip = parseIpv4(pkt);
      assert.ok(ip.ok);
      assert.equal(ip.value.payload[0], 11);
      assert.equal(ip.value.payload[1], 1);
      assert.equal(ip.value.dst, '10.0.0.9');
      assert.equal(ip.value.payload.length, 8 + Math.min(548, withFirst[0]!.length));
    } else {
      const ip = parseIpv6(pkt);
      assert.ok(ip.ok);
      assert.equal(ip.value.payload[0], 3);
      assert.equal(ip.value.payload[1], 1);
      assert.equal(ip.value.dst, '2001:db8::9');
      assert.ok(ip.value.payload.length <= 1280 - 40);
    }
    assert.equal(s.stats.ip.reasmTimeouts, 2);
    assert.equal(s.frags.budget.used, 0);
    assert.equal(s.pollAt(), undefined);
  }
});

test('a flood of incomplete fragments through the stack stays within the configured budget and times out', () => {
  const budgetBytes = 256 * 1024;
  const { s } = host({ reassembly: { budgetBytes, timeoutV4Ms: 30_000 } });
  let t = 0;
  for (let i = 0; i < 3000; i++) {
    const f = fragments(4, data(2000, i), 1500, i)[0]!; // only first fragments: never complete
    s.receive(f, t, 1);
    t += 1;
    assert.ok(s.frags.budget.used <= budgetBytes);
  }
  assert.ok(s.frags.budget.used > budgetBytes / 2);
  assert.ok(s.frags.budget.evictions > 2500);
  s.poll(t + 30_000);
  assert.equal(s.frags.budget.used, 0);
  assert.equal(s.frags.datagrams, 0);
  assert.ok(s.stats.ip.reasmTimeouts > 100);
  // time exceeded messages were rate limited, not one per datagram
  assert.ok(s.stats.icmp.rateLimited > 0);
  assert.ok(s.stats.icmp.outErrors <= 50);
});

test('IPv4 reassembled packet has a valid header checksum and cleared fragment fields', () => {
  const { s } = host();
  const frs = fragments(4, data(4000), 1000, 9);
  let seen: Uint8Array | undefined;
  const orig = s.udp.input.bind(s.udp);
  s.udp.input = (inb, now) => {
    seen = inb.packet;
    orig(inb, now);
  };
  for (const f of frs.reverse()) s.receive(f, 0, 1);
  assert.ok(seen);
  assert.equal(internetChecksum(seen, 0, 20), 0);
  assert.equal(((seen[6]! << 8) | seen[7]!) & 0x3fff, 0);
  assert.equal((seen[2]! << 8) | seen[3]!, seen.length);
});
