// Network interfaces of one stack: index, name, MTU and addresses with their prefixes.
// Index 0 is always the loopback interface 'lo' (127.0.0.1/8, ::1/128, MTU 65536); packets routed
// to it never leave the stack. Interfaces added by the user get indexes 1, 2, ...
//
// Address model: the weak host model of RFC 1122 §3.3.4.2 — a packet for any of our addresses is
// accepted on any interface (as Linux does) — except that 127/8 and ::1 are accepted only from the
// loopback interface (RFC 1122 §3.2.1.3(g), RFC 4291 §2.5.3).

import { formatIp, maskPrefix, parseCidr, prefixMatch } from '../wire/address.js';
import type { IpAddress } from './types.js';

export interface InterfaceConfig {
  name?: string;
  mtu: number;
  /** CIDR strings, e.g. '10.0.0.1/24', '2001:db8::1/64'; a bare address is a host prefix. */
  addresses: string[];
  /**
   * The driver segments TCP super-segments (GSO/TSO): TCP may send up to 64 KiB in one segment,
   * handed out with OutboundPacket.gsoSize. Default false.
   */
  gso?: boolean;
  /**
   * With `gso`: the stack cuts each large TCP segment into wire segments itself as it writes it
   * (software GSO: the payload is copied and checksummed once, straight from the send buffer, and
   * no super-segment is built); the driver gets wire segments, never OutboundPacket.gsoSize.
   * For drivers that would split every super-segment anyway (the simulated NIC, memory links).
   * Default false.
   */
  gsoSoftware?: boolean;
  /** Coalesce in-order TCP data of a batch given to Stack.receiveBatch (GRO). Default false. */
  gro?: boolean;
  /** With `gro`: also collapse runs of advancing pure ACKs (see stack/gro.ts). Default false. */
  groAcks?: boolean;
}

export interface InterfaceAddress {
  family: 4 | 6;
  /** Canonical text. */
  address: IpAddress;
  bytes: Uint8Array;
  prefixLength: number;
  network: Uint8Array;
  /** IPv4 directed broadcast of the prefix (RFC 919/922), when the prefix is shorter than /31. */
  broadcast: IpAddress | undefined;
}

export interface NetInterface {
  index: number;
  name: string;
  mtu: number;
  loopback: boolean;
  addresses: InterfaceAddress[];
  gso: boolean;
  gsoSoftware: boolean;
  gro: boolean;
  groAcks: boolean;
}

export const LOOPBACK_INDEX = 0;
export const LOOPBACK_MTU = 65536;

/** IPv4 minimum MTU every host must handle (RFC 791: 68) and IPv6's (RFC 8200 §5: 1280). */
export const MIN_MTU_V4 = 68;
export const MIN_MTU_V6 = 1280;

export type InterfaceError = { ok: false; code: 'EINVAL'; message: string };

/** Parses one CIDR string into an interface address, or undefined. */
export function interfaceAddress(cidr: string): InterfaceAddress | undefined {
  const c = parseCidr(cidr);
  if (!c) return undefined;
  let broadcast: IpAddress | undefined;
  if (c.family === 4 && c.prefixLength < 31) {
    const b = c.network.slice();
    for (let bit = c.prefixLength; bit < 32; bit++) b[bit >>> 3]! |= 0x80 >>> (bit & 7);
    broadcast = formatIp(b);
  }
  return { family: c.family, address: formatIp(c.address), bytes: c.address, prefixLength: c.prefixLength, network: maskPrefix(c.address, c.prefixLength), broadcast };
}

export class InterfaceTable {
  private readonly list: NetInterface[] = [];
  /** Canonical address text → interface index, for every configured address. */
  private readonly local = new Map<IpAddress, number>();
  private readonly broadcasts = new Set<IpAddress>(['255.255.255.255']);

  constructor() {
    const lo = ['127.0.0.1/8', '::1/128'].map((a) => interfaceAddress(a)!);
    this.insert({ index: LOOPBACK_INDEX, name: 'lo', mtu: LOOPBACK_MTU, loopback: true, addresses: lo, gso: false, gsoSoftware: false, gro: false, groAcks: false });
  }

  /** Adds an interface; returns its index, or an error for a bad MTU or address. */
  add(cfg: InterfaceConfig): { ok: true; index: number } | InterfaceError {
    const addresses: InterfaceAddress[] = [];
    for (const text of cfg.addresses) {
      const a = interfaceAddress(text);
      if (!a) return { ok: false, code: 'EINVAL', message: `not an address/prefix: ${text}` };
      addresses.push(a);
    }
    const hasV6 = addresses.some((a) => a.family === 6);
    if (!Number.isInteger(cfg.mtu) || cfg.mtu < MIN_MTU_V4 || cfg.mtu > 65535 + 40 || (hasV6 && cfg.mtu < MIN_MTU_V6)) {
      return { ok: false, code: 'EINVAL', message: `MTU ${cfg.mtu} is out of range (68.., IPv6 needs 1280..)` };
    }
    const index = this.list.length;
    this.insert({ index, name: cfg.name ?? `eth${index - 1}`, mtu: cfg.mtu, loopback: false, addresses, gso: cfg.gso === true, gsoSoftware: cfg.gsoSoftware === true, gro: cfg.gro === true, groAcks: cfg.groAcks === true });
    return { ok: true, index };
  }

  /** Turns the offloads of an interface on or off (the driver's capabilities, see InterfaceConfig). */
  setOffloads(index: number, o: { gso?: boolean; gsoSoftware?: boolean; gro?: boolean; groAcks?: boolean }): void {
    const ifc = this.list[index];
    if (ifc === undefined || ifc.loopback) return;
    if (o.gso !== undefined) ifc.gso = o.gso;
    if (o.gsoSoftware !== undefined) ifc.gsoSoftware = o.gsoSoftware;
    if (o.gro !== undefined) ifc.gro = o.gro;
    if (o.groAcks !== undefined) ifc.groAcks = o.groAcks;
  }

  get(index: number): NetInterface | undefined {
    return this.list[index];
  }

  all(): readonly NetInterface[] {
    return this.list;
  }

  /** Index of the interface holding exactly `address`, if any. */
  ownerOf(address: IpAddress): number | undefined {
    return this.local.get(address);
  }

  /** Whether `address` (canonical text) is ours: configured anywhere, or in 127.0.0.0/8. */
  isLocal(address: IpAddress): boolean {
    return this.local.has(address) || isLoopbackV4(address);
  }

  /** Limited broadcast or a directed broadcast of one of our IPv4 prefixes. */
  isBroadcast(address: IpAddress): boolean {
    return this.broadcasts.has(address);
  }

  /**
   * Source address on interface `index` for reaching `dst` (RFC 6724 §5, reduced): same family,
   * prefer an address whose prefix contains dst, then one of the same scope (link-local vs not).
   */
  sourceOn(index: number, dst: Uint8Array): InterfaceAddress | undefined {
    const ifc = this.list[index];
    if (!ifc) return undefined;
    let best: InterfaceAddress | undefined;
    let bestScore = -1;
    const dstLinkLocal = dst.length === 16 && isLinkLocal6(dst);
    for (const a of ifc.addresses) {
      if (a.bytes.length !== dst.length) continue;
      let score = 0;
      if (prefixMatch(dst, a.network, a.prefixLength)) score += 2;
      if (a.family === 6 && isLinkLocal6(a.bytes) === dstLinkLocal) score += 1;
      if (score > bestScore) {
        best = a;
        bestScore = score;
      }
    }
    return best;
  }

  private insert(ifc: NetInterface): void {
    this.list.push(ifc);
    for (const a of ifc.addresses) {
      if (!this.local.has(a.address)) this.local.set(a.address, ifc.index);
      if (a.broadcast !== undefined && !ifc.loopback) this.broadcasts.add(a.broadcast);
    }
  }
}

export function isLoopbackV4(address: IpAddress): boolean {
  return address.startsWith('127.') && !address.includes(':');
}

export function isLinkLocal6(b: Uint8Array): boolean {
  return b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;
}
