// host.net benchmarks, each beside node:net on the kernel's loopback measured in the same run:
//   - bulk throughput through the node:net-compatible API (stream.Duplex, write()/'drain',
//     'data' events) between two hosts on the virtual clock, in wall-clock MB/s;
//   - node:http keep-alive requests/s over layer4 sockets.
// Figures only, nothing asserts on speed.
//   node dist/bench/net.js         prints the figures
//   npm run bench -- net           through bench/index.ts
import http from 'node:http';
import * as nodeNet from 'node:net';
import type { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createNetwork } from '../src/sim/index.js';
import type { BenchOptions } from './index.js';

export interface NetFigure {
  name: string;
  value: number;
  unit: string;
  baseline?: string;
  ratio?: number;
}

type Surface = Pick<typeof nodeNet, 'createServer' | 'connect'>;

const BULK_BYTES = 64 * 1024 * 1024;
let HTTP_BUDGET_MS = 1500;

/** Sends `bytes` from a client socket to a server that discards them; returns wall-clock MB/s. */
async function bulk(server: Surface, client: Surface, host: string, bytes: number): Promise<number> {
  let received = 0;
  const done = new Promise<void>((resolve) => {
    const srv = server.createServer((s) => {
      s.on('data', (d: Buffer) => (received += d.length));
      s.on('end', () => {
        srv.close();
        resolve();
      });
    });
    srv.listen(0, host, () => {
      const port = (srv.address() as nodeNet.AddressInfo).port;
      const c = client.connect(port, host);
      const chunk = Buffer.alloc(64 * 1024, 0x42);
      let left = Math.ceil(bytes / chunk.length);
      const pump = (): void => {
        while (left > 0) {
          left--;
          if (!c.write(chunk)) {
            c.once('drain', pump);
            return;
          }
        }
        c.end();
      };
      c.once('connect', pump);
    });
  });
  const t0 = performance.now();
  await done;
  const ms = performance.now() - t0;
  if (received < bytes) throw new Error(`bulk: received ${received} of ${bytes}`);
  return received / 1e6 / (ms / 1000);
}

/** Sequential keep-alive GETs for HTTP_BUDGET_MS; returns requests/s. */
async function httpRate(server: Surface, connect: (port: number) => Duplex, host: string): Promise<number> {
  const hs = http.createServer((_req, res) => res.end('ok'));
  const srv = server.createServer((s) => hs.emit('connection', s));
  await new Promise<void>((r) => srv.listen(0, host, r));
  const port = (srv.address() as nodeNet.AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  (agent as unknown as { createConnection: () => Duplex }).createConnection = () => connect(port);
  const get = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = http.request({ agent, host, port, path: '/' }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  for (let i = 0; i < 50; i++) await get(); // warm-up
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < HTTP_BUDGET_MS) {
    await get();
    n++;
  }
  const rate = (n * 1000) / (performance.now() - t0);
  agent.destroy();
  srv.close();
  hs.close();
  return rate;
}

export async function benchNet(opts: BenchOptions = {}): Promise<NetFigure[]> {
  const quick = opts.quick === true;
  const bulkBytes = quick ? 4 * 1024 * 1024 : BULK_BYTES;
  const virtualBytes = quick ? 1024 * 1024 : 8 * 1024 * 1024;
  HTTP_BUDGET_MS = quick ? 150 : 1500;
  const kernelBulk = await bulk(nodeNet, nodeNet, '127.0.0.1', bulkBytes);
  const net = createNetwork({ seed: 1 });
  const a = net.host({ address: '10.0.0.1' });
  const b = net.host({ address: '10.0.0.2' });
  net.link(a, b, { delayMs: 0.05 });
  const l4Bulk = await bulk(b.net as unknown as Surface, a.net as unknown as Surface, '10.0.0.2', bulkBytes);
  const l4Virtual = await (async () => {
    const t0 = net.now();
    await bulk(b.net as unknown as Surface, a.net as unknown as Surface, '10.0.0.2', virtualBytes);
    return (virtualBytes * 8) / 1e6 / ((net.now() - t0) / 1000);
  })();

  const kernelHttp = await httpRate(nodeNet, (port) => nodeNet.connect(port, '127.0.0.1'), '127.0.0.1');
  const l4Http = await httpRate(b.net as unknown as Surface, (port) => a.net.connect(port, '10.0.0.2'), '10.0.0.2');
  net.close();

  return [
    { name: `net bulk ${bulkBytes >> 20} MiB through host.net (virtual clock, wall time)`, value: l4Bulk, unit: 'MB/s', baseline: 'node:net on kernel loopback', ratio: l4Bulk / kernelBulk },
    { name: 'net bulk via node:net on kernel loopback', value: kernelBulk, unit: 'MB/s' },
    { name: `net bulk goodput in virtual time (0.05 ms link, ${virtualBytes >> 20} MiB)`, value: l4Virtual, unit: 'Mbit/s' },
    { name: 'http keep-alive GET over host.net', value: l4Http, unit: 'req/s', baseline: 'node:http over kernel loopback', ratio: l4Http / kernelHttp },
    { name: 'http keep-alive GET over kernel loopback', value: kernelHttp, unit: 'req/s' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const f of await benchNet()) {
    const ratio = f.ratio !== undefined ? `  (${f.ratio.toFixed(3)} × ${f.baseline})` : '';
    console.log(`${f.name.padEnd(70)} ${f.value.toFixed(1).padStart(10)} ${f.unit}${ratio}`);
  }
}
