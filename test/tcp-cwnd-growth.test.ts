// TcpConfig.cwndGrowth (src/tcp/cwnd-use.ts, cc/hystart.ts): 'rfc5681' grows cwnd by at most one
// SMSS per ACK in slow start and only while the flight fills the window (RFC 5681 §3.1, RFC 7661
// §4.3); 'linux' grows it by every segment an ACK covers and judges window use per window of data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, dg, passiveEstablished } from './tcp-helpers.js';
import { resolveConfig } from '../src/tcp/config.js';

const MSS = 1000;
const BASE = { congestionControl: 'newreno', hystart: false, timestamps: false, sack: false } as const;

function sender(cwndGrowth: 'rfc5681' | 'linux') {
  return passiveEstablished({ ...BASE, cwndGrowth }, 1000, 5000, 65535, MSS);
}

function ack(p: ReturnType<typeof sender>, rel: number, now: number): void {
  p.layer.receive(dg({ seq: 1001, ack: 5001 + rel, flags: ACK }), now);
  p.layer.poll(now);
}

test("RFC 5681 §3.1: a stretch ACK of 10 segments grows cwnd by one SMSS ('rfc5681'), by 10 ('linux', tcp_slow_start())", () => {
  for (const [rule, want] of [['rfc5681', 11], ['linux', 20]] as const) {
    const p = sender(rule);
    p.conn.send(new Uint8Array(30_000), 2);
    p.layer.poll(2);
    ack(p, 10 * MSS, 3);
    assert.equal(p.conn.cc.cwnd / MSS, want, rule);
  }
});

test("RFC 7661 §4.3: an application-limited flight of half the window does not grow cwnd under 'linux' (cwnd < 2 × largest flight fails)", () => {
  const p = sender('linux');
  p.conn.send(new Uint8Array(5 * MSS), 2);
  p.layer.poll(2);
  ack(p, 2 * MSS, 3);
  ack(p, 4 * MSS, 4);
  assert.equal(p.conn.cc.cwnd / MSS, 10, 'five segments out of ten: not limited by cwnd');
  const r = sender('rfc5681');
  r.conn.send(new Uint8Array(5 * MSS), 2);
  r.layer.poll(2);
  ack(r, 2 * MSS, 3);
  assert.equal(r.conn.cc.cwnd / MSS, 11, "'rfc5681': half the window in flight before the ACK is enough");
});

test("RFC 7661 §4.3 under 'linux': a window filled once stays in use until its data is acknowledged", () => {
  const p = sender('linux');
  p.conn.send(new Uint8Array(10 * MSS), 2);
  p.layer.poll(2); // ten segments: the window is full, nothing more to send
  const seen: number[] = [];
  for (let i = 1; i <= 5; i++) {
    ack(p, 2 * i * MSS, 2 + i);
    seen.push(p.conn.cc.cwnd / MSS);
  }
  assert.deepEqual(seen, [12, 14, 16, 18, 20], 'every ACK of that window grows cwnd, though the flight shrinks');
});

test("profile 'linux' selects cwndGrowth 'linux'; the default and the 'rfc' profile keep 'rfc5681'", () => {
  assert.equal(resolveConfig({ profile: 'linux' }).cwndGrowth, 'linux');
  assert.equal(resolveConfig({}).cwndGrowth, 'rfc5681');
  assert.equal(resolveConfig({ profile: 'rfc' }).cwndGrowth, 'rfc5681');
  assert.equal(resolveConfig({ profile: 'linux' }).pushRule, 'linux');
  assert.equal(resolveConfig({ profile: 'freebsd' }).pushRule, 'rfc9293');
});
