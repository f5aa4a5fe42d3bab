// Structure-aware TCP segments for fuzzing, described relative to the target connection's real
// state (RFC 9293 §3.3.1 variables): a sequence number near RCV.NXT or the window edge, an ACK near
// SND.UNA/SND.NXT/SND.MAX, any of the 9 flag bits, option soup and a payload. A SegmentSpec is
// plain data, so fast-check can generate and shrink it and a script can draw millions cheaply.

import type { TcpDatagram } from '../stack/types.js';
import type { TcpOption, TcpRepr } from '../wire/tcp-types.js';
import { seqAdd } from '../tcp/seq.js';
import { PEER_ADDRESS, US, type FuzzTarget } from './fuzz-target.js';
import type { ChaosRandom } from './random.js';

export type SeqBase = 'rcvNxt' | 'rcvEdge' | 'irs' | 'abs';
export type AckBase = 'sndUna' | 'sndNxt' | 'sndMax' | 'iss' | 'abs';

export interface SegmentSpec {
  seqBase: SeqBase;
  seqDelta: number;
  ackBase: AckBase;
  ackDelta: number;
  /** 9 flag bits (RFC 9293 §3.1 plus ECE/CWR and AE). */
  flags: number;
  window: number;
  urgent: number;
  options: TcpOption[];
  payloadLen: number;
  /** Use another peer port than the connection's (a stray 4-tuple). */
  strayPort: boolean;
  /** Virtual time that passes before the segment arrives, ms. */
  advanceMs: number;
}

/** Deltas that probe the edges of the windows. */
export const EDGE_DELTAS = [0, 1, -1, 2, -2, 536, -536, 1460, -1460, 65535, -65535, 65536, 0x7fffffff, -0x80000000, 0x80000000] as const;

function base(t: FuzzTarget, b: SeqBase | AckBase): number {
  const c = t.conn;
  if (c === undefined) return 0;
  switch (b) {
    case 'rcvNxt':
      return c.rcvNxt;
    case 'rcvEdge':
      return c.rcvAdvEdge;
    case 'irs':
      return c.irs;
    case 'sndUna':
      return c.sndUna;
    case 'sndNxt':
      return c.sndNxt;
    case 'sndMax':
      return c.sndMax;
    case 'iss':
      return c.iss;
    case 'abs':
      return 0;
  }
}

const FILL = new Uint8Array(4096).map((_, i) => (i * 131) & 0xff);

/** The datagram a spec stands for, against the target as it is now. */
export function specToDatagram(t: FuzzTarget, s: SegmentSpec): TcpDatagram {
  const seg: TcpRepr = {
    srcPort: s.strayPort ? ((t.peerPort + 1) & 0xffff) || 1 : t.peerPort,
    dstPort: US.port,
    seq: seqAdd(base(t, s.seqBase), s.seqDelta),
    ack: seqAdd(base(t, s.ackBase), s.ackDelta),
    flags: s.flags & 0x1ff,
    window: s.window & 0xffff,
    urgent: s.urgent & 0xffff,
    options: s.options,
    payload: FILL.subarray(0, Math.min(s.payloadLen, FILL.length)),
  };
  return { src: PEER_ADDRESS, dst: US.address, seg };
}

function randomOption(r: ChaosRandom): TcpOption {
  switch (r.int(0, 7)) {
    case 0:
      return { kind: 'nop' };
    case 1:
      return { kind: 'mss', mss: r.pick([0, 1, 64, 536, 1460, 65535, r.int(0, 65535)]) };
    case 2:
      return { kind: 'wscale', shift: r.int(0, 255) };
    case 3:
      return { kind: 'sackPermitted' };
    case 4:
      return { kind: 'sack', blocks: [[r.u32(), r.u32()]] };
    case 5:
      return { kind: 'timestamp', val: r.u32(), ecr: r.u32() };
    case 6:
      return { kind: 'eol' };
    default:
      return { kind: 'unknown', code: r.int(9, 254), data: r.bytes(r.int(0, 6)) };
  }
}

/** A random spec (the script's generator; the test uses fast-check arbitraries of the same shape). */
export function randomSpec(r: ChaosRandom): SegmentSpec {
  const delta = (): number => (r.chance(0.6) ? r.pick(EDGE_DELTAS) + r.int(-2, 2) : r.u32() | 0);
  const nOpts = r.chance(0.7) ? 0 : r.int(1, 4);
  const options: TcpOption[] = [];
  for (let i = 0; i < nOpts; i++) options.push(randomOption(r));
  return {
    seqBase: r.pick(['rcvNxt', 'rcvNxt', 'rcvEdge', 'irs', 'abs'] as const),
    seqDelta: delta(),
    ackBase: r.pick(['sndUna', 'sndNxt', 'sndMax', 'iss', 'abs'] as const),
    ackDelta: delta(),
    flags: r.chance(0.5) ? r.pick([0x10, 0x11, 0x14, 0x04, 0x02, 0x12, 0x18, 0x01, 0x30]) : r.int(0, 0x1ff),
    window: r.chance(0.3) ? 0 : r.int(0, 65535),
    urgent: r.chance(0.8) ? 0 : r.int(0, 65535),
    options,
    payloadLen: r.chance(0.5) ? 0 : r.int(1, r.chance(0.9) ? 1460 : 4096),
    strayPort: r.chance(0.05),
    advanceMs: r.chance(0.8) ? 0 : r.pick([1, 40, 200, 1000, 60_000]),
  };
}
