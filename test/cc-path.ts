// A bulk transfer a → b between two Stacks over a memory link (src/link/memory.ts: queue, rate,
// delay, loss, CE marking) on a virtual clock: the harness of the congestion-control, ECN and pacing
// scenario tests. Every packet leaving a stack is recorded (time, direction, bytes) for the tests.
import { createHash } from 'node:crypto';
import { Stack } from '../src/stack/stack.js';
import { seededRng } from './stack-harness.js';
import { Scheduler } from '../src/sim/scheduler.js';
import { RandomRoot } from '../src/sim/rng.js';
import { MemoryLink, type LinkOptions } from '../src/link/memory.js';
import type { ChannelStats } from '../src/link/types.js';
import type { TcpConfig } from '../src/tcp/config.js';
import type { TcpLayer } from '../src/tcp/layer.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import type { TcpListener } from '../src/tcp/listener.js';

export interface PathRun {
  received: number;
  /** SHA-256 of what was sent and of what arrived. */
  sentHash: string;
  receivedHash: string;
  link: { ab: ChannelStats; ba: ChannelStats };
  sender: TcpConnection;
  receiver: TcpConnection | undefined;
  /** Packets as they left each stack: time, direction, the IP bytes. */
  packets: Array<{ t: number; dir: 'ab' | 'ba'; pkt: Uint8Array }>;
  /** Time the last byte arrived (ms). */
  doneAt: number;
}

export function runPath(o: {
  bytes: number;
  link: LinkOptions;
  tcp?: Partial<TcpConfig>;
  tcpA?: Partial<TcpConfig>;
  tcpB?: Partial<TcpConfig>;
  seed?: number;
  /** Called for every packet a stack sends (after recording). */
  record?: boolean;
  maxMs?: number;
}): PathRun {
  const seed = o.seed ?? 1;
  const a = new Stack({ rng: seededRng(seed * 2 + 1), tcp: { ...o.tcp, ...o.tcpA } });
  const b = new Stack({ rng: seededRng(seed * 2 + 2), tcp: { ...o.tcp, ...o.tcpB } });
  a.addInterface({ mtu: 1500, addresses: ['10.0.0.1/24'] });
  b.addInterface({ mtu: 1500, addresses: ['10.0.0.2/24'] });
  const ta = a.tcp as TcpLayer;
  const tb = b.tcp as TcpLayer;
  const sched = new Scheduler();
  const root = new RandomRoot(seed);
  const link = new MemoryLink(
    o.link,
    { push: (p, now) => b.receive(p, now, 1) },
    { push: (p, now) => a.receive(p, now, 1) },
    { clock: sched, random: (l) => root.stream(l) },
  );
  const l = tb.listen({ address: '10.0.0.2', port: 9 }, 4, 0);
  if (!l.ok) throw new Error('listen');
  const listener = l.value as TcpListener;
  const cr = ta.connect({ address: '10.0.0.2', port: 9 }, {}, 0);
  if (!cr.ok) throw new Error('connect');
  const c = cr.value;
  const data = new Uint8Array(o.bytes);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + (i >>> 8)) & 0xff;
  const got = createHash('sha256');
  const packets: PathRun['packets'] = [];
  let sent = 0;
  let received = 0;
  let doneAt = 0;
  let receiver: TcpConnection | undefined;
  const maxMs = o.maxMs ?? 600_000;
  for (let guard = 0; received < o.bytes; guard++) {
    if (guard > 20_000_000 || sched.now > maxMs) throw new Error(`transfer stalled at ${received} of ${o.bytes}`);
    const now = sched.now;
    for (const p of a.poll(now)) {
      if (o.record !== false) packets.push({ t: now, dir: 'ab', pkt: p.packet.slice() });
      link.ab.push(p.packet, now);
    }
    for (const p of b.poll(now)) {
      if (o.record !== false) packets.push({ t: now, dir: 'ba', pkt: p.packet.slice() });
      link.ba.push(p.packet, now);
    }
    ta.pollEvents().length = 0;
    while (sent < o.bytes && c.state === 'ESTABLISHED') {
      const n = c.send(data.subarray(sent, Math.min(o.bytes, sent + 65536)), now);
      if (typeof n !== 'number' || n === 0) break;
      sent += n;
    }
    for (const ev of tb.pollEvents()) {
      if (ev.type === 'accept-ready') receiver = listener.accept();
      if (ev.type !== 'readable') continue;
      for (let d = ev.conn.recv(); d !== undefined; d = ev.conn.recv()) {
        got.update(d);
        received += d.length;
      }
      doneAt = now;
    }
    if (a.pollAt() === now || b.pollAt() === now) continue;
    const next = Math.min(sched.peekTime() ?? Infinity, a.pollAt() ?? Infinity, b.pollAt() ?? Infinity);
    if (!Number.isFinite(next)) throw new Error(`transfer stuck at ${received} of ${o.bytes}`);
    if (sched.peekTime() === next) sched.runUntil(next);
    sched.advanceTo(next);
  }
  return {
    received,
    sentHash: createHash('sha256').update(data).digest('hex'),
    receivedHash: got.digest('hex'),
    link: { ab: link.ab.stats, ba: link.ba.stats },
    sender: c,
    receiver,
    packets,
    doneAt,
  };
}
