// Creates a TUN device, configures its kernel side with iproute2 (`ip`), optionally inside a
// network namespace, and runs a layer4 host behind it. layer4 owns the given address; the kernel
// side takes the first other host address of the same prefix (10.99.1.2/24 → kernel 10.99.1.1).

import { execFileSync } from 'node:child_process';
import { formatIp, parseCidr } from '../wire/address.js';
import { invalidArgType } from '../wire/arg-errors.js';
import { createPortHost, type PortHost } from './real-driver.js';
import { TunDevice } from './tun.js';

export interface TunHostOptions {
  /** Interface name, at most 15 characters. */
  name: string;
  /** layer4's own address(es) as CIDR, IPv4 and/or IPv6. */
  address: string | readonly string[];
  /** Move the device into this existing network namespace before configuring it. */
  netns?: string;
  mtu?: number;
  tcp?: object;
  /** IFF_VNET_HDR with checksum/TSO offloads (see tun-offload.ts). Default false. */
  offload?: boolean;
  /**
   * With `offload`: layer4's TCP sends large segments and the device writes runs of one flow's
   * segments to the kernel as GSO super-segments (tun-gso.ts). Default true with `offload`.
   */
  tso?: boolean;
}

export interface TunHost extends PortHost {
  readonly tun: TunDevice;
  /** Kernel-side addresses (no prefix), in the order of `address`. */
  readonly kernelAddresses: readonly string[];
  /** layer4's addresses (no prefix). */
  readonly addresses: readonly string[];
}

export interface PeerPlan {
  own: string;
  kernel: string;
  prefixLength: number;
  family: 4 | 6;
}

/** The kernel side's address for layer4's CIDR: the first host address of the prefix that is not layer4's. */
export function planPeer(cidr: string): PeerPlan | undefined {
  const c = parseCidr(cidr);
  if (!c || !cidr.includes('/')) return undefined;
  const bits = c.family === 4 ? 32 : 128;
  // IPv4 needs a network and a broadcast address around two hosts (/31 and /32 have no room); IPv6 /127 works.
  if (c.prefixLength > bits - (c.family === 4 ? 2 : 1)) return undefined;
  const net = c.address.slice();
  for (let bit = c.prefixLength; bit < bits; bit++) net[bit >>> 3]! &= ~(0x80 >>> (bit & 7));
  const own = formatIp(c.address);
  if (own === formatIp(net)) return undefined; // the network address itself is no host address
  const add = (n: number): string => {
    const a = net.slice();
    let carry = n;
    for (let i = a.length - 1; i >= 0 && carry > 0; i--) {
      const s = a[i]! + carry;
      a[i] = s & 0xff;
      carry = s >>> 8;
    }
    return formatIp(a);
  };
  const first = c.family === 6 && c.prefixLength === 127 ? formatIp(net) : add(1);
  const kernel = first !== own ? first : add(c.family === 6 && c.prefixLength === 127 ? 1 : 2);
  return { own, kernel, prefixLength: c.prefixLength, family: c.family };
}

function ip(netns: string | undefined, args: string[]): void {
  execFileSync('ip', netns ? ['-n', netns, ...args] : args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Opens and configures the TUN device and starts a layer4 host behind it. */
export function openTunHost(opts: TunHostOptions): TunHost {
  if (opts === null || typeof opts !== 'object') throw invalidArgType('options', 'of type object', opts);
  if (typeof opts.address !== 'string' && !Array.isArray(opts.address)) throw invalidArgType('address', 'a CIDR string or an array of them', opts.address);
  const cidrs = typeof opts.address === 'string' ? [opts.address] : [...opts.address];
  const plans = cidrs.map((c) => {
    const p = planPeer(c);
    if (!p) throw new RangeError(`not a usable CIDR for a point-to-point TUN: ${c}`);
    return p;
  });
  const mtu = opts.mtu ?? 1500;
  const tso = opts.offload === true && opts.tso !== false;
  const tun = TunDevice.open({ name: opts.name, mtu, offload: opts.offload ?? false, tso });
  try {
    if (opts.netns) ip(undefined, ['link', 'set', 'dev', tun.name, 'netns', opts.netns]);
    ip(opts.netns, ['link', 'set', 'dev', tun.name, 'mtu', String(mtu)]);
    for (const p of plans) {
      const extra = p.family === 6 ? ['nodad'] : [];
      ip(opts.netns, ['addr', 'add', `${p.kernel}/${p.prefixLength}`, 'dev', tun.name, ...extra]);
    }
    ip(opts.netns, ['link', 'set', 'dev', tun.name, 'up']);
  } catch (err) {
    tun.close();
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`configuring ${tun.name} with ip failed: ${stderr || (err as Error).message}`);
  }
  const ph = createPortHost(tun, {
    address: plans.map((p) => `${p.own}/${p.prefixLength}`),
    peer: plans.map((p) => `${p.kernel}/${p.prefixLength}`),
    mtu,
    ...(opts.tcp !== undefined ? { tcp: opts.tcp } : {}),
  });
  // TCP may then send super-segments: the host's NIC (sim/node.ts) cuts them into wire segments
  // for the path, and the device joins runs of them again for the kernel.
  if (tso) ph.host.stack.interfaces.setOffloads(1, { gso: true });
  return { ...ph, tun, kernelAddresses: plans.map((p) => p.kernel), addresses: plans.map((p) => p.own) };
}
