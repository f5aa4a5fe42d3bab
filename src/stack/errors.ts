// Errors returned as values by socket-level calls, with Node's error codes so that the api/ layer
// can turn them into `Error` objects with `code` set (as node:dgram and node:net do).

export type NetErrorCode =
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'EAFNOSUPPORT'
  | 'EACCES'
  | 'EBADF'
  | 'ECONNREFUSED'
  | 'EDESTADDRREQ'
  | 'EHOSTUNREACH'
  | 'EINVAL'
  | 'EISCONN'
  | 'EMSGSIZE'
  | 'ENETUNREACH'
  | 'ENOBUFS'
  | 'ENOPROTOOPT'
  | 'ENOTCONN';

export interface NetError {
  code: NetErrorCode;
  /** The call that failed, as Node reports it ('bind', 'connect', 'send', 'recv'). */
  syscall: string;
  message: string;
}

export type NetResult<T = undefined> = { ok: true; value: T } | { ok: false; error: NetError };

export function netOk<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function netFail(code: NetErrorCode, syscall: string, message: string): { ok: false; error: NetError } {
  return { ok: false, error: { code, syscall, message } };
}
