// A transfer longer than half the sequence space. RFC 9293 §3.4 compares sequence numbers modulo
// 2^32, which only orders numbers less than 2^31 apart: a rule phrased as "SND.UNA ≤ ISS" (is our
// SYN still unacknowledged?) turns true again once 2^31 bytes have been acknowledged, and a
// sequence difference used as a byte count turns negative there. 2.25 GiB go from one stack to the
// other at MTU 65535 (about a second in memory); every 4 KiB the bytes are checked against their
// position in the stream, so a stall, a lost byte or a shifted stream fails the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Stack } from '../src/stack/stack.js';
import type { TcpLayer } from '../src/tcp/layer.js';
import type { TcpListener } from '../src/tcp/listener.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import { xorshift32 } from '../src/stack/xorshift32.js';
import { tcpInfo } from '../src/api/tcp-info.js';

const BLOCK = 1 << 20;
/** Byte `i` of the stream (period 1 MiB, no period of 1 or 256: a shift by any amount shows). */
const byteAt = (i: number): number => ((i & (BLOCK - 1)) * 7 + (i >>> 8)) & 0xff;

test('RFC 9293 §3.4 a 2.25 GiB transfer (past 2^31 bytes from the ISS) neither stalls nor shifts a byte; bytes acknowledged counted past 2^31', () => {
  const a = new Stack({ rng: xorshift32(11), tcp: { sendBufferSize: BLOCK, recvBufferSize: BLOCK } });
  const b = new Stack({ rng: xorshift32(12), tcp: { sendBufferSize: BLOCK, recvBufferSize: BLOCK } });
  a.addInterface({ mtu: 65535, addresses: ['10.0.0.1/24'] });
  b.addInterface({ mtu: 65535, addresses: ['10.0.0.2/24'] });
  const ta = a.tcp as TcpLayer;
  const tb = b.tcp as TcpLayer;
  const l = tb.listen({ address: '10.0.0.2', port: 9 }, 4, 0);
  assert.ok(l.ok);
  const cr = ta.connect({ address: '10.0.0.2', port: 9 }, {}, 0);
  assert.ok(cr.ok);
  const c = cr.value;
  const total = 2 ** 31 + 2 ** 28; // 2.25 GiB
  const block = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) block[i] = byteAt(i);
  const into = new Uint8Array(256 * 1024);
  let srv: TcpConnection | undefined;
  let sent = 0;
  let received = 0;
  let now = 0;
  let idle = 0;
  while (received < total) {
    while (sent < total) {
      const at = sent % BLOCK;
      const n = c.send(block.subarray(at, Math.min(BLOCK, at + total - sent)), now);
      if (typeof n !== 'number' || n === 0) break;
      sent += n;
    }
    let moved = 0;
    for (const [from, to] of [[a, b], [b, a]] as const) {
      const out = from.poll(now).map((o) => o.packet);
      moved += out.length;
      to.receiveBatch(out, now, 1);
    }
    ta.pollEvents().length = 0;
    tb.pollEvents().length = 0;
    srv ??= (l.value as TcpListener).accept();
    if (srv !== undefined) {
      for (let n = srv.recvInto(into); n > 0; n = srv.recvInto(into)) {
        // The stream's bytes at positions received … received+n, every 4 KiB and the last one.
        for (let k = 0; k < n; k += 4096) if (into[k] !== byteAt(received + k)) assert.fail(`byte ${received + k}: ${into[k]} ≠ ${byteAt(received + k)}`);
        assert.equal(into[n - 1], byteAt(received + n - 1), `byte ${received + n - 1}`);
        received += n;
      }
    }
    if (moved === 0) {
      // Nothing to send although data waits: only timers can move it; a stalled connection ends here.
      const t = Math.min(a.pollAt() ?? Infinity, b.pollAt() ?? Infinity);
      assert.ok(++idle < 100, `stalled at ${received} of ${total} bytes (sent ${sent}), next deadline ${t}`);
      if (Number.isFinite(t)) now = Math.max(now, t);
    } else {
      idle = 0;
      now += 0.01;
    }
  }
  assert.equal(received, total);
  assert.equal(c.stats.bytesAcked + c.sendBuf.length, total);
  assert.ok(tcpInfo(c).bytesAcked > 2 ** 31, `bytesAcked ${tcpInfo(c).bytesAcked}`);
  assert.equal(c.stats.retransmittedSegments, 0);
});
