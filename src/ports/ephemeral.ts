// RFC 6056 §3.3.3 Algorithm 3 "Simple Hash-Based Port Selection" and §3.3.4 Algorithm 4
// "Double-Hash Port Selection". The offset into the ephemeral range is F(local IP, remote IP,
// remote port, secret key) with F = SipHash-2-4, so connections to different peers start at
// unpredictable, unrelated points while repeated connections to the same peer walk forward
// sequentially (which keeps them clear of the previous connection's TIME-WAIT, RFC 6056 §3.3.3).

import { addressKey } from './address-key.js';
import { EPHEMERAL_MAX, EPHEMERAL_MIN, isValidPort } from './ranges.js';
import { siphash24 } from './siphash.js';

export interface EphemeralAllocatorOptions {
  /** secret_key of RFC 6056 §3.3.3: 16 bytes, drawn once per stack from the injected Rng. */
  key: Uint8Array;
  /** min_ephemeral, default 49152 (RFC 6335 §6). */
  min?: number;
  /** max_ephemeral, default 65535. */
  max?: number;
  /** 3 (default): one global next_ephemeral counter; 4: a table of counters indexed by a second hash. */
  algorithm?: 3 | 4;
  /** TABLE_LENGTH for algorithm 4 (RFC 6056 §3.3.4 suggests at least 10), default 256. */
  tableLength?: number;
}

export type AllocatorErrorCode = 'EPHEMERAL_BAD_RANGE' | 'EPHEMERAL_BAD_KEY' | 'EPHEMERAL_BAD_TABLE';

/** Checks allocator options; returns an error code or undefined when they are usable. */
export function checkEphemeralOptions(o: EphemeralAllocatorOptions): AllocatorErrorCode | undefined {
  const min = o.min ?? EPHEMERAL_MIN, max = o.max ?? EPHEMERAL_MAX;
  if (!isValidPort(min) || !isValidPort(max) || min < 1 || min > max) return 'EPHEMERAL_BAD_RANGE';
  if (o.key.length !== 16) return 'EPHEMERAL_BAD_KEY';
  const t = o.tableLength ?? 256;
  if (!Number.isInteger(t) || t < 1 || t > 1 << 20) return 'EPHEMERAL_BAD_TABLE';
  return undefined;
}

/** The RFC 6056 hash input: local address bytes, remote address bytes, remote port (big-endian). */
function tupleBytes(local: string, remote: string, remotePort: number, tag: number): Uint8Array | undefined {
  const l = addressKey(local), r = addressKey(remote);
  if (l === undefined || r === undefined || !isValidPort(remotePort)) return undefined;
  const out = new Uint8Array(1 + l.bytes.length + r.bytes.length + 2);
  out[0] = tag; // 0 for F, 1 for G: domain separation so one key serves both hashes
  out.set(l.bytes, 1);
  out.set(r.bytes, 1 + l.bytes.length);
  out[out.length - 2] = remotePort >> 8;
  out[out.length - 1] = remotePort & 0xff;
  return out;
}

export class EphemeralAllocator {
  readonly min: number;
  readonly max: number;
  readonly algorithm: 3 | 4;
  readonly #key: Uint8Array;
  /** Algorithm 3: next_ephemeral (kept modulo num_ephemeral, which leaves every port unchanged). */
  #next = 0;
  /** Algorithm 4: table[TABLE_LENGTH]. */
  readonly #table: Uint32Array;

  /** Throws RangeError on bad options (a programming error, not input): see checkEphemeralOptions. */
  constructor(o: EphemeralAllocatorOptions) {
    const err = checkEphemeralOptions(o);
    if (err !== undefined) throw new RangeError(`${err}: invalid ephemeral allocator options`);
    this.min = o.min ?? EPHEMERAL_MIN;
    this.max = o.max ?? EPHEMERAL_MAX;
    this.algorithm = o.algorithm ?? 3;
    this.#key = o.key.slice();
    this.#table = new Uint32Array(this.algorithm === 4 ? (o.tableLength ?? 256) : 0);
  }

  /** num_ephemeral. */
  get size(): number {
    return this.max - this.min + 1;
  }

  /** offset = F(local_IP, remote_IP, remote_port, secret_key) mod num_ephemeral; undefined for bad input. */
  offset(local: string, remote: string, remotePort: number): number | undefined {
    const data = tupleBytes(local, remote, remotePort, 0);
    if (data === undefined) return undefined;
    const [hi, lo] = siphash24(this.#key, data);
    return ((hi ^ lo) >>> 0) % this.size;
  }

  /**
   * Picks a port for a connection from `local` to `remote`:`remotePort`, walking the range from the
   * hashed offset and skipping every port for which `suitable(port)` is false (check_suitable_port).
   * Undefined when all num_ephemeral candidates were rejected or the addresses are not IP literals.
   */
  select(local: string, remote: string, remotePort: number, suitable: (port: number) => boolean): number | undefined {
    const offset = this.offset(local, remote, remotePort);
    if (offset === undefined) return undefined;
    const num = this.size;
    let slot = 0;
    if (this.algorithm === 4) {
      const g = tupleBytes(local, remote, remotePort, 1);
      if (g === undefined) return undefined;
      const [hi, lo] = siphash24(this.#key, g);
      slot = ((hi ^ lo) >>> 0) % this.#table.length;
    }
    for (let count = num; count > 0; count--) {
      const counter = this.algorithm === 4 ? (this.#table[slot] ?? 0) : this.#next;
      const port = this.min + ((offset + counter) % num);
      if (this.algorithm === 4) this.#table[slot] = (counter + 1) % num;
      else this.#next = (counter + 1) % num;
      if (suitable(port)) return port;
    }
    return undefined;
  }
}
