import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usesFastOpen } from '../src/packetdrill/corpus.js';

test('conformance scope: a script driving the Fast Open API (RFC 7413) is recognised wherever it lives', () => {
  assert.equal(usesFastOpen('+0 setsockopt(3, SOL_TCP, TCP_FASTOPEN_CONNECT, [1], 4) = 0\n'), true);
  assert.equal(usesFastOpen('+0 setsockopt(3, SOL_TCP, TCP_FASTOPEN, [1], 4) = 0\n'), true);
  assert.equal(usesFastOpen('+0 sendto(4, NULL, 1, MSG_FASTOPEN, ..., ...) = -1\n'), true);
  assert.equal(usesFastOpen('+0 > S 0:0(0) <mss 1460,nop,nop,sackOK,nop,wscale 8,FO,nop,nop>\n'), true);
  assert.equal(usesFastOpen('+0 < S. 0:0(0) ack 1 win 5792 <mss 1460,sackOK,FOEXP 3021b9d889017eeb>\n'), true);
});

test('conformance scope: ordinary scripts (options, words containing FO) stay in scope', () => {
  assert.equal(usesFastOpen('+0 > S 0:0(0) <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8>\n'), false);
  assert.equal(usesFastOpen('// the FOO counter and a FOLLOW-UP: nothing about fast open\n'), false);
  assert.equal(usesFastOpen('+0 setsockopt(3, SOL_TCP, TCP_NODELAY, [1], 4) = 0\n'), false);
});
