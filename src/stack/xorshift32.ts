// xorshift32 (G. Marsaglia, "Xorshift RNGs", J. Stat. Softw. 8(14), 2003; shifts 13, 17, 5): a
// small seeded source of 32-bit words. Deterministic runs (packetdrill, the TCP pair, chaos worlds,
// tests and benches) draw ISNs, ports and test bytes from it so that the same seed replays the same
// run. Not for anything that needs unpredictability (RFC 6528 ISNs on a real network take the
// host's Rng).

/**
 * A generator of uniform unsigned 32-bit words, never 0. Zero is xorshift's one fixed point, so a
 * zero seed is replaced by `zeroSeed`.
 */
export function xorshift32(seed: number, zeroSeed = 1): () => number {
  let x = seed >>> 0 || zeroSeed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

/** `n` bytes, each the low byte of one xorshift32 word. */
export function xorshiftBytes(n: number, seed: number, zeroSeed = 1): Uint8Array {
  const next = xorshift32(seed, zeroSeed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = next() & 0xff;
  return out;
}
