// Shared pieces of the benchmark modules that drive Stacks directly, without the simulated network:
// a tiny seeded generator for the stacks' injected randomness, two stacks on one prefix, and one
// exchange step of a virtual clock.

import { PacketPool } from '../src/stack/packet-pool.js';
import { Stack } from '../src/stack/stack.js';
import type { OutboundPacket } from '../src/stack/types.js';
import { splitTcpSegments } from '../src/wire/tcp-gso.js';
import type { TcpConfig } from '../src/tcp/config.js';
import type { TcpLayer } from '../src/tcp/layer.js';

import { xorshift32 } from '../src/stack/xorshift32.js';

export { xorshift32 };

export interface StackPair {
  a: Stack;
  b: Stack;
  ta: TcpLayer;
  tb: TcpLayer;
  /** Virtual time in ms. */
  now: number;
  /** Each stack's recycled packet memory (when built with `pool`): exchange() releases delivered packets. */
  poolA: PacketPool | undefined;
  poolB: PacketPool | undefined;
}

/**
 * Stacks 10.0.0.1 and 10.0.0.2 on one prefix, wired only by exchange(). With `offload` their
 * interfaces send TCP super-segments (exchange() splits them as a TSO device would) and coalesce
 * what arrives in one exchange (GRO).
 */
export function twoStacks(opts: { mtu: number; prefixLength: number; tcp: Partial<TcpConfig>; offload?: boolean; pool?: boolean }): StackPair {
  const poolA = opts.pool === true ? new PacketPool() : undefined;
  const poolB = opts.pool === true ? new PacketPool() : undefined;
  const a = new Stack({ rng: xorshift32(1), tcp: opts.tcp, ...(poolA ? { packetPool: poolA } : {}) });
  const b = new Stack({ rng: xorshift32(2), tcp: opts.tcp, ...(poolB ? { packetPool: poolB } : {}) });
  const off = opts.offload === true;
  a.addInterface({ mtu: opts.mtu, addresses: [`10.0.0.1/${opts.prefixLength}`], gso: off, gsoSoftware: off, gro: off });
  b.addInterface({ mtu: opts.mtu, addresses: [`10.0.0.2/${opts.prefixLength}`], gso: off, gsoSoftware: off, gro: off });
  return { a, b, ta: a.tcp as TcpLayer, tb: b.tcp as TcpLayer, now: 0, poolA, poolB };
}

/**
 * Moves what each stack has to send to the other once; the clock advances by `step` ms when
 * something moved, or jumps to the next deadline when both are quiet. Returns packets moved.
 * `budget` bounds the packets each stack sends per step (a driver's per-wake-up budget).
 */
export function exchange(p: StackPair, step: number, budget = Infinity): number {
  const w1 = wire(p.a.poll(p.now, budget));
  p.b.receiveBatch(w1, p.now, 1);
  // The receiver copied what it keeps: the sender's driver takes the memory back (a NIC's TX ring).
  if (p.poolA !== undefined) for (const x of w1) p.poolA.release(x);
  const w2 = wire(p.b.poll(p.now, budget));
  p.a.receiveBatch(w2, p.now, 1);
  if (p.poolB !== undefined) for (const x of w2) p.poolB.release(x);
  const moved = w1.length + w2.length;
  if (moved === 0) {
    const t = Math.min(p.a.pollAt() ?? Infinity, p.b.pollAt() ?? Infinity);
    if (Number.isFinite(t) && t > p.now) p.now = t;
  } else p.now += step;
  return moved;
}

/** What the link carries: super-segments split into wire segments (the device's TSO, in software). */
export function wire(out: readonly OutboundPacket[]): Uint8Array[] {
  const packets: Uint8Array[] = [];
  for (const o of out) {
    if (o.gsoSize !== undefined) splitTcpSegments(o.packet, o.gsoSize, packets);
    else packets.push(o.packet);
  }
  return packets;
}
