// Blind in-window attacks (RFC 5961, RFC 5927 §4.1/§7): an off-path attacker knows the 4-tuple of a
// connection but not its sequence numbers. During bulk transfers it sprays RSTs, SYNs, data
// segments and ICMP errors (unreachable, fragmentation-needed with tiny MTUs) with random sequence
// and acknowledgment numbers at both ends. Expected: no connection reset, not one byte injected
// (SHA-256 of the stream intact), challenge ACKs within the per-second limit (RFC 5961 §7).

import { createHash } from 'node:crypto';
import type { TcpConnection } from '../tcp/connection.js';
import type { TcpLayer } from '../tcp/layer.js';
import { Pair } from '../tcp/pair.js';
import type { TcpIcmpError } from '../stack/types.js';
import { TcpFlag } from '../wire/tcp-types.js';
import { ChaosRandom } from './random.js';

const { SYN, RST, ACK, PSH } = TcpFlag;

export interface BlindAttackOptions {
  attempts: number;
  seed?: number;
  /** Bytes per transfer (each transfer is a fresh connection). Default 1 MiB. */
  bytes?: number;
  /** RFC 5961 §7 challenge-ACK limit per second configured on both ends. Default 100. */
  challengeAckLimit?: number;
  /** Attack segments injected per step of the driver. Default 50. */
  perStep?: number;
}

export interface BlindAttackReport {
  attempts: number;
  byKind: Record<string, number>;
  transfers: number;
  bytesVerified: number;
  connectionsReset: number;
  /** Transfers whose received stream differs from the one sent. */
  corruptedStreams: number;
  /** Stream bytes received beyond what was sent. */
  extraBytes: number;
  challengeAcks: number;
  /** Most challenge ACKs one layer sent within one second of virtual time. */
  maxChallengeAcksPerSecond: number;
  challengeAckLimit: number;
  /** Challenge ACKs counted by the connections but absent from the wire (must be 0). */
  challengeAcksMissingOnWire: number;
  /** Smallest send MSS any victim connection ended up with (ICMP frag-needed with tiny MTUs). */
  minSendMss: number;
  failures: string[];
}

// 'rst-in-window' and 'data-in-window' are semi-blind: the sequence number lands inside the receive
// window (as if the attacker had narrowed it down) but is not the exact RCV.NXT, and the ACK field is
// random. RFC 5961 §3.2 answers such a RST with a challenge ACK; §5.2 drops data whose ACK is
// outside [SND.UNA − MAX.SND.WND, SND.NXT].
type Kind = 'rst' | 'rst-ack' | 'syn' | 'data' | 'icmp-unreach' | 'icmp-frag-needed' | 'rst-in-window' | 'data-in-window';
const KINDS: readonly Kind[] = ['rst', 'rst-ack', 'syn', 'data', 'icmp-unreach', 'icmp-frag-needed', 'rst-in-window', 'data-in-window'];

export function runBlindAttack(o: BlindAttackOptions): BlindAttackReport {
  const seed = o.seed ?? 1;
  const r = new ChaosRandom(seed);
  const limit = o.challengeAckLimit ?? 100;
  const bytes = o.bytes ?? 1 << 20;
  const perStep = o.perStep ?? 50;
  const rep: BlindAttackReport = {
    attempts: 0,
    byKind: {},
    transfers: 0,
    bytesVerified: 0,
    connectionsReset: 0,
    corruptedStreams: 0,
    extraBytes: 0,
    challengeAcks: 0,
    maxChallengeAcksPerSecond: 0,
    challengeAckLimit: limit,
    challengeAcksMissingOnWire: 0,
    minSendMss: Infinity,
    failures: [],
  };
  const payload = r.bytes(1460);

  while (rep.attempts < o.attempts) {
    const pair = new Pair({ seed: r.u32(), delayMs: 5, rateMbps: 20, trace: false, config: { challengeAckLimit: limit } });
    // Wire count of pure ACKs per (sender, second), to hold the challenge ACKs the connections report.
    const wireAcks = new Map<string, number>();
    const opts = pair.opts;
    opts.impair = (d, ctx) => {
      if ((d.seg.flags & (SYN | RST)) === 0 && d.seg.payload.length === 0) {
        const k = `${ctx.from.name}|${Math.floor(ctx.now / 1000)}`;
        wireAcks.set(k, (wireAcks.get(k) ?? 0) + 1);
      }
      return undefined;
    };
    const a = pair.a;
    const b = pair.b;
    const lst = b.listen({ address: '10.0.0.2', port: 80 }, 4, 0);
    if (!lst.ok) throw new Error(lst.message);
    const cr = a.connect({ address: '10.0.0.2', port: 80 }, {}, 0);
    if (!cr.ok) throw new Error(cr.message);
    const client = cr.value;
    let server: TcpConnection | undefined;
    const data = r.bytes(bytes);
    let sent = 0;
    const got = createHash('sha256');
    let gotLen = 0;
    let serverEof = false;
    const pump = (): void => {
      while (sent < data.length) {
        const n = client.send(data.subarray(sent), pair.now);
        if (typeof n !== 'number' || n === 0) return;
        sent += n;
      }
      client.shutdown(pair.now);
    };
    pair.on((ev) => {
      if (ev.type === 'accept-ready') server ??= ev.listener.accept();
      if (ev.type === 'connected' || ev.type === 'writable') pump();
      if ((ev.type === 'readable' || ev.type === 'peer-fin') && server !== undefined && ev.conn === server) {
        for (let x = server.recv(); x !== undefined; x = server.recv()) {
          got.update(x);
          gotLen += x.length;
        }
        if (server.eof && !serverEof) {
          serverEof = true;
          server.shutdown(pair.now);
        }
      }
      if (ev.type === 'closed' && ev.error !== undefined) {
        rep.connectionsReset++;
        rep.failures.push(`transfer ${rep.transfers}: ${ev.conn === client ? 'client' : 'server'} ended with ${ev.error} at t=${pair.now.toFixed(1)}`);
      }
    });
    const perSecond = new Map<string, number>();
    let lastChallenges = [0, 0];
    const inject = (): boolean => {
      if (server === undefined || rep.attempts >= o.attempts) return false;
      for (let i = 0; i < perStep && rep.attempts < o.attempts; i++) {
        const toServer = r.chance(0.5);
        const victim: TcpLayer = toServer ? b : a;
        const conn = toServer ? server : client;
        if (conn.state === 'CLOSED' || conn.state === 'TIME-WAIT') continue;
        const kind = r.pick(KINDS);
        rep.attempts++;
        rep.byKind[kind] = (rep.byKind[kind] ?? 0) + 1;
        if (kind === 'icmp-unreach' || kind === 'icmp-frag-needed') {
          const err: TcpIcmpError = {
            kind: kind === 'icmp-unreach' ? 'unreachable' : 'packet-too-big',
            code: kind === 'icmp-unreach' ? r.int(0, 5) : 4,
            family: 4,
            ...(kind === 'icmp-frag-needed' ? { mtu: r.pick([68, 296, 508, 576, r.int(68, 1500)]) } : {}),
            local: conn.local,
            remote: conn.remote,
            seq: r.u32(),
          };
          victim.icmpError(err, pair.now);
          continue;
        }
        const wnd = Math.max(0, (conn.rcvAdvEdge - conn.rcvNxt) >>> 0);
        const inWindow = kind === 'rst-in-window' || kind === 'data-in-window';
        if (inWindow && wnd < 2) continue;
        const seq = inWindow ? (conn.rcvNxt + r.int(1, wnd - 1)) >>> 0 : r.u32();
        let ack = r.u32();
        // Keep the random ACK out of the acceptable range, as a blind attacker's nearly always is.
        if (inWindow) while (((conn.sndNxt - ack) >>> 0) < 0x8000_0000 && ((ack - conn.sndUna + conn.maxSndWnd) >>> 0) <= ((conn.sndNxt - conn.sndUna + conn.maxSndWnd) >>> 0)) ack = r.u32();
        const flags = kind === 'rst' || kind === 'rst-in-window' ? RST : kind === 'rst-ack' ? RST | ACK : kind === 'syn' ? SYN : ACK | PSH;
        victim.receive(
          {
            src: conn.remote.address,
            dst: conn.local.address,
            seg: {
              srcPort: conn.remote.port,
              dstPort: conn.local.port,
              seq,
              ack,
              flags,
              window: r.int(0, 65535),
              urgent: 0,
              options: [],
              payload: kind === 'data' || kind === 'data-in-window' ? payload.subarray(0, r.int(1, 1460)) : payload.subarray(0, 0),
            },
          },
          pair.now,
        );
      }
      // RFC 5961 §7: count challenge ACKs per layer per second of virtual time.
      const now = [client.stats.challengeAcksOut, server.stats.challengeAcksOut];
      for (const [i, name] of ['a', 'b'].entries()) {
        const d = now[i]! - lastChallenges[i]!;
        if (d > 0) {
          const k = `${name}|${Math.floor(pair.now / 1000)}`;
          perSecond.set(k, (perSecond.get(k) ?? 0) + d);
        }
      }
      lastChallenges = now;
      return false;
    };
    pair.drive({ stopWhen: inject, maxSteps: 50_000_000 });
    rep.transfers++;
    for (const c of [client, server]) if (c !== undefined) rep.minSendMss = Math.min(rep.minSendMss, c.sndMss);
    rep.challengeAcks += client.stats.challengeAcksOut + (server?.stats.challengeAcksOut ?? 0);
    for (const [k, n] of perSecond) {
      rep.maxChallengeAcksPerSecond = Math.max(rep.maxChallengeAcksPerSecond, n);
      const onWire = wireAcks.get(k) ?? 0;
      if (onWire < n) rep.challengeAcksMissingOnWire += n - onWire;
    }
    if (gotLen > data.length) rep.extraBytes += gotLen - data.length;
    const want = createHash('sha256').update(data).digest('hex');
    if (!serverEof || gotLen !== data.length || got.digest('hex') !== want) {
      rep.corruptedStreams++;
      rep.failures.push(`transfer ${rep.transfers - 1}: received ${gotLen} of ${data.length} B, eof ${serverEof}, SHA-256 ${gotLen === data.length ? 'differs' : 'n/a'}`);
    } else rep.bytesVerified += gotLen;
  }
  return rep;
}
