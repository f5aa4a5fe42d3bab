// The packetdrill parser on small scripts covering each construct of the language
// (test/fixtures/packetdrill-syntax/*.pkt): every event lands in the syntax tree with the
// values written in the script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScript, structField } from '../src/packetdrill/index.js';
import type { Event, Expr, IcmpPacketSpec, PacketSpec, Script, SyscallSpec, TcpPacketSpec, UdpPacketSpec } from '../src/packetdrill/index.js';
import { TcpFlag } from '../src/wire/tcp-types.js';

const DIR = join('test', 'fixtures', 'packetdrill-syntax');

function load(name: string, dialect: 'linux' | 'freebsd' = 'linux', defines?: Record<string, string>): Script {
  const opts = defines === undefined ? { dialect } : { dialect, defines };
  const r = parseScript(readFileSync(join(DIR, name), 'utf8'), opts);
  if (!r.ok) assert.fail(`${name}: ${r.errors.map((e) => `${e.line}:${e.column} ${e.code} ${e.message}`).join('; ')}`);
  return r.script;
}

/** The event that starts on a given script line. */
function at(s: Script, line: number): Event {
  const ev = s.events.find((e) => e.line === line);
  assert.ok(ev, `no event on line ${line}`);
  return ev;
}

function packet(s: Script, line: number): PacketSpec {
  const ev = at(s, line);
  assert.equal(ev.kind, 'packet', `line ${line} is ${ev.kind}`);
  return (ev as Extract<Event, { kind: 'packet' }>).packet;
}

function tcp(s: Script, line: number): TcpPacketSpec {
  const p = packet(s, line);
  assert.equal(p.proto, 'tcp');
  return p as TcpPacketSpec;
}

function syscall(s: Script, line: number): SyscallSpec {
  const ev = at(s, line);
  assert.equal(ev.kind, 'syscall', `line ${line} is ${ev.kind}`);
  return (ev as Extract<Event, { kind: 'syscall' }>).syscall;
}

const int = (value: number): Expr => ({ kind: 'int', value, text: String(value), hex: false });
const word = (name: string): Expr => ({ kind: 'word', name });

test('passive open: comments of three kinds, header options, init command, handshake and data', () => {
  const s = load('passive-open.pkt');
  assert.deepEqual(
    s.options.map((o) => [o.name, o.value, o.line]),
    [
      ['tolerance_usecs', '10000', 5],
      ['ip_version', 'ipv4', 6],
    ],
  );
  assert.deepEqual(s.initCommand, { command: './setup-network.sh', line: 8, column: 1 });
  assert.equal(s.events.length, 18);
  assert.deepEqual(at(s, 10).time, { kind: 'absolute', usecs: 0 });
  assert.deepEqual(syscall(s, 11).args, [int(3), word('SOL_SOCKET'), word('SO_REUSEADDR'), { kind: 'list', items: [int(1)] }, int(4)]);
  const syn = tcp(s, 15);
  assert.equal(syn.direction, 'inbound');
  assert.deepEqual(syn.flags, { text: 'S', bits: TcpFlag.SYN });
  assert.deepEqual(syn.seq, { kind: 'range', start: 0, end: 0, len: 0, absolute: false });
  assert.equal(syn.win, 29200);
  assert.deepEqual(syn.options, [
    { kind: 'mss', mss: 1400 },
    { kind: 'sackOK' },
    { kind: 'timestamp', val: 500, ecr: 0 },
    { kind: 'nop' },
    { kind: 'wscale', shift: 6 },
  ]);
  const synAck = tcp(s, 16);
  assert.equal(synAck.direction, 'outbound');
  assert.equal(synAck.flags.bits, TcpFlag.SYN | TcpFlag.ACK);
  assert.equal(synAck.ack, 1);
  assert.equal(synAck.win, undefined, 'outbound window not given: not checked');
  assert.deepEqual(at(s, 17).time, { kind: 'relative', usecs: 50_000 });
  const req = tcp(s, 20);
  assert.deepEqual(req.seq, { kind: 'range', start: 1, end: 201, len: 200, absolute: false });
  assert.equal(req.flags.bits, TcpFlag.PSH | TcpFlag.ACK);
  assert.equal(tcp(s, 28).options, 'any');
  assert.equal(tcp(s, 28).flags.bits, TcpFlag.FIN | TcpFlag.ACK);
});

test('active open: or-ed flags, errno with text, note after a result, * and ranges', () => {
  const s = load('active-open.pkt');
  assert.deepEqual(syscall(s, 3).result, { kind: 'int', value: 2, text: '0x2', hex: true });
  assert.equal(syscall(s, 3).note, 'flags O_RDWR');
  assert.deepEqual(syscall(s, 4).args[2], { kind: 'or', operands: [word('O_RDWR'), word('O_NONBLOCK')] });
  const connect = syscall(s, 5);
  assert.deepEqual(connect.args, [int(3), { kind: 'ellipsis' }, { kind: 'ellipsis' }]);
  assert.deepEqual(connect.result, int(-1));
  assert.deepEqual(connect.errno, { name: 'EINPROGRESS', text: 'Operation now in progress' });
  assert.deepEqual(tcp(s, 7).seq, { kind: 'range', start: 7000, end: 7000, len: 0, absolute: false });
  assert.deepEqual(at(s, 11).time, { kind: 'relativeRange', usecs: 0, endUsecs: 4000 });
  assert.deepEqual(at(s, 12).time, { kind: 'absolute', usecs: 200_000 });
  assert.deepEqual(at(s, 13).time, { kind: 'any' });
  assert.deepEqual(at(s, 14).time, { kind: 'absoluteRange', usecs: 250_000, endUsecs: 300_000 });
  assert.deepEqual(syscall(s, 15).errno, { name: 'EAGAIN', text: 'Resource temporarily unavailable' });
});

test('syscall arguments: linger, sockaddr, multi-line pollfd, msghdr, strings, lists, blocking end time', () => {
  const s = load('syscall-args.pkt');
  const linger = syscall(s, 3).args[3]!;
  assert.deepEqual(structField(linger, 'onoff'), int(1));
  assert.deepEqual(structField(linger, 'linger'), int(0));
  const sa = syscall(s, 4).args[1]!;
  assert.deepEqual(structField(sa, 'sa_family'), word('AF_INET'));
  assert.deepEqual(structField(sa, 'sin_port'), { kind: 'call', name: 'htons', args: [int(8080)] });
  assert.deepEqual(structField(sa, 'sin_addr'), { kind: 'call', name: 'inet_addr', args: [{ kind: 'string', value: '192.0.2.1' }] });
  const poll = syscall(s, 5);
  assert.equal(poll.endUsecs, 250_000);
  const fds = poll.args[0]!;
  assert.equal(fds.kind, 'list');
  const pfd = fds.kind === 'list' ? fds.items[0]! : fds;
  assert.deepEqual(structField(pfd, 'fd'), int(3));
  assert.deepEqual(structField(pfd, 'events'), { kind: 'or', operands: [word('POLLIN'), word('POLLOUT')] });
  assert.deepEqual(structField(pfd, 'revents'), word('POLLOUT'));
  const msg = syscall(s, 8).args[1]!;
  assert.deepEqual(structField(msg, 'msg_name'), { kind: 'ellipsis' });
  assert.deepEqual(structField(msg, 'msg_iov'), { kind: 'list', items: [{ kind: 'struct', items: [{ kind: 'ellipsis' }, int(40)] }] });
  assert.deepEqual(syscall(s, 11).args[1], { kind: 'string', value: 'hello world' });
  assert.deepEqual(syscall(s, 12).args[1], { kind: 'string', value: 'abc', prefix: true });
  assert.deepEqual(syscall(s, 14).args[0], { kind: 'list', items: [int(5), int(6)] });
  assert.deepEqual(syscall(s, 15).args[2], { kind: 'list', items: [{ kind: 'int', value: 16, text: '0x10', hex: true }] });
  assert.equal(syscall(s, 17).endUsecs, 1_500_000);
  assert.deepEqual(at(s, 17).time, { kind: 'relative', usecs: 500_000 });
  assert.deepEqual(syscall(s, 18).errno, { name: 'EFAULT', text: 'Bad address' });
});

test('RFC 3168 ECN marks, IP fields, ECE/CWR flags, AccECN ACE digit, ports, urgent pointer', () => {
  const s = load('ip-marks.pkt');
  assert.equal(tcp(s, 5).flags.bits, TcpFlag.SYN | TcpFlag.ECE | TcpFlag.CWR);
  assert.equal(tcp(s, 6).flags.bits, TcpFlag.SYN | TcpFlag.ECE | TcpFlag.ACK);
  assert.deepEqual(tcp(s, 7).ip, { bracket: '[', ecn: 'ect0' });
  assert.deepEqual(tcp(s, 9).ip, { bracket: '(', ecn: 'ce' });
  assert.deepEqual(tcp(s, 10).ip, { bracket: '[', ecn: 'noecn' });
  assert.equal(tcp(s, 10).flags.bits, TcpFlag.ECE | TcpFlag.ACK);
  assert.deepEqual(tcp(s, 11).ip, { bracket: '[', ecn: 'ect01' });
  assert.equal(tcp(s, 12).flags.bits, TcpFlag.CWR | TcpFlag.ACK);
  assert.deepEqual(tcp(s, 13).ip, { bracket: '(', tos: 2, tosKeyword: 'tos', ttl: 64, ttlKeyword: 'ttl' });
  assert.deepEqual(tcp(s, 14).ip, { bracket: '[', flowLabel: 0x12345 });
  assert.deepEqual(tcp(s, 15).ip, { bracket: '(', dscp: 34, ecn: 'ect1' }, 'RFC 2597 AF41 = 34');
  assert.deepEqual(tcp(s, 16).flags, { text: '.5', bits: TcpFlag.ACK | TcpFlag.AE | TcpFlag.ECE, ace: 5 });
  assert.equal(tcp(s, 17).flags.bits, TcpFlag.FIN | TcpFlag.PSH | TcpFlag.ACK);
  assert.deepEqual(tcp(s, 18).flags, { text: '-', bits: 0 });
  assert.equal(tcp(s, 18).urg, 3);
  assert.equal(tcp(s, 19).flags.bits, TcpFlag.URG | TcpFlag.ACK);
  const rst = tcp(s, 20);
  assert.deepEqual([rst.srcPort, rst.dstPort, rst.win], [8080, 9000, 0]);
});

test('UDP and ICMP lines, including the quoted packet and the older quoted-first form', () => {
  const s = load('icmp-udp.pkt');
  assert.deepEqual(packet(s, 3), { proto: 'udp', direction: 'inbound', len: 100 } satisfies UdpPacketSpec);
  assert.deepEqual(packet(s, 4), { proto: 'udp', direction: 'outbound', len: 32, srcPort: 5000, dstPort: 53 });
  const frag = packet(s, 5) as IcmpPacketSpec;
  assert.deepEqual(frag, {
    proto: 'icmp',
    direction: 'inbound',
    type: 'unreachable',
    code: 'frag_needed',
    mtu: 1200,
    echoed: { kind: 'tcp', seq: { kind: 'range', start: 1, end: 1461, len: 1460, absolute: false } },
  });
  const tooBig = packet(s, 6) as IcmpPacketSpec;
  assert.deepEqual([tooBig.type, tooBig.code, tooBig.mtu], ['packet_too_big', undefined, 1280]);
  assert.equal((packet(s, 7) as IcmpPacketSpec).code, 'ttl_exceeded_in_transit');
  assert.deepEqual((packet(s, 8) as IcmpPacketSpec).echoed, { kind: 'udp', len: 100 });
  assert.equal((packet(s, 9) as IcmpPacketSpec).id, 7);
  assert.deepEqual((packet(s, 10) as IcmpPacketSpec).echoed, { kind: 'raw', len: 8 });
  const old = packet(s, 11) as IcmpPacketSpec;
  assert.deepEqual([old.code, old.echoed?.kind], ['net_unreachable', 'tcp']);
  const encap = (packet(s, 12) as IcmpPacketSpec).echoed;
  assert.deepEqual(encap, { kind: 'tcp', seq: { kind: 'range', start: 5, end: 5, len: 0, absolute: false }, udpEncap: { srcPort: 9811, dstPort: 1 } });
});

test('FreeBSD dialect: #ifdef FreeBSD branch, shell checks, hlim, absolute seq, any seq, TCP over UDP, md5 valid', () => {
  const s = load('freebsd-dialect.pkt', 'freebsd');
  assert.deepEqual(s.options.map((o) => o.name), ['ip_version', 'udp_encapsulation', 'tolerance_usecs']);
  assert.equal(at(s, 6).kind, 'command');
  assert.deepEqual(tcp(s, 10).udpEncap, { srcPort: 1, dstPort: 9811 });
  assert.deepEqual(tcp(s, 10).options, [{ kind: 'mss', mss: 1440 }, { kind: 'sackOK' }, { kind: 'eol' }, { kind: 'eol' }]);
  assert.equal(at(s, 15).kind === 'command' && at(s, 15).kind, 'command');
  const ev16 = at(s, 16);
  assert.ok(ev16.kind === 'command' && ev16.command === 'tcpdrop -s ESTABLISHED');
  const rst = tcp(s, 17);
  assert.deepEqual(rst.ip, { bracket: '(', ttl: 4, ttlKeyword: 'hlim' });
  assert.deepEqual(rst.seq, { kind: 'range', start: 0, end: 0, len: 0, absolute: true });
  assert.equal(s.events.some((e) => e.line === 19), false, '#else branch is switched off');
  assert.deepEqual(tcp(s, 21).seq, { kind: 'any', len: 0 });
  assert.deepEqual(tcp(s, 21).options, [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'md5', digest: 'valid' }]);
  assert.deepEqual(tcp(s, 22).options, [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val: 'any', ecr: 0 }]);
});

test('FreeBSD fixture read as Linux takes the #else branch', () => {
  const s = load('freebsd-dialect.pkt', 'linux');
  assert.equal(s.events.some((e) => e.line === 15 || e.line === 17), false);
  const rst = tcp(s, 19);
  assert.deepEqual(rst.ip, { bracket: '(', tos: 0x20, tosKeyword: 'class' });
});

test('RFC 9293 §3.2 / RFC 7413 / RFC 2385 TCP option forms', () => {
  const s = load('tcp-options.pkt');
  assert.deepEqual(tcp(s, 5).options, [
    { kind: 'mss', mss: 536 }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'sackOK' }, { kind: 'nop' },
    { kind: 'wscale', shift: 14 }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val: 1, ecr: 0 },
  ]);
  assert.equal(tcp(s, 6).options, 'any');
  assert.deepEqual(tcp(s, 7).options[0], { kind: 'sack', blocks: [[5, 10], [20, 30], [40, 50]] });
  assert.deepEqual(tcp(s, 8).options[0], { kind: 'fastOpen', cookie: '', experimental: false });
  assert.deepEqual(tcp(s, 9).options[0], { kind: 'fastOpen', cookie: 'a1b2c3d4e5f60718', experimental: false });
  assert.deepEqual(tcp(s, 10).options[0], { kind: 'fastOpen', cookie: '0011223344556677', experimental: true });
  assert.deepEqual(tcp(s, 11).options[0], { kind: 'md5', digest: '000102030405060708090a0b0c0d0e0f' });
  assert.deepEqual(tcp(s, 13).options[0], { kind: 'generic', code: 30, data: '0102' });
  assert.deepEqual(tcp(s, 14).options[0], { kind: 'generic', code: 254, exid: 0xabcd, data: '0102' });
  assert.deepEqual(tcp(s, 15).options[2], { kind: 'accEcn', text: 'ECN e0b 1 ceb 2' });
});

test('%{ python }% blocks and `shell` commands are kept as raw text; untimed last command is cleanup', () => {
  const s = load('code-and-commands.pkt');
  assert.deepEqual(s.initCommand, { command: 'echo setup', line: 2, column: 1 });
  assert.deepEqual(s.cleanupCommand, { command: 'echo cleanup', line: 12, column: 1 });
  const cmd = at(s, 4);
  assert.ok(cmd.kind === 'command' && cmd.command === 'sysctl -q net.ipv4.tcp_sack=1');
  const one = at(s, 5);
  assert.ok(one.kind === 'code' && one.code === 'assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd');
  const multi = at(s, 6);
  assert.ok(multi.kind === 'code');
  assert.match(multi.code, /^\nimport sys\n# python comment, not a packetdrill comment\nassert tcpi_rto >= 200000\n$/);
  assert.equal(at(s, 11).kind, 'syscall', 'line numbers after a multi-line block stay right');
});

test('unsupported constructs become unsupported events with a reason, never dropped', () => {
  const s = load('unsupported.pkt');
  const reasons = s.events.filter((e) => e.kind === 'unsupported').map((e) => (e.kind === 'unsupported' ? [e.line, e.reason] : []));
  assert.deepEqual(reasons, [
    [3, 'SCTP packet'],
    [5, 'UDP-Lite packet'],
    [6, 'explicit IPv4 outer header'],
    [7, 'PSP encapsulation'],
    [8, 'undefined symbol MSS used as mss value'],
  ]);
  const sctp = at(s, 3);
  assert.ok(sctp.kind === 'unsupported' && sctp.text.includes('PAD[flgs=0'), 'multi-line chunk list kept whole');
  assert.equal(at(s, 9).kind, 'syscall');
});

test('defines replace words: -D MSS=1460 makes <mss MSS> a normal option', () => {
  const s = load('unsupported.pkt', 'linux', { MSS: '1460' });
  assert.deepEqual(tcp(s, 8).options, [{ kind: 'mss', mss: 1460 }]);
});

test('--define lines in the header feed #ifdef and word substitution', () => {
  const src = [
    '--define=COOKIE=a1b2c3d4',
    '--define=EXTRA',
    '#ifdef EXTRA',
    '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3',
    '#endif',
    '+0 < S 0:0(0) win 100 <FO COOKIE,nop,nop>',
  ].join('\n');
  const r = parseScript(src);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  assert.equal(r.script.events.length, 2);
  const ev = r.script.events[1]!;
  assert.ok(ev.kind === 'packet' && ev.packet.proto === 'tcp');
  assert.deepEqual(ev.packet.proto === 'tcp' && ev.packet.options[0], { kind: 'fastOpen', cookie: 'a1b2c3d4', experimental: false });
});

test('flags may be split by blanks as packetdrill allows: F . equals F.', () => {
  const r = parseScript('0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < F  . 1:1(0) ack 1 win 10\n');
  assert.ok(r.ok);
  const ev = r.script.events[1]!;
  assert.ok(ev.kind === 'packet' && ev.packet.proto === 'tcp');
  assert.equal(ev.packet.proto === 'tcp' && ev.packet.flags.bits, TcpFlag.FIN | TcpFlag.ACK);
});

test('times are exact microseconds (no float rounding)', () => {
  const r = parseScript('0.57 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+.000001 close(3) = 0\n+1.2345678 close(3) = 0\n');
  assert.ok(r.ok);
  assert.deepEqual(
    r.script.events.map((e) => e.time),
    [
      { kind: 'absolute', usecs: 570_000 },
      { kind: 'relative', usecs: 1 },
      { kind: 'relative', usecs: 1_234_567 },
    ],
  );
});
