// Just enough IP literal parsing for the bind table and the RFC 6056 hash: text → bytes, so that
// "::1" and "0:0::1" are the same key and IPv4-mapped IPv6 (RFC 4291 §2.5.5.2) compares as IPv4.
// Returns undefined for anything that is not an IPv4 dotted quad or an RFC 4291 §2.2 IPv6 literal.

export interface AddressKey {
  /** 4 for IPv4 (including IPv4-mapped IPv6), 6 otherwise. */
  family: 4 | 6;
  /** 4 or 16 bytes. */
  bytes: Uint8Array;
  /** Stable map key, e.g. "4:127.0.0.1" or "6:0000…0001". */
  key: string;
  /** 0.0.0.0 or :: (INADDR_ANY / in6addr_any). */
  wildcard: boolean;
  /** Written as IPv6 (so "::" and "::ffff:1.2.3.4" are v6 sockets even when family is 4). */
  v6Socket: boolean;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] ?? '';
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith('0'))) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const out: number[] = [];
  for (const g of text.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out.push(parseInt(g, 16));
  }
  return out;
}

function parseIpv6(text: string): Uint8Array | undefined {
  let head = text;
  let tail: number[] = [];
  // RFC 4291 §2.2 form 3: trailing dotted quad.
  const lastColon = head.lastIndexOf(':');
  if (head.includes('.')) {
    const v4 = parseIpv4(head.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0)];
    head = head.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const dbl = head.indexOf('::');
  let groups: number[];
  if (dbl >= 0) {
    if (head.indexOf('::', dbl + 1) >= 0) return undefined;
    const left = parseGroups(head.slice(0, dbl));
    const right = parseGroups(head.slice(dbl + 2));
    if (left === undefined || right === undefined) return undefined;
    const fill = 8 - left.length - right.length - tail.length;
    if (fill < 1) return undefined;
    groups = [...left, ...new Array<number>(fill).fill(0), ...right, ...tail];
  } else {
    const all = parseGroups(head);
    if (all === undefined) return undefined;
    groups = [...all, ...tail];
    if (groups.length !== 8) return undefined;
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Parses an IP literal for bind-table purposes; undefined when it is not one. */
export function addressKey(text: string): AddressKey | undefined {
  if (!text.includes(':')) {
    const b = parseIpv4(text);
    if (b === undefined) return undefined;
    return { family: 4, bytes: b, key: `4:${b.join('.')}`, wildcard: b.every((x) => x === 0), v6Socket: false };
  }
  const b = parseIpv6(text);
  if (b === undefined) return undefined;
  const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (mapped) {
    const v4 = b.slice(12);
    return { family: 4, bytes: v4, key: `4:${v4.join('.')}`, wildcard: v4.every((x) => x === 0), v6Socket: true };
  }
  return { family: 6, bytes: b, key: `6:${hex(b)}`, wildcard: b.every((x) => x === 0), v6Socket: true };
}
