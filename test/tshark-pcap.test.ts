// Every kind of packet layer4 emits, written to a pcap with the wire emitters and read back by
// tshark with checksum validation on: no malformed packets, no bad checksums, no expert errors,
// and each packet dissected as the protocol it was built as. IPv4 and IPv6 fragments are
// reassembled by tshark, so the reassembled UDP checksum is checked too.
// Skipped (never passed) when tshark is not installed; CI installs it (.ci/run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIpPacket } from '../src/wire/build.js';
import { TcpFlag } from '../src/wire/tcp-types.js';
import { writePcap } from '../src/wire/pcap.js';

const enc = new TextEncoder();
const A4 = '192.0.2.1', B4 = '192.0.2.2', R4 = '198.51.100.1';
const A6 = '2001:db8::1', B6 = '2001:db8::2', R6 = '2001:db8:ffff::1';

interface Case {
  name: string;
  packet: Uint8Array;
  /** How tshark's frame.protocols must start for this packet (the dissection chain). */
  proto: string;
}

const allOptions = [
  { kind: 'mss', mss: 1460 },
  { kind: 'sackPermitted' },
  { kind: 'timestamp', val: 123456, ecr: 0 },
  { kind: 'nop' },
  { kind: 'wscale', shift: 7 },
] as const;

function cases(): Case[] {
  const out: Case[] = [];
  const add = (name: string, proto: string, packet: Uint8Array): void => void out.push({ name, packet, proto });

  // TCP (RFC 9293 §3.1) with every option we emit (RFC 9293 §3.2 MSS, RFC 7323 WS/TS, RFC 2018 SACK)
  add('tcp4 SYN all options', 'raw:ip:tcp', buildIpPacket({ src: A4, dst: B4, id: 1, dontFragment: true, tcp: { srcPort: 49152, dstPort: 80, seq: 100, flags: TcpFlag.SYN, window: 64240, options: [...allOptions] } }));
  add('tcp4 SYN-ACK ECN setup', 'raw:ip:tcp', buildIpPacket({ src: B4, dst: A4, id: 2, tcp: { srcPort: 80, dstPort: 49152, seq: 2000, ack: 101, flags: TcpFlag.SYN | TcpFlag.ACK | TcpFlag.ECE, options: [...allOptions] } }));
  add('tcp4 data with SACK blocks', 'raw:ip:tcp', buildIpPacket({ src: A4, dst: B4, id: 3, ecn: 2, tcp: {
    srcPort: 49152, dstPort: 80, seq: 101, ack: 2001, flags: TcpFlag.ACK | TcpFlag.PSH, window: 502,
    options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val: 123457, ecr: 999 }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[3000, 4000], [5000, 6000]] }],
    payload: enc.encode('hello layer4\n'),
  } }));
  add('tcp4 FIN', 'raw:ip:tcp', buildIpPacket({ src: A4, dst: B4, id: 4, tcp: { srcPort: 49152, dstPort: 80, seq: 114, ack: 2001, flags: TcpFlag.FIN | TcpFlag.ACK } }));
  add('tcp4 RST', 'raw:ip:tcp', buildIpPacket({ src: B4, dst: A4, id: 5, tcp: { srcPort: 80, dstPort: 49153, seq: 0, ack: 1, flags: TcpFlag.RST | TcpFlag.ACK, window: 0 } }));
  add('tcp4 URG CWR', 'raw:ip:tcp', buildIpPacket({ src: A4, dst: B4, id: 6, tcp: { srcPort: 49152, dstPort: 80, seq: 115, ack: 2001, flags: TcpFlag.ACK | TcpFlag.URG | TcpFlag.CWR, urgent: 1, payload: enc.encode('!') } }));
  add('tcp6 SYN all options', 'raw:ipv6:tcp', buildIpPacket({ src: A6, dst: B6, flowLabel: 0x12345, tcp: { srcPort: 49152, dstPort: 443, seq: 0xfffffff0, flags: TcpFlag.SYN, options: [...allOptions] } }));
  add('tcp6 data', 'raw:ipv6:tcp', buildIpPacket({ src: A6, dst: B6, tcp: { srcPort: 49152, dstPort: 443, seq: 0xfffffff1, ack: 1, flags: TcpFlag.ACK, payload: new Uint8Array(100).fill(7) } }));

  // UDP (RFC 768; RFC 8200 §8.1 mandatory checksum over IPv6)
  const dnsQuery = Uint8Array.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 7, ...enc.encode('example'), 3, ...enc.encode('com'), 0, 0, 1, 0, 1]);
  add('udp4 DNS query', 'raw:ip:udp:dns', buildIpPacket({ src: A4, dst: B4, id: 7, udp: { srcPort: 40000, dstPort: 53, payload: dnsQuery } }));
  add('udp4 no checksum', 'raw:ip:udp', buildIpPacket({ src: A4, dst: B4, id: 8, udp: { srcPort: 40000, dstPort: 40001, payload: enc.encode('zero checksum'), checksum: false } }));
  add('udp6 DNS query', 'raw:ipv6:udp:dns', buildIpPacket({ src: A6, dst: B6, udp: { srcPort: 40000, dstPort: 53, payload: dnsQuery } }));
  add('udp6 empty', 'raw:ipv6:udp', buildIpPacket({ src: A6, dst: B6, udp: { srcPort: 40000, dstPort: 40001 } }));

  // ICMP (RFC 792, RFC 1191 frag-needed) quoting a packet we "sent"
  const udpOut4 = buildIpPacket({ src: A4, dst: B4, id: 9, udp: { srcPort: 40000, dstPort: 9, payload: enc.encode('nobody listens') } });
  const tcpOut4 = buildIpPacket({ src: A4, dst: B4, id: 10, dontFragment: true, tcp: { srcPort: 49152, dstPort: 80, seq: 1000, ack: 1, flags: TcpFlag.ACK, payload: new Uint8Array(64) } });
  add('icmp echo request', 'raw:ip:icmp', buildIpPacket({ src: A4, dst: B4, id: 11, icmp: { kind: 'echoRequest', id: 0x4c34, seq: 1, data: enc.encode('layer4 ping') } }));
  add('icmp echo reply', 'raw:ip:icmp', buildIpPacket({ src: B4, dst: A4, id: 12, icmp: { kind: 'echoReply', id: 0x4c34, seq: 1, data: enc.encode('layer4 ping') } }));
  add('icmp port unreachable', 'raw:ip:icmp:ip:udp', buildIpPacket({ src: B4, dst: A4, id: 13, dscp: 48, icmp: { kind: 'destUnreachable', code: 3, nextHopMtu: 0, quote: udpOut4 } }));
  add('icmp fragmentation needed', 'raw:ip:icmp:ip:tcp', buildIpPacket({ src: R4, dst: A4, id: 14, icmp: { kind: 'destUnreachable', code: 4, nextHopMtu: 1400, quote: tcpOut4 } }));
  add('icmp time exceeded', 'raw:ip:icmp:ip:udp', buildIpPacket({ src: R4, dst: A4, id: 15, icmp: { kind: 'timeExceeded', code: 0, quote: udpOut4 } }));

  // ICMPv6 (RFC 4443)
  const udpOut6 = buildIpPacket({ src: A6, dst: B6, udp: { srcPort: 40000, dstPort: 9, payload: enc.encode('nobody listens') } });
  add('icmpv6 echo request', 'raw:ipv6:icmpv6', buildIpPacket({ src: A6, dst: B6, icmpv6: { kind: 'echoRequest', id: 0x4c36, seq: 1, data: enc.encode('layer4 ping') } }));
  add('icmpv6 echo reply', 'raw:ipv6:icmpv6', buildIpPacket({ src: B6, dst: A6, icmpv6: { kind: 'echoReply', id: 0x4c36, seq: 1, data: enc.encode('layer4 ping') } }));
  add('icmpv6 packet too big', 'raw:ipv6:icmpv6:ipv6:udp', buildIpPacket({ src: R6, dst: A6, icmpv6: { kind: 'packetTooBig', mtu: 1280, quote: udpOut6 } }));
  add('icmpv6 port unreachable', 'raw:ipv6:icmpv6:ipv6:udp', buildIpPacket({ src: B6, dst: A6, icmpv6: { kind: 'destUnreachable', code: 4, quote: udpOut6 } }));

  // IPv6 extension headers (RFC 8200 §4.3 Hop-by-Hop with Router Alert + PadN, §4.6 Destination Options)
  add('ipv6 hop-by-hop + destination options + udp', 'raw:ipv6:ipv6.hopopts:ipv6.dstopts:udp', buildIpPacket({
    src: A6, dst: B6,
    extHeaders: [
      { kind: 'raw', type: 0, data: Uint8Array.from([0x05, 0x02, 0x00, 0x00, 0x01, 0x00]) },
      { kind: 'raw', type: 60, data: Uint8Array.from([0x01, 0x04, 0, 0, 0, 0]) },
    ],
    udp: { srcPort: 40000, dstPort: 40001, payload: enc.encode('with extension headers') },
  }));

  // IPv4 fragments (RFC 791 §2.3): a 3000-byte UDP datagram cut at 1480-byte boundaries
  const big4 = buildIpPacket({ src: A4, dst: B4, id: 0x4242, udp: { srcPort: 40000, dstPort: 40002, payload: Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff) } });
  const udp4 = big4.subarray(20);
  for (let off = 0; off < udp4.length; off += 1480) {
    const more = off + 1480 < udp4.length;
    add(`ipv4 fragment @${off}`, more ? 'raw:ip:data' : 'raw:ip:udp', buildIpPacket({ src: A4, dst: B4, id: 0x4242, moreFragments: more, fragmentOffset: off, protocol: 17, payload: udp4.subarray(off, off + 1480) }));
  }
  // IPv6 fragments (RFC 8200 §4.5): the same datagram with Fragment headers, 1232-byte pieces
  const big6 = buildIpPacket({ src: A6, dst: B6, udp: { srcPort: 40000, dstPort: 40002, payload: Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff) } });
  const udp6 = big6.subarray(40);
  for (let off = 0; off < udp6.length; off += 1232) {
    const more = off + 1232 < udp6.length;
    add(`ipv6 fragment @${off}`, more ? 'raw:ipv6:ipv6.fraghdr:data' : 'raw:ipv6:ipv6.fraghdr:udp', buildIpPacket({
      src: A6, dst: B6, extHeaders: [{ kind: 'fragment', fragmentOffset: off, moreFragments: more, id: 0x1234abcd }], protocol: 17, payload: udp6.subarray(off, off + 1232),
    }));
  }
  return out;
}

function tsharkAvailable(): boolean {
  const r = spawnSync('tshark', ['-v'], { encoding: 'utf8' });
  return r.status === 0;
}

const FIELDS = ['frame.number', 'frame.protocols', '_ws.malformed', '_ws.expert.severity', '_ws.expert.message',
  'ip.checksum.status', 'tcp.checksum.status', 'udp.checksum.status', 'icmp.checksum.status', 'icmpv6.checksum.status'];
// Checksum checks are off by default in tshark (`tshark -G defaultprefs | grep check_checksum`);
// ICMP and ICMPv6 checksums are always checked.
const PREFS = ['ip.check_checksum:TRUE', 'tcp.check_checksum:TRUE', 'udp.check_checksum:TRUE', 'tcp.analyze_sequence_numbers:FALSE'];
const EXPERT_ERROR = 0x00800000; // PI_ERROR

test('tshark reads every packet kind layer4 emits: no malformed packets, no bad checksums', (t) => {
  if (!tsharkAvailable()) {
    t.skip('tshark not installed');
    return;
  }
  const list = cases();
  const dir = mkdtempSync(join(tmpdir(), 'layer4-tshark-'));
  try {
    const file = join(dir, 'all.pcap');
    writeFileSync(file, writePcap(list.map((c, i) => ({ data: c.packet, timeMs: 1000 + i }))));
    const args = ['-r', file, '-n', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|'];
    for (const p of PREFS) args.push('-o', p);
    for (const f of FIELDS) args.push('-e', f);
    const r = spawnSync('tshark', args, { encoding: 'utf8', timeout: 60000 });
    assert.equal(r.status, 0, `tshark failed: ${r.stderr}`);
    const rows = r.stdout.trimEnd().split('\n').map((line) => line.split('\t'));
    assert.equal(rows.length, list.length, 'one line per packet');
    const problems: string[] = [];
    rows.forEach((cols, i) => {
      const c = list[i]!;
      const get = (f: string): string[] => (cols[FIELDS.indexOf(f)] ?? '').split('|').filter((v) => v !== '');
      const where = `#${i + 1} ${c.name}`;
      const protocols = get('frame.protocols')[0] ?? '';
      if (get('_ws.malformed').length > 0) problems.push(`${where}: malformed (${protocols})`);
      for (const f of FIELDS.filter((x) => x.endsWith('checksum.status'))) {
        if (get(f).includes('0')) problems.push(`${where}: ${f} bad`);
      }
      const severities = get('_ws.expert.severity').map(Number);
      const messages = get('_ws.expert.message');
      severities.forEach((s, k) => {
        if (s >= EXPERT_ERROR) problems.push(`${where}: expert error: ${messages[k] ?? '?'}`);
      });
      if (!(protocols + ':').startsWith(c.proto + ':')) problems.push(`${where}: dissected as ${protocols}, expected ${c.proto}…`);
    });
    assert.deepEqual(problems, []);
    // tshark reassembled both fragment trains and verified the reassembled UDP checksum
    const reassembled = list
      .map((c, i) => ({ c, status: rows[i]?.[FIELDS.indexOf('udp.checksum.status')] ?? '' }))
      .filter(({ c }) => c.name.includes('fragment') && c.proto.endsWith(':udp'));
    assert.equal(reassembled.length, 2);
    for (const { c, status } of reassembled) assert.equal(status, '1', `${c.name}: reassembled UDP checksum verified good`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
