// TcpConfig.synOptionLayout: the same SYN/SYN-ACK options in Linux's or FreeBSD's order
// (RFC 9293 §3.1 leaves the order free; the header still ends on a 32-bit boundary).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOCAL, REMOTE, SYN, dg, mkLayer, out } from './tcp-helpers.js';
import type { TcpOption, TcpRepr } from '../src/wire/tcp-types.js';
import type { TcpConfig } from '../src/tcp/config.js';

const kinds = (seg: TcpRepr): string[] => seg.options.map((o) => o.kind);
const bytes = (seg: TcpRepr): number => seg.options.reduce((n, o) => n + (o.kind === 'nop' || o.kind === 'eol' ? 1 : o.kind === 'mss' || o.kind === 'wscale' ? (o.kind === 'mss' ? 4 : 3) : o.kind === 'sackPermitted' ? 2 : o.kind === 'timestamp' ? 10 : 0), 0);

function syn(config: Partial<TcpConfig>): TcpRepr {
  const layer = mkLayer(LOCAL.address, config);
  const c = layer.connect({ address: REMOTE.address, port: 80 }, {}, 0);
  assert.ok(c.ok);
  return out(layer, 0)[0]!.seg;
}

function synAck(config: Partial<TcpConfig>, offered: TcpOption[]): TcpRepr {
  const layer = mkLayer(LOCAL.address, config);
  assert.ok(layer.listen(LOCAL, 8, 0).ok);
  layer.receive(dg({ seq: 1000, flags: SYN, window: 65535, options: [{ kind: 'mss', mss: 1460 }, ...offered] }), 0);
  return out(layer, 0)[0]!.seg;
}

const ALL = { windowScaling: true, timestamps: true, sack: true };

test('RFC 9293 §3.1 synOptionLayout freebsd: SYN is mss, nop, wscale, sackOK, TS (20 bytes)', () => {
  const s = syn({ ...ALL, synOptionLayout: 'freebsd' });
  assert.deepEqual(kinds(s), ['mss', 'nop', 'wscale', 'sackPermitted', 'timestamp']);
  assert.equal(bytes(s), 20);
});

test('RFC 9293 §3.1 synOptionLayout linux (default): SYN is mss, sackOK, TS, nop, wscale', () => {
  assert.deepEqual(kinds(syn(ALL)), ['mss', 'sackPermitted', 'timestamp', 'nop', 'wscale']);
});

test('RFC 9293 §3.1 synOptionLayout freebsd: a SYN-ACK answering mss+sackOK pads with EOL to a 32-bit boundary', () => {
  const s = synAck({ ...ALL, synOptionLayout: 'freebsd' }, [{ kind: 'sackPermitted' }]);
  assert.deepEqual(kinds(s), ['mss', 'sackPermitted', 'eol', 'eol']);
});

test('RFC 9293 §3.1 synOptionLayout freebsd: timestamps without SACK are aligned by NOPs', () => {
  const s = synAck({ ...ALL, synOptionLayout: 'freebsd' }, [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val: 5, ecr: 0 }]);
  assert.deepEqual(kinds(s), ['mss', 'nop', 'nop', 'timestamp']);
  const w = synAck({ ...ALL, synOptionLayout: 'freebsd' }, [{ kind: 'nop' }, { kind: 'wscale', shift: 2 }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val: 5, ecr: 0 }]);
  assert.deepEqual(kinds(w), ['mss', 'nop', 'wscale', 'nop', 'nop', 'timestamp']);
  assert.equal(bytes(w) % 4, 0);
});
