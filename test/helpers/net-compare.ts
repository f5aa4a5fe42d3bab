// Runs one scenario twice — over node:net on kernel loopback (127.0.0.1, port 0) and over layer4
// hosts on a virtual network — and records what each socket observed: its events in order
// ('connect', 'data' with consecutive chunks concatenated, 'end', 'close' with hadError, error
// code/syscall/message), so a test can compare the two records for equality. Addresses and
// ports in error messages are replaced by placeholders; chunking and timing are not compared.

import { createHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import * as nodeNet from 'node:net';
import type { Duplex } from 'node:stream';
import { createNetwork, type Network } from '../../src/sim/index.js';

/** The socket surface scenarios use; node:net's Socket and host.net's Socket both have it. */
export interface SocketLike extends Duplex {
  setTimeout(ms: number, cb?: () => void): this;
  resetAndDestroy(): this;
  readonly readyState: string;
  readonly pending: boolean;
  readonly connecting: boolean;
  readonly remoteFamily: string | undefined;
  readonly localFamily?: string | undefined;
  readonly remotePort: number | undefined;
  readonly bytesRead: number;
  readonly bytesWritten: number;
}

export interface ServerLike extends EventEmitter {
  listen(port: number, host: string, cb?: () => void): this;
  close(cb?: (err?: Error) => void): this;
  address(): { port: number; family: string; address: string } | string | null;
}

/** The module surface scenarios use (node:net or host.net). */
export interface NetLike {
  createServer(options: { allowHalfOpen?: boolean; pauseOnConnect?: boolean }, listener?: (s: SocketLike) => void): ServerLike;
  connect(options: { host: string; port: number; allowHalfOpen?: boolean; timeout?: number }): SocketLike;
}

export interface Env {
  client: NetLike;
  server: NetLike;
  /** Address the server listens on and the client connects to. */
  host: string;
  rec: Recorder;
}

export interface Scenario {
  name: string;
  run(env: Env): Promise<void>;
}

export type Record_ = Record<string, string[]>;

/** Per-socket event logs. */
export class Recorder {
  readonly log: Record_ = {};
  readonly #data = new Map<string, Buffer[]>();

  note(who: string, what: string): void {
    this.#flushData(who);
    (this.log[who] ??= []).push(what);
  }

  /** Records the socket's events under `who` (except `ignore`); resolves when it emits 'close'. */
  watch(who: string, s: SocketLike, ignore: readonly string[] = []): Promise<void> {
    s.on('data', (d: Buffer) => {
      const list = this.#data.get(who) ?? [];
      list.push(Buffer.from(d));
      this.#data.set(who, list);
    });
    for (const ev of ['connect', 'ready', 'end', 'finish', 'timeout', 'lookup']) if (!ignore.includes(ev)) s.on(ev, () => this.note(who, ev));
    s.on('error', (e: Error & { code?: string; syscall?: string }) => this.note(who, `error ${e.code} ${e.syscall} ${normalizeMessage(e.message)}`));
    return new Promise((resolve) =>
      s.on('close', (hadError?: boolean) => {
        this.note(who, `close ${hadError}`);
        resolve();
      }),
    );
  }

  /** Final record with pending data flushed. */
  result(): Record_ {
    for (const who of this.#data.keys()) this.#flushData(who);
    return this.log;
  }

  #flushData(who: string): void {
    const list = this.#data.get(who);
    if (list === undefined || list.length === 0) return;
    this.#data.delete(who);
    const all = Buffer.concat(list);
    const text = all.length <= 64 ? `data ${all.toString('latin1')}` : `data ${all.length}B sha256:${createHash('sha256').update(all).digest('hex').slice(0, 16)}`;
    (this.log[who] ??= []).push(text);
  }
}

/** "connect ECONNREFUSED 10.0.0.2:7" → "connect ECONNREFUSED ADDR:PORT". */
export function normalizeMessage(m: string): string {
  return m
    .replace(/(::ffff:)?\d+\.\d+\.\d+\.\d+/g, 'ADDR')
    .replace(/\b[0-9a-f]*:[0-9a-f:]*:[0-9a-f]+\b/gi, 'ADDR')
    .replace(/ADDR:\d+/g, 'ADDR:PORT');
}

/** Listens on port 0 and resolves to the port. */
export function listen(server: ServerLike, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a !== null ? a.port : 0);
    });
  });
}

export function closeServer(server: ServerLike): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A port on `host` where nothing listens (bound and released). */
export async function closedPort(net: NetLike, host: string): Promise<number> {
  const s = net.createServer({});
  const port = await listen(s, host);
  await closeServer(s);
  return port;
}

export async function runOnNode(s: Scenario): Promise<Record_> {
  const rec = new Recorder();
  const n = nodeNet as unknown as NetLike;
  await s.run({ client: n, server: n, host: '127.0.0.1', rec });
  return rec.result();
}

export interface Layer4RunOptions {
  seed?: number;
  delayMs?: number;
  loss?: number;
  /** Called with the network before the scenario runs. */
  setup?: (net: Network) => void;
}

export async function runOnLayer4(s: Scenario, opts: Layer4RunOptions = {}): Promise<Record_> {
  const net = createNetwork({ seed: opts.seed ?? 1 });
  try {
    const a = net.host({ address: '10.0.0.1', name: 'client' });
    const b = net.host({ address: '10.0.0.2', name: 'server' });
    net.link(a, b, { delayMs: opts.delayMs ?? 1, ...(opts.loss !== undefined ? { loss: opts.loss } : {}) });
    opts.setup?.(net);
    const rec = new Recorder();
    await s.run({ client: a.net as unknown as NetLike, server: b.net as unknown as NetLike, host: '10.0.0.2', rec });
    return rec.result();
  } finally {
    net.close();
  }
}
