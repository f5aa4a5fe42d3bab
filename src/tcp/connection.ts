// One TCP connection (a TCB, RFC 9293 §3.3.1) and its user interface (§3.9.1: SEND, RECEIVE, CLOSE,
// ABORT, STATUS). Segment arrival lives in input.ts, segment generation in output.ts, timer expiry in
// timer-actions.ts; the state changes themselves only through states.ts.
//
// Handles are sans-IO: every call that can change state takes `now` (ms). Nothing is sent from here
// directly — the connection asks its host (the TcpLayer) to poll it.

import { connectionCongestionControl, type CongestionControl } from './cc/index.js';
import { ByteQueue } from './byte-queue.js';
import { RecvQueue } from './recv-queue.js';
import { tcpError, type TcpError, type TcpErrorCode } from './errors.js';
import type { TcpEvent } from './events.js';
import type { TcpListener } from './listener.js';
import type { IpSocketOptions, TcpSocketOptions } from './options.js';
import { Reassembly } from './reassembly.js';
import { LossRecovery } from './recovery.js';
import { LossState } from './loss.js';
import { RttEstimator } from './rtt.js';
import { seqAdd, seqDiff, seqGt } from './seq.js';
import { findTransition, type TcpCause, type TcpState } from './states.js';
import { TimerTable } from './timers.js';
import { Tcb, sharedEndpoint, sharedParams } from './tcb.js';
import { sendRefused, sendRoom } from './pressure.js';
import { sendAdmit } from './sndbuf-linux.js';
import { defaultMss, effectiveSendMss, isV6 } from './mss.js';
import { wantWindowUpdate, windowField } from './window.js';
import { shiftFor } from './rfc7323.js';
import { Scoreboard } from './sack.js';
import { recvAutoTune } from './autotune.js';
import type { Plpmtud } from './plpmtud.js';
import type { EcnState } from './ecn.js';
import type { Pacer } from './pacing.js';
import { pushMarksOnWrite, type PushMarks } from './push-marks.js';
import type { CwndUse } from './cwnd-use.js';
import type { SendChrono } from './send-chrono.js';
import type { Endpoint, TcpDatagram } from '../stack/types.js';
import { TcpFlag } from '../wire/tcp-types.js';
import { newConnectionStats, type ConnectionHost, type TcpConnectionStats } from './connection-types.js';
import { buildSegment } from './segment-out.js';
import { advertisedMss } from './adv-mss.js';

export type { ConnectionHost, TcpConnectionStats } from './connection-types.js';

export class TcpConnection extends Tcb {
  readonly local: Endpoint;
  readonly remote: Endpoint;
  /** Created by a listener (passive OPEN) rather than connect(). */
  readonly passive: boolean;
  /** @internal */ readonly host: ConnectionHost;
  #state: TcpState;
  /** The listener holding this connection until accept(). */
  listener: TcpListener | undefined = undefined;

  // Sequence numbers, flags, times and byte counters of the TCB (SND.UNA, RCV.NXT, ackNow, lastRecv,
  // rcvOff, …) are stored compactly by the base class (tcb.ts); the rest are plain fields.
  sndWnd = 0;
  /** RFC 5961 §5.2 MAX.SND.WND: the largest window the peer has offered. */
  maxSndWnd = 0;
  /** Shift applied to the peer's window field (RFC 7323 §2.3; 0 unless window scaling is in use). */
  sndWscale = 0;

  /** Shift applied to our window field (RFC 7323 §2.3; 0 unless window scaling is in use). */
  rcvWscale = 0;
  /** The shift our SYN offers (RFC 7323 §2.2), fixed from the receive buffer at creation. */
  ourWscale = 0;
  /** RFC 3168 ECN state (ecn.ts), allocated once ECN is asked for or agreed. */
  ecn: EcnState | undefined = undefined;
  /** IP-level socket options (TOS, TTL, IP_MTU_DISCOVER) its segments carry; set it or change its fields at any time. */
  ip: IpSocketOptions | undefined = undefined;
  /** RFC 6675 scoreboard; RFC 2883 D-SACK block to send; RFC 2018 §4 recent out-of-order offsets, newest first. */
  readonly sb = new Scoreboard();
  dsack: [number, number] | undefined = undefined;
  sackRecent: readonly number[] = NO_OFFSETS;
  /** TSecr of the segment being processed (RFC 7323 §4.1 RTT measurement). */
  segTsEcr: number | undefined = undefined;
  /** Buffer auto-tuning (autotune.ts): receiver RTT (ms); bytes read in the measurement window. */
  rcvRtt: number | undefined = undefined;
  atCopied = 0;

  /** Effective send MSS (RFC 9293 §3.7.1, RFC 6691). */
  sndMss: number;
  /** MSS we advertise. */
  advMss: number;
  /** Peer's segment size estimate for "every second full-sized segment" (§3.8.6.3): the largest seen (from 536). */
  rcvMss: number;
  /** The peer sent an MSS option. */
  peerMss: number | undefined = undefined;
  /** RFC 4821 PLPMTUD state (plpmtud.ts), created on first use (TcpConfig.mtuProbing). */
  plpmtud: Plpmtud | undefined = undefined;

  sendBuf: ByteQueue;
  recvBuf: RecvQueue;
  ooo: Reassembly;

  // ---- what the next poll should send
  /** In-order bytes received since the last ACK we sent. */
  unackedBytes = 0;
  quickAcks: number;
  /** End of the last sub-MSS segment sent (Nagle/Minshall). */
  smallSegEnd: number | undefined = undefined;
  /** PSH marks of TcpConfig.pushRule 'linux' (push-marks.ts), created by the first write. */
  pushMarks: PushMarks | undefined = undefined;
  /** Window-use verdict of TcpConfig.cwndGrowth 'linux' (cwnd-use.ts), created by the first output pass. */
  cwndUse: CwndUse | undefined = undefined;
  /** Busy / window-limited / buffer-limited time (send-chrono.ts), created when data is first queued. */
  chrono: SendChrono | undefined = undefined;

  // ---- timers and retransmission state
  readonly timers = new TimerTable();
  /** Send pacing state (pacing.ts), allocated when pacing first holds or times a segment. */
  pacer: Pacer | undefined = undefined;
  rtt: RttEstimator;
  /** Consecutive retransmission-timer expiries without progress. */
  retries = 0;
  cc: CongestionControl;
  recovery: LossRecovery;
  /** Transmit records, RACK-TLP, PRR, undo, delivery rate (loss.ts); created with the first use. */
  #loss: LossState | undefined = undefined;
  keepProbes = 0;
  persistBackoff = 0;
  persistProbes = 0;

  // ---- per-connection options
  keepAliveIdle: number;
  userTimeout: number | undefined;

  /** Error the connection ended with, if any. */
  error: TcpErrorCode | undefined = undefined;
  /** ICMP-reported soft error, reported instead of ETIMEDOUT when the connection times out. */
  softError: TcpErrorCode | undefined = undefined;

  readonly stats: TcpConnectionStats = newConnectionStats();

  constructor(host: ConnectionHost, local: Endpoint, remote: Endpoint, opts: TcpSocketOptions, initial: 'CLOSED' | 'LISTEN', now: number) {
    super();
    const cfg = host.config;
    this.host = host;
    this.local = sharedEndpoint(local.address, local.port);
    this.remote = sharedEndpoint(remote.address, remote.port);
    this.passive = initial === 'LISTEN';
    this.#state = initial;
    const v6 = isV6(remote.address);
    this.userMss = opts.mss;
    this.noOptions = opts.noOptions ?? false;
    if (opts.ip !== undefined) this.ip = { ...opts.ip };
    this.openedAt = now;
    this.connectTimeout = opts.connectTimeout ?? cfg.connectTimeout;
    const wanted = opts.mss ?? cfg.mss;
    this.advMss = advertisedMss(host.services, cfg, remote.address, wanted);
    this.sndMss = effectiveSendMss(undefined, host.services.mtuFor(remote.address), v6);
    this.rcvMss = Math.min(this.advMss, defaultMss(false));
    this.sendBuf = new ByteQueue(Math.max(1, opts.sendBufferSize ?? cfg.sendBufferSize));
    this.recvBuf = new RecvQueue(Math.max(1, opts.recvBufferSize ?? cfg.recvBufferSize));
    const services = host.services;
    if (services.allocate !== undefined) this.recvBuf.allocate = (n) => services.allocate!(n);
    this.ooo = new Reassembly(cfg.maxReassemblySegments);
    this.sendBuf.pool = this.recvBuf.pool = this.ooo.pool = host.memory;
    this.quickAcks = cfg.quickAckSegments;
    const params = sharedParams(cfg);
    this.rtt = new RttEstimator(params.rto);
    this.cc = this.#newCc(false);
    this.recovery = new LossRecovery(0, params.recovery);
    this.noDelay = opts.noDelay ?? cfg.noDelay;
    if (opts.cork === true) this.cork = true;
    this.keepAlive = opts.keepAlive ?? cfg.keepAlive;
    this.keepAliveIdle = opts.keepAliveIdle ?? cfg.keepAliveIdle;
    const ut = opts.userTimeout ?? cfg.userTimeout;
    this.userTimeout = ut !== undefined && ut > 0 ? ut : undefined;
    this.lastRecv = now;
    this.lastSend = now;
    this.clock = now;
    this.sendAutoTune = cfg.sendBufferAutoTune && opts.sendBufferSize === undefined;
    this.autoTune = cfg.recvBufferAutoTune && opts.recvBufferSize === undefined && cfg.recvBufferMax > this.recvBuf.limit;
    if (cfg.windowScaling) this.ourWscale = shiftFor(this.autoTune || cfg.windowScaleFromMax ? cfg.recvBufferMax : this.recvBuf.limit);
  }

  // ================================================================ status (§3.10.6 STATUS)

  /** "laddr|lport|raddr|rport", for messages and traces (the layer's table keys by a hash, conn-table.ts). */
  get key(): string {
    return connectionKey(this.local.address, this.local.port, this.remote.address, this.remote.port);
  }

  get state(): TcpState {
    return this.#state;
  }

  /** Bytes ready for recv(). */
  get readableLength(): number {
    return this.recvBuf.length;
  }

  /** Bytes queued for sending, sent or not yet acknowledged. */
  get writableLength(): number {
    return this.sendBuf.length;
  }

  /** Bytes send() would take now. */
  get sendSpace(): number {
    return this.finQueued || this.closePending ? 0 : Math.min(this.sendBuf.free, sendRoom(this));
  }

  get sendBufferSize(): number {
    return this.sendBuf.limit;
  }

  set sendBufferSize(n: number) {
    this.sendAutoTune = false;
    this.sendBuf.limit = Math.max(1, Math.floor(n));
  }

  get recvBufferSize(): number {
    return this.recvBuf.limit;
  }

  /** Takes effect for future window advertisements; an advertised window is never withdrawn. */
  set recvBufferSize(n: number) {
    this.autoTune = false;
    this.recvBuf.limit = Math.max(1, Math.floor(n));
  }

  /** The peer's FIN has been received and every byte before it has been read. */
  get eof(): boolean {
    return this.peerFin && this.recvBuf.length === 0;
  }

  /** Current RTO, smoothed RTT and congestion state, for diagnostics and plots. */
  get info(): { rto: number; srtt: number | undefined; rttvar: number | undefined; cwnd: number; ssthresh: number; sndWnd: number; inRecovery: boolean; sndMss: number } {
    return {
      rto: this.rtt.rto,
      srtt: this.rtt.srtt,
      rttvar: this.rtt.rttvar,
      cwnd: this.cc.cwnd,
      ssthresh: this.cc.ssthresh,
      sndWnd: this.sndWnd,
      inRecovery: this.recovery.inRecovery,
      sndMss: this.sndMss,
    };
  }

  // ================================================================ user calls (§3.10)

  /**
   * §3.10.2 SEND: queues up to the free send-buffer space (copying) and returns the bytes taken.
   * Before ESTABLISHED the data waits for the handshake. After shutdown/close: EPIPE.
   * `more` (MSG_MORE): more data follows at once — full segments go, the sub-MSS tail waits for the
   * next write, an arriving segment or the persist timer (cork.ts), and the write sets no push mark.
   */
  send(data: Uint8Array, _now: number, more = false): number | TcpError {
    switch (this.#state) {
      case 'SYN-SENT':
      case 'SYN-RECEIVED':
      case 'ESTABLISHED':
      case 'CLOSE-WAIT': {
        if (this.finQueued || this.closePending) return tcpError('EPIPE', 'the connection has been shut down for sending');
        const room = sendRoom(this); // the stack-wide memory limit (pressure.ts)
        const admit = sendAdmit(this, Math.min(room, data.length)); // TcpConfig.sendBufferRule 'linux' (sndbuf-linux.ts)
        const part = room < data.length ? data.subarray(0, room) : data;
        const n = admit === undefined ? this.sendBuf.push(part) : this.sendBuf.push(part, admit);
        if (n < data.length) {
          this.sendBlocked = true;
          if (n === room) sendRefused(this);
        }
        if (n > 0) {
          pushMarksOnWrite(this, n, more);
          this.moreHold = more;
          this.host.wake(this);
        }
        return n;
      }
      case 'CLOSED':
      case 'LISTEN':
        if (this.error !== undefined) return tcpError(this.error, 'connection failed');
        return tcpError(this.announced ? 'EPIPE' : 'ENOTCONN', 'connection is closed');
      default:
        return tcpError('EPIPE', 'the connection has been shut down for sending');
    }
  }

  /**
   * §3.10.3 RECEIVE: up to `maxBytes` in-order bytes, or undefined when none are buffered (check
   * `eof` to tell end-of-stream from "nothing yet"). Reading may open the window (§3.8.6.2.2).
   */
  recv(maxBytes?: number): Uint8Array | undefined {
    const n = Math.min(this.recvBuf.length, maxBytes ?? Infinity);
    if (n <= 0) {
      this.readableArmed = true;
      return undefined;
    }
    return this.#took(this.recvBuf.shift(n));
  }

  /**
   * Like recv(), but never copies: up to `maxBytes` in-order bytes that sit together in the receive
   * buffer's memory, as a view of it (possibly fewer than are buffered: call again for the rest).
   * The view stays valid and unchanged; undefined when none are buffered.
   */
  recvChunk(maxBytes?: number): Uint8Array | undefined {
    const out = this.recvBuf.read(maxBytes ?? Infinity);
    if (out.length === 0) {
      this.readableArmed = true;
      return undefined;
    }
    return this.#took(out);
  }

  /** recv()/recvChunk() took `out` from the receive buffer. */
  #took(out: Uint8Array): Uint8Array {
    this.#read(out.length);
    if (this.ooo.isEmpty) this.recvBuf.trim(4096); // DESIGN memory: drained, it gives back what a burst grew
    return out;
  }

  /**
   * §3.10.3 RECEIVE into the caller's memory: copies up to `buf.length - off` in-order bytes into
   * `buf` at `off` and returns how many (0 when none are buffered; check `eof`). Unlike recv() the
   * receive buffer keeps its memory when drained, so a reader that reuses one buffer allocates
   * nothing per read; close (or a later recv()) releases it.
   */
  recvInto(buf: Uint8Array, off = 0): number {
    const n = this.recvBuf.readInto(buf, off);
    if (n === 0) {
      if (this.recvBuf.length === 0) this.readableArmed = true;
      return 0;
    }
    this.#read(n);
    return n;
  }

  #read(n: number): void {
    this.readOffset += n;
    if (this.autoTune) recvAutoTune(this, n);
    if (this.recvBuf.length === 0) this.readableArmed = true;
    if (this.#state !== 'CLOSED' && this.#state !== 'TIME-WAIT' && wantWindowUpdate(this)) {
      this.ackNow = true;
      this.host.wake(this);
    }
  }

  /**
   * §3.10.4 CLOSE as a half-close ("I have no more to send"): a FIN follows the queued data; the
   * receive side stays open. In SYN-SENT the FIN waits for the handshake (sockets behaviour; the
   * RFC would delete the TCB, which close() does).
   */
  shutdown(now: number): TcpError | undefined {
    switch (this.#state) {
      case 'CLOSED':
      case 'LISTEN':
        return this.error !== undefined ? undefined : tcpError('ENOTCONN', 'not connected');
      case 'SYN-SENT':
        this.closePending = true;
        return undefined;
      case 'SYN-RECEIVED':
        // §3.10.4: FIN now if nothing is queued, otherwise after entering ESTABLISHED.
        if (this.sendBuf.length > 0) {
          this.closePending = true;
          return undefined;
        }
        this.queueFin();
        this.setState('close', now);
        this.host.wake(this);
        return undefined;
      case 'ESTABLISHED':
      case 'CLOSE-WAIT':
        this.queueFin();
        this.setState('close', now);
        this.host.wake(this);
        return undefined;
      default:
        return undefined; // FIN already queued
    }
  }

  /**
   * Full close: shutdown() plus "the user reads no more". Unread or later-arriving data is answered
   * with RST (RFC 1122 §4.2.2.13, RFC 2525 §2.17). In SYN-SENT the TCB is deleted (§3.10.4).
   */
  close(now: number): void {
    this.orphaned = true;
    switch (this.#state) {
      case 'CLOSED':
        return;
      case 'SYN-SENT':
        this.setState('close', now);
        return;
      case 'TIME-WAIT':
      case 'CLOSING':
      case 'LAST-ACK':
        return;
      default:
        break;
    }
    if (this.recvBuf.length > 0 || !this.ooo.isEmpty) {
      this.abort(now);
      return;
    }
    this.shutdown(now);
    if (this.#state === 'FIN-WAIT-2') this.timers.set('finwait2', now + this.host.config.finWait2Timeout);
    this.host.wake(this);
  }

  /** §3.10.5 ABORT: RST where the state calls for it, then CLOSED. */
  abort(now: number): void {
    this.clock = now;
    switch (this.#state) {
      case 'CLOSED':
      case 'LISTEN':
        return;
      case 'SYN-RECEIVED':
      case 'ESTABLISHED':
      case 'FIN-WAIT-1':
      case 'FIN-WAIT-2':
      case 'CLOSE-WAIT':
        this.host.enqueue(this.segment(this.sndMax, RST | ACK, EMPTY));
        break;
      default:
        break;
    }
    this.recvBuf.clear();
    this.setState('abort', now);
  }

  /** RFC 896 Nagle off (true) or on (false). Turning it off sends what is queued at once, corked or not. */
  setNoDelay(noDelay = true): void {
    this.noDelay = noDelay;
    if (noDelay) {
      this.naglePush = true;
      this.host.wake(this);
    }
  }

  /**
   * TCP_CORK: while corked, sub-MSS segments wait (full segments and a FIN still go); a tail held
   * with nothing in flight leaves when the persist timer fires (about one RTO: the "200 ms
   * ceiling"). Uncorking sends what is queued, under Nagle unless noDelay is set (cork.ts).
   */
  setCork(cork: boolean): void {
    if (this.cork === cork) return;
    this.cork = cork;
    if (!cork) {
      if (this.noDelay) this.naglePush = true;
      this.host.wake(this);
    }
  }

  /** RFC 1122 §4.2.3.6 keep-alive; `idleMs` (default from config) before the first probe. */
  setKeepAlive(enable: boolean, idleMs?: number): void {
    this.keepAlive = enable;
    if (idleMs !== undefined && idleMs > 0) this.keepAliveIdle = idleMs;
    this.keepProbes = 0;
    this.armKeepAlive();
    this.host.wake(this);
  }

  /** RFC 9293 §3.8.3 / RFC 5482 user timeout in ms (0 = none). */
  setUserTimeout(ms: number): void {
    this.userTimeout = ms > 0 ? ms : undefined;
  }

  // ================================================================ internals shared by input/output

  /** @internal Changes state along an edge of the RFC 9293 §3.3.2 table (throws on a missing edge: a bug). */
  setState(cause: TcpCause, now: number, error?: TcpErrorCode): void {
    const from = this.#state;
    const edge = findTransition(from, cause);
    if (edge === undefined) throw new Error(`TCP state machine has no transition from ${from} on ${cause}`);
    this.#state = edge.to;
    if (error !== undefined) this.error = error;
    this.host.emit({ type: 'state', conn: this, from, to: edge.to, cause, now });
    if (edge.to === 'TIME-WAIT') {
      // §3.10.7.4: start the time-wait timer, turn off the other timers.
      this.timers.clearAll();
      this.timers.set('timewait', now + 2 * this.host.config.msl);
      this.sendBuf.clear();
      this.#loss = undefined;
      this.recvBuf.trim(); // nothing arrives after the FIN: release it if read (unread bytes stay)
    }
    if (edge.to === 'CLOSED' || edge.to === 'LISTEN') this.#release(error !== undefined);
    if ((edge.to === 'CLOSED' || edge.to === 'TIME-WAIT') && !this.closedEmitted && this.announced) {
      this.closedEmitted = true;
      const ev: TcpEvent = error !== undefined ? { type: 'closed', conn: this, error, now } : { type: 'closed', conn: this, now };
      this.host.emit(ev);
    }
  }

  /** @internal The connection fails with `code` (§3.10.7, §3.8.3), moving to CLOSED by `cause`. */
  fail(code: TcpErrorCode, cause: TcpCause, now: number): void {
    this.recvBuf.clear();
    this.ooo.clear();
    this.setState(cause, now, code);
  }

  /** @internal Emits a user event if the user can see this connection. */
  notify(type: 'connected' | 'readable' | 'writable' | 'peer-fin', now: number): void {
    if (this.announced) this.host.emit({ type, conn: this, now });
  }

  /** @internal Queues our FIN after the data queued so far (§3.10.4). */
  queueFin(): void {
    if (this.finQueued) return;
    this.finQueued = true;
    this.closePending = false;
    this.finSeq = seqAdd(this.dataHeadSeq(), this.sendBuf.length);
  }

  /** @internal Sequence number of the first byte in the send buffer (SND.UNA, or ISS+1 before the SYN is acked). */
  dataHeadSeq(): number {
    return this.synAcked ? this.sndUna : seqAdd(this.iss, 1);
  }

  /** @internal Bytes queued but never sent from the current send pointer. */
  unsentBytes(): number {
    return Math.max(0, this.sendBuf.length - seqDiff(this.sndNxt, this.dataHeadSeq()));
  }

  /** @internal Our FIN has been sent (it is below SND.MAX). */
  finSent(): boolean {
    return this.finQueued && seqGt(this.sndMax, this.finSeq);
  }

  /** @internal Our FIN has been acknowledged. */
  finAcked(): boolean {
    return this.finQueued && seqGt(this.sndUna, this.finSeq);
  }

  /** The window field the next segment would carry (window.ts, RFC 9293 §3.8.6.2.2). */
  windowField(): number {
    return windowField(this);
  }

  /** @internal Builds a segment from this connection and records what it acknowledges/advertises (segment-out.ts). */
  segment(seq: number, flags: number, payload: Uint8Array, options?: TcpDatagram['seg']['options']): TcpDatagram {
    return buildSegment(this, seq, flags, payload, options);
  }

  /** @internal Sends an ACK at once (§3.10.7.4 unacceptable segment, out-of-order data, challenge ACK). */
  sendAckNow(): void {
    this.host.enqueue(this.segment(this.sndMax, ACK, EMPTY));
  }

  /** @internal RFC 5961 §3.2/§4.2/§5.2 challenge ACK, rate limited (§7). */
  challengeAck(now: number): void {
    if (!this.host.allowChallengeAck(now)) return;
    this.stats.challengeAcksOut++;
    this.sendAckNow();
  }

  /** @internal (Re)arms the keep-alive timer from the last time we heard from the peer. */
  armKeepAlive(): void {
    const s = this.#state;
    if (!this.keepAlive || !(s === 'ESTABLISHED' || s === 'CLOSE-WAIT' || s === 'FIN-WAIT-2')) {
      this.timers.clear('keepalive');
      return;
    }
    const at = this.keepProbes === 0 ? this.lastRecv + this.keepAliveIdle : this.lastSend + this.host.config.keepAliveInterval;
    this.timers.set('keepalive', at);
  }

  /** @internal Congestion control for the connection's current MSS (§3.7.1) and SYN history. */
  resetCongestionControl(): void {
    this.cc = this.#newCc(this.synRetransmitted);
    this.recovery = new LossRecovery(this.iss, this.recovery.opts);
    this.recovery.sack = this.sackOk;
    this.#loss = undefined;
  }

  /** @internal Loss-recovery state (loss.ts), allocated when first needed and dropped with the TCB's buffers. */
  get loss(): LossState {
    return (this.#loss ??= new LossState(this.host.config.prr));
  }

  /** The loss-recovery state if it exists (diagnostics: never allocates). */
  get lossIfAny(): LossState | undefined {
    return this.#loss;
  }

  #newCc(synLost: boolean): CongestionControl {
    return connectionCongestionControl(this.host.config, this.sndMss, this.host.services.routeMetrics?.(this.remote.address)?.initcwnd, synLost);
  }

  #release(flushRecv: boolean): void {
    this.timers.clearAll();
    this.sendBuf.clear();
    this.ooo.clear();
    this.sb.clear();
    this.#loss = undefined;
    if (flushRecv) this.recvBuf.clear();
    else this.recvBuf.trim();
    this.synPending = this.retransmitHead = this.forceSend = this.probePending = this.ackNow = false;
    this.host.detach(this);
  }
}

export const EMPTY = new Uint8Array(0);
const NO_OFFSETS: readonly number[] = Object.freeze([]);
const { ACK, RST } = TcpFlag;

export function connectionKey(localAddress: string, localPort: number, remoteAddress: string, remotePort: number): string {
  return `${localAddress}|${localPort}|${remoteAddress}|${remotePort}`;
}
