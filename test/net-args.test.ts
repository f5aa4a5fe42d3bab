// Argument validation of host.net against node:net: every call below throws synchronously in
// node:net, and host.net must throw the same class, code and message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nodeNet from 'node:net';
import { createNetwork } from '../src/sim/index.js';

type Mod = typeof nodeNet;
type Call = [string, (n: Mod) => unknown];

const calls: Call[] = [
  ['connect(-1)', (n) => n.connect(-1)],
  ['connect(70000)', (n) => n.connect(70000)],
  ['connect(1.5)', (n) => n.connect(1.5)],
  ['connect({})', (n) => n.connect({} as nodeNet.NetConnectOpts)],
  ['connect()', (n) => (n.connect as () => unknown)()],
  ["connect({ port: 'abc' })", (n) => n.connect({ port: 'abc' as unknown as number })],
  ['connect({ port: true })', (n) => n.connect({ port: true as unknown as number })],
  ['connect({ port: 80, host: 5 })', (n) => n.connect({ port: 80, host: 5 as unknown as string })],
  ["connect({ port: 80, localPort: 'x' })", (n) => n.connect({ port: 80, localPort: 'x' as unknown as number })],
  ["connect({ port: 80, localAddress: 'abc' })", (n) => n.connect({ port: 80, localAddress: 'abc' })],
  ['connect({ port: 80, family: 5 })', (n) => n.connect({ port: 80, family: 5 })],
  ["connect({ port: 80, timeout: 'x' })", (n) => n.connect({ port: 80, timeout: 'x' as unknown as number })],
  ['createServer(5)', (n) => n.createServer(5 as unknown as nodeNet.ServerOpts)],
  ['listen(-5)', (n) => n.createServer().listen(-5)],
  ['listen(1.5)', (n) => n.createServer().listen(1.5)],
  ["listen({ port: 'x' })", (n) => n.createServer().listen({ port: 'x' as unknown as number })],
  ['listen({})', (n) => n.createServer().listen({})],
  ["listen({ host: '127.0.0.1' })", (n) => n.createServer().listen({ host: '127.0.0.1' })],
  ['listen({ port: 80, host: 5 })', (n) => n.createServer().listen({ port: 80, host: 5 as unknown as string })],
  ["new Socket().setTimeout('a')", (n) => new n.Socket().setTimeout('a' as unknown as number)],
  ['new Socket().setTimeout(-1)', (n) => new n.Socket().setTimeout(-1)],
  [
    'listen() twice',
    (n) => {
      const s = n.createServer().listen(0);
      try {
        s.listen(0);
      } finally {
        s.close();
      }
    },
  ],
];

function thrown(fn: () => unknown): { name: string; code: string | undefined; message: string } | 'no throw' {
  try {
    fn();
    return 'no throw';
  } catch (e) {
    const err = e as Error & { code?: string };
    return { name: err.name, code: err.code, message: err.message };
  }
}

test('argument errors: ERR_SOCKET_BAD_PORT, ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_MISSING_ARGS, ... exactly as node:net throws them', () => {
  const net = createNetwork();
  try {
    const h = net.host({ address: ['10.0.0.1', '127.0.0.1/8'], name: 'h' });
    const layer4 = h.net as unknown as Mod;
    for (const [label, call] of calls) {
      const expected = thrown(() => call(nodeNet));
      assert.notEqual(expected, 'no throw', `${label} throws in node:net`);
      assert.deepEqual(thrown(() => call(layer4)), expected, label);
    }
  } finally {
    net.close();
  }
});

test('isIP / isIPv4 / isIPv6 are node:net’s', () => {
  const net = createNetwork();
  try {
    const h = net.host({ address: '10.0.0.1' });
    for (const x of ['10.0.0.1', '::1', '::ffff:1.2.3.4', 'fe80::1%eth0', '1.2.3', 'host', '']) {
      assert.equal(h.net.isIP(x), nodeNet.isIP(x), x);
      assert.equal(h.net.isIPv4(x), nodeNet.isIPv4(x), x);
      assert.equal(h.net.isIPv6(x), nodeNet.isIPv6(x), x);
    }
  } finally {
    net.close();
  }
});
