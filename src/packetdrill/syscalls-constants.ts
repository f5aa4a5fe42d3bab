// Symbolic constants that packetdrill scripts use in syscall lines, with their values on Linux
// and FreeBSD (from the public system headers: errno.h, fcntl.h, poll.h, socket.h, tcp.h). Only
// what the runner's syscalls understand is listed; an unknown name makes the script skip.

export type Dialect = 'linux' | 'freebsd';

/** errno numbers (asm-generic/errno*.h, FreeBSD sys/errno.h). */
const ERRNO: Record<string, [linux: number, freebsd: number]> = {
  EPERM: [1, 1],
  ENOENT: [2, 2],
  EINTR: [4, 4],
  EBADF: [9, 9],
  EAGAIN: [11, 35],
  EWOULDBLOCK: [11, 35],
  ENOMEM: [12, 12],
  EFAULT: [14, 14],
  EINVAL: [22, 22],
  EPIPE: [32, 32],
  ENOTSOCK: [88, 38],
  EDESTADDRREQ: [89, 39],
  EMSGSIZE: [90, 40],
  ENOPROTOOPT: [92, 42],
  EOPNOTSUPP: [95, 45],
  EAFNOSUPPORT: [97, 47],
  EADDRINUSE: [98, 48],
  EADDRNOTAVAIL: [99, 49],
  ENETDOWN: [100, 50],
  ENETUNREACH: [101, 51],
  ECONNABORTED: [103, 53],
  ECONNRESET: [104, 54],
  ENOBUFS: [105, 55],
  EISCONN: [106, 56],
  ENOTCONN: [107, 57],
  ETIMEDOUT: [110, 60],
  ECONNREFUSED: [111, 61],
  EHOSTUNREACH: [113, 65],
  EALREADY: [114, 37],
  EINPROGRESS: [115, 36],
};

export function errnoNumber(name: string, dialect: Dialect): number | undefined {
  const v = ERRNO[name];
  return v === undefined ? undefined : v[dialect === 'linux' ? 0 : 1];
}

/** Two errno names are the same error (EAGAIN = EWOULDBLOCK). */
export function sameErrno(a: string, b: string, dialect: Dialect): boolean {
  if (a === b) return true;
  const x = errnoNumber(a, dialect);
  return x !== undefined && x === errnoNumber(b, dialect);
}

type Table = Record<string, [linux: number, freebsd: number]>;

/** Integer constants a syscall argument may name. */
const CONSTANTS: Table = {
  // address families, types, protocols
  AF_INET: [2, 2],
  AF_INET6: [10, 28],
  AF_UNSPEC: [0, 0],
  PF_INET: [2, 2],
  PF_INET6: [10, 28],
  SOCK_STREAM: [1, 1],
  SOCK_DGRAM: [2, 2],
  IPPROTO_TCP: [6, 6],
  IPPROTO_UDP: [17, 17],
  IPPROTO_IP: [0, 0],
  IPPROTO_IPV6: [41, 41],
  SOL_SOCKET: [1, 0xffff],
  SOL_TCP: [6, 6],
  SOL_IP: [0, 0],
  SOL_IPV6: [41, 41],
  // SOL_SOCKET options
  SO_DEBUG: [1, 0x1],
  SO_ZEROCOPY: [60, -1],
  SO_REUSEADDR: [2, 0x4],
  SO_TYPE: [3, 0x1008],
  SO_ERROR: [4, 0x1007],
  SO_DONTROUTE: [5, 0x10],
  SO_BROADCAST: [6, 0x20],
  SO_SNDBUF: [7, 0x1001],
  SO_RCVBUF: [8, 0x1002],
  SO_KEEPALIVE: [9, 0x8],
  SO_OOBINLINE: [10, 0x100],
  SO_LINGER: [13, 0x80],
  SO_REUSEPORT: [15, 0x200],
  SO_RCVLOWAT: [18, 0x1004],
  SO_SNDLOWAT: [19, 0x1003],
  SO_RCVTIMEO: [20, 0x1006],
  SO_SNDTIMEO: [21, 0x1005],
  SO_ACCEPTCONN: [30, 0x2],
  // IPPROTO_TCP options
  TCP_NODELAY: [1, 1],
  TCP_MAXSEG: [2, 2],
  TCP_CORK: [3, 4],
  TCP_NOPUSH: [3, 4],
  TCP_KEEPIDLE: [4, 256],
  TCP_KEEPINTVL: [5, 512],
  TCP_KEEPCNT: [6, 1024],
  TCP_SYNCNT: [7, -1],
  TCP_LINGER2: [8, -1],
  TCP_DEFER_ACCEPT: [9, -1],
  TCP_INFO: [11, 32],
  TCP_QUICKACK: [12, -1],
  TCP_CONGESTION: [13, 64],
  TCP_USER_TIMEOUT: [18, -1],
  TCP_FASTOPEN: [23, 1025],
  TCP_NOTSENT_LOWAT: [25, -1],
  TCP_NOOPT: [-1, 8],
  TCP_KEEPINIT: [-1, 128],
  // IP-level options (netinet/in.h, linux/in.h, linux/in6.h) and their values
  IP_TOS: [1, 3],
  IP_TTL: [2, 4],
  IP_MTU_DISCOVER: [10, -1],
  IP_PMTUDISC_DONT: [0, -1],
  IP_PMTUDISC_WANT: [1, -1],
  IP_PMTUDISC_DO: [2, -1],
  IP_PMTUDISC_PROBE: [3, -1],
  IPV6_UNICAST_HOPS: [16, 4],
  IPV6_MTU_DISCOVER: [23, -1],
  IPV6_PMTUDISC_DONT: [0, -1],
  IPV6_PMTUDISC_WANT: [1, -1],
  IPV6_PMTUDISC_DO: [2, -1],
  IPV6_PMTUDISC_PROBE: [3, -1],
  IPV6_TCLASS: [67, 61],
  // RFC 2474 class selectors, RFC 3246 EF (the whole TOS / Traffic Class byte)
  IPTOS_DSCP_CS0: [0x00, 0x00],
  IPTOS_DSCP_CS1: [0x20, 0x20],
  IPTOS_DSCP_CS2: [0x40, 0x40],
  IPTOS_DSCP_CS3: [0x60, 0x60],
  IPTOS_DSCP_CS4: [0x80, 0x80],
  IPTOS_DSCP_CS5: [0xa0, 0xa0],
  IPTOS_DSCP_CS6: [0xc0, 0xc0],
  IPTOS_DSCP_CS7: [0xe0, 0xe0],
  IPTOS_DSCP_EF: [0xb8, 0xb8],
  // shutdown
  SHUT_RD: [0, 0],
  SHUT_WR: [1, 1],
  SHUT_RDWR: [2, 2],
  // fcntl
  F_GETFL: [3, 3],
  F_SETFL: [4, 4],
  F_GETFD: [1, 1],
  F_SETFD: [2, 2],
  O_RDONLY: [0, 0],
  O_WRONLY: [1, 1],
  O_RDWR: [2, 2],
  O_NONBLOCK: [0x800, 0x4],
  FD_CLOEXEC: [1, 1],
  // send/recv flags
  MSG_OOB: [0x1, 0x1],
  MSG_PEEK: [0x2, 0x2],
  MSG_DONTROUTE: [0x4, 0x4],
  MSG_EOR: [0x80, 0x8],
  MSG_TRUNC: [0x20, 0x10],
  MSG_WAITALL: [0x100, 0x40],
  MSG_DONTWAIT: [0x40, 0x80],
  MSG_NOSIGNAL: [0x4000, 0x20000],
  MSG_MORE: [0x8000, -1],
  MSG_ZEROCOPY: [0x4000000, -1],
  MSG_FASTOPEN: [0x20000000, -1],
  // poll events
  POLLIN: [0x1, 0x1],
  POLLPRI: [0x2, 0x2],
  POLLOUT: [0x4, 0x4],
  POLLERR: [0x8, 0x8],
  POLLHUP: [0x10, 0x10],
  POLLNVAL: [0x20, 0x20],
  POLLRDNORM: [0x40, 0x40],
  POLLRDBAND: [0x80, 0x80],
  POLLWRNORM: [0x100, 0x4],
  POLLWRBAND: [0x200, 0x100],
  POLLRDHUP: [0x2000, 0x4000],
  // ioctl
  SIOCINQ: [0x541b, 0x4004667f],
  FIONREAD: [0x541b, 0x4004667f],
  SIOCOUTQ: [0x5411, -1],
  // booleans sometimes written symbolically
  NULL: [0, 0],
};

/** Value of a named constant in this dialect, or undefined if unknown (or absent there). */
export function constantValue(name: string, dialect: Dialect): number | undefined {
  const v = CONSTANTS[name];
  if (v === undefined) return undefined;
  const n = v[dialect === 'linux' ? 0 : 1];
  return n < 0 ? undefined : n;
}

/** The constant's name for a value among the given names (for messages). */
export function constantName(value: number, names: readonly string[], dialect: Dialect): string | undefined {
  return names.find((n) => constantValue(n, dialect) === value);
}

export const POLL_BITS = ['POLLIN', 'POLLPRI', 'POLLOUT', 'POLLERR', 'POLLHUP', 'POLLNVAL', 'POLLRDNORM', 'POLLRDBAND', 'POLLWRNORM', 'POLLWRBAND', 'POLLRDHUP'] as const;

/** A poll mask as `POLLIN|POLLOUT` (or 0). */
export function formatPollMask(mask: number, dialect: Dialect): string {
  const parts: string[] = [];
  let rest = mask;
  for (const n of POLL_BITS) {
    const v = constantValue(n, dialect);
    if (v !== undefined && (rest & v) !== 0) {
      parts.push(n);
      rest &= ~v;
    }
  }
  if (rest !== 0) parts.push(`0x${rest.toString(16)}`);
  return parts.length === 0 ? '0' : parts.join('|');
}
