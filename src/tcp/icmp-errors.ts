// Which ICMP errors end a connection attempt (SYN-SENT) and with what error, and which are only
// remembered as soft errors (RFC 1122 §4.2.3.9, RFC 5927 §4). TcpConfig.icmpHardErrors picks:
// - 'rfc1122': protocol and port unreachable are hard errors (RFC 1122 §4.2.3.9; RFC 4443 §3.1
//   port unreachable, §3.4 parameter problem code 1 — the IPv6 form of "protocol unreachable");
// - 'bsd': those, and also "communication administratively prohibited" (ICMPv4 codes 9, 10, 13,
//   ICMPv6 code 1: ECONNREFUSED) and "time exceeded in transit" (ICMPv4/v6 code 0: EHOSTUNREACH),
//   as FreeBSD does with net.inet.tcp.icmp_may_rst=1 (its default);
// - 'none': no ICMP error ends a connection (FreeBSD's icmp_may_rst=0); all are soft.

import type { TcpIcmpError } from '../stack/types.js';
import type { TcpErrorCode } from './errors.js';

export type IcmpHardErrorRule = 'rfc1122' | 'bsd' | 'none';

export type IcmpVerdict = { hard: true; error: TcpErrorCode } | { hard: false; error: TcpErrorCode };

/** The error an ICMP message reports (ENETUNREACH for a network, EHOSTUNREACH otherwise). */
function softCode(err: TcpIcmpError): TcpErrorCode {
  if (err.kind === 'unreachable' && err.code === 0) return 'ENETUNREACH';
  return 'EHOSTUNREACH';
}

/** RFC 1122 §4.2.3.9 / RFC 4443: protocol or port unreachable. */
function unreachableProtoOrPort(err: TcpIcmpError): boolean {
  if (err.kind === 'unreachable') return err.family === 4 ? err.code === 2 || err.code === 3 : err.code === 4;
  return err.kind === 'parameter-problem' && err.family === 6 && err.code === 1;
}

/** Administratively prohibited: ICMPv4 codes 9, 10, 13 (RFC 1812 §5.2.7.1), ICMPv6 code 1 (RFC 4443 §3.1). */
function prohibited(err: TcpIcmpError): boolean {
  if (err.kind !== 'unreachable') return false;
  return err.family === 4 ? err.code === 9 || err.code === 10 || err.code === 13 : err.code === 1;
}

/** How an ICMP error (other than packet-too-big) bears on a connection being set up. */
export function classifyIcmpError(err: TcpIcmpError, rule: IcmpHardErrorRule): IcmpVerdict {
  const soft = softCode(err);
  if (rule === 'none') return { hard: false, error: soft };
  if (unreachableProtoOrPort(err)) return { hard: true, error: 'ECONNREFUSED' };
  if (rule === 'bsd') {
    if (prohibited(err)) return { hard: true, error: 'ECONNREFUSED' };
    if (err.kind === 'time-exceeded' && err.code === 0) return { hard: true, error: 'EHOSTUNREACH' };
  }
  return { hard: false, error: soft };
}
