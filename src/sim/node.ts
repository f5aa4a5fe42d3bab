// A SimNode drives one PacketEngine (a Stack or a test double) on the scheduler: it feeds packets
// in, drains poll() after every input, hands outbound packets to the network, and keeps exactly
// one wake-up event armed at the engine's pollAt(). Input at one instant is batched: receive()
// queues a single service event, so several packets arriving together are polled once.
// A node can be powered off (a crash: its engine is never polled again, packets to it are lost)
// and powered on with a fresh engine in the same place on the segment (a reboot).

import type { OutboundPacket, PacketEngine } from '../stack/types.js';
import { splitTcpSegments } from '../wire/tcp-gso.js';
import type { Scheduler, SimEvent } from './scheduler.js';

/** Runs after each service; returns true when it dispatched something to user code. */
export type Pump = (now: number) => boolean;

export interface NodeHooks {
  transmit(from: SimNode, out: OutboundPacket, now: number): void;
  now(): number;
  markUserActivity(): void;
}

/** A PacketEngine that also takes a driver's batch at once (Stack.receiveBatch: GRO may coalesce it). */
type BatchEngine = PacketEngine & { receiveBatch?(packets: readonly Uint8Array[], now: number, ifIndex?: number): void };

/** Consecutive services at one instant before we call the engine's pollAt() broken. */
const SPIN_LIMIT = 100_000;

export class SimNode {
  private wake: SimEvent | undefined;
  private serviceQueued = false;
  private readonly pumps: Pump[] = [];
  private spinAt = -1;
  private spins = 0;
  private off = false;
  /** Packets that arrived while the node was powered off. */
  droppedWhileOff = 0;
  /**
   * Set by a driver that owns this node's only link (a real packet port, link/real-driver.ts):
   * everything one service emits goes here in one call, super-segments whole (a device with TSO
   * takes them as they are), instead of onto the segment's paths.
   */
  egress: ((out: OutboundPacket[], now: number) => void) | undefined = undefined;

  constructor(
    readonly id: number,
    readonly name: string,
    private engineNow: PacketEngine,
    /** Interface index of the engine's interface toward the network. */
    private ifIndexNow: number,
    /** Canonical addresses of that interface. */
    readonly addresses: readonly string[],
    private readonly sched: Scheduler,
    private readonly hooks: NodeHooks,
  ) {}

  /** The engine running on this node (a fresh one after each powerOn()). */
  get engine(): PacketEngine {
    return this.engineNow;
  }

  /** Interface index of the engine's interface toward the network. */
  get ifIndex(): number {
    return this.ifIndexNow;
  }

  get poweredOff(): boolean {
    return this.off;
  }

  /**
   * Crash: the engine stops (no poll, no timers, nothing sent) and packets arriving are lost; the
   * pumps that drained it into user objects are dropped with it.
   */
  powerOff(): void {
    this.off = true;
    this.stop();
    this.pumps.length = 0;
  }

  /** Reboot with a fresh engine (same id, name, addresses and paths). */
  powerOn(engine: PacketEngine, ifIndex: number): void {
    this.stop();
    this.pumps.length = 0;
    this.engineNow = engine;
    this.ifIndexNow = ifIndex;
    this.off = false;
    this.spinAt = -1;
    this.spins = 0;
    this.kick();
  }

  /** Register code that drains engine events into user-facing objects after every service. */
  addPump(pump: Pump): void {
    this.pumps.push(pump);
  }

  /** A packet arrives from the network. */
  deliver(packet: Uint8Array, now: number): void {
    if (this.off) {
      this.droppedWhileOff++;
      return;
    }
    this.engine.receive(packet, now, this.ifIndex);
    this.requestService(now);
  }

  /**
   * A batch read from a real port in one wake-up: handed to the engine together (receiveBatch when
   * it has one) and the node is serviced at once, so the answer leaves in the caller's turn
   * instead of after a hop through the scheduler.
   */
  deliverBatchNow(packets: readonly Uint8Array[], now: number): void {
    if (this.off) {
      this.droppedWhileOff += packets.length;
      return;
    }
    const e = this.engine as BatchEngine;
    if (e.receiveBatch !== undefined) e.receiveBatch(packets, now, this.ifIndex);
    else for (const p of packets) e.receive(p, now, this.ifIndex);
    try {
      // What the batch made readable moves into user objects before the poll, so the ACK it
      // builds announces the window those reads opened (not an ACK and then a window update).
      this.runPumps(now);
    } finally {
      this.service(now);
    }
  }

  /** State changed outside the scheduler (a user call): poll the engine at the current time. */
  kick(): void {
    this.requestService(this.hooks.now());
  }

  private requestService(now: number): void {
    if (this.serviceQueued) return;
    this.serviceQueued = true;
    this.sched.at(now, SimNode.serviceEvent, this);
  }

  private static serviceEvent(self: SimNode, now: number): void {
    self.serviceQueued = false;
    self.service(now);
  }

  private static wakeEvent(self: SimNode, now: number): void {
    self.wake = undefined;
    self.service(now);
  }

  private service(now: number): void {
    if (this.off) return;
    try {
      const out = this.engine.poll(now);
      if (this.egress !== undefined) {
        if (out.length > 0) this.egress(out, now);
      } else for (const o of out) {
        if (o.gsoSize === undefined) this.hooks.transmit(this, o, now);
        // The node is the host's NIC: a TCP super-segment leaves as the wire segments of a TSO
        // device, so links, impairments and captures see what a wire would carry.
        else for (const p of splitTcpSegments(o.packet, o.gsoSize)) this.hooks.transmit(this, { ifIndex: o.ifIndex, nextHop: o.nextHop, packet: p }, now);
      }
      this.runPumps(now);
    } finally {
      // Even when user code called from a pump throws, the engine's timers stay armed.
      this.arm(now);
    }
  }

  private runPumps(now: number): void {
    let dispatched = false;
    for (const pump of this.pumps) if (pump(now)) dispatched = true;
    if (dispatched) this.hooks.markUserActivity();
  }

  private arm(now: number): void {
    const t = this.engine.pollAt();
    if (t === undefined) return;
    if (t <= now) {
      if (this.spinAt === now) {
        if (++this.spins > SPIN_LIMIT) throw new Error(`host ${this.name}: pollAt() stays at ${t} <= now ${now} after poll(); the engine makes no progress`);
      } else {
        this.spinAt = now;
        this.spins = 0;
      }
    }
    // One wake-up at a time: an earlier deadline replaces it; a later one waits for the early
    // wake-up, which polls harmlessly and re-arms.
    if (this.wake !== undefined) {
      if (this.wake.time <= t) return;
      this.sched.cancel(this.wake);
    }
    this.wake = this.sched.at(t, SimNode.wakeEvent, this);
  }

  /** Drop pending wake-ups (network closing). */
  stop(): void {
    if (this.wake) this.sched.cancel(this.wake);
    this.wake = undefined;
  }
}
