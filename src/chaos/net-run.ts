// The same chaos scenarios through the whole library: createNetwork() with impaired links (real IP
// packets, checksums, fragmentation at small MTUs, Gilbert–Elliott burst loss, cuts) and host.net
// sockets (node:net semantics: 'data', 'end', 'error', 'close'). Host crashes are left out here
// (a Stack cannot be swapped under a running host); the core-level runner covers them.

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
}

const newEnd = (): End => ({ got: [], gotLen: 0, ended: false, closed: false, error: undefined });

export interface NetSeedResult {
  seed: number;
  ok: boolean;
  failures: string[];
  bytes: number;
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
  const runs: Array<{ f: FlowSpec; up: Uint8Array; down: Uint8Array; client: End; server: End; accepted: boolean }> = [];
  for (const f of sc.flows) runs.push({ f, up: dataRand.bytes(f.up), down: dataRand.bytes(f.down), client: newEnd(), server: newEnd(), accepted: false });

  const track = (s: Socket, e: End): void => {
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

  for (const r of runs) {
    const server = hosts.get(r.f.server)!.net.createServer({ allowHalfOpen: true }, (s) => {
      if (r.accepted) {
        s.destroy();
        return;
      }
      r.accepted = true;
      server.close(); // stop listening; the accepted socket lives on
      s.setKeepAlive(true, 20_000);
      track(s, r.server);
      if (r.f.kind === 'duplex' || r.f.kind === 'abort') s.end(r.down);
      s.on('end', () => {
        if (r.f.kind === 'request-response') s.end(r.down);
        else if (r.f.kind === 'bulk') s.end();
      });
    });
    server.listen(r.f.port);
    net.setTimeout(() => {
      const s = hosts.get(r.f.client)!.net.connect({ host: r.f.server, port: r.f.port, allowHalfOpen: true });
      s.setKeepAlive(true, 20_000);
      track(s, r.client);
      s.on('connect', () => {
        s.end(r.up);
      });
      s.on('close', () => {
        if (!r.accepted) server.close();
      });
      if (r.f.kind === 'abort') net.setTimeout(() => s.resetAndDestroy(), r.f.abortAfter);
    }, r.f.start);
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
  for (const r of runs) {
    const f = r.f;
    const tag = `flow ${f.id} (${f.kind} ${f.client}→${f.server}:${f.port}, ${f.up}/${f.down} B)`;
    if (!r.client.closed) failures.push(`${tag}: client socket never closed (error ${r.client.error ?? 'none'})`);
    if (r.accepted && !r.server.closed) failures.push(`${tag}: server socket never closed`);
    for (const [dir, sent, e] of [['up', r.up, r.server], ['down', r.down, r.client]] as const) {
      bytes += e.gotLen;
      if (e.gotLen > sent.length) failures.push(`${tag}: ${dir} got ${e.gotLen} > ${sent.length}`);
      else if (sha(joined(e)) !== sha(sent.subarray(0, e.gotLen))) failures.push(`${tag}: ${dir} bytes differ from the stream sent`);
      if (e.ended && e.error === undefined && e.gotLen !== sent.length) failures.push(`${tag}: ${dir} 'end' after ${e.gotLen} of ${sent.length} B`);
    }
    if (f.kind !== 'abort') {
      const p = sc.paths.get(f.client < f.server ? `${f.client}~${f.server}` : `${f.server}~${f.client}`);
      const harsh = p !== undefined && (p.loss + p.corrupt >= 0.15 || p.burstEnter > 0.005);
      for (const [name, e] of [['client', r.client], ['server', r.server]] as const) {
        if (e.error !== undefined && !(harsh && (e.error === 'ETIMEDOUT' || e.error === 'ECONNRESET' || e.error === 'EPIPE'))) failures.push(`${tag}: ${name} error ${e.error} on an undisrupted path`);
      }
    }
  }
  const pcap = failures.length > 0 ? cap?.bytes() : undefined;
  net.close();
  return { seed, ok: failures.length === 0, failures, bytes, ...(pcap !== undefined ? { pcap } : {}) };
}
