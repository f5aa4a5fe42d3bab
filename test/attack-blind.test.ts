// Blind attacks on established connections during bulk transfers (src/chaos/blind-attack.ts):
// random-sequence RSTs, SYNs, data and ICMP errors, plus semi-blind in-window RSTs and data with a
// wrong ACK. scripts/blind-attack.ts runs a million attempts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBlindAttack } from '../src/chaos/blind-attack.js';

const rep = runBlindAttack({ attempts: 40_000, seed: 7, bytes: 256 * 1024, challengeAckLimit: 50, perStep: 40 });

test('RFC 5961 §3.2/§4.2 blind RST and SYN: no connection is reset', () => {
  assert.ok((rep.byKind['rst'] ?? 0) > 1000 && (rep.byKind['syn'] ?? 0) > 1000 && (rep.byKind['rst-in-window'] ?? 0) > 1000);
  assert.equal(rep.connectionsReset, 0, rep.failures.join('\n'));
});

test('RFC 5961 §5.2 blind data: not one byte injected (SHA-256 of every stream intact)', () => {
  assert.ok(rep.transfers >= 1);
  assert.equal(rep.corruptedStreams, 0, rep.failures.join('\n'));
  assert.equal(rep.extraBytes, 0);
  assert.equal(rep.bytesVerified, rep.transfers * 256 * 1024);
});

test('RFC 5961 §7 challenge ACKs are sent, within the per-second limit, and appear on the wire', () => {
  assert.ok(rep.challengeAcks > 0, 'in-window RSTs drew challenge ACKs');
  assert.ok(rep.maxChallengeAcksPerSecond <= rep.challengeAckLimit, `${rep.maxChallengeAcksPerSecond} > ${rep.challengeAckLimit}`);
  assert.equal(rep.challengeAcksMissingOnWire, 0);
});

test('RFC 5927 §4.1 blind ICMP errors (unreachable, frag-needed with tiny MTUs) change nothing', () => {
  assert.ok((rep.byKind['icmp-frag-needed'] ?? 0) > 1000 && (rep.byKind['icmp-unreach'] ?? 0) > 1000);
  assert.equal(rep.minSendMss, 1448, 'no blind frag-needed shrank the MSS');
});
