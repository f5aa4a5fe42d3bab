// Shared helpers for the TCP core tests (not a test file itself).
import { TcpLayer } from '../src/tcp/layer.js';
import type { TcpConfig } from '../src/tcp/config.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import type { TcpEvent } from '../src/tcp/events.js';
import { TcpFlag, type TcpRepr } from '../src/wire/tcp-types.js';
import type { TcpDatagram } from '../src/stack/types.js';
import { xorshift32, xorshiftBytes } from '../src/stack/xorshift32.js';

export const { FIN, SYN, RST, PSH, ACK, URG } = TcpFlag;

export function rng(seed = 7): () => number {
  return xorshift32(seed);
}

export function mkLayer(address = '10.0.0.1', config: Partial<TcpConfig> = {}, mtu = 1500): TcpLayer {
  return new TcpLayer({
    services: { sourceFor: () => address, isLocal: (a) => a === address, mtuFor: () => mtu },
    rng: rng(),
    config,
  });
}

export interface SegSpec {
  seq?: number;
  ack?: number;
  flags: number;
  window?: number;
  urgent?: number;
  payload?: Uint8Array | number;
  options?: TcpRepr['options'];
  srcPort?: number;
  dstPort?: number;
}

export const LOCAL = { address: '10.0.0.1', port: 80 };
export const REMOTE = { address: '10.0.0.2', port: 40000 };

/** A segment from REMOTE to LOCAL (or the given ports). */
export function dg(s: SegSpec, src = REMOTE.address, dst = LOCAL.address): TcpDatagram {
  const payload = typeof s.payload === 'number' ? new Uint8Array(s.payload).fill(0x61) : (s.payload ?? new Uint8Array(0));
  return {
    src,
    dst,
    seg: {
      srcPort: s.srcPort ?? REMOTE.port,
      dstPort: s.dstPort ?? LOCAL.port,
      seq: s.seq ?? 0,
      ack: s.ack ?? 0,
      flags: s.flags,
      window: s.window ?? 65535,
      urgent: s.urgent ?? 0,
      options: s.options ?? [],
      payload,
    },
  };
}

export function flagNames(flags: number): string {
  const names: string[] = [];
  for (const [n, v] of Object.entries(TcpFlag)) if (flags & v) names.push(n);
  return names.join(',');
}

/** Compact view of a segment for assertions. */
export function view(d: TcpDatagram): { seq: number; ack: number; flags: string; len: number; window: number } {
  return { seq: d.seg.seq, ack: d.seg.ack, flags: flagNames(d.seg.flags), len: d.seg.payload.length, window: d.seg.window };
}

export function bytes(n: number, seed = 1): Uint8Array {
  return xorshiftBytes(n, seed);
}

export interface Passive {
  layer: TcpLayer;
  conn: TcpConnection;
  /** Our ISS and the peer's ISN. */
  iss: number;
  irs: number;
  events: TcpEvent[];
}

/**
 * A server-side connection in ESTABLISHED built by hand: LISTEN on LOCAL, SYN from REMOTE with
 * seq=irs, our SYN-ACK with seq=iss, the peer's ACK. Returns the accepted connection.
 */
export function passiveEstablished(config: Partial<TcpConfig> = {}, irs = 1000, iss = 5000, peerWindow = 65535, peerMss = 1460): Passive {
  const layer = mkLayer(LOCAL.address, { isn: () => iss, ...config });
  const l = layer.listen(LOCAL, 8, 0);
  if (!l.ok) throw new Error(l.message);
  layer.receive(dg({ seq: irs, flags: SYN, window: peerWindow, options: [{ kind: 'mss', mss: peerMss }] }), 0);
  layer.poll(0);
  layer.receive(dg({ seq: irs + 1, ack: iss + 1, flags: ACK, window: peerWindow }), 1);
  const conn = l.value.accept();
  if (conn === undefined) throw new Error('no connection');
  layer.poll(1);
  return { layer, conn, iss, irs, events: layer.pollEvents() };
}

/** Segments produced by poll(now). */
export function out(layer: TcpLayer, now: number): TcpDatagram[] {
  return layer.poll(now);
}

import { createHash } from 'node:crypto';
import { Pair, type PairOptions } from '../src/tcp/pair.js';
import { isTcpError } from '../src/tcp/errors.js';

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export interface TransferResult {
  pair: Pair;
  client: TcpConnection;
  server: TcpConnection | undefined;
  received: Uint8Array;
  /** Time the server saw EOF. */
  doneAt: number | undefined;
}

export interface TransferOptions {
  /** Server reads at most this many bytes per `readEveryMs` (slow reader); default reads everything at once. */
  readChunk?: number;
  readEveryMs?: number;
  clientOpts?: Parameters<TcpLayer['connect']>[1];
}

/**
 * Client on node a sends `data` to a server on node b, then shuts down; the server reads to EOF and
 * closes. Drives the pair until idle (through TIME-WAIT).
 */
export function transfer(pairOpts: PairOptions, data: Uint8Array, o: TransferOptions = {}): TransferResult {
  const pair = new Pair(pairOpts);
  const l = pair.b.listen({ address: pair.nodes[1]!.address, port: 80 }, 16, 0);
  if (!l.ok) throw new Error(l.message);
  const chunks: Uint8Array[] = [];
  let server: TcpConnection | undefined;
  let doneAt: number | undefined;
  let offset = 0;
  let shut = false;
  const r = pair.a.connect({ address: pair.nodes[1]!.address, port: 80 }, o.clientOpts ?? {}, 0);
  if (!r.ok) throw new Error(r.message);
  const client = r.value;
  const pump = (now: number): void => {
    while (offset < data.length) {
      const n = client.send(data.subarray(offset, offset + 65536), now);
      if (isTcpError(n)) throw new Error(`send: ${n.code}`);
      if (n === 0) break;
      offset += n;
    }
    if (offset === data.length && !shut) {
      shut = true;
      client.shutdown(now);
    }
  };
  const drain = (c: TcpConnection, now: number): void => {
    for (;;) {
      const b = c.recv(o.readChunk);
      if (b === undefined) break;
      chunks.push(b);
      if (o.readChunk !== undefined) break;
    }
    if (c.eof && doneAt === undefined) {
      doneAt = now;
      c.close(now);
    }
  };
  pair.on((ev, node) => {
    if (node.name === 'a') {
      if (ev.type === 'connected' || ev.type === 'writable') pump(pair.now);
      if (ev.type === 'peer-fin') ev.conn.close(pair.now);
      if (ev.type === 'readable') ev.conn.recv();
    } else {
      if (ev.type === 'accept-ready') server = ev.listener.accept();
      if ((ev.type === 'readable' || ev.type === 'peer-fin') && o.readChunk === undefined) drain(ev.conn, pair.now);
    }
  });
  if (o.readChunk !== undefined) {
    // Slow reader: a periodic read driven by the virtual clock.
    const every = o.readEveryMs ?? 100;
    for (let t = every; doneAt === undefined && t < 10_000_000; t += every) {
      pair.drive({ until: t });
      if (server !== undefined) drain(server, pair.now);
    }
  }
  pair.drive();
  let total = 0;
  for (const c of chunks) total += c.length;
  const received = new Uint8Array(total);
  let p = 0;
  for (const c of chunks) {
    received.set(c, p);
    p += c.length;
  }
  return { pair, client, server, received, doneAt };
}
