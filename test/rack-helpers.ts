// Helpers for the loss-recovery scenario tests (not a test file itself): a client on node a sends
// `size` bytes to a server on node b that reads everything; the pair is driven until every byte is
// acknowledged, and the connections are left open so their loss-recovery state can be inspected.
import { Pair, type PairOptions } from '../src/tcp/pair.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import { isTcpError } from '../src/tcp/errors.js';
import { bytes } from './tcp-helpers.js';

export interface Session {
  pair: Pair;
  client: TcpConnection;
  server: TcpConnection | undefined;
  received: number;
}

/**
 * Runs the transfer; `sample(client, now)` is called after every step of the pair (with the
 * client's state then), which is how tests watch cwnd, recovery and the timers as they change.
 * `size` may be a list: each part is written once everything before it has been acknowledged.
 */
export function session(opts: PairOptions, size: number | number[], sample?: (c: TcpConnection, now: number) => void, untilMs = 60_000): Session {
  const parts = typeof size === 'number' ? [size] : size;
  let s: Session | undefined;
  let total = 0;
  for (const part of parts) {
    total += part;
    s = runPart(s, opts, total, sample, untilMs);
  }
  return s!;
}

function runPart(prev: Session | undefined, opts: PairOptions, size: number, sample: ((c: TcpConnection, now: number) => void) | undefined, untilMs: number): Session {
  if (prev !== undefined) {
    const extra = bytes(size - prev.received, 9);
    let off = 0;
    const pair = prev.pair;
    const more = (): void => {
      while (off < extra.length) {
        const n = prev.client.send(extra.subarray(off), pair.now);
        if (isTcpError(n) || n === 0) break;
        off += n;
      }
    };
    pair.on((ev, node) => {
      if (node.name === 'a' && ev.type === 'writable') more();
    });
    more();
    pair.drive({
      until: untilMs,
      stopWhen: () => {
        sample?.(prev.client, pair.now);
        return prev.received >= size && prev.client.sndUna === prev.client.sndMax;
      },
    });
    return prev;
  }
  const pair = new Pair({ trace: true, ...opts });
  const l = pair.b.listen({ address: pair.nodes[1]!.address, port: 80 }, 16, 0);
  if (!l.ok) throw new Error(l.message);
  const data = bytes(size, 5);
  let offset = 0;
  const r = pair.a.connect({ address: pair.nodes[1]!.address, port: 80 }, {}, 0);
  if (!r.ok) throw new Error(r.message);
  const client = r.value;
  const pump = (now: number): void => {
    while (offset < data.length) {
      const n = client.send(data.subarray(offset, offset + 65536), now);
      if (isTcpError(n) || n === 0) break;
      offset += n;
    }
  };
  const s: Session = { pair, client, server: undefined, received: 0 };
  pair.on((ev, node) => {
    if (node.name === 'a' && (ev.type === 'connected' || ev.type === 'writable')) pump(pair.now);
    if (node.name === 'b') {
      if (ev.type === 'accept-ready') s.server = ev.listener.accept();
      if (ev.type === 'readable') for (let b = ev.conn.recv(); b !== undefined; b = ev.conn.recv()) s.received += b.length;
    }
  });
  pair.drive({
    until: untilMs,
    stopWhen: () => {
      sample?.(client, pair.now);
      return s.received >= size && client.sndUna === client.sndMax;
    },
  });
  return s;
}

/** Data segments a sent (payload > 0), in order, from the pair's trace. */
export function dataSegments(s: Session): Array<{ t: number; seq: number; len: number; fate: string }> {
  return s.pair.trace
    .filter((e) => e.from === 'a' && e.dgram.seg.payload.length > 0)
    .map((e) => ({ t: e.t, seq: e.dgram.seg.seq, len: e.dgram.seg.payload.length, fate: e.fate }));
}
