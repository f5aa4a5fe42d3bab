// Printing parsed events back in packetdrill syntax: exact text for packet lines (used in
// side-by-side failure messages) and parse → print → parse stability for every fixture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import {
  formatEvent,
  formatScript,
  formatSeconds,
  formatTcpRepr,
  parseScript,
  type Event,
  type Script,
} from '../src/packetdrill/index.js';
import { TcpFlag, type TcpRepr } from '../src/wire/tcp-types.js';

const DIR = join('test', 'fixtures', 'packetdrill-syntax');

function parseOk(src: string, dialect: 'linux' | 'freebsd' = 'linux'): Script {
  const r = parseScript(src, { dialect });
  if (!r.ok) assert.fail(r.errors.map((e) => `${e.line}:${e.column} ${e.code} ${e.message}`).join('; '));
  return r.script;
}

function lastEvent(line: string): Event {
  return parseOk(`0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n${line}\n`).events.at(-1)!;
}

const strip = (events: Event[]): unknown[] => events.map(({ line: _l, column: _c, ...rest }) => rest);

test('packet lines print back in canonical packetdrill form', () => {
  const cases: Array<[string, string]> = [
    ['+0   <  S  0:0(0)   win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>', '+0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>'],
    ['+.1 > P. 1:1001(1000) ack 1', '+0.1 > P. 1:1001(1000) ack 1'],
    ['* > F  . 11:11(0) ack 1 <...>', '* > F. 11:11(0) ack 1 <...>'],
    ['0.100~0.250 > [ect0] . 1:1(0) ack 1 <sack 5:10 20:30,nop,nop>', '0.1~0.25 > [ect0] . 1:1(0) ack 1 <sack 5:10 20:30,nop,nop>'],
    ['+0 > (ttl 4) R. 0:0(0)! ack 2 win 0/udp(9811 > 1)', '+0 > (ttl 4) R. 0:0(0)! ack 2 win 0/udp(9811 > 1)'],
    ['+0 > R. ...(0) ack 1 <nop,nop,TS val ... ecr 0>', '+0 > R. ...(0) ack 1 <nop,nop,TS val ... ecr 0>'],
    ['+0 < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]', '+0 < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]'],
    ['+0 > udp 5000 > 53 (32)', '+0 > udp 5000 > 53 (32)'],
  ];
  for (const [src, want] of cases) assert.equal(formatEvent(lastEvent(src)), want, src);
  assert.equal(formatEvent(lastEvent('+0 < S 0:0(0) win 1 <FO 0a0b>'), { withTime: false }), '< S 0:0(0) win 1 <FO 0a0b>');
});

test('syscalls, commands and code print back', () => {
  assert.equal(
    formatEvent(lastEvent('+0...0.010 poll([{fd=4,\n events=POLLIN|POLLOUT, revents=POLLIN}], 1, 1000) = 1')),
    '+0...0.01 poll([{fd=4, events=POLLIN|POLLOUT, revents=POLLIN}], 1, 1000) = 1',
  );
  assert.equal(
    formatEvent(lastEvent('+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now   in progress)')),
    '+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)',
  );
  assert.equal(formatEvent(lastEvent('+0 fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)')), '+0 fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)');
  assert.equal(formatEvent(lastEvent('+0 `echo hi`')), '+0 `echo hi`');
  assert.equal(formatEvent(lastEvent('+0 %{ assert x == 1 }%')), '+0 %{ assert x == 1 }%');
});

test('seconds print without float noise', () => {
  assert.deepEqual([0, 1_000_000, 100_000, 1_250_000, 1, 570_000].map(formatSeconds), ['0', '1', '0.1', '1.25', '0.000001', '0.57']);
});

for (const name of readdirSync(DIR).filter((f) => f.endsWith('.pkt')).sort()) {
  test(`${name}: parse → print → parse gives the same events`, () => {
    const dialect = name.startsWith('freebsd') ? 'freebsd' : 'linux';
    const first = parseOk(readFileSync(join(DIR, name), 'utf8'), dialect);
    const again = parseOk(formatScript(first), dialect);
    const unsupportedFree = (evs: Event[]): unknown[] => strip(evs).map((e) => (typeof e === 'object' && e !== null && 'text' in e ? { ...e, text: '' } : e));
    assert.deepEqual(unsupportedFree(again.events), unsupportedFree(first.events));
    assert.deepEqual(again.initCommand?.command, first.initCommand?.command);
    assert.deepEqual(again.cleanupCommand?.command, first.cleanupCommand?.command);
  });
}

test('fast-check: generated TCP lines survive print → parse', () => {
  const flags = fc.constantFrom('S', 'S.', '.', 'P.', 'F.', 'R', 'R.', 'FP.', 'SEW', 'E.', 'W.', '.5', '-');
  // [text, bytes on the wire]
  const opt: fc.Arbitrary<[string, number]> = fc.oneof(
    fc.constant<[string, number]>(['nop', 1]),
    fc.integer({ min: 0, max: 65535 }).map((n): [string, number] => [`mss ${n}`, 4]),
    fc.integer({ min: 0, max: 14 }).map((n): [string, number] => [`wscale ${n}`, 3]),
    fc.constant<[string, number]>(['sackOK', 2]),
    fc.tuple(fc.nat(), fc.nat()).map(([v, e]): [string, number] => [`TS val ${v} ecr ${e}`, 10]),
    fc
      .array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 2 })
      .map((bs): [string, number] => [`sack ${bs.map(([l, r]) => `${l}:${r}`).join(' ')}`, 2 + 8 * bs.length]),
  );
  fc.assert(
    fc.property(
      fc.constantFrom('<', '>'),
      flags,
      fc.integer({ min: 0, max: 2 ** 31 }),
      fc.integer({ min: 0, max: 65535 }),
      fc.option(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { nil: undefined }),
      fc.integer({ min: 0, max: 65535 }),
      fc.array(opt, { maxLength: 3 }),
      (dir, f, seq, len, ack, win, opts) => {
        let line = `+0 ${dir} ${f} ${seq}:${seq + len}(${len})`;
        if (ack !== undefined) line += ` ack ${ack}`;
        line += ` win ${win}`;
        const texts = opts.map(([t]) => t);
        const bytes = opts.reduce((n, [, b]) => n + b, 0);
        for (let pad = (4 - (bytes % 4)) % 4; pad > 0; pad--) texts.push('nop');
        if (texts.length > 0) line += ` <${texts.join(',')}>`;
        const r = parseScript(`0 socket() = 3\n${line}\n`);
        if (!r.ok) {
          assert.ok(bytes > 40, `only oversized option lists are rejected: ${line}`);
          return;
        }
        const ev = r.script.events[1]!;
        const back = parseScript(`0 socket() = 3\n${formatEvent(ev)}\n`);
        assert.ok(back.ok);
        assert.ok(isDeepStrictEqual(strip([back.script.events[1]!]), strip([ev])));
      },
    ),
    { numRuns: 300 },
  );
});

test('an observed segment prints like a script line (for expected/actual messages)', () => {
  const seg: TcpRepr = {
    srcPort: 8080,
    dstPort: 40000,
    seq: 1,
    ack: 1001,
    flags: TcpFlag.PSH | TcpFlag.ACK,
    window: 502,
    urgent: 0,
    options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val: 7, ecr: 9 }, { kind: 'unknown', code: 34, data: new Uint8Array([0xab, 0xcd]) }],
    payload: new Uint8Array(100),
  };
  assert.equal(formatTcpRepr('outbound', seg), '> P. 1:101(100) ack 1001 win 502 <nop,nop,TS val 7 ecr 9,FO abcd>');
  assert.equal(formatTcpRepr('inbound', { ...seg, flags: TcpFlag.SYN, options: [], payload: new Uint8Array(0) }), '< S 1:1(0) win 502');
});
