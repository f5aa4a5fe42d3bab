// How the TCB's variables (RFC 9293 §3.3.1) are stored, apart from what they mean (connection.ts).
// An idle connection is mostly these fields, so their layout decides how many connections fit in
// memory (issue 11: ≤ 2 KiB per idle ESTABLISHED endpoint). Two rules of V8's object layout matter:
//
// - A number field that ever held a value outside the small-integer range (31/32-bit signed) is
//   stored as a separate boxed heap number of 16 bytes in EVERY instance. Sequence numbers are
//   unsigned 32-bit values, so half of them would be boxed. They are stored here as their signed
//   32-bit image (`v | 0`, always a small integer) and read back unsigned (`>>> 0`): the same value
//   modulo 2^32, which is all sequence arithmetic (seq.ts) looks at.
// - Every field costs 8 bytes, booleans included. The flags live as bits of one integer.
// - Times (fractional ms) and 53-bit byte counters are doubles: as fields they would cost a slot
//   plus a box each (24 bytes); they live unboxed in one packed array of doubles (8 bytes each).
//
// The accessors keep the plain-field interface (`c.sndUna = x`, `c.ackNow = true`), so code that
// reads or writes the TCB is unchanged. They are small and monomorphic: optimized code inlines them.

import type { Endpoint } from '../stack/types.js';
import type { TcpConfig } from './config.js';
import type { RecoveryOptions } from './recovery.js';
import type { RtoParams } from './rtt.js';

/** Bit of each boolean in `Tcb.#bits`. */
const enum F {
  announced = 1 << 0,
  handshakeDone = 1 << 1,
  wsOk = 1 << 2,
  tsOk = 1 << 3,
  sackOk = 1 << 4,
  autoTune = 1 << 5,
  sendAutoTune = 1 << 6,
  urgentSeen = 1 << 7,
  finQueued = 1 << 8,
  closePending = 1 << 9,
  orphaned = 1 << 10,
  peerFin = 1 << 11,
  ackNow = 1 << 12,
  synPending = 1 << 13,
  retransmitHead = 1 << 14,
  forceSend = 1 << 15,
  probePending = 1 << 16,
  synRetransmitted = 1 << 17,
  rttTiming = 1 << 18,
  noDelay = 1 << 19,
  keepAlive = 1 << 20,
  readableArmed = 1 << 21,
  sendBlocked = 1 << 22,
  closedEmitted = 1 << 23,
  noOptions = 1 << 24,
  synOptionsDropped = 1 << 25,
  cork = 1 << 26,
  moreHold = 1 << 27,
  naglePush = 1 << 28,
  synAcked = 1 << 29,
}

/** Slot of each time or wide counter in `Tcb.#wide`. */
const enum W {
  clock,
  lastRecv,
  lastSend,
  lastProgress,
  rttTime,
  tsRecentAge,
  tsLastSample,
  atStart,
  heapAt,
  delivered,
  rcvOff,
  readOffset,
  openedAt,
  userMss,
  connectTimeout,
}

export abstract class Tcb {
  #bits = F.readableArmed;
  /** By W; -0.5 first so the literal is an array of doubles from the start (then set to real values). */
  #wide = [-0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  #iss = 0;
  #sndUna = 0;
  #sndNxt = 0;
  #sndMax = 0;
  #sndWl1 = 0;
  #sndWl2 = 0;
  #sndUp = 0;
  #irs = 0;
  #rcvNxt = 0;
  #rcvAdvEdge = 0;
  #lastAckSent = 0;
  #finSeq = 0;
  #rttSeq = 0;
  #rcvUp = 0;
  #tsRecent = 0;
  #tsOffset = 0;

  constructor() {
    const w = this.#wide;
    w[W.clock] = 0;
    w[W.tsLastSample] = -Infinity;
    w[W.heapAt] = Infinity;
    w[W.userMss] = NaN;
    w[W.connectTimeout] = NaN;
  }

  #flag(f: F, v: boolean): void {
    this.#bits = v ? this.#bits | f : this.#bits & ~f;
  }

  // ---- RFC 9293 §3.3.1 send sequence variables (SND.MAX: highest sequence sent, for go-back-N after an RTO)
  get iss(): number { return this.#iss >>> 0; }
  set iss(v: number) { this.#iss = v | 0; }
  get sndUna(): number { return this.#sndUna >>> 0; }
  set sndUna(v: number) { this.#sndUna = v | 0; }
  get sndNxt(): number { return this.#sndNxt >>> 0; }
  set sndNxt(v: number) { this.#sndNxt = v | 0; }
  get sndMax(): number { return this.#sndMax >>> 0; }
  set sndMax(v: number) { this.#sndMax = v | 0; }
  get sndWl1(): number { return this.#sndWl1 >>> 0; }
  set sndWl1(v: number) { this.#sndWl1 = v | 0; }
  get sndWl2(): number { return this.#sndWl2 >>> 0; }
  set sndWl2(v: number) { this.#sndWl2 = v | 0; }
  get sndUp(): number { return this.#sndUp >>> 0; }
  set sndUp(v: number) { this.#sndUp = v | 0; }
  /** Sequence number of our FIN once CLOSE queued it (valid when finQueued). */
  get finSeq(): number { return this.#finSeq >>> 0; }
  set finSeq(v: number) { this.#finSeq = v | 0; }
  /** RTT timing of one segment at a time (Karn's rule, RFC 6298 §3): the sequence number timed. */
  get rttSeq(): number { return this.#rttSeq >>> 0; }
  set rttSeq(v: number) { this.#rttSeq = v | 0; }

  // ---- receive sequence variables
  get irs(): number { return this.#irs >>> 0; }
  set irs(v: number) { this.#irs = v | 0; }
  get rcvNxt(): number { return this.#rcvNxt >>> 0; }
  set rcvNxt(v: number) { this.#rcvNxt = v | 0; }
  /** RCV.NXT + RCV.WND as last advertised: the right edge never moves left (§3.8.6.2.2). */
  get rcvAdvEdge(): number { return this.#rcvAdvEdge >>> 0; }
  set rcvAdvEdge(v: number) { this.#rcvAdvEdge = v | 0; }
  /** RFC 7323 §4.3 Last.ACK.sent. */
  get lastAckSent(): number { return this.#lastAckSent >>> 0; }
  set lastAckSent(v: number) { this.#lastAckSent = v | 0; }
  /** RCV.UP: sequence number just past the last urgent byte (RFC 6093), valid when urgentSeen. */
  get rcvUp(): number { return this.#rcvUp >>> 0; }
  set rcvUp(v: number) { this.#rcvUp = v | 0; }
  /** RFC 7323 §4.3 TS.Recent. */
  get tsRecent(): number { return this.#tsRecent >>> 0; }
  set tsRecent(v: number) { this.#tsRecent = v | 0; }
  /** RFC 7323 §3: per-connection offset added to the TSval clock. */
  get tsOffset(): number { return this.#tsOffset >>> 0; }
  set tsOffset(v: number) { this.#tsOffset = v | 0; }

  // ---- times (ms) and byte counters
  /** The latest `now` the connection was driven with (TSval of segments built without a `now`). */
  get clock(): number { return this.#wide[W.clock]!; }
  set clock(v: number) { this.#wide[W.clock] = v; }
  /** When we last heard from / sent to the peer. */
  get lastRecv(): number { return this.#wide[W.lastRecv]!; }
  set lastRecv(v: number) { this.#wide[W.lastRecv] = v; }
  get lastSend(): number { return this.#wide[W.lastSend]!; }
  set lastSend(v: number) { this.#wide[W.lastSend] = v; }
  /** Last time the peer acknowledged new data, or data was first put in flight. */
  get lastProgress(): number { return this.#wide[W.lastProgress]!; }
  set lastProgress(v: number) { this.#wide[W.lastProgress] = v; }
  /** When the segment being timed (rttSeq, Karn's rule, RFC 6298 §3) was sent. */
  get rttTime(): number { return this.#wide[W.rttTime]!; }
  set rttTime(v: number) { this.#wide[W.rttTime] = v; }
  /** When TS.Recent was set (RFC 7323 §5.5 24-day rule). */
  get tsRecentAge(): number { return this.#wide[W.tsRecentAge]!; }
  set tsRecentAge(v: number) { this.#wide[W.tsRecentAge] = v; }
  /** When the last timestamp RTT sample was taken (RFC 7323 §4.1). */
  get tsLastSample(): number { return this.#wide[W.tsLastSample]!; }
  set tsLastSample(v: number) { this.#wide[W.tsLastSample] = v; }
  /** Start of the receive auto-tuning measurement window (autotune.ts). */
  get atStart(): number { return this.#wide[W.atStart]!; }
  set atStart(v: number) { this.#wide[W.atStart] = v; }
  /** @internal layer heap bookkeeping: the earliest deadline this connection has in the heap. */
  get heapAt(): number { return this.#wide[W.heapAt]!; }
  set heapAt(v: number) { this.#wide[W.heapAt] = v; }
  /** Total sequence space acknowledged by the peer. */
  get delivered(): number { return this.#wide[W.delivered]!; }
  set delivered(v: number) { this.#wide[W.delivered] = v; }
  /** Stream offset (bytes since the peer's first data byte) of RCV.NXT. */
  get rcvOff(): number { return this.#wide[W.rcvOff]!; }
  set rcvOff(v: number) { this.#wide[W.rcvOff] = v; }
  /** Stream offset of the next byte recv() returns. */
  get readOffset(): number { return this.#wide[W.readOffset]!; }
  set readOffset(v: number) { this.#wide[W.readOffset] = v; }
  /** When the connection began opening (TcpConfig.connectTimeout counts from here). */
  get openedAt(): number { return this.#wide[W.openedAt]!; }
  set openedAt(v: number) { this.#wide[W.openedAt] = v; }
  /** The user's segment-size limit (TCP_MAXSEG): caps the MSS we announce and the one we send with. */
  get userMss(): number | undefined { const v = this.#wide[W.userMss]!; return Number.isNaN(v) ? undefined : v; }
  set userMss(v: number | undefined) { this.#wide[W.userMss] = v ?? NaN; }
  /** How long the connection may take to open (TcpConfig.connectTimeout, TCP_KEEPINIT). */
  get connectTimeout(): number | undefined { const v = this.#wide[W.connectTimeout]!; return Number.isNaN(v) ? undefined : v; }
  set connectTimeout(v: number | undefined) { this.#wide[W.connectTimeout] = v ?? NaN; }

  // ---- flags
  /** Visible to the user (active open, or passive and established): user events are emitted. */
  get announced(): boolean { return (this.#bits & F.announced) !== 0; }
  set announced(v: boolean) { this.#flag(F.announced, v); }
  /** Our SYN has been acknowledged and the connection set up for data transfer. */
  get handshakeDone(): boolean { return (this.#bits & F.handshakeDone) !== 0; }
  set handshakeDone(v: boolean) { this.#flag(F.handshakeDone, v); }
  /**
   * Our SYN is acknowledged (SND.UNA has passed ISS). A flag, not a sequence comparison with ISS:
   * after 2^31 bytes such a comparison wraps (RFC 9293 §3.4 compares only within half the space).
   */
  get synAcked(): boolean { return (this.#bits & F.synAcked) !== 0; }
  set synAcked(v: boolean) { this.#flag(F.synAcked, v); }
  /** Negotiated (both SYNs carried the option): RFC 7323 window scaling and timestamps, RFC 2018 SACK. */
  get wsOk(): boolean { return (this.#bits & F.wsOk) !== 0; }
  set wsOk(v: boolean) { this.#flag(F.wsOk, v); }
  get tsOk(): boolean { return (this.#bits & F.tsOk) !== 0; }
  set tsOk(v: boolean) { this.#flag(F.tsOk, v); }
  get sackOk(): boolean { return (this.#bits & F.sackOk) !== 0; }
  set sackOk(v: boolean) { this.#flag(F.sackOk, v); }
  /** Buffer auto-tuning (autotune.ts) active for the receive / send buffer. */
  get autoTune(): boolean { return (this.#bits & F.autoTune) !== 0; }
  set autoTune(v: boolean) { this.#flag(F.autoTune, v); }
  get sendAutoTune(): boolean { return (this.#bits & F.sendAutoTune) !== 0; }
  set sendAutoTune(v: boolean) { this.#flag(F.sendAutoTune, v); }
  get urgentSeen(): boolean { return (this.#bits & F.urgentSeen) !== 0; }
  set urgentSeen(v: boolean) { this.#flag(F.urgentSeen, v); }
  /** CLOSE requested (§3.10.4): a FIN follows the queued data. */
  get finQueued(): boolean { return (this.#bits & F.finQueued) !== 0; }
  set finQueued(v: boolean) { this.#flag(F.finQueued, v); }
  /** shutdown() before ESTABLISHED: queue the CLOSE until then (§3.10.4 SYN-RECEIVED). */
  get closePending(): boolean { return (this.#bits & F.closePending) !== 0; }
  set closePending(v: boolean) { this.#flag(F.closePending, v); }
  /** close() called: the user reads no more (data arriving now is answered with RST, RFC 1122 §4.2.2.13). */
  get orphaned(): boolean { return (this.#bits & F.orphaned) !== 0; }
  set orphaned(v: boolean) { this.#flag(F.orphaned, v); }
  /** The peer's FIN has been processed (EOF after the buffered bytes). */
  get peerFin(): boolean { return (this.#bits & F.peerFin) !== 0; }
  set peerFin(v: boolean) { this.#flag(F.peerFin, v); }
  /** The next poll sends an ACK. */
  get ackNow(): boolean { return (this.#bits & F.ackNow) !== 0; }
  set ackNow(v: boolean) { this.#flag(F.ackNow, v); }
  /** (Re)send SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED). */
  get synPending(): boolean { return (this.#bits & F.synPending) !== 0; }
  set synPending(v: boolean) { this.#flag(F.synPending, v); }
  /** Retransmit the segment at SND.UNA (fast retransmit / partial ACK). */
  get retransmitHead(): boolean { return (this.#bits & F.retransmitHead) !== 0; }
  set retransmitHead(v: boolean) { this.#flag(F.retransmitHead, v); }
  /** Send one segment even if sender SWS avoidance would wait (persist override, §3.8.6.2.1). */
  get forceSend(): boolean { return (this.#bits & F.forceSend) !== 0; }
  set forceSend(v: boolean) { this.#flag(F.forceSend, v); }
  /** Send a zero-window probe (§3.8.6.1) or keep-alive (RFC 1122 §4.2.3.6). */
  get probePending(): boolean { return (this.#bits & F.probePending) !== 0; }
  set probePending(v: boolean) { this.#flag(F.probePending, v); }
  get synRetransmitted(): boolean { return (this.#bits & F.synRetransmitted) !== 0; }
  set synRetransmitted(v: boolean) { this.#flag(F.synRetransmitted, v); }
  /** A segment is being timed (rttSeq, rttTime). */
  get rttTiming(): boolean { return (this.#bits & F.rttTiming) !== 0; }
  set rttTiming(v: boolean) { this.#flag(F.rttTiming, v); }
  /** RFC 896 Nagle off. */
  get noDelay(): boolean { return (this.#bits & F.noDelay) !== 0; }
  set noDelay(v: boolean) { this.#flag(F.noDelay, v); }
  get keepAlive(): boolean { return (this.#bits & F.keepAlive) !== 0; }
  set keepAlive(v: boolean) { this.#flag(F.keepAlive, v); }
  get readableArmed(): boolean { return (this.#bits & F.readableArmed) !== 0; }
  set readableArmed(v: boolean) { this.#flag(F.readableArmed, v); }
  get sendBlocked(): boolean { return (this.#bits & F.sendBlocked) !== 0; }
  set sendBlocked(v: boolean) { this.#flag(F.sendBlocked, v); }
  /** @internal The 'closed' event has been emitted. */
  get closedEmitted(): boolean { return (this.#bits & F.closedEmitted) !== 0; }
  set closedEmitted(v: boolean) { this.#flag(F.closedEmitted, v); }
  /** TCP_NOOPT: no options in our SYN/SYN-ACK, the peer's ignored. */
  get noOptions(): boolean { return (this.#bits & F.noOptions) !== 0; }
  set noOptions(v: boolean) { this.#flag(F.noOptions, v); }
  /** TcpConfig.synDropOptionsAfter reached: our SYN offers only the MSS. */
  get synOptionsDropped(): boolean { return (this.#bits & F.synOptionsDropped) !== 0; }
  set synOptionsDropped(v: boolean) { this.#flag(F.synOptionsDropped, v); }
  /** TCP_CORK: sub-MSS segments wait (cork.ts). */
  get cork(): boolean { return (this.#bits & F.cork) !== 0; }
  set cork(v: boolean) { this.#flag(F.cork, v); }
  /** The last write said more follows (MSG_MORE): its sub-MSS tail waits until the next event (cork.ts). */
  get moreHold(): boolean { return (this.#bits & F.moreHold) !== 0; }
  set moreHold(v: boolean) { this.#flag(F.moreHold, v); }
  /** The next output pass sends what is queued past Nagle and cork (uncork, TCP_NODELAY set; cork.ts). */
  get naglePush(): boolean { return (this.#bits & F.naglePush) !== 0; }
  set naglePush(v: boolean) { this.#flag(F.naglePush, v); }
}

const shared = new WeakMap<TcpConfig, { rto: RtoParams; recovery: RecoveryOptions }>();

/** The RTO and loss-recovery parameters of a layer's config, one frozen object per config (not per connection). */
export function sharedParams(cfg: TcpConfig): { rto: RtoParams; recovery: RecoveryOptions } {
  let p = shared.get(cfg);
  if (p === undefined) {
    p = {
      rto: Object.freeze({ initial: cfg.rtoInitial, min: cfg.rtoMin, max: cfg.rtoMax, granularity: cfg.clockGranularity, slop: cfg.rtoSlop, varianceFloor: cfg.rtoVarianceFloor ? cfg.rtoMin : 0 }),
      recovery: Object.freeze({ dupAckThreshold: cfg.dupAckThreshold, limitedTransmit: cfg.limitedTransmit }),
    };
    shared.set(cfg, p);
  }
  return p;
}

const endpoints = new Map<string, Readonly<Endpoint>>();

/**
 * One frozen object per endpoint, shared by the connections that name it (a server's local
 * endpoint, a client's remote one): 40 bytes less per connection. At most 4096 are remembered;
 * past that the table starts afresh (connections keep the objects they have).
 */
export function sharedEndpoint(address: string, port: number): Readonly<Endpoint> {
  const key = `${address}|${port}`;
  let e = endpoints.get(key);
  if (e === undefined) {
    if (endpoints.size >= 4096) endpoints.clear();
    e = Object.freeze({ address, port });
    endpoints.set(key, e);
  }
  return e;
}
