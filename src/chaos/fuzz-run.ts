// Runs segments against a fuzz target and checks, after every one: no exception, the connection's
// invariants (invariants.ts), bounded tables (memory), and sane output segments. Mutation mode
// emits each segment to bytes, damages them (bit flips, truncation, option soup) and feeds what
// still parses, as a stack that skipped the checksum would.

import type { TcpDatagram } from '../stack/types.js';
import { emitTcp, parseTcp } from '../wire/tcp.js';
import { tcpSegmentLength } from '../wire/tcp.js';
import { layerViolations } from './invariants.js';
import { makeTarget, FUZZ_STATES, type FuzzState, type FuzzTarget } from './fuzz-target.js';
import { randomSpec, specToDatagram, type SegmentSpec } from './fuzz-segment.js';
import { ChaosRandom } from './random.js';

export interface FuzzCounts {
  packets: number;
  mutated: number;
  /** Mutated byte strings the parser rejected (never an exception). */
  parseRejected: number;
  targets: number;
  byState: Record<string, number>;
  /** Segments our layer sent in answer. */
  replies: number;
  failures: string[];
}

export function emptyCounts(): FuzzCounts {
  return { packets: 0, mutated: 0, parseRejected: 0, targets: 0, byState: {}, replies: 0, failures: [] };
}

/** Checks what our layer sent: sizes and fields within their ranges. */
function outputViolation(t: FuzzTarget, out: TcpDatagram[]): string | undefined {
  for (const d of out) {
    const s = d.seg;
    const mss = t.conn?.sndMss ?? 1460;
    if (s.payload.length > Math.max(mss, 1460)) return `sent a ${s.payload.length}-byte segment (MSS ${mss})`;
    if (s.window < 0 || s.window > 0xffff) return `sent window ${s.window}`;
  }
  return undefined;
}

/** Feeds one datagram; returns a failure description or undefined. */
export function feed(t: FuzzTarget, d: TcpDatagram, advanceMs: number, counts: FuzzCounts): string | undefined {
  const layer = t.layer;
  try {
    t.now += advanceMs;
    layer.receive(d, t.now);
    let out = layer.poll(t.now);
    for (let i = 0; i < 8; i++) {
      const at = layer.pollAt();
      if (at === undefined || at > t.now) break;
      out = out.concat(layer.poll(t.now));
    }
    layer.pollEvents();
    counts.packets++;
    counts.replies += out.length;
    counts.byState[t.state] = (counts.byState[t.state] ?? 0) + 1;
    const o = outputViolation(t, out);
    if (o !== undefined) return o;
    const v = layerViolations(layer);
    if (v.length > 0) return v[0];
    const cfg = layer.config;
    if (layer.connectionCount > cfg.synBacklog + cfg.maxBacklog + 2) return `connection table grew to ${layer.connectionCount}`;
    return undefined;
  } catch (err) {
    return `exception: ${err instanceof Error ? (err.stack ?? err.message).split('\n').slice(0, 3).join(' | ') : String(err)}`;
  }
}

/** Bit flips, truncation, or random option bytes spliced into the header. */
export function mutateBytes(bytes: Uint8Array, r: ChaosRandom): Uint8Array {
  const b = bytes.slice();
  switch (r.int(0, 3)) {
    case 0: {
      for (let n = r.int(1, 8); n > 0; n--) {
        const i = r.int(0, b.length - 1);
        b[i]! ^= 1 << r.int(0, 7);
      }
      return b;
    }
    case 1:
      return b.subarray(0, r.int(0, b.length));
    case 2: {
      // Option soup: up to 40 random option bytes, with the data offset claiming them.
      const n = r.int(1, 10) * 4;
      const out = new Uint8Array(b.length + n);
      out.set(b.subarray(0, 20), 0);
      const soup = r.bytes(n);
      for (let i = 0; i < n; i++) if (r.chance(0.3)) soup[i] = r.pick([0, 1, 2, 3, 4, 5, 8, 255]);
      out.set(soup, 20);
      out.set(b.subarray(20), 20 + n);
      out[12] = (Math.min(15, 5 + n / 4) << 4) | (out[12]! & 0x0f);
      return out;
    }
    default: {
      // The data offset field itself, anywhere in 0..15.
      b[12] = (r.int(0, 15) << 4) | (b[12]! & 0x0f);
      return b;
    }
  }
}

export interface FuzzStateOptions {
  mutate?: boolean;
  /** Segments per target before a fresh one is built. Default 200. */
  perTarget?: number;
}

/** `packets` random segments against fresh targets in `state`. */
export function fuzzState(state: FuzzState, seed: number, packets: number, counts: FuzzCounts, opts: FuzzStateOptions = {}): void {
  const r = new ChaosRandom(seed);
  const perTarget = opts.perTarget ?? 200;
  let t: FuzzTarget | undefined;
  let left = 0;
  for (let i = 0; i < packets; i++) {
    if (t === undefined || left === 0) {
      t = makeTarget(state, r.u32());
      counts.targets++;
      left = perTarget;
    }
    left--;
    const spec = randomSpec(r);
    let d = specToDatagram(t, spec);
    if (opts.mutate === true) {
      const bytes = new Uint8Array(tcpSegmentLength(d.seg));
      emitTcp(d.seg, bytes, 0);
      const m = mutateBytes(bytes, r);
      counts.mutated++;
      const p = parseTcp(m, 0, m.length, r.chance(0.5) ? 'lenient' : 'strict');
      if (!p.ok) {
        counts.parseRejected++;
        continue;
      }
      d = { src: d.src, dst: d.dst, seg: p.value };
    }
    const f = feed(t, d, spec.advanceMs, counts);
    if (f !== undefined) {
      counts.failures.push(`${state} seed ${seed} packet ${i}: ${f} | spec ${JSON.stringify(spec, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length} B>` : v))}`);
      t = undefined;
    }
  }
}

/** Runs a list of specs (from fast-check) against one fresh target; returns the first failure. */
export function fuzzSpecs(state: FuzzState, seed: number, specs: readonly SegmentSpec[]): string | undefined {
  const counts = emptyCounts();
  const t = makeTarget(state, seed);
  for (const s of specs) {
    const f = feed(t, specToDatagram(t, s), s.advanceMs, counts);
    if (f !== undefined) return f;
  }
  return undefined;
}

export { FUZZ_STATES };
