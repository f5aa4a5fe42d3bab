// The TCP connection state machine of RFC 9293 §3.3.2 (Figure 5), as one table. Every state change
// of a connection or listener goes through transition(), so this file is the complete list of
// what can happen; a test checks that every edge of the figure is exercised.
//
// The figure reads "event / action"; here each edge is (from, cause) → to, plus the action text of
// the figure for tracing. Edges the figure leaves out (its notes 1–3, §3.10 error handling, timers
// of RFC 1122 and RFC 9293 §3.8) are listed after it, marked `diagram: false`.

export type TcpState =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN-SENT'
  | 'SYN-RECEIVED'
  | 'ESTABLISHED'
  | 'FIN-WAIT-1'
  | 'FIN-WAIT-2'
  | 'CLOSE-WAIT'
  | 'CLOSING'
  | 'LAST-ACK'
  | 'TIME-WAIT';

export const TCP_STATES: readonly TcpState[] = [
  'CLOSED',
  'LISTEN',
  'SYN-SENT',
  'SYN-RECEIVED',
  'ESTABLISHED',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'CLOSE-WAIT',
  'CLOSING',
  'LAST-ACK',
  'TIME-WAIT',
];

/** What made a transition happen: a user call, an arriving segment, or a timer. */
export type TcpCause =
  // user calls (RFC 9293 §3.10.1–§3.10.5)
  | 'passive-open'
  | 'active-open'
  | 'send'
  | 'close'
  | 'abort'
  // segment arrivals (§3.10.7)
  | 'rcv-syn'
  | 'rcv-syn-ack'
  | 'rcv-ack-of-syn'
  | 'rcv-fin'
  | 'rcv-ack-of-fin'
  | 'rcv-rst'
  /** §3.10.7.4: RST in SYN-RECEIVED entered by simultaneous open (the passive case returns to LISTEN). */
  | 'rcv-rst-simultaneous'
  /** RFC 1122 §4.2.2.13: a new SYN reopens a connection in TIME-WAIT (the old incarnation ends). */
  | 'rcv-syn-reopen'
  /** RFC 1122 §4.2.3.9 / RFC 5927: a hard ICMP error during connection setup. */
  | 'icmp-error'
  // timers
  | 'timeout-2msl'
  /** Retransmission limit (R2), user timeout (§3.8.3) or keep-alive failure (RFC 1122 §4.2.3.6). */
  | 'timeout'
  /** Orphaned connection left in FIN-WAIT-2 too long. */
  | 'fin-wait-2-timeout';

export interface TcpEdge {
  from: TcpState;
  cause: TcpCause;
  to: TcpState;
  /** The figure's "event / action" label, or a short description for edges outside the figure. */
  label: string;
  /** true when the edge is drawn in RFC 9293 Figure 5. */
  diagram: boolean;
}

function e(from: TcpState, cause: TcpCause, to: TcpState, label: string, diagram = true): TcpEdge {
  return { from, cause, to, label, diagram };
}

const SYNCHRONIZED_RST: TcpState[] = ['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT'];
const ABORTABLE: TcpState[] = ['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT'];
const RETRANSMITTING: TcpState[] = ['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK'];

/** RFC 9293 §3.3.2 Figure 5, top to bottom. */
export const TCP_TRANSITIONS: readonly TcpEdge[] = [
  e('CLOSED', 'passive-open', 'LISTEN', 'passive OPEN / create TCB'),
  e('CLOSED', 'active-open', 'SYN-SENT', 'active OPEN / create TCB, snd SYN'),
  e('LISTEN', 'close', 'CLOSED', 'CLOSE / delete TCB'),
  e('LISTEN', 'rcv-syn', 'SYN-RECEIVED', 'rcv SYN / snd SYN,ACK'),
  e('LISTEN', 'send', 'SYN-SENT', 'SEND / snd SYN'),
  e('SYN-SENT', 'close', 'CLOSED', 'CLOSE / delete TCB'),
  e('SYN-SENT', 'rcv-syn', 'SYN-RECEIVED', 'rcv SYN / snd SYN,ACK'),
  e('SYN-SENT', 'rcv-syn-ack', 'ESTABLISHED', 'rcv SYN,ACK / snd ACK'),
  e('SYN-RECEIVED', 'rcv-rst', 'LISTEN', 'rcv RST (note 1: after a passive OPEN)'),
  e('SYN-RECEIVED', 'rcv-ack-of-syn', 'ESTABLISHED', 'rcv ACK of SYN / x'),
  e('SYN-RECEIVED', 'close', 'FIN-WAIT-1', 'CLOSE / snd FIN'),
  e('ESTABLISHED', 'close', 'FIN-WAIT-1', 'CLOSE / snd FIN'),
  e('ESTABLISHED', 'rcv-fin', 'CLOSE-WAIT', 'rcv FIN / snd ACK'),
  e('FIN-WAIT-1', 'rcv-ack-of-fin', 'FIN-WAIT-2', 'rcv ACK of FIN / x'),
  e('FIN-WAIT-1', 'rcv-fin', 'CLOSING', 'rcv FIN / snd ACK'),
  e('CLOSE-WAIT', 'close', 'LAST-ACK', 'CLOSE / snd FIN'),
  e('FIN-WAIT-2', 'rcv-fin', 'TIME-WAIT', 'rcv FIN / snd ACK'),
  e('CLOSING', 'rcv-ack-of-fin', 'TIME-WAIT', 'rcv ACK of FIN / x'),
  e('LAST-ACK', 'rcv-ack-of-fin', 'CLOSED', 'rcv ACK of FIN / x'),
  e('TIME-WAIT', 'timeout-2msl', 'CLOSED', 'Timeout=2MSL / delete TCB'),
  // ---- not drawn in the figure ----
  // §3.10.7.3 / §3.10.7.4 second check: RST → CLOSED (note 3). In TIME-WAIT only when RFC 1337 is off.
  e('SYN-SENT', 'rcv-rst', 'CLOSED', 'rcv RST with acceptable ACK / error: connection refused', false),
  ...SYNCHRONIZED_RST.map((s) => e(s, 'rcv-rst', 'CLOSED', 'rcv RST / delete TCB', false)),
  // §3.10.7.4: RST in SYN-RECEIVED reached by simultaneous open → connection refused. The passive
  // case is the figure's note 1 above; both arrive as a RST, so the active case has its own cause.
  e('SYN-RECEIVED', 'rcv-rst-simultaneous', 'CLOSED', 'rcv RST (after an active OPEN) / error: connection refused', false),
  // §3.10.7.4 fourth check: a SYN in the window of a connection that came from a passive OPEN.
  e('SYN-RECEIVED', 'rcv-syn', 'LISTEN', 'rcv SYN in window (after a passive OPEN) / return to LISTEN', false),
  e('SYN-RECEIVED', 'icmp-error', 'CLOSED', 'hard ICMP error during setup', false),
  e('SYN-SENT', 'icmp-error', 'CLOSED', 'hard ICMP error during setup', false),
  // §3.10.5 ABORT (snd RST where the state calls for it).
  ...ABORTABLE.map((s) => e(s, 'abort', 'CLOSED', 'ABORT / snd RST, delete TCB', false)),
  // §3.8.3 R2 / user timeout, RFC 1122 §4.2.3.6 keep-alive failure.
  ...RETRANSMITTING.map((s) => e(s, 'timeout', 'CLOSED', 'retransmission or user timeout / delete TCB', false)),
  e('FIN-WAIT-2', 'fin-wait-2-timeout', 'CLOSED', 'orphaned FIN-WAIT-2 timeout / delete TCB', false),
  e('TIME-WAIT', 'rcv-syn-reopen', 'CLOSED', 'rcv new SYN (RFC 1122 §4.2.2.13) / new incarnation', false),
];

const byKey = new Map<string, TcpEdge>();
for (const edge of TCP_TRANSITIONS) {
  const key = `${edge.from} ${edge.cause}`;
  if (byKey.has(key)) throw new Error(`duplicate TCP transition ${key}`);
  byKey.set(key, edge);
}

/** The edge (from, cause), or undefined when the state machine has no such transition. */
export function findTransition(from: TcpState, cause: TcpCause): TcpEdge | undefined {
  return byKey.get(`${from} ${cause}`);
}

/** RFC 9293 §3.3.2: states in which the connection is synchronized (both ISNs known). */
export function isSynchronized(s: TcpState): boolean {
  return s !== 'CLOSED' && s !== 'LISTEN' && s !== 'SYN-SENT' && s !== 'SYN-RECEIVED';
}

/** States in which we may still send data (our FIN has not been queued by the state machine). */
export function canSendData(s: TcpState): boolean {
  return s === 'ESTABLISHED' || s === 'CLOSE-WAIT';
}

/** States in which arriving text is delivered to the user (RFC 9293 §3.10.7.4 seventh). */
export function acceptsText(s: TcpState): boolean {
  return s === 'ESTABLISHED' || s === 'FIN-WAIT-1' || s === 'FIN-WAIT-2';
}
