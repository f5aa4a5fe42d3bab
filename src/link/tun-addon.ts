// Loads the optional native TUN addon (native/tun.cc, built by native/build.mjs at install) and
// says precisely why TUN is unavailable when it cannot be used: no addon built, no /dev/net/tun,
// not permitted (not root / no CAP_NET_ADMIN).

import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The functions native/tun.cc exports. */
export interface TunAddon {
  open(name: string, vnetHdr: boolean): { fd: number; name: string };
  setOffload(fd: number, flags: number): void;
  readBatch(fd: number, buf: Uint8Array, slot: number, lens: Int32Array): number;
  writeBatch(fd: number, packets: readonly Uint8Array[], prefix?: Uint8Array): number;
  /** Calls cb every loop turn while fd is readable; returns stop(). */
  poll(fd: number, cb: (status: number) => void): () => void;
  close(fd: number): void;
}

/** Thrown (code 'TUN_UNAVAILABLE') when the TUN link cannot run here; `reason` says why. */
export class TunUnavailableError extends Error {
  readonly code = 'TUN_UNAVAILABLE';
  constructor(readonly reason: string) {
    super(`TUN unavailable: ${reason}`);
    this.name = 'TunUnavailableError';
  }
}

const ADDON_FILE = join('build', 'Release', 'layer4_tun.node');

function candidates(): string[] {
  const out: string[] = [];
  const env = process.env['LAYER4_TUN_ADDON'];
  if (env) out.push(env);
  // <root>/dist/src/link/tun-addon.js or <outDir>/src/link/tun-addon.js: walk up.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    out.push(join(dir, ADDON_FILE));
    dir = dirname(dir);
  }
  out.push(join(process.cwd(), ADDON_FILE));
  return out;
}

let cached: TunAddon | TunUnavailableError | undefined;

/** The addon, or a TunUnavailableError saying why not (cached). */
export function loadTunAddon(): TunAddon | TunUnavailableError {
  if (cached) return cached;
  if (process.platform !== 'linux') return (cached = new TunUnavailableError(`TUN needs Linux, this is ${process.platform}`));
  const file = candidates().find((f) => existsSync(f));
  if (file === undefined) return (cached = new TunUnavailableError('native addon not built (run `node native/build.mjs`; needs g++, python3 and Node headers)'));
  try {
    cached = createRequire(import.meta.url)(file) as TunAddon;
  } catch (err) {
    cached = new TunUnavailableError(`native addon ${file} failed to load: ${(err as Error).message}`);
  }
  return cached;
}

/** Whether a TUN device can be opened here: addon, /dev/net/tun, permission. Does not open one. */
export function tunAvailability(): { ok: true } | { ok: false; reason: string } {
  const addon = loadTunAddon();
  if (addon instanceof TunUnavailableError) return { ok: false, reason: addon.reason };
  if (!existsSync('/dev/net/tun')) return { ok: false, reason: '/dev/net/tun does not exist (no tun module or not in this container)' };
  try {
    accessSync('/dev/net/tun', constants.R_OK | constants.W_OK);
  } catch {
    return { ok: false, reason: '/dev/net/tun is not readable and writable by this user' };
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { ok: false, reason: 'not root (creating a TUN device needs CAP_NET_ADMIN)' };
  return { ok: true };
}

/** Maps an error from addon.open() to TUN_UNAVAILABLE where it means "cannot here". */
export function openError(err: unknown, name: string): Error {
  const code = (err as { code?: string }).code;
  const msg = (err as Error).message;
  if (code === 'ENOENT') return new TunUnavailableError(`/dev/net/tun does not exist (${msg})`);
  if (code === 'EPERM' || code === 'EACCES') return new TunUnavailableError(`not permitted to create ${name || 'a TUN device'}: root or CAP_NET_ADMIN needed (${msg})`);
  return err instanceof Error ? err : new Error(String(err));
}
