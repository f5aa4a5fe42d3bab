// setsockopt/getsockopt for the options a TCP script commonly uses. Options set before there is
// a connection are kept on the socket and handed to connect()/listen() (and inherited by accepted
// connections, as on Linux); on a connection they take effect at once. TCP_KEEPINTVL, TCP_KEEPCNT,
// TCP_SYNCNT and TCP_LINGER2 have no per-connection field in the core: they set the layer's config,
// which is exact while a script drives one connection at a time. Times: TCP_KEEP* in seconds,
// TCP_USER_TIMEOUT in ms, SO_LINGER in seconds.

import type { Expr, SyscallSpec } from './ast.js';
import type { PmtuDiscovery } from '../stack/types.js';
import type { IpSocketOptions } from '../tcp/options.js';

/** TTL / hop limit when none is set (both kernels' default, 64). */
const DEFAULT_TTL = 64;
import { intOf, structField, timevalUs } from './syscalls-args.js';
import { constantName, constantValue, errnoNumber } from './syscalls-constants.js';
import { fail, isSock, once, ret, scriptError, skip, sockArg, type Sock, type SyscallCall, type SyscallContext, type SyscallResult } from './syscalls-socket.js';

const SOCKET_OPTS = ['SO_REUSEADDR', 'SO_REUSEPORT', 'SO_KEEPALIVE', 'SO_RCVBUF', 'SO_SNDBUF', 'SO_LINGER', 'SO_RCVTIMEO', 'SO_SNDTIMEO', 'SO_ERROR', 'SO_TYPE', 'SO_ACCEPTCONN', 'SO_DEBUG', 'SO_ZEROCOPY'];
const TCP_OPTS = ['TCP_NODELAY', 'TCP_CORK', 'TCP_MAXSEG', 'TCP_KEEPIDLE', 'TCP_KEEPINTVL', 'TCP_KEEPCNT', 'TCP_USER_TIMEOUT', 'TCP_SYNCNT', 'TCP_LINGER2', 'TCP_NOOPT', 'TCP_KEEPINIT'];
const IP_OPTS = ['IP_TOS', 'IP_TTL', 'IP_MTU_DISCOVER'];
const IPV6_OPTS = ['IPV6_TCLASS', 'IPV6_UNICAST_HOPS', 'IPV6_MTU_DISCOVER'];
/** IP_MTU_DISCOVER / IPV6_MTU_DISCOVER values: DONT, WANT, DO, PROBE (INTERFACE and OMIT act as PROBE here). */
const PMTUDISC: readonly PmtuDiscovery[] = ['dont', 'want', 'do', 'probe', 'probe', 'probe'];
const OTHER_TCP_OPTS = ['TCP_NOPUSH', 'TCP_INFO', 'TCP_QUICKACK', 'TCP_CONGESTION', 'TCP_FASTOPEN', 'TCP_NOTSENT_LOWAT', 'TCP_DEFER_ACCEPT'];

/** The option's name (`SO_RCVBUF`), or a reason the runner cannot handle it. */
function optionName(ctx: SyscallContext, spec: SyscallSpec): string | { skip: string } {
  const level = intOf(spec.args[1], ctx.dialect);
  const name = intOf(spec.args[2], ctx.dialect);
  if (!level.ok) return { skip: `${spec.name} level: ${level.reason}` };
  if (!name.ok) return { skip: `${spec.name} option: ${name.reason}` };
  const d = ctx.dialect;
  if (level.value === constantValue('SOL_SOCKET', d)) {
    const n = constantName(name.value, SOCKET_OPTS, d);
    return n ?? { skip: `socket option ${formatArg(spec.args[2])} is not supported` };
  }
  if (level.value === constantValue('IPPROTO_TCP', d)) {
    const n = constantName(name.value, TCP_OPTS, d);
    if (n !== undefined) return n;
    return { skip: `TCP option ${constantName(name.value, OTHER_TCP_OPTS, d) ?? formatArg(spec.args[2])} is not supported` };
  }
  if (level.value === constantValue('IPPROTO_IP', d) || level.value === constantValue('IPPROTO_IPV6', d)) {
    const n = constantName(name.value, level.value === constantValue('IPPROTO_IP', d) ? IP_OPTS : IPV6_OPTS, d);
    return n ?? { skip: `IP option ${formatArg(spec.args[2])} is not supported` };
  }
  return { skip: `option level ${formatArg(spec.args[1])} is not supported` };
}

/** The IP-level options in force on a socket (its connection's, else those kept for connect/listen). */
function ipOpts(s: Sock): IpSocketOptions {
  return s.conn?.ip ?? s.opts.ip ?? {};
}

function formatArg(e: Expr | undefined): string {
  if (e === undefined) return '?';
  if (e.kind === 'word') return e.name;
  if (e.kind === 'int') return e.text;
  return e.kind;
}

function setsockoptCall(ctx: SyscallContext, spec: SyscallSpec): SyscallCall {
  const s = sockArg(ctx, spec.args);
  if (!isSock(s)) return once(s);
  const name = optionName(ctx, spec);
  if (typeof name !== 'string') return once(skip(name.skip));
  return once(setOption(ctx, s, name, spec.args[3]));
}

function setOption(ctx: SyscallContext, s: Sock, name: string, arg: Expr | undefined): SyscallResult {
  const d = ctx.dialect;
  const cfg = ctx.host.layer.config;
  const c = s.conn;
  const lopts = s.listener?.options;
  if (name === 'SO_LINGER') {
    const on = intOf(structField(arg, 'onoff', 0) ?? structField(arg, 'l_onoff', 0), d);
    const secs = intOf(structField(arg, 'linger', 1) ?? structField(arg, 'l_linger', 1), d);
    if (!on.ok || !secs.ok) return scriptError('SO_LINGER needs {onoff=…, linger=…}');
    s.linger = { onoff: on.value, linger: secs.value };
    return ret(0);
  }
  if (name === 'SO_RCVTIMEO' || name === 'SO_SNDTIMEO') {
    const t = timevalUs(arg, d);
    if (!t.ok) return scriptError(`${name} needs a timeval: ${t.reason}`);
    if (name === 'SO_RCVTIMEO') s.rcvTimeoUs = t.value;
    else s.sndTimeoUs = t.value;
    return ret(0);
  }
  const v = intOf(arg, d);
  if (!v.ok) return scriptError(`${name} value: ${v.reason}`);
  const n = v.value;
  const set = <K extends keyof Sock['opts']>(k: K, value: Sock['opts'][K]): void => {
    s.opts[k] = value;
    if (lopts !== undefined) lopts[k] = value;
  };
  // IP-level options: kept for connect()/listen() and applied to the connection at once.
  const setIp = (patch: IpSocketOptions): void => {
    s.opts.ip = { ...s.opts.ip, ...patch };
    if (lopts !== undefined) lopts.ip = { ...lopts.ip, ...patch };
    if (c !== undefined) c.ip = { ...c.ip, ...patch };
  };
  switch (name) {
    case 'SO_REUSEADDR':
      s.reuseAddr = n !== 0;
      return ret(0);
    case 'SO_REUSEPORT':
    case 'SO_DEBUG':
      return ret(0);
    case 'SO_ZEROCOPY':
      // Linux: 0 or 1 on a TCP socket, before it connects (sock_setsockopt); what it changes is
      // how pages are pinned, not the segments sent.
      if (n !== 0 && n !== 1) return fail('EINVAL');
      s.zerocopy = n === 1;
      return ret(0);
    case 'SO_KEEPALIVE':
      set('keepAlive', n !== 0);
      c?.setKeepAlive(n !== 0);
      return ret(0);
    case 'SO_RCVBUF':
      if (n <= 0) return fail('EINVAL');
      set('recvBufferSize', n);
      if (c !== undefined) c.recvBufferSize = n;
      return ret(0);
    case 'SO_SNDBUF': {
      if (n <= 0) return fail('EINVAL');
      // Linux's sock_setsockopt() keeps twice the value asked for (sk_sndbuf = 2 × val, room for its
      // bookkeeping), and a write may fill all of it: the send buffer is the doubled size.
      const bytes = ctx.profile.doublesSockBuf ? 2 * n : n;
      set('sendBufferSize', bytes);
      if (c !== undefined) c.sendBufferSize = bytes;
      return ret(0);
    }
    case 'TCP_NODELAY':
      set('noDelay', n !== 0);
      c?.setNoDelay(n !== 0);
      return ret(0);
    case 'TCP_CORK':
      set('cork', n !== 0);
      c?.setCork(n !== 0);
      return ret(0);
    case 'TCP_MAXSEG':
      // Linux accepts 88..65535 and uses it for the MSS announced in the SYN.
      if (n < 88 || n > 65535) return fail('EINVAL');
      set('mss', n);
      return ret(0);
    case 'TCP_KEEPIDLE':
      if (n < 1) return fail('EINVAL');
      set('keepAliveIdle', n * 1000);
      if (c !== undefined) c.setKeepAlive(c.keepAlive, n * 1000);
      return ret(0);
    case 'TCP_KEEPINTVL':
      if (n < 1) return fail('EINVAL');
      cfg.keepAliveInterval = n * 1000;
      return ret(0);
    case 'TCP_KEEPCNT':
      if (n < 1) return fail('EINVAL');
      cfg.keepAliveCount = n;
      return ret(0);
    case 'TCP_USER_TIMEOUT':
      if (n < 0) return fail('EINVAL');
      set('userTimeout', n);
      c?.setUserTimeout(n);
      return ret(0);
    case 'TCP_SYNCNT':
      if (n < 1 || n > 127) return fail('EINVAL');
      cfg.synRetries = n;
      return ret(0);
    case 'TCP_LINGER2':
      if (n > 0) cfg.finWait2Timeout = n * 1000;
      return ret(0);
    case 'TCP_NOOPT':
      // FreeBSD: for the SYN not yet sent (on a connection it changes nothing visible)
      set('noOptions', n !== 0);
      return ret(0);
    case 'TCP_KEEPINIT':
      if (n < 1) return fail('EINVAL');
      set('connectTimeout', n * 1000);
      if (c !== undefined) c.connectTimeout = n * 1000;
      return ret(0);
    case 'IP_TOS':
    case 'IPV6_TCLASS':
      // The whole byte; the stack sends its DSCP bits and keeps the ECN bits TCP's (RFC 3168 §5).
      if (n < -1 || n > 255) return fail('EINVAL');
      setIp({ tos: n === -1 ? 0 : n });
      return ret(0);
    case 'IP_TTL':
    case 'IPV6_UNICAST_HOPS':
      if (n < -1 || n === 0 || n > 255) return fail('EINVAL');
      setIp(n === -1 ? { ttl: DEFAULT_TTL } : { ttl: n });
      return ret(0);
    case 'IP_MTU_DISCOVER':
    case 'IPV6_MTU_DISCOVER': {
      const mode = PMTUDISC[n];
      if (mode === undefined) return fail('EINVAL');
      setIp({ pmtuDiscovery: mode });
      return ret(0);
    }
    default:
      return skip(`setsockopt ${name} is not supported`);
  }
}

/** Current value of an integer option, or a result when the option is not an integer. */
function getOption(ctx: SyscallContext, s: Sock, name: string): number | SyscallResult {
  const c = s.conn;
  const cfg = ctx.host.layer.config;
  const dbl = ctx.profile.doublesSockBuf ? 2 : 1;
  switch (name) {
    case 'SO_ZEROCOPY':
      return s.zerocopy ? 1 : 0;
    case 'SO_ERROR': {
      const e = s.takeError();
      return e === undefined ? 0 : (errnoNumber(e, ctx.dialect) ?? 0);
    }
    case 'SO_TYPE':
      return constantValue('SOCK_STREAM', ctx.dialect)!;
    case 'SO_ACCEPTCONN':
      return s.listener !== undefined ? 1 : 0;
    case 'SO_REUSEADDR':
      return s.reuseAddr ? 1 : 0;
    case 'SO_KEEPALIVE':
      return (c?.keepAlive ?? s.opts.keepAlive ?? cfg.keepAlive) ? 1 : 0;
    case 'SO_RCVBUF':
      return dbl * (c?.recvBufferSize ?? s.opts.recvBufferSize ?? cfg.recvBufferSize);
    case 'SO_SNDBUF':
      // set by SO_SNDBUF: already the doubled value; else the default, reported doubled.
      return s.opts.sendBufferSize !== undefined ? (c?.sendBufferSize ?? s.opts.sendBufferSize) : dbl * (c?.sendBufferSize ?? cfg.sendBufferSize);
    case 'TCP_NODELAY':
      return (c?.noDelay ?? s.opts.noDelay ?? cfg.noDelay) ? 1 : 0;
    case 'TCP_CORK':
      return (c?.cork ?? s.opts.cork ?? false) ? 1 : 0;
    case 'TCP_MAXSEG':
      if (c !== undefined && c.state !== 'CLOSED' && c.state !== 'SYN-SENT') return c.sndMss;
      return s.opts.mss ?? 536;
    case 'TCP_KEEPIDLE':
      return Math.round((c?.keepAliveIdle ?? s.opts.keepAliveIdle ?? cfg.keepAliveIdle) / 1000);
    case 'TCP_KEEPINTVL':
      return Math.round(cfg.keepAliveInterval / 1000);
    case 'TCP_KEEPCNT':
      return cfg.keepAliveCount;
    case 'TCP_USER_TIMEOUT':
      return c?.userTimeout ?? s.opts.userTimeout ?? 0;
    case 'TCP_SYNCNT':
      return cfg.synRetries;
    case 'TCP_LINGER2':
      return Math.round(cfg.finWait2Timeout / 1000);
    case 'TCP_NOOPT':
      return (c?.noOptions ?? s.opts.noOptions ?? false) ? 1 : 0;
    case 'TCP_KEEPINIT':
      return Math.round((c?.connectTimeout ?? s.opts.connectTimeout ?? cfg.connectTimeout ?? 75_000) / 1000);
    case 'IP_TOS':
    case 'IPV6_TCLASS':
      return ipOpts(s).tos ?? 0;
    case 'IP_TTL':
    case 'IPV6_UNICAST_HOPS':
      return ipOpts(s).ttl ?? DEFAULT_TTL;
    case 'IP_MTU_DISCOVER':
    case 'IPV6_MTU_DISCOVER':
      return PMTUDISC.indexOf(ipOpts(s).pmtuDiscovery ?? 'want');
    default:
      return skip(`getsockopt ${name} is not supported`);
  }
}

function getsockoptCall(ctx: SyscallContext, spec: SyscallSpec): SyscallCall {
  const s = sockArg(ctx, spec.args);
  if (!isSock(s)) return once(s);
  const name = optionName(ctx, spec);
  if (typeof name !== 'string') return once(skip(name.skip));
  const want = spec.args[3];
  const d = ctx.dialect;
  if (name === 'SO_LINGER') {
    const on = intOf(structField(want, 'onoff', 0) ?? structField(want, 'l_onoff', 0), d);
    const secs = intOf(structField(want, 'linger', 1) ?? structField(want, 'l_linger', 1), d);
    if (!on.ok || !secs.ok) return once(ret(0));
    const same = (on.value !== 0) === (s.linger.onoff !== 0) && secs.value === s.linger.linger;
    return once(same ? ret(0) : { kind: 'return', ret: 0, mismatch: `SO_LINGER {onoff=${s.linger.onoff}, linger=${s.linger.linger}}` });
  }
  const value = getOption(ctx, s, name);
  if (typeof value !== 'number') return once(value);
  if (want === undefined || want.kind === 'ellipsis') return once(ret(0));
  const w = intOf(want, d);
  if (!w.ok) return once(scriptError(`${name} value: ${w.reason}`));
  if (w.value === value) return once(ret(0));
  return once({ kind: 'return', ret: 0, mismatch: `${name} is ${value}, script expects ${w.value}` });
}

export const SOCKOPT_SYSCALLS: Record<string, (ctx: SyscallContext, spec: SyscallSpec) => SyscallCall> = {
  setsockopt: setsockoptCall,
  getsockopt: getsockoptCall,
};
