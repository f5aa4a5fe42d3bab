// A pass-through stage that records every packet it sees, with the time it saw it. Put it in front
// of a link's impairments to capture what was sent, or behind them to capture what arrived.
// PcapRecorder turns the records into a pcap file (LINKTYPE_RAW) in memory; writing it anywhere
// is the caller's business (sim/capture.ts streams network-wide captures to disk).

import { PcapWriter, type PcapWriterOptions } from '../wire/pcap.js';
import type { LinkStage } from './types.js';

/** Receives each tapped packet; a pcap writer, a trace collector, a test probe. */
export interface PacketRecorder {
  record(packet: Uint8Array, timeMs: number): void;
}

export function tapStage(recorder: PacketRecorder): LinkStage {
  return (next) => ({
    push(packet, now) {
      recorder.record(packet, now);
      next.push(packet, now);
    },
  });
}

/** Collects tapped packets as a pcap file. */
export class PcapRecorder implements PacketRecorder {
  packets = 0;
  private readonly writer: PcapWriter;
  private chunks: Uint8Array[];
  private size: number;

  constructor(opts: PcapWriterOptions = {}) {
    this.writer = new PcapWriter(opts);
    const h = this.writer.header();
    this.chunks = [h];
    this.size = h.length;
  }

  record(packet: Uint8Array, timeMs: number): void {
    const r = this.writer.record(packet, timeMs);
    this.chunks.push(r);
    this.size += r.length;
    this.packets++;
  }

  /** The pcap file so far. */
  bytes(): Uint8Array {
    if (this.chunks.length > 1) {
      const all = new Uint8Array(this.size);
      let off = 0;
      for (const c of this.chunks) {
        all.set(c, off);
        off += c.length;
      }
      this.chunks = [all];
    }
    return this.chunks[0]!;
  }
}
