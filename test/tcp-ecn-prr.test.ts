// RFC 3168 §6.1.2 with RFC 6937 §1: the window reduction an ECE asks for is paced by PRR on SACK
// connections (loss.ts startCwr), as a loss recovery's is — the sender goes on sending at about
// ssthresh/FlightSize of the delivery rate instead of stopping until the flight has drained.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pair } from '../src/tcp/pair.js';
import type { TcpConfig } from '../src/tcp/config.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import { bytes } from './tcp-helpers.js';

interface Episode {
  client: TcpConnection;
  /** Flight size when the ECE arrived, and ssthresh the reduction set. */
  flight: number;
  ssthresh: number;
  /** Bytes of new data sent by the time a third of that flight had been acknowledged. */
  sentAtThird: number;
  ackedAtThird: number;
  prrSeen: boolean;
}

/** One CE mark once cwnd has passed 40 segments; the reduction is watched from the client. */
function episode(config: Partial<TcpConfig>): Episode {
  let marked = false;
  let sender: TcpConnection | undefined;
  const pair = new Pair({
    delayMs: 10,
    rateMbps: 100,
    a: { config: { ecn: 'on', sendBufferSize: 8 << 20, ...config } },
    impair: (d, ctx) => {
      if (!marked && sender !== undefined && ctx.from.name === 'a' && d.ecn === 2 && sender.cc.cwnd >= 40 * sender.sndMss) {
        marked = true;
        d.ecn = 3;
      }
      return undefined;
    },
  });
  const l = pair.b.listen({ address: '10.0.0.2', port: 80 }, 4, 0);
  assert.ok(l.ok);
  pair.on((ev, node) => {
    if (node.name === 'b' && ev.type === 'accept-ready') ev.listener.accept();
    if (node.name === 'b' && ev.type === 'readable') while (ev.conn.recv() !== undefined);
  });
  const c = pair.a.connect({ address: '10.0.0.2', port: 80 }, {}, 0);
  assert.ok(c.ok);
  const client = c.value;
  sender = client;
  pair.drive({ until: 50 });
  client.send(bytes(3_000_000, 3), pair.now);
  let at: { una: number; max: number; flight: number } | undefined;
  let third: { sent: number; acked: number } | undefined;
  let prrSeen = false;
  pair.drive({
    stopWhen: () => {
      if (at === undefined && (client.ecn?.reductions ?? 0) > 0) {
        // The ECE's ACK has been processed: SND.UNA moved by it already, the flight is what remained.
        at = { una: client.sndUna, max: client.sndMax, flight: client.sndMax - client.sndUna };
      }
      if (at !== undefined && third === undefined) {
        if (client.lossIfAny?.cwr === true) prrSeen = true;
        const acked = (client.sndUna - at.una) >>> 0;
        if (acked >= at.flight / 3) third = { sent: (client.sndMax - at.max) >>> 0, acked };
      }
      return third !== undefined;
    },
  });
  assert.ok(at !== undefined && third !== undefined, 'one reduction, and its window was acknowledged');
  return { client, flight: at.flight, ssthresh: client.cc.ssthresh, sentAtThird: third.sent, ackedAtThird: third.acked, prrSeen };
}

test('RFC 6937 §1 / RFC 3168 §6.1.2 an ECE reduction is paced by PRR: new data keeps going out in proportion to what is delivered', () => {
  const prr = episode({});
  assert.equal(prr.client.ecn?.reductions, 1);
  assert.ok(prr.prrSeen, 'PRR governed the reduction');
  // RFC 6937 §3: sndcnt = ceil(prr_delivered × ssthresh / RecoverFS) − prr_out.
  const due = (prr.ackedAtThird * prr.ssthresh) / prr.flight;
  assert.ok(prr.sentAtThird >= due - 3 * prr.client.sndMss, `sent ${prr.sentAtThird} B after ${prr.ackedAtThird} B delivered (PRR: ≈ ${due.toFixed(0)})`);
  assert.equal(prr.client.stats.retransmittedSegments, 0);
  // Without PRR, cwnd drops to ssthresh at once: nothing goes out until the flight has drained below it.
  const step = episode({ prr: 'off' });
  assert.equal(step.client.ecn?.reductions, 1);
  assert.equal(step.prrSeen, false);
  assert.ok(step.sentAtThird < prr.sentAtThird / 2, `one-step: ${step.sentAtThird} B sent, PRR ${prr.sentAtThird} B`);
});
