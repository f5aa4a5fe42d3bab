// Linux `struct tcp_info` names and units (the names packetdrill's `%{ }%` blocks read) over
// layer4's connection snapshot (src/api/tcp-info.ts), plus the constants those blocks compare with.
// A field with no exact counterpart here is absent, so a script reading it is skipped, not judged.

import type { TcpInfo } from '../api/tcp-info.js';
import type { TcpState } from '../tcp/states.js';

/** Linux's TCP_* state numbers (include/net/tcp_states.h). */
const LINUX_STATE: Record<TcpState, number> = {
  ESTABLISHED: 1,
  'SYN-SENT': 2,
  'SYN-RECEIVED': 3,
  'FIN-WAIT-1': 4,
  'FIN-WAIT-2': 5,
  'TIME-WAIT': 6,
  CLOSED: 7,
  'CLOSE-WAIT': 8,
  'LAST-ACK': 9,
  LISTEN: 10,
  CLOSING: 11,
};

/** FreeBSD's TCPS_* numbers (netinet/tcp_fsm.h), which its tcp_info reports and TCPI_* names. */
const BSD_STATE: Record<TcpState, number> = {
  CLOSED: 0,
  LISTEN: 1,
  'SYN-SENT': 2,
  'SYN-RECEIVED': 3,
  ESTABLISHED: 4,
  'CLOSE-WAIT': 5,
  'FIN-WAIT-1': 6,
  CLOSING: 7,
  'LAST-ACK': 8,
  'FIN-WAIT-2': 9,
  'TIME-WAIT': 10,
};

/** The names FreeBSD scripts compare tcpi_state with. */
const BSD_STATE_NAMES: Readonly<Record<string, number>> = {
  TCPI_CLOSED: 0,
  TCPI_LISTEN: 1,
  TCPI_SYN_SENT: 2,
  TCPI_SYN_RECEIVED: 3,
  TCPI_ESTABLISHED: 4,
  TCPI_CLOSE_WAIT: 5,
  TCPI_FIN_WAIT_1: 6,
  TCPI_CLOSING: 7,
  TCPI_LAST_ACK: 8,
  TCPI_FIN_WAIT_2: 9,
  TCPI_TIME_WAIT: 10,
};

const CA_STATE = { open: 0, disorder: 1, cwr: 2, recovery: 3, loss: 4 } as const;

const INFINITE_SSTHRESH = 0x7fff_ffff;

/** Constants the corpus's blocks use. */
export const TCPI_CONSTANTS: Readonly<Record<string, number>> = {
  TCPI_OPT_TIMESTAMPS: 1,
  TCPI_OPT_SACK: 2,
  TCPI_OPT_WSCALE: 4,
  TCPI_OPT_ECN: 8,
  TCPI_OPT_ECN_SEEN: 16,
  TCPI_OPT_SYN_DATA: 32,
  TCP_CA_Open: 0,
  TCP_CA_Disorder: 1,
  TCP_CA_CWR: 2,
  TCP_CA_Recovery: 3,
  TCP_CA_Loss: 4,
  TCP_INFINITE_SSTHRESH: INFINITE_SSTHRESH,
  TCP_ESTABLISHED: 1,
  TCP_SYN_SENT: 2,
  TCP_SYN_RECV: 3,
  TCP_FIN_WAIT1: 4,
  TCP_FIN_WAIT2: 5,
  TCP_TIME_WAIT: 6,
  TCP_CLOSE: 7,
  TCP_CLOSE_WAIT: 8,
  TCP_LAST_ACK: 9,
  TCP_LISTEN: 10,
  TCP_CLOSING: 11,
};

type Field = (i: TcpInfo, extra: TcpiExtra) => number;

export interface TcpiExtra {
  /** Path MTU of the interface the runner gives the stack. */
  pmtu: number;
  /** Whose tcp_info numbering: Linux's TCP_* or FreeBSD's TCPS_* states. */
  dialect: 'linux' | 'freebsd';
  /** The stack's clock when the block runs (ms). */
  now: number;
}

const us = (ms: number | undefined): number => Math.round((ms ?? 0) * 1000);

/** tcp_info fields with an exact counterpart, in Linux's units (µs for times, segments for windows). */
export const TCPI_FIELDS: Readonly<Record<string, Field>> = {
  tcpi_state: (i, x) => (x.dialect === 'freebsd' ? BSD_STATE : LINUX_STATE)[i.state],
  tcpi_ca_state: (i) => CA_STATE[i.caState],
  tcpi_retransmits: (i) => i.retransmits,
  tcpi_probes: (i) => i.probes,
  tcpi_backoff: (i) => i.backoff,
  tcpi_options: (i) => (i.options.timestamps ? 1 : 0) | (i.options.sack ? 2 : 0) | (i.options.windowScaling ? 4 : 0) | (i.options.ecn ? 8 : 0),
  tcpi_snd_wscale: (i) => i.sndWscale,
  tcpi_rcv_wscale: (i) => i.rcvWscale,
  tcpi_rto: (i) => us(i.rtoMs),
  tcpi_snd_mss: (i) => i.sndMss,
  tcpi_rcv_mss: (i) => i.rcvMss,
  tcpi_advmss: (i) => i.advMss,
  tcpi_unacked: (i) => i.unackedSegments,
  tcpi_sacked: (i) => i.sackedSegments,
  tcpi_pmtu: (_i, x) => x.pmtu,
  tcpi_rtt: (i) => us(i.rttMs),
  tcpi_rttvar: (i) => us(i.rttVarMs),
  tcpi_snd_ssthresh: (i) => (Number.isFinite(i.ssthreshSegments) ? i.ssthreshSegments : INFINITE_SSTHRESH),
  tcpi_snd_cwnd: (i) => i.cwndSegments,
  tcpi_reordering: (i) => i.reorderExtentSegments,
  tcpi_reord_seen: (i) => i.reorderEvents,
  tcpi_lost: (i) => i.lostSegments,
  tcpi_retrans: (i) => i.retransOutSegments,
  tcpi_last_data_recv: (i, x) => Math.round(x.now - i.lastDataInAt), // ms, as Linux reports it
  tcpi_busy_time: (i) => us(i.busyMs),
  tcpi_rwnd_limited: (i) => us(i.rwndLimitedMs),
  tcpi_sndbuf_limited: (i) => us(i.sndbufLimitedMs),
  tcpi_total_retrans: (i) => i.totalRetransSegments,
  tcpi_bytes_acked: (i) => i.bytesAcked,
  tcpi_bytes_received: (i) => i.bytesReceived,
  tcpi_bytes_sent: (i) => i.bytesSent,
  tcpi_bytes_retrans: (i) => i.totalRetransBytes,
  tcpi_segs_out: (i) => i.segmentsOut,
  tcpi_segs_in: (i) => i.segmentsIn,
  tcpi_snd_wnd: (i) => i.sndWndBytes,
};

/** How a name in a block resolves: a tcp_info field, a constant, or neither. */
export function classifyName(name: string): 'field' | 'constant' | 'unknown-field' | 'unknown' {
  if (name in TCPI_FIELDS) return 'field';
  if (name in TCPI_CONSTANTS || name in BSD_STATE_NAMES) return 'constant';
  return name.startsWith('tcpi_') ? 'unknown-field' : 'unknown';
}

/**
 * Resolver for a block run against `info`. Without a connection (`info` undefined) only
 * tcpi_state answers, from `socketState` (a listening socket, or one closed or never connected).
 */
export function tcpiLookup(info: TcpInfo | undefined, extra: TcpiExtra, socketState?: 'LISTEN' | 'CLOSED'): (name: string) => number | undefined {
  return (name) => {
    if (info === undefined && name === 'tcpi_state' && socketState !== undefined) return (extra.dialect === 'freebsd' ? BSD_STATE : LINUX_STATE)[socketState];
    const c = TCPI_CONSTANTS[name] ?? (extra.dialect === 'freebsd' ? BSD_STATE_NAMES[name] : undefined);
    if (c !== undefined) return c;
    const f = TCPI_FIELDS[name];
    return f !== undefined && info !== undefined ? f(info, extra) : undefined;
  };
}
