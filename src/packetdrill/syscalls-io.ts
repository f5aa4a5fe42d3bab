// Data syscalls: read/recv/recvfrom/readv, write/send/sendto/writev, poll and ioctl(SIOCINQ).
// Writes send zero bytes (as packetdrill's `...` buffers are), reads discard what they read.
// A call on a blocking socket that cannot complete returns { kind: 'block' } and is attempted
// again as the clock advances; a non-blocking one fails with EAGAIN.

import type { Expr, SyscallSpec } from './ast.js';
import { intOf, iovLength, structField, type Read } from './syscalls-args.js';
import { constantValue, formatPollMask, type Dialect } from './syscalls-constants.js';
import { fail, isSock, once, ret, scriptError, skip, sockArg, type Sock, type SyscallCall, type SyscallContext, type SyscallResult } from './syscalls-socket.js';

const BLOCK: SyscallResult = { kind: 'block' };

function flagsOf(e: Expr | undefined, dialect: Dialect): Read<number> {
  if (e === undefined) return { ok: true, value: 0 };
  return intOf(e, dialect);
}

interface MsgFlags {
  peek: boolean;
  waitAll: boolean;
  dontWait: boolean;
  /** MSG_MORE (send): more data follows; the tail waits (tcp/cork.ts). */
  more: boolean;
}

/** Splits recv/send flags into what the runner understands, or a reason to skip. */
function msgFlags(n: number, dialect: Dialect, send: boolean): MsgFlags | string {
  const bit = (name: string): number => constantValue(name, dialect) ?? 0;
  const more = send ? bit('MSG_MORE') : 0;
  const known = bit('MSG_PEEK') | bit('MSG_WAITALL') | bit('MSG_DONTWAIT') | bit('MSG_NOSIGNAL') | more;
  if ((n & bit('MSG_OOB')) !== 0) return 'MSG_OOB (sending or reading urgent data) is not supported';
  if ((n & ~known) !== 0) return `unsupported ${send ? 'send' : 'recv'} flags 0x${n.toString(16)}`;
  return {
    peek: (n & bit('MSG_PEEK')) !== 0,
    waitAll: (n & bit('MSG_WAITALL')) !== 0,
    dontWait: (n & bit('MSG_DONTWAIT')) !== 0,
    more: (n & more) !== 0,
  };
}

function timedOut(ctx: SyscallContext, deadline: number | undefined): boolean {
  return deadline !== undefined && ctx.host.nowUs >= deadline;
}

/** recv() over a socket: `len` bytes at most. */
function recvCall(ctx: SyscallContext, s: Sock, len: number, f: MsgFlags): SyscallCall {
  const deadline = s.rcvTimeoUs > 0 ? ctx.host.nowUs + s.rcvTimeoUs : undefined;
  let got = 0;
  const wouldBlock = (): SyscallResult => {
    if (got > 0 && (!f.waitAll || timedOut(ctx, deadline))) return ret(got);
    if (s.nonblock || f.dontWait || timedOut(ctx, deadline)) return got > 0 ? ret(got) : fail('EAGAIN');
    return BLOCK;
  };
  return {
    deadlineUs: deadline,
    attempt() {
      const c = s.conn;
      if (c === undefined) return fail('ENOTCONN');
      if (s.handshaking) return wouldBlock();
      const avail = c.readableLength;
      if (avail > 0 && len > got) {
        const n = Math.min(avail, len - got);
        if (f.peek) return ret(n);
        c.recv(n);
        got += n;
        if (got === len || !f.waitAll) return ret(got);
      }
      if (len === 0) return ret(0);
      const err = s.takeError();
      if (err !== undefined) return got > 0 ? ret(got) : fail(err);
      if (c.eof || s.shutRd || c.state === 'CLOSED' || c.state === 'TIME-WAIT' || c.peerFin) return ret(got);
      return wouldBlock();
    },
  };
}

/** send() over a socket: blocks until every byte is queued (Linux), unless non-blocking. */
function sendCall(ctx: SyscallContext, s: Sock, len: number, f: MsgFlags): SyscallCall {
  const deadline = s.sndTimeoUs > 0 ? ctx.host.nowUs + s.sndTimeoUs : undefined;
  let sent = 0;
  return {
    deadlineUs: deadline,
    attempt() {
      const c = s.conn;
      if (c === undefined) return fail('EPIPE');
      const err = s.takeError();
      if (err !== undefined) return sent > 0 ? ret(sent) : fail(err);
      if (s.shutWr || c.state === 'CLOSED') return sent > 0 ? ret(sent) : fail('EPIPE');
      const nonblock = s.nonblock || f.dontWait || timedOut(ctx, deadline);
      if (s.handshaking) return nonblock ? fail('EAGAIN') : BLOCK;
      if (len === 0) return ret(0);
      const r = c.send(new Uint8Array(len - sent), ctx.host.nowMs, f.more);
      if (typeof r !== 'number') return sent > 0 ? ret(sent) : fail(r.code);
      sent += r;
      if (sent === len) return ret(sent);
      if (nonblock) return sent > 0 ? ret(sent) : fail('EAGAIN');
      return BLOCK;
    },
  };
}

type Shape = { fd: 0; len: number; flags?: number; iov?: boolean; msg?: boolean };

/** Argument positions: read(fd, buf, len), recv(fd, buf, len, flags), readv(fd, iov, cnt). */
const SHAPES: Record<string, Shape> = {
  read: { fd: 0, len: 2 },
  recv: { fd: 0, len: 2, flags: 3 },
  recvfrom: { fd: 0, len: 2, flags: 3 },
  readv: { fd: 0, len: 1, iov: true },
  write: { fd: 0, len: 2 },
  send: { fd: 0, len: 2, flags: 3 },
  sendto: { fd: 0, len: 2, flags: 3 },
  writev: { fd: 0, len: 1, iov: true },
  // sendmsg(fd, {msg_name, msg_iov(N)=[…], msg_flags}, flags): the iovec list takes position 1
  sendmsg: { fd: 0, len: 1, flags: 2, iov: true, msg: true },
  recvmsg: { fd: 0, len: 1, flags: 2, iov: true, msg: true },
};

/**
 * The iovec list of a plain msghdr (no address to check, no control messages, msg_flags 0), or
 * why it is not one: ancillary data and returned flags are socket-API details not modelled here.
 */
function msghdrIov(e: Expr | undefined): Expr | string {
  if (e === undefined || e.kind !== 'struct') return 'expected a msghdr struct';
  for (const item of e.items) {
    if (item.kind !== 'assign') return 'msghdr fields must be named';
    const name = item.target.kind === 'word' || item.target.kind === 'call' ? item.target.name : '';
    if (name === 'msg_name' || name === 'msg_iov') continue;
    if (name === 'msg_flags' && item.value.kind === 'int' && item.value.value === 0) continue;
    return `msghdr field ${name || '?'} is not supported`;
  }
  const field = (n: string): Expr | undefined => {
    for (const item of e.items) {
      if (item.kind === 'assign' && (item.target.kind === 'word' || item.target.kind === 'call') && item.target.name === n) return item.value;
    }
    return undefined;
  };
  const iov = field('msg_iov');
  const nameVal = field('msg_name');
  if (nameVal !== undefined && nameVal.kind !== 'ellipsis') return 'msg_name other than ... is not supported';
  return iov ?? 'msghdr without msg_iov';
}

function dataCall(send: boolean): (ctx: SyscallContext, spec: SyscallSpec) => SyscallCall {
  return (ctx, spec) => {
    const s = sockArg(ctx, spec.args);
    if (!isSock(s)) return once(s);
    const shape = SHAPES[spec.name]!;
    let args = spec.args;
    if (shape.msg === true) {
      const iov = msghdrIov(args[1]);
      if (typeof iov === 'string') return once(skip(`${spec.name}(): ${iov}`));
      args = [args[0]!, iov, ...args.slice(2)];
    }
    const len = shape.iov === true ? iovLength(args[shape.len], ctx.dialect) : intOf(args[shape.len], ctx.dialect);
    if (!len.ok) return once(skip(`${spec.name} length: ${len.reason}`));
    const fl = flagsOf(shape.flags === undefined ? undefined : args[shape.flags], ctx.dialect);
    if (!fl.ok) return once(skip(`${spec.name} flags: ${fl.reason}`));
    // MSG_ZEROCOPY on a socket with SO_ZEROCOPY: the same bytes go out (only page pinning and the
    // completion notices on the error queue differ, and those are not read here).
    const zc = send && s.zerocopy ? (constantValue('MSG_ZEROCOPY', ctx.dialect) ?? 0) : 0;
    const f = msgFlags(fl.value & ~zc, ctx.dialect, send);
    if (typeof f === 'string') return once(skip(f));
    if (s.listener !== undefined) return once(fail(send ? 'EPIPE' : 'ENOTCONN'));
    const buf = args[1];
    if (len.value > 0 && buf !== undefined && ((buf.kind === 'word' && buf.name === 'NULL') || (buf.kind === 'int' && buf.value === 0))) return once(fail('EFAULT'));
    return send ? sendCall(ctx, s, len.value, f) : recvCall(ctx, s, len.value, f);
  };
}

/**
 * poll(2) readiness, after Linux's tcp_poll: a listener is readable with a connection to accept;
 * a connection is readable with data or end of stream, writable once established with send-buffer
 * room (at least a third free), and reports POLLHUP when closed or shut down both ways, POLLERR on
 * a pending error.
 */
export function pollMask(ctx: SyscallContext, s: Sock): number {
  const b = (n: string): number => constantValue(n, ctx.dialect) ?? 0;
  const IN = b('POLLIN') | b('POLLRDNORM');
  const OUT = b('POLLOUT') | b('POLLWRNORM');
  if (s.listener !== undefined) return s.listener.pending > 0 ? IN : 0;
  const c = s.conn;
  if (c === undefined) return OUT | b('POLLHUP');
  let mask = 0;
  const closed = c.state === 'CLOSED';
  const rdShut = c.peerFin || s.shutRd || closed;
  const wrShut = s.shutWr || closed || c.finQueued;
  if ((rdShut && wrShut) || closed) mask |= b('POLLHUP');
  if (rdShut) mask |= IN | b('POLLRDHUP');
  if (!s.handshaking) {
    if (c.readableLength > 0) mask |= IN;
    if (wrShut) mask |= OUT;
    else if (c.sendBufferSize - c.writableLength >= c.writableLength / 2) mask |= OUT;
  }
  if (s.peekError() !== undefined) mask |= b('POLLERR');
  return mask;
}

function pollCall(ctx: SyscallContext, spec: SyscallSpec): SyscallCall {
  const list = spec.args[0];
  if (list === undefined || list.kind !== 'list') return once(skip('poll() needs a pollfd list'));
  const entries: Array<{ fd: number; events: number; revents: Expr | undefined }> = [];
  for (const item of list.items) {
    const fd = intOf(structField(item, 'fd', 0), ctx.dialect);
    const ev = intOf(structField(item, 'events', 1), ctx.dialect);
    if (!fd.ok || !ev.ok) return once(skip(`poll(): ${!fd.ok ? fd.reason : !ev.ok ? ev.reason : ''}`));
    entries.push({ fd: fd.value, events: ev.value, revents: structField(item, 'revents', 2) });
  }
  const timeout = intOf(spec.args[2], ctx.dialect);
  if (!timeout.ok) return once(skip(`poll() timeout: ${timeout.reason}`));
  const always = (constantValue('POLLERR', ctx.dialect) ?? 0) | (constantValue('POLLHUP', ctx.dialect) ?? 0) | (constantValue('POLLNVAL', ctx.dialect) ?? 0);
  const deadline = timeout.value >= 0 ? ctx.host.nowUs + timeout.value * 1000 : undefined;
  const evaluate = (force: boolean): SyscallResult => {
    const revents = entries.map((e) => {
      const s = ctx.sockets.get(e.fd);
      if (s === undefined) return constantValue('POLLNVAL', ctx.dialect) ?? 0x20;
      return pollMask(ctx, s) & (e.events | always);
    });
    const ready = revents.filter((r) => r !== 0).length;
    if (ready === 0 && !force) return BLOCK;
    const diffs: string[] = [];
    entries.forEach((e, i) => {
      if (e.revents === undefined || e.revents.kind === 'ellipsis') return;
      const want = intOf(e.revents, ctx.dialect);
      if (!want.ok) {
        diffs.push(`fd ${e.fd}: revents ${want.reason}`);
        return;
      }
      if (want.value !== revents[i]) diffs.push(`fd ${e.fd}: revents ${formatPollMask(revents[i]!, ctx.dialect)} instead of ${formatPollMask(want.value, ctx.dialect)}`);
    });
    const r: SyscallResult = { kind: 'return', ret: ready };
    if (diffs.length > 0) r.mismatch = diffs.join('; ');
    return r;
  };
  return {
    deadlineUs: deadline,
    attempt: () => evaluate(deadline !== undefined && ctx.host.nowUs >= deadline),
  };
}

function ioctlCall(ctx: SyscallContext, spec: SyscallSpec): SyscallCall {
  const s = sockArg(ctx, spec.args);
  if (!isSock(s)) return once(s);
  const req = intOf(spec.args[1], ctx.dialect);
  if (!req.ok) return once(skip(`ioctl: ${req.reason}`));
  let value: number;
  if (req.value === constantValue('SIOCINQ', ctx.dialect)) value = s.conn?.readableLength ?? 0;
  else if (req.value === constantValue('SIOCOUTQ', ctx.dialect)) value = s.conn?.writableLength ?? 0;
  else return once(skip('unsupported ioctl request'));
  if (s.listener !== undefined) return once(fail('EINVAL'));
  const out = spec.args[2];
  if (out === undefined || out.kind === 'ellipsis') return once(ret(0));
  const want = intOf(out, ctx.dialect);
  if (!want.ok) return once(scriptError(`ioctl value: ${want.reason}`));
  return once(want.value === value ? ret(0) : { kind: 'return', ret: 0, mismatch: `ioctl value ${value} instead of ${want.value}` });
}

export const IO_SYSCALLS: Record<string, (ctx: SyscallContext, spec: SyscallSpec) => SyscallCall> = {
  read: dataCall(false),
  recv: dataCall(false),
  recvfrom: dataCall(false),
  readv: dataCall(false),
  write: dataCall(true),
  send: dataCall(true),
  sendto: dataCall(true),
  writev: dataCall(true),
  sendmsg: dataCall(true),
  recvmsg: dataCall(false),
  poll: pollCall,
  ioctl: ioctlCall,
};
