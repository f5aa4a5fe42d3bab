// Deterministic pseudo-random numbers for the simulated network. One seed per network; every
// consumer (a link direction, an impairment stage, a host's stack) gets its own stream derived
// from (seed, label), so enabling one impairment never shifts the numbers another one sees and
// the same seed always reproduces the same run, packet for packet.
//
// Generator: SFC32 (Chris Doty-Humphrey's "small fast chaotic" generator, 128-bit state), seeded
// through SplitMix32 as its author recommends for filling the state from one word.

/** A random source: uniform 32-bit words and floats in [0, 1). */
export interface Random {
  /** Uniform unsigned 32-bit integer. */
  u32(): number;
  /** Uniform float in [0, 1) with 32 bits of resolution. */
  float(): number;
}

/** SplitMix32 step: returns the next state and a well-mixed output word. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  z ^= z >>> 15;
  return [next, z >>> 0];
}

/** FNV-1a over the UTF-16 code units of `label`, mixed with `seed`. */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // One more avalanche so near-identical labels give unrelated seeds.
  return splitmix32(h ^ Math.imul(seed >>> 0, 0x85ebca6b))[1];
}

export class Sfc32 implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed | 0;
    let out: number;
    [s, out] = splitmix32(s);
    this.a = out | 0;
    [s, out] = splitmix32(s);
    this.b = out | 0;
    [s, out] = splitmix32(s);
    this.c = out | 0;
    this.d = 1; // counter
    // Discard the first outputs so the state is well mixed.
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  float(): number {
    return this.u32() / 4294967296;
  }
}

/** The root of a network's randomness: hands out independent named streams. */
export class RandomRoot {
  constructor(readonly seed: number) {}

  /** A fresh generator for `label`; the same (seed, label) always gives the same sequence. */
  stream(label: string): Sfc32 {
    return new Sfc32(deriveSeed(this.seed, label));
  }
}
