// Malformed packetdrill scripts: every problem is reported with line:column and a stable code,
// several problems in one file are all reported, and no input makes parseScript throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseScript, type ParseErrorCode, type ParseResult } from '../src/packetdrill/index.js';

const DIR = join('test', 'fixtures', 'packetdrill-syntax');
const MALFORMED = join(DIR, 'malformed');

const CODES: ReadonlySet<ParseErrorCode> = new Set<ParseErrorCode>([
  'PD_UNEXPECTED_TOKEN', 'PD_UNEXPECTED_CHAR', 'PD_UNTERMINATED_STRING', 'PD_UNTERMINATED_COMMAND',
  'PD_UNTERMINATED_CODE', 'PD_UNTERMINATED_COMMENT', 'PD_BAD_NUMBER', 'PD_OUT_OF_RANGE', 'PD_BAD_FLAGS',
  'PD_SEQ_INCONSISTENT', 'PD_NEGATIVE_TIME', 'PD_TIME_RANGE_BACKWARDS', 'PD_TIME_NOT_OUTBOUND',
  'PD_WINDOW_REQUIRED', 'PD_ANY_OPTIONS_INBOUND', 'PD_OPTIONS_PADDING', 'PD_DUPLICATE_FIELD',
  'PD_OPTION_AFTER_EVENTS', 'PD_NO_EVENTS', 'PD_PREPROCESSOR',
]);

/** A result is well formed: ok with events, or errors that point inside the text. */
function assertWellFormed(src: string, r: ParseResult): void {
  if (r.ok) {
    assert.ok(r.script.events.length > 0);
    return;
  }
  assert.ok(r.errors.length > 0);
  const lines = src.split('\n').length;
  for (const e of r.errors) {
    assert.ok(CODES.has(e.code), `unknown code ${e.code}`);
    assert.ok(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines, `line ${e.line} of ${lines}`);
    assert.ok(Number.isInteger(e.column) && e.column >= 1, `column ${e.column}`);
    assert.doesNotMatch(e.message, /internal parser error/);
  }
}

for (const name of readdirSync(MALFORMED).filter((f) => f.endsWith('.pkt')).sort()) {
  test(`malformed/${name}: errors at the lines and with the codes its header expects`, () => {
    const src = readFileSync(join(MALFORMED, name), 'utf8');
    const expected = [...src.matchAll(/^\/\/ expect: (\d+) (PD_[A-Z_]+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    assert.ok(expected.length > 0, 'fixture declares its expected errors');
    const r = parseScript(src);
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.errors.map((e) => `${e.line} ${e.code}`), expected);
    assertWellFormed(src, r);
  });
}

test('error messages name what was expected and what was found', () => {
  const r = parseScript('0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < S 0:0(0) win 10 <mss 1460 sackOK>\n');
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.errors[0], {
    code: 'PD_UNEXPECTED_TOKEN',
    line: 2,
    column: 32,
    message: "expected ',' or '>' in TCP option list, found 'sackOK'",
  });
});

test('duplicate fields and out-of-range values are errors', () => {
  const r = parseScript('0 socket() = 3\n+0 > . 1:1(0) ack 1 ack 2\n+0 > . 1:1(0) win 70000\n+0 > (ttl 4, hlim 5) . 1:1(0)\n');
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.errors.map((e) => `${e.line} ${e.code}`), ['2 PD_DUPLICATE_FIELD', '3 PD_OUT_OF_RANGE', '4 PD_DUPLICATE_FIELD']);
});

test('two events on one line are rejected', () => {
  const r = parseScript('0 socket() = 3 +0 close(3) = 0\n');
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.errors[0]!.code, 'PD_UNEXPECTED_TOKEN');
});

test('#else/#endif without #ifdef are preprocessor errors', () => {
  const r = parseScript('0 socket() = 3\n#else\n#endif\n');
  assert.deepEqual(!r.ok && r.errors.map((e) => `${e.line} ${e.code}`), ['2 PD_PREPROCESSOR', '3 PD_PREPROCESSOR']);
});

test('deep nesting is an error, not a stack overflow', () => {
  const src = `0 f(${'['.repeat(100_000)}) = 0\n`;
  const r = parseScript(src);
  assertWellFormed(src, r);
  assert.equal(r.ok, false);
});

test('fast-check: arbitrary text never makes parseScript throw', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (src) => {
      assertWellFormed(src, parseScript(src));
    }),
    { numRuns: 400 },
  );
});

const PIECES = [
  '0', '+0', '+.1', '0.25', '*', '~', '<', '>', 'S', '.', 'S.', 'F.', 'P.', 'R', '-', '.5', 'SEW', '0:0(0)', '1:1001(1000)',
  '!', '...(0)', 'ack', 'win', 'urg', '1', '65535', '<mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>', '<...>', 'mss', ',',
  'nop', 'eol', 'sack', '1:2', 'FO', 'md5', 'valid', 'socket', 'close', '(', ')', '=', '...', '[', ']', '{', '}', '|', 'fd=4',
  '"x"', '`cmd`', '%{', '}%', '%{ x }%', '\n', ' ', '#ifdef FreeBSD\n', '#else\n', '#endif\n', '// c\n', '/*', '*/', 'icmp',
  'unreachable', 'frag_needed', 'mtu', 'udp', '(100)', '[ect0]', '(tos 0x10)', '(ttl 4)', '/udp(1 > 2)', '-1', 'EAGAIN',
  '(No such thing)', '0x10', 'MSS', '--tolerance_usecs=1000', 'sctp:', 'ipv4', 'htons(80)', '"a"...', 'msg_iov(1)=',
];

test('fast-check: token soup never makes parseScript throw and errors stay in range', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }), fc.constantFrom('linux', 'freebsd'), (parts, dialect) => {
      const src = parts.join(' ');
      assertWellFormed(src, parseScript(src, { dialect: dialect as 'linux' | 'freebsd' }));
    }),
    { numRuns: 600 },
  );
});

test('fast-check: random edits of the fixtures never make parseScript throw', () => {
  const sources = readdirSync(DIR)
    .filter((f) => f.endsWith('.pkt'))
    .map((f) => readFileSync(join(DIR, f), 'utf8'));
  fc.assert(
    fc.property(
      fc.constantFrom(...sources),
      fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 5 }),
      (src, edits) => {
        let s = src;
        for (const [pos, del, ins] of edits) {
          const p = pos % (s.length + 1);
          s = s.slice(0, p) + ins + s.slice(p + del);
        }
        assertWellFormed(s, parseScript(s));
      },
    ),
    { numRuns: 300 },
  );
});
