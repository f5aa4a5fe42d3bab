// Behaviour profiles (`tcp: { profile }`): the TCP core starts from the RFCs' values or a kernel's
// defaults, and fields given beside the profile win.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig, DEFAULT_TCP_CONFIG } from '../src/tcp/config.js';
import { createNetwork } from '../src/sim/index.js';
import { TcpLayer } from '../src/tcp/layer.js';

test("profile 'rfc': RFC 6298 §2.4 minimum RTO 1 s, RFC 9293 §3.4.2 MSL 2 min, RFC 9293 baseline options, classic Nagle", () => {
  const c = resolveConfig({ profile: 'rfc' });
  assert.equal(c.rtoMin, 1000);
  assert.equal(c.msl, 120_000);
  assert.equal(c.delayedAckTimeout, 200);
  assert.equal(c.windowScaling, false);
  assert.equal(c.timestamps, false);
  assert.equal(c.sack, false);
  assert.equal(c.nagle, 'classic');
});

test("profiles 'linux' and 'freebsd' differ where the kernels do; explicit fields override the profile", () => {
  const linux = resolveConfig({ profile: 'linux', rtoMin: 300 });
  assert.equal(linux.rtoMin, 300, 'the explicit field wins');
  assert.equal(linux.delayedAckTimeout, 40);
  assert.equal(linux.synOptionLayout, 'linux');
  const bsd = resolveConfig({ profile: 'freebsd' });
  assert.equal(bsd.rtoMin, 30);
  assert.equal(bsd.synOptionLayout, 'freebsd');
  assert.deepEqual(resolveConfig({}), { ...DEFAULT_TCP_CONFIG }, 'no profile: the defaults');
});

test('net.host({ tcp: { profile } }) configures the host and rejects unknown profile names (ERR_INVALID_ARG_VALUE)', () => {
  const net = createNetwork({ seed: 1 });
  try {
    const a = net.host({ address: '10.0.0.1', tcp: { profile: 'rfc' } });
    const tcp = a.stack.tcp;
    assert.ok(tcp instanceof TcpLayer);
    assert.equal(tcp.config.windowScaling, false);
    assert.equal(tcp.config.msl, 120_000);
    assert.throws(() => net.host({ address: '10.0.0.2', tcp: { profile: 'bogus' as 'rfc' } }), { code: 'ERR_INVALID_ARG_VALUE' });
  } finally {
    net.close();
  }
});
