// Name lookup for Socket#connect(): IP literals need none; names go through the `lookup` option
// when given (node:net's hook), else through the network's host names and 'localhost'. Failures
// look like Node's getaddrinfo errors.

import type { ConnectTarget, LookupFunction } from './net-args.js';
import type { NetHost } from './net-host.js';
import type { NodeSystemError } from './net-errors.js';

export type LookupDone = (err: Error | null, address: string, family: number) => void;

/** Node's "getaddrinfo ENOTFOUND name" (errno is libuv's UV_EAI_NONAME). */
export function notFound(host: string): NodeSystemError {
  const err = new Error(`getaddrinfo ENOTFOUND ${host}`) as NodeSystemError;
  err.errno = -3008;
  err.code = 'ENOTFOUND';
  err.syscall = 'getaddrinfo';
  err.hostname = host;
  return err;
}

/** Resolves `target.host` (IPv4 first unless a family is asked for) and calls `done` once. */
export function lookupTarget(host: Pick<NetHost, 'resolve'>, target: ConnectTarget, lookup: LookupFunction | undefined, done: LookupDone): void {
  if (lookup !== undefined) {
    lookup(target.host, { family: target.family }, done);
    return;
  }
  const order: Array<4 | 6> = target.family === 6 ? [6] : target.family === 4 ? [4] : [4, 6];
  for (const f of order) {
    const a = host.resolve(target.host, f);
    if (a !== undefined) return done(null, a, f);
  }
  done(notFound(target.host), '', 0);
}
