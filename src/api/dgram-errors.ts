// Errors shaped like Node's own, so code written against node:dgram / node:net can inspect them
// the same way: internal errors carry `code` ('ERR_SOCKET_BAD_PORT', ...) and Node's message text;
// system errors carry `errno` (negative, as libuv reports it), `code`, `syscall` and, where Node
// adds them, `address` and `port`, with messages like "bind EADDRINUSE 10.0.0.2:53".
// Nothing here is dgram-specific; the TCP api can use it too.

import { constants } from 'node:os';

export interface NodeSystemError extends Error {
  errno: number;
  code: string;
  syscall: string;
  address?: string;
  port?: number;
  hostname?: string;
}

export interface NodeCodedError extends Error {
  code: string;
}

/** Node's internal error: `new TypeError(message)` with `code`, printed as "TypeError [CODE]: ...". */
export function nodeError<E extends Error>(Ctor: new (message: string) => E, code: string, message: string): E & { code: string } {
  const err = new Ctor(message) as E & { code: string };
  Object.defineProperty(err, 'code', { value: code, enumerable: true, writable: true, configurable: true });
  // Node's internal errors print their code next to the name; keep `name` the plain class name.
  Object.defineProperty(err, 'toString', { value: () => `${err.name} [${code}]: ${err.message}`, enumerable: false });
  return err;
}

/** libuv-style negative errno for a POSIX code name (platform numbering via os.constants). */
export function uvErrno(code: string): number {
  const n = (constants.errno as Record<string, number | undefined>)[code];
  return n === undefined ? -1 : -n;
}

/** Like Node's ErrnoException: "syscall CODE". */
export function errnoException(code: string, syscall: string): NodeSystemError {
  const err = new Error(`${syscall} ${code}`) as NodeSystemError;
  err.errno = uvErrno(code);
  err.code = code;
  err.syscall = syscall;
  return err;
}

/** Like Node's exceptionWithHostPort: "syscall CODE address:port" (port only when > 0). */
export function exceptionWithHostPort(code: string, syscall: string, address: string, port?: number): NodeSystemError {
  const details = port !== undefined && port > 0 ? `${address}:${port}` : address;
  const err = new Error(`${syscall} ${code} ${details}`) as NodeSystemError;
  err.errno = uvErrno(code);
  err.code = code;
  err.syscall = syscall;
  err.address = address;
  if (port !== undefined && port > 0) err.port = port;
  return err;
}

/** Node's description of a received value in ERR_* messages ("type number (0)", "undefined", ...). */
export function describeReceived(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'function') return `function ${(value as { name?: string }).name || '<anonymous>'}`;
  if (typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
    return ctor ? `an instance of ${ctor}` : 'an object';
  }
  let shown = typeof value === 'string' ? `'${value.length > 28 ? value.slice(0, 25) + '...' : value}'` : String(value);
  if (typeof value === 'bigint') shown += 'n';
  return `type ${typeof value} (${shown})`;
}

export function errBadPort(value: unknown, allowZero: boolean): RangeError & { code: string } {
  const op = allowZero ? '>=' : '>';
  return nodeError(RangeError, 'ERR_SOCKET_BAD_PORT', `Port should be ${op} 0 and < 65536. Received ${describeReceived(value)}.`);
}

export function errInvalidArgType(name: string, expected: string, value: unknown): TypeError & { code: string } {
  return nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "${name}" argument must be ${expected}. Received ${describeReceived(value)}`);
}

export const errNotRunning = (): Error & { code: string } => nodeError(Error, 'ERR_SOCKET_DGRAM_NOT_RUNNING', 'Not running');
export const errIsConnected = (): Error & { code: string } => nodeError(Error, 'ERR_SOCKET_DGRAM_IS_CONNECTED', 'Already connected');
export const errNotConnected = (): Error & { code: string } => nodeError(Error, 'ERR_SOCKET_DGRAM_NOT_CONNECTED', 'Not connected');
export const errAlreadyBound = (): Error & { code: string } => nodeError(Error, 'ERR_SOCKET_ALREADY_BOUND', 'Socket is already bound');

/** Node's port check: an integer-valued number (or numeric string) in range. Returns the number. */
export function validatePort(value: unknown, allowZero: boolean): number {
  const ok =
    (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')) &&
    Number.isInteger(Number(value)) &&
    Number(value) >= (allowZero ? 0 : 1) &&
    Number(value) <= 65535;
  if (!ok) throw errBadPort(value, allowZero);
  return Number(value);
}
