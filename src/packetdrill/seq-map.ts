// Sequence numbers in scripts, converted to and from the numbers on the wire.
//
// packetdrill writes sequence numbers the way tcpdump prints them: in a segment with SYN set,
// seq and ack are absolute; in every other segment they are relative to the initial sequence
// number of the side they belong to. So a script says `> S 0:0(0)` and then `> P. 1:101(100)`
// whatever ISN the stack under test picked.
//
// Two ISNs matter:
//  - remote (the script's peer, which sends inbound segments): the runner injects exactly the
//    seq the script wrote on the inbound SYN/SYN-ACK, so its live ISN is that script number;
//  - local (the stack under test): learned from the first outbound segment carrying SYN, by
//    pairing the live seq with the seq the script expected there.
// Until an ISN is known its offset is 0. All arithmetic is modulo 2^32 (RFC 9293 §3.4).

import type { TcpRepr } from '../wire/tcp-types.js';

const u32 = (n: number): number => n >>> 0;

export interface ScriptSegmentNumbers {
  seq: number;
  ack?: number;
  sack?: Array<[number, number]>;
  syn: boolean;
  /** nplab `start:end(len)!`: the seq is absolute, not mapped */
  absoluteSeq?: boolean;
}

export class SeqMapper {
  private remoteIsn = 0;
  private scriptLocalIsn = 0;
  private liveLocalIsn = 0;
  private localKnown = false;
  private remoteKnown = false;

  /** An inbound segment with SYN from the script: its seq is the peer's ISN. */
  noteInboundSyn(scriptSeq: number): void {
    this.remoteIsn = u32(scriptSeq);
    this.remoteKnown = true;
  }

  /** The first outbound SYN (active open) or SYN-ACK (passive open) was matched. */
  noteOutboundSyn(scriptSeq: number, liveSeq: number): void {
    this.scriptLocalIsn = u32(scriptSeq);
    this.liveLocalIsn = u32(liveSeq);
    this.localKnown = true;
  }

  get knowsLocalIsn(): boolean {
    return this.localKnown;
  }

  get knowsRemoteIsn(): boolean {
    return this.remoteKnown;
  }

  /** Added to a script number of the peer's sequence space to get the live number. */
  private remoteOffset(syn: boolean): number {
    return syn ? 0 : this.remoteIsn;
  }

  /** Added to a script number of the local stack's sequence space to get the live number. */
  private localOffset(syn: boolean): number {
    return syn ? u32(this.liveLocalIsn - this.scriptLocalIsn) : this.liveLocalIsn;
  }

  /** Numbers for an inbound segment to inject: seq in the peer's space, ack/SACK in ours. */
  inboundToLive(s: ScriptSegmentNumbers): { seq: number; ack: number; sack: Array<[number, number]> } {
    const seq = s.absoluteSeq === true ? u32(s.seq) : u32(s.seq + this.remoteOffset(s.syn));
    const off = this.localOffset(s.syn);
    return {
      seq,
      ack: u32((s.ack ?? 0) + off),
      sack: (s.sack ?? []).map(([l, r]) => [u32(l + off), u32(r + off)]),
    };
  }

  /**
   * A segment the stack sent, with seq/ack/SACK blocks rewritten into script space so it can
   * be compared with the script line (and printed next to it).
   */
  outboundToScript(live: TcpRepr, opts: { absoluteSeq?: boolean } = {}): TcpRepr {
    const syn = (live.flags & 0x02) !== 0;
    const seqOff = opts.absoluteSeq === true ? 0 : this.localOffset(syn);
    const ackOff = this.remoteOffset(syn);
    return {
      ...live,
      seq: u32(live.seq - seqOff),
      ack: u32(live.ack - ackOff),
      options: live.options.map((o) =>
        o.kind === 'sack' ? { kind: 'sack', blocks: o.blocks.map(([l, r]) => [u32(l - ackOff), u32(r - ackOff)] as [number, number]) } : o,
      ),
    };
  }

  /** The seq quoted inside an inbound ICMP error refers to a segment we sent. */
  icmpQuotedSeqToLive(scriptSeq: number): number {
    return u32(scriptSeq + this.localOffset(false));
  }
}

/**
 * TCP timestamps (RFC 7323 §3) in scripts. Outbound TS val: the first one seen sets a
 * baseline; later live values map to `firstScript + (live - firstLive)`. Inbound TS ecr: a
 * script ecr equal to a script val seen outbound echoes that segment's live val; otherwise,
 * when interpolation is on (packetdrill's --tcp_ts_ecr_scaled), it is shifted by the same
 * baseline; otherwise it cannot be mapped (undefined).
 */
export class TsMapper {
  private readonly byScriptVal = new Map<number, number>();
  private first: { script: number; live: number } | undefined;

  noteOutbound(scriptVal: number, liveVal: number): void {
    this.byScriptVal.set(u32(scriptVal), u32(liveVal));
    this.first ??= { script: u32(scriptVal), live: u32(liveVal) };
  }

  outboundValToScript(liveVal: number): number {
    return this.first === undefined ? u32(liveVal) : u32(this.first.script + (liveVal - this.first.live));
  }

  inboundEcrToLive(scriptEcr: number, interpolate = false): number | undefined {
    const exact = this.byScriptVal.get(u32(scriptEcr));
    if (exact !== undefined) return exact;
    if (interpolate && this.first !== undefined) return u32(scriptEcr - this.first.script + this.first.live);
    return undefined;
  }
}
