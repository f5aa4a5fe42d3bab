// What one chaos seed does: the network (hosts, paths, impairments), the workloads (flows), and the
// disruptions (link cuts, host crashes) with their times. Pure function of the seed.

import type { TcpConfig } from '../tcp/config.js';
import { ChaosRandom } from './random.js';
import { pathKey, type HostSpec, type PathSpec } from './world.js';

export type FlowKind = 'bulk' | 'request-response' | 'duplex' | 'abort';

export interface FlowSpec {
  id: number;
  kind: FlowKind;
  client: string;
  server: string;
  port: number;
  start: number;
  /** Bytes the client sends, and the server sends back (0 for bulk). */
  up: number;
  down: number;
  /** abort: time after start at which the client aborts. */
  abortAfter: number;
  /** The receiver reads only after a pause (zero windows with small buffers), ms; 0 = at once. */
  readPause: number;
}

export interface CutSpec {
  a: string;
  b: string;
  at: number;
  duration: number;
}

export interface CrashSpec {
  host: string;
  at: number;
  downtime: number;
}

export interface Scenario {
  seed: number;
  delayMs: number;
  rateMbps: number | undefined;
  mtu: number;
  hosts: HostSpec[];
  paths: Map<string, PathSpec>;
  flows: FlowSpec[];
  cuts: CutSpec[];
  crashes: CrashSpec[];
}

export interface ScenarioLimits {
  /** Largest stream per direction, bytes. */
  maxBytes: number;
  maxFlows: number;
}

export function makeScenario(seed: number, limits: ScenarioLimits = { maxBytes: 64 * 1024, maxFlows: 8 }): Scenario {
  const r = new ChaosRandom(seed);
  const nHosts = r.int(2, 8);
  const hosts: HostSpec[] = [];
  for (let i = 0; i < nHosts; i++) {
    const config: Partial<TcpConfig> = { keepAlive: false, keepAliveInterval: 10_000, keepAliveCount: 5 };
    const small = r.chance(0.25);
    if (small) {
      // Tiny windows: down to a few hundred bytes (zero windows under a paused reader).
      config.recvBufferSize = r.int(200, 6000);
      config.sendBufferSize = r.int(500, 20_000);
    }
    if (r.chance(0.3)) config.noDelay = true;
    if (r.chance(0.2)) config.congestionControl = 'cubic';
    hosts.push({ name: `h${i}`, address: `10.0.0.${i + 1}`, config });
  }
  const heavy = r.chance(0.3);
  const paths = new Map<string, PathSpec>();
  for (let i = 0; i < nHosts; i++) {
    for (let j = i + 1; j < nHosts; j++) {
      const burst = r.chance(0.3);
      paths.set(pathKey(hosts[i]!.address, hosts[j]!.address), {
        loss: heavy ? r.next() * 0.3 : r.next() * 0.05,
        burstEnter: burst ? r.next() * 0.02 : 0,
        burstMs: 10 + r.next() * 290,
        reorder: r.chance(0.5) ? r.next() * 0.2 : 0,
        duplicate: r.chance(0.4) ? r.next() * 0.1 : 0,
        corrupt: r.chance(0.4) ? r.next() * 0.05 : 0,
        extraDelay: r.chance(0.5) ? r.next() * 50 : 0,
      });
    }
  }
  const flows: FlowSpec[] = [];
  const nFlows = r.int(1, limits.maxFlows);
  const kinds: FlowKind[] = ['bulk', 'request-response', 'duplex', 'abort'];
  for (let id = 0; id < nFlows; id++) {
    const c = r.int(0, nHosts - 1);
    let s = r.int(0, nHosts - 2);
    if (s >= c) s++;
    const kind = r.pick(kinds);
    const size = (): number => (r.chance(0.2) ? r.int(0, 10) : r.int(1, limits.maxBytes));
    flows.push({
      id,
      kind,
      client: hosts[c]!.address,
      server: hosts[s]!.address,
      port: 1000 + id,
      start: r.next() * 2000,
      up: size(),
      down: kind === 'bulk' ? 0 : size(),
      abortAfter: r.next() * 3000,
      readPause: r.chance(0.3) ? r.next() * 300 : 0,
    });
  }
  const cuts: CutSpec[] = [];
  if (r.chance(0.3)) {
    for (let k = r.int(1, 3); k > 0; k--) {
      const i = r.int(0, nHosts - 1);
      let j = r.int(0, nHosts - 2);
      if (j >= i) j++;
      cuts.push({ a: hosts[i]!.address, b: hosts[j]!.address, at: r.next() * 5000, duration: r.next() * 20_000 });
    }
  }
  const crashes: CrashSpec[] = [];
  // Crash a host that carries a flow (one draw either way, so the other choices of a seed stay put).
  const endpoints = [...new Set(flows.flatMap((f) => [f.client, f.server]))];
  if (r.chance(0.15)) crashes.push({ host: r.pick(endpoints), at: r.next() * 5000, downtime: r.next() * 10_000 });
  const delayMs = 1 + r.next() * 30;
  const rateMbps = r.chance(0.4) ? 1 + r.next() * 50 : undefined;
  const mtu = r.pick([576, 1280, 1500, 9000]);
  // Sometimes a second host crashes too (drawn last: seeds without it are unchanged).
  if (r.chance(0.1)) {
    const others = endpoints.filter((h) => h !== crashes[0]?.host);
    if (others.length > 0) crashes.push({ host: r.pick(others), at: r.next() * 8000, downtime: r.next() * 10_000 });
  }
  return { seed, delayMs, rateMbps, mtu, hosts, paths, flows, cuts, crashes };
}
