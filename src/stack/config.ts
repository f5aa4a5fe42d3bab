// Stack options and their defaults.

import type { TcpConfig } from '../tcp/config.js';
import type { PacketMemory } from './packet-pool.js';
import type { PmtuConfig } from './pmtu.js';
import type { RateLimitConfig } from './rate-limit.js';
import type { Allocate, Rng, TcpHandler, TcpServices } from './types.js';

/** Builds the TCP layer the stack drives; the stack calls it once, lazily, on first use. */
export type TcpFactory = (services: TcpServices, rng: Rng, config: Partial<TcpConfig> | undefined) => TcpHandler;

export interface StackOptions {
  rng: Rng;
  hostname?: string;
  /** Passed to the TCP layer's constructor (tcp/config.ts). */
  tcp?: Partial<TcpConfig>;
  /** Replaces the TCP layer (tests, alternative implementations). */
  tcpFactory?: TcpFactory;
  /** TTL / Hop Limit of packets we originate (RFC 1122 §3.2.1.7 / RFC 8200; default 64). */
  defaultTtl?: number;
  reassembly?: {
    /** Stack-wide bytes held in reassembly buffers, both families (default 4 MiB). */
    budgetBytes?: number;
    /** RFC 791 / RFC 1122 §3.3.2: 60-120 s recommended upper bound; default 30 s. */
    timeoutV4Ms?: number;
    /** RFC 8200 §4.5: 60 s. */
    timeoutV6Ms?: number;
  };
  /** ICMP error token bucket (RFC 1812 §4.3.2.8, RFC 4443 §2.4(f)); default 100/s, burst 50. */
  icmpErrorRate?: RateLimitConfig;
  pmtu?: Partial<PmtuConfig>;
  udp?: {
    /** Receive queue bound per socket, in payload bytes (default 212992, Linux's rmem_default). */
    recvBufferBytes?: number;
    ephemeralMin?: number;
    ephemeralMax?: number;
  };
  /** Outbound packets held between poll() calls before new ones are dropped (default 65536). */
  maxOutQueue?: number;
  /** Undrained events kept before the oldest are dropped (default 65536). */
  maxEvents?: number;
  /**
   * Recycled memory for outbound TCP packets (stack/packet-pool.ts PacketPool): the driver gives
   * each packet from poll() back with `release` once nothing needs it any more (the peer's
   * receive() returned, the device wrote it). Without it every packet is fresh memory.
   */
  packetPool?: PacketMemory;
  /**
   * Memory for TCP receive buffers whose contents need not be zeroed (types.ts Allocate; Node:
   * Buffer.allocUnsafeSlow). Default `new Uint8Array(n)`.
   */
  allocate?: Allocate;
}

export interface ResolvedConfig {
  defaultTtl: number;
  budgetBytes: number;
  timeoutV4Ms: number;
  timeoutV6Ms: number;
  icmpErrorRate: RateLimitConfig;
  recvBufferBytes: number;
  maxOutQueue: number;
  maxEvents: number;
}

export function resolveConfig(o: StackOptions): ResolvedConfig {
  return {
    defaultTtl: o.defaultTtl ?? 64,
    budgetBytes: o.reassembly?.budgetBytes ?? 4 * 1024 * 1024,
    timeoutV4Ms: o.reassembly?.timeoutV4Ms ?? 30_000,
    timeoutV6Ms: o.reassembly?.timeoutV6Ms ?? 60_000,
    icmpErrorRate: o.icmpErrorRate ?? { ratePerSec: 100, burst: 50 },
    recvBufferBytes: o.udp?.recvBufferBytes ?? 212_992,
    maxOutQueue: o.maxOutQueue ?? 65_536,
    maxEvents: o.maxEvents ?? 65_536,
  };
}
