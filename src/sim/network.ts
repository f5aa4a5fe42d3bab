// createNetwork(): the in-memory network of the public API. It owns the scheduler, the clock
// driver, the seeded randomness, the switched segment and the hosts on it.

import type { LinkOptions } from '../link/memory.js';
import { Host, type HostRuntime } from '../api/host.js';
import { Stack } from '../stack/stack.js';
import type { TcpFactory } from '../stack/config.js';
import type { PacketEngine } from '../stack/types.js';
import { parseHostAddresses, type HostAddress } from './addressing.js';
import { invalidArgType, invalidArgValue } from '../wire/arg-errors.js';
import { congestionControlNames } from '../tcp/cc/index.js';
import { TCP_PROFILE_NAMES } from '../tcp/profiles.js';
import { unzeroedAllocate } from './allocate.js';
import { Capture, type CaptureOptions } from './capture.js';
import { RealDriver, VirtualDriver, type Driver } from './clock.js';
import { Link } from './link-handle.js';
import { SimNode } from './node.js';
import { RandomRoot, type Sfc32 } from './rng.js';
import { Scheduler, type SimEvent } from './scheduler.js';
import { Segment, type SegmentStats } from './segment.js';

export interface NetworkOptions {
  /** Seed of every random choice in the network (links, stacks). Default 1. */
  seed?: number;
  /** 'virtual' (default): time jumps from event to event. 'real': time is performance.now(). */
  clock?: 'virtual' | 'real';
  /** Impairments of host pairs never passed to net.link(); false makes such pairs unreachable. Default {} (perfect). */
  defaultLink?: LinkOptions | false;
  /** TCP layer for every host's Stack (default: the Stack's own). */
  tcpFactory?: TcpFactory;
}

export interface HostOptions {
  /** IPv4 and/or IPv6 address(es): bare ('10.0.0.1' → /24, '2001:db8::1' → /64) or CIDR. */
  address: string | readonly string[];
  /** Unique name; also resolvable as a host name by the host APIs. Default 'host<N>'. */
  name?: string;
  /** Interface MTU (default 1500). */
  mtu?: number;
  /** Configuration passed to the stack's TCP layer. */
  tcp?: object;
}

export interface IdleOptions {
  /** Give up (reject) if still busy after this much (virtual or real) time. Default 24 h. */
  maxMs?: number;
}

/** Anything that stands for a host on the network: a SimNode, or a Host that wraps one. */
export type NodeLike = SimNode | { readonly node: SimNode };

export interface AttachOptions {
  /** Host address(es): IPv4/IPv6, bare (gets /24 or /64) or CIDR. */
  address: string | readonly string[];
  name?: string;
  /** Builds the engine once the addresses are known; returns it and its interface index toward the segment. */
  engine: (ctx: { addresses: readonly HostAddress[]; random: Sfc32; id: number }) => { engine: PacketEngine; ifIndex: number };
}

const DAY_MS = 86_400_000;

/** One boot of a host: what it holds on the network, released when it crashes. */
interface Life {
  dead: boolean;
  refs: number;
  timers: Set<SimEvent>;
}

const newLife = (): Life => ({ dead: false, refs: 0, timers: new Set() });

interface HostRecord {
  readonly opts: Pick<HostOptions, 'address' | 'tcp'>;
  readonly name: string;
  readonly mtu: number;
  readonly node: SimNode;
  boots: number;
  life: Life;
  /** The Host object of the current boot. */
  host: Host;
}

export interface NetworkTimer {
  cancel(): void;
}

/** TcpConfig fields that take one of a few names. */
const TCP_ENUMS: Readonly<Record<string, readonly string[]>> = {
  mtuProbing: ['off', 'blackhole', 'on'],
  ecn: ['on', 'passive', 'off'],
  lossDetection: ['rack', 'dupack'],
  prr: ['ssrb', 'crb', 'off'],
  ptoRule: ['rfc8985', 'linux'],
  zeroWindowProbe: ['data', 'old-seq'],
  pacingRule: ['quantum', 'departure'],
  nagle: ['classic', 'minshall'],
  pushRule: ['rfc9293', 'linux'],
  cwndGrowth: ['rfc5681', 'linux'],
  orphanDataRst: ['abort', 'reply'],
  ackOfUnsentData: ['ack', 'drop'],
  sendBufferRule: ['bytes', 'linux'],
  windowRule: ['rfc9293', 'bsd'],
  timeWaitRule: ['rfc9293', 'bsd'],
  icmpHardErrors: ['rfc1122', 'bsd', 'none'],
  synOptionLayout: ['linux', 'freebsd'],
};
/** TcpConfig switches: booleans only (a string such as 'false' would otherwise read as on). */
const TCP_BOOLEANS = [
  'recvBufferAutoTune', 'sendBufferAutoTune', 'windowScaleFromMax', 'roundBuffersToMss', 'ackEverySecondSegment', 'keepAlive',
  'noDelay', 'windowScaling', 'timestamps', 'sack', 'hystart', 'sackWholeSegments', 'rtoVarianceFloor', 'pacing', 'limitedTransmit', 'rfc5961Rst', 'rfc5961Syn', 'tlp',
  'spuriousUndo', 'frto', 'synCookies', 'finRepeat', 'listenerSynAckRst', 'duplicateFinAck', 'dropSynFin', 'rfc1337',
] as const;

/** net.host({ tcp }): named choices, switches and the memory limits are checked before a stack is built. */
function checkTcpChoices(tcp: Record<string, unknown>): void {
  for (const [field, names] of Object.entries(TCP_ENUMS)) {
    const v = tcp[field];
    if (v !== undefined && !names.includes(v as string)) throw invalidArgValue(`tcp.${field} must be one of ${names.join(', ')}, got ${String(v)}`);
  }
  for (const field of TCP_BOOLEANS) {
    const v = tcp[field];
    if (v !== undefined && typeof v !== 'boolean') throw invalidArgValue(`tcp.${field} must be true or false, got ${String(v)}`);
  }
  const m = tcp['memory'];
  if (m !== undefined) {
    const o = m as { low?: unknown; pressure?: unknown; high?: unknown } | null;
    const ok = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
    if (o === null || typeof o !== 'object' || !ok(o.low) || !ok(o.pressure) || !ok(o.high) || !(o.low <= o.pressure && o.pressure <= o.high)) {
      throw invalidArgValue('tcp.memory must be { low, pressure, high } in bytes with low ≤ pressure ≤ high');
    }
  }
}

export class Network {
  readonly seed: number;
  readonly clock: 'virtual' | 'real';
  readonly scheduler = new Scheduler();
  readonly random: RandomRoot;
  readonly segment: Segment;
  protected readonly driver: Driver;
  private readonly closers: Array<() => void> = [];
  private readonly captures = new Set<Capture>();
  private readonly hostsByName = new Map<string, Host>();
  // Weak: a Host replaced by restart() (and its old stack) is collectable once the caller drops it.
  private readonly records = new WeakMap<Host, HostRecord>();
  private readonly tcpFactory: TcpFactory | undefined;
  private closed = false;

  constructor(opts: NetworkOptions = {}) {
    if (opts === null || typeof opts !== 'object') throw invalidArgType('options', 'of type object', opts);
    const seed = opts.seed ?? 1;
    if (typeof seed !== 'number') throw invalidArgType('seed', 'of type number', seed);
    if (!Number.isInteger(seed)) throw invalidArgValue(`seed must be an integer, got ${String(seed)}`);
    const clock = opts.clock ?? 'virtual';
    if (clock !== 'virtual' && clock !== 'real') throw invalidArgValue(`clock must be 'virtual' or 'real', got ${String(clock)}`);
    this.seed = seed;
    this.clock = clock;
    this.tcpFactory = opts.tcpFactory;
    this.random = new RandomRoot(seed);
    this.segment = new Segment(this.scheduler, this.random, opts.defaultLink ?? {});
    this.driver = clock === 'virtual' ? new VirtualDriver(this.scheduler) : new RealDriver(this.scheduler);
  }

  /** Current time in ms since the network was created (virtual, or real for clock: 'real'). */
  now(): number {
    return this.driver.now();
  }

  /**
   * A new host with a full Stack on the segment: one interface 'eth0' with the given addresses,
   * their connected routes, and an on-link default route per family (so hosts on other prefixes
   * are reached across the switch too).
   */
  host(opts: HostOptions): Host {
    this.assertOpen();
    if (opts === null || typeof opts !== 'object') throw invalidArgType('options', 'an options object with an address', opts);
    const name = opts.name ?? `host${this.segment.nodes.length}`;
    if (typeof name !== 'string' || name === '') throw invalidArgType('name', 'a non-empty string', name);
    if (this.hostsByName.has(name)) throw invalidArgValue(`a host named ${name} already exists`);
    const mtu = opts.mtu ?? 1500;
    const v6 = [opts.address].flat().some((a) => typeof a === 'string' && a.includes(':'));
    if (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < (v6 ? 1280 : 68) || mtu > 65535) {
      throw invalidArgValue(`mtu must be an integer ${v6 ? 1280 : 68}-65535, got ${String(mtu)}`, RangeError);
    }
    if (opts.tcp !== undefined && (opts.tcp === null || typeof opts.tcp !== 'object')) throw invalidArgType('tcp', 'of type object', opts.tcp);
    const cc = (opts.tcp as { congestionControl?: unknown } | undefined)?.congestionControl;
    if (cc !== undefined && (typeof cc !== 'string' || !congestionControlNames().includes(cc.toLowerCase()))) {
      throw invalidArgValue(`tcp.congestionControl must be one of ${congestionControlNames().join(', ')}, got ${String(cc)}`);
    }
    const profile = (opts.tcp as { profile?: unknown } | undefined)?.profile;
    if (profile !== undefined && !(TCP_PROFILE_NAMES as readonly unknown[]).includes(profile)) {
      throw invalidArgValue(`tcp.profile must be one of ${TCP_PROFILE_NAMES.join(', ')}, got ${String(profile)}`);
    }
    if (opts.tcp !== undefined) checkTcpChoices(opts.tcp as Record<string, unknown>);
    let stack: Stack | undefined;
    const node = this.attach({
      address: opts.address,
      name,
      engine: ({ addresses, random }) => {
        const built = this.buildStack(name, mtu, opts.tcp, addresses, random);
        stack = built.stack;
        return { engine: built.stack, ifIndex: built.ifIndex };
      },
    });
    const life = newLife();
    const host = new Host(node, stack!, this.runtimeFor(node, life));
    this.records.set(host, { opts: { address: [opts.address].flat(), ...(opts.tcp !== undefined ? { tcp: opts.tcp } : {}) }, name, mtu, node, boots: 0, life, host });
    this.hostsByName.set(name, host);
    return host;
  }

  private buildStack(name: string, mtu: number, tcp: object | undefined, addresses: readonly HostAddress[], random: Sfc32): { stack: Stack; ifIndex: number } {
    const s = new Stack({
      rng: () => random.u32(),
      allocate: unzeroedAllocate,
      hostname: name,
      ...(tcp !== undefined ? { tcp } : {}),
      ...(this.tcpFactory ? { tcpFactory: this.tcpFactory } : {}),
    });
    const ifIndex = s.addInterface({ name: 'eth0', mtu, addresses: addresses.map((a) => a.cidr) });
    if (addresses.some((a) => a.family === 4)) s.addRoute({ prefix: '0.0.0.0/0', ifIndex, metric: 1000 });
    if (addresses.some((a) => a.family === 6)) s.addRoute({ prefix: '::/0', ifIndex, metric: 1000 });
    return { stack: s, ifIndex };
  }

  /** What one boot of a host may do to the network; all of it stops when the host crashes. */
  private runtimeFor(node: SimNode, life: Life): HostRuntime {
    return {
      now: () => this.driver.now(),
      kick: () => {
        if (!life.dead) node.kick();
      },
      markActivity: () => this.driver.markUserActivity(),
      schedule: (delayMs, fn) => {
        if (life.dead) return { cancel: () => {} };
        const ev = this.scheduler.at(
          this.driver.now() + delayMs,
          () => {
            life.timers.delete(ev);
            fn();
          },
          null,
        );
        life.timers.add(ev);
        return {
          cancel: () => {
            if (life.timers.delete(ev)) this.scheduler.cancel(ev);
          },
        };
      },
      lookupHost: (n, family) => this.hostsByName.get(n)?.addresses.find((a) => a.includes(':') === (family === 6)),
      addPump: (pump) => {
        if (!life.dead) node.addPump(pump);
      },
      ref: () => {
        if (life.dead) return;
        life.refs++;
        this.driver.ref();
      },
      unref: () => {
        if (life.dead || life.refs === 0) return;
        life.refs--;
        this.driver.unref();
      },
    };
  }

  /**
   * Crash `host` (from net.host()): it stops at once, as if powered off. Its stack state is lost
   * without a FIN or RST on the wire; its sockets, servers and timers go silent for good (no
   * events, they no longer hold the network running); packets sent to it are lost until
   * net.restart(). Links and their impairments stay as they are.
   */
  crash(host: Host): void {
    const rec = this.recordOf(host, 'crash');
    if (rec.life.dead) throw invalidArgValue(`net.crash(): host ${rec.name} is already down`);
    const life = rec.life;
    life.dead = true;
    for (const ev of life.timers) this.scheduler.cancel(ev);
    life.timers.clear();
    for (; life.refs > 0; life.refs--) this.driver.unref();
    rec.node.powerOff();
  }

  /**
   * Boot `host` again with a fresh Stack on the same name, addresses, MTU, TCP options and links
   * (a running host crashes first): nothing of the old stack survives — connections, listeners,
   * ISN secret, ephemeral-port state and path-MTU cache start over. Returns the new Host; the old
   * object stays dead.
   */
  restart(host: Host): Host {
    const rec = this.recordOf(host, 'restart');
    if (!rec.life.dead) this.crash(host);
    rec.boots++;
    rec.life = newLife();
    const addresses = parseHostAddresses(rec.opts.address);
    const random = this.random.stream(`host:${rec.node.id}:boot:${rec.boots}`);
    const { stack, ifIndex } = this.buildStack(rec.name, rec.mtu, rec.opts.tcp, addresses, random);
    rec.node.powerOn(stack, ifIndex);
    rec.host = new Host(rec.node, stack, this.runtimeFor(rec.node, rec.life));
    this.records.set(rec.host, rec);
    this.hostsByName.set(rec.name, rec.host);
    return rec.host;
  }

  private recordOf(host: Host, what: string): HostRecord {
    const rec = host instanceof Host ? this.records.get(host) : undefined;
    if (rec === undefined) throw invalidArgType('host', `a Host from this network's net.host()`, host);
    if (rec.host !== host) throw invalidArgValue(`net.${what}(): host ${rec.name} has restarted since; use the Host net.restart() returned`);
    return rec;
  }

  /** Hosts created with net.host(), in creation order. */
  get hosts(): Host[] {
    return [...this.hostsByName.values()];
  }

  /** Put any PacketEngine on the segment (low level; net.host() builds a full Stack). */
  attach(opts: AttachOptions): SimNode {
    this.assertOpen();
    const addresses = parseHostAddresses(opts.address);
    const id = this.segment.nodes.length;
    const name = opts.name ?? `host${id}`;
    const { engine, ifIndex } = opts.engine({ addresses, random: this.random.stream(`host:${id}`), id });
    const node = new SimNode(
      id,
      name,
      engine,
      ifIndex,
      addresses.map((a) => a.address),
      this.scheduler,
      {
        transmit: (from, out, now) => this.segment.transmit(from, out, now),
        now: () => this.driver.now(),
        markUserActivity: () => this.driver.markUserActivity(),
      },
    );
    this.segment.addNode(
      node,
      addresses.flatMap((a) => (a.broadcast ? [a.broadcast] : [])),
    );
    this.closers.push(() => node.stop());
    return node;
  }

  /**
   * Set the impairments of the a↔b path (created if needed). Calling it again for the same pair
   * changes that path's settings and returns a handle to it.
   */
  link(a: NodeLike, b: NodeLike, opts: LinkOptions = {}): Link {
    this.assertOpen();
    const na = toNode(a);
    const nb = toNode(b);
    if (opts === null || typeof opts !== 'object') throw invalidArgType('options', 'of type object', opts);
    if (na === nb) throw invalidArgValue('net.link(): a and b are the same host');
    for (const n of [na, nb]) if (this.segment.nodes[n.id] !== n) throw invalidArgValue(`net.link(): host ${n.name} belongs to another network`);
    const existed = this.segment.find(na, nb) !== undefined;
    const path = this.segment.path(na, nb, opts)!;
    const handle = new Link(path, path.a !== na);
    if (existed) handle.set(opts);
    return handle;
  }

  /**
   * Run until nothing is pending: no event scheduled and no stack waiting on a timer. With the
   * virtual clock time jumps ahead; user callbacks and promise continuations run in between at
   * the virtual instant they belong to.
   */
  async idle(opts: IdleOptions = {}): Promise<void> {
    try {
      await this.driver.idle(opts.maxMs ?? DAY_MS);
    } finally {
      this.flushCaptures();
    }
  }

  /** Run for `ms` (virtual or real) milliseconds, interleaving with user code. */
  async run(ms: number): Promise<void> {
    checkMs(ms);
    try {
      await this.driver.run(ms);
    } finally {
      this.flushCaptures();
    }
  }

  /** Virtual clock only: run `ms` of virtual time synchronously (no user continuations run meanwhile). */
  advance(ms: number): void {
    checkMs(ms);
    try {
      this.driver.advance(ms);
    } finally {
      this.flushCaptures();
    }
  }

  /**
   * Record every packet on every link as pcap (LINKTYPE_RAW): to `file` when given, else in memory
   * (capture.bytes()). Stop with capture.stop(); net.close() stops all captures.
   */
  capture(file?: string, opts: CaptureOptions = {}): Capture {
    this.assertOpen();
    const observers = (opts.point ?? 'tx') === 'rx' ? this.segment.onArrive : this.segment.onTransmit;
    const cap = new Capture(file, opts, (record) => {
      observers.push(record);
      return () => {
        const i = observers.indexOf(record);
        if (i >= 0) observers.splice(i, 1);
        this.captures.delete(cap);
      };
    });
    this.captures.add(cap);
    return cap;
  }

  private flushCaptures(): void {
    for (const c of this.captures) c.flush();
  }

  /**
   * Call `fn` after `ms` of network time. Code that runs on the virtual clock must use these
   * timers rather than Node's, which count wall time. Returns a handle for clearTimeout().
   */
  setTimeout(fn: () => void, ms: number): NetworkTimer {
    checkMs(ms);
    const ev = this.scheduler.at(
      this.driver.now() + ms,
      () => {
        this.driver.markUserActivity();
        fn();
      },
      null,
    );
    return { cancel: () => this.scheduler.cancel(ev) };
  }

  clearTimeout(timer: NetworkTimer | undefined): void {
    timer?.cancel();
  }

  /** Resolves after `ms` of network time. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Segment counters (unroutable next hops, missing paths). */
  stats(): SegmentStats {
    return this.segment.stats;
  }

  /** Stop all timers and drop pending events. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of [...this.captures]) c.stop();
    for (const c of this.closers) c();
    this.driver.close();
    this.scheduler.clear();
  }

  /** Register cleanup to run on close() (used by captures and hosts). */
  onClose(fn: () => void): void {
    this.closers.push(fn);
  }

  protected assertOpen(): void {
    if (this.closed) throw new Error('network is closed');
  }
}

function toNode(x: NodeLike): SimNode {
  if (x instanceof SimNode) return x;
  const node = (x as { node?: unknown } | null)?.node;
  if (!(node instanceof SimNode)) throw invalidArgType('host', 'a Host from net.host() or a node from net.attach()', x);
  return node;
}

function checkMs(ms: number): void {
  if (typeof ms !== 'number' || !(ms >= 0) || !Number.isFinite(ms)) throw invalidArgValue(`ms must be a finite number >= 0, got ${String(ms)}`, RangeError);
}
