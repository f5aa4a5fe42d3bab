// The TCP layer of one stack: demultiplexes segments by 4-tuple to connections and listeners,
// answers segments for no connection (RFC 9293 §3.10.7.1), and drives every connection's output
// and timers through poll()/pollAt(). It is the TcpHandler the stack calls, and the user-level
// entry point (listen, connect) for the api/ layer above.

import { PortTable } from '../ports/port-table.js';
import { classifyIcmpError } from './icmp-errors.js';
import type { Endpoint, Rng, TcpDatagram, TcpHandler, TcpIcmpError, TcpServices } from '../stack/types.js';
import { TcpFlag, type TcpRepr } from '../wire/tcp-types.js';
import { resolveConfig, type TcpConfig } from './config.js';
import { EMPTY, TcpConnection, type ConnectionHost } from './connection.js';
import { ConnectionTable } from './conn-table.js';
import { MIN_SND_MSS, defaultMss, isV6, mssForMtu, peerMssOption } from './mss.js';
import { TS_OPTION_BYTES, tsOffsetFor } from './rfc7323.js';
import { plpmtudOnPacketTooBig } from './plpmtud.js';
import { acceptsPacketTooBig } from './ip-options.js';
import { advertisedMss } from './adv-mss.js';
import { tcpError, type TcpResult } from './errors.js';
import type { TcpEvent } from './events.js';
import { DeadlineHeap } from './heap.js';
import { MemoryPool, type TcpMemoryStats } from './memory.js';
import { acceptSyn, segmentArrives } from './input.js';
import { ecnInput } from './ecn.js';
import { IsnGenerator } from './isn.js';
import { TcpListener, type ListenerHost } from './listener.js';
import type { TcpConnectOptions, TcpListenOptions } from './options.js';
import { transmit } from './output.js';
import { seqAdd, seqGt, seqLe, seqLt } from './seq.js';
import { SynCookies } from './syncookie.js';
import { onTimers } from './timer-actions.js';

const { FIN, SYN, RST, ACK } = TcpFlag;

export interface TcpLayerOptions {
  services: TcpServices;
  rng: Rng;
  config?: Partial<TcpConfig>;
  /** The stack's TCP bind table; by default the layer keeps its own. */
  ports?: PortTable;
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

function validPort(p: number): boolean {
  return Number.isInteger(p) && p >= 0 && p <= 0xffff;
}

export class TcpLayer implements TcpHandler, ConnectionHost, ListenerHost {
  readonly config: TcpConfig;
  readonly services: TcpServices;
  readonly ports: PortTable;
  readonly #isn: IsnGenerator;
  readonly #cookies: SynCookies;
  readonly #conns: ConnectionTable;
  readonly #listeners = new Map<string, TcpListener>();
  #events: TcpEvent[] = [];
  #out: TcpDatagram[] = [];
  #dirty = new Set<TcpConnection>();
  readonly #heap = new DeadlineHeap<TcpConnection>();
  #lastNow = 0;
  #challengeSecond = -Infinity;
  #challengeCount = 0;
  /** Segments answered with RST because no connection or listener matched. */
  resetsSent = 0;
  /**
   * The interface below refuses every packet (a transmit queue that holds none): while true,
   * nothing is sent and connections retry on their timers (local-drop.ts).
   */
  localCongestion = false;
  /** Bytes queued by all connections, against the stack-wide limits (memory.ts, TcpConfig.memory). */
  readonly memory: MemoryPool;

  constructor(opts: TcpLayerOptions) {
    this.services = opts.services;
    this.config = resolveConfig(opts.config);
    this.memory = new MemoryPool(this.config.memory);
    this.#isn = new IsnGenerator(opts.rng);
    // The cookie secret comes from the ISN key drawn above, so the Rng's sequence is unchanged.
    this.#cookies = new SynCookies(this.#isn.subkey('syn-cookie'));
    // The connection table's hash seed too (conn-table.ts: collisions not computable offline).
    const tk = this.#isn.subkey('conn-table');
    this.#conns = new ConnectionTable(((tk[0]! << 24) | (tk[1]! << 16) | (tk[2]! << 8) | tk[3]!) >>> 0);
    if (opts.ports !== undefined) this.ports = opts.ports;
    else {
      const key = new Uint8Array(16);
      const view = new DataView(key.buffer);
      for (let i = 0; i < 4; i++) view.setUint32(4 * i, opts.rng() >>> 0);
      this.ports = new PortTable({ key });
    }
  }

  // ================================================================ user entry points

  /** Passive OPEN (§3.10.1) on `local` (address may be 0.0.0.0 / ::; port 0 picks one). */
  listen(local: Endpoint, backlog: number, now: number, opts: TcpListenOptions = {}): TcpResult<TcpListener> {
    this.#lastNow = now;
    if (!validPort(local.port)) return tcpError('EINVAL', `invalid port ${local.port}`);
    if (!isWildcard(local.address) && !this.services.isLocal(local.address)) {
      return tcpError('EADDRNOTAVAIL', `${local.address} is not a local address`);
    }
    const bindOpts = { reuseAddr: opts.reuseAddr ?? true };
    let port = local.port;
    if (port === 0) {
      const r = this.ports.bindEphemeral(local.address, bindOpts);
      if (!r.ok) return tcpError(r.code, `cannot bind ${local.address}:0`);
      port = r.port;
    } else {
      const r = this.ports.bind(local.address, port, bindOpts);
      if (!r.ok) return tcpError(r.code, `${local.address}:${port} is in use`);
    }
    const n = Math.max(1, Math.min(this.config.maxBacklog, Math.floor(Number.isFinite(backlog) ? backlog : this.config.maxBacklog)));
    const listener = new TcpListener(this, { address: local.address, port }, n, this.config.synBacklog, opts);
    this.#listeners.set(`${local.address}|${port}`, listener);
    listener.setState('passive-open', now);
    return { ok: true, value: listener };
  }

  /** Active OPEN (§3.10.1): sends a SYN at the next poll. */
  connect(remote: Endpoint, opts: TcpConnectOptions, now: number): TcpResult<TcpConnection> {
    this.#lastNow = now;
    if (!validPort(remote.port) || remote.port === 0) return tcpError('EINVAL', `invalid port ${remote.port}`);
    let localAddr = opts.local?.address;
    if (localAddr !== undefined && !isWildcard(localAddr)) {
      if (!this.services.isLocal(localAddr)) return tcpError('EADDRNOTAVAIL', `${localAddr} is not a local address`);
    } else {
      localAddr = this.services.sourceFor(remote.address);
      if (localAddr === undefined) return tcpError('ENETUNREACH', `no route to ${remote.address}`);
    }
    if (isV6(localAddr) !== isV6(remote.address)) return tcpError('EINVAL', 'address families differ');
    const la = localAddr;
    let port = opts.local?.port ?? 0;
    let issFloor: number | undefined;
    if (!validPort(port)) return tcpError('EINVAL', `invalid port ${port}`);
    if (port !== 0) {
      const old = this.#conns.get(la, port, remote.address, remote.port);
      if (old !== undefined) {
        if (old.state !== 'TIME-WAIT') return tcpError('EADDRINUSE', `${la}:${port} is connected to ${remote.address}:${remote.port}`);
        // Reuse of a 4-tuple in TIME-WAIT: the new ISS lies beyond anything the old incarnation sent.
        issFloor = old.sndMax;
        old.abort(now);
      }
    } else {
      const p = this.ports.allocateEphemeral(la, remote.address, remote.port, (p) => this.#conns.has(la, p, remote.address, remote.port));
      if (p === undefined) return tcpError('EADDRNOTAVAIL', 'no ephemeral port available');
      port = p;
    }
    const local = { address: la, port };
    const c = new TcpConnection(this, local, remote, opts, 'CLOSED', now);
    const iss = this.#chooseIss(local, remote, now, opts.iss, issFloor);
    c.announced = true;
    c.iss = iss;
    c.tsOffset = tsOffsetFor(iss);
    c.sndUna = iss;
    c.sndNxt = c.sndMax = seqAdd(iss, 1);
    c.resetCongestionControl();
    this.#conns.set(c);
    c.setState('active-open', now);
    c.synPending = true;
    this.wake(c);
    return { ok: true, value: c };
  }

  /** Events since the last call, oldest first. */
  pollEvents(): TcpEvent[] {
    const ev = this.#events;
    this.#events = [];
    return ev;
  }

  /** Live connections (including half-open and TIME-WAIT ones). */
  connections(): IterableIterator<TcpConnection> {
    return this.#conns.values();
  }

  get connectionCount(): number {
    return this.#conns.size;
  }

  listeners(): IterableIterator<TcpListener> {
    return this.#listeners.values();
  }

  /** The connection for a 4-tuple, if any. */
  find(local: Endpoint, remote: Endpoint): TcpConnection | undefined {
    return this.#conns.get(local.address, local.port, remote.address, remote.port);
  }

  // ================================================================ TcpHandler (called by the stack)

  receive(dgram: TcpDatagram, now: number): void {
    this.#lastNow = now;
    const seg = dgram.seg;
    if (seg.srcPort === 0 || seg.dstPort === 0) return; // port 0 is never a valid endpoint
    if (this.config.dropSynFin && (seg.flags & (SYN | FIN)) === (SYN | FIN)) return; // TcpConfig.dropSynFin
    const c = this.#conns.get(dgram.dst, seg.dstPort, dgram.src, seg.srcPort);
    if (c !== undefined) {
      if (c.state === 'TIME-WAIT' && (seg.flags & (SYN | ACK | RST)) === SYN && seqGt(seg.seq, c.rcvNxt)) {
        // RFC 1122 §4.2.2.13 (RFC 9293 §3.10.7.4 fourth, TIME-WAIT): a new SYN with a higher
        // sequence number may reopen the connection; our new ISS exceeds the old SND.MAX.
        const l = this.#findListener(dgram.dst, seg.dstPort);
        if (l !== undefined) {
          const floor = c.sndMax;
          c.setState('rcv-syn-reopen', now);
          this.#listenInput(l, dgram, now, floor);
          return;
        }
      }
      ecnInput(c, seg, dgram.ecn); // RFC 3168 §6.1.3
      segmentArrives(c, seg, now);
      this.wake(c); // timers may have moved and a reply may be owed: poll it
      return;
    }
    const l = this.#findListener(dgram.dst, seg.dstPort);
    if (l !== undefined) this.#listenInput(l, dgram, now, undefined);
    else this.#replyClosed(dgram);
  }

  /**
   * Segments to send now. Their payloads may be views into a connection's send buffer, valid until
   * the acknowledged bytes are reused: serialize them at once, or copy a payload that is held.
   */
  poll(now: number, budget = Infinity): TcpDatagram[] {
    this.#lastNow = now;
    for (;;) {
      const at = this.#heap.peekAt();
      if (at === undefined || at > now) break;
      const c = this.#heap.pop()!.item;
      if (at !== c.heapAt) continue; // stale entry
      c.heapAt = Infinity;
      if (c.state === 'CLOSED' && c.timers.next() === Infinity) continue;
      if (c.timers.next() <= now) onTimers(c, now);
      this.#dirty.add(c);
    }
    if (this.memory.waiters.size > 0 && this.memory.room > 0) this.#memoryFreed(now);
    // While the interface refuses to send (localCongestion), RSTs and immediate ACKs are dropped too.
    const out = this.localCongestion ? [] : this.#out;
    this.#out = [];
    if (budget === Infinity || this.#dirty.size * 64 < budget) {
      const dirty = [...this.#dirty];
      this.#dirty.clear();
      for (const c of dirty) {
        transmit(c, now, out);
        this.#schedule(c);
      }
    } else {
      // Serve connections in order until the budget is spent; the others stay dirty.
      for (const c of this.#dirty) {
        if (out.length >= budget) break;
        this.#dirty.delete(c);
        transmit(c, now, out);
        this.#schedule(c);
      }
    }
    if (this.#out.length > 0) {
      if (!this.localCongestion) out.push(...this.#out);
      this.#out = [];
    }
    if (this.#heap.size > 2 * this.#conns.size + 64) this.#heap.filter((at, c) => at === c.heapAt);
    return out;
  }

  pollAt(): number | undefined {
    if (this.#out.length > 0 || this.#dirty.size > 0) return this.#lastNow;
    if (this.memory.waiters.size > 0 && this.memory.room > 0) return this.#lastNow;
    for (;;) {
      const at = this.#heap.peekAt();
      if (at === undefined) return undefined;
      const c = this.#heap.peekItem()!;
      this.#heap.pop();
      if (at !== c.heapAt) continue; // stale entry
      // The earliest timer may have moved later since the entry was pushed: re-file it exactly.
      const real = c.timers.next();
      c.heapAt = Infinity;
      if (real === Infinity) continue;
      this.#heap.push(real, c);
      c.heapAt = real;
      if (real === at) return at;
    }
  }

  icmpError(err: TcpIcmpError, now: number): void {
    this.#lastNow = now;
    const c = this.#conns.get(err.local.address, err.local.port, err.remote.address, err.remote.port);
    if (c === undefined) return;
    // RFC 5927 §4.1: act only on errors quoting a sequence number we have outstanding.
    if (!(seqLe(c.sndUna, err.seq) && seqLt(err.seq, c.sndMax))) return;
    if (err.kind === 'packet-too-big') {
      if (err.mtu === undefined || !acceptsPacketTooBig(c.ip?.pmtuDiscovery)) return;
      const mss = Math.max(MIN_SND_MSS, mssForMtu(err.mtu, isV6(c.remote.address)) - (c.tsOk ? TS_OPTION_BYTES : 0));
      plpmtudOnPacketTooBig(c, err.mtu); // RFC 4821 §4: also caps an MTU search (a probe too big)
      if (mss >= c.sndMss) return;
      // RFC 1191 §6.4 / RFC 8201 §5.4: shrink the segments and resend at once, without treating it as congestion.
      c.sndMss = mss;
      c.cc.setMss(mss);
      if (seqLt(c.sndUna, c.sndNxt) && c.synAcked) c.sndNxt = c.sndUna;
      this.wake(c);
      return;
    }
    // RFC 1122 §4.2.3.9: hard errors (which ones: TcpConfig.icmpHardErrors) end a connection attempt.
    const v = classifyIcmpError(err, this.config.icmpHardErrors);
    if (v.hard && (c.state === 'SYN-SENT' || (c.state === 'SYN-RECEIVED' && !c.passive))) {
      c.fail(v.error, 'icmp-error', now);
      return;
    }
    c.softError = v.error;
  }

  // ================================================================ ConnectionHost / ListenerHost

  emit(ev: TcpEvent): void {
    this.#events.push(ev);
  }

  wake(c: TcpConnection): void {
    this.#dirty.add(c);
  }

  enqueue(d: TcpDatagram): void {
    this.#out.push(d);
  }

  detach(c: TcpConnection): void {
    this.memory.waiters.delete(c);
    this.#conns.delete(c);
    if (c.listener !== undefined) {
      c.listener.remove(c);
      c.listener = undefined;
    }
  }

  allowChallengeAck(now: number): boolean {
    const second = Math.floor(now / 1000);
    if (second !== this.#challengeSecond) {
      this.#challengeSecond = second;
      this.#challengeCount = 0;
    }
    if (this.#challengeCount >= this.config.challengeAckLimit) return false;
    this.#challengeCount++;
    return true;
  }

  closeListener(l: TcpListener, now: number): void {
    l.setState('close', now);
    const key = `${l.local.address}|${l.local.port}`;
    if (this.#listeners.get(key) === l) this.#listeners.delete(key);
    this.ports.release(l.local.address, l.local.port);
    for (const c of l.drain()) c.abort(now);
  }

  /** Stack-wide memory use and pressure counters (memory.ts). */
  memoryStats(): TcpMemoryStats {
    return this.memory.stats();
  }

  // ================================================================ internals

  /** Memory is below the hard limit again: writers refused by it hear 'writable' (if they still have room). */
  #memoryFreed(now: number): void {
    const waiters = [...this.memory.waiters];
    this.memory.waiters.clear();
    for (const c of waiters) {
      if (c.sendBlocked && c.sendSpace > 0) {
        c.sendBlocked = false;
        c.notify('writable', now);
      }
    }
  }

  #schedule(c: TcpConnection): void {
    const d = c.timers.next();
    if (d < c.heapAt) {
      this.#heap.push(d, c);
      c.heapAt = d;
    }
  }

  #chooseIss(local: Endpoint, remote: Endpoint, now: number, fixed: number | undefined, floor: number | undefined): number {
    let iss = fixed ?? this.config.isn?.(local, remote, now) ?? this.#isn.isn(local, remote, now);
    iss >>>= 0;
    if (floor !== undefined && !seqGt(iss, floor)) iss = seqAdd(floor, 0x10000);
    return iss;
  }

  #findListener(address: string, port: number): TcpListener | undefined {
    const b = this.ports.lookup(address, port);
    if (b === undefined) return undefined;
    const l = this.#listeners.get(`${b.address}|${port}`);
    return l?.state === 'LISTEN' ? l : undefined;
  }

  /** §3.10.7.2 LISTEN. */
  #listenInput(l: TcpListener, dgram: TcpDatagram, now: number, issFloor: number | undefined): void {
    const seg = dgram.seg;
    if (seg.flags & RST) return; // first: an incoming RST is ignored
    if (seg.flags & ACK) {
      // RFC 4987 §3.6: while cookies are in use, an ACK may complete a handshake we kept no state for.
      if (!(seg.flags & SYN) && this.#cookieAck(l, dgram, now)) return;
      // second: any ACK is bad here — <SEQ=SEG.ACK><CTL=RST> (a SYN-ACK only if TcpConfig.listenerSynAckRst)
      if (seg.flags & SYN && !this.config.listenerSynAckRst) return;
      this.#out.push(reply(dgram, seg.ack, 0, RST));
      this.resetsSent++;
      return;
    }
    if (!(seg.flags & SYN)) return; // fourth: anything else is dropped
    if (!l.admitsSyn()) {
      // RFC 4987 §3.6: only the SYN queue is full — answer statelessly with a cookie. (Not for a SYN
      // reopening a TIME-WAIT 4-tuple: that old connection would take the returning ACK.)
      if (this.config.synCookies && issFloor === undefined && l.synQueueFull() && l.hasRoom()) {
        this.#sendCookie(l, dgram, now);
        return;
      }
      l.droppedSyns++; // queues full: drop silently, the peer retransmits
      return;
    }
    const local = { address: dgram.dst, port: seg.dstPort };
    const remote = { address: dgram.src, port: seg.srcPort };
    const c = new TcpConnection(this, local, remote, l.options, 'LISTEN', now);
    l.addHalfOpen(c);
    this.#conns.set(c);
    acceptSyn(c, seg, this.#chooseIss(local, remote, now, undefined, issFloor), now);
  }

  /** RFC 4987 §3.6: SYN-ACK <SEQ=cookie><ACK=SEG.SEQ+1> with our MSS only; nothing is remembered. */
  #sendCookie(l: TcpListener, dgram: TcpDatagram, now: number): void {
    const seg = dgram.seg;
    const v6 = isV6(dgram.src);
    const local = { address: dgram.dst, port: seg.dstPort };
    const remote = { address: dgram.src, port: seg.srcPort };
    const cookie = this.#cookies.make(local, remote, seg.seq, peerMssOption(seg) ?? defaultMss(v6), now);
    const advMss = advertisedMss(this.services, this.config, dgram.src, l.options.mss ?? this.config.mss);
    const d = reply(dgram, cookie, seqAdd(seg.seq, 1), SYN | ACK);
    d.seg.window = this.#cookieWindow(l);
    d.seg.options = [{ kind: 'mss', mss: advMss }];
    this.#out.push(d);
    l.cookiesSent++;
    l.lastCookieAt = now;
  }

  /** The window a cookie SYN-ACK offers (unscaled: cookie connections do not scale windows). */
  #cookieWindow(l: TcpListener): number {
    return Math.min(0xffff, Math.max(1, l.options.recvBufferSize ?? this.config.recvBufferSize));
  }

  /**
   * An ACK reached a listener. If a cookie was sent in the current or previous counter period and
   * SEG.ACK − 1 is a valid cookie for this 4-tuple and client ISN SEG.SEQ − 1, the connection is built
   * as if its SYN had been queued (with the cookie's MSS, no window scale / SACK / timestamps) and the
   * ACK is processed by it: ESTABLISHED, onto the accept queue, any data taken. Returns true when
   * the segment was consumed (a connection made, or dropped for want of accept-queue room).
   */
  #cookieAck(l: TcpListener, dgram: TcpDatagram, now: number): boolean {
    if (!this.config.synCookies || l.cookiesSent === 0) return false;
    if (SynCookies.counter(now) - SynCookies.counter(l.lastCookieAt) > 1) return false;
    const seg = dgram.seg;
    const local = { address: dgram.dst, port: seg.dstPort };
    const remote = { address: dgram.src, port: seg.srcPort };
    const clientIsn = seqAdd(seg.seq, -1);
    const cookie = seqAdd(seg.ack, -1);
    const ok = this.#cookies.check(local, remote, clientIsn, cookie, now);
    if (ok === undefined) {
      l.cookiesRejected++;
      return false;
    }
    if (!l.hasRoom()) {
      l.droppedSyns++; // accept queue full: drop, the peer's retransmission finds room later
      return true;
    }
    const c = new TcpConnection(this, local, remote, l.options, 'LISTEN', now);
    l.adoptCookieChild(c);
    this.#conns.set(c);
    const syn: TcpRepr = {
      srcPort: seg.srcPort, dstPort: seg.dstPort, seq: clientIsn, ack: 0, flags: SYN,
      window: seg.window, urgent: 0, options: [{ kind: 'mss', mss: ok.mss }], payload: EMPTY,
    };
    acceptSyn(c, syn, cookie, now);
    c.synPending = false; // the SYN-ACK went out when the cookie was made
    c.rcvAdvEdge = seqAdd(c.rcvNxt, this.#cookieWindow(l));
    l.cookiesAccepted++;
    segmentArrives(c, seg, now);
    if (c.state === 'SYN-RECEIVED') c.abort(now); // not completed by its own ACK: keep no state
    else this.wake(c);
    return true;
  }

  /** §3.10.7.1 CLOSED: answer anything but a RST with a RST. */
  #replyClosed(dgram: TcpDatagram): void {
    const seg = dgram.seg;
    if (seg.flags & RST) return;
    if (seg.flags & ACK) this.#out.push(reply(dgram, seg.ack, 0, RST));
    else this.#out.push(reply(dgram, 0, seqAdd(seg.seq, segmentLength(seg)), RST | ACK));
    this.resetsSent++;
  }
}

/** SEG.LEN: payload plus one for each of SYN and FIN (RFC 9293 §3.4). */
export function segmentLength(seg: TcpRepr): number {
  return seg.payload.length + (seg.flags & SYN ? 1 : 0) + (seg.flags & FIN ? 1 : 0);
}

function reply(to: TcpDatagram, seq: number, ack: number, flags: number): TcpDatagram {
  return {
    src: to.dst,
    dst: to.src,
    seg: { srcPort: to.seg.dstPort, dstPort: to.seg.srcPort, seq, ack, flags, window: 0, urgent: 0, options: [], payload: EMPTY },
  };
}

