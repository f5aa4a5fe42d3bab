// An iperf3 server on a layer4 host: the stock `iperf3 -c` client (3.x) measures TCP throughput to
// and from layer4 as it would to a kernel. The server speaks iperf3's control protocol on one TCP
// connection and moves data on one or more stream connections:
//
//   client → 37-byte cookie            server → PARAM_EXCHANGE
//   client → u32 length + JSON params  server → CREATE_STREAMS
//   client opens P stream connections (2P with --bidir), each starting with the same cookie
//   server → TEST_START, TEST_RUNNING; data flows (client → server, or server → client with -R)
//   client → TEST_END                  server → EXCHANGE_RESULTS
//   client → u32 length + JSON results server → u32 length + JSON results, DISPLAY_RESULTS
//   client → IPERF_DONE
//
// States are one signed byte; lengths are big-endian. A connection arriving while a test runs is
// answered ACCESS_DENIED; what this server does not implement (UDP, SCTP) is answered SERVER_ERROR
// with iperf3's "not implemented" code, and the client prints the reason. Stream ids follow iperf3's
// numbering (1, 3, 4, …), which the client matches results by. Receivers count and discard; senders
// write one reused block until the byte or block count the client asked for, or until TEST_END.

import type { Host } from '../api/host.js';
import type { Server } from '../api/net-server.js';
import type { Socket } from '../api/net-socket.js';
import { TcpLayer } from '../tcp/layer.js';
import { bytesEqual } from '../wire/address.js';

export const IPERF3_PORT = 5201;

/** Control states (iperf3's protocol numbers). */
export const Iperf3State = {
  TEST_START: 1,
  TEST_RUNNING: 2,
  TEST_END: 4,
  PARAM_EXCHANGE: 9,
  CREATE_STREAMS: 10,
  SERVER_TERMINATE: 11,
  CLIENT_TERMINATE: 12,
  EXCHANGE_RESULTS: 13,
  DISPLAY_RESULTS: 14,
  IPERF_DONE: 16,
  ACCESS_DENIED: -1,
  SERVER_ERROR: -2,
} as const;

/** iperf3 error numbers sent after SERVER_ERROR (its i_errno). */
const IE_UNIMP = 13;
const IE_NUMSTREAMS = 6;
const IE_BLOCKSIZE = 7;
const IE_RECVPARAMS = 114;

const COOKIE_SIZE = 37;
const MAX_PARAMS_JSON = 8 * 1024;
const MAX_RESULTS_JSON = 1 << 20;
const DEFAULT_BLOCK = 128 * 1024;
const MAX_BLOCK = 1 << 20;
const MAX_STREAMS = 128;

/** What the client asked for (the parameters JSON), as this server uses it. */
export interface Iperf3Params {
  reverse: boolean;
  bidirectional: boolean;
  parallel: number;
  /** Bytes the test moves in each direction, all streams together (iperf3 -n), 0 when the test is timed. */
  bytes: number;
  /** Blocks the test moves in each direction, all streams together (iperf3 -k), 0 when not given. */
  blocks: number;
  /** Test length in seconds (iperf3 -t), 0 with -n/-k. */
  time: number;
  omit: number;
  /** Block size (iperf3 -l). */
  len: number;
  nodelay: boolean;
  getServerOutput: boolean;
}

/** Parses the client's parameters JSON; a string names what is wrong. */
export function parseIperf3Params(text: string): { ok: true; value: Iperf3Params } | { ok: false; code: number; message: string } {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return { ok: false, code: IE_RECVPARAMS, message: 'parameters are not JSON' };
  }
  if (j === null || typeof j !== 'object' || Array.isArray(j)) return { ok: false, code: IE_RECVPARAMS, message: 'parameters are not a JSON object' };
  const o = j as Record<string, unknown>;
  if (o['udp'] === true) return { ok: false, code: IE_UNIMP, message: 'UDP tests are not implemented' };
  if (o['sctp'] === true) return { ok: false, code: IE_UNIMP, message: 'SCTP tests are not implemented' };
  const num = (k: string, dflt: number): number | undefined => {
    const v = o[k];
    if (v === undefined) return dflt;
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
  };
  const parallel = num('parallel', 1);
  const bytes = num('num', 0);
  const blocks = num('blockcount', 0);
  const time = num('time', 10);
  const omit = num('omit', 0);
  const len = num('len', DEFAULT_BLOCK);
  if (parallel === undefined || bytes === undefined || blocks === undefined || time === undefined || omit === undefined || len === undefined) {
    return { ok: false, code: IE_RECVPARAMS, message: 'a numeric parameter is not a non-negative number' };
  }
  if (parallel < 1 || parallel > MAX_STREAMS) return { ok: false, code: IE_NUMSTREAMS, message: `parallel streams must be 1-${MAX_STREAMS}` };
  if (len < 1 || len > MAX_BLOCK) return { ok: false, code: IE_BLOCKSIZE, message: `block size must be 1-${MAX_BLOCK}` };
  return {
    ok: true,
    value: {
      reverse: o['reverse'] === true,
      bidirectional: o['bidirectional'] === true,
      parallel,
      bytes,
      blocks,
      time,
      omit,
      len,
      nodelay: o['nodelay'] === true,
      getServerOutput: o['get_server_output'] === 1 || o['get_server_output'] === true,
    },
  };
}

/** Bytes arriving on a socket, taken in exact amounts (the control protocol's fixed-size fields). */
class Reader {
  #chunks: Uint8Array[] = [];
  #len = 0;

  push(c: Uint8Array): void {
    this.#chunks.push(c);
    this.#len += c.length;
  }

  get length(): number {
    return this.#len;
  }

  /** The big-endian u32 at the front, left in place; undefined while fewer than 4 bytes have arrived. */
  peekU32(): number | undefined {
    if (this.#len < 4) return undefined;
    let v = 0;
    let i = 0;
    for (const c of this.#chunks) {
      for (let k = 0; k < c.length && i < 4; k++, i++) v = v * 256 + c[k]!;
      if (i === 4) break;
    }
    return v;
  }

  /** `n` bytes from the front, or undefined while fewer have arrived. */
  take(n: number): Uint8Array | undefined {
    if (this.#len < n) return undefined;
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const c = this.#chunks[0]!;
      const k = Math.min(c.length, n - at);
      out.set(c.subarray(0, k), at);
      at += k;
      if (k === c.length) this.#chunks.shift();
      else this.#chunks[0] = c.subarray(k);
    }
    this.#len -= n;
    return out;
  }
}

/** One finished test, as the server reports it (also in its results JSON). */
export interface Iperf3TestResult {
  client: string;
  params: Iperf3Params;
  streams: { id: number; sender: boolean; bytes: number; seconds: number; retransmits: number }[];
  /** How the test ended: 'done' (IPERF_DONE), or why it did not. */
  end: 'done' | 'client-terminated' | 'control-closed' | 'error' | 'timeout';
}

export interface Iperf3ServerOptions {
  port?: number;
  /** Address to listen on (default: all). */
  host?: string;
  /** Called with one line per event (connection, test start, result). */
  log?: (line: string) => void;
  /** Called when a test ends, however it ended. */
  onResult?: (r: Iperf3TestResult) => void;
}

interface Stream {
  id: number;
  socket: Socket;
  sender: boolean;
  bytes: number;
  blocks: number;
  start: number;
  end: number | undefined;
  reader: Reader | undefined;
}

/** CPU time of this process in µs (user, system), where the runtime tells it; zeros elsewhere. */
function cpuNow(): { user: number; system: number } {
  const p = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process;
  return p?.cpuUsage ? p.cpuUsage() : { user: 0, system: 0 };
}

/** One test: its control connection, parameters and streams. */
class Test {
  state = 0;
  params: Iperf3Params | undefined;
  cookie: Uint8Array | undefined;
  readonly streams: Stream[] = [];
  readonly ctrl = new Reader();
  #results: (() => void) | undefined;
  #finished = false;
  #cpu0 = cpuNow();
  #wall0 = 0;
  #block = new Uint8Array(0);
  /** Bytes and blocks all sending streams wrote: iperf3's -n and -k count the whole test, not each stream. */
  #sent = 0;
  #sentBlocks = 0;

  constructor(
    readonly server: Iperf3Server,
    readonly control: Socket,
  ) {}

  get who(): string {
    return `${this.control.remoteAddress ?? '?'}:${this.control.remotePort ?? '?'}`;
  }

  send(state: number): void {
    this.state = state;
    if (!this.control.destroyed) this.control.write(Uint8Array.of(state & 0xff));
  }

  sendJson(o: unknown): void {
    const body = new TextEncoder().encode(JSON.stringify(o));
    const head = new Uint8Array(4);
    new DataView(head.buffer).setUint32(0, body.length);
    this.control.write(head);
    this.control.write(body);
  }

  /** SERVER_ERROR with iperf3's error number, then the control connection is closed. */
  fail(code: number, message: string): void {
    this.server.log(`iperf3 ${this.who}: ${message}`);
    this.send(Iperf3State.SERVER_ERROR);
    const e = new Uint8Array(8);
    new DataView(e.buffer).setInt32(0, code);
    this.control.write(e);
    this.finish('error');
  }

  /** Reacts to control bytes until it needs more. */
  pump(): void {
    for (;;) {
      if (this.#finished) return;
      if (this.#results !== undefined) {
        const before = this.ctrl.length;
        this.#results();
        if (this.ctrl.length === before) return;
        continue;
      }
      if (this.cookie === undefined) {
        const c = this.ctrl.take(COOKIE_SIZE);
        if (c === undefined) return;
        this.cookie = c;
        this.send(Iperf3State.PARAM_EXCHANGE);
        continue;
      }
      if (this.params === undefined) {
        const json = this.#json(MAX_PARAMS_JSON);
        if (json === undefined) return;
        if (json === null) return this.fail(IE_RECVPARAMS, 'parameters longer than iperf3 allows');
        const p = parseIperf3Params(json);
        if (!p.ok) return this.fail(p.code, p.message);
        this.params = p.value;
        this.#block = new Uint8Array(p.value.len);
        for (let i = 0; i < this.#block.length; i++) this.#block[i] = (i * 31 + 7) & 0xff;
        this.server.log(`iperf3 ${this.who}: test of ${describe(p.value)}`);
        this.control.setTimeout(0);
        this.send(Iperf3State.CREATE_STREAMS);
        continue;
      }
      const s = this.ctrl.take(1);
      if (s === undefined) return;
      const state = (s[0]! << 24) >> 24;
      if (state === Iperf3State.TEST_END) this.#testEnd();
      else if (state === Iperf3State.IPERF_DONE) {
        this.finish('done');
        return;
      } else if (state === Iperf3State.CLIENT_TERMINATE) {
        this.finish('client-terminated');
        return;
      } else if (state !== Iperf3State.TEST_START && state !== Iperf3State.TEST_RUNNING) {
        this.server.log(`iperf3 ${this.who}: unexpected control state ${state}`);
        this.finish('error');
        return;
      }
    }
  }

  /** A length-prefixed JSON text: undefined while incomplete, null when longer than `max`. */
  #json(max: number): string | undefined | null {
    const n = this.ctrl.peekU32();
    if (n === undefined) return undefined;
    if (n === 0 || n > max) return null;
    if (this.ctrl.length < 4 + n) return undefined;
    this.ctrl.take(4);
    return new TextDecoder().decode(this.ctrl.take(n));
  }

  /** Streams the test expects (P, or 2P with --bidir). */
  get expected(): number {
    const p = this.params!;
    return p.bidirectional ? 2 * p.parallel : p.parallel;
  }

  /** A stream connection whose cookie matched. */
  addStream(socket: Socket, rest: Reader): void {
    const p = this.params!;
    const index = this.streams.length;
    // With --bidir the client first opens its sending streams, so the server receives on the first P.
    const sender = p.bidirectional ? index >= p.parallel : p.reverse;
    const st: Stream = { id: index === 0 ? 1 : index + 2, socket, sender, bytes: rest.length, blocks: 0, start: 0, end: undefined, reader: undefined };
    this.streams.push(st);
    if (p.nodelay) socket.setNoDelay(true);
    socket.removeAllListeners('data');
    socket.on('data', (c: Uint8Array) => {
      if (!st.sender && st.end === undefined) st.bytes += c.length;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (st.end === undefined) st.end = this.server.now();
    });
    if (this.streams.length === this.expected) this.#start();
  }

  #start(): void {
    const now = this.server.now();
    this.#wall0 = now;
    this.#cpu0 = cpuNow();
    for (const st of this.streams) {
      st.start = now;
      if (!st.sender) st.bytes = 0;
    }
    this.send(Iperf3State.TEST_START);
    this.send(Iperf3State.TEST_RUNNING);
    for (const st of this.streams) if (st.sender) this.#write(st);
  }

  /** Writes blocks until the socket pushes back, the count is reached or the test ended. */
  #write(st: Stream): void {
    const p = this.params!;
    const s = st.socket;
    while (st.end === undefined && !s.destroyed) {
      let n = this.#block.length;
      if (p.bytes > 0) n = Math.min(n, p.bytes - this.#sent);
      if (p.blocks > 0 && this.#sentBlocks >= p.blocks) n = 0;
      if (n <= 0) return;
      st.bytes += n;
      st.blocks++;
      this.#sent += n;
      this.#sentBlocks++;
      if (!s.write(n === this.#block.length ? this.#block : this.#block.subarray(0, n))) {
        s.once('drain', () => this.#write(st));
        return;
      }
    }
  }

  #testEnd(): void {
    const now = this.server.now();
    for (const st of this.streams) {
      if (st.end === undefined) st.end = now;
      if (st.sender) st.bytes -= st.socket.writableLength;
    }
    const retrans = this.streams.map((st) => st.socket.info()?.totalRetransSegments ?? 0);
    for (const st of this.streams) st.socket.destroy();
    this.send(Iperf3State.EXCHANGE_RESULTS);
    this.#results = () => {
      const json = this.#json(MAX_RESULTS_JSON);
      if (json === undefined) return;
      this.#results = undefined;
      if (json === null) {
        this.server.log(`iperf3 ${this.who}: client results too long`);
        this.finish('error');
        return;
      }
      this.sendJson(this.#resultsJson(retrans));
      this.send(Iperf3State.DISPLAY_RESULTS);
    };
  }

  #resultsJson(retrans: number[]): object {
    const seconds = (this.server.now() - this.#wall0) / 1000;
    const cpu = cpuNow();
    const pct = (us: number): number => (seconds > 0 ? (100 * us) / 1e6 / seconds : 0);
    const user = pct(cpu.user - this.#cpu0.user);
    const system = pct(cpu.system - this.#cpu0.system);
    const sending = this.streams.some((s) => s.sender);
    const out: Record<string, unknown> = {
      cpu_util_total: user + system,
      cpu_util_user: user,
      cpu_util_system: system,
      sender_has_retransmits: sending ? 1 : -1,
      congestion_used: this.server.congestion,
      streams: this.streams.map((st, i) => ({
        id: st.id,
        bytes: st.bytes,
        retransmits: st.sender ? retrans[i]! : -1,
        jitter: 0,
        errors: 0,
        omitted_errors: 0,
        packets: 0,
        omitted_packets: 0,
        start_time: 0,
        end_time: ((st.end ?? this.server.now()) - st.start) / 1000,
      })),
    };
    if (this.params?.getServerOutput) {
      out['server_output_text'] = this.streams
        .map((st) => `layer4 stream ${st.id} ${st.sender ? 'sent' : 'received'} ${st.bytes} bytes in ${(((st.end ?? 0) - st.start) / 1000).toFixed(3)} s\n`)
        .join('');
    }
    return out;
  }

  /** Ends the test (streams and control connection) once. */
  finish(end: Iperf3TestResult['end']): void {
    if (this.#finished) return;
    this.#finished = true;
    const now = this.server.now();
    for (const st of this.streams) {
      if (st.end === undefined) st.end = now;
      st.socket.destroy();
    }
    if (end === 'done') this.control.end();
    else if (end === 'error') this.control.destroySoon();
    else this.control.destroy();
    const result: Iperf3TestResult = {
      client: this.who,
      params: this.params ?? parseIperf3ParamsDefault(),
      streams: this.streams.map((st) => ({ id: st.id, sender: st.sender, bytes: st.bytes, seconds: ((st.end ?? now) - st.start) / 1000, retransmits: st.socket.info()?.totalRetransSegments ?? 0 })),
      end,
    };
    if (this.params !== undefined && this.streams.length > 0) {
      const total = result.streams.reduce((a, s) => a + s.bytes, 0);
      const secs = Math.max(...result.streams.map((s) => s.seconds));
      this.server.log(`iperf3 ${this.who}: ${end}; ${total} bytes in ${secs.toFixed(3)} s${secs > 0 ? ` = ${((total * 8) / secs / 1e6).toFixed(1)} Mbit/s` : ''}`);
    }
    this.server.ended(this, result);
  }
}

function parseIperf3ParamsDefault(): Iperf3Params {
  return { reverse: false, bidirectional: false, parallel: 1, bytes: 0, blocks: 0, time: 0, omit: 0, len: DEFAULT_BLOCK, nodelay: false, getServerOutput: false };
}

function describe(p: Iperf3Params): string {
  const dir = p.bidirectional ? 'both directions' : p.reverse ? 'layer4 sending' : 'layer4 receiving';
  const amount = p.bytes > 0 ? `${p.bytes} bytes` : p.blocks > 0 ? `${p.blocks} blocks` : `${p.time} s`;
  return `${amount}, ${dir}, ${p.parallel} stream${p.parallel === 1 ? '' : 's'}, ${p.len}-byte blocks`;
}

/** An iperf3 server on `host` (one test at a time, as iperf3 -s). */
export class Iperf3Server {
  readonly #host: Host;
  readonly #server: Server;
  readonly #opts: Iperf3ServerOptions;
  #test: Test | undefined;
  /** Tests that ended, however they ended. */
  readonly results: Iperf3TestResult[] = [];

  constructor(host: Host, opts: Iperf3ServerOptions = {}) {
    this.#host = host;
    this.#opts = opts;
    this.#server = host.net.createServer((s) => this.#connection(s as Socket));
    this.#server.listen(opts.port ?? IPERF3_PORT, ...(opts.host !== undefined ? [opts.host] : []));
  }

  get server(): Server {
    return this.#server;
  }

  now(): number {
    return this.#host.now();
  }

  log(line: string): void {
    this.#opts.log?.(line);
  }

  /** The congestion control the host's TCP runs (reported as iperf3's congestion_used). */
  get congestion(): string {
    const tcp = this.#host.stack.tcp;
    return tcp instanceof TcpLayer ? tcp.config.congestionControl : 'unknown';
  }

  ended(t: Test, r: Iperf3TestResult): void {
    if (this.#test === t) this.#test = undefined;
    this.results.push(r);
    this.#opts.onResult?.(r);
  }

  #connection(s: Socket): void {
    s.on('error', () => undefined);
    const t = this.#test;
    if (t === undefined) {
      const test = new Test(this, s);
      this.#test = test;
      this.log(`iperf3 control connection from ${test.who}`);
      s.on('data', (c: Uint8Array) => {
        test.ctrl.push(c);
        test.pump();
      });
      s.on('close', () => test.finish('control-closed'));
      // A client that never sends its parameters is dropped; once they arrive the control connection may idle for the whole test.
      s.setTimeout(30_000, () => test.params === undefined && test.finish('timeout'));
      return;
    }
    if (t.state !== Iperf3State.CREATE_STREAMS || t.streams.length >= t.expected) {
      // A test is running: iperf3's answer to anybody else.
      s.end(Uint8Array.of(Iperf3State.ACCESS_DENIED & 0xff));
      return;
    }
    const r = new Reader();
    s.on('data', (c: Uint8Array) => {
      r.push(c);
      if (r.length < COOKIE_SIZE) return;
      const cookie = r.take(COOKIE_SIZE)!;
      if (t.cookie === undefined || !bytesEqual(cookie, 0, t.cookie, 0, COOKIE_SIZE) || t.state !== Iperf3State.CREATE_STREAMS) {
        s.end(Uint8Array.of(Iperf3State.ACCESS_DENIED & 0xff));
        return;
      }
      t.addStream(s, r);
    });
  }

  /** Stops listening and ends a running test. */
  close(): void {
    this.#test?.finish('error');
    this.#server.close();
  }
}

/** Starts an iperf3 server on `host` (port 5201 unless given). */
export function createIperf3Server(host: Host, opts: Iperf3ServerOptions = {}): Iperf3Server {
  return new Iperf3Server(host, opts);
}
