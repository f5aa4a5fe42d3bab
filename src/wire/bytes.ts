// Small byte helpers shared by the emitters and the decoder.

/** Copy `src` to `buf[off]` unless it already is that exact region; RangeError when it does not fit. */
export function placeBytes(src: Uint8Array, buf: Uint8Array, off: number): void {
  if (src.buffer === buf.buffer && src.byteOffset === buf.byteOffset + off && off + src.length <= buf.length) return;
  if (off < 0 || off + src.length > buf.length) throw new RangeError('emit: buffer too small for the payload');
  buf.set(src, off);
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of `bytes` (no separators). */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!]!;
  return s;
}

/** Bytes of a hex string; whitespace and ':' separators are ignored. undefined if not hex or odd length. */
export function fromHex(text: string): Uint8Array | undefined {
  const clean = text.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return undefined;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Big-endian 16-bit read. */
export function u16(buf: Uint8Array, off: number): number {
  return (buf[off]! << 8) | buf[off + 1]!;
}

/** Big-endian 32-bit read, unsigned. */
export function u32(buf: Uint8Array, off: number): number {
  return ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
}

export function put16(buf: Uint8Array, off: number, v: number): void {
  buf[off] = (v >>> 8) & 0xff;
  buf[off + 1] = v & 0xff;
}

export function put32(buf: Uint8Array, off: number, v: number): void {
  buf[off] = (v >>> 24) & 0xff;
  buf[off + 1] = (v >>> 16) & 0xff;
  buf[off + 2] = (v >>> 8) & 0xff;
  buf[off + 3] = v & 0xff;
}
