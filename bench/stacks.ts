// Shared pieces of the benchmark modules that drive Stacks directly, without the simulated network:
// a tiny seeded generator for the stacks' injected randomness, two stacks on one prefix, and one
// exchange step of a virtual clock.

import { Stack } from '../src/stack/stack.js';
import type { TcpConfig } from '../src/tcp/config.js';
import type { TcpLayer } from '../src/tcp/layer.js';

/** xorshift32: deterministic randomness for the stacks (never 0). */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

export interface StackPair {
  a: Stack;
  b: Stack;
  ta: TcpLayer;
  tb: TcpLayer;
  /** Virtual time in ms. */
  now: number;
}

/** Stacks 10.0.0.1 and 10.0.0.2 on one prefix, wired only by exchange(). */
export function twoStacks(opts: { mtu: number; prefixLength: number; tcp: Partial<TcpConfig> }): StackPair {
  const a = new Stack({ rng: xorshift32(1), tcp: opts.tcp });
  const b = new Stack({ rng: xorshift32(2), tcp: opts.tcp });
  a.addInterface({ mtu: opts.mtu, addresses: [`10.0.0.1/${opts.prefixLength}`] });
  b.addInterface({ mtu: opts.mtu, addresses: [`10.0.0.2/${opts.prefixLength}`] });
  return { a, b, ta: a.tcp as TcpLayer, tb: b.tcp as TcpLayer, now: 0 };
}

/**
 * Moves what each stack has to send to the other once; the clock advances by `step` ms when
 * something moved, or jumps to the next deadline when both are quiet. Returns packets moved.
 */
export function exchange(p: StackPair, step: number): number {
  const o1 = p.a.poll(p.now);
  for (const o of o1) p.b.receive(o.packet, p.now, 1);
  const o2 = p.b.poll(p.now);
  for (const o of o2) p.a.receive(o.packet, p.now, 1);
  const moved = o1.length + o2.length;
  if (moved === 0) {
    const t = Math.min(p.a.pollAt() ?? Infinity, p.b.pollAt() ?? Infinity);
    if (Number.isFinite(t) && t > p.now) p.now = t;
  } else p.now += step;
  return moved;
}
