// ICMP for IPv4 (RFC 792, RFC 1122 §3.2.2) and ICMPv6 (RFC 4443): answering echo requests,
// sending echo requests for stack.ping(), generating errors about packets we could not deliver
// (gated by error-policy.ts and a token bucket, RFC 1812 §4.3.2.8 / RFC 4443 §2.4(f)), and decoding
// errors about packets we sent (path MTU, unreachable, time exceeded, parameter problem) into
// IcmpNotices the stack hands to TCP, UDP or the echo tracker.

import { formatIp, parseIp } from '../wire/address.js';
import { emitIcmp, IcmpType, IcmpUnreachableCode, icmpChecksumValid, icmpLength, type IcmpRepr } from '../wire/icmp.js';
import { emitIcmpv6, Icmpv6Type, Icmpv6UnreachableCode, icmpv6ChecksumValid, icmpv6Length, type Icmpv6Repr } from '../wire/icmpv6.js';
import { parseQuotedPacket } from '../wire/icmp-quote.js';
import { IpProto } from '../wire/ip-proto.js';
import { u16, u32 } from '../wire/bytes.js';
import { netFail, netOk, type NetResult } from '../stack/errors.js';
import type { IcmpErrorSpec, IcmpNotice, IpHost } from '../stack/host.js';
import type { Inbound } from '../stack/inbound.js';
import { TokenBucket } from '../stack/rate-limit.js';
import { countDrop } from '../stack/stats.js';
import type { IpAddress } from '../stack/types.js';
import { plateauBelow } from '../stack/pmtu.js';
import { EchoTracker } from './echo.js';
import { quoteFor, whyNotAnswer } from './error-policy.js';

export interface PingOptions {
  id: number;
  seq: number;
  data?: Uint8Array;
  /** TTL / Hop Limit for the request (default: the stack's). */
  ttl?: number;
}

const EMPTY = new Uint8Array(0);

export class IcmpLayer {
  readonly echo = new EchoTracker();
  readonly errorBucket: TokenBucket;

  constructor(private readonly host: IpHost) {
    this.errorBucket = new TokenBucket(host.config.icmpErrorRate);
  }

  // ---- input --------------------------------------------------------------------------------

  input(inb: Inbound, now: number): void {
    const stats = this.host.stats;
    stats.icmp.inMsgs++;
    const p = inb.payload;
    const valid = inb.family === 4 ? icmpChecksumValid(p, 0, p.length) : icmpv6ChecksumValid(p, 0, p.length, inb.srcBytes, inb.dstBytes);
    if (p.length < 8 || !valid) {
      stats.icmp.inErrors++;
      countDrop(stats, p.length < 8 ? 'icmp-header' : 'icmp-checksum');
      return;
    }
    if (inb.family === 4) this.input4(inb, now);
    else this.input6(inb, now);
  }

  private input4(inb: Inbound, now: number): void {
    const p = inb.payload;
    const type = p[0]!;
    const code = p[1]!;
    switch (type) {
      case IcmpType.ECHO_REQUEST:
        // RFC 1122 §3.2.2.6: echo to a broadcast/multicast address MAY be silently discarded; we do.
        if (inb.cast !== 'unicast') return this.ignore();
        this.host.stats.icmp.inEchos++;
        this.reply(inb, { kind: 'echoReply', id: u16(p, 4), seq: u16(p, 6), data: p.subarray(8) }, now);
        return;
      case IcmpType.ECHO_REPLY:
        return this.echoReply(inb, u16(p, 4), u16(p, 6), p.subarray(8), now);
      case IcmpType.DEST_UNREACHABLE:
        if (code === IcmpUnreachableCode.FRAGMENTATION_NEEDED) return this.error(inb, 'packet-too-big', code, u16(p, 6), now);
        return this.error(inb, 'unreachable', code, undefined, now);
      case IcmpType.TIME_EXCEEDED:
        return this.error(inb, 'time-exceeded', code, undefined, now);
      case IcmpType.PARAMETER_PROBLEM:
        return this.error(inb, 'parameter-problem', code, undefined, now);
      default:
        // Source Quench is deprecated (RFC 6633); Redirects are not followed by this host;
        // timestamp and information messages are not answered.
        return this.ignore();
    }
  }

  private input6(inb: Inbound, now: number): void {
    const p = inb.payload;
    const type = p[0]!;
    const code = p[1]!;
    switch (type) {
      case Icmpv6Type.ECHO_REQUEST:
        // RFC 4443 §4.1: a reply SHOULD also be sent for a request to a multicast address.
        this.host.stats.icmp.inEchos++;
        this.reply(inb, { kind: 'echoReply', id: u16(p, 4), seq: u16(p, 6), data: p.subarray(8) }, now);
        return;
      case Icmpv6Type.ECHO_REPLY:
        return this.echoReply(inb, u16(p, 4), u16(p, 6), p.subarray(8), now);
      case Icmpv6Type.DEST_UNREACHABLE:
        return this.error(inb, 'unreachable', code, undefined, now);
      case Icmpv6Type.PACKET_TOO_BIG:
        return this.error(inb, 'packet-too-big', code, u32(p, 4), now);
      case Icmpv6Type.TIME_EXCEEDED:
        return this.error(inb, 'time-exceeded', code, undefined, now);
      case Icmpv6Type.PARAMETER_PROBLEM:
        return this.error(inb, 'parameter-problem', code, undefined, now);
      default:
        // Neighbor Discovery (RFC 4861) is the link driver's business; RFC 4443 §2.4(a)/(b):
        // unknown informational messages are discarded, unknown errors go to the upper layer —
        // which has nothing to do with them here.
        return this.ignore();
    }
  }

  private ignore(): void {
    countDrop(this.host.stats, 'icmp-ignored');
  }

  private echoReply(inb: Inbound, id: number, seq: number, data: Uint8Array, now: number): void {
    const sentAt = this.echo.take(inb.family, inb.src, id, seq);
    if (sentAt === undefined) return this.ignore();
    this.host.emit({ type: 'echo-reply', family: inb.family, from: inb.src, id, seq, data: data.slice(), ttl: inb.ttl, rtt: now - sentAt });
  }

  private reply(inb: Inbound, repr: IcmpRepr | Icmpv6Repr, now: number): void {
    // RFC 1122 §3.2.2.6: the reply's source is the request's specific destination; for a
    // multicast request (IPv6) a unicast address of ours toward the requester.
    const src = inb.cast === 'unicast' ? inb.dst : this.host.sourceFor(inb.src);
    if (src === undefined) return;
    const why = whyNotAnswer(inb.packet, inb.ifIndex, this.host.interfaces, true);
    if (why === 'src-not-unicast' || why === 'src-loopback') return;
    if (this.sendIcmp(inb.family, src, inb.src, repr, now)) this.host.stats.icmp.outEchoReps++;
  }

  /** An ICMP error about a packet we sent: decode the quote and hand it on. */
  private error(inb: Inbound, kind: IcmpNotice['kind'], code: number, mtu: number | undefined, now: number): void {
    const host = this.host;
    const body = inb.payload.subarray(8);
    const q = parseQuotedPacket(body, 0, body.length);
    // The quoted packet must be one of ours: its source is a local address (RFC 5927 §4.1 starts here).
    if (!q.ok || q.value.family !== inb.family || !host.interfaces.isLocal(q.value.src)) {
      host.stats.icmp.inErrors++;
      countDrop(host.stats, 'icmp-header');
      return;
    }
    const quoted = q.value;
    const notice: IcmpNotice = { family: inb.family, kind, code, from: inb.src, quoted };
    if (kind === 'packet-too-big') {
      // RFC 1191 §5: a router that does not fill in the next-hop MTU leaves 0; then (and for a
      // value that does not even make the quoted datagram too big) estimate from the plateau table.
      let reported = mtu ?? 0;
      if (inb.family === 4 && (reported === 0 || reported >= quoted.ipLength)) reported = plateauBelow(quoted.ipLength);
      notice.mtu = host.learnPmtu(quoted.dst, inb.family, reported, now);
    }
    host.deliverIcmpNotice(notice, now);
  }

  // ---- output -------------------------------------------------------------------------------

  /** stack.ping(): sends an echo request and remembers it for the reply's round-trip time. */
  ping(dst: IpAddress, opts: PingOptions, now: number): NetResult<undefined> {
    const bytes = parseIp(dst);
    if (!bytes) return netFail('EINVAL', 'ping', `not an IP address: ${dst}`);
    const family = bytes.length === 4 ? 4 : 6;
    const src = this.host.sourceFor(dst);
    if (src === undefined) return netFail('ENETUNREACH', 'ping', `no route to ${dst}`);
    const data = opts.data ?? EMPTY;
    if (data.length > (family === 4 ? 65507 : 65527)) return netFail('EMSGSIZE', 'ping', `${data.length} bytes of echo data is too much`);
    const repr = { kind: 'echoRequest' as const, id: opts.id & 0xffff, seq: opts.seq & 0xffff, data };
    const to = formatIp(bytes);
    this.echo.record(family, to, repr.id, repr.seq, now);
    const sent = this.sendIcmp(family, src, to, repr, now, opts.ttl);
    if (sent !== true) return netFail(sent, 'ping', `echo request to ${dst} not sent`);
    return netOk(undefined);
  }

  /** Sends an ICMP error about `packet` unless the rules forbid it or the bucket is empty. */
  sendError(packet: Uint8Array, ifIndex: number, spec: IcmpErrorSpec, now: number): boolean {
    const host = this.host;
    const family = packet[0]! >>> 4 === 4 ? 4 : 6;
    const evenIfMulticast = spec.kind === 'parameter-problem' && spec.evenIfMulticast === true;
    if (whyNotAnswer(packet, ifIndex, host.interfaces, evenIfMulticast) !== undefined) {
      host.stats.icmp.suppressed++;
      return false;
    }
    if (!this.errorBucket.take(now)) {
      host.stats.icmp.rateLimited++;
      return false;
    }
    const srcBytes = family === 4 ? packet.subarray(12, 16) : packet.subarray(8, 24);
    const dstBytes = family === 4 ? packet.subarray(16, 20) : packet.subarray(24, 40);
    const origDst = formatIp(dstBytes);
    const to = formatIp(srcBytes);
    // Answer from the address the packet was sent to when it is ours (unicast), else from our
    // address toward the sender.
    const from = host.interfaces.isLocal(origDst) ? origDst : host.sourceFor(to);
    if (from === undefined) return false;
    const quote = quoteFor(packet, family);
    const repr = family === 4 ? errorRepr4(spec, quote) : errorRepr6(spec, quote);
    const ok = this.sendIcmp(family, from, to, repr, now) === true;
    if (ok) host.stats.icmp.outErrors++;
    return ok;
  }

  private sendIcmp(family: 4 | 6, src: IpAddress, dst: IpAddress, repr: IcmpRepr | Icmpv6Repr, now: number, ttl?: number): true | 'ENETUNREACH' | 'EMSGSIZE' | 'ENOBUFS' {
    let payload: Uint8Array;
    if (family === 4) {
      payload = new Uint8Array(icmpLength(repr as IcmpRepr));
      emitIcmp(repr as IcmpRepr, payload, 0);
    } else {
      payload = new Uint8Array(icmpv6Length(repr as Icmpv6Repr));
      emitIcmpv6(repr as Icmpv6Repr, payload, 0, parseIp(src), parseIp(dst));
    }
    const r = this.host.sendIp(ttl === undefined ? { family, src, dst, protocol: family === 4 ? IpProto.ICMP : IpProto.ICMPV6, payload } : { family, src, dst, protocol: family === 4 ? IpProto.ICMP : IpProto.ICMPV6, payload, ttl }, now);
    if (!r.ok) return r.code;
    this.host.stats.icmp.outMsgs++;
    return true;
  }
}

function errorRepr4(spec: IcmpErrorSpec, quote: Uint8Array): IcmpRepr {
  switch (spec.kind) {
    case 'port-unreachable':
      return { kind: 'destUnreachable', code: IcmpUnreachableCode.PORT, nextHopMtu: 0, quote };
    case 'protocol-unreachable':
      return { kind: 'destUnreachable', code: IcmpUnreachableCode.PROTOCOL, nextHopMtu: 0, quote };
    case 'reassembly-timeout':
      return { kind: 'timeExceeded', code: 1, quote };
    case 'parameter-problem':
      return { kind: 'parameterProblem', code: spec.code, pointer: spec.pointer, quote };
  }
}

function errorRepr6(spec: IcmpErrorSpec, quote: Uint8Array): Icmpv6Repr {
  switch (spec.kind) {
    case 'port-unreachable':
      return { kind: 'destUnreachable', code: Icmpv6UnreachableCode.PORT, quote };
    case 'protocol-unreachable':
      // RFC 4443 §3.4: IPv6 reports an unknown upper layer as Parameter Problem code 1.
      return { kind: 'parameterProblem', code: 1, pointer: 6, quote };
    case 'reassembly-timeout':
      return { kind: 'timeExceeded', code: 1, quote };
    case 'parameter-problem':
      return { kind: 'parameterProblem', code: spec.code, pointer: spec.pointer, quote };
  }
}
