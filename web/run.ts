// One demo run, entirely in the page: two real layer4 Stacks (client 10.0.0.1, server 10.0.0.2),
// each with its TcpLayer, joined by an impaired in-memory link, on a virtual clock. The client
// connects, sends `bytes` bytes and closes; the server reads and checks every byte, then closes.
// The page advances the run a slice of virtual time at a time and draws what it recorded.
//
// Only browser-safe modules are used: the sans-IO core, link/ stages, and sim/'s scheduler,
// node driver and seeded random streams (not sim/network.ts, which brings in Node's clock and fs).

import { MemoryChannel } from '../src/link/memory.js';
import type { ChannelStats, LinkStage, PacketSink } from '../src/link/types.js';
import { SimNode } from '../src/sim/node.js';
import { RandomRoot, type Sfc32 } from '../src/sim/rng.js';
import { Scheduler } from '../src/sim/scheduler.js';
import { Stack } from '../src/stack/stack.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import type { TcpEvent } from '../src/tcp/events.js';
import { TcpLayer } from '../src/tcp/layer.js';
import type { TcpListener } from '../src/tcp/listener.js';
import type { SegmentEntry, SeriesCcSample, SideIndex, TraceEntry } from '../src/viz/trace.js';
import { LadderSelector, type LadderLimits } from './ladder-view.js';
import type { RunParams } from './params.js';
import { TraceRecorder } from './recorder.js';

export const CLIENT_ADDRESS = '10.0.0.1';
export const SERVER_ADDRESS = '10.0.0.2';
/** RFC 863 discard: the server only reads (and here checks) what it gets. */
export const SERVER_PORT = 9;

/** Virtual time after which a run that has not finished is abandoned. */
const VIRTUAL_LIMIT_MS = 30 * 60 * 1000;
const CHUNK = 64 * 1024;

/** Byte `i` of the stream the client sends: a function of the position and seed, checked by the server. */
export function patternByte(i: number, seed: number): number {
  return Math.imul((i ^ seed) >>> 0, 0x9e3779b1) >>> 24;
}

/** Why a run ended without delivering the whole stream (the page words each one). */
export type FailReason =
  /** A connection ended with an error (e.g. ETIMEDOUT after too many retransmissions). */
  | { code: 'tcp-error'; side: SideIndex; error: string }
  /** Nothing was left to happen, yet the transfer had not finished. */
  | { code: 'stalled' }
  /** Still not finished after VIRTUAL_LIMIT_MS of virtual time. */
  | { code: 'virtual-limit'; minutes: number }
  /** runToEnd() ran out of events. */
  | { code: 'event-limit' }
  /** Both sides closed but the server did not get every byte. */
  | { code: 'incomplete'; received: number }
  /** Bytes arrived changed. */
  | { code: 'corrupt'; bytes: number };

export type RunOutcome = { kind: 'running' } | { kind: 'done' } | { kind: 'failed'; reason: FailReason };

export interface RunStats {
  /** Virtual ms. */
  now: number;
  bytesSent: number;
  bytesReceived: number;
  /** Received bytes that differ from what was sent (must stay 0). */
  corruptBytes: number;
  segments: number;
  retransmissions: number;
  /** Packets the link dropped (random loss and full queue), both directions. */
  lost: number;
  /** When the server had every byte (virtual ms). */
  completeAt: number | undefined;
  states: [string, string];
}

interface Side {
  stack: Stack;
  layer: TcpLayer;
  node: SimNode;
}

export class DemoRun {
  readonly params: RunParams;
  readonly recorder: TraceRecorder;
  readonly ladder: LadderSelector;
  /** Congestion window, ssthresh and smoothed RTT of the client, sampled when they change. */
  readonly cc: SeriesCcSample[] = [];
  outcome: RunOutcome = { kind: 'running' };

  private readonly sched = new Scheduler();
  private readonly random: RandomRoot;
  private readonly client: Side;
  private readonly server: Side;
  private readonly toServer: MemoryChannel;
  private readonly toClient: MemoryChannel;
  private readonly inFlight = new Map<Uint8Array, SegmentEntry>();
  private clientConn: TcpConnection | undefined;
  private serverConn: TcpConnection | undefined;
  private listener: TcpListener | undefined;
  private sent = 0;
  private shut = false;
  private received = 0;
  private corrupt = 0;
  private lostCount = 0;
  private retx = 0;
  private completeAt: number | undefined;
  private closed: [boolean, boolean] = [false, false];
  private states: [string, string] = ['CLOSED', 'CLOSED'];
  private ladderGrew = false;
  private readonly chunk: Uint8Array;

  constructor(params: RunParams, limits: Partial<LadderLimits> = {}) {
    this.params = params;
    this.random = new RandomRoot(params.seed >>> 0);
    this.chunk = new Uint8Array(Math.min(CHUNK, params.bytes));
    this.recorder = new TraceRecorder({ name: 'client', address: CLIENT_ADDRESS }, { name: 'server', address: SERVER_ADDRESS, port: SERVER_PORT });
    this.ladder = new LadderSelector(limits);
    this.recorder.onEntry = (e) => this.onEntry(e);

    this.client = this.side(0, 'client', CLIENT_ADDRESS);
    this.server = this.side(1, 'server', SERVER_ADDRESS);
    const link = { delayMs: params.delayMs, rateMbps: params.rateMbps };
    this.toServer = this.channel(link, this.server.node, 'c2s');
    this.toClient = this.channel(link, this.client.node, 's2c');
    this.client.node.addPump((now) => this.clientPump(now));
    this.server.node.addPump((now) => this.serverPump(now));

    const l = this.server.layer.listen({ address: SERVER_ADDRESS, port: SERVER_PORT }, 1, 0);
    if (!l.ok) throw new Error(`listen: ${l.message}`);
    this.listener = l.value;
    const c = this.client.layer.connect({ address: SERVER_ADDRESS, port: SERVER_PORT }, {}, 0);
    if (!c.ok) throw new Error(`connect: ${c.message}`);
    this.clientConn = c.value;
    // The server's LISTEN goes on the ladder before the client's SYN.
    this.server.node.kick();
    this.client.node.kick();
  }

  /** Virtual time now (ms). */
  get now(): number {
    return this.sched.now;
  }

  get finished(): boolean {
    return this.outcome.kind !== 'running';
  }

  /** Time of the next thing that will happen, or undefined when nothing is pending. */
  nextEventAt(): number | undefined {
    return this.sched.peekTime();
  }

  /** Packets on the link right now. */
  get packetsInFlight(): number {
    return this.inFlight.size;
  }

  /**
   * Runs events up to virtual time `until` (or at most `maxEvents` of them). With `stopOnLadder`,
   * stops right after the event that added an arrow to the ladder, so the page can show
   * the opening and the close one step at a time. Returns true when it stopped early for that.
   */
  advance(until: number, opts: { stopOnLadder?: boolean; maxEvents?: number } = {}): boolean {
    const max = opts.maxEvents ?? Infinity;
    let n = 0;
    while (!this.finished && n < max) {
      this.ladderGrew = false;
      if (!this.sched.runOne(until)) {
        if (this.sched.peekTime() === undefined) this.fail({ code: 'stalled' });
        else this.sched.advanceTo(until);
        break;
      }
      n++;
      if (this.sched.now > VIRTUAL_LIMIT_MS) this.fail({ code: 'virtual-limit', minutes: VIRTUAL_LIMIT_MS / 60_000 });
      if (opts.stopOnLadder === true && this.ladderGrew) return true;
    }
    return false;
  }

  /** Runs to the end as fast as possible (tests and the page's "skip" button). */
  runToEnd(maxEvents = 50_000_000): void {
    this.advance(Infinity, { maxEvents });
    if (!this.finished) this.fail({ code: 'event-limit' });
  }

  stats(): RunStats {
    return {
      now: this.sched.now,
      bytesSent: this.sent,
      bytesReceived: this.received,
      corruptBytes: this.corrupt,
      segments: this.recorder.trace.entries.length - this.stateEntries,
      retransmissions: this.retx,
      lost: this.lostCount,
      completeAt: this.completeAt,
      states: [this.states[0], this.states[1]],
    };
  }

  /** Link counters of both directions (client→server, server→client). */
  linkStats(): [ChannelStats, ChannelStats] {
    return [this.toServer.stats, this.toClient.stats];
  }

  // ---- wiring ---------------------------------------------------------------------------

  private stateEntries = 0;

  private onEntry(e: TraceEntry): void {
    if (e.kind === 'state') this.stateEntries++;
    else if (e.kind === 'segment' && e.retransmission === true) this.retx++;
    if (this.ladder.add(e) && e.kind === 'segment') this.ladderGrew = true;
  }

  private side(index: SideIndex, name: string, address: string): Side {
    const rng: Sfc32 = this.random.stream(`${name}:stack`);
    let layer: TcpLayer | undefined;
    const stack = new Stack({
      rng: () => rng.u32(),
      hostname: name,
      tcpFactory: (services, r) => (layer = new TcpLayer({ services, rng: r })),
    });
    const ifIndex = stack.addInterface({ name: 'eth0', mtu: 1500, addresses: [`${address}/24`] });
    const node = new SimNode(index, name, stack, ifIndex, [address], this.sched, {
      transmit: (_from, out, now) => {
        // State changes happen before the segments they cause: record them first, so the ladder
        // shows e.g. ESTABLISHED before the ACK that completes the handshake.
        this.drainEvents(index);
        (index === 0 ? this.toServer : this.toClient).push(out.packet, now);
      },
      now: () => this.sched.now,
      markUserActivity: () => undefined,
    });
    void stack.tcp; // build the TCP layer now, so listen/connect can be called on it
    if (layer === undefined) throw new Error('the stack did not build its TCP layer');
    return { stack, layer, node };
  }

  /** One direction of the link: record each packet as it enters, drop it with probability `loss`, delay and rate-limit it, note its arrival. */
  private channel(link: { delayMs: number; rateMbps: number }, to: SimNode, label: string): MemoryChannel {
    const lossRng = this.random.stream(`${label}:loss`);
    let channel: MemoryChannel | undefined;
    const dropped = (): number => {
      const d = channel!.stats.dropped;
      return d.down + d.mtu + d.queue + d.loss;
    };
    const enter: LinkStage = (next) => ({
      push: (packet, now) => {
        const entry = this.recorder.packet(packet, now);
        if (lossRng.float() < this.params.loss) {
          this.lost(entry);
          return;
        }
        const before = dropped();
        next.push(packet, now);
        if (dropped() > before) this.lost(entry);
        else if (entry !== undefined) this.inFlight.set(packet, entry);
      },
    });
    const leave: LinkStage = (next) => ({
      push: (packet, now) => {
        const entry = this.inFlight.get(packet);
        if (entry !== undefined) {
          this.inFlight.delete(packet);
          entry.tArrive = now;
        }
        next.push(packet, now);
      },
    });
    const sink: PacketSink = { push: (packet, now) => to.deliver(packet, now) };
    channel = new MemoryChannel(link, sink, {
      clock: this.sched,
      random: (l) => this.random.stream(`${label}:${l}`),
      before: [enter],
      after: [leave],
    });
    return channel;
  }

  private lost(entry: SegmentEntry | undefined): void {
    this.lostCount++;
    if (entry !== undefined) entry.lost = true;
  }

  private fail(reason: FailReason): void {
    if (this.outcome.kind === 'running') this.outcome = { kind: 'failed', reason };
  }

  // ---- the two applications ---------------------------------------------------------------

  private onState(ev: Extract<TcpEvent, { type: 'state' }>, side: SideIndex): void {
    this.states[side] = ev.to;
    this.recorder.state(side, ev.to, ev.now);
  }

  private drainEvents(side: SideIndex): void {
    if (side === 0) this.clientEvents();
    else this.serverEvents();
  }

  private clientEvents(): void {
    for (const ev of this.client.layer.pollEvents()) {
      if (ev.type === 'accept-ready' || ev.conn !== this.clientConn) continue;
      if (ev.type === 'state') this.onState(ev, 0);
      else if (ev.type === 'closed') {
        this.closed[0] = true;
        if (ev.error !== undefined) this.fail({ code: 'tcp-error', side: 0, error: ev.error });
      }
    }
  }

  /** Client: send the pattern as fast as the send buffer takes it, then shutdown (FIN). */
  private clientPump(now: number): boolean {
    let acted = false;
    this.clientEvents();
    const c = this.clientConn;
    if (c !== undefined && !this.closed[0]) {
      while (this.sent < this.params.bytes) {
        const n = Math.min(this.chunk.length, this.params.bytes - this.sent);
        for (let i = 0; i < n; i++) this.chunk[i] = patternByte(this.sent + i, this.params.seed);
        const taken = c.send(n === this.chunk.length ? this.chunk : this.chunk.subarray(0, n), now);
        if (typeof taken !== 'number' || taken === 0) break;
        this.sent += taken;
        acted = true;
      }
      if (this.sent >= this.params.bytes && !this.shut && c.state === 'ESTABLISHED') {
        this.shut = true;
        const n = this.params.bytes.toLocaleString('en-US');
        this.recorder.note(
          0,
          {
            en: `client application: all ${n} bytes written; shutdown() — TCP sends its FIN after the data still queued`,
            ko: `클라이언트 앱: ${n}바이트를 모두 쓰고 shutdown() 호출 — TCP는 아직 대기 중인 데이터 뒤에 FIN을 보냅니다`,
          },
          now,
        );
        c.shutdown(now);
        acted = true;
      }
      if (c.state !== 'SYN-SENT') this.sampleCc(c, now);
    }
    this.checkDone();
    if (acted) this.client.node.kick();
    return acted;
  }

  private serverEvents(): void {
    for (const ev of this.server.layer.pollEvents()) {
      if (ev.type === 'state') {
        // The listener's LISTEN opens the server's lifeline; after that, its one connection.
        const listening = ev.conn === this.listener && ev.to === 'LISTEN' && this.serverConn === undefined;
        const ours = ev.conn !== this.listener && (this.serverConn === undefined || ev.conn === this.serverConn);
        if (listening || ours) this.onState(ev, 1);
      } else if (ev.type === 'accept-ready' && this.serverConn === undefined) {
        const c = ev.listener.accept();
        if (c !== undefined) this.serverConn = c;
      } else if (ev.type === 'closed' && ev.conn === this.serverConn) {
        this.closed[1] = true;
        if (ev.error !== undefined) this.fail({ code: 'tcp-error', side: 1, error: ev.error });
      }
    }
  }

  /** Server: accept, read and check every byte, close after the client's FIN. */
  private serverPump(now: number): boolean {
    let acted = false;
    this.serverEvents();
    const c = this.serverConn;
    if (c !== undefined) {
      for (let data = c.recv(); data !== undefined; data = c.recv()) {
        for (let i = 0; i < data.length; i++) if (data[i] !== patternByte(this.received + i, this.params.seed)) this.corrupt++;
        this.received += data.length;
        acted = true;
      }
      if (this.received >= this.params.bytes && this.completeAt === undefined) this.completeAt = now;
      if (c.eof && c.state === 'CLOSE-WAIT') {
        c.close(now);
        acted = true;
      }
    }
    this.checkDone();
    if (acted) this.server.node.kick();
    return acted;
  }

  private lastCc: SeriesCcSample | undefined;

  private sampleCc(c: TcpConnection, now: number): void {
    const info = c.info;
    const s: SeriesCcSample = { t: now, cwnd: info.cwnd };
    if (Number.isFinite(info.ssthresh) && info.ssthresh < 2 ** 31) s.ssthresh = info.ssthresh;
    if (info.srtt !== undefined) s.srtt = info.srtt;
    const p = this.lastCc;
    if (p !== undefined && p.cwnd === s.cwnd && p.ssthresh === s.ssthresh && p.srtt === s.srtt) return;
    this.lastCc = s;
    this.cc.push(s);
  }

  private checkDone(): void {
    if (this.outcome.kind !== 'running' || !this.closed[0] || !this.closed[1]) return;
    if (this.received !== this.params.bytes) this.fail({ code: 'incomplete', received: this.received });
    else if (this.corrupt > 0) this.fail({ code: 'corrupt', bytes: this.corrupt });
    else this.outcome = { kind: 'done' };
  }
}
