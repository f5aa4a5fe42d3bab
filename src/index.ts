// layer4 public entry point. Each layer re-exports what users may rely on.
export * from './wire/index.js';
export * from './ports/index.js';
export { createNetwork, Network, Host, Link, Capture } from './sim/index.js';
export type { NetworkOptions, HostOptions, IdleOptions, CaptureOptions, PingOptions as HostPingOptions } from './sim/index.js';
export type { LinkOptions, Impairments, BurstLoss, ChannelStats } from './link/index.js';
export type { Socket as DgramSocket, SocketOptions as DgramSocketOptions, RemoteInfo, AddressInfo as DgramAddressInfo } from './api/dgram.js';
