// What a script's file descriptor stands for: a socket as the sockets API sees it, over a
// TcpListener or TcpConnection of the layer under test. It keeps what the core does not: the
// O_NONBLOCK flag, options set before there is a connection, SO_LINGER, the shutdown(SHUT_RD)
// flag, and whether the connection's error has been reported yet (a pending error is returned
// once, by the next call that reports errors, as sock_error() does).

import type { TcpConnection } from '../tcp/connection.js';
import type { TcpErrorCode } from '../tcp/errors.js';
import type { TcpListener } from '../tcp/listener.js';
import type { TcpSocketOptions } from '../tcp/options.js';
import type { Endpoint } from '../stack/types.js';
import type { Profile } from './profiles.js';
import type { VirtualHost } from './runner-host.js';
import type { Expr } from './ast.js';
import { intOf } from './syscalls-args.js';
import type { Dialect } from './syscalls-constants.js';

export class Sock {
  readonly fd: number;
  nonblock = false;
  reuseAddr = false;
  /** Options for the connection this socket will create or accept. */
  readonly opts: TcpSocketOptions = {};
  linger: { onoff: number; linger: number } = { onoff: 0, linger: 0 };
  rcvTimeoUs = 0;
  sndTimeoUs = 0;
  bound: Endpoint | undefined = undefined;
  listener: TcpListener | undefined = undefined;
  conn: TcpConnection | undefined = undefined;
  /** The socket layer's own state (Linux SS_UNCONNECTED / SS_CONNECTING / SS_CONNECTED). */
  sockState: 'unconnected' | 'connecting' | 'connected' = 'unconnected';
  shutRd = false;
  shutWr = false;
  errorReported = false;
  /** SO_ZEROCOPY set (Linux): sends with MSG_ZEROCOPY are accepted; their completion notices are not modelled. */
  zerocopy = false;

  constructor(fd: number) {
    this.fd = fd;
  }

  /** The connection's error, once (sock_error semantics). */
  takeError(): TcpErrorCode | undefined {
    const e = this.peekError();
    if (e !== undefined) this.errorReported = true;
    return e;
  }

  peekError(): TcpErrorCode | undefined {
    const c = this.conn;
    if (c === undefined || this.errorReported) return undefined;
    if (c.error !== undefined && c.state === 'CLOSED') return c.error;
    return undefined;
  }

  /** Handshake still under way (data calls wait or return EAGAIN). */
  get handshaking(): boolean {
    const s = this.conn?.state;
    return s === 'SYN-SENT' || s === 'SYN-RECEIVED';
  }
}

/** A syscall's outcome. */
export type SyscallResult =
  | { kind: 'return'; ret: number; errno?: string; /** an output argument differs from the script */ mismatch?: string }
  | { kind: 'block' }
  | { kind: 'skip'; reason: string }
  | { kind: 'error'; message: string };

/** A started syscall: attempt() again until it stops blocking. */
export interface SyscallCall {
  attempt(): SyscallResult;
  /** A time (µs) at which the call returns even if nothing happens (poll timeout, SO_RCVTIMEO). */
  deadlineUs?: number | undefined;
}

/** What syscalls need from the runner. */
export interface SyscallContext {
  readonly host: VirtualHost;
  readonly profile: Profile;
  readonly dialect: Dialect;
  readonly bindPort: number;
  readonly connectPort: number;
  readonly sockets: Map<number, Sock>;
  /** listen() made this socket the socket under test. */
  onListen(s: Sock): void;
  /** connect() made this connection the socket under test. */
  onConnect(s: Sock, c: TcpConnection): void;
}

export const ret = (n: number): SyscallResult => ({ kind: 'return', ret: n });
export const fail = (errno: string): SyscallResult => ({ kind: 'return', ret: -1, errno });
export const skip = (reason: string): SyscallResult => ({ kind: 'skip', reason });
export const scriptError = (message: string): SyscallResult => ({ kind: 'error', message });
export const once = (r: SyscallResult): SyscallCall => ({ attempt: () => r });

/** Looks up the socket for argument 0, or the EBADF outcome. */
export function sockArg(ctx: SyscallContext, args: Expr[]): Sock | SyscallResult {
  const fd = intOf(args[0], ctx.dialect);
  if (!fd.ok) return scriptError(`bad file descriptor argument: ${fd.reason}`);
  return ctx.sockets.get(fd.value) ?? fail('EBADF');
}

export function isSock(x: Sock | SyscallResult): x is Sock {
  return x instanceof Sock;
}
