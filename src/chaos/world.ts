// The chaos world: 2–8 TCP layers joined by per-pair impaired paths on a virtual clock, built on the
// tcp/ Pair harness (its impairment hook decides the fate of every segment). Paths have their own
// loss, Gilbert burst loss, reordering, duplication, corruption (a corrupted segment fails its
// checksum, so the receiving stack drops it) and extra delay; they can be cut and restored. A host
// can crash: its TcpLayer is replaced by a fresh one, so peers meet RSTs or silence.

import type { TcpDatagram } from '../stack/types.js';
import type { TcpConfig } from '../tcp/config.js';
import { TcpLayer } from '../tcp/layer.js';
import { Pair, type PairNode, type Verdict } from '../tcp/pair.js';
import { tcpSegmentLength } from '../wire/tcp.js';
import { ChaosRandom } from './random.js';
import { xorshift32 } from '../stack/xorshift32.js';

export interface PathSpec {
  loss: number;
  /** Burst loss: P(a segment starts a burst); a burst loses everything for ~burstMs (exponential). */
  burstEnter: number;
  burstMs: number;
  reorder: number;
  duplicate: number;
  corrupt: number;
  /** Extra one-way delay of this path, ms. */
  extraDelay: number;
}

export interface HostSpec {
  name: string;
  address: string;
  config: Partial<TcpConfig>;
}

interface PathState {
  spec: PathSpec;
  up: boolean;
  /** End of the current loss burst (time-based, so a quiet path does not stay in a burst forever). */
  badUntil: number;
}

export interface WorldOptions {
  seed: number;
  delayMs: number;
  rateMbps: number | undefined;
  mtu: number;
  hosts: HostSpec[];
  paths: Map<string, PathSpec>;
}

export function pathKey(a: string, b: string): string {
  return a < b ? `${a}~${b}` : `${b}~${a}`;
}

export class ChaosWorld {
  readonly pair: Pair;
  readonly rand: ChaosRandom;
  readonly #paths = new Map<string, PathState>();
  readonly #crashed = new Set<string>();
  readonly #specs = new Map<string, HostSpec>();
  readonly #mtu: number;
  /** Segments dropped because an endpoint was down or the path cut. */
  cutDrops = 0;
  /** Segments whose IP packet (20-byte IPv4 header) would exceed the MTU, e.g. "1292 B > MTU 1280 (sack)". */
  readonly oversize: string[] = [];
  #incarnation = 0;

  constructor(opts: WorldOptions) {
    this.rand = new ChaosRandom(opts.seed ^ 0x9e3779b9);
    this.#mtu = opts.mtu;
    for (const [k, spec] of opts.paths) this.#paths.set(k, { spec, up: true, badUntil: -Infinity });
    const [h0, h1, ...rest] = opts.hosts;
    if (h0 === undefined || h1 === undefined) throw new Error('a chaos world needs at least two hosts');
    this.pair = new Pair({
      seed: opts.seed,
      delayMs: opts.delayMs,
      ...(opts.rateMbps !== undefined ? { rateMbps: opts.rateMbps } : {}),
      mtu: opts.mtu,
      a: { address: h0.address, config: h0.config },
      b: { address: h1.address, config: h1.config },
      impair: (d, ctx) => this.#impair(d, ctx.from, ctx.to, ctx.now),
    });
    this.pair.nodes[0]!.name = h0.name;
    this.pair.nodes[1]!.name = h1.name;
    for (const h of rest) this.pair.addNode(h.name, h.address, h.config);
    for (const h of opts.hosts) this.#specs.set(h.address, h);
  }

  get now(): number {
    return this.pair.now;
  }

  node(address: string): PairNode {
    return this.pair.node(address);
  }

  isCrashed(address: string): boolean {
    return this.#crashed.has(address);
  }

  setPathUp(a: string, b: string, up: boolean): void {
    const p = this.#paths.get(pathKey(a, b));
    if (p !== undefined) p.up = up;
  }

  pathSpec(a: string, b: string): PathSpec | undefined {
    return this.#paths.get(pathKey(a, b))?.spec;
  }

  /** The host stops: nothing reaches it or leaves it, and its TCP state is lost. */
  crash(address: string): void {
    this.#crashed.add(address);
    const n = this.node(address);
    n.layer = this.#freshLayer(address);
  }

  /** The host comes back with an empty TCP layer (a reboot). */
  restart(address: string): TcpLayer {
    this.#crashed.delete(address);
    const n = this.node(address);
    n.layer = this.#freshLayer(address);
    return n.layer;
  }

  #freshLayer(address: string): TcpLayer {
    const mtu = this.#mtu;
    const spec = this.#specs.get(address);
    const rng = xorshift32(this.rand.u32() ^ ++this.#incarnation);
    return new TcpLayer({
      services: { sourceFor: () => address, isLocal: (a) => a === address, mtuFor: () => mtu },
      rng,
      config: spec?.config ?? {},
    });
  }

  #impair(d: TcpDatagram, from: PairNode, to: PairNode, now: number): Verdict {
    // RFC 9293 §3.7.1 / RFC 6691: header, options and data together fit the MTU.
    const size = 20 + tcpSegmentLength(d.seg);
    if (size > this.#mtu) {
      if (this.oversize.length < 5) this.oversize.push(`${from.name}: ${size} B > MTU ${this.#mtu} (options ${d.seg.options.map((o) => o.kind).join(',') || 'none'})`);
      // Delivered anyway, so the rest of the run is still judged; the runner reports it as a failure.
    }
    if (this.#crashed.has(from.address) || this.#crashed.has(to.address)) {
      this.cutDrops++;
      return 'drop';
    }
    const p = this.#paths.get(pathKey(from.address, to.address));
    if (p === undefined) return 'deliver';
    if (!p.up) {
      this.cutDrops++;
      return 'drop';
    }
    const s = p.spec;
    const r = this.rand;
    if (now < p.badUntil) return 'drop';
    if (r.chance(s.burstEnter)) {
      p.badUntil = now - s.burstMs * Math.log(1 - r.next());
      return 'drop';
    }
    if (r.chance(s.loss) || r.chance(s.corrupt)) return 'drop';
    if (r.chance(s.duplicate)) return 'duplicate';
    let delay = s.extraDelay;
    if (r.chance(s.reorder)) delay += r.next() * 40;
    void d;
    return delay > 0 ? { delay } : 'deliver';
  }
}
