// Initial sequence numbers, RFC 6528 §3 (now RFC 9293 §3.4.1):
//   ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
// M is a 4-microsecond timer; F is SipHash-2-4 (a PRF, as §3 asks) keyed with 128 bits drawn from
// the injected Rng when the layer is built. `now` is in ms, so M = ⌊now · 250⌋ mod 2^32.

import { siphash24, siphash24Bytes } from '../ports/siphash.js';
import type { Endpoint, Rng } from '../stack/types.js';

const encoder = new TextEncoder();

export class IsnGenerator {
  readonly #key = new Uint8Array(16);

  constructor(rng: Rng) {
    const view = new DataView(this.#key.buffer);
    for (let i = 0; i < 4; i++) view.setUint32(4 * i, rng() >>> 0);
  }

  /** RFC 6528 ISN for the 4-tuple at `now` (ms). */
  isn(local: Endpoint, remote: Endpoint, now: number): number {
    const m = Math.floor(now * 250) % 0x1_0000_0000;
    const f = siphash24(this.#key, encoder.encode(`${local.address}|${local.port}|${remote.address}|${remote.port}`))[1];
    return (m + f) >>> 0;
  }

  /**
   * A 16-byte key for another use of the same secret (e.g. SYN cookies), derived by SipHash under a
   * label so that no further values are drawn from the Rng and its sequence stays as it was.
   */
  subkey(label: string): Uint8Array {
    const out = new Uint8Array(16);
    out.set(siphash24Bytes(this.#key, encoder.encode(`${label}#0`)), 0);
    out.set(siphash24Bytes(this.#key, encoder.encode(`${label}#1`)), 8);
    return out;
  }
}
