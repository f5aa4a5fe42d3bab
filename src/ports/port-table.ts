// The bind table of one transport protocol in one stack: which (address, port) pairs are taken.
// Rule: one port ⇒ one socket per address it covers. A wildcard (0.0.0.0 / ::) covers every address
// of its family, and '::' also covers IPv4 unless bound v6only (RFC 3493 §5.3 IPV6_V6ONLY, off by
// default as on Linux). IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) are IPv4.
//
// reuseAddr is kept deliberately simple: when the new and every overlapping existing binding set it,
// a specific address may be bound next to a wildcard on the same port (the BSD SO_REUSEADDR rule);
// the very same address twice is always EADDRINUSE, and `exclusive` on either side (Windows
// SO_EXCLUSIVEADDRUSE) forbids even that overlap. Reusing a port whose previous connection is still
// in TIME-WAIT is the TCP layer's decision (RFC 9293 §3.6.1, RFC 6191): connections in TIME-WAIT are
// not bindings here, TCP answers for them through the `inUse` callback of allocateEphemeral.

import { addressKey, type AddressKey } from './address-key.js';
import { EphemeralAllocator, type EphemeralAllocatorOptions } from './ephemeral.js';
import { isValidPort } from './ranges.js';

export interface BindOptions {
  /** SO_REUSEADDR: allow a specific address next to a wildcard (both sides must set it). */
  reuseAddr?: boolean;
  /** SO_EXCLUSIVEADDRUSE: no overlapping binding at all, whatever the other side's reuseAddr. */
  exclusive?: boolean;
  /** IPV6_V6ONLY for '::': do not cover IPv4 (RFC 3493 §5.3). Ignored for other addresses. */
  v6only?: boolean;
}

export type BindError = 'EADDRINUSE' | 'EINVAL';
export type BindResult = { ok: true } | { ok: false; code: BindError };
export type BindEphemeralResult = { ok: true; port: number } | { ok: false; code: BindError };

export interface PortTableOptions {
  /** 16-byte secret key for RFC 6056 port selection (draw it from the stack's injected Rng). */
  key: Uint8Array;
  ephemeralMin?: number;
  ephemeralMax?: number;
  /** RFC 6056 algorithm, 3 (default) or 4. */
  algorithm?: 3 | 4;
}

export interface Binding {
  /** The address exactly as given to bind(). */
  address: string;
  port: number;
  reuseAddr: boolean;
  exclusive: boolean;
  v6only: boolean;
}

interface Entry extends Binding {
  addr: AddressKey;
}

/** Sets of addresses a binding covers, per family: 'all', one key, or nothing. */
type Cover = 'all' | string | undefined;

function cover4(e: { addr: AddressKey; v6only: boolean }): Cover {
  if (e.addr.family === 4) return e.addr.wildcard ? 'all' : e.addr.key;
  return e.addr.wildcard && !e.v6only ? 'all' : undefined;
}

function cover6(e: { addr: AddressKey }): Cover {
  if (e.addr.family !== 6) return undefined;
  return e.addr.wildcard ? 'all' : e.addr.key;
}

function meets(a: Cover, b: Cover): boolean {
  if (a === undefined || b === undefined) return false;
  return a === 'all' || b === 'all' || a === b;
}

function overlaps(a: { addr: AddressKey; v6only: boolean }, b: { addr: AddressKey; v6only: boolean }): boolean {
  return meets(cover4(a), cover4(b)) || meets(cover6(a), cover6(b));
}

export class PortTable {
  readonly #byPort = new Map<number, Entry[]>();
  readonly #alloc: EphemeralAllocator;

  /** Throws RangeError when the key is not 16 bytes or the ephemeral range is invalid. */
  constructor(o: PortTableOptions) {
    const a: EphemeralAllocatorOptions = { key: o.key };
    if (o.ephemeralMin !== undefined) a.min = o.ephemeralMin;
    if (o.ephemeralMax !== undefined) a.max = o.ephemeralMax;
    if (o.algorithm !== undefined) a.algorithm = o.algorithm;
    this.#alloc = new EphemeralAllocator(a);
  }

  get ephemeralMin(): number {
    return this.#alloc.min;
  }

  get ephemeralMax(): number {
    return this.#alloc.max;
  }

  /** Number of bindings. */
  get size(): number {
    let n = 0;
    for (const list of this.#byPort.values()) n += list.length;
    return n;
  }

  /** Why binding `address`:`port` would fail, or undefined if it would succeed. */
  check(address: string, port: number, opts: BindOptions = {}): BindError | undefined {
    const addr = addressKey(address);
    // Port 0 means "any" to the sockets API; callers resolve it with bindEphemeral().
    if (addr === undefined || !isValidPort(port) || port === 0) return 'EINVAL';
    const cand = { addr, v6only: opts.v6only === true && addr.wildcard && addr.family === 6 };
    for (const e of this.#byPort.get(port) ?? []) {
      if (!overlaps(cand, e)) continue;
      if (e.addr.key === addr.key) return 'EADDRINUSE';
      const reuse = opts.reuseAddr === true && e.reuseAddr && opts.exclusive !== true && !e.exclusive;
      if (!reuse) return 'EADDRINUSE';
    }
    return undefined;
  }

  bind(address: string, port: number, opts: BindOptions = {}): BindResult {
    const err = this.check(address, port, opts);
    if (err !== undefined) return { ok: false, code: err };
    const addr = addressKey(address);
    if (addr === undefined) return { ok: false, code: 'EINVAL' };
    const entry: Entry = {
      address,
      port,
      addr,
      reuseAddr: opts.reuseAddr === true,
      exclusive: opts.exclusive === true,
      v6only: opts.v6only === true && addr.wildcard && addr.family === 6,
    };
    const list = this.#byPort.get(port);
    if (list === undefined) this.#byPort.set(port, [entry]);
    else list.push(entry);
    return { ok: true };
  }

  /** Removes the binding of exactly `address` (any spelling of it) on `port`; false when there was none. */
  release(address: string, port: number): boolean {
    const addr = addressKey(address);
    const list = this.#byPort.get(port);
    if (addr === undefined || list === undefined) return false;
    const i = list.findIndex((e) => e.addr.key === addr.key);
    if (i < 0) return false;
    list.splice(i, 1);
    if (list.length === 0) this.#byPort.delete(port);
    return true;
  }

  /** Whether exactly `address` (any spelling) is bound on `port`. */
  isBound(address: string, port: number): boolean {
    const addr = addressKey(address);
    if (addr === undefined) return false;
    return (this.#byPort.get(port) ?? []).some((e) => e.addr.key === addr.key);
  }

  /** Whether anything at all is bound on `port`. */
  portInUse(port: number): boolean {
    return this.#byPort.has(port);
  }

  /**
   * Demultiplexing: the binding that receives traffic for local `address`:`port` — an exact address
   * first, then the wildcard of its family, then '::' (not v6only) for IPv4.
   */
  lookup(address: string, port: number): Binding | undefined {
    const addr = addressKey(address);
    const list = this.#byPort.get(port);
    if (addr === undefined || list === undefined) return undefined;
    const probe = { addr, v6only: false };
    const exact = list.find((e) => e.addr.key === addr.key);
    const family = list.find((e) => e.addr.wildcard && e.addr.family === addr.family && overlaps(probe, e));
    const dual = list.find((e) => overlaps(probe, e));
    const hit = exact ?? family ?? dual;
    return hit === undefined ? undefined : publicView(hit);
  }

  /** All bindings, sorted by port. */
  bindings(): Binding[] {
    return [...this.#byPort.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, list]) => list.map(publicView));
  }

  /**
   * RFC 6056 §3.3.3 (Algorithm 3, or 4 if configured): an ephemeral port for a connection from
   * `local` to `remote`:`remotePort`. Skips ports where bind(local, port) would fail and ports
   * for which `inUse(port)` is true (TCP passes its connection table / TIME-WAIT check here).
   * Does not bind. Undefined when the range is exhausted or an address is not an IP literal.
   */
  allocateEphemeral(local: string, remote: string, remotePort: number, inUse?: (port: number) => boolean): number | undefined {
    return this.#alloc.select(local, remote, remotePort, (p) => this.check(local, p) === undefined && !(inUse?.(p) ?? false));
  }

  /**
   * Allocates and binds an ephemeral port for `local` (bind(addr, 0) in the sockets API). Without a
   * remote endpoint the hash uses the unspecified address of local's family and port 0.
   */
  bindEphemeral(
    local: string,
    opts: BindOptions = {},
    remote?: { address: string; port: number },
    inUse?: (port: number) => boolean,
  ): BindEphemeralResult {
    const addr = addressKey(local);
    if (addr === undefined) return { ok: false, code: 'EINVAL' };
    if (remote !== undefined && (addressKey(remote.address) === undefined || !isValidPort(remote.port))) return { ok: false, code: 'EINVAL' };
    const rAddr = remote?.address ?? (addr.family === 4 && !addr.v6Socket ? '0.0.0.0' : '::');
    const rPort = remote?.port ?? 0;
    const port = this.#alloc.select(local, rAddr, rPort, (p) => this.check(local, p, opts) === undefined && !(inUse?.(p) ?? false));
    if (port === undefined) return { ok: false, code: 'EADDRINUSE' };
    const r = this.bind(local, port, opts);
    return r.ok ? { ok: true, port } : r;
  }
}

function publicView(e: Entry): Binding {
  return { address: e.address, port: e.port, reuseAddr: e.reuseAddr, exclusive: e.exclusive, v6only: e.v6only };
}
