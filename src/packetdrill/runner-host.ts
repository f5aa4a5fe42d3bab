// The stack under test for the packetdrill runner: one TcpLayer driven sans-IO on a virtual
// clock, the way the Pair harness drives its layers, with the stack-level services stubbed
// (one local address, one remote peer, a fixed MTU). Time is kept in integer microseconds, the
// unit of scripts; the core sees milliseconds (fractional allowed).

import type { TcpConfig } from '../tcp/config.js';
import { TcpLayer } from '../tcp/layer.js';
import type { RouteMetrics, TcpDatagram, TcpServices } from '../stack/types.js';
import { RouteTable } from '../stack/routing.js';
import { xorshift32 } from '../stack/xorshift32.js';

/** packetdrill's address conventions (its config.c): RFC 1918 / RFC 5737 for IPv4, ULA / RFC 3849 for IPv6. */
export const ADDRESSES = {
  ipv4: { local: '192.168.0.1', remote: '192.0.2.1' },
  ipv6: { local: 'fd3d:fa7b:d17d::1', remote: '2001:db8::1' },
} as const;

export type IpVersion = 'ipv4' | 'ipv6' | 'ipv4-mapped-ipv6';

export interface SentPacket {
  /** when the layer sent it, µs of script time */
  us: number;
  dgram: TcpDatagram;
}

export interface HostOptions {
  ipVersion: IpVersion;
  mtu: number;
  config: Partial<TcpConfig>;
  seed: number;
}


export class VirtualHost {
  readonly layer: TcpLayer;
  readonly local: string;
  readonly remote: string;
  readonly v6: boolean;
  /** The interface MTU. */
  readonly mtu: number;
  /** Script time, µs. */
  nowUs = 0;
  /** Everything the layer sent, oldest first, not yet consumed by an outbound check. */
  readonly sent: SentPacket[] = [];
  /** Routes toward the peer with metrics set by `ip route change` (runner-route.ts). */
  readonly routes = new RouteTable();
  /** Called for every packet the layer sends, as it is sent. */
  onSend: ((p: SentPacket) => void) | undefined = undefined;

  constructor(opts: HostOptions) {
    const addrs = opts.ipVersion === 'ipv6' ? ADDRESSES.ipv6 : ADDRESSES.ipv4;
    this.local = addrs.local;
    this.remote = addrs.remote;
    this.v6 = opts.ipVersion === 'ipv6';
    this.mtu = opts.mtu;
    const local = this.local;
    const mtu = opts.mtu;
    const routes = this.routes;
    const services: TcpServices = {
      sourceFor: (dst) => (dst.includes(':') === local.includes(':') ? local : undefined),
      isLocal: (a) => a === local,
      // The route's MTU when it sets one (it replaces the interface's), as the Stack resolves it.
      mtuFor: (dst) => routes.lookup(dst)?.metrics.mtu ?? mtu,
      routeMetrics: (dst) => routes.lookup(dst)?.metrics,
    };
    this.layer = new TcpLayer({ services, rng: xorshift32(opts.seed, 0x9e3779b9), config: opts.config });
  }

  /** `ip route change PREFIX …`: the metrics of the route with this prefix (added when missing). */
  setRoute(prefix: string, metrics: RouteMetrics): void {
    if (this.routes.setMetrics(prefix, metrics) === 0) this.routes.add({ prefix, ifIndex: 1, metrics });
  }

  get nowMs(): number {
    return this.nowUs / 1000;
  }

  /** Runs whatever is due now: output and timers. */
  flush(): void {
    const out = this.layer.poll(this.nowMs);
    for (const d of out) {
      const p = { us: this.nowUs, dgram: d };
      this.sent.push(p);
      this.onSend?.(p);
    }
    this.layer.pollEvents(); // sockets read the connections' state directly
  }

  /** The layer's next deadline in µs (rounded up so the core sees it as due). */
  nextDeadlineUs(): number | undefined {
    const ms = this.layer.pollAt();
    if (ms === undefined) return undefined;
    return Math.max(this.nowUs, Math.ceil(ms * 1000 - 1e-6));
  }

  /** One inbound segment from the remote peer, delivered now. */
  inject(d: TcpDatagram): void {
    this.layer.receive(d, this.nowMs);
    this.flush();
  }

  /**
   * Advances the clock to `untilUs`, running every deadline on the way. After each step
   * `stop()` is asked whether to halt there (the clock then stays at that step's time).
   * `extraDeadline()` adds deadlines of the caller's own (syscall timeouts). Returns true
   * when stopped early.
   */
  runUntil(untilUs: number, stop: () => boolean, extraDeadline: () => number | undefined = () => undefined): boolean {
    for (let steps = 0; ; steps++) {
      this.flush();
      if (stop()) return true;
      if (this.nowUs >= untilUs) return false;
      let next = this.nextDeadlineUs();
      const extra = extraDeadline();
      if (extra !== undefined && extra > this.nowUs && (next === undefined || extra < next)) next = extra;
      if (next === undefined || next > untilUs) next = untilUs;
      if (next <= this.nowUs) next = this.nowUs + 1; // a deadline that is already due but not consumed
      if (steps > 10_000_000) throw new Error(`virtual clock made no progress at ${this.nowUs} µs`);
      this.nowUs = next;
    }
  }
}
