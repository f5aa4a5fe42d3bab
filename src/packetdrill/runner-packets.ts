// Packets between the script (the remote peer) and the layer under test. As in packetdrill, the
// script talks to one "socket under test" at a time: listen() makes the listener it, an inbound
// segment to a listener makes a new passive connection it (from a fresh remote port), connect()
// makes the new active connection it. Inbound lines become TcpDatagrams with script sequence
// numbers mapped to live ones; outbound packets of the socket under test are mapped back to
// script space and compared with the expected line. Packets of other connections are ignored.

import type { Endpoint, TcpDatagram, TcpIcmpError } from '../stack/types.js';
import type { TcpOption, TcpRepr } from '../wire/tcp-types.js';
import type { IcmpPacketSpec, TcpOptionSpec, TcpPacketSpec } from './ast.js';
import { matchTcpSegment, type MatchResult, type OptionMatchConfig } from './match.js';
import { SeqMapper, TsMapper } from './seq-map.js';
import type { SentPacket, VirtualHost } from './runner-host.js';

export class SocketUnderTest {
  readonly seq = new SeqMapper();
  readonly ts = new TsMapper();
  constructor(
    public kind: 'listening' | 'passive' | 'active',
    /** Local port (the listener's, or the connection's). */
    public localPort: number,
    /** Remote (script) port; undefined for a listener. */
    public remotePort: number | undefined,
  ) {}

  /** Whether a packet the layer sent belongs to this socket. */
  owns(d: TcpDatagram, host: VirtualHost): boolean {
    return this.kind !== 'listening' && d.dst === host.remote && d.seg.srcPort === this.localPort && d.seg.dstPort === this.remotePort;
  }
}

export type Built<T> = { ok: true; value: T } | { ok: false; message: string };

function hex(s: string): Uint8Array | undefined {
  const h = s.startsWith('0x') ? s.slice(2) : s;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) return undefined;
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Script options of an inbound segment as wire options, numbers mapped to live ones. */
function inboundOptions(opts: TcpOptionSpec[], sack: Array<[number, number]>, ecr: (o: { ecr: number; ecrAbsolute?: boolean }) => number): Built<TcpOption[]> {
  const out: TcpOption[] = [];
  let sackIndex = 0;
  for (const o of opts) {
    switch (o.kind) {
      case 'nop':
      case 'eol':
        out.push({ kind: o.kind });
        break;
      case 'mss':
        out.push({ kind: 'mss', mss: o.mss });
        break;
      case 'wscale':
        out.push({ kind: 'wscale', shift: o.shift });
        break;
      case 'sackOK':
        out.push({ kind: 'sackPermitted' });
        break;
      case 'sack': {
        const blocks = sack.slice(sackIndex, sackIndex + o.blocks.length);
        sackIndex += o.blocks.length;
        out.push({ kind: 'sack', blocks });
        break;
      }
      case 'timestamp':
        out.push({ kind: 'timestamp', val: o.val === 'any' ? 0 : o.val >>> 0, ecr: ecr(o) });
        break;
      case 'md5': {
        const d = o.digest === 'valid' ? new Uint8Array(16) : hex(o.digest);
        if (d === undefined) return { ok: false, message: 'unreadable md5 digest' };
        out.push({ kind: 'unknown', code: 19, data: d });
        break;
      }
      case 'fastOpen': {
        const c = hex(o.cookie);
        if (c === undefined) return { ok: false, message: 'unreadable Fast Open cookie' };
        if (o.experimental) out.push({ kind: 'unknown', code: 254, data: new Uint8Array([0xf9, 0x89, ...c]) });
        else out.push({ kind: 'unknown', code: 34, data: c });
        break;
      }
      case 'generic': {
        const d = hex(o.data);
        if (d === undefined) return { ok: false, message: `unreadable data of option ${o.code}` };
        const data = o.exid !== undefined ? new Uint8Array([o.exid >> 8, o.exid & 0xff, ...d]) : d;
        out.push({ kind: 'unknown', code: o.code, data });
        break;
      }
      case 'accEcn':
        return { ok: false, message: 'AccECN options are not supported' };
      case 'raw':
        return { ok: false, message: 'raw option bytes are not supported' };
    }
  }
  return { ok: true, value: out };
}

/** The live datagram for an inbound script segment. */
export function inboundSegment(spec: TcpPacketSpec, sut: SocketUnderTest, host: VirtualHost): Built<TcpDatagram> {
  if (spec.seq.kind !== 'range') return { ok: false, message: 'an inbound segment needs a sequence number' };
  const syn = (spec.flags.bits & 0x02) !== 0;
  const hasAck = (spec.flags.bits & 0x10) !== 0;
  const sackBlocks = spec.options === 'any' ? [] : spec.options.flatMap((o) => (o.kind === 'sack' ? o.blocks : []));
  const live = sut.seq.inboundToLive({ seq: spec.seq.start, ack: spec.ack ?? 0, sack: sackBlocks, syn, absoluteSeq: spec.seq.absolute });
  const ecr = (o: { ecr: number; ecrAbsolute?: boolean }): number => {
    if (o.ecrAbsolute === true || !hasAck) return o.ecr >>> 0;
    return sut.ts.inboundEcrToLive(o.ecr, true) ?? o.ecr >>> 0;
  };
  const options = spec.options === 'any' ? { ok: true as const, value: [] } : inboundOptions(spec.options, live.sack, ecr);
  if (!options.ok) return options;
  const seg: TcpRepr = {
    srcPort: spec.srcPort ?? sut.remotePort ?? 0,
    dstPort: spec.dstPort ?? sut.localPort,
    seq: live.seq,
    ack: hasAck ? live.ack : (spec.ack ?? 0) >>> 0,
    flags: spec.flags.bits,
    window: spec.win ?? 0,
    urgent: spec.urg ?? 0,
    options: options.value,
    payload: new Uint8Array(spec.seq.len),
  };
  const d: TcpDatagram = { src: host.remote, dst: host.local, seg };
  const ecn = spec.ip?.ecn;
  if (ecn !== undefined) d.ecn = ecn === 'ect0' ? 2 : ecn === 'ect1' ? 1 : ecn === 'ce' || ecn === 'ect01' ? 3 : 0;
  return { ok: true, value: d };
}

const V4_UNREACH: Record<string, number> = {
  net_unreachable: 0,
  host_unreachable: 1,
  protocol_unreachable: 2,
  port_unreachable: 3,
  frag_needed: 4,
  source_route_failed: 5,
  net_unknown: 6,
  host_unknown: 7,
  source_host_isolated: 8,
  net_prohibited: 9,
  host_prohibited: 10,
  net_unreachable_for_tos: 11,
  host_unreachable_for_tos: 12,
  packet_filtered: 13,
  precedence_violation: 14,
  precedence_cutoff: 15,
};

const V6_UNREACH: Record<string, number> = {
  no_route: 0,
  admin_prohibited: 1,
  beyond_scope: 2,
  not_neighbour: 2,
  address_unreachable: 3,
  port_unreachable: 4,
};

/** Parameter problem codes (RFC 792 code 0 "pointer indicates the error"; RFC 4443 §3.4 codes 0–2). */
const PARAM_PROBLEM: Record<string, number> = {
  header_field: 0,
  erroneous_header: 0,
  pointer_indicates_error: 0,
  unknown_next_header: 1,
  unrecognized_next_header: 1,
  unknown_option: 2,
  unrecognized_option: 2,
};

/** An inbound ICMP error quoting a segment of the socket under test, as the stack would hand it to TCP. */
export function inboundIcmp(spec: IcmpPacketSpec, sut: SocketUnderTest, host: VirtualHost): Built<TcpIcmpError> {
  const echoed = spec.echoed;
  if (echoed === undefined || echoed.kind !== 'tcp' || echoed.seq.kind !== 'range') return { ok: false, message: 'only ICMP errors quoting a TCP segment are supported' };
  const family = host.v6 ? 6 : 4;
  const local: Endpoint = { address: host.local, port: sut.localPort };
  const remote: Endpoint = { address: host.remote, port: sut.remotePort ?? 0 };
  const seq = echoed.seq.absolute ? echoed.seq.start >>> 0 : sut.seq.icmpQuotedSeqToLive(echoed.seq.start);
  const base = { family, local, remote, seq } as const;
  const code = spec.code ?? '';
  const numbered = /^code_(\d+)$/.exec(code);
  if (spec.type === 'unreachable' || spec.type === 'destination_unreachable') {
    const table = family === 4 ? V4_UNREACH : V6_UNREACH;
    const n = numbered !== null ? Number(numbered[1]) : table[code];
    if (n === undefined) return { ok: false, message: `unsupported ICMP code ${code}` };
    if (family === 4 && n === 4) {
      const e: TcpIcmpError = { kind: 'packet-too-big', code: 4, ...base };
      if (spec.mtu !== undefined) e.mtu = spec.mtu;
      return { ok: true, value: e };
    }
    return { ok: true, value: { kind: 'unreachable', code: n, ...base } };
  }
  if (spec.type === 'packet_too_big') {
    const e: TcpIcmpError = { kind: 'packet-too-big', code: 0, ...base };
    if (spec.mtu !== undefined) e.mtu = spec.mtu;
    return { ok: true, value: e };
  }
  if (spec.type === 'time_exceeded') {
    // code 0: TTL / hop limit exceeded in transit; code 1: fragment reassembly time exceeded
    const n = numbered !== null ? Number(numbered[1]) : /frag/.test(code) ? 1 : 0;
    return { ok: true, value: { kind: 'time-exceeded', code: n, ...base } };
  }
  if (spec.type === 'parameter_problem') {
    const n = numbered !== null ? Number(numbered[1]) : PARAM_PROBLEM[code];
    if (n === undefined) return { ok: false, message: `unsupported ICMP code ${code}` };
    return { ok: true, value: { kind: 'parameter-problem', code: n, ...base } };
  }
  return { ok: false, message: `unsupported ICMP type ${spec.type}` };
}

export interface OutboundCheck {
  result: MatchResult;
  /** The live segment in script sequence space. */
  actual: TcpRepr;
}

export interface OutboundOptions {
  /**
   * packetdrill's --tcp_ts_tick_usecs: when set, an outbound TS val (mapped into script space from
   * the first one seen) must be within `tsToleranceUsecs` of the script's, counted in ticks.
   */
  tsTickUsecs?: number;
  tsToleranceUsecs?: number;
  /** Check outbound TS ecr too (layer4's --check_ts_ecr; packetdrill never checks it). */
  checkTsEcr?: boolean;
}

/** Maps a sent packet into script space (learning our ISN from the first SYN) and compares it. */
export function checkOutbound(spec: TcpPacketSpec, pkt: SentPacket, sut: SocketUnderTest, opts: OutboundOptions = {}): OutboundCheck {
  const live = pkt.dgram.seg;
  if ((live.flags & 0x02) !== 0 && !sut.seq.knowsLocalIsn) {
    sut.seq.noteOutboundSyn(spec.seq.kind === 'range' ? spec.seq.start : 0, live.seq);
  }
  const actual = sut.seq.outboundToScript(live, { absoluteSeq: spec.seq.kind === 'range' && spec.seq.absolute });
  if (spec.options !== 'any') {
    const want = spec.options.find((o) => o.kind === 'timestamp');
    const got = live.options.find((o) => o.kind === 'timestamp');
    if (want !== undefined && want.kind === 'timestamp' && want.val !== 'any' && got !== undefined && got.kind === 'timestamp') {
      sut.ts.noteOutbound(want.val, got.val);
    }
  }
  // TS val in script space too (first value seen as the baseline), as packetdrill prints it.
  actual.options = actual.options.map((o) => (o.kind === 'timestamp' ? { ...o, val: sut.ts.outboundValToScript(o.val) } : o));
  const cfg: OptionMatchConfig = { tsEcr: opts.checkTsEcr === true };
  const tick = opts.tsTickUsecs ?? 0;
  if (tick > 0) {
    const tol = opts.tsToleranceUsecs ?? 0;
    cfg.tsVal = (scriptVal, actualVal) => Math.abs((actualVal - scriptVal) | 0) * tick <= tol;
  }
  let result = matchTcpSegment(spec, actual, cfg);
  if (result.ok && live.payload.some((b) => b !== 0)) {
    result = { ok: false, field: 'payload', message: 'payload bytes differ from the zero bytes written' };
  }
  if (result.ok && spec.ip?.ecn !== undefined) {
    const names = ['noecn', 'ect1', 'ect0', 'ce'];
    const got = names[pkt.dgram.ecn ?? 0] ?? 'noecn';
    const want = spec.ip.ecn === 'ect01' ? got === 'ect0' || got === 'ect1' : got === spec.ip.ecn;
    if (!want) result = { ok: false, field: 'ecn', message: `ECN ${got} instead of ${spec.ip.ecn}` };
  }
  return { result, actual };
}

const FIN_PSH_CWR = 0x01 | 0x08 | 0x80;

/**
 * Why `next` cannot follow `prev` as another piece of one larger segment, or undefined: the same
 * header fields (flags other than FIN, PSH and CWR; ack; window; urgent pointer; option length)
 * and the next sequence number; pieces before the last all of one size.
 */
export function fragmentMismatch(prev: SentPacket, next: SentPacket, notLast: boolean): string | undefined {
  const a = prev.dgram.seg;
  const b = next.dgram.seg;
  if ((a.flags & ~FIN_PSH_CWR) !== (b.flags & ~FIN_PSH_CWR)) return 'flags differ from the previous piece';
  if (((a.seq + a.payload.length) >>> 0) !== b.seq) return 'not contiguous with the previous piece';
  if (a.ack !== b.ack) return 'ack differs from the previous piece';
  if (a.window !== b.window) return 'window differs from the previous piece';
  if (a.urgent !== b.urgent) return 'urgent pointer differs from the previous piece';
  if (a.options.length !== b.options.length) return 'options differ from the previous piece';
  if (notLast && b.payload.length !== a.payload.length) return `payload ${b.payload.length} bytes, previous piece ${a.payload.length}`;
  return undefined;
}

/** One packet from consecutive pieces: the last one's header and time, the first one's sequence number. */
export function aggregate(parts: SentPacket[]): SentPacket {
  if (parts.length === 1) return parts[0]!;
  const first = parts[0]!.dgram.seg;
  const last = parts[parts.length - 1]!;
  const total = parts.reduce((n, p) => n + p.dgram.seg.payload.length, 0);
  const payload = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    payload.set(p.dgram.seg.payload, off);
    off += p.dgram.seg.payload.length;
  }
  const flags = (last.dgram.seg.flags & ~0x80) | (first.flags & 0x80);
  return { us: last.us, dgram: { ...last.dgram, seg: { ...last.dgram.seg, seq: first.seq, flags, payload } } };
}
