// Routing table with longest-prefix match (RFC 1812 §5.2.4.3): the most specific prefix wins, then
// the lowest metric, then the route added first. Connected routes (one per interface address prefix)
// are added by the stack; default and static routes by the user. Lookups are cached per destination
// text and the cache is dropped whenever the table changes.

import { maskPrefix, parseCidr, parseIp, formatIp, prefixMatch } from '../wire/address.js';
import type { IpAddress, RouteMetrics } from './types.js';

export interface RouteConfig {
  /** CIDR of the destinations this route covers, e.g. '0.0.0.0/0', '2001:db8::/32'. */
  prefix: string;
  /** Gateway; absent for a directly connected prefix. */
  via?: IpAddress;
  ifIndex: number;
  /** Lower is preferred among equally specific routes (default 0). */
  metric?: number;
  /** Path MTU (optionally locked), advertised MSS and initial window for these destinations. */
  metrics?: RouteMetrics;
}

export interface Route {
  family: 4 | 6;
  network: Uint8Array;
  prefixLength: number;
  /** Canonical text of the prefix, e.g. '10.0.0.0/24'. */
  prefix: string;
  via: IpAddress | undefined;
  ifIndex: number;
  metric: number;
  metrics: RouteMetrics;
}

export type RouteResult = { ok: true; route: Route } | { ok: false; code: 'EINVAL'; message: string };

const CACHE_LIMIT = 4096;

export class RouteTable {
  /** Kept sorted: longest prefix first, then metric, then insertion order. */
  private routes: Route[] = [];
  private readonly cache = new Map<IpAddress, Route | null>();

  add(cfg: RouteConfig): RouteResult {
    const c = parseCidr(cfg.prefix);
    if (!c) return { ok: false, code: 'EINVAL', message: `not a prefix: ${cfg.prefix}` };
    let via: IpAddress | undefined;
    if (cfg.via !== undefined) {
      const g = parseIp(cfg.via);
      if (!g || g.length !== c.address.length) return { ok: false, code: 'EINVAL', message: `gateway ${cfg.via} is not an address of the prefix's family` };
      via = formatIp(g);
    }
    const network = maskPrefix(c.address, c.prefixLength);
    const route: Route = { family: c.family, network, prefixLength: c.prefixLength, prefix: `${formatIp(network)}/${c.prefixLength}`, via, ifIndex: cfg.ifIndex, metric: cfg.metric ?? 0, metrics: { ...cfg.metrics } };
    let i = 0;
    while (i < this.routes.length && outranks(this.routes[i]!, route)) i++;
    this.routes.splice(i, 0, route);
    this.cache.clear();
    return { ok: true, route };
  }

  /** Removes routes with this exact prefix (and gateway, when given); returns how many. */
  remove(prefix: string, via?: IpAddress): number {
    const c = parseCidr(prefix);
    if (!c) return 0;
    const text = `${formatIp(maskPrefix(c.address, c.prefixLength))}/${c.prefixLength}`;
    const before = this.routes.length;
    this.routes = this.routes.filter((r) => !(r.prefix === text && (via === undefined || r.via === via)));
    this.cache.clear();
    return before - this.routes.length;
  }

  /**
   * Replaces the metrics of the routes with this exact prefix (`ip route change … mtu lock N advmss
   * N initcwnd N`); returns how many routes changed.
   */
  setMetrics(prefix: string, metrics: RouteMetrics): number {
    const c = parseCidr(prefix);
    if (!c) return 0;
    const text = `${formatIp(maskPrefix(c.address, c.prefixLength))}/${c.prefixLength}`;
    let n = 0;
    for (const r of this.routes) {
      if (r.prefix !== text) continue;
      r.metrics = { ...metrics };
      n++;
    }
    return n;
  }

  all(): readonly Route[] {
    return this.routes;
  }

  /** The best route for `dst` (text), or undefined when none covers it. */
  lookup(dst: IpAddress): Route | undefined {
    const hit = this.cache.get(dst);
    if (hit !== undefined) return hit ?? undefined;
    const bytes = parseIp(dst);
    const r = bytes ? this.lookupBytes(bytes) : undefined;
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(dst, r ?? null);
    return r;
  }

  lookupBytes(dst: Uint8Array): Route | undefined {
    for (const r of this.routes) {
      if (r.network.length === dst.length && prefixMatch(dst, r.network, r.prefixLength)) return r;
    }
    return undefined;
  }
}

/** Whether `a` sorts before `b`: longer prefix, then lower metric; ties keep insertion order. */
function outranks(a: Route, b: Route): boolean {
  if (a.prefixLength !== b.prefixLength) return a.prefixLength > b.prefixLength;
  return a.metric <= b.metric;
}
