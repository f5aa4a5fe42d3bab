// Errors are values (never thrown for anything a peer or a user can cause). Codes are the POSIX
// names that node:net reports, so the api/ layer passes them through unchanged.

export type TcpErrorCode =
  | 'ECONNREFUSED'
  | 'ECONNRESET'
  | 'ECONNABORTED'
  | 'ETIMEDOUT'
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'EHOSTUNREACH'
  | 'ENETUNREACH'
  | 'EPIPE'
  | 'ENOTCONN'
  | 'EISCONN'
  | 'EINVAL';

export interface TcpError {
  ok: false;
  code: TcpErrorCode;
  message: string;
}

export type TcpResult<T> = { ok: true; value: T } | TcpError;

export function tcpError(code: TcpErrorCode, message: string): TcpError {
  return { ok: false, code, message };
}

export function isTcpError(v: unknown): v is TcpError {
  return typeof v === 'object' && v !== null && (v as { ok?: unknown }).ok === false && typeof (v as { code?: unknown }).code === 'string';
}
