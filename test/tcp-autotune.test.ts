// Send- and receive-buffer auto-tuning (TcpConfig.sendBufferAutoTune / recvBufferAutoTune).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytes, sha256, transfer } from './tcp-helpers.js';
import { DEFAULT_TCP_CONFIG } from '../src/tcp/config.js';

test('buffer auto-tuning grows both buffers on a large-BDP path and the transfer finishes sooner than with fixed buffers', () => {
  const data = bytes(16 << 20, 3);
  const base = { seed: 1, delayMs: 25, rateMbps: 1000, trace: false } as const;
  const fixed = transfer({ ...base, config: { recvBufferAutoTune: false, sendBufferAutoTune: false } }, data);
  const tuned = transfer({ ...base, config: { recvBufferAutoTune: true, sendBufferAutoTune: true } }, data);
  assert.equal(sha256(tuned.received), sha256(data));
  assert.ok(tuned.client.sendBufferSize > 256 * 1024, `send buffer ${tuned.client.sendBufferSize}`);
  assert.ok(tuned.client.sendBufferSize <= DEFAULT_TCP_CONFIG.sendBufferMax);
  assert.ok(tuned.client.maxSndWnd > 256 * 1024, `peer window ${tuned.client.maxSndWnd}`);
  assert.ok(tuned.client.maxSndWnd <= DEFAULT_TCP_CONFIG.recvBufferMax);
  assert.equal(fixed.client.sendBufferSize, 256 * 1024);
  assert.ok(tuned.doneAt! * 2 < fixed.doneAt!, `tuned ${tuned.doneAt} ms vs fixed ${fixed.doneAt} ms`);
});

test('buffer auto-tuning leaves an explicitly sized buffer alone, and a slow reader never grows it', () => {
  const data = bytes(400_000, 4);
  const r = transfer({ seed: 2, delayMs: 5, config: { recvBufferAutoTune: true, sendBufferAutoTune: true } }, data, {
    readChunk: 3000,
    readEveryMs: 50,
    clientOpts: { sendBufferSize: 100_000 },
  });
  assert.equal(sha256(r.received), sha256(data));
  assert.equal(r.client.sendBufferSize, 100_000);
  assert.equal(r.server!.recvBufferSize, 256 * 1024);
});
