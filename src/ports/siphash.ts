// SipHash-2-4 (Aumasson & Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed hash used
// where an RFC asks for a secret-keyed function F() — RFC 6056 §3.3.3 ephemeral port offsets and
// RFC 6528 §3 initial sequence numbers. Pure TypeScript, no BigInt: every 64-bit word is carried as
// two unsigned 32-bit halves, which keeps it allocation-free apart from the result tuple.

/** 64-bit SipHash output as unsigned 32-bit halves: [high word, low word]. */
export type SipHash64 = [hi: number, lo: number];

// State v0..v3 as hi/lo pairs, module-level scratch so the hot loop allocates nothing.
let v0h = 0, v0l = 0, v1h = 0, v1l = 0, v2h = 0, v2l = 0, v3h = 0, v3l = 0;

/** One SipRound (paper §2, Figure 2). Additions are mod 2^64, rotations are 64-bit. */
function sipRound(): void {
  let lo: number, hi: number;
  // v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
  lo = (v0l + v1l) >>> 0; v0h = (v0h + v1h + (lo < v0l ? 1 : 0)) >>> 0; v0l = lo;
  hi = (v1h << 13) | (v1l >>> 19); lo = (v1l << 13) | (v1h >>> 19);
  v1h = (hi ^ v0h) >>> 0; v1l = (lo ^ v0l) >>> 0;
  lo = v0l; v0l = v0h; v0h = lo;
  // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
  lo = (v2l + v3l) >>> 0; v2h = (v2h + v3h + (lo < v2l ? 1 : 0)) >>> 0; v2l = lo;
  hi = (v3h << 16) | (v3l >>> 16); lo = (v3l << 16) | (v3h >>> 16);
  v3h = (hi ^ v2h) >>> 0; v3l = (lo ^ v2l) >>> 0;
  // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
  lo = (v0l + v3l) >>> 0; v0h = (v0h + v3h + (lo < v0l ? 1 : 0)) >>> 0; v0l = lo;
  hi = (v3h << 21) | (v3l >>> 11); lo = (v3l << 21) | (v3h >>> 11);
  v3h = (hi ^ v0h) >>> 0; v3l = (lo ^ v0l) >>> 0;
  // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
  lo = (v2l + v1l) >>> 0; v2h = (v2h + v1h + (lo < v2l ? 1 : 0)) >>> 0; v2l = lo;
  hi = (v1h << 17) | (v1l >>> 15); lo = (v1l << 17) | (v1h >>> 15);
  v1h = (hi ^ v2h) >>> 0; v1l = (lo ^ v2l) >>> 0;
  lo = v2l; v2l = v2h; v2h = lo;
}

function le32(b: Uint8Array, i: number): number {
  return ((b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24)) >>> 0;
}

/** Absorbs one 64-bit message word m = (mh, ml): v3 ^= m; c=2 rounds; v0 ^= m (paper §2 "Compression"). */
function compress(mh: number, ml: number): void {
  v3h = (v3h ^ mh) >>> 0; v3l = (v3l ^ ml) >>> 0;
  sipRound();
  sipRound();
  v0h = (v0h ^ mh) >>> 0; v0l = (v0l ^ ml) >>> 0;
}

/**
 * SipHash-2-4 of `data` under a 128-bit `key`. Returns the 64-bit result as [hi32, lo32]; the
 * little-endian byte string that the reference implementation prints is lo32 then hi32, each LE.
 * A key shorter than 16 bytes is zero-padded (callers should pass 16 random bytes).
 */
export function siphash24(key: Uint8Array, data: Uint8Array): SipHash64 {
  const k0l = le32(key, 0), k0h = le32(key, 4), k1l = le32(key, 8), k1h = le32(key, 12);
  // Initialization: the constants spell "somepseudorandomlygeneratedbytes".
  v0h = (k0h ^ 0x736f6d65) >>> 0; v0l = (k0l ^ 0x70736575) >>> 0;
  v1h = (k1h ^ 0x646f7261) >>> 0; v1l = (k1l ^ 0x6e646f6d) >>> 0;
  v2h = (k0h ^ 0x6c796765) >>> 0; v2l = (k0l ^ 0x6e657261) >>> 0;
  v3h = (k1h ^ 0x74656462) >>> 0; v3l = (k1l ^ 0x79746573) >>> 0;

  const len = data.length;
  const whole = len - (len % 8);
  for (let i = 0; i < whole; i += 8) compress(le32(data, i + 4), le32(data, i));

  // Last word: the 0..7 leftover bytes, with len mod 256 in the top byte.
  let ml = 0, mh = ((len & 0xff) << 24) >>> 0;
  for (let i = whole; i < len; i++) {
    const b = data[i] ?? 0, shift = (i - whole) * 8;
    if (shift < 32) ml = (ml | (b << shift)) >>> 0;
    else mh = (mh | (b << (shift - 32))) >>> 0;
  }
  compress(mh, ml);

  // Finalization: v2 ^= 0xff; d=4 rounds; return v0 ^ v1 ^ v2 ^ v3.
  v2l = (v2l ^ 0xff) >>> 0;
  sipRound();
  sipRound();
  sipRound();
  sipRound();
  return [(v0h ^ v1h ^ v2h ^ v3h) >>> 0, (v0l ^ v1l ^ v2l ^ v3l) >>> 0];
}

/** The 8 output bytes in the reference implementation's order (little-endian 64-bit). */
export function siphash24Bytes(key: Uint8Array, data: Uint8Array): Uint8Array {
  const [hi, lo] = siphash24(key, data);
  const out = new Uint8Array(8);
  for (let i = 0; i < 4; i++) {
    out[i] = (lo >>> (8 * i)) & 0xff;
    out[4 + i] = (hi >>> (8 * i)) & 0xff;
  }
  return out;
}
