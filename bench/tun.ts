// TUN benchmark: a kernel peer talking to layer4 over a TUN device against the same kernel tools
// talking kernel-to-kernel over a veth pair, in the same run, as ratios. Everything runs inside
// namespaces made here and removed afterwards. Figures only. Needs root, /dev/net/tun, the addon,
// nc and ping; otherwise it returns one figure naming why it was skipped. Besides wall-clock
// rates it reports layer4's own CPU time per transfer (process.cpuUsage: user + system, so the
// kernel work done inside layer4's read/write calls counts) as Gbit/s per CPU-second, which a
// machine shared with other work disturbs far less, and the load average at the start. With
// iperf3 installed, iperf3 over the same veth pair is reported as a second reference (the ratios
// stay against nc, the tool used at the kernel end of the TUN runs too), and iperf3 at the kernel
// end of the TUN against layer4's iperf3 server (apps/iperf3.ts) in both directions, as ratios to
// iperf3 over veth: nc's 16 KiB reads and writes through a pipe cap it near 2–3 Gbit/s even
// kernel to kernel, so the iperf3 rows are the ones that show layer4's own limit.
//
//   node dist/bench/tun.js [MB]      (or benchTun() from bench/index.ts)
//   env: LAYER4_TUN_OFFLOAD=0|1 (one mode only), LAYER4_TUN_READER=recvInto|socket (one reader
//   only), LAYER4_TUN_DIR=in (kernel → layer4 only; for profiling one direction), LAYER4_TUN_TRUST=0 (verify
//   every checksum, TunDevice.trustKernelChecksums off)

import { spawn, spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import type { BenchFigure, BenchOptions } from './index.js';
import { createIperf3Server } from '../src/apps/iperf3.js';
import { openTunHost } from '../src/link/tun-setup.js';
import { tunAvailability } from '../src/link/tun-addon.js';
import type { Host } from '../src/api/host.js';
import type { TcpConnection } from '../src/tcp/connection.js';
import { TcpLayer } from '../src/tcp/layer.js';

function sh(args: string[]): void {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr || r.error?.message}`);
}

function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

/** Runs a shell line inside `ns`; resolves with wall ms and stdout. */
function timed(ns: string, line: string): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const c = spawn('ip', ['netns', 'exec', ns, 'sh', '-c', line], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('close', (code) => (code === 0 ? resolve({ ms: performance.now() - t0, out }) : reject(new Error(`${line}: exit ${code} ${err}`))));
  });
}

function avgRtt(out: string): number {
  const m = /= [\d.]+\/([\d.]+)\//.exec(out);
  return m ? Number(m[1]) : NaN;
}

/**
 * A discard server on the TCP core's own calls: after every batch (a host pump, run before the ACK
 * is built) each connection's bytes are copied into one reused buffer (TcpConnection.recvInto), so
 * the receive buffer keeps its memory and nothing is allocated per read; a connection is closed
 * once the peer's FIN has been read. The socket server (host.net) hands each chunk over as a
 * Buffer the application may keep, which costs fresh receive-buffer memory per drain.
 */
function coreDiscard(host: Host, port: number): { received: () => number; close: () => void } {
  const tcp = host.stack.tcp;
  if (!(tcp instanceof TcpLayer)) throw new Error('the host does not run the TCP layer');
  const r = tcp.listen({ address: '0.0.0.0', port }, 16, host.now());
  if (!r.ok) throw new Error(`listen ${port}: ${r.message}`);
  const l = r.value;
  const conns = new Set<TcpConnection>();
  const buf = new Uint8Array(256 * 1024);
  let received = 0;
  let open = true;
  host.runtime.addPump((now) => {
    if (!open) return false;
    let did = false;
    for (let c = l.accept(); c !== undefined; c = l.accept()) conns.add(c);
    for (const c of conns) {
      for (let n = c.recvInto(buf); n > 0; n = c.recvInto(buf)) received += n;
      if (c.eof || c.state === 'CLOSED') {
        c.close(now);
        conns.delete(c);
        did = true;
      }
    }
    if (did) host.runtime.kick();
    return false;
  });
  return {
    received: () => received,
    close: () => {
      open = false;
      l.close(host.now());
    },
  };
}

/** iperf3 -J's end.sum_received: the receiver's rate in Mbit/s and bytes (NaN when absent). */
function iperfReceived(json: string): { mbps: number; bytes: number } {
  const m = /"sum_received":\s*\{[^}]*?"bytes":\s*(\d+)[^}]*"bits_per_second":\s*([\d.e+]+)/.exec(json);
  return m ? { mbps: Number(m[2]) / 1e6, bytes: Number(m[1]) } : { mbps: NaN, bytes: NaN };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** CPU milliseconds (user + system) of this process since `from`. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

/** Gbit/s per CPU-second for `bytes` moved with `ms` of CPU. */
const perCpu = (bytes: number, ms: number): number => (bytes * 8) / (ms * 1e6);

export async function benchTun(opts: BenchOptions = {}, mb = opts.quick === true ? 4 : 64): Promise<BenchFigure[]> {
  const a = tunAvailability();
  const missing = ['nc', 'ping'].find((t) => !has(t));
  const reason = !a.ok ? a.reason : missing ? `${missing} is not installed` : undefined;
  if (reason) return [{ name: `tun: skipped (${reason})`, value: 0, unit: '' }];
  const id = `${process.pid}`;
  const nsT = `l4bt${id}`;
  const nsA = `l4ba${id}`;
  const nsB = `l4bb${id}`;
  const bytes = mb * 1024 * 1024;
  const figures: BenchFigure[] = [];
  const made: string[] = [];
  let th: ReturnType<typeof openTunHost> | undefined;
  figures.push({ name: 'tun: load average (1 min) at the start', value: loadavg()[0]!, unit: '' });
  try {
    for (const ns of [nsT, nsA, nsB]) {
      sh(['ip', 'netns', 'add', ns]);
      made.push(ns);
    }
    // kernel ↔ kernel over veth
    sh(['ip', 'link', 'add', `l4va${id}`.slice(0, 15), 'netns', nsA, 'type', 'veth', 'peer', 'name', `l4vb${id}`.slice(0, 15), 'netns', nsB]);
    sh(['ip', '-n', nsA, 'addr', 'add', '10.99.30.1/24', 'dev', `l4va${id}`.slice(0, 15)]);
    sh(['ip', '-n', nsB, 'addr', 'add', '10.99.30.2/24', 'dev', `l4vb${id}`.slice(0, 15)]);
    sh(['ip', '-n', nsA, 'link', 'set', `l4va${id}`.slice(0, 15), 'up']);
    sh(['ip', '-n', nsB, 'link', 'set', `l4vb${id}`.slice(0, 15), 'up']);
    const src = `head -c ${bytes} /dev/zero`;
    const veth = await timed(nsA, `(ip netns exec ${nsB} nc -l 10.99.30.2 9000 > /dev/null &) ; sleep 0.3; ${src} | nc -N 10.99.30.2 9000`);
    const vethMbps = (bytes * 8) / ((veth.ms - 300) * 1000);
    figures.push({ name: 'tun: kernel → kernel over veth (baseline)', value: vethMbps, unit: 'Mbit/s' });
    // iperf3 runs are timed (-t): a transfer of a few hundred MB is mostly start-up (slow start,
    // the JIT warming up) at these rates, and the same seconds on both paths keep the ratio fair.
    const secs = opts.quick === true ? 1 : 3;
    let iperfVethMbps = NaN;
    if (has('iperf3')) {
      const ip3 = await timed(nsA, `(ip netns exec ${nsB} iperf3 -s -1 -B 10.99.30.2 > /dev/null &) ; sleep 0.3; iperf3 -c 10.99.30.2 -t ${secs} -J`);
      iperfVethMbps = iperfReceived(ip3.out).mbps;
      if (Number.isFinite(iperfVethMbps)) figures.push({ name: `tun: kernel → kernel over veth, iperf3 -t ${secs} (reference)`, value: iperfVethMbps, unit: 'Mbit/s' });
    }
    // kernel ↔ layer4 over TUN, without and with offloads (virtio-net header: checksum offload,
    // TSO4/6 both ways: the kernel sends super-segments, layer4 writes them, tun-gso.ts).
    const modes = process.env['LAYER4_TUN_OFFLOAD'] === '1' ? [true] : process.env['LAYER4_TUN_OFFLOAD'] === '0' ? [false] : [false, true];
    for (const offload of modes) {
      const tag = offload ? ', offloads' : '';
      th = openTunHost({ name: `l4bt${id}`.slice(0, 15), address: '10.99.31.2/24', netns: nsT, offload });
      // Port 9: the socket API (host.net, 'data' events); port 19: the core reader (coreDiscard).
      let received = 0;
      th.host.net.createServer((s) => {
        s.on('data', (c: Buffer) => (received += c.length));
        s.on('end', () => s.end());
      }).listen(9);
      if (process.env['LAYER4_TUN_TRUST'] === '0') th.tun.trustKernelChecksums = false;
      const core = coreDiscard(th.host, 19);
      await sleep(200);
      for (const [port, reader] of [[19, 'recvInto'], [9, 'socket']] as const) {
        if (process.env['LAYER4_TUN_READER'] !== undefined && process.env['LAYER4_TUN_READER'] !== reader) continue;
        const c0 = process.cpuUsage();
        const tun = await timed(nsT, `${src} | nc -N 10.99.31.2 ${port}`);
        const inCpu = cpuMs(c0);
        const tunMbps = (bytes * 8) / (tun.ms * 1000);
        figures.push({ name: `tun: kernel → layer4 bulk (${mb} MB, nc${tag}, ${reader} reader)`, value: tunMbps, unit: 'Mbit/s', baseline: 'kernel → kernel over veth', ratio: tunMbps / vethMbps });
        figures.push({ name: `tun: kernel → layer4 per layer4 CPU-second (${tag ? 'offloads' : 'plain'}, ${reader} reader)`, value: perCpu(bytes, inCpu), unit: 'Gbit/s' });
        const got = reader === 'socket' ? received : core.received();
        if (got !== bytes) figures.push({ name: `tun: bytes short at layer4 (error${tag}, ${reader} reader)`, value: bytes - got, unit: 'B' });
      }
      core.close();

      if (has('iperf3') && process.env['LAYER4_TUN_READER'] === undefined) {
        // iperf3 at the kernel end, layer4's iperf3 server (apps/iperf3.ts, a host.net socket
        // application) at the other: the same tool as the veth reference, both directions (-R:
        // layer4 sends). The figure is iperf3's own receiver-side rate.
        const ip3 = createIperf3Server(th.host, { port: 5201 });
        const dirs = process.env['LAYER4_TUN_DIR'] === 'in' ? [false] : [false, true];
        for (const reverse of dirs) {
          const c0 = process.cpuUsage();
          const r = await timed(nsT, `iperf3 -c 10.99.31.2 -t ${secs} -J${reverse ? ' -R' : ''}`);
          const cpu = cpuMs(c0);
          const got = iperfReceived(r.out);
          const what = reverse ? 'layer4 → kernel' : 'kernel → layer4';
          figures.push({ name: `tun: ${what} iperf3 -t ${secs}${tag}`, value: got.mbps, unit: 'Mbit/s', baseline: 'kernel → kernel over veth, iperf3', ratio: got.mbps / iperfVethMbps });
          figures.push({ name: `tun: ${what} iperf3 per layer4 CPU-second (${tag ? 'offloads' : 'plain'})`, value: perCpu(got.bytes, cpu), unit: 'Gbit/s' });
        }
        ip3.close();
      }

      if (process.env['LAYER4_TUN_DIR'] !== 'in') {
        // layer4 → kernel: layer4 connects to `nc -l` in the namespace and sends the same amount.
        const sink = timed(nsT, 'nc -l 10.99.31.1 9100 > /dev/null');
        await sleep(300);
        const payload = new Uint8Array(1 << 20);
        const c1 = process.cpuUsage();
        const t0 = performance.now();
        await new Promise<void>((resolve, reject) => {
          const s = th!.host.net.connect({ host: '10.99.31.1', port: 9100 });
          s.on('error', reject);
          s.on('close', () => resolve());
          let left = mb;
          const pump = (): void => {
            while (left > 0) {
              left--;
              if (!s.write(payload)) {
                s.once('drain', pump);
                return;
              }
            }
            s.end();
          };
          s.on('connect', pump);
          s.resume();
        });
        await sink;
        const upMbps = (bytes * 8) / ((performance.now() - t0) * 1000);
        const upCpu = cpuMs(c1);
        figures.push({ name: `tun: layer4 → kernel bulk (${mb} MB, nc -l${tag})`, value: upMbps, unit: 'Mbit/s', baseline: 'kernel → kernel over veth', ratio: upMbps / vethMbps });
        figures.push({ name: `tun: layer4 → kernel per layer4 CPU-second (${tag ? 'offloads' : 'plain'})`, value: perCpu(bytes, upCpu), unit: 'Gbit/s' });
      }
      if (!offload) {
        const p1 = await timed(nsT, 'ping -c 50 -i 0.01 -q 10.99.31.2');
        const p2 = await timed(nsA, 'ping -c 50 -i 0.01 -q 10.99.30.2');
        const r1 = avgRtt(p1.out);
        const r2 = avgRtt(p2.out);
        figures.push({ name: 'tun: ping RTT kernel → layer4', value: r1 * 1000, unit: 'µs', baseline: 'kernel → kernel over veth', ratio: r1 / r2 });
        figures.push({ name: 'tun: ping RTT kernel → kernel over veth (baseline)', value: r2 * 1000, unit: 'µs' });
      }
      const st = th.tun.stats;
      figures.push({ name: `tun: packets read per wake-up (batching${tag})`, value: st.rxPackets / Math.max(1, st.wakeups), unit: 'pkt' });
      figures.push({ name: `tun: device writes per packet-bearing wake-up${tag}`, value: th.port.writes / Math.max(1, th.port.batches), unit: '' });
      if (offload) {
        figures.push({ name: 'tun: GSO super-segments received', value: st.rxGso, unit: 'pkt' });
        figures.push({ name: 'tun: partial checksums finished', value: st.rxCsumFinished, unit: 'pkt' });
        figures.push({ name: 'tun: TCP checksums the kernel vouched for (not verified again)', value: st.rxCsumTrusted, unit: 'pkt' });
        figures.push({ name: 'tun: GSO super-segments written', value: st.txGso, unit: 'pkt' });
        figures.push({ name: 'tun: wire segments per super-segment written', value: st.txGsoSegments / Math.max(1, st.txGso), unit: 'seg' });
      }
      th.close();
      th = undefined;
      await sleep(200);
    }
  } finally {
    th?.close();
    for (const ns of made) spawnSync('ip', ['netns', 'del', ns]);
  }
  return figures;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  const mb = Number(process.argv[2] ?? '64');
  for (const f of await benchTun({}, mb)) console.log(`${f.name}: ${f.value.toFixed(2)} ${f.unit}${f.ratio !== undefined ? ` (×${f.ratio.toFixed(3)} of ${f.baseline})` : ''}`);
}
