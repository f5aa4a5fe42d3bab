// Records a run on the in-memory network as it happens: every TCP segment a host hands to the
// network (decoded from the packet bytes, with the time it left and the time it arrived, if it
// did) and every TCP state change of the watched hosts, in one log in the order they occurred.
// trace/ladder.ts turns the log into a ladder diagram, trace/bulk.ts into transfer statistics.
//
// Packets are observed where net.capture() observes them: 'tx' as the sender emits them (lost
// ones included) and 'rx' as the link delivers them. An arrival is matched to its transmission by
// buffer identity; a link that copies a packet (duplication) is matched by its header fields, and
// a copy whose checksum fails (corruption) is not counted as delivered — the stack drops it.

import type { Host } from '../api/host.js';
import type { Network } from '../sim/network.js';
import type { TcpEvent } from '../tcp/events.js';
import type { TcpState } from '../tcp/states.js';
import { TcpListener } from '../tcp/listener.js';
import { decodeSegment, type PacketSegment } from './packet-segment.js';
import { RecordingTcpLayer } from './tcp-recorder.js';

export interface PacketRecord {
  kind: 'packet';
  /** Time the sender handed it to the network (ms, network time). */
  t: number;
  seg: PacketSegment;
  /** Time of the first intact arrival; undefined while in flight or when lost. */
  tArrive: number | undefined;
  /** Intact arrivals (more than one when the link duplicated it). */
  arrivals: number;
}

export interface StateRecord {
  kind: 'state';
  t: number;
  /** Name of the host whose TCP changed state. */
  host: string;
  from: TcpState;
  to: TcpState;
  cause: string;
  /** A listening socket rather than a connection. */
  listener: boolean;
  /** 'local|port|remote|port' of the connection, or 'address|port' of the listener. */
  id: string;
}

export type RunRecord = PacketRecord | StateRecord;

export interface RecorderOptions {
  /** Keep the records in `records` (default true). Observers are called either way. */
  keep?: boolean;
}

export class RunRecorder {
  readonly records: RunRecord[] = [];
  /** Called for every TCP segment sent, right when it is sent. */
  onSend: ((r: PacketRecord) => void) | undefined = undefined;
  /** Called for every intact arrival of a recorded segment. */
  onArrive: ((r: PacketRecord, now: number) => void) | undefined = undefined;
  private readonly keep: boolean;
  private readonly inFlight = new Map<Uint8Array, PacketRecord>();
  /** Recent transmissions, for matching copies the link made (duplicates). */
  private readonly recent: PacketRecord[] = [];
  private readonly detachers: Array<() => void> = [];

  constructor(readonly net: Network, opts: RecorderOptions = {}) {
    this.keep = opts.keep ?? true;
    const tx = (packet: Uint8Array, now: number): void => this.transmitted(packet, now);
    const rx = (packet: Uint8Array, now: number): void => this.arrived(packet, now);
    net.segment.onTransmit.push(tx);
    net.segment.onArrive.push(rx);
    this.detachers.push(() => remove(net.segment.onTransmit, tx), () => remove(net.segment.onArrive, rx));
  }

  /**
   * Records the TCP state changes of `host` (whose stack must run a RecordingTcpLayer, see
   * recordingTcpFactory) and hands every other TCP event to `onEvent` — after the stack's poll,
   * never from inside TCP's processing, so the handler may call send/recv/close; the host is
   * polled again afterwards. Returns the layer, for listen()/connect().
   */
  watch(host: Host, onEvent: (ev: TcpEvent) => void): RecordingTcpLayer {
    const layer = host.stack.tcp;
    if (!(layer instanceof RecordingTcpLayer)) throw new Error(`host ${host.name}: its stack does not run a RecordingTcpLayer (createNetwork({ tcpFactory: recordingTcpFactory }))`);
    let queue: TcpEvent[] = [];
    layer.sink = (ev) => {
      if (ev.type === 'state') {
        const listener = ev.conn instanceof TcpListener;
        const id = ev.conn instanceof TcpListener ? `${ev.conn.local.address}|${ev.conn.local.port}` : ev.conn.key;
        this.push({ kind: 'state', t: ev.now, host: host.name, from: ev.from, to: ev.to, cause: ev.cause, listener, id });
      } else {
        queue.push(ev);
      }
    };
    host.runtime.addPump(() => {
      if (queue.length === 0) return false;
      const q = queue;
      queue = [];
      for (const ev of q) onEvent(ev);
      host.runtime.kick();
      return false;
    });
    return layer;
  }

  /** Stop observing the network. */
  stop(): void {
    for (const d of this.detachers.splice(0)) d();
  }

  /** Segments sent so far, in order. */
  packets(): PacketRecord[] {
    return this.records.filter((r): r is PacketRecord => r.kind === 'packet');
  }

  private push(r: RunRecord): void {
    if (this.keep) this.records.push(r);
  }

  private transmitted(packet: Uint8Array, now: number): void {
    const seg = decodeSegment(packet);
    if (seg === undefined) return;
    const r: PacketRecord = { kind: 'packet', t: now, seg, tArrive: undefined, arrivals: 0 };
    this.inFlight.set(packet, r);
    this.recent.push(r);
    if (this.recent.length > 64) this.recent.shift();
    this.push(r);
    this.onSend?.(r);
  }

  private arrived(packet: Uint8Array, now: number): void {
    let r = this.inFlight.get(packet);
    if (r !== undefined) {
      this.inFlight.delete(packet);
    } else {
      const seg = decodeSegment(packet);
      if (seg === undefined || !seg.checksumOk) return;
      r = findCopy(this.recent, seg);
      if (r === undefined) return;
    }
    r.arrivals++;
    r.tArrive ??= now;
    this.onArrive?.(r, now);
  }
}

function sameSegment(a: PacketSegment, b: PacketSegment): boolean {
  return a.src === b.src && a.dst === b.dst && a.srcPort === b.srcPort && a.dstPort === b.dstPort && a.seq === b.seq && a.ack === b.ack && a.flags === b.flags && a.len === b.len && a.window === b.window;
}

function findCopy(recent: readonly PacketRecord[], seg: PacketSegment): PacketRecord | undefined {
  for (let i = recent.length - 1; i >= 0; i--) if (sameSegment(recent[i]!.seg, seg)) return recent[i];
  return undefined;
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
