// How a host's `address` option becomes interface addresses. A bare IPv4 address gets /24 and a
// bare IPv6 address /64 (the usual LAN prefixes); write CIDR ('10.1.0.5/16') to choose. Every host
// also gets an on-link default route per family it has, so hosts on different prefixes still reach
// each other across the segment (the switch forwards by address, see segment.ts).

import { formatIp, parseCidr } from '../wire/address.js';
import { invalidArgType, invalidArgValue } from '../wire/arg-errors.js';

export interface HostAddress {
  family: 4 | 6;
  /** Canonical address text. */
  address: string;
  /** CIDR for the stack's interface, e.g. '10.0.0.1/24'. */
  cidr: string;
  /** IPv4 directed broadcast of the prefix (flooded by the switch), if any. */
  broadcast: string | undefined;
}

export const DEFAULT_PREFIX_V4 = 24;
export const DEFAULT_PREFIX_V6 = 64;

export function parseHostAddress(text: string): HostAddress {
  if (typeof text !== 'string') throw invalidArgType('address', 'of type string', text);
  const c = parseCidr(text);
  if (!c) throw invalidArgValue(`not an IPv4/IPv6 address or CIDR: ${JSON.stringify(text)}`);
  const prefixLength = text.includes('/') ? c.prefixLength : c.family === 4 ? DEFAULT_PREFIX_V4 : DEFAULT_PREFIX_V6;
  const address = formatIp(c.address);
  let broadcast: string | undefined;
  if (c.family === 4 && prefixLength < 31) {
    const b = c.address.slice();
    for (let bit = prefixLength; bit < 32; bit++) b[bit >>> 3]! |= 0x80 >>> (bit & 7);
    broadcast = formatIp(b);
  }
  return { family: c.family, address, cidr: `${address}/${prefixLength}`, broadcast };
}

export function parseHostAddresses(option: string | readonly string[]): HostAddress[] {
  const list = typeof option === 'string' ? [option] : option;
  if (!Array.isArray(list) || list.length === 0) throw invalidArgType('address', 'an IPv4/IPv6 address string or a non-empty array of them', option);
  return list.map(parseHostAddress);
}
