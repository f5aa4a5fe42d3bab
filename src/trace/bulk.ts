// A bulk transfer A → B over an impaired link on the virtual clock, with everything measured:
// host A (10.0.0.1) connects to B (10.0.0.2:5001), writes `bytes` seeded pseudo-random bytes and
// shuts down its side; B reads to end of stream and closes. SHA-256 of what A wrote and of what B
// read are compared. Goodput is counted in network (virtual) time from connect() to B's last byte.
//
// RTT samples come from the packet record, by Karn's rule (RFC 6298 §3): a data segment sent
// once, timed to the first ACK arriving at A that covers it, and only for the newest segment that
// ACK covers (so a delayed ACK counts once).

import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createNetwork } from '../sim/index.js';
import { Sfc32, deriveSeed } from '../sim/rng.js';
import type { TcpConnection } from '../tcp/connection.js';
import { DEFAULT_TCP_CONFIG } from '../tcp/config.js';
import { seqGe, seqGt, seqLt } from '../tcp/seq.js';
import { TcpFlag } from '../wire/tcp-types.js';
import { seriesFromTrace } from '../viz/series.js';
import type { SeriesCcSample, TimeSeries } from '../viz/trace.js';
import { ladderFromRecords } from './ladder.js';
import { RunRecorder, type PacketRecord } from './recorder.js';
import { recordingTcpFactory } from './tcp-recorder.js';

export interface BulkOptions {
  bytes: number;
  seed?: number;
  delayMs?: number;
  /** Link rate in Mbit/s; undefined: unlimited. */
  rateMbps?: number;
  loss?: number;
  reorder?: number;
  duplicate?: number;
  corrupt?: number;
  /** Interface MTU of both hosts (default 1500); TCP's MSS follows from it. */
  mtu?: number;
  /** Congestion control algorithm (default: the TCP core's default, CUBIC). */
  cc?: string;
  /** Write a pcap of every packet here. */
  pcapFile?: string;
  /** Keep what a time-sequence / cwnd plot needs (result.series). */
  series?: boolean;
  /** Called as B receives data: bytes so far, total, network time. */
  onProgress?: (received: number, total: number, now: number) => void;
}

export interface RttSummary {
  min: number;
  avg: number;
  max: number;
  samples: number;
}

export interface BulkResult {
  bytes: number;
  received: number;
  sha256Sent: string;
  sha256Received: string;
  sha256Match: boolean;
  /** Every byte arrived, matched, and both connections closed without error. */
  completed: boolean;
  failure: string | undefined;
  /** Network time from connect() to the last byte at B. */
  virtualMs: number;
  wallMs: number;
  /** bytes · 8 / virtualMs, in Mbit/s. */
  goodputMbps: number;
  /** Segments A sent (handshake, data, retransmissions, FIN). */
  segments: number;
  retransmits: number;
  fastRetransmits: number;
  rtoExpirations: number;
  rtt: RttSummary | undefined;
  /** A's congestion window and slow-start threshold at the end (bytes). */
  cwnd: number;
  ssthresh: number | undefined;
  mss: number;
  cc: string;
  series: TimeSeries | undefined;
}

export const BULK_A = '10.0.0.1';
export const BULK_B = '10.0.0.2';
export const BULK_PORT = 5001;

const CHUNK = 64 * 1024;

export async function runBulkTransfer(opts: BulkOptions): Promise<BulkResult> {
  const wall0 = performance.now();
  const total = opts.bytes;
  const seed = opts.seed ?? 1;
  const ccName = opts.cc ?? DEFAULT_TCP_CONFIG.congestionControl;
  const net = createNetwork({ seed, tcpFactory: recordingTcpFactory });
  const hostOpts = { tcp: { congestionControl: ccName }, ...(opts.mtu !== undefined ? { mtu: opts.mtu } : {}) };
  const a = net.host({ address: BULK_A, name: 'a', ...hostOpts });
  const b = net.host({ address: BULK_B, name: 'b', ...hostOpts });
  net.link(a, b, {
    delayMs: opts.delayMs ?? 0,
    loss: opts.loss ?? 0,
    reorder: opts.reorder ?? 0,
    duplicate: opts.duplicate ?? 0,
    corrupt: opts.corrupt ?? 0,
    ...(opts.rateMbps !== undefined ? { rateMbps: opts.rateMbps } : {}),
  });
  const capture = opts.pcapFile !== undefined ? net.capture(opts.pcapFile) : undefined;
  const rec = new RunRecorder(net, { keep: opts.series === true });
  const rtt = karnRtt(rec);

  const source = new Sfc32(deriveSeed(seed, 'sim-data'));
  const sentHash = createHash('sha256');
  const recvHash = createHash('sha256');
  let written = 0;
  let pending: Uint8Array | undefined;
  let received = 0;
  let tDone: number | undefined;
  let failure: string | undefined;
  let sender: TcpConnection | undefined;
  let receiver: TcpConnection | undefined;
  const cc: SeriesCcSample[] = [];

  const nextChunk = (): Uint8Array => {
    const n = Math.min(CHUNK, total - written);
    const buf = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const r = source.u32();
      buf[i] = r >>> 24;
      if (i + 1 < n) buf[i + 1] = (r >>> 16) & 0xff;
      if (i + 2 < n) buf[i + 2] = (r >>> 8) & 0xff;
      if (i + 3 < n) buf[i + 3] = r & 0xff;
    }
    sentHash.update(buf);
    written += n;
    return buf;
  };
  const fill = (c: TcpConnection): void => {
    for (;;) {
      if (pending === undefined) {
        if (written >= total) {
          c.shutdown(a.now());
          return;
        }
        pending = nextChunk();
      }
      const n = c.send(pending, a.now());
      if (typeof n !== 'number') {
        failure ??= `send failed (${n.code})`;
        return;
      }
      if (n < pending.length) {
        pending = pending.subarray(n);
        return;
      }
      pending = undefined;
    }
  };

  const bLayer = rec.watch(b, (ev) => {
    if (ev.type === 'accept-ready') receiver ??= ev.listener.accept();
    if (ev.type === 'readable') {
      for (let d = ev.conn.recv(); d !== undefined; d = ev.conn.recv()) {
        recvHash.update(d);
        received += d.length;
      }
      opts.onProgress?.(received, total, b.now());
    }
    if (ev.type === 'peer-fin') {
      tDone = b.now();
      ev.conn.close(b.now());
    }
    if (ev.type === 'closed' && ev.error !== undefined) failure ??= `receiver: connection failed (${ev.error})`;
  });
  const aLayer = rec.watch(a, (ev) => {
    if (ev.type === 'connected' || ev.type === 'writable') fill(ev.conn);
    if (ev.type === 'readable') while (ev.conn.recv() !== undefined);
    if (ev.type === 'peer-fin') ev.conn.close(a.now());
    if (ev.type === 'closed' && ev.error !== undefined) failure ??= `sender: connection failed (${ev.error})`;
  });
  if (opts.series === true) {
    let last = '';
    a.runtime.addPump((now) => {
      if (sender === undefined) return false;
      const i = sender.info;
      const key = `${i.cwnd}|${i.ssthresh}|${i.srtt}`;
      if (key !== last) {
        last = key;
        const s: SeriesCcSample = { t: now, cwnd: i.cwnd };
        if (Number.isFinite(i.ssthresh)) s.ssthresh = i.ssthresh;
        if (i.srtt !== undefined) s.srtt = i.srtt;
        cc.push(s);
      }
      return false;
    });
  }

  try {
    const l = bLayer.listen({ address: BULK_B, port: BULK_PORT }, 8, 0);
    if (!l.ok) throw new Error(`listen: ${l.message}`);
    const c = aLayer.connect({ address: BULK_B, port: BULK_PORT }, {}, 0);
    if (!c.ok) throw new Error(`connect: ${c.message}`);
    sender = c.value;
    a.runtime.kick();
    await net.idle();
  } finally {
    rec.stop();
    capture?.stop();
    net.close();
  }

  const s = sender;
  const sha256Sent = sentHash.digest('hex');
  const sha256Received = recvHash.digest('hex');
  const match = written === total && received === total && sha256Sent === sha256Received;
  if (failure === undefined && receiver === undefined) failure = 'the receiver never accepted a connection';
  if (failure === undefined && !match) failure = `received ${received} of ${total} bytes${received === total ? ' with a different SHA-256' : ''}`;
  const virtualMs = tDone ?? net.now();
  let series: TimeSeries | undefined;
  if (opts.series === true) {
    const trace = ladderFromRecords(rec.records, [
      { name: 'a', host: 'a', address: BULK_A },
      { name: 'b', host: 'b', address: BULK_B },
    ]);
    series = { ...seriesFromTrace(trace, 0), cc };
  }
  const info = s.info;
  return {
    bytes: total,
    received,
    sha256Sent,
    sha256Received,
    sha256Match: match,
    completed: failure === undefined,
    failure,
    virtualMs,
    wallMs: performance.now() - wall0,
    goodputMbps: virtualMs > 0 ? (received * 8) / virtualMs / 1000 : 0,
    segments: s.stats.segmentsOut,
    retransmits: s.stats.retransmittedSegments,
    fastRetransmits: s.stats.fastRetransmits,
    rtoExpirations: s.stats.rtoExpirations,
    rtt: rtt.summary(),
    cwnd: info.cwnd,
    ssthresh: Number.isFinite(info.ssthresh) ? info.ssthresh : undefined,
    mss: info.sndMss,
    cc: ccName,
    series,
  };
}

interface Timed {
  start: number;
  end: number;
  t: number;
  retransmitted: boolean;
}

/** RTT samples of A's data from the packet record (Karn's rule). */
function karnRtt(rec: RunRecorder): { summary(): RttSummary | undefined } {
  const outstanding: Timed[] = [];
  let highest: number | undefined;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  rec.onSend = (r: PacketRecord) => {
    const s = r.seg;
    if (s.src !== BULK_A || s.len === 0 || (s.flags & TcpFlag.SYN) !== 0) return;
    const end = (s.seq + s.len) >>> 0;
    const resent = highest !== undefined && seqLt(s.seq, highest);
    // Resent bytes: no segment holding any of them may be timed any more.
    if (resent) for (const o of outstanding) if (seqGt(o.end, s.seq) && seqLt(o.start, end)) o.retransmitted = true;
    if (highest !== undefined && !seqGt(end, highest)) return;
    highest = end;
    outstanding.push({ start: s.seq, end, t: r.t, retransmitted: resent });
  };
  rec.onArrive = (r: PacketRecord, now: number) => {
    const s = r.seg;
    if (s.dst !== BULK_A || (s.flags & TcpFlag.ACK) === 0) return;
    let newest: Timed | undefined;
    while (outstanding.length > 0 && seqGe(s.ack, outstanding[0]!.end)) newest = outstanding.shift();
    if (newest === undefined || newest.retransmitted) return;
    const sample = now - newest.t;
    min = Math.min(min, sample);
    max = Math.max(max, sample);
    sum += sample;
    n++;
  };
  return { summary: () => (n === 0 ? undefined : { min, avg: sum / n, max, samples: n }) };
}
