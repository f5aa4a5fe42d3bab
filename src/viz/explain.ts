// Short explanations of the sequence/acknowledgment arithmetic of each segment in a trace
// (RFC 9293 §3.4: SYN and FIN each occupy one sequence number; an ACK names the next sequence
// number the receiver expects), and the note on which side passes through TIME-WAIT.

import { TcpFlag } from '../wire/tcp-types.js';
import { josa, sideNoun } from './i18n.js';
import type { Lang, LadderTrace, Numbering, SegmentEntry, SideIndex } from './trace.js';
import { hasFlag, seqAdd, segmentSpace } from './trace.js';

interface Sent {
  seq: number;
  len: number;
  flags: number;
  lost?: boolean;
}

/** Explanation lines for every segment entry, keyed by its index in trace.entries. */
export function explainSegments(trace: LadderTrace, lang: Lang, num: Numbering): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const sent: [Sent[], Sent[]] = [[], []];
  const isn: [number | undefined, number | undefined] = [undefined, undefined];
  const lastAck: [number | undefined, number | undefined] = [undefined, undefined];
  const explainedFirstSeq: [boolean, boolean] = [false, false];
  const ko = lang === 'ko';

  trace.entries.forEach((e, index) => {
    if (e.kind !== 'segment') return;
    const i = e.from;
    const j: SideIndex = i === 0 ? 1 : 0;
    const me = sideNoun(trace.sides[i], lang);
    const lines: string[] = [];
    const seqShown = num.seq(i, e.seq);
    const syn = hasFlag(e.flags, TcpFlag.SYN);

    if (hasFlag(e.flags, TcpFlag.RST)) {
      lines.push(ko ? 'RST: 연결을 즉시 끊습니다. 이 세그먼트에는 응답도 ACK도 오지 않습니다.' : 'RST: aborts the connection at once; nothing answers or acknowledges it.');
    }
    if (syn) {
      if (isn[i] === undefined || e.retransmission !== true) {
        lines.push(
          ko
            ? `seq=${seqShown}: ${me}의 초기 순서 번호(ISN)입니다.`
            : `seq=${seqShown}: ${possessive(me)} initial sequence number (ISN).`,
        );
      }
      isn[i] = e.seq >>> 0;
    } else if (!explainedFirstSeq[i] && isn[i] !== undefined && e.seq >>> 0 === seqAdd(isn[i], 1)) {
      explainedFirstSeq[i] = true;
      const base = num.seq(i, isn[i]);
      lines.push(
        ko
          ? `seq=${seqShown}: SYN이 ${base}번을 썼으므로 ${base}+1부터 이어집니다.`
          : `seq=${seqShown}: the SYN used ${base}, so ${me} continues from ${base}+1.`,
      );
    }

    if (e.len > 0) {
      const first = num.seq(i, seqAdd(e.seq, syn ? 1 : 0));
      const last = num.seq(i, seqAdd(e.seq, e.len - (syn ? 0 : 1)));
      lines.push(
        ko
          ? `len=${e.len}: ${first}–${last}번 바이트를 싣습니다.`
          : `len=${e.len}: carries bytes ${first}–${last}.`,
      );
    }

    if (hasFlag(e.flags, TcpFlag.ACK)) {
      const ackLine = explainAck(e, sent[j], lastAck[i], num, trace, lang);
      if (ackLine !== undefined) lines.push(ackLine);
      lastAck[i] = e.ack >>> 0;
    }

    if (hasFlag(e.flags, TcpFlag.FIN)) {
      const finSeq = num.seq(i, seqAdd(e.seq, e.len + (syn ? 1 : 0)));
      lines.push(
        ko
          ? `FIN도 순서 번호 하나(${finSeq})를 소비하므로 상대는 ${finSeq}+1로 확인 응답합니다.`
          : `The FIN consumes one sequence number (${finSeq}), so the peer acknowledges ${finSeq}+1.`,
      );
    }
    if (e.retransmission === true) {
      lines.push(
        ko
          ? `재전송: 확인 응답이 오지 않아 seq=${seqShown}부터 같은 데이터를 다시 보냅니다.`
          : `Retransmission: not acknowledged in time, so the same data from seq=${seqShown} is sent again.`,
      );
    }
    if (e.lost === true) {
      lines.push(ko ? '이 세그먼트는 링크에서 손실되어 상대에게 도착하지 않습니다.' : 'This segment is lost on the link and never reaches the other side.');
    }

    sent[i].push({ seq: e.seq >>> 0, len: e.len, flags: e.flags, lost: e.lost === true });
    if (lines.length > 0) out.set(index, lines);
  });
  return out;
}

function explainAck(
  e: SegmentEntry,
  peerSent: Sent[],
  prevAck: number | undefined,
  num: Numbering,
  trace: LadderTrace,
  lang: Lang,
): string | undefined {
  const ko = lang === 'ko';
  const ack = e.ack >>> 0;
  const shown = num.ack(e.from, ack);
  const me = sideNoun(trace.sides[e.from], lang);
  if (prevAck === ack) {
    if (e.len === 0 && !hasFlag(e.flags, TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) {
      const sack = e.sackBlocks ?? [];
      const blocks = sack.map(([l, r]) => `${num.ack(e.from, l)}–${num.ack(e.from, r)}`).join(', ');
      if (sack.length > 0) {
        return ko
          ? `중복 ACK: 기다리는 번호는 여전히 ${shown}${josa(String(shown), '이고', '고')}, SACK으로 ${blocks} 구간을 받았다고 알립니다(RFC 2018).`
          : `Duplicate ACK: ${me} still expects ${shown}; SACK reports ${blocks} received (RFC 2018).`;
      }
      return ko
        ? `중복 ACK: 기다리는 번호가 여전히 ${shown}입니다.`
        : `Duplicate ACK: ${me} still expects ${shown}.`;
    }
    return undefined;
  }
  // The ACK is read against the peer's latest segment that reached us and used sequence space.
  let p: Sent | undefined;
  for (let k = peerSent.length - 1; k >= 0 && p === undefined; k--) {
    const q = peerSent[k]!;
    if (q.lost !== true && segmentSpace(q) > 0) p = q;
  }
  if (p !== undefined && seqAdd(p.seq, segmentSpace(p)) === ack) {
    const start = num.ack(e.from, p.seq);
    if (hasFlag(p.flags, TcpFlag.SYN)) {
      return ko
        ? `ack=${shown}: SYN은 순서 번호 하나를 소비하므로 ${me}${josa(me, '이', '가')} 기다리는 다음 번호는 ${start}+1입니다.`
        : `ack=${shown}: the SYN consumes one sequence number, so ${me} expects ${start}+1.`;
    }
    if (hasFlag(p.flags, TcpFlag.FIN)) {
      const finAt = num.ack(e.from, seqAdd(p.seq, p.len));
      if (p.len === 0) {
        return ko
          ? `ack=${shown}: FIN이 순서 번호 하나를 소비하므로 ${finAt}+1입니다.`
          : `ack=${shown}: the FIN consumes one sequence number, so ${finAt}+1.`;
      }
      return ko
        ? `ack=${shown}: ${start} + ${p.len}바이트 + FIN 1입니다.`
        : `ack=${shown}: ${start} + ${p.len} bytes + 1 for the FIN.`;
    }
    return ko
      ? `ack=${shown}: ${start} + ${p.len}바이트, 즉 ${me}${josa(me, '이', '가')} 다음에 받을 바이트의 번호입니다.`
      : `ack=${shown}: ${start} + ${p.len} bytes, the next byte ${me} expects.`;
  }
  return ko
    ? `ack=${shown}: 누적 확인 응답으로, ${shown} 앞의 모든 바이트를 받았다는 뜻입니다(빈 구간이 채워졌습니다).`
    : `ack=${shown}: cumulative; every byte before ${shown} has arrived (any gap is filled).`;
}

function possessive(noun: string): string {
  return noun.endsWith('s') ? `${noun}'` : `${noun}'s`;
}

/**
 * The note on who passes through TIME-WAIT (RFC 9293 §3.3.2, §3.6): the side that sends the
 * first FIN closes actively and ends in TIME-WAIT; the other side closes passively through
 * CLOSE-WAIT and LAST-ACK. Undefined when the trace has no FIN.
 */
export function closeNote(trace: LadderTrace, lang: Lang): string | undefined {
  const fins = trace.entries.filter((e): e is SegmentEntry => e.kind === 'segment' && hasFlag(e.flags, TcpFlag.FIN));
  const first = fins[0];
  if (first === undefined) return undefined;
  const ko = lang === 'ko';
  const simultaneous = trace.entries.some((e) => e.kind === 'state' && e.state === 'CLOSING');
  if (simultaneous) {
    return ko
      ? '참고: 양쪽이 동시에 닫았으므로(동시 종료) 두 쪽 모두 FIN-WAIT-1 → CLOSING → TIME-WAIT를 거칩니다(RFC 9293 §3.6).'
      : 'Note: both sides closed at once (simultaneous close), so each goes FIN-WAIT-1 → CLOSING → TIME-WAIT (RFC 9293 §3.6).';
  }
  const active = sideNoun(trace.sides[first.from], lang);
  const passive = sideNoun(trace.sides[first.from === 0 ? 1 : 0], lang);
  return ko
    ? `참고: 먼저 FIN을 보낸 쪽(여기서는 ${active})이 능동 종료 측이며 TIME-WAIT에서 2×MSL 동안 기다린 뒤 CLOSED가 됩니다. ` +
        `나중에 닫는 쪽(${passive})은 수동 종료 측으로 CLOSE-WAIT와 LAST-ACK를 거칩니다(RFC 9293 §3.3.2). ` +
        'TIME-WAIT를 수동 종료 측에 그린 학습 자료도 있지만, TIME-WAIT는 능동 종료 측의 상태입니다.'
    : `Note: the side that sends the first FIN (here ${active}) closes actively and waits in TIME-WAIT for 2×MSL before CLOSED; ` +
        `the other side (${passive}) closes passively through CLOSE-WAIT and LAST-ACK (RFC 9293 §3.3.2). ` +
        'Some study notes draw TIME-WAIT on the passive side; it belongs to the active closer.';
}
