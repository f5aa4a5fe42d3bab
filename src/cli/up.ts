// `layer4 up --tun NAME --addr CIDR [--addr CIDR6] [--serve echo|discard|http|iperf3] [--netns NS] [--mtu N]`:
// runs a layer4 host on a TUN device. CIDR is layer4's own address; the kernel side of the device
// gets the first other host address of the prefix. The host answers ping and serves the chosen
// service on its well-known port (echo 7, discard 9, http 80, iperf3 5201), logging every connection, until
// SIGINT/SIGTERM, when it closes the device (the kernel removes it).

import { createHash } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Command } from 'commander';
import type { Host } from '../api/host.js';
import { createIperf3Server, IPERF3_PORT } from '../apps/iperf3.js';
import { planPeer, openTunHost, type TunHost } from '../link/tun-setup.js';
import { TunUnavailableError } from '../link/tun-addon.js';
import type { CliContext } from './context.js';
import { runtimeError, usageError } from './errors.js';
import type { CliIo } from './io.js';

export const SERVICES = { echo: 7, discard: 9, http: 80, iperf3: IPERF3_PORT } as const;
export type ServiceName = keyof typeof SERVICES;

/** Bytes GET /bytes/N answers with: byte i is (i * 31 + 7) & 0xff, so a client can check them. */
export function patternBytes(n: number, start = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ((start + i) * 31 + 7) & 0xff;
  return out;
}

const MAX_PATTERN = 1 << 30;

function handleHttp(req: IncomingMessage, res: ServerResponse): void {
  const m = /^\/bytes\/(\d{1,10})$/.exec(req.url ?? '');
  if (req.method === 'POST' || req.method === 'PUT') {
    // Answers with the length and SHA-256 of the body, so a sender can check what arrived.
    const hash = createHash('sha256');
    let length = 0;
    req.on('data', (c: Buffer) => {
      hash.update(c);
      length += c.length;
    });
    req.on('end', () => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ length, sha256: hash.digest('hex') }) + '\n');
    });
    return;
  }
  if (m && Number(m[1]) <= MAX_PATTERN) {
    const n = Number(m[1]);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(n));
    let sent = 0;
    const chunk = 1 << 16;
    const pump = (): void => {
      while (sent < n) {
        const len = Math.min(chunk, n - sent);
        const ok = res.write(patternBytes(len, sent));
        sent += len;
        if (!ok) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
    return;
  }
  if (req.url === '/' || req.url === '/index.html') {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('hello from layer4\n');
    return;
  }
  res.statusCode = 404;
  res.end('not found\n');
}

/** Serves `service` on its well-known port of `host`; logs connections through `log`. */
export function serve(host: Host, service: ServiceName, log: (line: string) => void): { close(): void } {
  const port = SERVICES[service];
  const describe = (s: Socket): string => `${s.remoteAddress ?? '?'}:${s.remotePort ?? '?'} → ${service}/${port}`;
  const track = (s: Socket): void => {
    const who = describe(s);
    log(`connection from ${who}`);
    s.on('error', (e) => log(`connection ${who}: ${e.message}`));
    s.on('close', () => log(`closed ${who} (in ${s.bytesRead} B, out ${s.bytesWritten} B)`));
  };
  if (service === 'iperf3') {
    const srv = createIperf3Server(host, { port, log });
    return { close: () => srv.close() };
  }
  if (service === 'http') {
    const http = createHttpServer(handleHttp);
    const srv = host.net.createServer((s) => {
      track(s as unknown as Socket);
      http.emit('connection', s);
    });
    srv.listen(port);
    return { close: () => void srv.close() };
  }
  const srv = host.net.createServer((s) => {
    track(s as unknown as Socket);
    if (service === 'echo') s.pipe(s);
    else {
      s.resume();
      s.on('end', () => s.end());
    }
  });
  srv.listen(port);
  return { close: () => void srv.close() };
}

interface UpOptions {
  tun?: string;
  addr: string[];
  serve: string;
  netns?: string;
  mtu: string;
  offload?: boolean;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, ...v.split(',').filter((x) => x !== '')];
}

/** Checks the options; returns what openTunHost() needs or throws a usage error. */
export function parseUpOptions(o: UpOptions): { name: string; addresses: string[]; service: ServiceName; netns?: string; mtu: number } {
  if (!o.tun) throw usageError('up needs --tun NAME');
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(o.tun)) throw usageError(`--tun: interface name must be 1-15 letters, digits, '_', '.' or '-': ${o.tun}`);
  if (o.addr.length === 0) throw usageError('up needs --addr CIDR (layer4\'s own address, e.g. 10.99.1.2/24)');
  for (const a of o.addr) if (!planPeer(a)) throw usageError(`--addr: not an IPv4/IPv6 CIDR with room for a kernel-side address: ${a}`);
  if (!(o.serve in SERVICES)) throw usageError(`--serve must be echo, discard, http or iperf3, got ${o.serve}`);
  const mtu = Number(o.mtu);
  if (!Number.isInteger(mtu) || mtu < 1280 || mtu > 65535) throw usageError(`--mtu must be an integer 1280-65535, got ${o.mtu}`);
  if (o.netns !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(o.netns)) throw usageError(`--netns: not a namespace name: ${o.netns}`);
  return { name: o.tun, addresses: o.addr, service: o.serve as ServiceName, mtu, ...(o.netns !== undefined ? { netns: o.netns } : {}) };
}

async function up(io: CliIo, o: UpOptions): Promise<void> {
  const p = parseUpOptions(o);
  let th: TunHost;
  try {
    th = openTunHost({ name: p.name, address: p.addresses, mtu: p.mtu, offload: o.offload === true, ...(p.netns !== undefined ? { netns: p.netns } : {}) });
  } catch (err) {
    if (err instanceof TunUnavailableError) throw runtimeError(err.message, 'TUN_UNAVAILABLE');
    throw runtimeError((err as Error).message, 'TUN_FAILED');
  }
  const log = (line: string): void => io.out(`${new Date().toISOString()} ${line}\n`);
  const svc = serve(th.host, p.service, log);
  const pairs = th.addresses.map((a, i) => `${a} (kernel side ${th.kernelAddresses[i]!})`).join(', ');
  log(`up: ${th.tun.name}${p.netns ? ` in netns ${p.netns}` : ''}: layer4 ${pairs}; serving ${p.service} on port ${SERVICES[p.service]}; answers ping; Ctrl-C stops`);
  await new Promise<void>((resolve) => {
    const stop = (sig: string): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      log(`${sig}: closing ${th.tun.name}`);
      svc.close();
      th.close();
      resolve();
    };
    const onInt = (): void => stop('SIGINT');
    const onTerm = (): void => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

export function registerUp(program: Command, ctx: CliContext): void {
  program
    .command('up')
    .description('run layer4 on a TUN device (root): answers ping, serves echo/discard/http/iperf3; CIDR is layer4\'s address, the kernel side takes the first other host address of the prefix')
    .option('--tun <name>', 'TUN interface name (created; removed on exit)')
    .option('--addr <cidr>', 'layer4\'s address as CIDR; repeat (or comma-separate) for IPv4 and IPv6', collect, [])
    .option('--serve <service>', 'echo (port 7), discard (9), http (80) or iperf3 (5201)', 'echo')
    .option('--netns <name>', 'put the TUN device into this existing network namespace')
    .option('--mtu <n>', 'interface MTU', '1500')
    .option('--offload', 'virtio-net header with checksum/TSO offloads: the kernel may send 64 KB TCP super-segments')
    .action(async (o: UpOptions) => up(ctx.io, o));
}
