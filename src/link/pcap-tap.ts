// A pass-through stage that records every packet it sees, with the time it saw it. Put it in front
// of a link's impairments to capture what was sent, or behind them to capture what arrived.

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
