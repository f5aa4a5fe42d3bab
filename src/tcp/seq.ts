// Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4: "all arithmetic dealing with sequence
// numbers must be performed modulo 2**32"). Numbers are unsigned 32-bit values held in JS numbers;
// comparisons use the signed 32-bit difference, valid while the two values are < 2^31 apart.

/** a + n (mod 2^32). */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** Signed distance a − b (mod 2^32, in −2^31 .. 2^31−1). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

export function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

export function seqGe(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

/** The later of two sequence numbers. */
export function seqMax(a: number, b: number): number {
  return seqGe(a, b) ? a : b;
}

/** lo ≤ x < hi, modulo 2^32 (the window test of RFC 9293 §3.4). */
export function seqInRange(x: number, lo: number, hi: number): boolean {
  return seqLe(lo, x) && seqLt(x, hi);
}
