// How the public corpora's own harnesses run their scripts, so that `layer4 packetdrill` and
// `npm run conformance` run them the same way: google/packetdrill's run_all.py passes a fixed set
// of `-D` defines per IP version to every script under gtests/net/; FreeBSD's tcp-testsuite runs
// its scripts with the freebsd behaviour. Only data: no file is read here.

import type { ProfileName } from './profiles.js';

export type Corpus = 'google' | 'freebsd';

/** Which corpus a script path belongs to, from the folders its harness lives in. */
export function corpusOf(path: string): Corpus | undefined {
  const p = path.replace(/\\/g, '/');
  if (/(^|\/)gtests\/net\//.test(p)) return 'google';
  if (/(^|\/)(state-event-engine|snd-syn|rcv-data-segments|rcv-icmp|socket-api|tcp-over-udp|fast-open)\//.test(p) && /tcp-testsuite/.test(p)) return 'freebsd';
  return undefined;
}

/** The profile a corpus's scripts are written for. */
export function corpusProfile(c: Corpus): ProfileName {
  return c === 'google' ? 'linux' : 'freebsd';
}

/** run_all.py's defines for the IPv4 (and IPv4-mapped) and IPv6 variants. */
export function corpusDefines(c: Corpus, ipVersion: string | undefined): Record<string, string> {
  if (c !== 'google') return {};
  if (ipVersion === 'ipv6') {
    return { TFO_COOKIE: 'c1d1e9742a47a9bc', CMSG_LEVEL_IP: 'SOL_IPV6', CMSG_TYPE_RECVERR: 'IPV6_RECVERR' };
  }
  const mapped = ipVersion === 'ipv4-mapped-ipv6';
  return {
    TFO_COOKIE: '3021b9d889017eeb',
    CODE: 'host_unreachable',
    CMSG_LEVEL_IP: mapped ? 'SOL_IPV6' : 'SOL_IP',
    CMSG_TYPE_RECVERR: mapped ? 'IPV6_RECVERR' : 'IP_RECVERR',
  };
}

/**
 * A script outside the Fast Open folders that still drives the Fast Open API (RFC 7413, not
 * implemented): TCP_FASTOPEN* socket options, MSG_FASTOPEN, or a TFO option in a segment.
 */
export function usesFastOpen(text: string): boolean {
  return /\b(TCP_FASTOPEN\w*|MSG_FASTOPEN)\b|<[^>\n]*\bFO(EXP)?\b[^>\n]*>/.test(text);
}
