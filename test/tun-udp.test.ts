// UDP over TUN (RFC 768): a layer4 host.dgram echo socket answering the kernel's `nc -u`, IPv4 and
// IPv6, and layer4 sending to a kernel `nc -u -l`. Skipped, with the reason, where it cannot run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTunHost, type TunHost } from '../src/link/tun-setup.js';
import { createNetns, tunSkipReason } from './tun-helpers.js';

test('RFC 768 UDP over TUN: kernel nc -u ↔ layer4 dgram echo (IPv4, IPv6), layer4 → kernel nc -u -l', async (t) => {
  const skip = tunSkipReason(['nc']);
  if (skip) return void t.skip(skip);
  const ns = createNetns();
  let th: TunHost | undefined;
  try {
    th = openTunHost({ name: `l4u${process.pid % 10000}`, address: ['10.99.14.2/24', 'fd00:99:14::2/64'], netns: ns.name });
    for (const type of ['udp4', 'udp6'] as const) {
      const s = th.host.dgram.createSocket({ type, ipv6Only: true });
      s.on('message', (msg: Buffer, rinfo: { port: number; address: string }) => s.send(msg, rinfo.port, rinfo.address));
      s.bind(7);
    }
    for (const addr of ['10.99.14.2', 'fd00:99:14::2']) {
      const r = await ns.run('nc', ['-u', '-w', '1', addr, '7'], { input: Buffer.from(`datagram to ${addr}\n`), timeoutMs: 20_000 });
      assert.equal(r.stdout.toString(), `datagram to ${addr}\n`, r.stderr);
    }
    const listener = ns.run('nc', ['-u', '-l', '-W', '1', '10.99.14.1', '9200'], { timeoutMs: 20_000 });
    const out = th.host.dgram.createSocket('udp4');
    // The listener may not be bound yet: repeat until it has taken one datagram and exited.
    let done = false;
    void listener.then(() => (done = true));
    for (let i = 0; i < 50 && !done; i++) {
      out.send(Buffer.from('hello kernel\n'), 9200, '10.99.14.1');
      await new Promise((r) => setTimeout(r, 100));
    }
    const r = await listener;
    assert.equal(r.stdout.toString(), 'hello kernel\n', r.stderr);
    out.close();
  } finally {
    th?.close();
    ns.remove();
  }
});
