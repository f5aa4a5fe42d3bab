// The same chaos scenarios through the whole library: createNetwork() with impaired links (real IP
// packets, checksums, fragmentation at small MTUs, Gilbert–Elliott burst loss, cuts) and host.net
// sockets (node:net semantics: 'data', 'end', 'error', 'close'). Hosts crash (net.crash(): all
// state lost, no FIN or RST sent) and come back after a down time (net.restart(): a fresh stack on
// the same addresses, listening again). The crashed side's sockets are lost with the host; their
// peers must still end within the bound, and with an error unless the stream had completed
// (RFC 9293 §3.5.2 half-open discovery: the restarted host answers with RST → ECONNRESET, or
// retransmissions and keep-alives time out → ETIMEDOUT).

import { createHash } from 'node:crypto';
import { createNetwork } from '../sim/index.js';
import type { Host } from '../api/host.js';

type Socket = ReturnType<Host['net']['connect']>;
import { ChaosRandom } from './random.js';
import { makeScenario, type FlowSpec, type ScenarioLimits } from './scenario.js';
import { END_BOUND_MS } from './run-seed.js';

interface End {
  got: Uint8Array[];
  gotLen: number;
  ended: boolean;
  closed: boolean;
  error: string | undefined;
  /** The connection was established (client: 'connect'; server: accepted). */
  connected: boolean;
  /** The host crashed while this socket was open: it vanished with the host. */
  lost: boolean;
  socket: Socket | undefined;
}

const newEnd = (): End => ({ got: [], gotLen: 0, ended: false, closed: false, error: undefined, connected: false, lost: false, socket: undefined });

/** Errors a peer of a crashed host may end with: RST from the reborn host, timeouts, refused connects. */
const CRASH_ERRORS: ReadonlySet<string> = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED']);

export interface NetSeedResult {
  seed: number;
  ok: boolean;
  failures: string[];
  bytes: number;
  hosts: number;
  flows: number;
  crashes: number;
  /** Virtual time when the network went idle, ms. */
  endedAt: number;
  /** How the sockets ended: 'clean', an error code, 'lost' (its host crashed), 'open'. */
  ends: Record<string, number>;
  /** pcap of the run when it failed and opts.capture was set. */
  pcap?: Uint8Array;
}

function sha(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

function joined(e: End): Uint8Array {
  const out = new Uint8Array(e.gotLen);
  let o = 0;
  for (const p of e.got) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export async function runNetSeed(seed: number, limits?: ScenarioLimits, opts: { pcapFile?: string; capture?: boolean; inspect?: (net: ReturnType<typeof createNetwork>, hosts: ReadonlyMap<string, Host>) => void } = {}): Promise<NetSeedResult> {
  const sc = makeScenario(seed, limits);
  const net = createNetwork({ seed, defaultLink: false });
  const failures: string[] = [];
  if (opts.pcapFile !== undefined) net.capture(opts.pcapFile);
  const cap = opts.capture === true ? net.capture() : undefined;
  const hosts = new Map<string, Host>();
  for (const h of sc.hosts) hosts.set(h.address, net.host({ address: h.address, name: h.name, mtu: Math.min(sc.mtu, 1500), tcp: h.config }));
  const links = new Map<string, ReturnType<typeof net.link>>();
  for (const [key, p] of sc.paths) {
    const [a, b] = key.split('~') as [string, string];
    const opts = {
      delayMs: sc.delayMs + p.extraDelay,
      loss: p.loss,
      reorder: p.reorder,
      duplicate: p.duplicate,
      corrupt: p.corrupt,
      ...(p.burstEnter > 0 ? { burstLoss: { p: p.burstEnter, r: 0.3 } } : {}),
      ...(sc.rateMbps !== undefined ? { rateMbps: sc.rateMbps } : {}),
    };
    links.set(key, net.link(hosts.get(a)!, hosts.get(b)!, opts));
  }
  const dataRand = new ChaosRandom(seed ^ 0x2545f491);
  type Server = ReturnType<Host['net']['createServer']>;
  interface Run {
    f: FlowSpec;
    up: Uint8Array;
    down: Uint8Array;
    client: End;
    server: End;
    accepted: boolean;
    listener: Server | undefined;
    /** The client's host was down at the flow's start: the flow never began. */
    skipped: boolean;
    disrupted: boolean;
  }
  const runs: Run[] = [];
  for (const f of sc.flows) {
    const disrupted = sc.crashes.some((c) => c.host === f.client || c.host === f.server);
    runs.push({ f, up: dataRand.bytes(f.up), down: dataRand.bytes(f.down), client: newEnd(), server: newEnd(), accepted: false, listener: undefined, skipped: false, disrupted });
  }
  const down = new Set<string>();

  const track = (s: Socket, e: End): void => {
    e.socket = s;
    s.on('data', (b: Buffer) => {
      e.got.push(new Uint8Array(b));
      e.gotLen += b.length;
    });
    s.on('end', () => {
      e.ended = true;
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      e.error = err.code ?? err.message;
    });
    s.on('close', () => {
      e.closed = true;
    });
  };

  const listen = (r: Run): void => {
    const server = hosts.get(r.f.server)!.net.createServer({ allowHalfOpen: true }, (s) => {
      if (r.accepted) {
        s.destroy();
        return;
      }
      r.accepted = true;
      r.server.connected = true;
      server.close(); // stop listening; the accepted socket lives on
      s.setKeepAlive(true, 20_000);
      track(s, r.server);
      if (r.f.kind === 'duplex' || r.f.kind === 'abort') s.end(r.down);
      s.on('end', () => {
        if (r.f.kind === 'request-response') s.end(r.down);
        else if (r.f.kind === 'bulk') s.end();
      });
    });
    r.listener = server;
    server.listen(r.f.port);
  };

  for (const r of runs) {
    listen(r);
    net.setTimeout(() => {
      if (down.has(r.f.client)) {
        r.skipped = true;
        if (!down.has(r.f.server)) r.listener?.close();
        return;
      }
      const s = hosts.get(r.f.client)!.net.connect({ host: r.f.server, port: r.f.port, allowHalfOpen: true });
      s.setKeepAlive(true, 20_000);
      track(s, r.client);
      s.on('connect', () => {
        r.client.connected = true;
        s.end(r.up);
      });
      s.on('close', () => {
        if (!r.accepted && !down.has(r.f.server)) r.listener?.close();
      });
      if (r.f.kind === 'abort') {
        net.setTimeout(() => {
          if (!r.client.lost) s.resetAndDestroy();
        }, r.f.abortAfter);
      }
    }, r.f.start);
  }
  for (const cr of sc.crashes) {
    net.setTimeout(() => {
      if (down.has(cr.host)) return;
      down.add(cr.host);
      for (const r of runs) {
        for (const [h, e] of [[r.f.client, r.client], [r.f.server, r.server]] as const) {
          if (h === cr.host && e.socket !== undefined && !e.closed) e.lost = true;
        }
      }
      net.crash(hosts.get(cr.host)!);
    }, cr.at);
    net.setTimeout(() => {
      if (!down.delete(cr.host)) return;
      hosts.set(cr.host, net.restart(hosts.get(cr.host)!));
      // Services come back: listen again for every flow whose client may still connect.
      for (const r of runs) if (r.f.server === cr.host && !r.accepted && !r.skipped && !r.client.closed) listen(r);
    }, cr.at + cr.downtime);
  }
  for (const c of sc.cuts) {
    const l = links.get(c.a < c.b ? `${c.a}~${c.b}` : `${c.b}~${c.a}`);
    if (l === undefined) continue;
    net.setTimeout(() => l.down(), c.at);
    net.setTimeout(() => l.up(), c.at + c.duration);
  }
  opts.inspect?.(net, hosts);
  try {
    await net.idle({ maxMs: 20_000 + END_BOUND_MS });
  } catch (err) {
    failures.push(`network still busy after the bound: ${err instanceof Error ? err.message : String(err)}`);
  }
  let bytes = 0;
  const ends: Record<string, number> = {};
  for (const r of runs) {
    for (const e of [r.client, r.server]) {
      if (e.socket === undefined) continue;
      const k = e.lost ? 'lost' : !e.closed ? 'open' : (e.error ?? 'clean');
      ends[k] = (ends[k] ?? 0) + 1;
    }
    const f = r.f;
    const tag = `flow ${f.id} (${f.kind} ${f.client}→${f.server}:${f.port}, ${f.up}/${f.down} B)`;
    if (!r.client.closed && !r.client.lost && !r.skipped) failures.push(`${tag}: client socket never closed (error ${r.client.error ?? 'none'})`);
    if (r.accepted && !r.server.closed && !r.server.lost) failures.push(`${tag}: server socket never closed (error ${r.server.error ?? 'none'})`);
    // RFC 9293 §3.6: a connection that closes without an error has delivered the peer's whole stream
    // (so a peer of a crashed host cannot end quietly with the stream cut short).
    for (const [name, e, sent] of [['client', r.client, r.down], ['server', r.server, r.up]] as const) {
      if (name === 'client' && f.kind === 'abort') continue;
      if (e.closed && e.error === undefined && !(e.ended && e.gotLen === sent.length)) failures.push(`${tag}: ${name} closed without an error after ${e.gotLen} of ${sent.length} B (end ${e.ended})`);
    }
    for (const [dir, sent, e] of [['up', r.up, r.server], ['down', r.down, r.client]] as const) {
      bytes += e.gotLen;
      // SHA-256: what arrived is a prefix of what was sent (the whole stream for a completed one).
      if (e.gotLen > sent.length) failures.push(`${tag}: ${dir} got ${e.gotLen} > ${sent.length}`);
      else if (sha(joined(e)) !== sha(sent.subarray(0, e.gotLen))) failures.push(`${tag}: ${dir} bytes differ from the stream sent`);
      if (e.ended && e.error === undefined && e.gotLen !== sent.length) failures.push(`${tag}: ${dir} 'end' after ${e.gotLen} of ${sent.length} B`);
    }
    if (r.disrupted) {
      for (const [name, e] of [['client', r.client], ['server', r.server]] as const) {
        if (e.error !== undefined && !CRASH_ERRORS.has(e.error)) failures.push(`${tag}: ${name} error ${e.error} after a host crash`);
      }
      continue;
    }
    if (f.kind !== 'abort') {
      const p = sc.paths.get(f.client < f.server ? `${f.client}~${f.server}` : `${f.server}~${f.client}`);
      const harsh = p !== undefined && (p.loss + p.corrupt >= 0.15 || p.burstEnter > 0.005);
      // The link's Gilbert–Elliott bursts are counted in packets (leave the bad state with P 0.3 per
      // packet), so a sparse phase — SYN retries, RTO backoff — can sit in one burst for minutes:
      // a connect that times out is a legitimate end on any bursty path (net chaos seed 968: 8 SYNs
      // lost in a row). Once established, a timeout still counts as a failure (a stall is what this
      // runner is for).
      const bursty = p !== undefined && p.burstEnter > 0 && !r.client.connected;
      for (const [name, e] of [['client', r.client], ['server', r.server]] as const) {
        if (e.error === undefined) continue;
        if (harsh && (e.error === 'ETIMEDOUT' || e.error === 'ECONNRESET' || e.error === 'EPIPE')) continue;
        if (bursty && e.error === 'ETIMEDOUT') continue;
        failures.push(`${tag}: ${name} error ${e.error} on an undisrupted path`);
      }
    }
  }
  const pcap = failures.length > 0 ? cap?.bytes() : undefined;
  const endedAt = net.now();
  net.close();
  return { seed, ok: failures.length === 0, failures, bytes, hosts: sc.hosts.length, flows: sc.flows.length, crashes: sc.crashes.length, endedAt, ends, ...(pcap !== undefined ? { pcap } : {}) };
}
