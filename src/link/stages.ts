// The impairment stages of a memory link, one concept each. They read their settings from a
// shared, live ResolvedImpairments object, so link.set() takes effect on the next packet.
// Order used by memoryChannel (link/memory.ts):
//   gate → mtu → queue+rate → loss → corrupt → duplicate → delay(jitter, reorder) → arrival gate
// Loss sits after the queue: a packet lost "on the wire" has still used the bottleneck's time.

import { Fifo } from './fifo.js';
import { packetTooBigReply } from './too-big.js';
import { serialisationMs, type ResolvedImpairments } from './impairments.js';
import { markCe } from './ecn-mark.js';
import type { ChannelStats, LinkClock, LinkStage, PacketSink, RandomSource } from './types.js';

/** What a stage may use: live settings, shared counters, the clock, and a named random stream. */
export interface StageEnv {
  readonly cfg: ResolvedImpairments;
  readonly stats: ChannelStats;
  readonly clock: LinkClock;
  random(label: string): RandomSource;
  isUp(): boolean;
  /** Sends a packet back toward this direction's sender (the other direction of the link). */
  reply(packet: Uint8Array, now: number): void;
}

/** Drops everything while the link is down (at the sending end). */
export function gateStage(env: StageEnv): LinkStage {
  return (next) => ({
    push(packet, now) {
      env.stats.sent++;
      if (!env.isUp()) env.stats.dropped.down++;
      else next.push(packet, now);
    },
  });
}

/** Packets arriving at the far end while the link is down are lost (a cut cable loses what is in flight). */
export function arrivalGateStage(env: StageEnv): LinkStage {
  return (next) => ({
    push(packet, now) {
      if (!env.isUp()) {
        env.stats.dropped.down++;
        return;
      }
      env.stats.delivered++;
      env.stats.bytesDelivered += packet.length;
      next.push(packet, now);
    },
  });
}

/**
 * Drops packets larger than the link MTU (a link does not fragment). With `icmpTooBig` it answers
 * them as the router in front of a narrow link would (too-big.ts); otherwise they vanish.
 */
export function mtuStage(env: StageEnv): LinkStage {
  return (next) => ({
    push(packet, now) {
      if (packet.length <= env.cfg.mtu) {
        next.push(packet, now);
        return;
      }
      env.stats.dropped.mtu++;
      if (!env.cfg.icmpTooBig) return;
      const reply = packetTooBigReply(packet, env.cfg.mtu);
      if (reply !== undefined) env.reply(reply, now);
    },
  });
}

class QueueRate implements PacketSink {
  private readonly queue = new Fifo<Uint8Array>();
  private busyUntil = 0;

  constructor(
    private readonly env: StageEnv,
    private readonly next: PacketSink,
  ) {}

  push(packet: Uint8Array, now: number): void {
    const { cfg, stats } = this.env;
    if (cfg.rateMbps <= 0 && this.queue.length === 0) {
      this.next.push(packet, now);
      return;
    }
    if (this.queue.length >= cfg.queuePackets) {
      stats.dropped.queue++;
      return;
    }
    if (cfg.ecnThreshold !== undefined && this.queue.length >= cfg.ecnThreshold) {
      // RFC 3168 §5: above the threshold, mark an ECN-capable packet CE; drop one that is not.
      const marked = markCe(packet);
      if (marked === undefined) {
        stats.dropped.queue++;
        return;
      }
      if (marked !== packet) stats.ceMarked++;
      packet = marked;
    }
    const start = this.busyUntil > now ? this.busyUntil : now;
    this.busyUntil = start + serialisationMs(packet.length, cfg.rateMbps);
    this.queue.push(packet);
    if (this.queue.length > stats.maxQueue) stats.maxQueue = this.queue.length;
    this.env.clock.at(this.busyUntil, QueueRate.depart, this);
  }

  private static depart(self: QueueRate, now: number): void {
    const packet = self.queue.shift();
    if (packet) self.next.push(packet, now);
  }
}

/**
 * Drop-tail queue in front of a serialiser: a packet starts transmitting when the previous one has
 * finished and leaves bytes·8/rate later. A full queue drops the arriving packet.
 */
export function queueRateStage(env: StageEnv): LinkStage {
  return (next) => new QueueRate(env, next);
}

/** Bernoulli loss plus optional Gilbert–Elliott burst loss (see BurstLoss). */
export function lossStage(env: StageEnv): LinkStage {
  return (next) => {
    const rngLoss = env.random('loss');
    const rngBurst = env.random('burst');
    let bad = false;
    return {
      push(packet, now) {
        const { cfg } = env;
        let lost = cfg.loss > 0 && rngLoss.float() < cfg.loss;
        const ge = cfg.burstLoss;
        if (ge) {
          // Transition first, then draw the loss of the state the packet meets.
          bad = bad ? !(rngBurst.float() < ge.r) : rngBurst.float() < ge.p;
          const pl = bad ? ge.lossBad : ge.lossGood;
          if (pl > 0 && rngBurst.float() < pl) lost = true;
        }
        if (lost) env.stats.dropped.loss++;
        else next.push(packet, now);
      },
    };
  };
}

/** Flips one uniformly chosen bit of a copy of the packet. */
export function corruptStage(env: StageEnv): LinkStage {
  return (next) => {
    const rng = env.random('corrupt');
    return {
      push(packet, now) {
        const p = env.cfg.corrupt;
        if (p > 0 && packet.length > 0 && rng.float() < p) {
          const copy = packet.slice();
          const bit = Math.floor(rng.float() * packet.length * 8);
          copy[bit >>> 3]! ^= 0x80 >>> (bit & 7);
          env.stats.corrupted++;
          next.push(copy, now);
        } else {
          next.push(packet, now);
        }
      },
    };
  };
}

/** Sends a second copy of the packet right behind the first. */
export function duplicateStage(env: StageEnv): LinkStage {
  return (next) => {
    const rng = env.random('duplicate');
    return {
      push(packet, now) {
        const p = env.cfg.duplicate;
        next.push(packet, now);
        if (p > 0 && rng.float() < p) {
          env.stats.duplicated++;
          next.push(packet.slice(), now);
        }
      },
    };
  };
}

interface Held {
  self: Delay;
  packet: Uint8Array;
}

class Delay implements PacketSink {
  private readonly inOrder = new Fifo<Uint8Array>();
  private lastArrival = 0;
  private readonly rngJitter: RandomSource;
  private readonly rngReorder: RandomSource;

  constructor(
    private readonly env: StageEnv,
    readonly next: PacketSink,
  ) {
    this.rngJitter = env.random('jitter');
    this.rngReorder = env.random('reorder');
  }

  push(packet: Uint8Array, now: number): void {
    const { cfg } = this.env;
    let arrival = now + cfg.delayMs;
    if (cfg.jitterMs > 0) {
      arrival += (this.rngJitter.float() * 2 - 1) * cfg.jitterMs;
      if (arrival < now) arrival = now;
    }
    if (cfg.reorder > 0 && this.rngReorder.float() < cfg.reorder) {
      // Held back: not subject to the FIFO clamp, so later packets overtake it.
      this.env.stats.reordered++;
      const extra = cfg.reorderDelayMs ?? Math.max(1, cfg.delayMs);
      const held: Held = { self: this, packet };
      this.env.clock.at(arrival + extra, Delay.releaseHeld, held);
      return;
    }
    // Jitter never reorders: a packet cannot arrive before the one sent ahead of it.
    if (arrival < this.lastArrival) arrival = this.lastArrival;
    this.lastArrival = arrival;
    this.inOrder.push(packet);
    this.env.clock.at(arrival, Delay.release, this);
  }

  private static release(self: Delay, now: number): void {
    const packet = self.inOrder.shift();
    if (packet) self.next.push(packet, now);
  }

  private static releaseHeld(held: Held, now: number): void {
    held.self.next.push(held.packet, now);
  }
}

/** Propagation delay with uniform jitter (order kept) and probabilistic reordering (extra hold). */
export function delayStage(env: StageEnv): LinkStage {
  return (next) => new Delay(env, next);
}
