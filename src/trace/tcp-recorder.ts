// A TcpLayer that reports every event the moment the core emits it, for tracing a real run.
//
// The ladder diagram needs each state change in its exact place among the packets: a state event
// drained after a poll() would land behind the segment the change caused. Overriding emit() sees
// the event while TCP is still processing the segment or the user call, i.e. before any packet
// that follows from it reaches the link. Events go to the recorder's sink instead of the layer's
// own queue, so the program that drives the run (not some other pump) receives them.

import type { Rng, TcpServices } from '../stack/types.js';
import type { TcpFactory } from '../stack/config.js';
import type { TcpConfig } from '../tcp/config.js';
import type { TcpEvent } from '../tcp/events.js';
import { TcpLayer, type TcpLayerOptions } from '../tcp/layer.js';

export type TcpEventSink = (ev: TcpEvent) => void;

export class RecordingTcpLayer extends TcpLayer {
  /** Receives every event; while unset, events queue in the layer as usual (pollEvents()). */
  sink: TcpEventSink | undefined = undefined;

  constructor(opts: TcpLayerOptions) {
    super(opts);
  }

  override emit(ev: TcpEvent): void {
    if (this.sink !== undefined) this.sink(ev);
    else super.emit(ev);
  }
}

/** A TcpFactory for createNetwork({ tcpFactory }) whose stacks run a RecordingTcpLayer. */
export const recordingTcpFactory: TcpFactory = (services: TcpServices, rng: Rng, config: Partial<TcpConfig> | undefined) =>
  new RecordingTcpLayer(config === undefined ? { services, rng } : { services, rng, config });
