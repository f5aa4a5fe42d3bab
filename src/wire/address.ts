// IP address text <-> bytes. Input accepts the RFC 4291 §2.2 forms (full, "::" compressed,
// trailing embedded dotted quad); output is RFC 5952 §4 canonical text (lowercase, no leading
// zeros, the longest run of two or more zero groups as "::", the first such run on a tie, and
// RFC 5952 §5 mixed notation for IPv4-mapped addresses ::ffff:0:0/96). IPv4 text is a strict
// dotted quad: four decimal parts 0..255 without leading zeros (which some parsers read as octal).
// Zone identifiers ("fe80::1%eth0") are not accepted.

import type { IpAddress } from '../stack/types.js';

/** Decimal text of every byte value, so IPv4 formatting is four lookups and three joins. */
const DEC: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));

/** Parse a dotted quad into 4 bytes (written to `out` at `outOff` when given). */
export function parseIpv4Address(str: string, out?: Uint8Array, outOff = 0): Uint8Array | undefined {
  const n = str.length;
  if (n < 7 || n > 15) return undefined;
  const bytes = out ?? new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  let leadingZero = false;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? str.charCodeAt(i) : 46; // treat the end as a final '.'
    if (c === 46) {
      if (digits === 0 || part > 3) return undefined;
      bytes[outOff + part] = value;
      part++;
      value = 0;
      digits = 0;
      leadingZero = false;
    } else if (c >= 48 && c <= 57) {
      if (leadingZero) return undefined;
      if (digits === 0 && c === 48) leadingZero = true;
      value = value * 10 + (c - 48);
      if (value > 255) return undefined;
      digits++;
    } else {
      return undefined;
    }
  }
  return part === 4 ? bytes : undefined;
}

function parseHexGroup(s: string): number {
  if (s.length < 1 || s.length > 4) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return -1;
    v = (v << 4) | d;
  }
  return v;
}

/** Parse colon-separated groups into 16-bit words; the last may be a dotted quad (two words). */
function parseGroups(text: string, allowV4Tail: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const words: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (allowV4Tail && i === parts.length - 1 && p.includes('.')) {
      const v4 = parseIpv4Address(p);
      if (!v4) return undefined;
      words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else {
      const w = parseHexGroup(p);
      if (w < 0) return undefined;
      words.push(w);
    }
  }
  return words;
}

/** Parse IPv6 text (RFC 4291 §2.2) into 16 bytes. */
export function parseIpv6Address(str: string, out?: Uint8Array, outOff = 0): Uint8Array | undefined {
  if (str.length < 2 || str.length > 45) return undefined;
  const halves = str.split('::');
  if (halves.length > 2) return undefined;
  let words: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0]!, false);
    const tail = parseGroups(halves[1]!, true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    words = head.concat(new Array<number>(8 - head.length - tail.length).fill(0), tail);
  } else {
    const all = parseGroups(str, true);
    if (!all || all.length !== 8) return undefined;
    words = all;
  }
  const bytes = out ?? new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    bytes[outOff + 2 * i] = words[i]! >>> 8;
    bytes[outOff + 2 * i + 1] = words[i]! & 0xff;
  }
  return bytes;
}

/** Parse IPv4 or IPv6 text: 4 or 16 bytes, or undefined when it is neither. */
export function parseIp(str: string): Uint8Array | undefined {
  if (typeof str !== 'string') return undefined;
  return str.includes(':') ? parseIpv6Address(str) : parseIpv4Address(str);
}

/** 4 for a valid IPv4 literal, 6 for a valid IPv6 literal, otherwise undefined. */
export function ipFamily(str: string): 4 | 6 | undefined {
  if (str.includes(':')) return parseIpv6Address(str) ? 6 : undefined;
  return parseIpv4Address(str) ? 4 : undefined;
}

/** Fast path: dotted quad of the 4 bytes at `off`. */
export function formatIpv4(bytes: Uint8Array, off = 0): IpAddress {
  return DEC[bytes[off]!]! + '.' + DEC[bytes[off + 1]!]! + '.' + DEC[bytes[off + 2]!]! + '.' + DEC[bytes[off + 3]!]!;
}

/** Scratch for formatIpv6 (single-threaded; never escapes the call). */
const WORDS = new Uint16Array(8);

/** RFC 5952 canonical text of the 16 bytes at `off`. */
export function formatIpv6(bytes: Uint8Array, off = 0): IpAddress {
  const w = WORDS;
  for (let i = 0; i < 8; i++) w[i] = (bytes[off + 2 * i]! << 8) | bytes[off + 2 * i + 1]!;
  // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad.
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff) {
    return '::ffff:' + formatIpv4(bytes, off + 12);
  }
  // RFC 5952 §4.2: the longest run (>= 2 groups) of zeros is shortened; the first on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  // RFC 5952 §4.3: lowercase hex, §4.1: no leading zeros.
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s !== '' && !s.endsWith(':')) s += ':';
    s += w[i]!.toString(16);
  }
  return s;
}

/**
 * Text of the address at `bytes[off .. off+len)`; `len` must be 4 or 16 (a caller bug otherwise,
 * reported with RangeError).
 */
export function formatIp(bytes: Uint8Array, off = 0, len: number = bytes.length - off): IpAddress {
  if (len === 4 && off + 4 <= bytes.length) return formatIpv4(bytes, off);
  if (len === 16 && off + 16 <= bytes.length) return formatIpv6(bytes, off);
  throw new RangeError(`formatIp: need 4 or 16 bytes, got ${len} at ${off} of ${bytes.length}`);
}

/** Canonical text of an address literal (e.g. '2001:DB8::0:1' → '2001:db8::1'), or undefined. */
export function canonicalIp(str: string): IpAddress | undefined {
  const b = parseIp(str);
  return b ? formatIp(b) : undefined;
}

export interface Cidr {
  family: 4 | 6;
  /** The address as written (host bits kept). */
  address: Uint8Array;
  prefixLength: number;
  /** The address with host bits cleared. */
  network: Uint8Array;
}

/** Parse 'a.b.c.d/n' or 'v6addr/n'. A bare address means a host prefix (/32 or /128). */
export function parseCidr(str: string): Cidr | undefined {
  if (typeof str !== 'string') return undefined;
  const slash = str.indexOf('/');
  const addrText = slash < 0 ? str : str.slice(0, slash);
  const address = parseIp(addrText);
  if (!address) return undefined;
  const bits = address.length * 8;
  let prefixLength = bits;
  if (slash >= 0) {
    const lenText = str.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(lenText)) return undefined;
    prefixLength = Number(lenText);
    if (prefixLength > bits) return undefined;
  }
  return { family: address.length === 4 ? 4 : 6, address, prefixLength, network: maskPrefix(address, prefixLength) };
}

/** A copy of `addr` with all bits after the first `prefixLength` cleared. */
export function maskPrefix(addr: Uint8Array, prefixLength: number): Uint8Array {
  const out = new Uint8Array(addr.length);
  for (let i = 0; i < addr.length; i++) {
    const bitsHere = prefixLength - i * 8;
    if (bitsHere >= 8) out[i] = addr[i]!;
    else if (bitsHere > 0) out[i] = addr[i]! & (0xff << (8 - bitsHere));
  }
  return out;
}

/**
 * Whether the first `prefixLength` bits of `addr` (at `addrOff`) equal those of `prefix`.
 * Both must be of the same family (same length from their offsets); otherwise false.
 */
export function prefixMatch(addr: Uint8Array, prefix: Uint8Array, prefixLength: number, addrOff = 0): boolean {
  if (prefixLength < 0 || prefixLength > prefix.length * 8 || addrOff + prefix.length > addr.length) return false;
  const full = prefixLength >>> 3;
  for (let i = 0; i < full; i++) if (addr[addrOff + i] !== prefix[i]) return false;
  const rem = prefixLength & 7;
  if (rem === 0) return true;
  const mask = (0xff << (8 - rem)) & 0xff;
  return ((addr[addrOff + full]! ^ prefix[full]!) & mask) === 0;
}

/** Byte-wise equality of two addresses (or any two byte ranges of length `len`). */
export function bytesEqual(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (a[aOff + i] !== b[bOff + i]) return false;
  return true;
}

/** IPv4 address bytes at `off` as an unsigned 32-bit integer (for hashing and comparisons). */
export function ipv4ToU32(bytes: Uint8Array, off = 0): number {
  return ((bytes[off]! << 24) | (bytes[off + 1]! << 16) | (bytes[off + 2]! << 8) | bytes[off + 3]!) >>> 0;
}
