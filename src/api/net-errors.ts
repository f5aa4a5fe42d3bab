// Errors of host.net, shaped like node:net's own so that code written against node:net (node:http,
// undici, ws) inspects them the same way:
//   system errors   `connect ECONNREFUSED 10.0.0.2:7`, `read ECONNRESET`, `write EPIPE`,
//                   `listen EADDRINUSE: address already in use 10.0.0.2:80` — with errno (libuv's
//                   negative numbering), code, syscall and, where Node adds them, address and port;
//   internal errors ERR_SOCKET_CLOSED, ERR_SERVER_NOT_RUNNING, ERR_INVALID_ARG_TYPE, ... with
//                   Node's message text.

import { inspect } from 'node:util';
import { describeReceived, nodeError, uvErrno, type NodeSystemError } from './dgram-errors.js';

export type { NodeSystemError } from './dgram-errors.js';
export type CodedError = Error & { code: string };

/** libuv's short descriptions, used by the "syscall CODE: text address:port" form (listen errors). */
const UV_TEXT: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available',
  EACCES: 'permission denied',
  EAFNOSUPPORT: 'address family not supported',
  EINVAL: 'invalid argument',
  ENETUNREACH: 'network is unreachable',
  EHOSTUNREACH: 'host is unreachable',
};

function systemError(message: string, code: string, syscall: string): NodeSystemError {
  const err = new Error(message) as NodeSystemError;
  err.errno = uvErrno(code);
  err.code = code;
  err.syscall = syscall;
  return err;
}

/** Node's errnoException: "read ECONNRESET", "write EPIPE". */
export function errnoError(code: string, syscall: string): NodeSystemError {
  return systemError(`${syscall} ${code}`, code, syscall);
}

/** Node's exceptionWithHostPort: "connect ECONNREFUSED 10.0.0.2:7" (the port only when > 0). */
export function hostPortError(code: string, syscall: string, address: string, port: number | undefined): NodeSystemError {
  const where = port !== undefined && port > 0 ? `${address}:${port}` : address;
  const err = systemError(`${syscall} ${code} ${where}`, code, syscall);
  err.address = address;
  if (port !== undefined && port > 0) err.port = port;
  return err;
}

/** Node's uvExceptionWithHostPort: "listen EADDRINUSE: address already in use 10.0.0.2:80". */
export function uvHostPortError(code: string, syscall: string, address: string, port: number | undefined): NodeSystemError {
  const where = port !== undefined && port > 0 ? `${address}:${port}` : address;
  const err = systemError(`${syscall} ${code}: ${UV_TEXT[code] ?? code.toLowerCase()} ${where}`, code, syscall);
  err.address = address;
  if (port !== undefined && port > 0) err.port = port;
  return err;
}

export const errSocketClosed = (): CodedError => nodeError(Error, 'ERR_SOCKET_CLOSED', 'Socket is closed');
export const errServerNotRunning = (): CodedError => nodeError(Error, 'ERR_SERVER_NOT_RUNNING', 'Server is not running.');
export const errAlreadyListen = (): CodedError =>
  nodeError(Error, 'ERR_SERVER_ALREADY_LISTEN', 'Listen method has been called more than once without closing.');
export const errMissingConnectArgs = (): CodedError =>
  nodeError(TypeError, 'ERR_MISSING_ARGS', 'The "options" or "port" or "path" argument must be specified');
export const errInvalidIp = (value: string): CodedError => nodeError(TypeError, 'ERR_INVALID_IP_ADDRESS', `Invalid IP address: ${value}`);
export const errUnixSockets = (): CodedError =>
  nodeError(Error, 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', 'IPC (path) sockets are not available on a layer4 host');

/**
 * Node's ERR_INVALID_ARG_TYPE: 'The "options.port" property must be one of type number or string.
 * Received ...' ("property" for dotted names, "argument" otherwise).
 */
export function errArgType(name: string, types: readonly string[], value: unknown): CodedError {
  const kind = name.includes('.') ? 'property' : 'argument';
  const what = types.length === 1 ? `of type ${types[0]!}` : `one of type ${types.slice(0, -1).join(', ')} or ${types[types.length - 1]!}`;
  return nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "${name}" ${kind} must be ${what}. Received ${describeReceived(value)}`);
}

/** Node's ERR_INVALID_ARG_VALUE: "The argument 'options' must have ... Received {}". */
export function errArgValue(name: string, value: unknown, reason: string): CodedError {
  const kind = name.includes('.') ? 'property' : 'argument';
  return nodeError(TypeError, 'ERR_INVALID_ARG_VALUE', `The ${kind} '${name}' ${reason}. Received ${inspect(value)}`);
}

/** Node's ERR_OUT_OF_RANGE: 'The value of "msecs" is out of range. It must be ... Received ...'. */
export function errOutOfRange(name: string, range: string, value: unknown): CodedError {
  return nodeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be ${range}. Received ${inspect(value)}`);
}

/** Node's ERR_SOCKET_BAD_PORT: "Port should be >= 0 and < 65536" (`name` is 'Port' or 'options.port'). */
export function errBadPort(name: string, value: unknown): CodedError {
  return nodeError(RangeError, 'ERR_SOCKET_BAD_PORT', `${name} should be >= 0 and < 65536. Received ${describeReceived(value)}.`);
}

/** The error the TCP core reports when a connection fails, as the syscall Node would name. */
export function tcpFailure(code: string, phase: 'connect' | 'read' | 'write', remote: { address: string; port: number } | undefined): NodeSystemError {
  if (phase === 'connect' && remote !== undefined) return hostPortError(code, 'connect', remote.address, remote.port);
  return errnoError(code, phase);
}
