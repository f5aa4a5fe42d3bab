// The packetdrill runner: what passes, how failures are reported (line, expected vs actual),
// timing and blocking syscalls on the virtual clock, and what makes a script skip instead of
// pass. Scripts are inline; the RFC suite itself runs in packetdrill-run-suite.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getProfile, isProfileName, profileConfig, PROFILE_NAMES } from '../src/packetdrill/profiles.js';
import { interpretCommand } from '../src/packetdrill/runner-commands.js';
import { ADDRESSES } from '../src/packetdrill/runner-host.js';
import { runScript, type RunResult } from '../src/packetdrill/runner.js';

const HANDSHAKE = `
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 65535 <mss 1000>
+0  > S. 0:0(0) ack 1 <mss 1460>
+.1 < . 1:1(0) ack 1 win 65535
+0  accept(3, ..., ...) = 4
`;

const rfc = (text: string): RunResult => runScript(text, { profile: 'rfc' });

function failed(r: RunResult): Extract<RunResult, { status: 'fail' }> {
  assert.equal(r.status, 'fail', JSON.stringify(r));
  return r as Extract<RunResult, { status: 'fail' }>;
}

function skipped(r: RunResult): Extract<RunResult, { status: 'skip' }> {
  assert.equal(r.status, 'skip', JSON.stringify(r));
  return r as Extract<RunResult, { status: 'skip' }>;
}

test('RFC 9293 §3.5 a three-way handshake and a data exchange pass, with a trace of what happened', () => {
  const r = rfc(HANDSHAKE + '+0 write(4, ..., 100) = 100\n+0 > P. 1:101(100) ack 1\n+.1 < . 1:1(0) ack 101 win 65535\n');
  assert.equal(r.status, 'pass', JSON.stringify(r));
  assert.ok(r.status === 'pass' && r.trace.some((l) => l.includes('> P. 1:101(100) ack 1')));
});

test('a wrong outbound field fails at its line with the expected and the actual packet', () => {
  const r = failed(rfc(HANDSHAKE + '+0 write(4, ..., 100) = 100\n+0 > P. 1:101(100) ack 2\n'));
  assert.equal(r.line, 10);
  assert.match(r.message, /bad outbound packet: ack 1 instead of 2/);
  assert.equal(r.expected, '+0 > P. 1:101(100) ack 2');
  assert.match(r.actual ?? '', /^0\.1 > P\. 1:101\(100\) ack 1 win 65535$/);
});

test('a window written in the script is checked; one left out is not', () => {
  assert.equal(rfc(HANDSHAKE + '+0 write(4, ..., 10) = 10\n+0 > P. 1:11(10) ack 1 win 65535\n').status, 'pass');
  const r = failed(rfc(HANDSHAKE + '+0 write(4, ..., 10) = 10\n+0 > P. 1:11(10) ack 1 win 1000\n'));
  assert.match(r.message, /win 65535 instead of 1000/);
});

test('options are compared in order: a missing option fails', () => {
  const r = failed(rfc('0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n+0 < S 0:0(0) win 65535\n+0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 7>\n'));
  assert.equal(r.line, 5);
  assert.match(r.message, /missing option at position 2/);
});

test('a packet sent too early or too late is a timing error (RFC 9293 §3.8.6.3 delayed ACK at 200 ms)', () => {
  const base = HANDSHAKE + '+0 < P. 1:101(100) ack 1 win 65535\n';
  assert.equal(rfc(base + '+.2 > . 1:1(0) ack 101\n').status, 'pass');
  const early = failed(rfc(base + '+.3 > . 1:1(0) ack 101\n'));
  assert.match(early.message, /timing error: expected outbound packet at 0\.400000 sec but happened at 0\.300000 sec/);
  const late = failed(rfc(base + '+.1 > . 1:1(0) ack 101\n'));
  assert.match(late.message, /timing error/);
});

test('a tolerance given in the script widens the timing check', () => {
  const base = '--tolerance_usecs=150000\n' + HANDSHAKE + '+0 < P. 1:101(100) ack 1 win 65535\n';
  assert.equal(rfc(base + '+.1 > . 1:1(0) ack 101\n').status, 'pass');
});

test('a packet that never comes times out', () => {
  const r = failed(rfc(HANDSHAKE + '+0 > P. 1:101(100) ack 1\n'));
  assert.match(r.message, /timed out waiting for packet/);
  assert.equal(r.line, 9);
});

test('a syscall result or errno that differs fails with both shown', () => {
  const r = failed(rfc(HANDSHAKE + '+0 fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n+0 read(4, ..., 100) = 5\n'));
  assert.match(r.message, /read\(\) returned -1 EAGAIN, script expects 5/);
  assert.match(r.actual ?? '', /read\(4, \.\.\., 100\) = -1 EAGAIN/);
  const e = failed(rfc(HANDSHAKE + '+0 fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n+0 read(4, ..., 100) = -1 ECONNRESET\n'));
  assert.match(e.message, /failed with EAGAIN, script expects ECONNRESET/);
});

test('EWOULDBLOCK and EAGAIN are the same errno', () => {
  assert.equal(rfc(HANDSHAKE + '+0 fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n+0 read(4, ..., 100) = -1 EWOULDBLOCK\n').status, 'pass');
});

test('script fds are the numbers the script gives (as packetdrill maps them)', () => {
  const s = '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 7\n+0 bind(7, ..., ...) = 0\n+0 listen(7, 1) = 0\n+0 < S 0:0(0) win 65535\n+0 > S. 0:0(0) ack 1 <mss 1460>\n+.1 < . 1:1(0) ack 1 win 65535\n+0 accept(7, ..., ...) = 9\n+0 close(9) = 0\n+0 > F. 1:1(0) ack 1\n';
  assert.equal(rfc(s).status, 'pass');
});

test('a blocking syscall runs while the script goes on; its return time is checked', () => {
  const ok = HANDSHAKE + '+0...0.3 read(4, ..., 1000) = 100\n+.3 < P. 1:101(100) ack 1 win 65535\n';
  assert.equal(rfc(ok).status, 'pass');
  const wrong = failed(rfc(HANDSHAKE + '+0...0.1 read(4, ..., 1000) = 100\n+.3 < P. 1:101(100) ack 1 win 65535\n'));
  assert.match(wrong.message, /expected system call return at 0\.200000 sec but happened at 0\.400000 sec/);
});

test('a script that ends while a blocking call is still waiting fails', () => {
  const r = failed(rfc(HANDSHAKE + '+0...0.3 read(4, ..., 1000) = 100\n'));
  assert.match(r.message, /exiting while a blocking system call is in progress/);
});

test('a call written without `...` that blocks forever fails instead of hanging', () => {
  const r = failed(rfc(HANDSHAKE + '+0 read(4, ..., 1000) = 100\n'));
  assert.match(r.message, /never returned/);
});

test('a syntax error is a failure at its line', () => {
  const r = failed(rfc('0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < Q 0:0(0) win 1\n'));
  assert.equal(r.line, 2);
  assert.match(r.message, /syntax error/);
});

test('what the runner cannot execute is skipped with the reason, never passed', () => {
  const cases: Array<[string, RegExp]> = [
    [HANDSHAKE + '+0 %{ import os; os.system("true") }%\n', /python/],
    [HANDSHAKE + '+0 %{ assert tcpi_delivery_rate > 0 }%\n', /tcp_info field tcpi_delivery_rate/],
    [HANDSHAKE + '+0 epoll_create(1) = 5\n', /epoll_create\(\) is not supported/],
    ['`nstat -n`\n' + HANDSHAKE, /shell command 'nstat -n'/],
    ['`sysctl -q net.ipv4.tcp_imaginary=1`\n' + HANDSHAKE, /sysctl net\.ipv4\.tcp_imaginary is not supported/],
    ['--wire_server_ip=1.2.3.4\n' + HANDSHAKE, /option --wire_server_ip/],
    [HANDSHAKE + '+0 < udp (10)\n', /UDP/],
    [HANDSHAKE + '+0 send(4, ..., 1, MSG_OOB) = 1\n', /MSG_OOB/],
    [HANDSHAKE + '+0 getsockopt(4, SOL_TCP, TCP_INFO, {tcpi_state=1}, 8) = 0\n', /TCP_INFO is not supported/],
    [HANDSHAKE + '+0 write(4, ..., 10) = 10\n+0 > (tos 0x10) P. 1:11(10) ack 1\n', /IP header fields/],
  ];
  for (const [text, why] of cases) {
    const r = skipped(rfc(text));
    assert.match(r.reason, why);
  }
});

test('a skip found while running (an unsupported option value) names its line', () => {
  const r = skipped(rfc(HANDSHAKE + '+0 setsockopt(4, IPPROTO_TCP, TCP_QUICKACK, [1], 4) = 0\n'));
  assert.equal(r.line, 9);
  assert.match(r.reason, /TCP_QUICKACK/);
});

test('IPv6 runs use the ULA / documentation-prefix addresses and a 1440-byte MSS', () => {
  assert.equal(ADDRESSES.ipv6.local, 'fd3d:fa7b:d17d::1');
  assert.equal(ADDRESSES.ipv4.remote, '192.0.2.1');
  const s = HANDSHAKE.replace('<mss 1460>', '<mss 1440>');
  assert.equal(runScript(s, { profile: 'rfc', ipVersion: 'ipv6' }).status, 'pass');
  assert.equal(runScript('--ip_version=ipv6\n' + s, { profile: 'rfc' }).status, 'pass');
  assert.equal(runScript(s, { profile: 'rfc' }).status, 'fail');
});

test('sysctl commands map onto TcpConfig; behaviour-only ones are accepted, others refused', () => {
  const r = interpretCommand('../common/defaults.sh\nsysctl -q net.ipv4.tcp_syn_retries=3 net.ipv4.tcp_keepalive_time=600\nsysctl -q net.ipv4.tcp_rmem="4096 $((16*1024)) 65536"\nethtool -K tun0 tso off gso off');
  assert.ok(r.ok);
  assert.deepEqual(r.ok && r.config, { slowStartAfterIdle: false, synRetries: 3, keepAliveIdle: 600_000, recvBufferSize: 65536 });
  const py = interpretCommand('../common/set_sysctls.py /proc/sys/net/ipv4/tcp_timestamps=0 \\\n /proc/sys/net/ipv4/tcp_fin_timeout=5');
  assert.deepEqual(py.ok && py.config, { timestamps: false, finWait2Timeout: 5000 });
  assert.equal(interpretCommand('cat /proc/net/tcp').ok, false);
  assert.equal(interpretCommand('sysctl net.ipv4.tcp_sack').ok, false);
});

test('FreeBSD sysctls: insecure_rst / insecure_syn switch RFC 5961 §3 / §4 off, kern.ipc.maxsockbuf sizes sb_max', () => {
  const r = interpretCommand('sysctl -w net.inet.tcp.insecure_rst=1\nsysctl -w net.inet.tcp.insecure_syn=0\nsysctl -w kern.ipc.maxsockbuf=2097152');
  assert.deepEqual(r.ok && r.config, { rfc5961Rst: false, rfc5961Syn: true, recvBufferMax: 2097152, sendBufferMax: 2097152, windowScaleFromMax: true });
  const more = interpretCommand('sysctl -w net.inet.tcp.drop_synfin=1\nsysctl -w net.inet.tcp.icmp_may_rst=0\nsysctl -w net.inet.tcp.keepinit=5000\nsysctl -w net.inet.tcp.rexmit_drop_options=1\nsysctl -w net.inet.tcp.rexmit_slop=200');
  assert.deepEqual(more.ok && more.config, { dropSynFin: true, icmpHardErrors: 'none', connectTimeout: 5000, synDropOptionsAfter: 3, rtoSlop: 200 });
});

test('a sysctl in the init command takes effect (tcp_syn_retries=1: connect fails after 3 s)', () => {
  const s = '`sysctl -q net.ipv4.tcp_syn_retries=1`\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0...3 connect(3, ..., ...) = -1 ETIMEDOUT\n+0 > S 0:0(0) <mss 1460>\n+1 > S 0:0(0) <mss 1460>\n3.1 close(3) = 0\n';
  assert.equal(rfc(s).status, 'pass');
});

test('profiles: RFC values for rfc, kernel defaults for linux and freebsd', () => {
  assert.deepEqual([...PROFILE_NAMES], ['rfc', 'linux', 'freebsd']);
  assert.ok(isProfileName('linux') && !isProfileName('bsd'));
  const r = profileConfig('rfc');
  assert.equal(r.rtoMin, 1000); // RFC 6298 §2.4
  assert.equal(r.delayedAckTimeout, 200); // under 500 ms, RFC 1122 §4.2.3.2
  assert.equal(r.msl, 120_000); // RFC 9293 §3.4.2
  assert.equal(profileConfig('linux').rtoMin, 200);
  assert.equal(profileConfig('linux').delayedAckTimeout, 40);
  assert.equal(profileConfig('freebsd').rtoMin, 30);
  assert.equal(getProfile('freebsd').dialect, 'freebsd');
  const p = getProfile('rfc');
  p.tcp.rtoMin = 1;
  assert.equal(profileConfig('rfc').rtoMin, 1000, 'getProfile hands out copies');
});

test('the profile changes behaviour: linux acknowledges the first segments at once (quick ACKs), rfc delays 200 ms', () => {
  const quick = HANDSHAKE + '+0 < P. 1:101(100) ack 1 win 65535\n+0 > . 1:1(0) ack 101\n';
  const delayed = HANDSHAKE + '+0 < P. 1:101(100) ack 1 win 65535\n+.2 > . 1:1(0) ack 101\n';
  assert.equal(runScript(quick, { profile: 'linux' }).status, 'pass');
  assert.equal(runScript(quick, { profile: 'rfc' }).status, 'fail');
  assert.equal(runScript(delayed, { profile: 'rfc' }).status, 'pass');
  assert.equal(runScript(delayed, { profile: 'linux' }).status, 'fail');
});

test('FreeBSD dialect: #ifdef FreeBSD and FreeBSD errno/flag values', () => {
  const s = HANDSHAKE + '#ifdef FreeBSD\n+0 fcntl(4, F_GETFL) = 0x6 (flags O_RDWR|O_NONBLOCK)\n#else\n+0 fcntl(4, F_GETFL) = 0x2\n#endif\n';
  assert.equal(runScript(s, { profile: 'linux' }).status, 'pass');
  const f = runScript(s.replace('accept(3, ..., ...) = 4', 'accept(3, ..., ...) = 4\n+0 fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0'), { profile: 'freebsd' });
  assert.equal(f.status, 'pass', JSON.stringify(f));
});

test('RFC 9293 §3.10.7.2 a new SYN after the listener reset a half-open connection is a new incarnation', () => {
  const s = '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n' +
    '+0 < S 0:0(0) win 65535\n+0 > S. 0:0(0) ack 1 <mss 1460>\n+.1 < R 1:1(0) win 0\n' +
    '+.1 < S 500:500(0) win 65535\n+0 > S. 0:0(0) ack 501 <mss 1460>\n+.1 < . 1:1(0) ack 1 win 65535\n+0 accept(3, ..., ...) = 4\n';
  assert.equal(rfc(s).status, 'pass');
});

test('consecutive segments are aggregated to match a larger expected one (packetdrill, TSO); --strict_segments turns it off', () => {
  const body = HANDSHAKE + '+0 write(4, ..., 3000) = 3000\n+0 > P. 1:3001(3000) ack 1\n+.1 < . 1:1(0) ack 3001 win 65535\n';
  assert.equal(rfc(body).status, 'pass');
  const strict = failed(rfc('--strict_segments\n' + body));
  assert.match(strict.message, /bad outbound packet: flags \. instead of P\./);
  // Pieces must be contiguous and alike: a 2500-byte expectation cannot be met by 1000 + 1000 + 1000.
  const over = failed(rfc(HANDSHAKE + '+0 write(4, ..., 3000) = 3000\n+0 > P. 1:2501(2500) ack 1\n'));
  assert.match(over.message, /payload length 3000 instead of 2500/);
});

test('RFC 7323 TS val is checked in ticks with --tcp_ts_tick_usecs, TS ecr with --check_ts_ecr', () => {
  const s = (val: number, ecr: number): string =>
    '--tcp_ts_tick_usecs=1000\n--check_ts_ecr\n`sysctl -q net.ipv4.tcp_timestamps=1`\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n' +
    '+0 < S 0:0(0) win 65535 <mss 1000,nop,nop,TS val 100 ecr 0>\n+0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,TS val 10 ecr 100>\n' +
    '+.1 < . 1:1(0) ack 1 win 65535 <nop,nop,TS val 150 ecr 10>\n+0 accept(3, ..., ...) = 4\n+.5 write(4, ..., 10) = 10\n' +
    `+0 > P. 1:11(10) ack 1 <nop,nop,TS val ${val} ecr ${ecr}>\n`;
  assert.equal(rfc(s(610, 150)).status, 'pass');
  assert.match(failed(rfc(s(700, 150))).message, /bad TS val/);
  assert.match(failed(rfc(s(610, 100))).message, /bad TS ecr/);
  // Without the options packetdrill checks neither.
  assert.equal(rfc(s(700, 100).replace('--tcp_ts_tick_usecs=1000\n--check_ts_ecr\n', '')).status, 'pass');
});
