// Test harness: two (or more) TcpLayers joined by an in-memory pipe on a virtual clock, in the
// style of quinn-proto's Pair/drive(). Every segment goes through an optional impairment hook and
// seeded random loss/duplication/reordering/corruption, then arrives after a fixed delay (plus
// serialization time when a rate is set). drive() runs until nothing is pending, jumping the clock
// to the next deadline, and records a trace of every segment for ladder diagrams.
// Needs nothing outside src/tcp and src/stack/types (the layers exchange TcpRepr values, no bytes).

import type { TcpDatagram, TcpServices } from '../stack/types.js';
import type { TcpConfig } from './config.js';
import type { TcpEvent } from './events.js';
import { DeadlineHeap } from './heap.js';
import { TcpLayer } from './layer.js';
import { xorshift32 } from '../stack/xorshift32.js';

export interface PairNode {
  name: string;
  address: string;
  layer: TcpLayer;
  /** Every event the layer emitted, in order (tests may clear it). */
  events: TcpEvent[];
}

/** What happens to one segment: delivered, dropped, duplicated, or delayed by extra ms (reordering). */
export type Verdict = 'deliver' | 'drop' | 'duplicate' | { delay: number };

export interface ImpairContext {
  from: PairNode;
  to: PairNode;
  now: number;
  /** Deterministic uniform [0, 1) from the pair's seed. */
  random: () => number;
  /** Index of this segment among all segments sent through the pair. */
  index: number;
}

/** Returns a verdict, or undefined to let the random impairments decide. */
export type Impairment = (d: TcpDatagram, ctx: ImpairContext) => Verdict | undefined;

export interface TraceEntry {
  /** Time the segment was sent. */
  t: number;
  from: string;
  to: string;
  dgram: TcpDatagram;
  fate: 'delivered' | 'dropped' | 'corrupted' | 'duplicated' | 'reordered';
  /** Arrival time (undefined when dropped). */
  arrives: number | undefined;
}

export interface PairNodeOptions {
  address?: string;
  config?: Partial<TcpConfig>;
}

export interface PairOptions {
  seed?: number;
  /** One-way delay in ms. Default 10. */
  delayMs?: number;
  /** Link rate in Mbit/s (serialization delay, FIFO per direction). Default: unlimited. */
  rateMbps?: number;
  /** MTU reported to TCP (mtuFor). Default 1500. */
  mtu?: number;
  /** Probabilities in [0, 1] of the random impairments. */
  loss?: number;
  duplicate?: number;
  reorder?: number;
  /** Extra delay of a reordered segment, ms. Default 3 × delayMs. */
  reorderDelayMs?: number;
  /** A corrupted segment fails its checksum and is dropped by the receiving stack. */
  corrupt?: number;
  impair?: Impairment;
  /** Config for every node (per-node config is applied on top). */
  config?: Partial<TcpConfig>;
  a?: PairNodeOptions;
  b?: PairNodeOptions;
  /** Record every segment in `trace`. Default true. */
  trace?: boolean;
}

export interface DriveOptions {
  /** Stop when the clock would pass this time (the clock is left at it). */
  until?: number;
  /** Stop as soon as this returns true (checked after every step). */
  stopWhen?: () => boolean;
  /** Livelock guard. Default 5,000,000 steps. */
  maxSteps?: number;
}


interface InFlight {
  to: PairNode;
  dgram: TcpDatagram;
}

export type EventHandler = (ev: TcpEvent, node: PairNode, pair: Pair) => void;

export class Pair {
  now = 0;
  readonly nodes: PairNode[] = [];
  readonly trace: TraceEntry[] = [];
  readonly opts: PairOptions;
  #rng: () => number;
  #flight = new DeadlineHeap<InFlight>();
  /** Per-direction time at which the link is free again (rate limiting). */
  #linkFree = new Map<string, number>();
  #sent = 0;
  #handlers: EventHandler[] = [];

  constructor(opts: PairOptions = {}) {
    this.opts = opts;
    this.#rng = xorshift32(opts.seed ?? 1, 0x9e3779b9);
    this.addNode('a', opts.a?.address ?? '10.0.0.1', opts.a?.config);
    this.addNode('b', opts.b?.address ?? '10.0.0.2', opts.b?.config);
  }

  get a(): TcpLayer {
    return this.nodes[0]!.layer;
  }

  get b(): TcpLayer {
    return this.nodes[1]!.layer;
  }

  /** Uniform [0, 1) from the pair's seeded generator. */
  random(): number {
    return this.#rng() / 0x1_0000_0000;
  }

  addNode(name: string, address: string, config?: Partial<TcpConfig>): PairNode {
    const mtu = this.opts.mtu ?? 1500;
    const own = address;
    const services: TcpServices = {
      sourceFor: () => own,
      isLocal: (a) => a === own,
      mtuFor: () => mtu,
    };
    const seed = this.#rng();
    const layer = new TcpLayer({ services, rng: xorshift32(seed, 0x9e3779b9), config: { ...this.opts.config, ...config } });
    const node: PairNode = { name, address, layer, events: [] };
    this.nodes.push(node);
    return node;
  }

  node(nameOrAddress: string): PairNode {
    const n = this.nodes.find((x) => x.name === nameOrAddress || x.address === nameOrAddress);
    if (n === undefined) throw new Error(`no node ${nameOrAddress}`);
    return n;
  }

  /** Calls `handler` for every event any node emits from now on (application logic in tests). */
  on(handler: EventHandler): void {
    this.#handlers.push(handler);
  }

  /** Segments in flight. */
  get inFlight(): number {
    return this.#flight.size;
  }

  /**
   * Runs the nodes until nothing is pending (or a stop condition), jumping the virtual clock from
   * deadline to deadline. Returns the number of steps taken.
   */
  drive(o: DriveOptions | number = {}): number {
    const opts: DriveOptions = typeof o === 'number' ? { until: o } : o;
    const maxSteps = opts.maxSteps ?? 5_000_000;
    let steps = 0;
    for (;;) {
      if (++steps > maxSteps) throw new Error(`Pair.drive: no quiescence after ${maxSteps} steps at t=${this.now}`);
      this.#deliverDue();
      for (const n of this.nodes) {
        const out = n.layer.poll(this.now);
        this.#dispatch(n);
        for (const d of out) this.#send(n, d);
      }
      if (opts.stopWhen?.() === true) return steps;
      let next = this.#flight.peekAt();
      for (const n of this.nodes) {
        const t = n.layer.pollAt();
        if (t !== undefined && (next === undefined || t < next)) next = t;
      }
      if (next === undefined) return steps;
      if (opts.until !== undefined && next > opts.until) {
        this.now = Math.max(this.now, opts.until);
        return steps;
      }
      this.now = Math.max(this.now, next);
    }
  }

  /** Advances the clock to `t` (running everything due on the way). */
  advanceTo(t: number): void {
    this.drive({ until: t });
    this.now = Math.max(this.now, t);
  }

  #dispatch(n: PairNode): void {
    const evs = n.layer.pollEvents();
    for (const ev of evs) {
      n.events.push(ev);
      for (const h of this.#handlers) h(ev, n, this);
    }
  }

  #deliverDue(): void {
    for (;;) {
      const at = this.#flight.peekAt();
      if (at === undefined || at > this.now) return;
      const { item } = this.#flight.pop()!;
      item.to.layer.receive(item.dgram, this.now);
      this.#dispatch(item.to);
    }
  }

  #send(from: PairNode, sent: TcpDatagram): void {
    // Segments from poll() may view the sender's buffer (valid until its next send()): a segment
    // held in flight keeps its own copy.
    const d: TcpDatagram = sent.seg.payload.length === 0 ? sent : { ...sent, seg: { ...sent.seg, payload: sent.seg.payload.slice() } };
    const to = this.nodes.find((n) => n.address === d.dst);
    const index = this.#sent++;
    const o = this.opts;
    const delay = o.delayMs ?? 10;
    let arrives = this.now + delay;
    if (o.rateMbps !== undefined && o.rateMbps > 0) {
      const key = `${from.address}>${d.dst}`;
      const bytes = 40 + d.seg.payload.length;
      const start = Math.max(this.now, this.#linkFree.get(key) ?? 0);
      const done = start + (bytes * 8) / (o.rateMbps * 1000);
      this.#linkFree.set(key, done);
      arrives = done + delay;
    }
    let verdict: Verdict | undefined;
    if (to !== undefined && o.impair !== undefined) verdict = o.impair(d, { from, to, now: this.now, random: () => this.random(), index });
    let fate: TraceEntry['fate'] = 'delivered';
    if (verdict === undefined) {
      if (o.loss !== undefined && this.random() < o.loss) fate = 'dropped';
      else if (o.corrupt !== undefined && this.random() < o.corrupt) fate = 'corrupted';
      else if (o.duplicate !== undefined && this.random() < o.duplicate) fate = 'duplicated';
      else if (o.reorder !== undefined && this.random() < o.reorder) fate = 'reordered';
    } else if (verdict === 'drop') fate = 'dropped';
    else if (verdict === 'duplicate') fate = 'duplicated';
    else if (typeof verdict === 'object') {
      fate = 'reordered';
      arrives += verdict.delay;
    }
    if (fate === 'reordered' && verdict === undefined) arrives += o.reorderDelayMs ?? 3 * delay;
    const lost = fate === 'dropped' || fate === 'corrupted' || to === undefined;
    if (this.opts.trace !== false) {
      this.trace.push({ t: this.now, from: from.name, to: to?.name ?? d.dst, dgram: d, fate: to === undefined ? 'dropped' : fate, arrives: lost ? undefined : arrives });
    }
    if (lost || to === undefined) return;
    // Equal arrival times keep send order (the heap is FIFO for ties).
    this.#flight.push(arrives, { to, dgram: d });
    if (fate === 'duplicated') this.#flight.push(arrives, { to, dgram: d });
  }
}
