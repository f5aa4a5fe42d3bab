// Argument normalisation of host.net, following node:net's rules and error codes:
//   connect(options[, cb]) | connect(port[, host][, cb]) | connect(path[, cb])
//   listen(options[, cb])  | listen(port[, host][, backlog][, cb]) | listen([cb])
// A string that is not a number is a path (an IPC socket), which a layer4 host does not have.

import { isIP } from 'node:net';
import { errArgType, errArgValue, errBadPort, errInvalidIp, errMissingConnectArgs, errOutOfRange, errUnixSockets } from './net-errors.js';

export interface ConnectOptions {
  port: number | string;
  host?: string;
  localAddress?: string;
  localPort?: number;
  family?: number;
  /** Inactivity timeout (ms) set with socket.setTimeout() before connecting. */
  timeout?: number;
  noDelay?: boolean;
  keepAlive?: boolean;
  keepAliveInitialDelay?: number;
  allowHalfOpen?: boolean;
  /** Not supported on a layer4 host (IPC sockets); rejected. */
  path?: string;
  /** Like node:net: a host name is looked up with this function instead of the network's names. */
  lookup?: LookupFunction;
}

export type LookupFunction = (
  hostname: string,
  options: { family: number; all?: boolean },
  callback: (err: Error | null, address: string, family: number) => void,
) => void;

export interface ListenOptions {
  port?: number | string;
  host?: string;
  backlog?: number;
  exclusive?: boolean;
  ipv6Only?: boolean;
  path?: string;
}

/** The connect target after validation: port as a number, host defaulting to 'localhost'. */
export interface ConnectTarget {
  host: string;
  port: number;
  family: 0 | 4 | 6;
  localAddress: string | undefined;
  localPort: number | undefined;
}

type Callback = (...args: never[]) => unknown;

function isPipeName(s: unknown): boolean {
  return typeof s === 'string' && !(Number(s) >= 0);
}

/** Node's normalizeArgs: [options, callback]. */
export function normalizeArgs<O extends object>(args: readonly unknown[]): [O & { port?: unknown; host?: unknown; path?: unknown }, Callback | undefined] {
  if (args.length === 0) return [{} as O, undefined];
  const last = args[args.length - 1];
  const cb = typeof last === 'function' ? (last as Callback) : undefined;
  const a0 = args[0];
  let options: Record<string, unknown>;
  if (typeof a0 === 'object' && a0 !== null) options = a0 as Record<string, unknown>;
  else if (isPipeName(a0)) options = { path: a0 };
  else {
    options = {};
    if (typeof a0 !== 'function') options.port = a0;
    if (args.length > 1 && typeof args[1] === 'string') options.host = args[1];
  }
  return [options as O & { port?: unknown; host?: unknown; path?: unknown }, cb];
}

/** Node's validatePort: an integer-valued number or numeric string in 0..65535. */
export function validatePort(value: unknown, name: string, allowZero = true): number {
  const n = Number(value);
  const bad =
    (typeof value !== 'number' && typeof value !== 'string') ||
    (typeof value === 'string' && value.trim().length === 0) ||
    n !== n >>> 0 ||
    n > 0xffff ||
    (n === 0 && !allowZero);
  if (bad) throw errBadPort(name, value);
  return n;
}

/** Validates what Socket#connect() was given (the order of Node's checks) and returns the target. */
export function validateConnect(options: Record<string, unknown>): ConnectTarget {
  if (options.port === undefined && options.path == null) throw errMissingConnectArgs();
  if (options.path != null) throw errUnixSockets();
  const host = options.host;
  if (host !== undefined && host !== null && typeof host !== 'string') throw errArgType('hostname', ['string'], host);
  const localAddress = options.localAddress;
  if (localAddress !== undefined && localAddress !== null) {
    if (typeof localAddress !== 'string' || isIP(localAddress) === 0) throw errInvalidIp(String(localAddress));
  }
  const localPort = options.localPort;
  if (localPort !== undefined && localPort !== null) {
    if (typeof localPort !== 'number') throw errArgType('options.localPort', ['number'], localPort);
    validatePort(localPort, 'options.localPort');
  }
  const port = options.port;
  if (typeof port !== 'number' && typeof port !== 'string') throw errArgType('options.port', ['number', 'string'], port);
  const p = validatePort(port, 'Port');
  const family = options.family ?? 0;
  if (family !== 0 && family !== 4 && family !== 6) throw errArgValue('options.family', family, 'must be one of: 0, 4, 6');
  return {
    host: typeof host === 'string' && host !== '' ? host : 'localhost',
    port: p,
    family,
    localAddress: typeof localAddress === 'string' ? localAddress : undefined,
    localPort: typeof localPort === 'number' ? localPort : undefined,
  };
}

export interface ListenTarget {
  /** undefined: every address (the dual-stack wildcard '::'). */
  host: string | undefined;
  port: number;
  backlog: number | undefined;
  ipv6Only: boolean;
}

function toBacklog(x: unknown): number | undefined {
  const n = Number(x);
  return x !== false && x !== undefined && x !== null && n >= 0 ? n : undefined;
}

/** Validates Server#listen() arguments; returns the target and the callback. */
export function validateListen(args: readonly unknown[]): [ListenTarget, Callback | undefined] {
  const [options, cb] = normalizeArgs<ListenOptions>(args);
  const backlog = toBacklog((options as ListenOptions).backlog) ?? (args.length > 1 ? toBacklog(args[1]) ?? (args.length > 2 ? toBacklog(args[2]) : undefined) : undefined);
  const ipv6Only = (options as ListenOptions).ipv6Only === true;
  const port = options.port;
  if (typeof port === 'number' || typeof port === 'string') {
    const p = validatePort(port, 'options.port');
    const host = options.host;
    if (host !== undefined && host !== null && typeof host !== 'string') throw errArgType('hostname', ['string'], host);
    return [{ host: typeof host === 'string' && host !== '' ? host : undefined, port: p, backlog, ipv6Only }, cb];
  }
  if (options.path != null) throw errUnixSockets();
  // listen(), listen(cb), listen(undefined|null[, host]...): any port, on `host` if one was given.
  if (args.length === 0 || typeof args[0] === 'function' || ('port' in options && (port === undefined || port === null))) {
    const host = options.host;
    return [{ host: typeof host === 'string' && host !== '' ? host : undefined, port: 0, backlog, ipv6Only }, cb];
  }
  throw errArgValue('options', options, 'must have the property "port" or "path"');
}

/** Node's largest timer duration (2^31 - 1 ms); longer timeouts are clamped to it. */
const TIMEOUT_MAX = 2 ** 31 - 1;

/** Node's socket.setTimeout() argument check; returns the timeout in ms. */
export function validateTimeout(msecs: unknown): number {
  if (typeof msecs !== 'number') throw errArgType('msecs', ['number'], msecs);
  if (!(msecs >= 0) || !Number.isFinite(msecs)) throw errOutOfRange('msecs', 'a non-negative finite number', msecs);
  return Math.min(msecs, TIMEOUT_MAX);
}
