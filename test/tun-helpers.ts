// Shared by the TUN interop tests: namespaces made per test (and removed on every path), a
// `layer4 up` child process, and commands run inside the namespace. Traffic goes only to the
// addresses configured here, inside namespaces these tests create.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { tunAvailability } from '../src/link/tun-addon.js';
import { xorshiftBytes } from '../src/stack/xorshift32.js';

let counter = 0;

/** Why the TUN interop tests cannot run here, or undefined when they can. */
export function tunSkipReason(tools: readonly string[] = []): string | undefined {
  const a = tunAvailability();
  if (!a.ok) return a.reason;
  const ns = `l4chk${process.pid}`;
  const r = spawnSync('ip', ['netns', 'add', ns], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `cannot create network namespaces (${r.error?.message ?? r.stderr.trim()})`;
  spawnSync('ip', ['netns', 'del', ns]);
  for (const t of tools) {
    const w = spawnSync('sh', ['-c', `command -v ${t}`]);
    if (w.status !== 0) return `${t} is not installed`;
  }
  return undefined;
}

export interface Netns {
  name: string;
  /** Run `cmd args` inside the namespace; resolves with exit code, stdout and stderr. */
  run(cmd: string, args: string[], opts?: { input?: Uint8Array; timeoutMs?: number }): Promise<RunResult>;
  remove(): void;
}

export interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export function runCommand(cmd: string, args: string[], opts: { input?: Uint8Array; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
    child.stdin.on('error', () => {});
    if (opts.input) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

export function createNetns(prefix = 'l4t'): Netns {
  const name = `${prefix}${process.pid}x${counter++}`;
  const r = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip netns add ${name}: ${r.stderr}`);
  spawnSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  let removed = false;
  return {
    name,
    run: (cmd, args, opts) => runCommand('ip', ['netns', 'exec', name, cmd, ...args], opts),
    remove: () => {
      if (removed) return;
      removed = true;
      spawnSync('ip', ['netns', 'del', name]);
    },
  };
}

export interface UpProcess {
  child: ChildProcess;
  log: () => string;
  stop(): Promise<number | null>;
}

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** Starts `layer4 up ARGS` and resolves once it reports the device up. */
export function startUp(args: string[]): Promise<UpProcess> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', `import(${JSON.stringify(MAIN)}).then((m) => m.main(process.argv.slice(1)))`, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const proc: UpProcess = {
    child,
    log: () => text,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`layer4 up did not come up: ${text}`)), 15_000);
    const check = (): void => {
      if (/ up: /.test(text)) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(proc);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`layer4 up exited ${String(code)}: ${text}`));
    });
  });
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Deterministic pseudo-random bytes (xorshift32), so a failure reproduces. */
export function testBytes(n: number, seed = 0x9e3779b9): Buffer {
  const b = xorshiftBytes(n, seed);
  return Buffer.from(b.buffer, b.byteOffset, b.length);
}
