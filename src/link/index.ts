// link/: link drivers and middleware. Today: the impaired in-memory link and a tap; real-IO drivers
// (TUN device, UDP tunnel) belong here too and push into the same PacketSink shape.
export * from './types.js';
export * from './impairments.js';
export * from './stages.js';
export * from './memory.js';
export * from './pcap-tap.js';
