// The #ifdef preprocessor used by FreeBSD-style scripts: branches by define, nesting,
// #ifndef/#else/#define/#undef, line numbers preserved, code blocks left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocess, parseScript } from '../src/packetdrill/index.js';

const lines = (s: string): string[] => s.split('\n');

test('#ifdef keeps the branch for a defined name and blanks the other, keeping line numbers', () => {
  const src = ['a', '#ifdef FreeBSD', 'b', '#else', 'c', '#endif', 'd'].join('\n');
  assert.deepEqual(lines(preprocess(src, { FreeBSD: '' }).text), ['a', '', 'b', '', '', '', 'd']);
  assert.deepEqual(lines(preprocess(src, {}).text), ['a', '', '', '', 'c', '', 'd']);
});

test('nesting, #ifndef, #define and #undef', () => {
  const src = [
    '#define A',
    '#ifdef A',
    '#ifndef B',
    'one',
    '#endif',
    '#undef A',
    '#ifdef A',
    'two',
    '#endif',
    '#endif',
    '#ifdef B',
    '#ifdef A',
    'three',
    '#else',
    'four',
    '#endif',
    '#endif',
  ].join('\n');
  const r = preprocess(src, {});
  assert.deepEqual(r.errors, []);
  assert.deepEqual(lines(r.text).filter((l) => l !== ''), ['one'], 'an #else inside a switched-off block stays off');
  assert.equal(lines(r.text).length, 17);
  assert.equal('A' in r.defines, false);
});

test('directives inside a %{ }% block are Python comments and stay', () => {
  const src = ['0 socket() = 3', '+0 %{', '#ifdef x', 'assert 1', '}%', '#ifdef X', '+0 close(3) = 0', '#endif'].join('\n');
  const r = preprocess(src, {});
  assert.deepEqual(r.errors, []);
  assert.deepEqual(lines(r.text), ['0 socket() = 3', '+0 %{', '#ifdef x', 'assert 1', '}%', '', '', '']);
});

test('FreeBSD dialect defines FreeBSD; caller defines add to it', () => {
  const src = ['#ifdef FreeBSD', '0 socket() = 3', '#endif', '#ifdef STANDARD', '+0 close(3) = 0', '#endif'].join('\n');
  const count = (r: ReturnType<typeof parseScript>): number => (r.ok ? r.script.events.length : -1);
  assert.equal(count(parseScript(src, { dialect: 'freebsd' })), 1);
  assert.equal(count(parseScript(src, { dialect: 'freebsd', defines: { STANDARD: '' } })), 2);
  const linux = parseScript(src);
  assert.equal(linux.ok, false);
  assert.deepEqual(!linux.ok && linux.errors.map((e) => e.code), ['PD_NO_EVENTS']);
});

test('errors: unmatched #else/#endif, second #else, missing name, unterminated #ifdef', () => {
  const r = preprocess(['#endif', '#ifdef', '#else', '#else', 'x'].join('\n'), {});
  assert.deepEqual(
    r.errors.map((e) => [e.line, e.code, e.message]),
    [
      [1, 'PD_PREPROCESSOR', '#endif without #ifdef'],
      [2, 'PD_PREPROCESSOR', '#ifdef must be followed by one name'],
      [4, 'PD_PREPROCESSOR', 'second #else for #ifdef on line 2'],
      [2, 'PD_PREPROCESSOR', 'unterminated #ifdef on line 2'],
    ],
  );
});
