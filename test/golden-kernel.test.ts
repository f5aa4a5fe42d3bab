// Golden packets from the Linux kernel (scripts/capture-golden.sh: veth between two network
// namespaces, offloads off). Each packet must decode with decodePacket to the values tshark
// reported for it, and every checksum tshark verified must be judged valid here too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePacket } from '../src/wire/packet.js';
import type { DecodedChecksum, DecodedIcmp, DecodedIpv4, DecodedIpv6, DecodedLayer, DecodedTcp, DecodedTcpOption, DecodedUdp } from '../src/wire/packet.js';

interface Fixture {
  scenario: string;
  description: string;
  packets: Array<{ frame: number; info: string; hex: string; tshark: Record<string, string | string[]> }>;
}

const DIR = join('test', 'fixtures', 'kernel');
const fixtures: Fixture[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Fixture);

const num = (s: string): number => (s.startsWith('0x') ? parseInt(s, 16) : Number(s));
const all = (t: Record<string, string | string[]>, k: string): string[] => {
  const v = t[k];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};
/** nth occurrence (0 = the outer header; 1 = the packet quoted inside an ICMP error). */
const field = (t: Record<string, string | string[]>, k: string, n = 0): string | undefined => all(t, k)[n];
const numField = (t: Record<string, string | string[]>, k: string, n = 0): number | undefined => {
  const v = field(t, k, n);
  return v === undefined ? undefined : num(v);
};

const TSHARK_STATUS: Record<string, DecodedChecksum['status']> = { '0': 'invalid', '1': 'valid', '2': 'unverified' };
const OPTION_KIND: Record<DecodedTcpOption['kind'], number> = { eol: 0, nop: 1, mss: 2, wscale: 3, sackPermitted: 4, sack: 5, timestamp: 8, unknown: -1 };

function layer<K extends DecodedLayer['layer']>(layers: DecodedLayer[], kind: K): Extract<DecodedLayer, { layer: K }> | undefined {
  return layers.find((l) => l.layer === kind) as Extract<DecodedLayer, { layer: K }> | undefined;
}

function checkChecksum(c: DecodedChecksum, t: Record<string, string | string[]>, prefix: string, where: string): void {
  const value = numField(t, `${prefix}.checksum`);
  if (value !== undefined) assert.equal(c.value, value, `${where}: ${prefix}.checksum`);
  const status = field(t, `${prefix}.checksum.status`);
  if (status !== undefined) assert.equal(c.status, TSHARK_STATUS[status], `${where}: ${prefix}.checksum.status`);
}

function checkIpv4(ip: DecodedIpv4, t: Record<string, string | string[]>, where: string): void {
  assert.equal(ip.headerLength, numField(t, 'ip.hdr_len'), `${where}: ip.hdr_len`);
  assert.equal((ip.dscp << 2) | ip.ecn, numField(t, 'ip.dsfield'), `${where}: ip.dsfield`);
  assert.equal(ip.totalLength, numField(t, 'ip.len'), `${where}: ip.len`);
  assert.equal(ip.id, numField(t, 'ip.id'), `${where}: ip.id`);
  assert.equal(ip.dontFragment, field(t, 'ip.flags.df') === '1', `${where}: ip.flags.df`);
  assert.equal(ip.moreFragments, field(t, 'ip.flags.mf') === '1', `${where}: ip.flags.mf`);
  assert.equal(ip.fragmentOffset, (numField(t, 'ip.frag_offset') ?? -1) * 8, `${where}: ip.frag_offset (8-byte units)`);
  assert.equal(ip.ttl, numField(t, 'ip.ttl'), `${where}: ip.ttl`);
  assert.equal(ip.protocol, numField(t, 'ip.proto'), `${where}: ip.proto`);
  assert.equal(ip.src, field(t, 'ip.src'), `${where}: ip.src`);
  assert.equal(ip.dst, field(t, 'ip.dst'), `${where}: ip.dst`);
  checkChecksum(ip.checksum, t, 'ip', where);
  assert.equal(ip.checksum.status, 'valid', `${where}: the kernel's IPv4 header checksum`);
}

function checkIpv6(ip: DecodedIpv6, t: Record<string, string | string[]>, where: string): void {
  assert.equal(ip.trafficClass, numField(t, 'ipv6.tclass'), `${where}: ipv6.tclass`);
  assert.equal(ip.flowLabel, numField(t, 'ipv6.flow'), `${where}: ipv6.flow`);
  assert.equal(ip.payloadLength, numField(t, 'ipv6.plen'), `${where}: ipv6.plen`);
  assert.equal(ip.nextHeader, numField(t, 'ipv6.nxt'), `${where}: ipv6.nxt`);
  assert.equal(ip.hopLimit, numField(t, 'ipv6.hlim'), `${where}: ipv6.hlim`);
  assert.equal(ip.src, field(t, 'ipv6.src'), `${where}: ipv6.src`);
  assert.equal(ip.dst, field(t, 'ipv6.dst'), `${where}: ipv6.dst`);
  if (field(t, 'ipv6.fraghdr.offset') !== undefined) {
    const frag = ip.extHeaders.find((e) => e.type === 44);
    assert.ok(frag, `${where}: Fragment header decoded`);
    assert.equal(frag.fragmentOffset, (numField(t, 'ipv6.fraghdr.offset') ?? -1) * 8, `${where}: ipv6.fraghdr.offset (8-byte units)`);
    assert.equal(frag.moreFragments, field(t, 'ipv6.fraghdr.more') === '1', `${where}: ipv6.fraghdr.more`);
    assert.equal(frag.id, numField(t, 'ipv6.fraghdr.ident'), `${where}: ipv6.fraghdr.ident`);
    assert.equal(ip.protocol, numField(t, 'ipv6.fraghdr.nxt'), `${where}: protocol after the Fragment header`);
  }
}

function checkTcp(tcp: DecodedTcp, t: Record<string, string | string[]>, where: string): void {
  assert.equal(tcp.srcPort, numField(t, 'tcp.srcport'), `${where}: tcp.srcport`);
  assert.equal(tcp.dstPort, numField(t, 'tcp.dstport'), `${where}: tcp.dstport`);
  assert.equal(tcp.seq, numField(t, 'tcp.seq_raw'), `${where}: tcp.seq_raw`);
  assert.equal(tcp.ack, numField(t, 'tcp.ack_raw'), `${where}: tcp.ack_raw`);
  assert.equal(tcp.headerLength, numField(t, 'tcp.hdr_len'), `${where}: tcp.hdr_len`);
  assert.equal(tcp.flags, numField(t, 'tcp.flags'), `${where}: tcp.flags`);
  assert.equal(tcp.window, numField(t, 'tcp.window_size_value'), `${where}: tcp.window_size_value`);
  assert.equal(tcp.urgent, numField(t, 'tcp.urgent_pointer'), `${where}: tcp.urgent_pointer`);
  assert.equal(tcp.payloadLength, numField(t, 'tcp.len'), `${where}: tcp.len`);
  assert.deepEqual(tcp.options.map((o) => (o.kind === 'unknown' ? o.code : OPTION_KIND[o.kind])), all(t, 'tcp.option_kind').map(num), `${where}: tcp.option_kind`);
  for (const o of tcp.options) {
    if (o.kind === 'mss') assert.equal(o.mss, numField(t, 'tcp.options.mss_val'), `${where}: mss`);
    if (o.kind === 'wscale') assert.equal(o.shift, numField(t, 'tcp.options.wscale.shift'), `${where}: wscale`);
    if (o.kind === 'timestamp') {
      assert.equal(o.val, numField(t, 'tcp.options.timestamp.tsval'), `${where}: tsval`);
      assert.equal(o.ecr, numField(t, 'tcp.options.timestamp.tsecr'), `${where}: tsecr`);
    }
  }
  checkChecksum(tcp.checksum, t, 'tcp', where);
  assert.equal(tcp.checksum.status, 'valid', `${where}: the kernel's TCP checksum`);
}

function checkUdp(udp: DecodedUdp, t: Record<string, string | string[]>, where: string): void {
  assert.equal(udp.srcPort, numField(t, 'udp.srcport'), `${where}: udp.srcport`);
  assert.equal(udp.dstPort, numField(t, 'udp.dstport'), `${where}: udp.dstport`);
  assert.equal(udp.length, numField(t, 'udp.length'), `${where}: udp.length`);
  checkChecksum(udp.checksum, t, 'udp', where);
}

function checkIcmp(icmp: DecodedIcmp, t: Record<string, string | string[]>, where: string): void {
  const p = icmp.layer;
  assert.equal(icmp.type, numField(t, `${p}.type`), `${where}: ${p}.type`);
  assert.equal(icmp.code, numField(t, `${p}.code`), `${where}: ${p}.code`);
  checkChecksum(icmp.checksum, t, p, where);
  assert.equal(icmp.checksum.status, 'valid', `${where}: the kernel's ${p} checksum`);
  const id = numField(t, p === 'icmp' ? 'icmp.ident' : 'icmpv6.echo.identifier');
  const seq = numField(t, p === 'icmp' ? 'icmp.seq' : 'icmpv6.echo.sequence_number');
  if (id !== undefined) assert.equal(icmp.id, id, `${where}: echo identifier`);
  if (seq !== undefined) assert.equal(icmp.seq, seq, `${where}: echo sequence`);
  if (icmp.type === 3 || (p === 'icmpv6' && icmp.type === 1)) {
    // RFC 792 / RFC 4443 §3.1: the invoking packet, which tshark decodes as the second IP layer
    const q = icmp.quote;
    assert.ok(q, `${where}: quoted packet decoded`);
    const ipk = p === 'icmp' ? 'ip' : 'ipv6';
    assert.equal(q.src, field(t, `${ipk}.src`, 1), `${where}: quoted src`);
    assert.equal(q.dst, field(t, `${ipk}.dst`, 1), `${where}: quoted dst`);
    assert.equal(q.srcPort, numField(t, 'udp.srcport'), `${where}: quoted udp.srcport`);
    assert.equal(q.dstPort, numField(t, 'udp.dstport'), `${where}: quoted udp.dstport`);
  }
}

test(
  'RFC 791 / RFC 8200 §4.5: a first fragment carries the UDP header of the whole datagram, its length is not an error',
  () => {
    for (const fx of fixtures.filter((f) => f.scenario.endsWith('-fragments'))) {
      const first = fx.packets[0];
      assert.ok(first);
      const d = decodePacket(Uint8Array.from(Buffer.from(first.hex, 'hex')));
      assert.equal(d.error, undefined, `${fx.scenario}: ${JSON.stringify(d.error)}`);
      assert.equal(layer(d.layers, 'udp')?.checksum.status, 'unverified');
    }
  },
);

test('kernel fixtures are present (scripts/capture-golden.sh)', () => {
  const names = fixtures.map((f) => f.scenario);
  for (const want of ['tcp-ipv4', 'tcp-ipv6', 'udp-dns-ipv4', 'udp-dns-ipv6', 'icmp-echo', 'icmpv6-echo', 'icmp-unreachable', 'icmpv6-unreachable', 'ipv4-fragments', 'ipv6-fragments']) {
    assert.ok(names.includes(want), want);
  }
});

for (const fx of fixtures) {
  test(`kernel golden ${fx.scenario}: ${fx.description}`, () => {
    assert.ok(fx.packets.length > 0);
    for (const p of fx.packets) {
      const where = `${fx.scenario} frame ${p.frame} (${p.info})`;
      const t = p.tshark;
      const d = decodePacket(Uint8Array.from(Buffer.from(p.hex, 'hex')));
      // A first fragment's UDP length covers the whole datagram; that case has its own test below.
      assert.equal(d.error, undefined, `${where}: decode error ${JSON.stringify(d.error)}`);
      assert.deepEqual(d.notes.filter((n) => /invalid|malformed/i.test(n)), [], `${where}: notes`);
      const v4 = layer(d.layers, 'ipv4');
      const v6 = layer(d.layers, 'ipv6');
      assert.equal(v4 !== undefined ? 4 : v6 !== undefined ? 6 : 0, numField(t, 'ip.version'), `${where}: ip.version`);
      if (v4) checkIpv4(v4, t, where);
      if (v6) checkIpv6(v6, t, where);
      const tcp = layer(d.layers, 'tcp');
      const udp = layer(d.layers, 'udp');
      const icmp = d.layers.find((l): l is DecodedIcmp => l.layer === 'icmp' || l.layer === 'icmpv6');
      if (field(t, 'tcp.srcport') !== undefined) {
        assert.ok(tcp, `${where}: TCP layer`);
        checkTcp(tcp, t, where);
      }
      if (icmp) checkIcmp(icmp, t, where);
      else if (field(t, 'udp.srcport') !== undefined) {
        assert.ok(udp, `${where}: UDP layer`);
        checkUdp(udp, t, where);
      } else if (field(t, 'icmp.type') !== undefined || field(t, 'icmpv6.type') !== undefined) {
        assert.fail(`${where}: tshark saw ICMP, decodePacket did not`);
      }
      if (!tcp && !udp && !icmp) {
        // non-first fragments: tshark (reassembly off) shows no transport header and neither do we
        assert.ok(d.layers.some((l) => l.layer === 'data'), `${where}: fragment data`);
      }
    }
  });
}
