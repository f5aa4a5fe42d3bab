// Congestion-control registry: TcpConfig.congestionControl names one of these.

import { NewReno } from './newreno.js';
import { Cubic } from './cubic.js';
import { Bbr } from './bbr.js';
import { LinuxCubic } from './cubic-linux.js';
import type { CongestionControl, CongestionControlInit } from './types.js';
import type { TcpConfig } from '../config.js';

export type { AckSample, CongestionControl, CongestionControlInit } from './types.js';
export { initialWindow } from './types.js';
export { NewReno } from './newreno.js';
export { Cubic } from './cubic.js';
export { Bbr } from './bbr.js';
export { LinuxCubic, LINUX_CUBIC_DEFAULTS, CUBIC_TUNABLE_NAMES, type CubicTunables } from './cubic-linux.js';

export type CongestionControlFactory = (init: CongestionControlInit) => CongestionControl;

const registry = new Map<string, CongestionControlFactory>([
  ['newreno', (init) => new NewReno(init)],
  ['cubic', (init) => (init.linuxCubic !== undefined ? new LinuxCubic(init, init.linuxCubic) : new Cubic(init))],
  ['bbr', (init) => new Bbr(init)],
]);

/** Adds (or replaces) an algorithm under `name`. */
export function registerCongestionControl(name: string, factory: CongestionControlFactory): void {
  registry.set(name.toLowerCase(), factory);
}

export function congestionControlNames(): string[] {
  return [...registry.keys()];
}

/** The algorithm called `name`, or undefined when there is none. */
export function createCongestionControl(name: string, init: CongestionControlInit): CongestionControl | undefined {
  return registry.get(name.toLowerCase())?.(init);
}

/**
 * The congestion control a connection starts with (or restarts with on an MSS change): the
 * configured algorithm (NewReno when the name is unknown) for `mss`, with the initial window a route
 * sets (RouteMetrics.initcwnd; RFC 6928's byte bound still applies) or the configured one, and the
 * SYN history (RFC 5681 §3.1 / RFC 6298 §5.7: one segment after a lost SYN).
 */
export function connectionCongestionControl(cfg: TcpConfig, mss: number, initcwnd: number | undefined, synLost: boolean): CongestionControl {
  const init: CongestionControlInit = {
    mss,
    initialWindowSegments: initcwnd ?? cfg.initialWindowSegments,
    synLost,
    hystart: cfg.hystart,
    pacing: cfg.pacing,
    unlimitedSlowStart: cfg.cwndGrowth === 'linux',
    reduceFromCwnd: cfg.cwndGrowth === 'linux',
    ...(cfg.cubicVariant === 'linux' ? { linuxCubic: cfg.cubicTunables } : {}),
  };
  return createCongestionControl(cfg.congestionControl, init) ?? createCongestionControl('newreno', init) ?? new NewReno(init);
}
