// The Stack: one host's IP layer, sans-IO. A driver feeds it packets (receive), drains what it has to
// send (poll) and sleeps until pollAt(); sockets and ping are used through it, and what happens to
// them comes out of pollEvents(). It owns interfaces and routes, the IP input and output paths
// (fragmentation and reassembly), ICMP, UDP and a pluggable TCP layer, which it serves through
// TcpServices.
//
// Loopback: packets to 127/8, ::1 or any of our own addresses go into an internal queue that poll()
// feeds back through the input path, so they look exactly like received packets (no driver).
//
// Events: one queue per stack, drained with pollEvents() (StackEvent, events.ts): UDP sockets
// ('udp-listening', 'udp-readable' when a receive queue becomes non-empty — then call recv() until
// undefined —, 'udp-error' for ICMP errors on connected sockets) and echo ('echo-reply',
// 'echo-error'). TCP keeps its own event queue (stack.tcp, tcp/layer.ts pollEvents()).
//
// Buffers: a packet passed to receive() belongs to the stack from then on (reassembly and TCP keep
// views into it); packets returned by poll() belong to the driver.

import { canonicalIp, parseIp } from '../wire/address.js';
import { pseudoHeaderSum } from '../wire/checksum.js';
import { IpProto } from '../wire/ip-proto.js';
import { invalidArgType } from '../wire/arg-errors.js';
import { parseTcp, tcpChecksumValid } from '../wire/tcp.js';
import { transportChecksumVerified } from './link-verified.js';
import { segmentTcp, splitTcpSegments } from '../wire/tcp-gso.js';
import { IcmpLayer, type PingOptions } from '../icmp/icmp-layer.js';
import { UdpLayer } from '../udp/udp-layer.js';
import { resolveConfig, type ResolvedConfig, type StackOptions, type TcpFactory } from './config.js';
import type { PacketMemory } from './packet-pool.js';
import type { NetResult } from './errors.js';
import type { StackEvent } from './events.js';
import { Fragments } from './fragments.js';
import { Gro } from './gro.js';
import type { IcmpErrorSpec, IcmpNotice, IpHost, SendOutcome, SendSpec } from './host.js';
import type { Inbound } from './inbound.js';
import { InterfaceTable, LOOPBACK_INDEX, LOOPBACK_MTU, type InterfaceConfig } from './interfaces.js';
import { IpInput } from './ip-input.js';
import { PacketBuilder } from './ip-output.js';
import { TcpLayer } from '../tcp/layer.js';
import type { TcpConfig } from '../tcp/config.js';
import { DEFAULT_PMTU, PmtuCache } from './pmtu.js';
import { RouteTable, type Route, type RouteConfig } from './routing.js';
import { countDrop, newStats, type StackStats } from './stats.js';
import { TcpSegmentWriter } from './tcp-writer.js';
import type { Allocate, IpAddress, OutboundPacket, PacketEngine, PmtuDiscovery, Rng, RouteMetrics, TcpDatagram, TcpHandler, TcpServices } from './types.js';

/** The TCP layer used when StackOptions.tcpFactory is not given: tcp/'s TcpLayer. */
const zeroed: Allocate = (n) => new Uint8Array(n);
const defaultTcpFactory: TcpFactory = (services, rng, config) => new TcpLayer(config === undefined ? { services, rng } : { services, rng, config });

/** Rounds of TCP output + loopback delivery per poll() before the rest waits for the next one. */
const LOOPBACK_ROUNDS = 64;

/** Largest TCP header (RFC 9293 §3.1: data offset 15 words). */
const MAX_TCP_HEADER = 60;

interface Resolved {
  ifIndex: number;
  nextHop: IpAddress;
  mtu: number;
  /** The route's MTU is locked (RouteMetrics.mtuLock): ICMP does not change it. */
  locked: boolean;
}

export class Stack implements PacketEngine, TcpServices, IpHost {
  readonly hostname: string;
  readonly rng: Rng;
  readonly config: ResolvedConfig;
  readonly stats: StackStats;
  readonly interfaces = new InterfaceTable();
  readonly routes = new RouteTable();
  readonly pmtu: PmtuCache;
  readonly frags: Fragments;
  readonly icmp: IcmpLayer;
  readonly udp: UdpLayer;
  /** Events dropped because nobody drained pollEvents() for too long. */
  eventsDropped = 0;

  private readonly input: IpInput;
  private readonly tcpFactory: TcpFactory;
  private readonly allocator: Allocate;
  private readonly tcpConfig: Partial<TcpConfig> | undefined;
  private tcpLayer: TcpHandler | undefined;
  private outQueue: OutboundPacket[] = [];
  private loopQueue: Uint8Array[] = [];
  private events: StackEvent[] = [];
  private nextId4: number;
  private lastNow = 0;
  private readonly sourceCache = new Map<IpAddress, IpAddress | null>();
  private readonly builder = new PacketBuilder();
  private readonly tcpWriter = new TcpSegmentWriter();
  /** Receive coalescing during receiveBatch() (stack/gro.ts). */
  readonly gro = new Gro(
    (src, dst, seg, ecn) => this.tcp.receive({ src, dst, seg, ecn }, this.lastNow),
    () => this.tcpChecksumBad('tcp-checksum'),
  );

  constructor(opts: StackOptions) {
    if (typeof opts?.rng !== 'function') throw invalidArgType('options.rng', 'a function returning random 32-bit integers', opts?.rng);
    this.rng = opts.rng;
    if (opts.allocate !== undefined && typeof opts.allocate !== 'function') throw invalidArgType('options.allocate', 'a function returning a Uint8Array of n bytes', opts.allocate);
    this.allocator = opts.allocate ?? zeroed;
    this.hostname = opts.hostname ?? 'localhost';
    this.config = resolveConfig(opts);
    this.stats = newStats(this.config.budgetBytes);
    this.pmtu = new PmtuCache({ ...DEFAULT_PMTU, ...opts.pmtu });
    this.frags = new Fragments(this.config.budgetBytes, this.config.timeoutV4Ms, this.config.timeoutV6Ms);
    const frags = this.frags;
    this.stats.reassembly = {
      get bytesInUse() { return frags.budget.used; },
      budgetBytes: this.config.budgetBytes,
      get datagrams() { return frags.datagrams; },
      get evictions() { return frags.budget.evictions; },
    };
    Object.defineProperty(this.stats.tcp, 'memory', {
      enumerable: true,
      get: () => (this.tcpLayer instanceof TcpLayer ? this.tcpLayer.memoryStats() : undefined),
    });
    if (opts.packetPool !== undefined) this.builder.memory = opts.packetPool;
    this.tcpFactory = opts.tcpFactory ?? defaultTcpFactory;
    this.tcpConfig = opts.tcp;
    this.nextId4 = this.rng() & 0xffff;
    this.icmp = new IcmpLayer(this);
    const key = new Uint8Array(16);
    for (let i = 0; i < 16; i += 4) {
      const r = this.rng() >>> 0;
      key[i] = r >>> 24;
      key[i + 1] = (r >>> 16) & 0xff;
      key[i + 2] = (r >>> 8) & 0xff;
      key[i + 3] = r & 0xff;
    }
    const udpOpts: ConstructorParameters<typeof UdpLayer>[1] = { key };
    if (opts.udp?.ephemeralMin !== undefined) udpOpts.ephemeralMin = opts.udp.ephemeralMin;
    if (opts.udp?.ephemeralMax !== undefined) udpOpts.ephemeralMax = opts.udp.ephemeralMax;
    this.udp = new UdpLayer(this, udpOpts);
    this.input = new IpInput({
      interfaces: this.interfaces,
      stats: this.stats,
      frags: this.frags,
      sendIcmpError: (p, i, s, now) => this.sendIcmpError(p, i, s, now),
      deliver: (inb, now) => this.deliver(inb, now),
      forward: () => countDrop(this.stats, 'not-for-us'),
    });
    this.routes.add({ prefix: '127.0.0.0/8', ifIndex: LOOPBACK_INDEX });
    this.routes.add({ prefix: '::1/128', ifIndex: LOOPBACK_INDEX });
  }

  // ---- configuration ------------------------------------------------------------------------

  /**
   * Recycled memory for outbound TCP packets from now on (StackOptions.packetPool, packet-pool.ts);
   * undefined goes back to plain allocation. For a driver that knows when each packet it polled is
   * done with (a device write that copies it before returning).
   */
  setPacketMemory(mem: PacketMemory | undefined): void {
    this.builder.memory = mem;
  }

  /** Adds an interface and its connected routes; returns its index. RangeError on bad config. */
  addInterface(cfg: InterfaceConfig): number {
    const r = this.interfaces.add(cfg);
    if (!r.ok) throw new RangeError(`addInterface: ${r.message}`);
    for (const a of this.interfaces.get(r.index)!.addresses) {
      this.routes.add({ prefix: `${a.address}/${a.prefixLength}`, ifIndex: r.index });
    }
    this.sourceCache.clear();
    return r.index;
  }

  /** Adds a route (longest-prefix match). RangeError on a bad prefix, gateway or interface. */
  addRoute(cfg: RouteConfig): Route {
    if (!this.interfaces.get(cfg.ifIndex)) throw new RangeError(`addRoute: no interface ${cfg.ifIndex}`);
    const r = this.routes.add(cfg);
    if (!r.ok) throw new RangeError(`addRoute: ${r.message}`);
    this.sourceCache.clear();
    return r.route;
  }

  /**
   * Sets the metrics of the routes with this exact prefix (Linux's `ip route change PREFIX … mtu
   * lock N advmss N initcwnd N`): a path MTU, locked or not, the MSS advertised to those
   * destinations and the initial congestion window. Connections pick them up as they next ask
   * (the MTU at once; advmss and initcwnd when a connection opens). RangeError when no route has
   * this prefix.
   */
  setRouteMetrics(prefix: string, metrics: RouteMetrics): void {
    if (this.routes.setMetrics(prefix, metrics) === 0) throw new RangeError(`setRouteMetrics: no route ${prefix}`);
  }

  /** The TCP layer (built on first use). */
  get tcp(): TcpHandler {
    if (!this.tcpLayer) this.tcpLayer = this.tcpFactory(this, this.rng, this.tcpConfig);
    return this.tcpLayer;
  }

  // ---- PacketEngine -------------------------------------------------------------------------

  /**
   * One IP packet in. The stack may keep views into `packet` (TCP payloads): the driver must not
   * reuse the buffer afterwards. Without `ifIndex`, interface 1 (the first one added) is assumed:
   * a packet from a driver is never taken for one from the loopback interface.
   */
  receive(packet: Uint8Array, now: number, ifIndex = 1): void {
    this.advance(now);
    this.input.receive(packet, ifIndex, now);
  }

  /**
   * A batch of IP packets that arrived together on one interface (one driver wake-up). Same as
   * receive() for each, except that on an interface configured with `gro` in-order TCP data of one
   * flow is coalesced before TCP input (stack/gro.ts).
   */
  receiveBatch(packets: readonly Uint8Array[], now: number, ifIndex = 1): void {
    this.advance(now);
    const ifc = this.interfaces.get(ifIndex);
    if (ifc === undefined || !ifc.gro || packets.length < 2) {
      for (const p of packets) this.input.receive(p, ifIndex, now);
      return;
    }
    const gro = this.gro;
    gro.active = true;
    gro.collapseAcks = ifc.groAcks;
    try {
      for (const p of packets) this.input.receive(p, ifIndex, now);
      gro.flush();
    } finally {
      gro.active = false;
    }
  }

  /**
   * Packets to send now. With `budget` (a driver's per-wake-up bound, like a NIC's NAPI budget),
   * TCP stops serving connections once about that many packets are queued; the rest are sent at
   * the next call (pollAt() stays at now meanwhile).
   */
  poll(now: number, budget = Infinity): OutboundPacket[] {
    this.advance(now);
    this.expireFragments(now);
    for (let round = 0; round < LOOPBACK_ROUNDS; round++) {
      let work = false;
      if (this.tcpLayer) {
        const left = budget - this.outQueue.length;
        if (left <= 0) break;
        const segs = this.tcpLayer.poll(now, left);
        if (segs.length > 0) work = true;
        for (const d of segs) this.sendTcp(d, now);
      }
      if (this.loopQueue.length > 0) {
        work = true;
        const q = this.loopQueue;
        this.loopQueue = [];
        for (const p of q) this.input.receive(p, LOOPBACK_INDEX, now);
      }
      if (!work) break;
    }
    const out = this.outQueue;
    this.outQueue = [];
    return out;
  }

  pollAt(): number | undefined {
    if (this.outQueue.length > 0 || this.loopQueue.length > 0) return this.lastNow;
    let t = this.frags.nextDeadline();
    const tcp = this.tcpLayer?.pollAt();
    if (tcp !== undefined && (t === undefined || tcp < t)) t = tcp;
    return t;
  }

  /** Events since the last call (socket readable/errors/listening, echo replies). */
  pollEvents(): StackEvent[] {
    if (this.events.length === 0) return [];
    const e = this.events;
    this.events = [];
    return e;
  }

  /** Sends an ICMP/ICMPv6 echo request; the reply comes back as an 'echo-reply' event. */
  ping(dst: IpAddress, opts: PingOptions, now: number): NetResult<undefined> {
    this.advance(now);
    return this.icmp.ping(dst, opts, now);
  }

  // ---- TcpServices --------------------------------------------------------------------------

  sourceFor(dst: IpAddress): IpAddress | undefined {
    const hit = this.sourceCache.get(dst);
    if (hit !== undefined) return hit ?? undefined;
    const src = this.computeSource(dst);
    if (this.sourceCache.size > 4096) this.sourceCache.clear();
    this.sourceCache.set(dst, src ?? null);
    return src;
  }

  isLocal(addr: IpAddress): boolean {
    if (this.interfaces.isLocal(addr)) return true;
    const c = canonicalIp(addr);
    return c !== undefined && c !== addr && this.interfaces.isLocal(c);
  }

  mtuFor(dst: IpAddress): number {
    const r = this.resolve(dst);
    if (r) return r.mtu;
    return dst.includes(':') ? 1280 : 576;
  }

  /** Memory for receive buffers (StackOptions.allocate; TcpServices.allocate). */
  allocate(n: number): Uint8Array {
    return this.allocator(n);
  }

  routeMetrics(dst: IpAddress): RouteMetrics | undefined {
    if (this.interfaces.isLocal(dst)) return undefined;
    return this.routes.lookup(dst)?.metrics;
  }

  gsoFor(dst: IpAddress): number {
    const r = this.resolve(dst);
    if (r === undefined || !this.interfaces.get(r.ifIndex)?.gso) return 0;
    // The super-segment must still fit the IP length fields: IPv4 Total Length and IPv6 Payload
    // Length are 16 bits (RFC 791 §3.1, RFC 8200 §3), with room for the largest TCP header.
    return 0xffff - MAX_TCP_HEADER - (dst.includes(':') ? 0 : 20);
  }

  // ---- IpHost -------------------------------------------------------------------------------

  sendIp(spec: SendSpec, now: number): SendOutcome {
    this.advance(now);
    const stats = this.stats;
    stats.ip.outRequests++;
    const route = this.resolve(spec.dst);
    if (!route) {
      countDrop(stats, 'no-route');
      return { ok: false, code: 'ENETUNREACH' };
    }
    const hl = spec.family === 4 ? 20 : 40;
    const gsoSize = spec.gsoSize;
    const dontFragment = (spec.pmtud === undefined ? spec.dontFragment === true : dontFragmentFor(spec.pmtud, route.locked)) || gsoSize !== undefined;
    const needsFragments = hl + spec.payload.length > route.mtu && !dontFragment;
    // RFC 6864: one Identification per datagram (a 16-bit counter); IPv6 draws one only to fragment.
    const id = spec.family === 4 ? this.nextId4++ & 0xffff : needsFragments ? this.rng() >>> 0 : 0;
    // Software GSO (InterfaceConfig.gsoSoftware): only the headers are built here; segmentTcp
    // writes the wire segments from the payload (a send-buffer view) below.
    const soft = gsoSize !== undefined && spec.payload instanceof TcpSegmentWriter && route.ifIndex !== LOOPBACK_INDEX && this.interfaces.get(route.ifIndex)?.gsoSoftware === true;
    const softPayload = soft ? (spec.payload as TcpSegmentWriter).headerOnly() : undefined;
    const built = this.builder.build(
      { family: spec.family, src: spec.src, dst: spec.dst, protocol: spec.protocol, payload: spec.payload, ttl: spec.ttl ?? this.config.defaultTtl, ecn: spec.ecn ?? 0, dscp: spec.dscp ?? 0, dontFragment: dontFragment && spec.family === 4 ? true : dontFragment },
      gsoSize !== undefined ? hl + spec.payload.length : route.mtu,
      id,
    );
    if (!built.ok) {
      stats.ip.fragFails++;
      countDrop(stats, 'too-big-df');
      return { ok: false, code: 'EMSGSIZE', mtu: built.mtu };
    }
    if (built.fragmented) {
      stats.ip.fragOks++;
      stats.ip.fragCreates += built.packets.length;
    }
    if (route.ifIndex === LOOPBACK_INDEX) {
      if (gsoSize !== undefined) built.packets = splitTcpSegments(built.packets[0]!, gsoSize);
      if (this.loopQueue.length + built.packets.length > this.config.maxOutQueue) {
        countDrop(stats, 'loopback-limit');
        return { ok: false, code: 'ENOBUFS' };
      }
      for (const p of built.packets) this.loopQueue.push(p);
      stats.ip.loopbackPackets += built.packets.length;
      return { ok: true };
    }
    if (this.outQueue.length + built.packets.length > this.config.maxOutQueue) {
      countDrop(stats, 'out-queue-full');
      return { ok: false, code: 'ENOBUFS' };
    }
    if (gsoSize !== undefined) {
      const p = built.packets[0]!;
      if (softPayload !== undefined) {
        const mem = this.builder.memory;
        for (const w of segmentTcp(p, softPayload, gsoSize, [], mem) ?? []) this.outQueue.push({ ifIndex: route.ifIndex, nextHop: route.nextHop, packet: w });
        mem?.release(p); // the headers the segments were cut from
      } else if (this.interfaces.get(route.ifIndex)?.gso) this.outQueue.push({ ifIndex: route.ifIndex, nextHop: route.nextHop, packet: p, gsoSize });
      else for (const w of splitTcpSegments(p, gsoSize)) this.outQueue.push({ ifIndex: route.ifIndex, nextHop: route.nextHop, packet: w });
      stats.ip.outPackets++;
      return { ok: true };
    }
    for (const p of built.packets) this.outQueue.push({ ifIndex: route.ifIndex, nextHop: route.nextHop, packet: p });
    stats.ip.outPackets += built.packets.length;
    return { ok: true };
  }

  sendIcmpError(packet: Uint8Array, ifIndex: number, spec: IcmpErrorSpec, now: number): void {
    this.icmp.sendError(packet, ifIndex, spec, now);
  }

  learnPmtu(dst: IpAddress, family: 4 | 6, mtu: number, now: number): number {
    const r = this.resolve(dst);
    // RFC 1191 §6.3: a locked estimate is not changed by reports.
    if (r?.locked === true) return r.mtu;
    const current = r?.mtu ?? (family === 4 ? 576 : 1280);
    const updated = this.pmtu.update(dst, family, mtu, current, now);
    if (updated !== undefined) this.stats.icmp.pmtuUpdates++;
    return updated ?? this.mtuFor(dst);
  }

  deliverIcmpNotice(n: IcmpNotice, now: number): void {
    const q = n.quoted;
    switch (q.protocol) {
      case IpProto.TCP:
        if (q.srcPort === undefined || q.dstPort === undefined || q.tcpSeq === undefined) return;
        this.tcp.icmpError(
          { kind: n.kind, code: n.code, family: n.family, ...(n.mtu !== undefined ? { mtu: n.mtu } : {}), local: { address: q.src, port: q.srcPort }, remote: { address: q.dst, port: q.dstPort }, seq: q.tcpSeq },
          now,
        );
        return;
      case IpProto.UDP:
        this.udp.icmpNotice(n);
        return;
      case IpProto.ICMP:
      case IpProto.ICMPV6:
        if (q.echoId === undefined || q.echoSeq === undefined) return;
        if (this.icmp.echo.take(n.family, q.dst, q.echoId, q.echoSeq) === undefined) return;
        this.emit({ type: 'echo-error', family: n.family, dst: q.dst, id: q.echoId, seq: q.echoSeq, kind: n.kind, code: n.code, from: n.from });
        return;
      default:
        return;
    }
  }

  emit(ev: StackEvent): void {
    if (this.events.length >= this.config.maxEvents) {
      this.eventsDropped++;
      return;
    }
    this.events.push(ev);
  }

  // ---- internals ----------------------------------------------------------------------------

  private advance(now: number): void {
    if (now > this.lastNow) this.lastNow = now;
  }

  /** Where a packet to `dst` goes: the loopback queue for our own addresses, else by route. */
  private resolve(dst: IpAddress): Resolved | undefined {
    if (this.interfaces.isLocal(dst)) return { ifIndex: LOOPBACK_INDEX, nextHop: dst, mtu: LOOPBACK_MTU, locked: false };
    const route = this.routes.lookup(dst);
    if (!route) return undefined;
    const ifc = this.interfaces.get(route.ifIndex);
    if (!ifc) return undefined;
    const m = route.metrics;
    const locked = m.mtuLock === true;
    // The route's MTU replaces the interface's (an administrator's statement about the path, as
    // Linux's route metric is); a learned estimate below it counts, unless it is locked.
    const base = m.mtu ?? ifc.mtu;
    const learned = this.pmtu.size > 0 && !locked ? this.pmtu.get(dst, this.lastNow) : undefined;
    // A broadcast is never sent to a gateway: it is for the link itself.
    const nextHop = route.via === undefined || this.interfaces.isBroadcast(dst) ? dst : route.via;
    return { ifIndex: route.ifIndex, nextHop, mtu: learned !== undefined && learned < base ? learned : base, locked };
  }

  private computeSource(dst: IpAddress): IpAddress | undefined {
    const bytes = parseIp(dst);
    if (!bytes) return undefined;
    const canon = canonicalIp(dst)!;
    // Our own address talks to itself from itself; the rest of 127/8 from 127.0.0.1.
    if (this.interfaces.ownerOf(canon) !== undefined) return canon;
    if (bytes.length === 4 && bytes[0] === 127) return '127.0.0.1';
    const route = this.routes.lookupBytes(bytes);
    if (!route) return undefined;
    const a = this.interfaces.sourceOn(route.ifIndex, bytes);
    if (a) return a.address;
    // The interface has no address of this family: any non-loopback one of the family will do.
    for (const ifc of this.interfaces.all()) {
      if (ifc.loopback) continue;
      for (const x of ifc.addresses) if (x.bytes.length === bytes.length) return x.address;
    }
    return undefined;
  }

  private expireFragments(now: number): void {
    const next = this.frags.nextDeadline();
    if (next === undefined || next > now) return;
    const { count, owed } = this.frags.expire(now);
    this.stats.ip.reasmTimeouts += count;
    this.stats.ip.reasmFails += count;
    for (let i = 0; i < count; i++) countDrop(this.stats, 'frag-timeout');
    // RFC 792 / RFC 8200 §4.5: Time Exceeded code 1, only if the first fragment had arrived.
    for (const o of owed) this.icmp.sendError(o.quote, o.ifIndex, { kind: 'reassembly-timeout' }, now);
  }

  /** Transport demultiplexing (RFC 1122 §3.2.1.1 protocol field / RFC 8200 Next Header). */
  private deliver(inb: Inbound, now: number): void {
    const stats = this.stats;
    stats.ip.inDelivers++;
    if (this.gro.active && inb.protocol !== IpProto.TCP) this.gro.flush(); // keep arrival order
    switch (inb.protocol) {
      case IpProto.TCP:
        return this.tcpInput(inb, now);
      case IpProto.UDP:
        return this.udp.input(inb, now);
      case IpProto.ICMP:
        if (inb.family === 4) return this.icmp.input(inb, now);
        break;
      case IpProto.ICMPV6:
        if (inb.family === 6) return this.icmp.input(inb, now);
        break;
      default:
        break;
    }
    stats.ip.inDelivers--;
    countDrop(stats, 'unknown-protocol');
    // RFC 1122 §3.2.2.1: protocol unreachable (IPv6 reports it as parameter problem code 1; the
    // extension-header walk already did for IPv6, so only ICMP on IPv6 / ICMPv6 on IPv4 land here).
    if (inb.family === 4) this.icmp.sendError(inb.packet, inb.ifIndex, { kind: 'protocol-unreachable' }, now);
  }

  private tcpInput(inb: Inbound, now: number): void {
    const stats = this.stats;
    stats.tcp.inSegs++;
    // RFC 1122 §4.2.3.10: a segment to a broadcast or multicast address is discarded.
    if (inb.cast !== 'unicast') {
      countDrop(stats, 'tcp-not-unicast');
      return;
    }
    const p = inb.payload;
    // A packet the driver marked (link-verified.ts) skips verification; otherwise, during a batch
    // GRO verifies the checksum of what it takes, data while copying it (gro.ts).
    const linkVerified = transportChecksumVerified(inb.packet);
    if (p.length >= 20 && this.gro.active && this.gro.offer(inb.src, inb.dst, p, inb.ecn, linkVerified ? undefined : pseudoHeaderSum(inb.srcBytes, inb.dstBytes, IpProto.TCP, p.length))) return;
    if (p.length < 20 || (!linkVerified && !tcpChecksumValid(p, 0, p.length, inb.srcBytes, inb.dstBytes))) {
      this.tcpChecksumBad(p.length < 20 ? 'tcp-header' : 'tcp-checksum');
      return;
    }
    const r = parseTcp(p, 0, p.length, 'lenient');
    if (!r.ok) {
      stats.tcp.inErrors++;
      countDrop(stats, 'tcp-header');
      return;
    }
    this.tcp.receive({ src: inb.src, dst: inb.dst, seg: r.value, ecn: inb.ecn }, now);
  }

  private tcpChecksumBad(reason: 'tcp-header' | 'tcp-checksum'): void {
    this.stats.tcp.inErrors++;
    countDrop(this.stats, reason);
  }

  private sendTcp(d: TcpDatagram, now: number): void {
    const w = this.tcpWriter;
    const srcBytes = w.bytesOf(d.src);
    const dstBytes = w.bytesOf(d.dst);
    if (!srcBytes || !dstBytes || srcBytes.length !== dstBytes.length) return;
    const gso = d.gsoSize !== undefined && d.seg.payload.length > d.gsoSize ? d.gsoSize : undefined;
    // Serialized straight into the IP packet by the builder (one copy of the payload, one checksum).
    w.aim(d.seg, srcBytes, dstBytes, gso !== undefined);
    const family = srcBytes.length === 4 ? 4 : 6;
    // RFC 1191 §3 / RFC 8201: TCP segments go with DF (IPv4) and unfragmented (IPv6), unless the
    // socket's IP_MTU_DISCOVER or a locked route MTU says otherwise (types.ts PmtuDiscovery).
    const spec: SendSpec = { family, src: d.src, dst: d.dst, protocol: IpProto.TCP, payload: w, pmtud: d.pmtud ?? 'want', ecn: d.ecn ?? 0 };
    if (gso !== undefined) spec.gsoSize = gso;
    if (d.dscp !== undefined) spec.dscp = d.dscp;
    if (d.ttl !== undefined) spec.ttl = d.ttl;
    const r = this.sendIp(spec, now);
    w.release();
    if (r.ok) {
      this.stats.tcp.outSegs++;
      return;
    }
    if (r.code === 'EMSGSIZE' && r.mtu !== undefined) {
      // Too big for the first hop: tell TCP as if a packet-too-big had come back (local PMTU signal).
      this.tcpLayer?.icmpError(
        { kind: 'packet-too-big', code: family === 4 ? 4 : 0, family, mtu: r.mtu, local: { address: d.src, port: d.seg.srcPort }, remote: { address: d.dst, port: d.seg.dstPort }, seq: d.seg.seq },
        now,
      );
    }
  }
}

/** DF by a socket's path MTU discovery mode and whether the route's MTU is locked (types.ts PmtuDiscovery). */
function dontFragmentFor(mode: PmtuDiscovery, routeLocked: boolean): boolean {
  if (mode === 'dont') return false;
  if (mode === 'want') return !routeLocked;
  return true;
}
