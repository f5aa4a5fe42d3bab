// host.dgram against real node:dgram on the kernel's loopback: the same scenario runs on both and
// must log the same events, in the same order, with the same rinfo and error codes/messages. In the
// simulator the scenario talks to 127.0.0.1 on one host (the stack's own loopback), so both sides
// see identical addresses; ports are normalised since the kernel picks its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as realDgram from 'node:dgram';
import { once } from 'node:events';
import { Buffer } from 'node:buffer';
import { networkInterfaces } from 'node:os';
import { createNetwork } from '../src/sim/index.js';

interface SocketLike {
  on(ev: string, fn: (...a: never[]) => void): unknown;
  once(ev: string, fn: (...a: never[]) => void): unknown;
  bind(...a: unknown[]): unknown;
  connect(...a: unknown[]): unknown;
  send(...a: unknown[]): unknown;
  close(cb?: () => void): unknown;
  address(): { address: string; family: string; port: number };
  remoteAddress(): { address: string; family: string; port: number };
  disconnect(): void;
}
interface DgramLike {
  createSocket(t: 'udp4' | 'udp6' | { type: 'udp4' | 'udp6'; reuseAddr?: boolean }): SocketLike;
}
interface Env {
  dgram: DgramLike;
  /** Await `p` while whatever drives the sockets runs. */
  until<T>(p: Promise<T>): Promise<T>;
}

function realEnv(): Env {
  return { dgram: realDgram as unknown as DgramLike, until: (p) => p };
}

function simEnv(): Env {
  const net = createNetwork();
  const h = net.host({ address: '10.0.0.1' });
  return {
    dgram: h.dgram as unknown as DgramLike,
    until: async (p) => (await Promise.all([p, net.idle()]))[0],
  };
}

function code(fn: () => unknown): string {
  try {
    fn();
    return 'no throw';
  } catch (e) {
    const err = e as Error & { code?: string };
    return `${err.name} ${err.code} ${err.message}`;
  }
}

/** Names for ports so logs compare across kernels. */
class Ports {
  private readonly names = new Map<number, string>();
  name(p: number): string {
    if (!this.names.has(p)) this.names.set(p, `P${this.names.size}`);
    return this.names.get(p)!;
  }
}

async function basicExchange(env: Env): Promise<string[]> {
  const log: string[] = [];
  const ports = new Ports();
  const srv = env.dgram.createSocket('udp4');
  srv.on('listening', () => log.push('srv listening'));
  await env.until(new Promise<void>((res) => srv.bind(0, '127.0.0.1', () => (log.push('srv bind-cb'), res()))));
  const sa = srv.address();
  log.push(`srv address ${sa.address} ${sa.family} ${ports.name(sa.port)}`);
  log.push(`bind twice: ${code(() => srv.bind(0))}`);
  const cli = env.dgram.createSocket('udp4');
  log.push(`address before bind: ${code(() => cli.address())}`);
  cli.on('listening', () => log.push('cli listening'));
  const got = once(srv as never, 'message') as Promise<[Buffer, { address: string; family: string; port: number; size: number }]>;
  cli.send('hello', sa.port, '127.0.0.1', (err: Error | null, n: number) => log.push(`cli send-cb ${err} ${n}`));
  const [m, r] = await env.until(got);
  log.push(`srv message '${m}' from ${r.address} ${r.family} ${ports.name(r.port)} size ${r.size}`);
  const two = new Promise<string[]>((res) => {
    const msgs: string[] = [];
    cli.on('message', ((b: Buffer, ri: { port: number }) => {
      msgs.push(`'${b}' from ${ports.name(ri.port)}`);
      if (msgs.length === 2) res(msgs);
    }) as never);
  });
  srv.send(['ab', Buffer.from('cd')], r.port, r.address);
  srv.send('hello world', 6, 5, r.port, r.address);
  log.push(...(await env.until(two)).map((x) => `cli message ${x}`));
  await env.until(new Promise<void>((res) => cli.close(() => (log.push('cli close-cb'), res()))));
  log.push(`after close: ${code(() => cli.send('x', 9, '127.0.0.1'))}`);
  log.push(`close twice: ${code(() => cli.close())}`);
  log.push(`address after close: ${code(() => cli.address())}`);
  await env.until(new Promise<void>((res) => srv.close(() => res())));
  return log;
}

async function argumentErrors(env: Env): Promise<string[]> {
  const s = env.dgram.createSocket('udp4');
  const log = [
    `remoteAddress: ${code(() => s.remoteAddress())}`,
    `disconnect: ${code(() => s.disconnect())}`,
    `send no port: ${code(() => s.send('x'))}`,
    `send port 0: ${code(() => s.send('x', 0, '127.0.0.1'))}`,
    `send port 70000: ${code(() => s.send('x', 70000, '127.0.0.1'))}`,
    `send number: ${code(() => s.send(123, 5000, '127.0.0.1'))}`,
    `connect port 0: ${code(() => s.connect(0, '127.0.0.1'))}`,
  ];
  await env.until(new Promise<void>((res) => s.close(() => res())));
  return log;
}

async function addressInUse(env: Env): Promise<string[]> {
  const ports = new Ports();
  const a = env.dgram.createSocket('udp4');
  await env.until(new Promise<void>((res) => a.bind(0, '127.0.0.1', () => res())));
  const port = a.address().port;
  const b = env.dgram.createSocket('udp4');
  const errP = once(b as never, 'error') as Promise<[Error & Record<string, unknown>]>;
  b.bind(port, '127.0.0.1');
  const [err] = await env.until(errP);
  const log = [
    `${err.code} ${String(err.message).replace(String(port), ports.name(port))} ${err.syscall} ${err.address} ${ports.name(err.port as number)} errno<0:${(err.errno as number) < 0}`,
    `keys ${Object.keys(err).sort().join(',')}`,
  ];
  await env.until(Promise.all([new Promise<void>((res) => a.close(() => res())), new Promise<void>((res) => b.close(() => res()))]));
  return log;
}

async function connectFlow(env: Env): Promise<string[]> {
  const ports = new Ports();
  const log: string[] = [];
  const srv = env.dgram.createSocket('udp4');
  await env.until(new Promise<void>((res) => srv.bind(0, '127.0.0.1', () => res())));
  const port = srv.address().port;
  const c = env.dgram.createSocket('udp4');
  c.on('listening', () => log.push('listening'));
  c.on('connect', () => log.push('connect'));
  log.push(`remote while connecting: ${code(() => (c.connect(port), c.remoteAddress()))}`);
  await env.until(new Promise<void>((res) => c.once('connect', () => (log.push('connect-cb'), res()))));
  const ra = c.remoteAddress();
  log.push(`remote ${ra.address} ${ra.family} ${ports.name(ra.port)}`);
  log.push(`connect twice: ${code(() => c.connect(port))}`);
  log.push(`send with port: ${code(() => c.send('x', 0, 1, port, '127.0.0.1'))}`);
  const got = once(srv as never, 'message') as Promise<[Buffer]>;
  c.send('via connect', (err: Error | null, n: number) => log.push(`send-cb ${err} ${n}`));
  const [m] = await env.until(got);
  log.push(`srv got '${m}'`);
  c.disconnect();
  log.push(`remote after disconnect: ${code(() => c.remoteAddress())}`);
  await env.until(Promise.all([new Promise<void>((res) => c.close(() => res())), new Promise<void>((res) => srv.close(() => res()))]));
  return log;
}

async function v6MappedPeer(env: Env): Promise<string[]> {
  const srv = env.dgram.createSocket('udp6');
  await env.until(new Promise<void>((res) => srv.bind(0, '::', () => res())));
  const sa = srv.address();
  const got = once(srv as never, 'message') as Promise<[Buffer, { address: string; family: string; size: number }]>;
  const c = env.dgram.createSocket('udp4');
  c.send('from v4', sa.port, '127.0.0.1');
  const [, r] = await env.until(got);
  const log = [`srv ${sa.address} ${sa.family}`, `rinfo ${r.address} ${r.family} ${r.size}`];
  await env.until(Promise.all([new Promise<void>((res) => c.close(() => res())), new Promise<void>((res) => srv.close(() => res()))]));
  return log;
}

async function refusedOnConnected(env: Env): Promise<string[]> {
  // Find a port nobody listens on: bind, note it, close.
  const probe = env.dgram.createSocket('udp4');
  await env.until(new Promise<void>((res) => probe.bind(0, '127.0.0.1', () => res())));
  const port = probe.address().port;
  await env.until(new Promise<void>((res) => probe.close(() => res())));
  const c = env.dgram.createSocket('udp4');
  // Linux may report the ICMP error on the send callback (loopback answers within sendmsg) or as
  // an 'error' event from recvmsg; either way the code is ECONNREFUSED.
  let done = false;
  const refused = new Promise<string>((resolve) => {
    const res = (s: string): void => {
      done = true;
      resolve(s);
    };
    c.on('error', ((e: Error & { code: string; syscall: string }) => res(`${e.code} via ${e.syscall}`)) as never);
    c.connect(port, '127.0.0.1', () => {
      const go = (): void => {
        if (done) return;
        c.send('x', (err: (Error & { code: string; syscall: string }) | null) => {
          if (err) res(`${err.code} via ${err.syscall}`);
          else if (!done) setTimeout(go, 5);
        });
      };
      go();
    });
  });
  const r = await env.until(refused);
  await env.until(new Promise<void>((res) => c.close(() => res())));
  return [r.split(' ')[0]!];
}

/** The kernel side needs an IPv6 loopback for the udp6 scenario (some containers have none). */
const kernelHasIpv6 = Object.values(networkInterfaces()).some((l) => l?.some((i) => i.address === '::1'));

for (const [name, scenario] of [
  ['bind, implicit bind on send, message/rinfo, array and offset/length forms, close', basicExchange],
  ['synchronous argument errors (ERR_SOCKET_BAD_PORT, ERR_INVALID_ARG_TYPE, ERR_SOCKET_DGRAM_NOT_CONNECTED)', argumentErrors],
  ['EADDRINUSE error event: message, syscall, address, port, errno', addressInUse],
  ['connect: event order, remoteAddress, IS_CONNECTED, connected send, disconnect', connectFlow],
  ['udp6 dual-stack socket: IPv4 peer as ::ffff:127.0.0.1 (RFC 4291 §2.5.5.2)', v6MappedPeer],
  ['connected socket to a closed port: ECONNREFUSED', refusedOnConnected],
] as const) {
  const skip = scenario === v6MappedPeer && !kernelHasIpv6 ? 'no IPv6 loopback on this machine' : false;
  test(`node:dgram compatibility — ${name}`, { timeout: 10_000, skip }, async () => {
    const real = await scenario(realEnv());
    const sim = await scenario(simEnv());
    if (process.env.L4_SHOW_COMPAT) console.log(real);
    assert.ok(real.length > 0);
    assert.deepEqual(sim, real);
  });
}
