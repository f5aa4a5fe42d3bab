// The packetdrill runner: plays a script against one TcpLayer on a virtual clock, the script being
// the remote peer. Inbound packets are injected at their times; each outbound packet line takes the
// next packet the socket under test sent and checks it (flags, seq, ack, window when written,
// options, payload length) and its time within tolerance; syscalls run against a socket table and
// their return value and errno are checked; a blocking call written `t1...t2` runs on while the
// script goes on, and its return time is checked when it completes.
//
// Timing follows packetdrill: a relative time counts from when the previous event finished, except
// that consecutive inbound packets count from the previous one's scheduled time; an event starts
// at its time or, if the runner is already later, at once — and fails when that is outside the
// tolerance. The virtual clock jumps from deadline to deadline, so a run takes milliseconds.
//
// Also as packetdrill: consecutive outbound segments are aggregated to match a larger expected
// one (TSO-sized lines) unless --strict_segments; TS val is checked only with --tcp_ts_tick_usecs.
// Differences: --check_ts_ecr (layer4's own) checks outbound TS ecr; a SYN reaching a passive
// socket under test whose connection is gone (or in TIME-WAIT, above RCV.NXT) starts a new
// incarnation with fresh sequence-number mappings, so such reopenings can be scripted.

import type { Event, Script, SyscallSpec, TcpPacketSpec } from './ast.js';
import { formatEvent, formatSeconds, formatSyscall, formatTcpRepr } from './format.js';
import { parseScript } from './parser.js';
import { getProfile, type Profile, type ProfileName } from './profiles.js';
import { interpretCommand } from './runner-commands.js';
import { VirtualHost, type IpVersion, type SentPacket } from './runner-host.js';
import { SocketUnderTest, aggregate, checkOutbound, fragmentMismatch, inboundIcmp, inboundSegment } from './runner-packets.js';
import { scanScript } from './runner-scan.js';
import { startSyscall } from './syscalls.js';
import { isLiveCommand, runLiveCommand } from './runner-sockstat.js';
import { namesRead, parsePyBlock, runPyBlock, type Stmt } from './pyassert.js';
import { tcpiLookup } from './tcpi.js';
import { tcpInfo } from '../api/tcp-info.js';
import { sameErrno } from './syscalls-constants.js';
import type { Sock, SyscallCall, SyscallContext, SyscallResult } from './syscalls-socket.js';
import { blockingReturnUsecs, checkTiming, scheduleEvent, toleranceOf, type Schedule, type Tolerance } from './timing.js';
import type { TcpConfig } from '../tcp/config.js';
import type { TcpConnection } from '../tcp/connection.js';
import { seqGt } from '../tcp/seq.js';

export interface RunOptions {
  /** Behaviour profile of the layer under test. Default 'linux'. */
  profile?: ProfileName;
  /** Overrides the script's --ip_version. */
  ipVersion?: IpVersion;
  /** `-D NAME=value` preprocessor defines. */
  defines?: Record<string, string>;
  /** Seed for ISNs and ports. Default 1. */
  seed?: number;
  /** TcpConfig values applied on top of the profile (after the script's sysctls). */
  config?: Partial<TcpConfig>;
}

export type RunResult =
  | { status: 'pass'; trace: string[] }
  | { status: 'fail'; line: number; message: string; expected?: string; actual?: string; trace: string[] }
  | { status: 'skip'; reason: string; line?: number };

class Failure {
  constructor(
    readonly line: number,
    readonly message: string,
    readonly expected?: string,
    readonly actual?: string,
  ) {}
}

class Skipped {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {}
}

/** Give up waiting for something that never happens after this much virtual time. */
const FOREVER_US = 3 * 3600 * 1_000_000;
/** packetdrill waits this long past an outbound packet's expected time before timing out. */
const SNIFF_GRACE_US = 2_000_000;
/** packetdrill waits this long for a blocking syscall before another syscall may start. */
const AWAIT_IDLE_US = 1_000_000;

interface Pending {
  ev: Event & { kind: 'syscall' };
  call: SyscallCall;
  schedule: Schedule;
}

class Run implements SyscallContext {
  readonly host: VirtualHost;
  readonly profile: Profile;
  readonly dialect: 'linux' | 'freebsd';
  readonly bindPort: number;
  readonly connectPort: number;
  readonly sockets = new Map<number, Sock>();
  readonly tolerance: Tolerance;
  readonly strictSegments: boolean;
  readonly tsTickUsecs: number;
  readonly checkTsEcr: boolean;
  readonly trace: string[] = [];
  /** Python variables assigned in `%{ }%` blocks, kept across blocks. */
  readonly pyVars = new Map<string, number>();
  sut: SocketUnderTest | undefined = undefined;
  /** The last listen()ed socket, for new incarnations of a passive connection. */
  #listening: SocketUnderTest | undefined = undefined;
  #nextRemotePort = 40_000;
  #pending: Pending | undefined = undefined;
  /** Scheduled time of the previous event (packetdrill's last event time), for tolerances. */
  #lastEventUs: number | undefined = undefined;
  /** Scheduled time of the previous event when it was an inbound packet. */
  #lastInboundUs: number | undefined = undefined;

  constructor(script: Script, profile: Profile, opts: RunOptions, settings: ReturnType<typeof scanScript> & { ok: true }) {
    const s = settings.settings;
    this.profile = profile;
    this.dialect = profile.dialect;
    this.tolerance = toleranceOf(script.options, profile.dialect);
    this.strictSegments = script.options.some((o) => o.name === 'strict_segments');
    const tick = Number(script.options.find((o) => o.name === 'tcp_ts_tick_usecs')?.value ?? 0);
    this.tsTickUsecs = Number.isFinite(tick) && tick > 0 ? tick : 0;
    this.checkTsEcr = script.options.some((o) => o.name === 'check_ts_ecr');
    this.bindPort = s.bindPort ?? 8080;
    this.connectPort = s.connectPort ?? 8080;
    this.host = new VirtualHost({
      ipVersion: opts.ipVersion ?? s.ipVersion ?? 'ipv4',
      mtu: s.mtu ?? 1500,
      config: { ...profile.tcp, ...s.config, ...opts.config },
      seed: opts.seed ?? 1,
    });
    for (const rt of s.routes) this.host.setRoute(rt.prefix, rt.metrics);
    this.host.onSend = (p) => {
      // The trace shows every packet as it leaves, in script numbers when it is the socket under test's.
      const sut = this.sut;
      const mine = sut !== undefined && sut.owns(p.dgram, this.host);
      const seg = mine ? sut.seq.outboundToScript(p.dgram.seg) : p.dgram.seg;
      this.trace.push(`${formatSeconds(p.us)} ${formatTcpRepr('outbound', seg)}${mine ? '' : ` (${p.dgram.seg.srcPort} > ${p.dgram.seg.dstPort}, not the socket under test)`}`);
    };
  }

  // ---------------------------------------------------------------- SyscallContext

  onListen(s: Sock): void {
    this.sut = new SocketUnderTest('listening', s.bound?.port ?? this.bindPort, undefined);
    this.#listening = this.sut;
  }

  onConnect(_s: Sock, c: TcpConnection): void {
    this.sut = new SocketUnderTest('active', c.local.port, c.remote.port);
  }

  // ---------------------------------------------------------------- the event loop

  run(events: Event[]): void {
    for (const ev of events) this.#event(ev);
    if (this.#pending !== undefined) {
      const p = this.#pending;
      this.#advance(this.host.nowUs + AWAIT_IDLE_US, () => this.#pending === undefined);
      if (this.#pending !== undefined) throw new Failure(p.ev.line, 'runtime error: exiting while a blocking system call is in progress', formatEvent(p.ev));
    }
  }

  #event(ev: Event): void {
    const inbound = ev.kind === 'packet' && ev.packet.direction === 'inbound';
    const ctx: { nowUsecs: number; inbound: boolean; previousInboundUsecs?: number } = { nowUsecs: this.host.nowUs, inbound };
    if (this.#lastInboundUs !== undefined) ctx.previousInboundUsecs = this.#lastInboundUs;
    const sched = scheduleEvent(ev.time, ctx);
    if (ev.kind === 'packet' && ev.packet.direction === 'outbound') {
      if (ev.packet.proto !== 'tcp') throw new Skipped(ev.line, 'outbound non-TCP packets are not supported');
      this.#outbound(ev, ev.packet, sched);
    } else {
      this.#advance(sched.startUsecs, () => false);
      this.#checkStart(ev, sched, describe(ev));
      if (ev.kind === 'syscall' && this.#pending !== undefined) this.#awaitIdle(ev);
      this.trace.push(`${formatSeconds(this.host.nowUs)} ${formatEvent(ev, { withTime: false })}`);
      switch (ev.kind) {
        case 'packet':
          this.#inbound(ev);
          break;
        case 'syscall':
          this.#syscall(ev, sched);
          break;
        case 'command': {
          if (isLiveCommand(ev.command)) {
            this.#liveCommand(ev);
            break;
          }
          const r = interpretCommand(ev.command);
          if (!r.ok) throw new Skipped(ev.line, r.reason);
          Object.assign(this.host.layer.config, r.config);
          if (r.localCongestion !== undefined) this.host.layer.localCongestion = r.localCongestion;
          for (const rt of r.routes) this.host.setRoute(rt.prefix, rt.metrics);
          break;
        }
        case 'code':
          this.#code(ev);
          break;
        default:
          throw new Skipped(ev.line, ev.reason);
      }
    }
    this.#lastEventUs = sched.startUsecs;
    this.#lastInboundUs = inbound ? sched.startUsecs : undefined;
  }

  /** Runs the clock to `untilUs`, completing the pending blocking syscall on the way. */
  #advance(untilUs: number, stop: () => boolean): boolean {
    return this.host.runUntil(
      untilUs,
      () => {
        this.#tickPending();
        return stop();
      },
      () => this.#pending?.call.deadlineUs,
    );
  }

  #checkStart(ev: Event, sched: Schedule, what: string): void {
    const check: Parameters<typeof checkTiming>[0] = { expectedUsecs: sched.startUsecs, actualUsecs: this.host.nowUs, tolerance: this.tolerance };
    if (sched.endUsecs !== undefined) check.expectedEndUsecs = sched.endUsecs;
    if (this.#lastEventUs !== undefined) check.previousUsecs = this.#lastEventUs;
    const t = checkTiming(check);
    if (!t.ok) throw new Failure(ev.line, t.message.replace('expected at', `expected ${what} at`), formatEvent(ev));
  }

  /** sockstat state checks and tcpdrop, against the layer's connection table. */
  #liveCommand(ev: Event & { kind: 'command' }): void {
    const layer = this.host.layer;
    const r = runLiveCommand(ev.command, {
      connections: () => layer.connections(),
      listeningPorts: () => [...layer.listeners()].map((l) => l.local.port),
      ipv6: this.host.v6,
      abort: (c) => {
        c.abort(this.host.nowMs);
        this.host.flush();
      },
    });
    if (typeof r === 'string') throw new Skipped(ev.line, r);
    if (!r.ok) throw new Failure(ev.line, r.message, formatEvent(ev));
  }

  // ---------------------------------------------------------------- %{ }% blocks

  /** Evaluates a tcp_info assertion block against the socket under test's state now. */
  #code(ev: Event & { kind: 'code' }): void {
    const p = parsePyBlock(ev.code);
    if (!p.ok) throw new Skipped(ev.line, `python: ${p.reason}`);
    const sut = this.sut;
    const c = sut === undefined || sut.kind === 'listening' ? undefined : this.host.layer.find({ address: this.host.local, port: sut.localPort }, { address: this.host.remote, port: sut.remotePort ?? 0 }) ?? this.#closedConn(sut);
    const info = c === undefined ? undefined : tcpInfo(c, this.host.nowMs);
    const get = tcpiLookup(info, { pmtu: this.host.mtu, dialect: this.dialect, now: this.host.nowMs }, sut?.kind === 'listening' ? 'LISTEN' : 'CLOSED');
    const r = runPyBlock(p.stmts, get, this.pyVars);
    if (r.ok) return;
    if (r.kind === 'error') {
      if (info === undefined) throw new Failure(ev.line, 'no connection under test for a tcp_info assertion', formatEvent(ev));
      throw new Failure(ev.line, `python error: ${r.reason}`, formatEvent(ev));
    }
    throw new Failure(ev.line, `assertion failed: ${r.text}`, formatEvent(ev), describeInfo(p.stmts, get));
  }

  /** A connection that ended (CLOSED, gone from the layer) while a socket still holds it: tcp_info reads its last state. */
  #closedConn(sut: SocketUnderTest): TcpConnection | undefined {
    for (const s of this.sockets.values()) {
      const c = s.conn;
      if (c !== undefined && c.state === 'CLOSED' && c.local.port === sut.localPort && c.remote.port === sut.remotePort) return c;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- packets

  #inbound(ev: Event & { kind: 'packet' }): void {
    const p = ev.packet;
    if (p.proto === 'icmp') {
      if (this.sut === undefined || this.sut.kind === 'listening') throw new Failure(ev.line, 'no connection for an inbound ICMP error');
      const e = inboundIcmp(p, this.sut, this.host);
      if (!e.ok) throw new Skipped(ev.line, e.message);
      this.host.layer.icmpError(e.value, this.host.nowMs);
      this.host.flush();
      return;
    }
    if (p.proto !== 'tcp') throw new Skipped(ev.line, 'UDP packets are not supported');
    let sut = this.sut;
    if (sut !== undefined && sut.kind === 'passive' && this.#newIncarnation(sut, p)) sut = this.#listening;
    if (sut === undefined || sut.kind === 'listening') {
      // A new connection attempt from the script: a fresh remote port, toward the listener's port.
      const port = p.srcPort ?? (this.sut?.kind === 'passive' ? this.sut.remotePort : undefined) ?? this.#nextRemotePort++;
      sut = new SocketUnderTest('passive', sut?.localPort ?? this.bindPort, port);
      if (p.seq.kind === 'range') sut.seq.noteInboundSyn(p.seq.start);
      this.sut = sut;
    } else if (sut.kind === 'active' && (p.flags.bits & 0x02) !== 0 && !sut.seq.knowsRemoteIsn && p.seq.kind === 'range') {
      sut.seq.noteInboundSyn(p.seq.start);
    }
    const d = inboundSegment(p, sut, this.host);
    if (!d.ok) throw new Skipped(ev.line, d.message);
    this.host.inject(d.value);
  }

  /**
   * A SYN (without ACK) toward a passive socket under test whose connection is gone (reset,
   * timed out) or in TIME-WAIT starts a new incarnation of the same 4-tuple: a new socket under
   * test, so that the new ISNs are learned (packetdrill would keep the old mapping, which makes
   * such scripts impossible to write).
   */
  #newIncarnation(sut: SocketUnderTest, p: TcpPacketSpec): boolean {
    if ((p.flags.bits & 0x12) !== 0x02 || this.#listening === undefined) return false;
    if ((p.flags.bits & 0x01) !== 0 && this.host.layer.config.dropSynFin) return false; // dropped unseen
    const c = this.host.layer.find({ address: this.host.local, port: sut.localPort }, { address: this.host.remote, port: sut.remotePort ?? 0 });
    if (c === undefined) return true;
    // RFC 1122 §4.2.2.13: only a SYN beyond the old RCV.NXT may reopen a connection in TIME-WAIT.
    return c.state === 'TIME-WAIT' && p.seq.kind === 'range' && seqGt(p.seq.start >>> 0, c.rcvNxt);
  }

  #outbound(ev: Event & { kind: 'packet' }, spec: TcpPacketSpec, sched: Schedule): void {
    const sut = this.sut;
    if (sut === undefined || sut.kind === 'listening') throw new Failure(ev.line, 'no connection under test for an outbound packet', formatEvent(ev));
    const take = (): SentPacket | undefined => {
      const q = this.host.sent;
      while (q.length > 0) {
        const p = q[0]!;
        if (sut.owns(p.dgram, this.host)) return p;
        q.shift(); // another connection's packet: packetdrill ignores it
      }
      return undefined;
    };
    const any = ev.time.kind === 'any';
    const lastUs = (sched.endUsecs ?? sched.startUsecs) + SNIFF_GRACE_US;
    const deadline = any ? this.host.nowUs + FOREVER_US : Math.max(lastUs, this.host.nowUs);
    const next = (): SentPacket | undefined => {
      if (take() === undefined) this.#advance(deadline, () => take() !== undefined);
      const p = take();
      if (p !== undefined) this.host.sent.shift();
      return p;
    };
    const first = next();
    if (first === undefined) throw new Failure(ev.line, `timed out waiting for packet (until ${formatSeconds(deadline)} s)`, formatEvent(ev));
    // packetdrill aggregates consecutive segments (unless --strict_segments) to match a larger
    // expected payload, as a TSO/GSO sender would have sent it in one piece.
    const parts = [first];
    let bytes = first.dgram.seg.payload.length;
    while (!this.strictSegments && bytes > 0 && bytes < spec.seq.len) {
      const p = next();
      if (p === undefined) break;
      const why = fragmentMismatch(parts[parts.length - 1]!, p, bytes + p.dgram.seg.payload.length < spec.seq.len);
      if (why !== undefined) throw new Failure(ev.line, `bad outbound packet: segment ${parts.length + 1} of ${spec.seq.len} bytes: ${why}`, formatEvent(ev));
      parts.push(p);
      bytes += p.dgram.seg.payload.length;
    }
    const pkt = aggregate(parts);
    const tsTol = Math.max(this.tolerance.usecs, Math.trunc((this.tolerance.percent / 100) * sched.startUsecs));
    const { result, actual } = checkOutbound(spec, pkt, sut, { tsTickUsecs: this.tsTickUsecs, tsToleranceUsecs: tsTol, checkTsEcr: this.checkTsEcr });
    const actualText = `${formatSeconds(pkt.us)} ${formatTcpRepr('outbound', actual)}`;
    if (!result.ok) throw new Failure(ev.line, `bad outbound packet: ${result.message}`, formatEvent(ev), actualText);
    const check: Parameters<typeof checkTiming>[0] = { expectedUsecs: sched.startUsecs, actualUsecs: pkt.us, tolerance: this.tolerance, any };
    if (sched.endUsecs !== undefined) check.expectedEndUsecs = sched.endUsecs;
    if (this.#lastEventUs !== undefined) check.previousUsecs = this.#lastEventUs;
    const t = checkTiming(check);
    if (!t.ok) throw new Failure(ev.line, t.message.replace('expected at', 'expected outbound packet at').replace('expected in', 'expected outbound packet in'), formatEvent(ev), actualText);
  }

  // ---------------------------------------------------------------- syscalls

  /** A syscall while a blocking one is still running: wait up to 1 s for it (packetdrill's await_idle_thread). */
  #awaitIdle(ev: Event & { kind: 'syscall' }): void {
    this.#advance(this.host.nowUs + AWAIT_IDLE_US, () => this.#pending === undefined);
    if (this.#pending !== undefined && ev.syscall.endUsecs !== undefined) {
      throw new Failure(ev.line, 'runtime error: blocking system call while another blocking system call is already in progress', formatEvent(ev));
    }
  }

  #syscall(ev: Event & { kind: 'syscall' }, sched: Schedule): void {
    const call = startSyscall(this, ev.syscall);
    const blocking = ev.syscall.endUsecs !== undefined;
    const r = call.attempt();
    if (r.kind !== 'block') {
      this.#finishSyscall(ev, sched, r);
      return;
    }
    if (blocking) {
      this.#pending = { ev, call, schedule: sched };
      return;
    }
    // Written without `...`: the call runs on the script's own thread, so nothing else happens
    // until it returns (the clock and the layer still run).
    let done: SyscallResult | undefined;
    this.host.runUntil(
      this.host.nowUs + FOREVER_US,
      () => {
        const x = call.attempt();
        if (x.kind === 'block') return false;
        done = x;
        return true;
      },
      () => call.deadlineUs,
    );
    if (done === undefined) throw new Failure(ev.line, 'system call never returned (it blocks; write it as `t1...t2` if that is intended)', formatEvent(ev));
    this.#finishSyscall(ev, sched, done);
  }

  #tickPending(): void {
    const p = this.#pending;
    if (p === undefined) return;
    const r = p.call.attempt();
    if (r.kind === 'block') return;
    this.#pending = undefined;
    this.#finishSyscall(p.ev, p.schedule, r);
  }

  #finishSyscall(ev: Event & { kind: 'syscall' }, sched: Schedule, r: SyscallResult): void {
    const spec = ev.syscall;
    if (r.kind === 'skip') throw new Skipped(ev.line, r.reason);
    if (r.kind === 'error') throw new Failure(ev.line, `script error in ${spec.name}(): ${r.message}`, formatEvent(ev));
    if (r.kind === 'block') return;
    const why = syscallMismatch(spec, r, this.dialect);
    if (why !== undefined) throw new Failure(ev.line, why, formatEvent(ev), formatReturn(spec, r));
    if (spec.endUsecs !== undefined) {
      const end = blockingReturnUsecs(ev.time, spec.endUsecs, sched);
      const t = checkTiming({ expectedUsecs: end, previousUsecs: sched.startUsecs, actualUsecs: this.host.nowUs, tolerance: this.tolerance });
      if (!t.ok) throw new Failure(ev.line, t.message.replace('expected at', 'expected system call return at'), formatEvent(ev), formatReturn(spec, r));
      this.trace.push(`${formatSeconds(this.host.nowUs)} ${formatReturn(spec, r)} (returned)`);
    }
  }
}

/** The tcp_info fields a block reads, with their values, for the failure report. */
function describeInfo(stmts: Stmt[], get: (n: string) => number | undefined): string {
  const names = [...new Set(namesRead(stmts).map((n) => n.name).filter((n) => n.startsWith('tcpi_')))];
  return names.map((n) => `${n}=${get(n) ?? '?'}`).join(' ');
}

function describe(ev: Event): string {
  if (ev.kind === 'packet') return 'inbound packet';
  if (ev.kind === 'syscall') return 'system call start';
  return 'command';
}

function formatReturn(spec: SyscallSpec, r: SyscallResult & { kind: 'return' }): string {
  const head = formatSyscall({ ...spec, result: { kind: 'int', value: r.ret, text: String(r.ret), hex: false } }).replace(/ = .*$/, '');
  return `${head} = ${r.ret}${r.errno !== undefined ? ` ${r.errno}` : ''}${r.mismatch !== undefined ? ` (${r.mismatch})` : ''}`;
}

/** Why a syscall's outcome differs from the script's expectation, or undefined. */
function syscallMismatch(spec: SyscallSpec, r: SyscallResult & { kind: 'return' }, dialect: 'linux' | 'freebsd'): string | undefined {
  const want = spec.result;
  const got = r.errno !== undefined ? `-1 ${r.errno}` : String(r.ret);
  if (want.kind === 'int') {
    if (want.value !== r.ret) {
      const expected = `${want.text}${spec.errno !== undefined ? ` ${spec.errno.name}` : ''}`;
      return `${spec.name}() returned ${got}, script expects ${expected}`;
    }
    if (r.ret < 0 && spec.errno !== undefined && !sameErrno(r.errno ?? '', spec.errno.name, dialect)) {
      return `${spec.name}() failed with ${r.errno ?? 'no errno'}, script expects ${spec.errno.name}`;
    }
  } else if (want.kind !== 'ellipsis') {
    return `unsupported result expression in ${spec.name}()`;
  }
  if (r.mismatch !== undefined) return `${spec.name}(): ${r.mismatch}`;
  return undefined;
}

/** Runs a parsed script. Never throws for anything a script can contain. */
export function runParsedScript(script: Script, opts: RunOptions = {}): RunResult {
  const profile = getProfile(opts.profile ?? 'linux');
  const scan = scanScript(script);
  if (!scan.ok) return scan.line === undefined ? { status: 'skip', reason: scan.reason } : { status: 'skip', reason: scan.reason, line: scan.line };
  const run = new Run(script, profile, opts, scan);
  try {
    run.run(script.events);
    return { status: 'pass', trace: run.trace };
  } catch (e) {
    if (e instanceof Failure) {
      const r: RunResult = { status: 'fail', line: e.line, message: e.message, trace: run.trace };
      if (e.expected !== undefined) r.expected = e.expected;
      if (e.actual !== undefined) r.actual = e.actual;
      return r;
    }
    if (e instanceof Skipped) return { status: 'skip', reason: e.reason, line: e.line };
    throw e;
  }
}

/** Parses and runs script text. A syntax error is a failure at its line. */
export function runScript(text: string, opts: RunOptions = {}): RunResult {
  const dialect = getProfile(opts.profile ?? 'linux').dialect;
  const parsed = parseScript(text, { dialect, ...(opts.defines !== undefined ? { defines: opts.defines } : {}) });
  if (!parsed.ok) {
    const e = parsed.errors[0]!;
    return { status: 'fail', line: e.line, message: `syntax error: ${e.message} (${e.code})`, trace: [] };
  }
  return runParsedScript(parsed.script, opts);
}
