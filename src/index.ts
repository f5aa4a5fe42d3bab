// layer4 public entry point. Each layer re-exports what users may rely on.
export * from './wire/index.js';
export * from './ports/index.js';
export { createNetwork, Network, Host, Link, Capture } from './sim/index.js';
export type { NetworkOptions, HostOptions, IdleOptions, CaptureOptions, PingOptions as HostPingOptions } from './sim/index.js';
export type { LinkOptions, Impairments, BurstLoss, ChannelStats } from './link/index.js';
export type { Socket as DgramSocket, SocketOptions as DgramSocketOptions, RemoteInfo, AddressInfo as DgramAddressInfo } from './api/dgram.js';
export { Socket as NetSocket, Server as NetServer } from './api/net.js';
export type { Net, ConnectOptions, ListenOptions, SocketConstructorOpts, ServerOpts, AddressInfo as NetAddressInfo } from './api/net.js';
export type { OpenTcpOptions, TcpStreams } from './api/web-streams.js';
// The sans-IO cores, for drivers of your own (a TUN device, a browser page, a test harness).
export { Stack } from './stack/index.js';
export { TcpLayer } from './tcp/index.js';
export type { TcpConfig, TcpEvent, TcpState } from './tcp/index.js';
export * as viz from './viz/index.js';
export * as packetdrill from './packetdrill/index.js';
// Real networks: a Linux TUN device (optional native addon) and IP-in-UDP tunnels between processes.
export { TunDevice, TunUnavailableError, tunAvailability } from './link/tun.js';
export { openTunHost, planPeer } from './link/tun-setup.js';
export type { TunOptions } from './link/tun.js';
export type { TunHostOptions, TunHost } from './link/tun-setup.js';
export { createUdpTunnel, createUdpTunnelHost, UdpTunnel } from './link/udp-tunnel.js';
export { createIperf3Server, Iperf3Server, IPERF3_PORT, type Iperf3ServerOptions, type Iperf3TestResult } from './apps/iperf3.js';
export type { UdpTunnelOptions, UdpTunnelHostOptions } from './link/udp-tunnel.js';
export { createPortHost, attachPort, connectPort } from './link/real-driver.js';
export type { PacketPort, PortHost, PortHostOptions, PortCounters } from './link/real-driver.js';
