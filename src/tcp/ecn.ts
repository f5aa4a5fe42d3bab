// Explicit Congestion Notification for TCP, RFC 3168 §6.1 (with the RFC 8311 relaxations noted
// where they apply). The connection calls these hooks; the state lives in one EcnState per TCB.
//
//  - §6.1.1 negotiation: an "ECN-setup SYN" carries ECE and CWR; an "ECN-setup SYN-ACK" carries
//    ECE without CWR. TcpConfig.ecn: 'on' sends and accepts the request, 'passive' only accepts it
//    (Linux tcp_ecn=2, FreeBSD ecn.enable=2), 'off' neither. A SYN retransmitted more than
//    TcpConfig.ecnSynRetries times goes without the request (§6.1.1.1: the request may be what a
//    middlebox drops).
//  - §6.1.2 sender: data segments are sent ECT(0); on an ACK with ECE, cwnd is reduced as for a loss
//    (CongestionControl.onEcnCongestion) at most once per window of data, and the first new data
//    segment after that carries CWR. On SACK connections with PRR the reduction is paced by PRR
//    (RFC 6937 §1) until the window sent before it is acknowledged, as a loss recovery's is (loss.ts
//    startCwr); without SACK or PRR cwnd drops to ssthresh at once.
//  - §6.1.3 receiver: a CE-marked packet makes every following ACK carry ECE, until a segment with
//    CWR arrives (a CE mark on that same segment starts the echo again).
//  - §6.1.4 / §6.1.5 / §6.1.6: no ECT on SYNs and SYN-ACKs, pure ACKs, retransmissions, window
//    probes or keep-alives — only emit() of new data calls ecnDataSegment(). (RFC 8311 §4.3 lifts
//    the SYN restriction for experiments only; this stack does not use that.)

import { TcpFlag, type TcpRepr } from '../wire/tcp-types.js';
import type { TcpDatagram } from '../stack/types.js';
import type { TcpConnection } from './connection.js';
import { seqGt } from './seq.js';
import { startCwr } from './loss.js';

const { SYN, ACK, ECE, CWR, RST } = TcpFlag;

/** IP ECN codepoints (RFC 3168 §5). */
export const ECN_NOT_ECT = 0;
export const ECN_ECT1 = 1;
export const ECN_ECT0 = 2;
export const ECN_CE = 3;

export class EcnState {
  /** ECN negotiated for this connection (both SYNs said so). */
  ok = false;
  /** We sent an ECN-setup SYN. */
  requested = false;
  /** §6.1.3: a CE mark was received and not yet answered by a CWR — every ACK carries ECE. */
  echo = false;
  /** §6.1.2: the window was reduced; the next new data segment carries CWR. */
  cwrPending = false;
  /** §6.1.2: SND.MAX at the last reduction; ECE on ACKs up to it belongs to that same window. */
  recover: number | undefined = undefined;
  /** CE-marked packets received. */
  ceReceived = 0;
  /** Window reductions made in response to ECE. */
  reductions = 0;
}

/** The connection's ECN state, allocated on first use (most connections never need one). */
function stateOf(c: TcpConnection): EcnState {
  return (c.ecn ??= new EcnState());
}

/** ECN is in use on this connection (RFC 3168 §6.1.1 negotiation succeeded). */
export function ecnActive(c: TcpConnection): boolean {
  return c.ecn !== undefined && c.ecn.ok;
}

/** §6.1.1: ECE/CWR for an outgoing SYN or SYN-ACK, and ECE on the ACKs of §6.1.3. */
export function ecnOutFlags(c: TcpConnection, flags: number): number {
  const e = c.ecn;
  if ((flags & RST) !== 0) return flags;
  if ((flags & SYN) !== 0) {
    if ((flags & ACK) !== 0) return e !== undefined && e.ok ? flags | ECE : flags;
    if (c.host.config.ecn === 'on' && c.retries <= c.host.config.ecnSynRetries) {
      stateOf(c).requested = true;
      return flags | ECE | CWR;
    }
    return flags;
  }
  return e !== undefined && e.ok && e.echo && (flags & ACK) !== 0 ? flags | ECE : flags;
}

/**
 * §6.1.1 the peer's SYN (passive side: an ECN-setup SYN has ECE and CWR) or SYN-ACK (active side:
 * ECE without CWR answers our request).
 */
export function ecnOnSyn(c: TcpConnection, seg: TcpRepr): void {
  const f = seg.flags;
  const mode = c.host.config.ecn;
  // A SYN (passive open, or simultaneous open, §3.3.4 of RFC 9293) asks with ECE and CWR.
  const ok = (f & ACK) === 0 ? mode !== 'off' && (f & (ECE | CWR)) === (ECE | CWR) : c.ecn !== undefined && c.ecn.requested && (f & (ECE | CWR)) === ECE;
  if (ok) stateOf(c).ok = true;
  else if (c.ecn !== undefined) c.ecn.ok = false;
}

/** A segment arrived with IP ECN codepoint `ecn` (§6.1.3 receiver). */
export function ecnInput(c: TcpConnection, seg: TcpRepr, ecn: number | undefined): void {
  const e = c.ecn;
  if (e === undefined || !e.ok || (seg.flags & (SYN | RST)) !== 0) return;
  if ((seg.flags & CWR) !== 0) e.echo = false;
  if (ecn === ECN_CE) {
    e.ceReceived++;
    // Tell the sender at once (the echo rides on the ACK this segment calls for).
    if (!e.echo) c.ackNow = true;
    e.echo = true;
  }
}

/**
 * §6.1.2: an ACK with ECE. Reduces the window once per window of data (not for ACKs of data sent
 * before the last reduction, not during loss recovery, which has reduced it already).
 */
export function ecnOnAck(c: TcpConnection, seg: TcpRepr, now: number): void {
  const e = c.ecn;
  if (e === undefined || !e.ok || (seg.flags & ECE) === 0 || (seg.flags & SYN) !== 0) return;
  if ((e.recover !== undefined && !seqGt(seg.ack, e.recover)) || c.recovery.inRecovery) return;
  const flight = (c.sndMax - c.sndUna) >>> 0;
  if (c.cc.onEcnCongestion !== undefined) c.cc.onEcnCongestion(flight, now);
  else c.cc.onRecoveryStart(flight, now, true);
  startCwr(c); // RFC 6937 §1: PRR paces the reduction (loss.ts)
  e.recover = c.sndMax;
  e.cwrPending = true;
  e.reductions++;
}

/** §6.1.2 / §6.1.5: a data segment built by emit() — ECT(0) unless it is a retransmission, CWR on the first new one after a reduction. */
export function ecnDataSegment(c: TcpConnection, d: TcpDatagram, retransmission: boolean): void {
  const e = c.ecn;
  if (e === undefined || !e.ok || retransmission || d.seg.payload.length === 0) return;
  d.ecn = ECN_ECT0;
  if (e.cwrPending) {
    e.cwrPending = false;
    d.seg.flags |= CWR;
  }
}
