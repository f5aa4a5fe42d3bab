// net.capture(): a pcap (LINKTYPE_RAW) of every packet on every link. Records come from the
// segment's observers: 'tx' (default) records each packet as a host hands it to the network, like
// tcpdump on the sender — lost packets included; 'rx' records what the links delivered —
// duplicates and corrupted bytes included, losses absent. Timestamps are network time, so the
// same seed gives a byte-identical file.
//
// With a file name the capture streams to disk (buffered; flushed whenever the network stops
// running, on stop() and on net.close()); without one it stays in memory: bytes() returns the file.

import { closeSync, openSync, writeSync } from 'node:fs';
import { PcapWriter } from '../wire/pcap.js';

export interface CaptureOptions {
  /** 'tx': packets as sent (default). 'rx': packets as delivered by the links. */
  point?: 'tx' | 'rx';
  /** Timestamp resolution of the file (default 'micro'). */
  precision?: 'micro' | 'nano';
  /** Longest bytes kept per packet (default 262144). */
  snapLen?: number;
}

const FLUSH_BYTES = 256 * 1024;

export class Capture {
  /** Packets recorded so far. */
  packets = 0;
  readonly point: 'tx' | 'rx';
  private readonly writer: PcapWriter;
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private fd: number | undefined;
  private stopped = false;
  private readonly detach: () => void;

  constructor(
    readonly file: string | undefined,
    opts: CaptureOptions,
    attach: (record: (packet: Uint8Array, now: number) => void) => () => void,
  ) {
    this.point = opts.point ?? 'tx';
    if (this.point !== 'tx' && this.point !== 'rx') throw new TypeError(`capture point must be 'tx' or 'rx', got ${String(this.point)}`);
    this.writer = new PcapWriter({ precision: opts.precision ?? 'micro', ...(opts.snapLen !== undefined ? { snapLen: opts.snapLen } : {}) });
    if (file !== undefined) this.fd = openSync(file, 'w');
    this.push(this.writer.header());
    this.detach = attach((packet, now) => this.record(packet, now));
  }

  private record(packet: Uint8Array, now: number): void {
    this.packets++;
    this.push(this.writer.record(packet, now));
    if (this.fd !== undefined && this.buffered >= FLUSH_BYTES) this.flush();
  }

  private push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** Write buffered records to the file (no-op for in-memory captures). */
  flush(): void {
    if (this.fd === undefined || this.chunks.length === 0) return;
    const all = concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    let off = 0;
    while (off < all.length) off += writeSync(this.fd, all, off, all.length - off);
  }

  /** The pcap file so far (in-memory captures only; file captures hold only what is unflushed). */
  bytes(): Uint8Array {
    if (this.file !== undefined) throw new Error(`capture is streaming to ${this.file}; read the file instead`);
    const all = concat(this.chunks, this.buffered);
    this.chunks = [all];
    return all;
  }

  /** Stop recording; a file capture is flushed and closed. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.detach();
    this.flush();
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  get active(): boolean {
    return !this.stopped;
  }
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
