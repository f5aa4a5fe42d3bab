// The TCP half of IP output: a PayloadWriter that serializes a TcpRepr straight into the IP packet
// the builder allocated (header in place, payload copied once, checksum computed once over the
// final bytes), and a small cache of address bytes so the text addresses of a flow are not parsed
// again for every segment. One writer per stack, re-aimed at each segment: no per-segment closure.
//
// A GSO super-segment (TcpDatagram.gsoSize) gets the partial checksum a TSO device expects: the
// pseudo-header sum over the whole TCP length, folded, not complemented (the device or
// wire/tcp-gso.ts completes each wire segment's checksum).

import { parseIp } from '../wire/address.js';
import { put16 } from '../wire/bytes.js';
import { emitTcp, tcpSegmentLength } from '../wire/tcp.js';
import { partialPseudoChecksumOf } from '../wire/tcp-gso.js';
import type { TcpRepr } from '../wire/tcp-types.js';
import type { PayloadWriter } from './ip-output.js';
import type { IpAddress } from './types.js';

const EMPTY = new Uint8Array(0);
const CACHE_LIMIT = 4096;

export class TcpSegmentWriter implements PayloadWriter {
  length = 0;
  #seg: TcpRepr | undefined;
  #src: Uint8Array = EMPTY;
  #dst: Uint8Array = EMPTY;
  #partial = false;
  readonly #bytes = new Map<IpAddress, Uint8Array | null>();
  #lastText = '';
  #lastBytes: Uint8Array | undefined;

  /** Address bytes of canonical text (memoized); undefined for a malformed address. */
  bytesOf(addr: IpAddress): Uint8Array | undefined {
    if (addr === this.#lastText && this.#lastBytes !== undefined) return this.#lastBytes;
    let b = this.#bytes.get(addr);
    if (b === undefined) {
      b = parseIp(addr) ?? null;
      if (this.#bytes.size >= CACHE_LIMIT) this.#bytes.clear();
      this.#bytes.set(addr, b);
    }
    if (b === null) return undefined;
    this.#lastText = addr;
    this.#lastBytes = b;
    return b;
  }

  /** Aims the writer at one segment; returns false when the addresses are unusable. */
  aim(seg: TcpRepr, src: Uint8Array, dst: Uint8Array, partial: boolean): void {
    this.#seg = seg;
    this.#src = src;
    this.#dst = dst;
    this.#partial = partial;
    this.length = tcpSegmentLength(seg);
  }

  write(buf: Uint8Array, off: number): void {
    const seg = this.#seg!;
    if (this.#partial) {
      emitTcp(seg, buf, off);
      put16(buf, off + 16, partialPseudoChecksumOf(this.#src, this.#dst, this.length));
    } else emitTcp(seg, buf, off, this.#src, this.#dst);
  }

  /**
   * Re-aims the writer at the TCP header alone (software GSO, wire/tcp-gso.ts segmentTcp): the
   * payload, returned, is written per wire segment by the segmenter.
   */
  headerOnly(): Uint8Array {
    const seg = this.#seg!;
    const payload = seg.payload;
    this.#seg = { ...seg, payload: EMPTY };
    this.#partial = true;
    this.length = tcpSegmentLength(this.#seg);
    return payload;
  }

  /** Drops the segment reference (its payload may be a view into a send buffer). */
  release(): void {
    this.#seg = undefined;
  }
}
