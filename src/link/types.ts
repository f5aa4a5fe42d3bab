// Shapes shared by every link piece. A link direction is a chain of stages, each a PacketSink
// that does one thing (gate, MTU filter, queue + serialisation, loss, corruption, duplication,
// delay, pcap tap) and pushes the packet on to the next one. Stages that hold packets schedule
// their release on a LinkClock; stages that draw random numbers get their own RandomSource.
// Real-IO drivers (tun, udp-tunnel) will live beside these and feed the same PacketSink shape.

/** Something that accepts an IP packet at time `now` (ms). */
export interface PacketSink {
  push(packet: Uint8Array, now: number): void;
}

/** A middleware: wraps the next sink and returns the sink to push into. */
export type LinkStage = (next: PacketSink) => PacketSink;

/** Deferred execution on the simulation clock (sim/Scheduler satisfies it). */
export interface LinkClock {
  at<T>(time: number, fn: (arg: T, now: number) => void, arg: T): unknown;
}

/** Seeded randomness (sim/Sfc32 satisfies it). */
export interface RandomSource {
  u32(): number;
  /** Uniform in [0, 1). */
  float(): number;
}

/** Why a link dropped a packet. */
export type DropReason = 'down' | 'mtu' | 'queue' | 'loss';

/** Counters of one link direction. */
export interface ChannelStats {
  /** Packets offered to the link. */
  sent: number;
  /** Packets handed to the far end (duplicates included). */
  delivered: number;
  bytesDelivered: number;
  dropped: Record<DropReason, number>;
  duplicated: number;
  corrupted: number;
  reordered: number;
  /** Packets marked CE by the queue (ecnThreshold) instead of being dropped. */
  ceMarked: number;
  /** Highest number of packets held in the transmit queue at once. */
  maxQueue: number;
}

export function emptyStats(): ChannelStats {
  return {
    sent: 0,
    delivered: 0,
    bytesDelivered: 0,
    dropped: { down: 0, mtu: 0, queue: 0, loss: 0 },
    duplicated: 0,
    corrupted: 0,
    reordered: 0,
    ceMarked: 0,
    maxQueue: 0,
  };
}

/** Compose stages front to back in front of `sink`: chain([a, b], s) pushes into a, then b, then s. */
export function chain(stages: readonly LinkStage[], sink: PacketSink): PacketSink {
  let next = sink;
  for (let i = stages.length - 1; i >= 0; i--) next = stages[i]!(next);
  return next;
}
