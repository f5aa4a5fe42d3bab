// Counters readable as `stack.stats`. Names follow the MIB groups (RFC 4293 IP-MIB, RFC 4113
// UDP-MIB, RFC 4292 ICMP) where one exists; `drops` counts every discarded packet by reason.

import type { TcpMemoryStats } from '../tcp/memory.js';

export type DropReason =
  | 'bad-version'
  | 'bad-header' // IPv4 IHL/length/checksum or IPv6 header/extension-header chain does not parse
  | 'martian-source' // multicast/broadcast source, or loopback source from outside (RFC 1122 §3.2.1.3)
  | 'not-for-us' // destination is not ours (no forwarding)
  | 'unknown-protocol'
  | 'no-route'
  | 'too-big-df' // larger than the MTU with DF set (or TCP over IPv6)
  | 'frag-bad' // malformed fragment (length not a multiple of 8, beyond 65535)
  | 'frag-overlap'
  | 'frag-duplicate'
  | 'frag-inconsistent'
  | 'frag-budget'
  | 'frag-abandoned' // fragment of a datagram already abandoned (RFC 5722)
  | 'frag-timeout'
  | 'ext-header' // IPv6 option or routing header says discard
  | 'udp-checksum'
  | 'udp-header'
  | 'udp-no-port'
  | 'udp-rcvbuf'
  | 'tcp-checksum'
  | 'tcp-header'
  | 'tcp-not-unicast'
  | 'icmp-checksum'
  | 'icmp-header'
  | 'icmp-ignored' // well-formed but nothing to do (unsolicited reply, unknown type, NDP)
  | 'out-queue-full'
  | 'loopback-limit';

export interface StackStats {
  ip: {
    inReceives: number;
    inDelivers: number;
    outRequests: number;
    /** Packets handed to drivers (after fragmentation), loopback excluded. */
    outPackets: number;
    loopbackPackets: number;
    fragCreates: number;
    fragOks: number;
    fragFails: number;
    reasmReqds: number;
    reasmOks: number;
    reasmFails: number;
    reasmTimeouts: number;
  };
  reassembly: {
    /** Bytes charged to the reassembly budget right now. */
    bytesInUse: number;
    budgetBytes: number;
    /** Datagrams under reassembly right now (both families). */
    datagrams: number;
    evictions: number;
  };
  udp: { inDatagrams: number; outDatagrams: number; noPorts: number; inErrors: number; rcvbufErrors: number };
  tcp: {
    inSegs: number;
    outSegs: number;
    inErrors: number;
    /** Stack-wide TCP buffer memory and pressure counters (tcp/memory.ts); undefined before TCP is used. */
    readonly memory?: TcpMemoryStats | undefined;
  };
  icmp: {
    inMsgs: number;
    outMsgs: number;
    inErrors: number;
    outErrors: number;
    inEchos: number;
    outEchoReps: number;
    /** Errors not sent because RFC 1122 §3.2.2 / RFC 4443 §2.4(e) forbid answering that packet. */
    suppressed: number;
    /** Errors not sent because the token bucket was empty (RFC 1812 §4.3.2.8). */
    rateLimited: number;
    pmtuUpdates: number;
  };
  drops: Partial<Record<DropReason, number>>;
}

export function newStats(budgetBytes: number): StackStats {
  return {
    ip: { inReceives: 0, inDelivers: 0, outRequests: 0, outPackets: 0, loopbackPackets: 0, fragCreates: 0, fragOks: 0, fragFails: 0, reasmReqds: 0, reasmOks: 0, reasmFails: 0, reasmTimeouts: 0 },
    reassembly: { bytesInUse: 0, budgetBytes, datagrams: 0, evictions: 0 },
    udp: { inDatagrams: 0, outDatagrams: 0, noPorts: 0, inErrors: 0, rcvbufErrors: 0 },
    tcp: { inSegs: 0, outSegs: 0, inErrors: 0 },
    icmp: { inMsgs: 0, outMsgs: 0, inErrors: 0, outErrors: 0, inEchos: 0, outEchoReps: 0, suppressed: 0, rateLimited: 0, pmtuUpdates: 0 },
    drops: {},
  };
}

export function countDrop(stats: StackStats, reason: DropReason): void {
  stats.drops[reason] = (stats.drops[reason] ?? 0) + 1;
}
