// stack/: the sans-IO IP layer — interfaces, routing, fragmentation, ICMP, UDP and TCP plumbing.
export * from './types.js';
export * from './stack.js';
export type { StackOptions, TcpFactory } from './config.js';
export type { StackEvent } from './events.js';
export * from './errors.js';
export type { StackStats, DropReason } from './stats.js';
export type { InterfaceConfig, NetInterface, InterfaceAddress } from './interfaces.js';
export { LOOPBACK_INDEX } from './interfaces.js';
export type { RouteConfig, Route } from './routing.js';
export type { RateLimitConfig } from './rate-limit.js';
export type { PmtuConfig } from './pmtu.js';
export { NullTcp } from './null-tcp.js';
export { PacketPool } from './packet-pool.js';
export type { PacketMemory, PacketPoolOptions, PacketPoolCounters } from './packet-pool.js';
