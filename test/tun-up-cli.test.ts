// `layer4 up` argument handling and failures: bad usage exits 2 before touching any device; a
// device that cannot be set up exits 1 with the reason. Also the kernel-side address rule.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { planPeer } from '../src/link/tun-setup.js';
import { tunAvailability } from '../src/link/tun-addon.js';

function io(): CliIo & { text: () => string } {
  let t = '';
  return { out: (s) => void (t += s), err: (s) => void (t += s), isTty: false, text: () => t };
}

test('layer4 up: kernel side takes the first other host address of the prefix', () => {
  assert.deepEqual(planPeer('10.99.1.2/24'), { own: '10.99.1.2', kernel: '10.99.1.1', prefixLength: 24, family: 4 });
  assert.equal(planPeer('10.99.1.1/24')?.kernel, '10.99.1.2');
  assert.equal(planPeer('10.99.1.1/30')?.kernel, '10.99.1.2');
  assert.equal(planPeer('fd00:99::2/64')?.kernel, 'fd00:99::1');
  assert.equal(planPeer('fd00:99::1/64')?.kernel, 'fd00:99::2');
  assert.equal(planPeer('10.99.1.0/24'), undefined, 'the network address is no host address');
  assert.equal(planPeer('10.99.1.1/31'), undefined);
  assert.equal(planPeer('10.99.1.1'), undefined, 'a prefix length is required');
});

test('layer4 up: bad usage exits 2 with a message', async () => {
  for (const argv of [
    ['up', '--addr', '10.99.1.2/24'],
    ['up', '--tun', 'l4x'],
    ['up', '--tun', 'l4x', '--addr', 'banana'],
    ['up', '--tun', 'l4x', '--addr', '10.99.1.2/32'],
    ['up', '--tun', 'much-too-long-name0', '--addr', '10.99.1.2/24'],
    ['up', '--tun', 'l4x', '--addr', '10.99.1.2/24', '--serve', 'gopher'],
    ['up', '--tun', 'l4x', '--addr', '10.99.1.2/24', '--mtu', '100'],
  ]) {
    const o = io();
    assert.equal(await run(argv, o), 2, argv.join(' '));
    assert.match(o.text(), /layer4: /);
  }
});

test('layer4 up: a device that cannot be set up exits 1 with the reason', async () => {
  const o = io();
  const code = await run(['up', '--tun', 'l4nonsx', '--addr', '10.99.9.2/24', '--netns', 'l4-no-such-netns'], o);
  assert.equal(code, 1);
  const a = tunAvailability();
  if (a.ok) assert.match(o.text(), /configuring l4nonsx with ip failed/);
  else assert.match(o.text(), /TUN unavailable: /);
});
