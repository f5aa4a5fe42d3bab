// sim/: the in-memory network (createNetwork), its scheduler, clocks and seeded randomness.
import { Network, type NetworkOptions } from './network.js';

export { Network, type NetworkOptions, type HostOptions, type IdleOptions, type NodeLike, type AttachOptions, type NetworkTimer } from './network.js';
export { Host, type HostRuntime, type PingOptions, type StackEventHandler } from '../api/host.js';
export { Link } from './link-handle.js';
export { Capture, type CaptureOptions } from './capture.js';
export { SimNode, type Pump } from './node.js';
export { Scheduler, SimEvent, type EventFn } from './scheduler.js';
export { Sfc32, RandomRoot, deriveSeed, type Random } from './rng.js';
export { parseHostAddress, type HostAddress } from './addressing.js';
export type { SegmentStats } from './segment.js';

/** A new in-memory network. */
export function createNetwork(opts: NetworkOptions = {}): Network {
  return new Network(opts);
}
