// The syscalls a packetdrill script may make, over the TcpLayer under test: socket, bind,
// listen, accept, connect, close, shutdown, fcntl (here), read/write and friends, poll and
// ioctl (syscalls-io.ts), setsockopt/getsockopt (syscalls-sockopt.ts). Behaviour follows the
// sockets API as Linux implements it where a script can observe it (errno values, when a call
// blocks); the protocol itself is the core's.

import type { Expr, SyscallSpec } from './ast.js';
import { intOf, isEllipsis, sockaddrPort } from './syscalls-args.js';
import { constantValue } from './syscalls-constants.js';
import { IO_SYSCALLS } from './syscalls-io.js';
import { SOCKOPT_SYSCALLS } from './syscalls-sockopt.js';
import { Sock, fail, isSock, once, ret, scriptError, skip, sockArg, type SyscallCall, type SyscallContext, type SyscallResult } from './syscalls-socket.js';

export type SyscallImpl = (ctx: SyscallContext, spec: SyscallSpec) => SyscallCall;

/**
 * The fd a new socket gets: the number the script expects (packetdrill maps script fds to live
 * ones, so a script may even reuse a number that is still open), else the lowest free ≥ 3.
 */
function newFd(ctx: SyscallContext, result: Expr): number {
  if (result.kind === 'int' && result.value >= 0) return result.value;
  let fd = 3;
  while (ctx.sockets.has(fd)) fd++;
  return fd;
}

function socketCall(ctx: SyscallContext, spec: SyscallSpec): SyscallCall {
  const [domain, type, proto] = spec.args;
  if (!isEllipsis(domain)) {
    const d = intOf(domain, ctx.dialect);
    const inet = constantValue('AF_INET', ctx.dialect);
    const inet6 = constantValue('AF_INET6', ctx.dialect);
    if (!d.ok || (d.value !== inet && d.value !== inet6)) return once(skip('only AF_INET/AF_INET6 sockets are supported'));
    if (d.value === inet && ctx.host.v6) return once(skip('an AF_INET socket in an IPv6 run'));
  }
  const t = intOf(type, ctx.dialect);
  if (!t.ok || (t.value & 0xf) !== constantValue('SOCK_STREAM', ctx.dialect)) return once(skip('only SOCK_STREAM sockets are supported'));
  if (!isEllipsis(proto)) {
    const p = intOf(proto, ctx.dialect);
    if (!p.ok || (p.value !== 0 && p.value !== constantValue('IPPROTO_TCP', ctx.dialect))) return once(skip('only IPPROTO_TCP sockets are supported'));
  }
  const fd = newFd(ctx, spec.result);
  const s = new Sock(fd);
  if ((t.value & 0x800) !== 0 && ctx.dialect === 'linux') s.nonblock = true; // SOCK_NONBLOCK
  ctx.sockets.set(fd, s);
  return once(ret(fd));
}

function bindCall(ctx: SyscallContext, spec: SyscallSpec): SyscallCall {
  const s = sockArg(ctx, spec.args);
  if (!isSock(s)) return once(s);
  const port = sockaddrPort(spec.args[1], ctx.dialect);
  if (!port.ok) return once(skip(port.reason));
  if (s.bound !== undefined || s.conn !== undefined || s.listener !== undefined) return once(fail('EINVAL'));
  s.bound = { address: ctx.host.local, port: port.value ?? ctx.bindPort };
  return once(ret(0));
}

function listenCall(ctx: SyscallContext, spec: SyscallSpec): SyscallCall {
  const s = sockArg(ctx, spec.args);
  if (!isSock(s)) return once(s);
  const backlog = intOf(spec.args[1], ctx.dialect);
  if (!backlog.ok) return once(scriptError(`listen backlog: ${backlog.reason}`));
  if (s.listener !== undefined) return once(ret(0)); // adjusting the backlog of a listening socket
  if (s.conn !== undefined) return once(fail('EINVAL'));
  const local = s.bound ?? { address: ctx.host.local, port: 0 };
  const n = Math.max(1, backlog.value) + ctx.profile.backlogExtra;
  const r = ctx.host.layer.listen(local, n, ctx.host.nowMs, { ...s.opts, reuseAddr: s.reuseAddr });
  if (!r.ok) return once(fail(r.code));
  s.listener = r.value;
  s.bound = r.value.local;
  ctx.onListen(s);
  return once(ret(0));
}

function acceptCall(ctx: SyscallContext, spec: SyscallSpec): SyscallCall {
  const s = sockArg(ctx, spec.args);
  if (!isSock(s)) return once(s);
  const l = s.listener;
  if (l === undefined) return once(fail('EINVAL'));
  const start = ctx.host.nowUs;
  return {
    deadlineUs: s.rcvTimeoUs > 0 ? start + s.rcvTimeoUs : undefined,
    attempt() {
      if (l.state !== 'LISTEN') return fail('EINVAL');
      const c = l.accept();
      if (c === undefined) {
        if (s.nonblock || (s.rcvTimeoUs > 0 && ctx.host.nowUs >= start + s.rcvTimeoUs)) return fail('EAGAIN');
        return { kind: 'block' };
      }
      const fd = newFd(ctx, spec.result);
      const child = new Sock(fd);
      child.conn = c;
      child.sockState = 'connected';
      child.bound = c.local;
      Object.assign(child.opts, s.opts);
      child.linger = { ...s.linger };
      child.zerocopy = s.zerocopy;
      ctx.sockets.set(fd, child);
      return ret(fd);
    },
  };
}

function connectCall(ctx: SyscallContext, spec: SyscallSpec): SyscallCall {
  const s = sockArg(ctx, spec.args);
  if (!isSock(s)) return once(s);
  const port = sockaddrPort(spec.args[1], ctx.dialect);
  if (!port.ok) return once(skip(port.reason));
  if (s.listener !== undefined) return once(fail('EISCONN'));
  const start = ctx.host.nowUs;
  const finish = (): SyscallResult | undefined => {
    const c = s.conn!;
    if (c.state === 'CLOSED') {
      s.sockState = 'unconnected';
      return fail(s.takeError() ?? 'ECONNABORTED');
    }
    if (!s.handshaking) {
      s.sockState = 'connected';
      return ret(0);
    }
    return undefined;
  };
  if (s.sockState === 'connected') return once(fail('EISCONN'));
  if (s.sockState === 'connecting') {
    const r = finish();
    if (r !== undefined) return once(r);
    if (s.nonblock) return once(fail('EALREADY'));
  } else {
    if (s.conn !== undefined) return once(fail(s.takeError() ?? 'EISCONN'));
    const opts = { ...s.opts, ...(s.bound !== undefined ? { local: s.bound } : {}) };
    const r = ctx.host.layer.connect({ address: ctx.host.remote, port: port.value ?? ctx.connectPort }, opts, ctx.host.nowMs);
    if (!r.ok) return once(fail(r.code));
    s.conn = r.value;
    s.bound = r.value.local;
    s.sockState = 'connecting';
    ctx.onConnect(s, r.value);
    if (s.nonblock) return once(fail('EINPROGRESS'));
  }
  return {
    deadlineUs: s.sndTimeoUs > 0 ? start + s.sndTimeoUs : undefined,
    attempt() {
      const r = finish();
      if (r !== undefined) return r;
      if (s.sndTimeoUs > 0 && ctx.host.nowUs >= start + s.sndTimeoUs) return fail('EINPROGRESS');
      return { kind: 'block' };
    },
  };
}

function closeCall(ctx: SyscallContext, spec: SyscallSpec): SyscallCall {
  const s = sockArg(ctx, spec.args);
  if (!isSock(s)) return once(s);
  ctx.sockets.delete(s.fd);
  const now = ctx.host.nowMs;
  if (s.listener !== undefined) s.listener.close(now);
  if (s.conn !== undefined) {
    // SO_LINGER with a zero timeout: the connection is aborted (RST) instead of closed.
    if (s.linger.onoff !== 0 && s.linger.linger === 0) s.conn.abort(now);
    else s.conn.close(now);
  }
  return once(ret(0));
}

function shutdownCall(ctx: SyscallContext, spec: SyscallSpec): SyscallCall {
  const s = sockArg(ctx, spec.args);
  if (!isSock(s)) return once(s);
  const how = intOf(spec.args[1], ctx.dialect);
  if (!how.ok || how.value < 0 || how.value > 2) return once(fail('EINVAL'));
  const c = s.conn;
  if (c === undefined || c.state === 'CLOSED' || s.sockState === 'unconnected') return once(fail('ENOTCONN'));
  if (how.value === 0 || how.value === 2) s.shutRd = true;
  if (how.value === 1 || how.value === 2) {
    s.shutWr = true;
    const e = c.shutdown(ctx.host.nowMs);
    if (e !== undefined) return once(fail(e.code));
  }
  return once(ret(0));
}

function fcntlCall(ctx: SyscallContext, spec: SyscallSpec): SyscallCall {
  const s = sockArg(ctx, spec.args);
  if (!isSock(s)) return once(s);
  const cmd = intOf(spec.args[1], ctx.dialect);
  if (!cmd.ok) return once(skip(`fcntl: ${cmd.reason}`));
  const rdwr = constantValue('O_RDWR', ctx.dialect)!;
  const nonblock = constantValue('O_NONBLOCK', ctx.dialect)!;
  switch (cmd.value) {
    case constantValue('F_GETFL', ctx.dialect):
      return once(ret(rdwr | (s.nonblock ? nonblock : 0)));
    case constantValue('F_SETFL', ctx.dialect): {
      const flags = intOf(spec.args[2], ctx.dialect);
      if (!flags.ok) return once(skip(`fcntl flags: ${flags.reason}`));
      s.nonblock = (flags.value & nonblock) !== 0;
      return once(ret(0));
    }
    case constantValue('F_GETFD', ctx.dialect):
    case constantValue('F_SETFD', ctx.dialect):
      return once(ret(0));
    default:
      return once(skip('unsupported fcntl command'));
  }
}

const SYSCALLS: Record<string, SyscallImpl> = {
  socket: socketCall,
  bind: bindCall,
  listen: listenCall,
  accept: acceptCall,
  accept4: acceptCall,
  connect: connectCall,
  close: closeCall,
  shutdown: shutdownCall,
  fcntl: fcntlCall,
  ...IO_SYSCALLS,
  ...SOCKOPT_SYSCALLS,
};

export function isSupportedSyscall(name: string): boolean {
  return Object.hasOwn(SYSCALLS, name);
}

/** Starts a syscall; the caller attempts it until it stops blocking. */
export function startSyscall(ctx: SyscallContext, spec: SyscallSpec): SyscallCall {
  const impl = SYSCALLS[spec.name];
  if (impl === undefined) return once(skip(`syscall ${spec.name}() is not supported`));
  return impl(ctx, spec);
}
