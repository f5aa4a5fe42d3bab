// The layer's connections by 4-tuple (RFC 9293 §3.10.7: a segment goes to the connection named by
// its local and remote socket). Keyed by a small-integer hash of the 4-tuple instead of a string
// "laddr|lport|raddr|rport": no key string is built per arriving segment nor kept per connection.
// Hash collisions are resolved by comparing the endpoints; a bucket holds one connection or a few.

import type { TcpConnection } from './connection.js';

/** FNV-1a's offset basis: the seed when none is given (tests). */
export const UNSEEDED = 0x811c9dc5;

/**
 * FNV-1a over the address text and the two ports, folded to a non-negative 30-bit integer (a Smi),
 * started from a per-layer secret `seed`: a peer cannot compute colliding 4-tuples offline to make
 * every lookup scan one long bucket (the same concern as RFC 6056 §2.2's keyed port hash).
 */
export function tupleHash(localAddress: string, localPort: number, remoteAddress: string, remotePort: number, seed = UNSEEDED): number {
  let h = seed | 0;
  for (let i = 0; i < localAddress.length; i++) h = Math.imul(h ^ localAddress.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ localPort, 0x01000193);
  for (let i = 0; i < remoteAddress.length; i++) h = Math.imul(h ^ remoteAddress.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ remotePort, 0x01000193);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

function matches(c: TcpConnection, la: string, lp: number, ra: string, rp: number): boolean {
  return c.local.port === lp && c.remote.port === rp && c.remote.address === ra && c.local.address === la;
}

export class ConnectionTable {
  readonly #map = new Map<number, TcpConnection | TcpConnection[]>();
  #size = 0;
  readonly #seed: number;

  /** `seed`: a secret per table (TcpLayer derives it from its ISN key). */
  constructor(seed: number = UNSEEDED) {
    this.#seed = seed;
  }

  get size(): number {
    return this.#size;
  }

  get(localAddress: string, localPort: number, remoteAddress: string, remotePort: number): TcpConnection | undefined {
    const b = this.#map.get(tupleHash(localAddress, localPort, remoteAddress, remotePort, this.#seed));
    if (b === undefined) return undefined;
    if (!Array.isArray(b)) return matches(b, localAddress, localPort, remoteAddress, remotePort) ? b : undefined;
    for (const c of b) if (matches(c, localAddress, localPort, remoteAddress, remotePort)) return c;
    return undefined;
  }

  has(localAddress: string, localPort: number, remoteAddress: string, remotePort: number): boolean {
    return this.get(localAddress, localPort, remoteAddress, remotePort) !== undefined;
  }

  /** Adds `c`, replacing a connection with the same 4-tuple. */
  set(c: TcpConnection): void {
    const { local: l, remote: r } = c;
    const h = tupleHash(l.address, l.port, r.address, r.port, this.#seed);
    const b = this.#map.get(h);
    if (b === undefined) {
      this.#map.set(h, c);
      this.#size++;
    } else if (!Array.isArray(b)) {
      if (matches(b, l.address, l.port, r.address, r.port)) this.#map.set(h, c);
      else {
        this.#map.set(h, [b, c]);
        this.#size++;
      }
    } else {
      const i = b.findIndex((x) => matches(x, l.address, l.port, r.address, r.port));
      if (i >= 0) b[i] = c;
      else {
        b.push(c);
        this.#size++;
      }
    }
  }

  /** Removes `c` itself (not another connection that took its 4-tuple). */
  delete(c: TcpConnection): void {
    const { local: l, remote: r } = c;
    const h = tupleHash(l.address, l.port, r.address, r.port, this.#seed);
    const b = this.#map.get(h);
    if (b === c) {
      this.#map.delete(h);
      this.#size--;
    } else if (Array.isArray(b)) {
      const i = b.indexOf(c);
      if (i < 0) return;
      b.splice(i, 1);
      this.#size--;
      if (b.length === 1) this.#map.set(h, b[0]!);
    }
  }

  *values(): IterableIterator<TcpConnection> {
    for (const b of this.#map.values()) {
      if (Array.isArray(b)) yield* b.slice();
      else yield b;
    }
  }
}
