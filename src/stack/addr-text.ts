// A small direct-mapped cache of IPv6 address text: formatting 16 bytes to RFC 5952 text costs more
// than the rest of a packet's input path, and a host sees the same few addresses over and over.

import { formatIpv4, formatIpv6 } from '../wire/address.js';
import type { IpAddress } from './types.js';

const SLOTS = 256;

export class Ipv6TextCache {
  private readonly keys = new Uint8Array(SLOTS * 16);
  private readonly texts: Array<IpAddress | undefined> = new Array<IpAddress | undefined>(SLOTS);

  /** RFC 5952 text of the 16 bytes at `buf[off]`. */
  text(buf: Uint8Array, off: number): IpAddress {
    let h = 0;
    for (let i = 0; i < 16; i++) h = (h * 31 + buf[off + i]!) | 0;
    const slot = (h ^ (h >>> 8) ^ (h >>> 16)) & (SLOTS - 1);
    const base = slot * 16;
    const cached = this.texts[slot];
    if (cached !== undefined) {
      let same = true;
      for (let i = 0; i < 16; i++) {
        if (this.keys[base + i] !== buf[off + i]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    const t = formatIpv6(buf, off);
    this.keys.set(buf.subarray(off, off + 16), base);
    this.texts[slot] = t;
    return t;
  }
}

/**
 * Dotted-quad text of IPv4 addresses seen on input, memoized by their 32-bit value in a small
 * direct-mapped table: a flow's packets reuse one (already flattened and hashed) string instead
 * of building a new one per packet for the interface and connection lookups.
 */
export class Ipv4TextCache {
  private readonly keys = new Int32Array(SLOTS).fill(-1);
  private readonly texts: Array<IpAddress | undefined> = new Array<IpAddress | undefined>(SLOTS);

  text(buf: Uint8Array, off: number): IpAddress {
    const v = ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) | 0;
    const slot = (v ^ (v >>> 8) ^ (v >>> 16) ^ (v >>> 24)) & (SLOTS - 1);
    const t = this.texts[slot];
    if (t !== undefined && this.keys[slot] === v) return t;
    const fresh = formatIpv4(buf, off);
    this.keys[slot] = v;
    this.texts[slot] = fresh;
    return fresh;
  }
}
