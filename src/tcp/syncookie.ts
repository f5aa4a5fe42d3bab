// SYN cookies, RFC 4987 §3.6: when a listener's SYN queue is full, the SYN-ACK's sequence number
// carries everything needed to build the connection later, and nothing is kept per SYN. The
// 32-bit cookie is laid out as the RFC describes:
//   bits 31..27  t mod 32, t = ⌊now / 64 s⌋ (a slowly moving counter)
//   bits 26..24  index of the largest MSS in MSS_TABLE not above the peer's MSS
//   bits 23..0   a keyed MAC (SipHash-2-4) over the 4-tuple, the peer's ISN, t and the MSS index
// A returning ACK carries cookie + 1 in its acknowledgment number and client ISN + 1 in its
// sequence number; the cookie is accepted when the MAC matches for the current or the previous t,
// so a cookie lives between 64 and 128 s. Window scale, SACK and timestamps are not encoded: a
// cookie connection runs without them (RFC 4987 §3.6 lists this as the cost of cookies).

import { siphash24 } from '../ports/siphash.js';
import type { Endpoint } from '../stack/types.js';

/** Length of one counter period (ms). */
export const COOKIE_PERIOD_MS = 64_000;

/** MSS values a cookie can carry (3 bits), ascending. */
export const MSS_TABLE: readonly number[] = [216, 536, 1200, 1220, 1360, 1440, 1452, 1460];

export interface DecodedCookie {
  /** Send MSS of the peer, from MSS_TABLE. */
  mss: number;
  /** The counter the cookie was made in. */
  counter: number;
}

/** Index of the largest table MSS ≤ `peerMss` (the smallest entry when the peer asks for less). */
export function mssIndex(peerMss: number): number {
  let idx = 0;
  for (let i = 0; i < MSS_TABLE.length; i++) if ((MSS_TABLE[i] ?? Infinity) <= peerMss) idx = i;
  return idx;
}

export class SynCookies {
  readonly #key: Uint8Array;
  readonly #buf = new Uint8Array(128);
  readonly #view = new DataView(this.#buf.buffer);

  /** `key`: 16 secret bytes, fixed for the life of the layer. */
  constructor(key: Uint8Array) {
    this.#key = key.slice(0, 16);
  }

  /** The counter t at `now` (ms). */
  static counter(now: number): number {
    return Math.floor(now / COOKIE_PERIOD_MS);
  }

  /** The cookie (our ISN) for a SYN from `remote` to `local` with sequence number `clientIsn`. */
  make(local: Endpoint, remote: Endpoint, clientIsn: number, peerMss: number, now: number): number {
    const t = SynCookies.counter(now);
    const m = mssIndex(peerMss);
    return (((t & 31) << 27) | (m << 24) | this.#mac(local, remote, clientIsn, t, m)) >>> 0;
  }

  /**
   * Checks `cookie` (SEG.ACK − 1 of an ACK) against the 4-tuple and `clientIsn` (SEG.SEQ − 1):
   * the decoded MSS, or undefined when the MAC fails or the cookie is older than two periods.
   */
  check(local: Endpoint, remote: Endpoint, clientIsn: number, cookie: number, now: number): DecodedCookie | undefined {
    const now32 = SynCookies.counter(now);
    const tBits = cookie >>> 27;
    const m = (cookie >>> 24) & 7;
    for (const t of [now32, now32 - 1]) {
      if ((t & 31) !== tBits || t < 0) continue;
      if (this.#mac(local, remote, clientIsn, t, m) === (cookie & 0xffffff)) {
        return { mss: MSS_TABLE[m] ?? MSS_TABLE[0]!, counter: t };
      }
    }
    return undefined;
  }

  /** 24 bits of SipHash-2-4(key, ports ‖ ISN ‖ t ‖ MSS index ‖ addresses). */
  #mac(local: Endpoint, remote: Endpoint, clientIsn: number, t: number, m: number): number {
    const v = this.#view;
    v.setUint16(0, local.port);
    v.setUint16(2, remote.port);
    v.setUint32(4, clientIsn >>> 0);
    v.setUint32(8, t >>> 0);
    v.setUint8(12, m);
    let n = 13;
    n = writeAddress(this.#buf, n, local.address);
    n = writeAddress(this.#buf, n, remote.address);
    const h = siphash24(this.#key, this.#buf.subarray(0, n));
    return (h[1] ^ h[0]) & 0xffffff;
  }
}

/** Writes the address text's bytes with a separator (addresses are short ASCII literals). */
function writeAddress(buf: Uint8Array, at: number, address: string): number {
  let n = at;
  for (let i = 0; i < address.length && n < buf.length - 1; i++) buf[n++] = address.charCodeAt(i) & 0xff;
  buf[n++] = 0x7c; // '|'
  return n;
}
