// Link impairment settings: what a user passes to net.link(a, b, {...}) or link.set({...}).
// All fields are optional; an empty object is a perfect link (no delay, infinite rate, no loss).

import { invalidArgValue } from '../wire/arg-errors.js';

/**
 * Gilbert–Elliott two-state burst loss (Gilbert 1960, Elliott 1963). Per packet the channel moves
 * Good→Bad with probability `p` and Bad→Good with probability `r`, then drops the packet with
 * probability `lossGood` or `lossBad` of the state it is in. Stationary P(Bad) = p / (p + r), so the
 * mean loss is (r·lossGood + p·lossBad) / (p + r); the mean burst (Bad sojourn) is 1/r packets.
 */
export interface BurstLoss {
  p: number;
  r: number;
  /** Loss probability in the Good state (default 0). */
  lossGood?: number;
  /** Loss probability in the Bad state (default 1). */
  lossBad?: number;
}

export interface Impairments {
  /** One-way propagation delay, ms (default 0). */
  delayMs?: number;
  /** Uniform jitter: each packet's delay is delayMs ± jitterMs (clamped at 0). FIFO order is kept. */
  jitterMs?: number;
  /** Serialisation rate in Mbit/s: a packet of B bytes occupies the link for B·8/rate µs. 0 = infinite (default). */
  rateMbps?: number;
  /** Drop-tail transmit queue limit in packets, counting the one being serialised (default 1000). Only matters with a rate. */
  queuePackets?: number;
  /**
   * RFC 3168 §5 step marking: a packet arriving while the queue holds at least this many packets
   * is marked CE if it is ECN-capable (ECT(0)/ECT(1)) and dropped if it is not, as an AQM would.
   * Default undefined: no marking, drop-tail at queuePackets only. Only matters with a rate.
   */
  ecnThreshold?: number;
  /** Independent (Bernoulli) loss probability per packet. */
  loss?: number;
  /** Gilbert–Elliott burst loss, applied in addition to `loss`. */
  burstLoss?: BurstLoss;
  /** Probability that a packet is held back by reorderDelayMs, letting later packets overtake it. */
  reorder?: number;
  /** Extra delay of a reordered packet, ms (default max(1, delayMs)). */
  reorderDelayMs?: number;
  /** Probability that a packet is delivered twice. */
  duplicate?: number;
  /** Probability that one uniformly chosen bit of a packet is flipped. */
  corrupt?: number;
  /** Largest packet (IP bytes) the link carries; bigger ones are dropped. Default: no limit. */
  mtu?: number;
  /**
   * Packets over `mtu` are answered, as a router would, with ICMP "fragmentation needed" (IPv4
   * with DF set, RFC 1191) or ICMPv6 "packet too big" (RFC 8201) back to the sender, carrying the
   * MTU. Default false: they vanish silently (a PMTU black hole, RFC 2923 §2.1).
   */
  icmpTooBig?: boolean;
}

/** Every setting filled in; what the stages read on each packet. */
export interface ResolvedImpairments {
  delayMs: number;
  jitterMs: number;
  rateMbps: number;
  queuePackets: number;
  ecnThreshold: number | undefined;
  loss: number;
  burstLoss: Required<BurstLoss> | undefined;
  reorder: number;
  reorderDelayMs: number | undefined;
  duplicate: number;
  corrupt: number;
  mtu: number;
  icmpTooBig: boolean;
}

export function defaultImpairments(): ResolvedImpairments {
  return {
    delayMs: 0,
    jitterMs: 0,
    rateMbps: 0,
    queuePackets: 1000,
    ecnThreshold: undefined,
    loss: 0,
    burstLoss: undefined,
    reorder: 0,
    reorderDelayMs: undefined,
    duplicate: 0,
    corrupt: 0,
    mtu: Infinity,
    icmpTooBig: false,
  };
}

function probability(name: string, v: number): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw invalidArgValue(`link option ${name} must be a probability in [0, 1], got ${String(v)}`, RangeError);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (typeof v !== 'number' || !(v >= 0)) throw invalidArgValue(`link option ${name} must be a number >= 0, got ${String(v)}`, RangeError);
  return v;
}

/** Apply `change` on top of `base` (in place), validating every field it sets. */
export function applyImpairments(base: ResolvedImpairments, change: Impairments): ResolvedImpairments {
  if (change.delayMs !== undefined) base.delayMs = nonNegative('delayMs', change.delayMs);
  if (change.jitterMs !== undefined) base.jitterMs = nonNegative('jitterMs', change.jitterMs);
  if (change.rateMbps !== undefined) base.rateMbps = nonNegative('rateMbps', change.rateMbps);
  if (change.queuePackets !== undefined) {
    const q = nonNegative('queuePackets', change.queuePackets);
    if (!Number.isInteger(q) || q < 1) throw invalidArgValue(`link option queuePackets must be an integer >= 1, got ${q}`, RangeError);
    base.queuePackets = q;
  }
  if (change.ecnThreshold !== undefined) {
    const k = nonNegative('ecnThreshold', change.ecnThreshold);
    if (!Number.isInteger(k) || k < 1) throw invalidArgValue(`link option ecnThreshold must be an integer >= 1, got ${k}`, RangeError);
    base.ecnThreshold = k;
  }
  if (change.loss !== undefined) base.loss = probability('loss', change.loss);
  if (change.burstLoss !== undefined) {
    const b = change.burstLoss;
    base.burstLoss = {
      p: probability('burstLoss.p', b.p),
      r: probability('burstLoss.r', b.r),
      lossGood: probability('burstLoss.lossGood', b.lossGood ?? 0),
      lossBad: probability('burstLoss.lossBad', b.lossBad ?? 1),
    };
  }
  if (change.reorder !== undefined) base.reorder = probability('reorder', change.reorder);
  if (change.reorderDelayMs !== undefined) base.reorderDelayMs = nonNegative('reorderDelayMs', change.reorderDelayMs);
  if (change.duplicate !== undefined) base.duplicate = probability('duplicate', change.duplicate);
  if (change.corrupt !== undefined) base.corrupt = probability('corrupt', change.corrupt);
  if (change.mtu !== undefined) {
    const m = nonNegative('mtu', change.mtu);
    base.mtu = m === 0 ? Infinity : m;
  }
  if (change.icmpTooBig !== undefined) {
    if (typeof change.icmpTooBig !== 'boolean') throw invalidArgValue(`link option icmpTooBig must be a boolean, got ${String(change.icmpTooBig)}`);
    base.icmpTooBig = change.icmpTooBig;
  }
  return base;
}

/** Stationary mean loss of a Gilbert–Elliott channel. */
export function burstLossMean(b: BurstLoss): number {
  const lg = b.lossGood ?? 0;
  const lb = b.lossBad ?? 1;
  if (b.p + b.r === 0) return lg; // never leaves Good
  return (b.r * lg + b.p * lb) / (b.p + b.r);
}

/** Serialisation time (ms) of `bytes` at `rateMbps` (0 = infinite). */
export function serialisationMs(bytes: number, rateMbps: number): number {
  return rateMbps > 0 ? (bytes * 8) / (rateMbps * 1000) : 0;
}
