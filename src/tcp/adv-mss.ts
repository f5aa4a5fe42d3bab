// The MSS our SYN or SYN-ACK advertises (RFC 9293 §3.7.1, RFC 6691): what one segment toward the
// peer can carry without fragmentation — the route's advmss when it sets one (RouteMetrics), else
// the path MTU less the fixed IP and TCP headers — capped by TCP_MAXSEG, never below
// TcpConfig.minAdvertisedMss (default MIN_SND_MSS; FreeBSD's tcp_mssopt() applies no floor).

import type { TcpServices } from '../stack/types.js';
import type { TcpConfig } from './config.js';

export function advertisedMss(services: TcpServices, config: Pick<TcpConfig, 'minAdvertisedMss'>, remote: string, wanted: number | undefined): number {
  const v6 = remote.includes(':');
  const path = services.routeMetrics?.(remote)?.advmss ?? services.mtuFor(remote) - (v6 ? 40 : 20) - 20;
  return Math.max(1, config.minAdvertisedMss, Math.min(path, wanted ?? path));
}
