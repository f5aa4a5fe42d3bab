// The switched segment every host hangs off. Topology rule (simple and predictable):
//   - each host has ONE interface toward a central switch, carrying all its addresses;
//   - between every pair of hosts there is a path, a bidirectional MemoryLink; net.link(a, b, ...)
//     sets the impairments of the a↔b path, pairs never linked use the network's `defaultLink`
//     (a perfect link unless configured; `defaultLink: false` makes unlinked pairs unreachable);
//   - the switch forwards by the next hop the sender's stack chose (OutboundPacket.nextHop): to the
//     host owning that address, or, for a broadcast/multicast next hop, to every other host.
// So a path is a private point-to-point wire per pair, and a host reaches any number of others.

import { MemoryLink, type LinkOptions } from '../link/memory.js';
import type { PacketSink } from '../link/types.js';
import type { OutboundPacket } from '../stack/types.js';
import type { RandomRoot } from './rng.js';
import type { Scheduler } from './scheduler.js';
import type { SimNode } from './node.js';
import { invalidArgValue } from '../wire/arg-errors.js';

export class Path {
  readonly link: MemoryLink;

  constructor(
    readonly a: SimNode,
    readonly b: SimNode,
    opts: LinkOptions,
    sched: Scheduler,
    random: RandomRoot,
    arrive: (to: SimNode, packet: Uint8Array, now: number) => void,
  ) {
    const toB: PacketSink = { push: (p, now) => arrive(b, p, now) };
    const toA: PacketSink = { push: (p, now) => arrive(a, p, now) };
    const label = `path:${a.id}-${b.id}:`;
    this.link = new MemoryLink(opts, toB, toA, { clock: sched, random: (l) => random.stream(label + l) });
  }

  /** The direction carrying packets sent by `from`. */
  from(from: SimNode): MemoryLink['ab'] {
    return from === this.a ? this.link.ab : this.link.ba;
  }
}

export interface SegmentStats {
  /** Packets whose next hop no host owns. */
  unroutable: number;
  /** Packets between a pair with no path (defaultLink: false and never linked). */
  noPath: number;
}

function isFloodAddress(addr: string, broadcasts: ReadonlySet<string>): boolean {
  if (addr.includes(':')) return addr.startsWith('ff');
  if (addr === '255.255.255.255' || broadcasts.has(addr)) return true;
  const first = Number(addr.slice(0, addr.indexOf('.')));
  return first >= 224 && first <= 239;
}

export class Segment {
  readonly stats: SegmentStats = { unroutable: 0, noPath: 0 };
  readonly nodes: SimNode[] = [];
  private readonly owners = new Map<string, SimNode>();
  private readonly broadcasts = new Set<string>();
  private readonly paths = new Map<string, Path>();
  /** Observers of every packet a host sends (before the link) and every packet delivered (after it). */
  readonly onTransmit: Array<(packet: Uint8Array, now: number) => void> = [];
  readonly onArrive: Array<(packet: Uint8Array, now: number) => void> = [];
  private readonly arriveFn = (to: SimNode, packet: Uint8Array, now: number): void => {
    for (const f of this.onArrive) f(packet, now);
    to.deliver(packet, now);
  };

  constructor(
    private readonly sched: Scheduler,
    private readonly random: RandomRoot,
    private readonly defaultLink: LinkOptions | false,
  ) {}

  addNode(node: SimNode, broadcasts: readonly string[]): void {
    for (const a of node.addresses) {
      const owner = this.owners.get(a);
      if (owner) throw invalidArgValue(`address ${a} is already used by host ${owner.name}`);
    }
    for (const a of node.addresses) this.owners.set(a, node);
    for (const b of broadcasts) this.broadcasts.add(b);
    this.nodes.push(node);
  }

  ownerOf(address: string): SimNode | undefined {
    return this.owners.get(address);
  }

  private key(x: SimNode, y: SimNode): string {
    return x.id < y.id ? `${x.id}-${y.id}` : `${y.id}-${x.id}`;
  }

  /** The a↔b path if it exists. */
  find(a: SimNode, b: SimNode): Path | undefined {
    return this.paths.get(this.key(a, b));
  }

  /** The a↔b path, created with `opts` (or the default) if it does not exist yet. */
  path(a: SimNode, b: SimNode, opts?: LinkOptions): Path | undefined {
    const k = this.key(a, b);
    let p = this.paths.get(k);
    if (p) return p;
    const base = opts ?? this.defaultLink;
    if (base === false) return undefined;
    const [lo, hi] = (opts !== undefined || a.id < b.id) ? [a, b] : [b, a];
    const merged = opts && this.defaultLink ? { ...this.defaultLink, ...opts } : base;
    p = new Path(lo, hi, merged, this.sched, this.random, this.arriveFn);
    this.paths.set(k, p);
    return p;
  }

  allPaths(): IterableIterator<Path> {
    return this.paths.values();
  }

  /** Forward one packet a node's engine emitted. */
  transmit(from: SimNode, out: OutboundPacket, now: number): void {
    for (const f of this.onTransmit) f(out.packet, now);
    const dest = this.owners.get(out.nextHop);
    if (dest) {
      if (dest === from) {
        // A stack addressing itself off-interface: loop it back without a wire.
        from.deliver(out.packet, now);
        return;
      }
      const p = this.path(from, dest);
      if (p) p.from(from).push(out.packet, now);
      else this.stats.noPath++;
      return;
    }
    if (isFloodAddress(out.nextHop, this.broadcasts)) {
      const v6 = out.nextHop.includes(':');
      for (const n of this.nodes) {
        if (n === from || !n.addresses.some((a) => a.includes(':') === v6)) continue;
        const p = this.path(from, n);
        if (p) p.from(from).push(out.packet.slice(), now);
      }
      return;
    }
    this.stats.unroutable++;
  }
}
