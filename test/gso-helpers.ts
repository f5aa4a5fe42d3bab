// Two Stacks joined by a test link that does what a TSO device and a GRO-capable driver do: it
// splits super-segments (OutboundPacket.gsoSize) into wire segments, may drop or reorder wire
// segments (seeded), records every wire segment it carried, and hands each side its arrivals as
// one batch (Stack.receiveBatch). Used by the GSO/GRO tests; no timing, virtual clock only.

import { PacketPool, type PacketPoolOptions } from '../src/stack/packet-pool.js';
import { Stack } from '../src/stack/stack.js';
import { seededRng } from './stack-harness.js';
import type { OutboundPacket } from '../src/stack/types.js';
import type { TcpConfig } from '../src/tcp/config.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import type { TcpLayer } from '../src/tcp/layer.js';
import type { TcpListener } from '../src/tcp/listener.js';
import { splitTcpSegments } from '../src/wire/tcp-gso.js';

export interface GsoRunOptions {
  bytes: number;
  seed: number;
  mtu?: number;
  v6?: boolean;
  /** gso + gro on both interfaces. */
  offload: boolean;
  groAcks?: boolean;
  /** Probability that a wire segment is dropped (both directions). */
  loss?: number;
  /** Probability that a wire segment is held back behind the next one. */
  reorder?: number;
  /** Probability that one byte of a wire segment is flipped on the way (after it was recorded). */
  corrupt?: number;
  tcp?: Partial<TcpConfig>;
  /** Largest write size (random sizes 1..maxWrite). */
  maxWrite?: number;
  /** With offload: the stacks cut large segments into wire segments themselves (InterfaceConfig.gsoSoftware). */
  gsoSoftware?: boolean;
  /** Read with recvInto() into one reused buffer of this many bytes instead of recv(). */
  readInto?: number;
  /**
   * Each stack writes TCP packets into a PacketPool with these options; the link releases every
   * delivered packet once the receiver's receiveBatch() returned (dropped ones are never released).
   */
  pool?: PacketPoolOptions;
}

export interface WireRecord {
  dir: 'a>b' | 'b>a';
  packet: Uint8Array;
  time: number;
}

export interface GsoRunResult {
  sent: Uint8Array;
  received: Uint8Array;
  completed: boolean;
  wire: WireRecord[];
  superSegments: number;
  a: Stack;
  b: Stack;
  poolA: PacketPool | undefined;
  poolB: PacketPool | undefined;
}

export function runGsoTransfer(o: GsoRunOptions): GsoRunResult {
  const mtu = o.mtu ?? 1500;
  const tcp = { sendBufferSize: 256 << 10, recvBufferSize: 256 << 10, ...o.tcp };
  const poolA = o.pool !== undefined ? new PacketPool(o.pool) : undefined;
  const poolB = o.pool !== undefined ? new PacketPool(o.pool) : undefined;
  const a = new Stack({ rng: seededRng(o.seed * 2 + 1), tcp, ...(poolA ? { packetPool: poolA } : {}) });
  const b = new Stack({ rng: seededRng(o.seed * 2 + 2), tcp, ...(poolB ? { packetPool: poolB } : {}) });
  const off = o.offload;
  const [aAddr, bAddr, plen] = o.v6 ? ['2001:db8::1', '2001:db8::2', 64] : ['10.0.0.1', '10.0.0.2', 24];
  const soft = off && o.gsoSoftware === true;
  a.addInterface({ mtu, addresses: [`${aAddr}/${plen}`], gso: off, gsoSoftware: soft, gro: off, groAcks: o.groAcks === true });
  b.addInterface({ mtu, addresses: [`${bAddr}/${plen}`], gso: off, gsoSoftware: soft, gro: off, groAcks: o.groAcks === true });
  const ta = a.tcp as TcpLayer;
  const tb = b.tcp as TcpLayer;
  const l = tb.listen({ address: bAddr, port: 9 }, 4, 0);
  if (!l.ok) throw new Error('listen');
  const cr = ta.connect({ address: bAddr, port: 9 }, {}, 0);
  if (!cr.ok) throw new Error('connect');
  const c = cr.value;
  const r = seededRng(o.seed + 77);
  const chance = (p: number | undefined): boolean => p !== undefined && p > 0 && r() / 2 ** 32 < p;
  const sent = new Uint8Array(o.bytes);
  for (let i = 0; i < sent.length; i++) sent[i] = (i * 131 + (i >>> 9) + o.seed) & 0xff;
  const chunks: Uint8Array[] = [];
  let got = 0;
  let pos = 0;
  let srv: TcpConnection | undefined;
  const wire: WireRecord[] = [];
  let superSegments = 0;
  const into = o.readInto !== undefined ? new Uint8Array(o.readInto) : undefined;
  let now = 0;
  let closed = false;
  const carry = (out: OutboundPacket[], dir: 'a>b' | 'b>a'): Uint8Array[] => {
    const packets: Uint8Array[] = [];
    for (const p of out) {
      if (p.gsoSize !== undefined) superSegments++;
      const pieces = p.gsoSize !== undefined ? splitTcpSegments(p.packet, p.gsoSize) : [p.packet];
      // A split super-segment was copied into its pieces: its memory goes back to its pool now.
      if (pieces[0] !== p.packet) (dir === 'a>b' ? poolA : poolB)?.release(p.packet);
      for (const w of pieces) {
        wire.push({ dir, packet: w.slice(), time: now });
        if (chance(o.loss)) continue;
        if (chance(o.corrupt)) { const i = r() % w.length; w[i] = w[i]! ^ (1 << r() % 8); }
        packets.push(w);
      }
    }
    for (let i = 0; i + 1 < packets.length; i++) {
      if (chance(o.reorder)) [packets[i], packets[i + 1]] = [packets[i + 1]!, packets[i]!];
    }
    return packets;
  };
  for (let guard = 0; guard < 2_000_000; guard++) {
    while (pos < sent.length && c.state === 'ESTABLISHED') {
      const want = 1 + (r() % (o.maxWrite ?? 70_000));
      const n = c.send(sent.subarray(pos, Math.min(sent.length, pos + want)), now);
      if (typeof n !== 'number' || n === 0) break;
      pos += n;
    }
    if (pos === sent.length && !closed && c.state === 'ESTABLISHED') {
      c.close(now);
      closed = true;
    }
    const w1 = carry(a.poll(now), 'a>b');
    b.receiveBatch(w1, now, 1);
    if (poolA !== undefined) for (const w of w1) poolA.release(w);
    const w2 = carry(b.poll(now), 'b>a');
    a.receiveBatch(w2, now, 1);
    if (poolB !== undefined) for (const w of w2) poolB.release(w);
    ta.pollEvents();
    tb.pollEvents();
    if (srv === undefined) srv = (l.value as TcpListener).accept();
    if (srv !== undefined) {
      if (into !== undefined) {
        for (let n = srv.recvInto(into); n > 0; n = srv.recvInto(into)) {
          chunks.push(into.slice(0, n));
          got += n;
        }
      } else {
        for (let d = srv.recv(); d !== undefined; d = srv.recv()) {
          chunks.push(d.slice());
          got += d.length;
        }
      }
      if (srv.eof) break;
    }
    if (w1.length + w2.length === 0) {
      const t = Math.min(a.pollAt() ?? Infinity, b.pollAt() ?? Infinity);
      if (!Number.isFinite(t)) break;
      now = Math.max(now + 0.001, t);
    } else now += 0.05;
  }
  const received = new Uint8Array(got);
  let at = 0;
  for (const ch of chunks) {
    received.set(ch, at);
    at += ch.length;
  }
  return { sent, received, completed: srv?.eof === true && got === sent.length, wire, superSegments, a, b, poolA, poolB };
}
