// Bad-input audit of the public library entry points: a wrong-typed or out-of-range argument
// throws at once with a stable Node-style code (ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE,
// ERR_SOCKET_BAD_PORT, ERR_SOCKET_BAD_TYPE, ERR_MISSING_ARGS), never a TypeError from deep inside;
// hostile bytes come back as result values with the layer's own codes (PCAP_*, wire codes, PD_*).
// A rejected call leaves nothing behind: the network still takes the same host or link afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createNetwork, createUdpTunnel, decodePacket, openTunHost, packetdrill, parseCidr, parseIp, parsePort, readPcap, servicesByName, Stack, type Host,
} from '../src/index.js';

type Code = 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE' | 'ERR_SOCKET_BAD_PORT' | 'ERR_SOCKET_BAD_TYPE' | 'ERR_MISSING_ARGS';

function assertCode(label: string, fn: () => unknown, code: Code): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Error, `${label}: throws an Error`);
    assert.equal((e as { code?: unknown }).code, code, `${label}: code (message: ${e.message})`);
    assert.doesNotMatch(e.message, /Cannot read properties|is not a function|undefined \(reading/, `${label}: not a deep TypeError`);
    return true;
  }, label);
}

// The public API is typed; these calls deliberately break the types, as a JavaScript caller could.
const loose = <T>(v: unknown): T => v as T;

test('createNetwork: wrong options, seed and clock are ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE', () => {
  const cases: Array<[string, unknown, Code]> = [
    ["{ seed: 'x' }", { seed: 'x' }, 'ERR_INVALID_ARG_TYPE'],
    ['{ seed: 1.5 }', { seed: 1.5 }, 'ERR_INVALID_ARG_VALUE'],
    ['{ seed: NaN }', { seed: NaN }, 'ERR_INVALID_ARG_VALUE'],
    ['{ seed: Infinity }', { seed: Infinity }, 'ERR_INVALID_ARG_VALUE'],
    ["{ clock: 'wall' }", { clock: 'wall' }, 'ERR_INVALID_ARG_VALUE'],
    ['null', null, 'ERR_INVALID_ARG_TYPE'],
    ['5', 5, 'ERR_INVALID_ARG_TYPE'],
    ["'x'", 'x', 'ERR_INVALID_ARG_TYPE'],
  ];
  for (const [label, opts, code] of cases) assertCode(`createNetwork(${label})`, () => createNetwork(loose(opts)), code);
  assert.equal(createNetwork({ seed: 7 }).seed, 7, 'a valid call still works');
});

test('net.host: bad address, mtu, name and tcp options are rejected with codes, and nothing is taken', () => {
  const net = createNetwork({ seed: 1 });
  const cases: Array<[string, unknown, Code]> = [
    ["{ address: '999.1.1.1' }", { address: '999.1.1.1' }, 'ERR_INVALID_ARG_VALUE'],
    ["{ address: '' }", { address: '' }, 'ERR_INVALID_ARG_VALUE'],
    ["{ address: '::g' }", { address: '::g' }, 'ERR_INVALID_ARG_VALUE'],
    ["{ address: '10.0.0.1/99' }", { address: '10.0.0.1/99' }, 'ERR_INVALID_ARG_VALUE'],
    ['{ address: 5 }', { address: 5 }, 'ERR_INVALID_ARG_TYPE'],
    ['{ address: [] }', { address: [] }, 'ERR_INVALID_ARG_TYPE'],
    ['{}', {}, 'ERR_INVALID_ARG_TYPE'],
    ['undefined', undefined, 'ERR_INVALID_ARG_TYPE'],
    ["'10.0.0.1'", '10.0.0.1', 'ERR_INVALID_ARG_TYPE'],
    ['{ mtu: -1 }', { address: '10.0.0.1', mtu: -1 }, 'ERR_INVALID_ARG_VALUE'],
    ["{ mtu: 'x' }", { address: '10.0.0.1', mtu: 'x' }, 'ERR_INVALID_ARG_VALUE'],
    ['{ mtu: 1e9 }', { address: '10.0.0.1', mtu: 1e9 }, 'ERR_INVALID_ARG_VALUE'],
    ['{ mtu: 1000, IPv6 }', { address: 'fd00::1', mtu: 1000 }, 'ERR_INVALID_ARG_VALUE'],
    ['{ name: 5 }', { address: '10.0.0.1', name: 5 }, 'ERR_INVALID_ARG_TYPE'],
    ['{ tcp: 5 }', { address: '10.0.0.1', tcp: 5 }, 'ERR_INVALID_ARG_TYPE'],
    ["{ tcp: { congestionControl: 'vegas' } }", { address: '10.0.0.1', tcp: { congestionControl: 'vegas' } }, 'ERR_INVALID_ARG_VALUE'],
    ["{ tcp: { ecn: 'yes' } }", { address: '10.0.0.1', tcp: { ecn: 'yes' } }, 'ERR_INVALID_ARG_VALUE'],
    ["{ tcp: { lossDetection: 'fack' } }", { address: '10.0.0.1', tcp: { lossDetection: 'fack' } }, 'ERR_INVALID_ARG_VALUE'],
    ["{ tcp: { prr: true } }", { address: '10.0.0.1', tcp: { prr: true } }, 'ERR_INVALID_ARG_VALUE'],
    ["{ tcp: { pacing: 'false' } }", { address: '10.0.0.1', tcp: { pacing: 'false' } }, 'ERR_INVALID_ARG_VALUE'],
    ['{ tcp: { sack: 1 } }', { address: '10.0.0.1', tcp: { sack: 1 } }, 'ERR_INVALID_ARG_VALUE'],
    ['{ tcp: { memory: { low: 2, pressure: 1, high: 3 } } }', { address: '10.0.0.1', tcp: { memory: { low: 2, pressure: 1, high: 3 } } }, 'ERR_INVALID_ARG_VALUE'],
  ];
  for (const [label, opts, code] of cases) assertCode(`net.host(${label})`, () => net.host(loose(opts)), code);
  // nothing was taken by the rejected calls
  const a = net.host({ address: '10.0.0.1', name: 'a' });
  assert.deepEqual(a.addresses, ['10.0.0.1']);
  assert.equal(net.hosts.length, 1);
  assertCode('net.host(same address)', () => net.host({ address: '10.0.0.1' }), 'ERR_INVALID_ARG_VALUE');
  assertCode('net.host(same name)', () => net.host({ address: '10.0.0.2', name: 'a' }), 'ERR_INVALID_ARG_VALUE');
  assert.deepEqual(net.host({ address: '10.0.0.2' }).addresses, ['10.0.0.2']);
  net.close();
});

test('net.link: negative delay, loss > 1 and other bad impairments are ERR_INVALID_ARG_VALUE; bad hosts ERR_INVALID_ARG_TYPE', () => {
  const net = createNetwork({ seed: 1 });
  const a = net.host({ address: '10.0.0.1' });
  const b = net.host({ address: '10.0.0.2' });
  const bad: Array<[string, unknown]> = [
    ['delayMs: -1', { delayMs: -1 }], ["delayMs: 'x'", { delayMs: 'x' }], ['delayMs: NaN', { delayMs: NaN }],
    ['loss: 2', { loss: 2 }], ['loss: -0.1', { loss: -0.1 }], ['loss: NaN', { loss: NaN }],
    ['rateMbps: -5', { rateMbps: -5 }], ['reorder: 1.5', { reorder: 1.5 }], ['duplicate: -1', { duplicate: -1 }],
    ['corrupt: 7', { corrupt: 7 }], ['queuePackets: -1', { queuePackets: -1 }], ['queuePackets: 1.5', { queuePackets: 1.5 }],
    ['jitterMs: -2', { jitterMs: -2 }],
  ];
  for (const [label, opts] of bad) assertCode(`net.link(a, b, { ${label} })`, () => net.link(a, b, loose(opts)), 'ERR_INVALID_ARG_VALUE');
  assertCode('net.link(a, b, 5)', () => net.link(a, b, loose(5)), 'ERR_INVALID_ARG_TYPE');
  assertCode('net.link(a, {})', () => net.link(a, loose<Host>({})), 'ERR_INVALID_ARG_TYPE');
  assertCode('net.link(null, b)', () => net.link(loose<Host>(null), b), 'ERR_INVALID_ARG_TYPE');
  assertCode('net.link(a, a)', () => net.link(a, a), 'ERR_INVALID_ARG_VALUE');
  const other = createNetwork({ seed: 2 }).host({ address: '10.0.0.3' });
  assertCode('net.link(a, host of another network)', () => net.link(a, other), 'ERR_INVALID_ARG_VALUE');
  // a rejected update leaves the link as it was
  const link = net.link(a, b, { delayMs: 5 });
  assertCode('net.link(a, b, { loss: 2 }) again', () => net.link(a, b, { loss: 2 }), 'ERR_INVALID_ARG_VALUE');
  assert.ok(link !== undefined);
  net.close();
});

test('host.net / host.dgram: bad ports and socket types carry Node’s codes', () => {
  const net = createNetwork({ seed: 1 });
  const a = net.host({ address: '10.0.0.1' });
  net.link(a, net.host({ address: '10.0.0.2' }));
  const conn: Array<[string, () => unknown, Code]> = [
    ['connect({ port: -1 })', () => a.net.connect({ port: -1, host: '10.0.0.2' }), 'ERR_SOCKET_BAD_PORT'],
    ['connect({ port: 70000 })', () => a.net.connect({ port: 70000, host: '10.0.0.2' }), 'ERR_SOCKET_BAD_PORT'],
    ["connect({ port: 'x' })", () => a.net.connect(loose({ port: 'x', host: '10.0.0.2' })), 'ERR_SOCKET_BAD_PORT'],
    ['connect({ port: 1.5 })', () => a.net.connect({ port: 1.5, host: '10.0.0.2' }), 'ERR_SOCKET_BAD_PORT'],
    ['connect(-1)', () => a.net.connect(-1, '10.0.0.2'), 'ERR_SOCKET_BAD_PORT'],
    ['connect({})', () => a.net.connect(loose({})), 'ERR_MISSING_ARGS'],
    ['connect({ host: 5, port: 7 })', () => a.net.connect(loose({ host: 5, port: 7 })), 'ERR_INVALID_ARG_TYPE'],
    ['connect(null)', () => a.net.connect(loose(null)), 'ERR_INVALID_ARG_TYPE'],
    ['createServer().listen(-1)', () => a.net.createServer().listen(-1), 'ERR_SOCKET_BAD_PORT'],
    ['createServer().listen(70000)', () => a.net.createServer().listen(70000), 'ERR_SOCKET_BAD_PORT'],
    ["createSocket('udp5')", () => a.dgram.createSocket(loose('udp5')), 'ERR_SOCKET_BAD_TYPE'],
    ["createSocket('')", () => a.dgram.createSocket(loose('')), 'ERR_SOCKET_BAD_TYPE'],
    ['createSocket(undefined)', () => a.dgram.createSocket(loose(undefined)), 'ERR_SOCKET_BAD_TYPE'],
    ["createSocket({ type: 'udp7' })", () => a.dgram.createSocket(loose({ type: 'udp7' })), 'ERR_SOCKET_BAD_TYPE'],
    ['udp bind(-1)', () => a.dgram.createSocket('udp4').bind(-1), 'ERR_SOCKET_BAD_PORT'],
    ['udp send(port -1)', () => a.dgram.createSocket('udp4').send('x', -1, '10.0.0.2'), 'ERR_SOCKET_BAD_PORT'],
    ['udp send(5)', () => a.dgram.createSocket('udp4').send(loose(5), 7, '10.0.0.2'), 'ERR_INVALID_ARG_TYPE'],
  ];
  for (const [label, fn, code] of conn) assertCode(label, fn, code);
  net.close();
});

test('readPcap / decodePacket: garbage bytes are result values with codes; a non-Uint8Array is ERR_INVALID_ARG_TYPE', () => {
  const byteCases: Array<[string, Uint8Array, string, string]> = [
    ['empty', new Uint8Array(0), 'PCAP_TRUNCATED', 'TRUNCATED'],
    ['3 bytes', new Uint8Array([1, 2, 3]), 'PCAP_TRUNCATED', 'BAD_VERSION'],
    ['100 × 0xff', new Uint8Array(100).fill(0xff), 'PCAP_BAD_MAGIC', 'BAD_VERSION'],
    ['IPv4 header cut short', new Uint8Array([0x45, 0, 0, 40, 0, 0]), 'PCAP_BAD_MAGIC', 'TRUNCATED'],
  ];
  for (const [label, bytes, pcapCode, wireCode] of byteCases) {
    const p = readPcap(bytes);
    assert.equal(p.ok, false, `readPcap(${label})`);
    assert.equal(p.error?.code, pcapCode, `readPcap(${label})`);
    const d = decodePacket(bytes);
    assert.equal(d.error?.code, wireCode, `decodePacket(${label})`);
    assert.equal(typeof d.error?.field, 'string', `decodePacket(${label}) names the field`);
  }
  for (const [label, v] of [['null', null], ['undefined', undefined], ['5', 5], ["'garbage'", 'garbage'], ['[1, 2, 3]', [1, 2, 3]], ['ArrayBuffer', new ArrayBuffer(8)]] as Array<[string, unknown]>) {
    assertCode(`readPcap(${label})`, () => readPcap(loose(v)), 'ERR_INVALID_ARG_TYPE');
    assertCode(`decodePacket(${label})`, () => decodePacket(loose(v)), 'ERR_INVALID_ARG_TYPE');
  }
});

test('packetdrill.parseScript: garbage scripts come back as PD_* errors with line and column, never a throw', () => {
  const scripts = [
    '\u0000\u00ff garbage \u0001',
    '',
    '0 S 0:0(0) win 1000 <mss 99999999>',
    '+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 connect(3',
    '<<<>>>\n\n\n))))((((',
    String.fromCharCode(...Array.from({ length: 512 }, (_, i) => (i * 7919) % 256)),
  ];
  for (const s of scripts) {
    const r = packetdrill.parseScript(s);
    assert.equal(r.ok, false, JSON.stringify(s.slice(0, 30)));
    if (r.ok) continue;
    assert.ok(r.errors.length > 0);
    for (const e of r.errors) {
      assert.match(e.code, /^PD_[A-Z_]+$/);
      assert.ok(Number.isInteger(e.line) && e.line >= 1);
    }
  }
  // a non-string is either rejected with ERR_INVALID_ARG_TYPE or read as text; never a deep TypeError
  for (const v of [null, undefined, 5]) {
    try {
      const r = packetdrill.parseScript(loose(v));
      assert.equal(r.ok, false);
    } catch (e) {
      assert.equal((e as { code?: unknown }).code, 'ERR_INVALID_ARG_TYPE');
    }
  }
});

test('ports, addresses, Stack, host.ping, clock calls and tunnels: wrong types give codes or result values, not deep TypeErrors', async () => {
  for (const v of [null, undefined, -1, {}, 1e20]) {
    const r = parsePort(loose(v));
    assert.equal(r.ok, false, `parsePort(${String(v)})`);
    if (!r.ok) assert.equal(r.code, 'PORT_NOT_INTEGER');
    assert.deepEqual(servicesByName(loose(v)), [], `servicesByName(${String(v)})`);
    assert.equal(parseIp(loose(v)), undefined, `parseIp(${String(v)})`);
    assert.equal(parseCidr(loose(v)), undefined, `parseCidr(${String(v)})`);
  }
  assertCode('new Stack(null)', () => new Stack(loose(null)), 'ERR_INVALID_ARG_TYPE');
  assertCode('new Stack({})', () => new Stack(loose({})), 'ERR_INVALID_ARG_TYPE');
  assertCode('openTunHost({})', () => openTunHost(loose({})), 'ERR_INVALID_ARG_TYPE');
  const net = createNetwork({ seed: 1 });
  const a = net.host({ address: '10.0.0.1' });
  assertCode('host.ping(null)', () => a.ping(loose(null)), 'ERR_INVALID_ARG_TYPE');
  assertCode('net.advance(-1)', () => net.advance(-1), 'ERR_INVALID_ARG_VALUE');
  await assert.rejects(net.run(NaN), { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(a.ping('999.1.1.1'), { code: 'ENOTFOUND' });
  await assert.rejects(createUdpTunnel(loose(null)), { code: 'ERR_INVALID_ARG_TYPE' });
  await assert.rejects(createUdpTunnel(loose({ local: 'nonsense', remote: '127.0.0.1:9' })), { code: 'ERR_INVALID_ARG_VALUE' });
  net.close();
});
