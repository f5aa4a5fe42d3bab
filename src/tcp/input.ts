// SEGMENT ARRIVES, RFC 9293 §3.10.7, for a connection that exists (the CLOSED and LISTEN cases are
// the layer's and the listener's). The order of the checks is the RFC's: sequence number, RST,
// security, SYN, ACK, URG, text, FIN. RFC 5961 hardens the RST, SYN and ACK checks.

import { TcpFlag, type TcpRepr } from '../wire/tcp-types.js';
import { EMPTY, type TcpConnection } from './connection.js';
import { MIN_SND_MSS, effectiveSendMss, isV6, peerMssOption } from './mss.js';
import { alignToWindowScale } from './autotune.js';
import { roundBuffersToMss } from './window-bsd.js';
import { noteDuplicate } from './sack.js';
import { tsOffsetFor, negotiate, pawsCheck, updateTsRecent } from './rfc7323.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq.js';
import { acceptsText } from './states.js';
import { acceptWindow, receiveWindow } from './window.js';
import { ecnOnSyn } from './ecn.js';
import { timeWaitBsd } from './time-wait-bsd.js';
import { established } from './established.js';
import { processAck } from './ack.js';
import { deliver, processFin } from './receive-text.js';
import { corkOnArrival } from './cork.js';

const { FIN, SYN, RST, ACK, URG } = TcpFlag;

export function segmentArrives(c: TcpConnection, seg: TcpRepr, now: number): void {
  c.stats.segmentsIn++;
  c.clock = now;
  corkOnArrival(c);
  if (c.state === 'SYN-SENT') synSent(c, seg, now);
  else if (c.state === 'TIME-WAIT' && c.host.config.timeWaitRule === 'bsd') timeWaitBsd(c, seg, now);
  else if (c.state !== 'CLOSED' && c.state !== 'LISTEN') synchronized(c, seg, now);
  c.segTsEcr = undefined; // only meaningful while this segment is processed (a kept number costs a heap box)
}

/**
 * The options of the peer's SYN: RFC 7323 negotiation, then the effective send MSS from the peer's
 * MSS option and our path MTU (RFC 9293 §3.7.1), less the option bytes every segment will carry
 * (RFC 6691 §3: the MSS counts data only, so the sender makes room for its options).
 */
export function applyPeerOptions(c: TcpConnection, seg: TcpRepr, now: number): void {
  const optBytes = negotiate(c, seg, now);
  ecnOnSyn(c, seg); // RFC 3168 §6.1.1
  c.peerMss = c.noOptions ? undefined : peerMssOption(seg);
  // A user limit (TCP_MAXSEG) caps the sending MSS too (RFC 9293 §3.7.1 leaves smaller segments free).
  const mss = Math.min(effectiveSendMss(c.peerMss, c.host.services.mtuFor(c.remote.address), isV6(c.remote.address)), c.userMss ?? Infinity);
  c.sndMss = Math.max(MIN_SND_MSS, mss - optBytes);
  if (c.host.config.roundBuffersToMss) roundBuffersToMss(c, mss);
  if (c.autoTune) alignToWindowScale(c);
}

/** §3.10.7.2 LISTEN, third check: a SYN creates this connection in SYN-RECEIVED. */
export function acceptSyn(c: TcpConnection, seg: TcpRepr, iss: number, now: number): void {
  c.irs = seg.seq;
  c.rcvNxt = seqAdd(seg.seq, 1);
  c.rcvAdvEdge = c.rcvNxt;
  applyPeerOptions(c, seg, now);
  c.iss = iss;
  c.tsOffset = tsOffsetFor(iss);
  c.sndUna = iss;
  c.sndNxt = seqAdd(iss, 1);
  c.sndMax = c.sndNxt;
  // A SYN's window is never scaled (RFC 7323 §2.2).
  c.sndWnd = c.maxSndWnd = seg.window;
  c.sndWl1 = seg.seq;
  c.sndWl2 = iss;
  c.lastRecv = now;
  c.setState('rcv-syn', now);
  c.synPending = true;
  // Text or FIN carried by the SYN is not acknowledged and will be retransmitted by the peer.
  c.host.wake(c);
}

/** §3.10.7.3 SYN-SENT. */
function synSent(c: TcpConnection, seg: TcpRepr, now: number): void {
  const f = seg.flags;
  // First: the ACK bit.
  if (f & ACK) {
    if (seqLe(seg.ack, c.iss) || seqGt(seg.ack, c.sndMax)) {
      if (!(f & RST)) c.host.enqueue(resetFor(c, seg.ack));
      return;
    }
  }
  // Second: the RST bit (RFC 5961 §3: only with an ACK that acknowledges our SYN).
  if (f & RST) {
    if (f & ACK) c.fail('ECONNREFUSED', 'rcv-rst', now);
    return;
  }
  // Third: security/compartment — not implemented (RFC 9293 leaves it to implementations that use IP security options).
  // Fourth: the SYN bit.
  if (!(f & SYN)) return;
  c.irs = seg.seq;
  c.rcvNxt = seqAdd(seg.seq, 1);
  c.rcvAdvEdge = c.rcvNxt;
  c.lastRecv = now;
  applyPeerOptions(c, seg, now);
  // The window our SYN offered (§3.10.7.3: text in the SYN-ACK is taken up to it).
  c.rcvAdvEdge = seqAdd(c.rcvNxt, Math.min(0xffff, receiveWindow(c)));
  c.sndWnd = c.maxSndWnd = seg.window;
  c.sndWl1 = seg.seq;
  if (f & ACK) {
    c.sndWl2 = seg.ack;
    ackOfSyn(c, seg.ack, now);
    c.setState('rcv-syn-ack', now);
    established(c, now);
    const payload = seg.payload;
    const fin = (f & FIN) !== 0;
    if (payload.length > 0 || fin || (f & URG)) {
      // "If there are other controls or text in the segment, then continue processing at the sixth
      // step": the ACK that completes the handshake then also acknowledges that text (one ACK).
      afterAck(c, seg, seqAdd(seg.seq, 1), trimToWindow(c, seqAdd(seg.seq, 1), payload), fin, now);
      if (c.state !== 'CLOSED') c.sendAckNow();
    } else {
      // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> completes the handshake at once (not delayed, not merged).
      c.sendAckNow();
    }
    c.host.wake(c);
    return;
  }
  // Simultaneous open (§3.3.4 Figure 8): SYN-RECEIVED, send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
  // "If there are other controls or text in the segment, queue them for processing after the
  // ESTABLISHED state has been reached": the text waits in reassembly (its FIN is not kept).
  const text = trimToWindow(c, c.rcvNxt, seg.payload);
  if (text.length > 0) c.ooo.insert(c.rcvOff, text);
  c.sndWl2 = c.iss;
  c.setState('rcv-syn', now);
  c.synPending = true;
  c.host.wake(c);
}

function trimToWindow(c: TcpConnection, seq: number, payload: Uint8Array): Uint8Array {
  const room = Math.max(0, seqDiff(c.rcvAdvEdge, seq));
  return payload.length > room ? payload.subarray(0, room) : payload;
}

/** Our SYN is acknowledged in SYN-SENT: SND.UNA advances, the SYN's RTT is sampled (Karn permitting). */
function ackOfSyn(c: TcpConnection, ack: number, now: number): void {
  if (c.rttTiming && seqGe(ack, c.rttSeq)) c.rtt.sample(now - c.rttTime);
  c.rttTiming = false;
  c.sndUna = ack;
  c.synAcked = true;
  if (seqLt(c.sndNxt, ack)) c.sndNxt = ack;
  c.delivered += 1;
  c.retries = 0;
  c.timers.clear('rto');
}

/** §3.10.7.4: all synchronized states, and SYN-RECEIVED. */
function synchronized(c: TcpConnection, seg: TcpRepr, now: number): void {
  const f = seg.flags;
  const rst = (f & RST) !== 0;
  const hasAck = (f & ACK) !== 0;
  let seq = seg.seq;
  let payload = seg.payload;
  let syn = (f & SYN) !== 0;
  let fin = (f & FIN) !== 0;

  if (c.state === 'SYN-RECEIVED' && syn && seq === c.irs && !rst) {
    // The peer retransmitted its SYN: our SYN-ACK was lost. Answer with the SYN-ACK again (an
    // ACK alone, as the unacceptable-segment rule would send, is dropped by a peer in SYN-SENT).
    if (!hasAck) {
      c.synPending = true;
      c.host.wake(c);
      return;
    }
    // Simultaneous open, Figure 8 line 5: the peer's SYN,ACK acknowledges our SYN.
    if (seqGt(seg.ack, c.sndUna) && seqLe(seg.ack, c.sndMax)) {
      syn = false;
      seq = seqAdd(seq, 1);
    }
  }

  // ---- RFC 7323 §3.2 / §5.3 R1 (PAWS), before the sequence number check.
  const ts = pawsCheck(c, seg, rst, now);
  if (ts !== 'accept') {
    if (ts === 'drop-ack') c.sendAckNow();
    return;
  }

  // ---- First: sequence number check (the four cases of §3.10.7.4).
  const segLen = payload.length + (syn ? 1 : 0) + (fin ? 1 : 0);
  const wnd = acceptWindow(c);
  let acceptable: boolean;
  if (segLen === 0) {
    // An empty segment exactly at the right edge is accepted too (it carries nothing that needs
    // room) — except a RST: RFC 5961 §3.2 / RFC 9293 §3.10.7.4 take RCV.NXT ≤ SEG.SEQ < RCV.NXT+RCV.WND.
    const end = seqAdd(c.rcvNxt, wnd);
    acceptable = wnd === 0 ? seq === c.rcvNxt : seqLe(c.rcvNxt, seq) && (rst ? seqLt(seq, end) : seqLe(seq, end));
  } else if (wnd === 0) {
    // "If the RCV.WND is zero, no segments will be acceptable, but special allowance should be made
    // to accept valid ACKs, URGs, and RSTs": a segment starting at RCV.NXT is processed with its
    // text trimmed away (a lone FIN needs no buffer space and is kept).
    acceptable = seq === c.rcvNxt;
  } else {
    const end = seqAdd(c.rcvNxt, wnd);
    const inWnd = (x: number): boolean => seqLe(c.rcvNxt, x) && seqLt(x, end);
    acceptable = inWnd(seq) || inWnd(seqAdd(seq, segLen - 1));
  }
  if (!acceptable && fin && hasAck && !rst && !syn && c.host.config.duplicateFinAck && seqAdd(seq, segLen) === c.rcvNxt) {
    // TcpConfig.duplicateFinAck: a repeated FIN (ending at RCV.NXT) is acknowledged, and its ACK
    // field processed, as BSD and Linux do (§3.10.7.4 alone would drop it after the ACK).
    payload = EMPTY;
    fin = false;
    seq = c.rcvNxt;
    c.ackNow = true;
    acceptable = true;
  }
  if (!acceptable) {
    // RFC 2883 §4: data wholly below RCV.NXT is a duplicate — report it in a D-SACK block.
    if (!rst && payload.length > 0 && seqLt(seq, c.rcvNxt)) noteDuplicate(c, seq, Math.min(payload.length, seqDiff(c.rcvNxt, seq)));
    if (!rst) {
      // TIME-WAIT: a retransmitted FIN is acknowledged and restarts the 2 MSL timer (§3.10.7.4 eighth).
      if (c.state === 'TIME-WAIT' && fin) c.timers.set('timewait', now + 2 * c.host.config.msl);
      c.sendAckNow();
    }
    return;
  }
  c.lastRecv = now;
  c.keepProbes = 0;
  if (c.keepAlive) c.armKeepAlive();
  // RFC 7323 §4.3 R3 — but not from a segment the fifth step will drop for acknowledging data never
  // sent (RFC 9293 §3.10.7.4): a dropped segment changes nothing, and a forged TSval must not
  // make PAWS reject the peer's genuine segments.
  if (!(hasAck && seqGt(seg.ack, c.sndMax))) updateTsRecent(c, seg, now);

  // Trim the segment to the window: drop what lies before RCV.NXT and beyond the right edge.
  if (syn && seqLt(seq, c.rcvNxt)) {
    syn = false;
    seq = seqAdd(seq, 1);
  }
  const front = seqDiff(c.rcvNxt, seq);
  if (front > 0) {
    const cut = Math.min(front, payload.length);
    if (cut > 0 && !rst) {
      noteDuplicate(c, seq, cut); // RFC 2883 §4: the duplicate front of a partly new segment
      c.ackNow = true;
    }
    payload = payload.subarray(cut);
    seq = seqAdd(seq, cut);
    if (fin && seqLt(seq, c.rcvNxt)) fin = false; // the FIN itself is old
  }
  const over = seqDiff(seqAdd(seq, payload.length), seqAdd(c.rcvNxt, wnd));
  if (over > 0) {
    payload = payload.subarray(0, Math.max(0, payload.length - over));
    fin = false;
    c.ackNow = true; // tell the sender where the window really ends
  }

  // ---- Second: RST (RFC 5961 §3.2: exact match resets, anything else in the window is challenged).
  if (rst) {
    // With RFC 5961 off (TcpConfig.rfc5961Rst), RFC 793's rule: any RST in the window resets.
    if (seg.seq !== c.rcvNxt && c.host.config.rfc5961Rst) {
      c.challengeAck(now);
      return;
    }
    switch (c.state) {
      case 'SYN-RECEIVED':
        // Passive: back to LISTEN, the user need not be informed. Active: connection refused.
        if (c.passive) c.setState('rcv-rst', now);
        else c.fail('ECONNREFUSED', 'rcv-rst-simultaneous', now);
        return;
      case 'ESTABLISHED':
      case 'FIN-WAIT-1':
      case 'FIN-WAIT-2':
      case 'CLOSE-WAIT':
        c.fail('ECONNRESET', 'rcv-rst', now);
        return;
      case 'CLOSING':
      case 'LAST-ACK':
        // Enter CLOSED. A user who only shut down sending still holds the connection and is told
        // it was reset (as in the states above; BSD and Linux sockets report ECONNRESET too).
        if (c.orphaned) c.setState('rcv-rst', now);
        else c.fail('ECONNRESET', 'rcv-rst', now);
        return;
      case 'TIME-WAIT':
        // RFC 1337: ignoring RST in TIME-WAIT prevents TIME-WAIT assassination.
        if (!c.host.config.rfc1337) c.setState('rcv-rst', now);
        return;
      default:
        return;
    }
  }

  // ---- Third: security — not implemented (no IP security/compartment options are used).

  // ---- Fourth: SYN.
  if (syn) {
    if (c.state === 'SYN-RECEIVED' && c.passive) {
      c.setState('rcv-syn', now); // back to LISTEN
      return;
    }
    // RFC 5961 §4.2: a SYN in a synchronized state gets a challenge ACK, whatever its sequence number.
    // With RFC 5961 off (TcpConfig.rfc5961Syn), RFC 793 §3.9: a SYN in the window is an error —
    // send a reset and close the connection (it is in the window: the first check admitted it).
    if (c.host.config.rfc5961Syn) c.challengeAck(now);
    else resetOnSyn(c, now);
    return;
  }

  // ---- Fifth: ACK.
  if (!hasAck) return;
  if (c.state === 'SYN-RECEIVED') {
    if (!(seqGt(seg.ack, c.sndUna) && seqLe(seg.ack, c.sndMax))) {
      c.host.enqueue(resetFor(c, seg.ack)); // <SEQ=SEG.ACK><CTL=RST>
      return;
    }
    // A full accept queue leaves the connection half-open; our SYN-ACK retransmission retries later.
    if (c.passive && c.listener !== undefined && !c.listener.hasRoom()) return;
    c.sndWnd = seg.window * 2 ** c.sndWscale;
    c.maxSndWnd = Math.max(c.maxSndWnd, c.sndWnd);
    c.sndWl1 = seg.seq;
    c.sndWl2 = seg.ack;
    c.setState('rcv-ack-of-syn', now);
    established(c, now);
  }
  if (!processAck(c, seg, now)) return;
  switch (c.state) {
    case 'FIN-WAIT-1':
      if (c.finAcked()) {
        c.setState('rcv-ack-of-fin', now);
        if (c.orphaned) c.timers.set('finwait2', now + c.host.config.finWait2Timeout);
        c.armKeepAlive();
      }
      break;
    case 'CLOSING':
      // "if the ACK acknowledges our FIN, then enter the TIME-WAIT state; otherwise, ignore the segment."
      if (c.finAcked()) c.setState('rcv-ack-of-fin', now);
      return;
    case 'LAST-ACK':
      if (c.finAcked()) c.setState('rcv-ack-of-fin', now);
      return;
    default:
      break;
  }
  afterAck(c, seg, seq, payload, fin, now);
}

/** Sixth to eighth steps: URG, segment text, FIN. `seq`/`payload` are already trimmed to the window. */
function afterAck(c: TcpConnection, seg: TcpRepr, seq: number, payload: Uint8Array, fin: boolean, now: number): void {
  // ---- Sixth: URG (RFC 6093: the urgent pointer points just past the last urgent byte).
  if (seg.flags & URG && acceptsText(c.state)) {
    const up = seqAdd(seg.seq, seg.urgent);
    if (!c.urgentSeen || seqGt(up, c.rcvUp)) {
      c.urgentSeen = true;
      c.rcvUp = up;
      if (c.announced) c.host.emit({ type: 'urgent', conn: c, mark: c.rcvOff + seqDiff(up, c.rcvNxt), now });
    }
  }
  // ---- Seventh: segment text.
  if (payload.length > 0 && acceptsText(c.state)) {
    if (c.orphaned) {
      // RFC 1122 §4.2.2.13 / RFC 2525 §2.17: data after CLOSE is lost — say so with a RST: the
      // connection's own <SEQ=SND.NXT><CTL=RST,ACK>, or (TcpConfig.orphanDataRst 'reply', as BSD
      // and Linux do) the reply to the segment as for a connection that no longer exists
      // (RFC 9293 §3.5.2 case 1: <SEQ=SEG.ACK><CTL=RST>).
      if (c.host.config.orphanDataRst === 'reply' && (seg.flags & ACK) !== 0) {
        c.host.enqueue(resetFor(c, seg.ack));
        c.recvBuf.clear();
        c.setState('abort', now);
      } else c.abort(now);
      return;
    }
    deliver(c, seq, payload, now);
    if (c.state === 'CLOSED') return;
  }
  // ---- Eighth: FIN.
  if (fin) {
    const finSeq = seqAdd(seq, payload.length);
    if (finSeq === c.rcvNxt) processFin(c, now);
    else if (seqGt(finSeq, c.rcvNxt)) {
      c.ooo.finOffset = c.rcvOff + seqDiff(finSeq, c.rcvNxt);
      // RFC 5681 §4.2: an out-of-order segment is answered by an immediate duplicate ACK (a FIN
      // alone too; with text, deliver() has sent it).
      if (payload.length === 0) c.sendAckNow();
    }
  }
}

/** RFC 793 §3.9 (RFC 5961 off): a SYN in the window resets the connection — RST, then CLOSED (ECONNRESET). */
function resetOnSyn(c: TcpConnection, now: number): void {
  c.host.enqueue(c.segment(c.sndMax, RST | ACK, EMPTY));
  c.fail('ECONNRESET', 'abort', now);
}

/** <SEQ=x><CTL=RST> from this connection's endpoints. */
export function resetFor(c: TcpConnection, seq: number): ReturnType<TcpConnection['segment']> {
  return {
    src: c.local.address,
    dst: c.remote.address,
    seg: { srcPort: c.local.port, dstPort: c.remote.port, seq, ack: 0, flags: RST, window: 0, urgent: 0, options: [], payload: EMPTY },
  };
}
