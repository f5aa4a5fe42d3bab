// The in-memory link: two independent directions, each a chain of impairment stages with its own
// queue, counters and random streams. Settings can change mid-run (set), and the link can be cut
// and restored (down/up).

import { applyImpairments, defaultImpairments, type Impairments, type ResolvedImpairments } from './impairments.js';
import {
  arrivalGateStage,
  corruptStage,
  delayStage,
  duplicateStage,
  gateStage,
  lossStage,
  mtuStage,
  queueRateStage,
  type StageEnv,
} from './stages.js';
import { chain, emptyStats, type ChannelStats, type LinkClock, type LinkStage, type PacketSink, type RandomSource } from './types.js';

export interface ChannelOptions {
  clock: LinkClock;
  /** Random stream factory for this direction; each stage asks for its own label. */
  random: (label: string) => RandomSource;
  /** Extra stages in front of the impairments (seen as sent) and behind them (seen as received). */
  before?: readonly LinkStage[];
  after?: readonly LinkStage[];
}

/** One direction of a memory link. */
export class MemoryChannel implements PacketSink {
  readonly cfg: ResolvedImpairments;
  readonly stats: ChannelStats = emptyStats();
  up = true;
  /** The other direction of the link (where replies such as ICMP packet-too-big go). */
  reverse: PacketSink | undefined = undefined;
  private readonly entry: PacketSink;

  constructor(impairments: Impairments, sink: PacketSink, opts: ChannelOptions) {
    this.cfg = applyImpairments(defaultImpairments(), impairments);
    const env: StageEnv = {
      cfg: this.cfg,
      stats: this.stats,
      clock: opts.clock,
      random: opts.random,
      isUp: () => this.up,
      reply: (p, now) => this.reverse?.push(p, now),
    };
    this.entry = chain(
      [
        ...(opts.before ?? []),
        gateStage(env),
        mtuStage(env),
        queueRateStage(env),
        lossStage(env),
        corruptStage(env),
        duplicateStage(env),
        delayStage(env),
        arrivalGateStage(env),
        ...(opts.after ?? []),
      ],
      sink,
    );
  }

  push(packet: Uint8Array, now: number): void {
    this.entry.push(packet, now);
  }

  set(change: Impairments): void {
    applyImpairments(this.cfg, change);
  }
}

/** Impairments for both directions, with optional per-direction overrides. */
export interface LinkOptions extends Impairments {
  /** Overrides for the a→b direction only. */
  ab?: Impairments;
  /** Overrides for the b→a direction only. */
  ba?: Impairments;
}

function split(opts: LinkOptions): [Impairments, Impairments] {
  const { ab, ba, ...common } = opts;
  return [{ ...common, ...ab }, { ...common, ...ba }];
}

/** A bidirectional memory link between two ends, `a` and `b`. */
export class MemoryLink {
  readonly ab: MemoryChannel;
  readonly ba: MemoryChannel;

  constructor(
    opts: LinkOptions,
    toB: PacketSink,
    toA: PacketSink,
    env: { clock: LinkClock; random: (label: string) => RandomSource; before?: readonly LinkStage[]; after?: readonly LinkStage[] },
  ) {
    const [ab, ba] = split(opts);
    const common = { clock: env.clock, ...(env.before ? { before: env.before } : {}), ...(env.after ? { after: env.after } : {}) };
    this.ab = new MemoryChannel(ab, toB, { ...common, random: (l) => env.random('ab:' + l) });
    this.ba = new MemoryChannel(ba, toA, { ...common, random: (l) => env.random('ba:' + l) });
    this.ab.reverse = this.ba;
    this.ba.reverse = this.ab;
  }

  /** Change settings from now on (both directions; `ab`/`ba` for one). */
  set(change: LinkOptions): this {
    const [ab, ba] = split(change);
    // Validate both before touching either, so a bad value changes nothing.
    applyImpairments(defaultImpairments(), ab);
    applyImpairments(defaultImpairments(), ba);
    this.ab.set(ab);
    this.ba.set(ba);
    return this;
  }

  /** Cut the link: packets sent, and packets in flight that would arrive, while it is down are lost. */
  down(): this {
    this.ab.up = false;
    this.ba.up = false;
    return this;
  }

  up(): this {
    this.ab.up = true;
    this.ba.up = true;
    return this;
  }

  get isUp(): boolean {
    return this.ab.up && this.ba.up;
  }
}
