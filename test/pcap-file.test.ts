import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LinkType, PcapWriter, readPcap, stripLinkHeader, writePcap } from '../src/wire/pcap.js';

const ipv4 = Uint8Array.from([0x45, 0, 0, 20, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
const ipv6 = Uint8Array.from([0x60, 0, 0, 0, 0, 0, 59, 64, ...new Array<number>(32).fill(0)]);

test('pcap round trip, microsecond precision (magic a1b2c3d4)', () => {
  const file = writePcap([{ data: ipv4, timeMs: 1500.25 }, { data: ipv6, timeMs: 0 }]);
  assert.deepEqual([...file.subarray(0, 4)], [0xd4, 0xc3, 0xb2, 0xa1]);
  const r = readPcap(file);
  assert.ok(r.ok);
  assert.equal(r.header.precision, 'micro');
  assert.equal(r.header.linkType, LinkType.RAW);
  assert.equal(r.header.byteOrder, 'little');
  assert.equal(r.packets.length, 2);
  const [a, b] = r.packets;
  assert.equal(a?.tsSec, 1);
  assert.equal(a?.tsFrac, 500250);
  assert.equal(a?.timeMs, 1500.25);
  assert.deepEqual(a?.data, ipv4);
  assert.equal(a?.etherType, 0x0800);
  assert.equal(b?.etherType, 0x86dd);
  assert.equal(b?.offset, 24 + 16 + 20);
});

test('pcap round trip, nanosecond precision (magic a1b23c4d), big-endian', () => {
  const file = writePcap([{ data: ipv4, timeMs: 2000.000001 }], { precision: 'nano', byteOrder: 'big' });
  assert.deepEqual([...file.subarray(0, 4)], [0xa1, 0xb2, 0x3c, 0x4d]);
  const r = readPcap(file);
  assert.ok(r.ok);
  assert.equal(r.header.precision, 'nano');
  assert.equal(r.header.byteOrder, 'big');
  assert.equal(r.packets[0]?.tsSec, 2);
  assert.equal(r.packets[0]?.tsFrac, 1);
});

test('pcap property: write then read gives the same packets and times', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ data: fc.uint8Array({ maxLength: 80 }), timeMs: fc.integer({ min: 0, max: 4e12 }) }), { maxLength: 8 }),
      fc.constantFrom('micro' as const, 'nano' as const),
      fc.constantFrom('little' as const, 'big' as const),
      (pkts, precision, byteOrder) => {
        const r = readPcap(writePcap(pkts, { precision, byteOrder }));
        assert.ok(r.ok);
        assert.equal(r.packets.length, pkts.length);
        r.packets.forEach((p, i) => {
          assert.deepEqual(p.frame, pkts[i]?.data);
          assert.equal(p.timeMs, pkts[i]?.timeMs);
        });
      },
    ),
  );
});

test('writer: snaplen cuts the packet and keeps the original length; negative time clamps to 0', () => {
  const w = new PcapWriter({ snapLen: 8 });
  const rec = w.record(ipv4, -5);
  const file = new Uint8Array([...w.header(), ...rec]);
  const r = readPcap(file);
  assert.ok(r.ok);
  assert.equal(r.header.snapLen, 8);
  assert.equal(r.packets[0]?.capLen, 8);
  assert.equal(r.packets[0]?.origLen, 20);
  assert.equal(r.packets[0]?.timeMs, 0);
});

test('PCAP_BAD_MAGIC at offset 0, with a hint for pcapng', () => {
  const r = readPcap(new Uint8Array(24).fill(0x11));
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'PCAP_BAD_MAGIC');
  assert.equal(r.error.offset, 0);
  const ng = readPcap(Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0]));
  assert.ok(!ng.ok);
  assert.match(ng.error.message, /pcapng/);
});

test('PCAP_TRUNCATED names the offset: file header, record header, record data', () => {
  const file = writePcap([{ data: ipv4, timeMs: 1 }, { data: ipv4, timeMs: 2 }]);
  const h = readPcap(file.subarray(0, 10));
  assert.ok(!h.ok && h.error.code === 'PCAP_TRUNCATED' && h.error.offset === 10);
  const rh = readPcap(file.subarray(0, 24 + 36 + 5));
  assert.ok(!rh.ok);
  assert.equal(rh.error.code, 'PCAP_TRUNCATED');
  assert.equal(rh.error.offset, 60);
  assert.equal(rh.packets.length, 1, 'what came before the damage is kept');
  const rd = readPcap(file.subarray(0, file.length - 1));
  assert.ok(!rd.ok);
  assert.equal(rd.error.code, 'PCAP_TRUNCATED');
  assert.equal(rd.error.offset, 60 + 16);
  assert.match(rd.error.message, /offset 60/);
});

test('PCAP_BAD_RECORD: captured length beyond original length or any sane size', () => {
  const file = writePcap([{ data: ipv4, timeMs: 1 }]);
  const dv = new DataView(file.buffer);
  dv.setUint32(24 + 8, 21, true);
  let r = readPcap(file);
  assert.ok(!r.ok && r.error.code === 'PCAP_BAD_RECORD' && r.error.offset === 32);
  dv.setUint32(24 + 8, 0x7fffffff, true);
  dv.setUint32(24 + 12, 0x7fffffff, true);
  r = readPcap(file);
  assert.ok(!r.ok && r.error.code === 'PCAP_BAD_RECORD');
});

test('PCAP_BAD_LINKTYPE for link types we cannot strip', () => {
  const file = writePcap([], { linkType: 147 });
  const r = readPcap(file);
  assert.ok(!r.ok && r.error.code === 'PCAP_BAD_LINKTYPE' && r.error.offset === 20);
  assert.equal(r.header?.linkType, 147);
});

test('property: any truncation of a valid file gives an error or fewer packets, never a throw', () => {
  const file = writePcap([{ data: ipv4, timeMs: 1 }, { data: ipv6, timeMs: 2 }, { data: ipv4, timeMs: 3 }]);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: file.length - 1 }), (n) => {
      const r = readPcap(file.subarray(0, n));
      assert.ok(!r.ok || r.packets.length < 3);
      if (r.ok) assert.ok([24, 24 + 36, 24 + 36 + 56].includes(n), `cut at a record boundary ${n}`);
      else assert.ok(r.error.offset <= n);
    }),
  );
});

test('property: random and corrupted bytes never throw', () => {
  const file = writePcap([{ data: ipv4, timeMs: 1 }, { data: ipv6, timeMs: 2 }]);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (junk, flips) => {
      readPcap(junk);
      const c = file.slice();
      for (const [at, v] of flips) c[at % c.length] = v;
      const r = readPcap(c);
      for (const p of r.packets) assert.ok(p.data.length <= p.frame.length);
    }),
  );
});

test('link headers: Ethernet with VLAN tag, Linux cooked v1 and v2, BSD NULL', () => {
  const eth = Uint8Array.from([...new Array<number>(12).fill(1), 0x81, 0x00, 0, 5, 0x08, 0x00, ...ipv4]);
  assert.deepEqual(stripLinkHeader(LinkType.EN10MB, eth), { etherType: 0x0800, data: ipv4 });
  const sll = Uint8Array.from([0, 0, 0, 1, 0, 6, ...new Array<number>(8).fill(0), 0x86, 0xdd, ...ipv6]);
  assert.deepEqual(stripLinkHeader(LinkType.LINUX_SLL, sll), { etherType: 0x86dd, data: ipv6 });
  const sll2 = Uint8Array.from([0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, ...new Array<number>(8).fill(0), ...ipv4]);
  assert.deepEqual(stripLinkHeader(LinkType.LINUX_SLL2, sll2), { etherType: 0x0800, data: ipv4 });
  const nul = Uint8Array.from([2, 0, 0, 0, ...ipv4]);
  assert.deepEqual(stripLinkHeader(LinkType.NULL, nul), { etherType: 0x0800, data: ipv4 });
  const short = stripLinkHeader(LinkType.EN10MB, Uint8Array.from([1, 2, 3]));
  assert.equal(short.data.length, 0);
  assert.equal(short.etherType, 0);
});
