// Contracts between the layers of the sans-IO core. Nothing here does IO or reads a clock:
// time is always passed in as `now` (milliseconds, fractional allowed).

/** An IP address in canonical text form: dotted quad for IPv4, RFC 5952 form for IPv6. */
export type IpAddress = string;

export interface Endpoint {
  address: IpAddress;
  port: number;
}

/** Randomness is injected into the core (never Math.random). Returns an unsigned 32-bit integer. */
export type Rng = () => number;

/**
 * Anything the driver can run: a Stack, or a test double. A driver (sim/ or link/) calls
 * receive() for every inbound IP packet, drains poll() after every call, and sleeps until pollAt().
 */
export interface PacketEngine {
  /** One IP packet (IPv4 or IPv6, no link header) arriving on interface `ifIndex`. */
  receive(packet: Uint8Array, now: number, ifIndex?: number): void;
  /** Packets to transmit now, each tagged with the outgoing interface and next-hop address. */
  poll(now: number): OutboundPacket[];
  /** Earliest time at which poll()/timers need to run again, or undefined when nothing is pending. */
  pollAt(): number | undefined;
}

export interface OutboundPacket {
  ifIndex: number;
  nextHop: IpAddress;
  packet: Uint8Array;
}
