// `ip route change|replace|add DST [via GW] [dev IF] [mtu [lock] N] [advmss N] [initcwnd N]` in a
// script's commands: the route toward the remote peer gets the metrics (stack/types.ts
// RouteMetrics) that the stack under test then uses, as Linux's dst metrics are used — the path
// MTU (locked or not), the MSS its SYNs advertise and the initial window. The gateway and device
// name only say which route it is: the runner has one interface and one peer.

import { canonicalIp } from '../wire/address.js';
import type { RouteMetrics } from '../stack/types.js';

export interface RouteChange {
  /** Destination prefix, canonical (`192.0.2.1/32`). */
  prefix: string;
  metrics: RouteMetrics;
}

export type RouteParse = { ok: true; change: RouteChange } | { ok: false; reason: string };

const METRIC_MAX: Record<'mtu' | 'advmss' | 'initcwnd', number> = { mtu: 65535, advmss: 65535, initcwnd: 1024 };

/** Parses the words after `ip` (`-6 route change 2001:db8::1 via … mtu lock 1520`). */
export function parseRouteCommand(w: readonly string[]): RouteParse {
  let i = 0;
  let family: 4 | 6 | undefined;
  while (w[i] === '-4' || w[i] === '-6') family = w[i++] === '-4' ? 4 : 6;
  const text = w.join(' ');
  if (w[i] !== 'route' && w[i] !== 'r' && w[i] !== 'ro') return { ok: false, reason: `shell command 'ip ${text}' is not supported` };
  const verb = w[i + 1];
  if (verb !== 'change' && verb !== 'replace' && verb !== 'add') return { ok: false, reason: `ip route ${verb ?? ''} is not supported` };
  const dst = w[i + 2];
  if (dst === undefined) return { ok: false, reason: 'ip route without a destination' };
  const [addr, len] = dst.split('/');
  const canon = addr === undefined ? undefined : canonicalIp(addr);
  if (canon === undefined) return { ok: false, reason: `ip route destination ${dst} is not supported` };
  const v6 = canon.includes(':');
  if (family !== undefined && (family === 6) !== v6) return { ok: false, reason: `ip route: ${dst} is not an IPv${family} address` };
  const metrics: RouteMetrics = {};
  for (let k = i + 3; k < w.length; k++) {
    const word = w[k]!;
    if (word === 'via' || word === 'dev' || word === 'proto' || word === 'scope' || word === 'src' || word === 'metric') {
      k++; // which route it is, not how it behaves
      continue;
    }
    if (word !== 'mtu' && word !== 'advmss' && word !== 'initcwnd') return { ok: false, reason: `ip route ${word} is not supported` };
    let lock = false;
    if (w[k + 1] === 'lock') {
      lock = true;
      k++;
    }
    const n = Number(w[++k]);
    if (!Number.isInteger(n) || n < 1 || n > METRIC_MAX[word]) return { ok: false, reason: `ip route ${word}: cannot read value ${w[k] ?? ''}` };
    if (word === 'mtu') {
      metrics.mtu = n;
      if (lock) metrics.mtuLock = true;
    } else if (word === 'advmss') metrics.advmss = n;
    else metrics.initcwnd = n;
  }
  return { ok: true, change: { prefix: `${canon}/${len ?? (v6 ? 128 : 32)}`, metrics } };
}
