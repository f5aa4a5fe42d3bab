// Address forms for UDP sockets. An IPv6 socket that is not IPv6-only also talks IPv4 through
// IPv4-mapped addresses (::ffff:a.b.c.d, RFC 4291 §2.5.5.2, RFC 3493 §3.7): the user sees the mapped
// form, the wire carries plain IPv4. "Wire" addresses below are what goes in the IP header.

import { formatIp, parseIp } from '../wire/address.js';
import type { IpAddress } from '../stack/types.js';

export interface WireAddress {
  family: 4 | 6;
  /** Canonical text of the address as it appears on the wire. */
  wire: IpAddress;
  bytes: Uint8Array;
  /** Canonical text as the user wrote it (mapped form kept). */
  user: IpAddress;
  wildcard: boolean;
}

/** Parses a user-supplied address for a socket of `family`; undefined when it is not usable there. */
export function toWire(text: string, family: 4 | 6, ipv6Only: boolean): WireAddress | undefined {
  const b = parseIp(text);
  if (!b) return undefined;
  const user = formatIp(b);
  if (b.length === 4) {
    if (family !== 4) return undefined;
    return { family: 4, wire: user, bytes: b, user, wildcard: isZero(b) };
  }
  if (family !== 6) return undefined;
  if (isMapped(b)) {
    if (ipv6Only) return undefined;
    const v4 = b.slice(12);
    return { family: 4, wire: formatIp(v4), bytes: v4, user, wildcard: false };
  }
  return { family: 6, wire: user, bytes: b, user, wildcard: isZero(b) };
}

/** The address a socket of `family` reports for wire address `wire` of `wireFamily`. */
export function toUser(wire: IpAddress, wireFamily: 4 | 6, family: 4 | 6): IpAddress {
  return family === 6 && wireFamily === 4 ? `::ffff:${wire}` : wire;
}

function isZero(b: Uint8Array): boolean {
  for (const x of b) if (x !== 0) return false;
  return true;
}

function isMapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}
