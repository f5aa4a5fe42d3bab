// The sender's loss-recovery machinery around one connection, and the few hooks input.ts,
// output.ts and timer-actions.ts call: transmit records (tx-records.ts), delivery-rate samples
// (rate-sample.ts), RACK-TLP (rack.ts, RFC 8985), PRR (prr.ts, RFC 6937) and spurious-retransmission
// undo (undo.ts, RFC 3522/3708/4015). Duplicate-ACK detection (recovery.ts, RFC 5681/6582, and the
// RFC 6675 scoreboard in sack.ts) stays what connections without SACK — or configured with
// lossDetection 'dupack' — use; PRR and undo serve both detectors.

import type { AckSample } from './cc/types.js';
import type { TcpRepr } from '../wire/tcp-types.js';
import type { TcpConnection } from './connection.js';
import { DupAckDelivery, Prr } from './prr.js';
import { Rack } from './rack.js';
import { ReorderExtent } from './reorder-extent.js';
import { DeliveryRate, type RateSample } from './rate-sample.js';
import { rtoDeadline } from './ack.js';
import { tsNow } from './rfc7323.js';
import { sackBlocks } from './sack.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq.js';
import { TxRecords, type Delivery, type TxRecord } from './tx-records.js';
import { SpuriousUndo } from './undo.js';
import { Frto, frtoOnAck, frtoOnRto, frtoRoom } from './frto.js';
import { probeOnlyLoss } from './plpmtud-loss.js';

/**
 * Per-connection loss-recovery state. Allocated at the connection's first data transmission (a
 * connection that only receives never has one) and dropped with the send state (TIME-WAIT, CLOSED).
 */
export class LossState {
  readonly records = new TxRecords();
  readonly rate = new DeliveryRate();
  readonly rack = new Rack();
  readonly reorder = new ReorderExtent();
  readonly prr: Prr;
  /** RFC 6937 §3 DeliveredData for connections without SACK (duplicate ACKs as SMSS each). */
  readonly dupDelivery = new DupAckDelivery();
  readonly undo = new SpuriousUndo();
  /**
   * RFC 3168 §6.1.2 window reduction for an ECE, paced by PRR (RFC 6937 §1) until SND.UNA passes
   * `cwrEnd` (SND.MAX at the reduction), as a loss recovery's is.
   */
  cwr = false;
  cwrEnd = 0;
  /** RFC 4821 §7.5: lost PLPMTUD probes that started no recovery (plpmtud-loss.ts). */
  probeLossesSpared = 0;
  /** RFC 5682 F-RTO episode after a retransmission timeout (frto.ts). */
  readonly frto = new Frto();
  /** What the current ACK delivered (reused: no allocation per ACK). */
  readonly delivery: Delivery = { records: [], bytes: 0, cumulative: 0 };
  /** RACK §6.2 step 2: the ACK's TSecr predates the record's last transmission (one closure per connection). */
  tsEcrBefore: ((r: TxRecord) => boolean) | undefined = undefined;
  /** The rate sample of the ACK being processed (for its AckSample). */
  sample: RateSample | undefined = undefined;
  /** RTT of the latest-sent segment the ACK being processed delivered, not retransmitted (AckSample.ackRtt). */
  ackRtt: number | undefined = undefined;
  /** What the 'loss' timer is armed for: the RACK reordering timer or the TLP probe timeout. */
  timerMode: 'reo' | 'tlp' | undefined = undefined;
  /** Fast recovery (either detector) has been seen to begin and not yet to end. */
  recovering = false;
  /** A TLP probe is due at the next output pass; a probe is being emitted. */
  probeDue = false;
  probing = false;
  /** cwnd/ssthresh/flight before the ACK being processed (what a reduction it triggers may undo). */
  #priorCwnd = 0;
  #priorSsthresh = Infinity;
  #priorFlight = 0;
  #priorUna = 0;
  #priorDupAcks = 0;
  #dsack = false;

  /**
   * TcpConfig.prr 'linux': cwnd as Linux sets it on each ACK of a PRR reduction (in flight plus
   * what the ACK lets go), while the reduction lasts.
   */
  #reductionCwnd: number | undefined = undefined;

  constructor(prr: 'ssrb' | 'crb' | 'linux' | 'off') {
    this.prr = new Prr(prr === 'crb' ? 'crb' : 'ssrb');
  }

  get reductionCwnd(): number | undefined {
    return this.prr.active ? this.#reductionCwnd : undefined;
  }

  set reductionCwnd(v: number | undefined) {
    this.#reductionCwnd = v;
  }

  /** @internal input.ts, before the ACK is applied. */
  beginAck(c: TcpConnection): void {
    this.#priorCwnd = c.cc.cwnd;
    this.#priorSsthresh = c.cc.ssthresh;
    this.#priorFlight = seqDiff(c.sndMax, c.sndUna);
    this.#priorUna = c.sndUna;
    this.#priorDupAcks = c.stats.dupAcksIn;
    this.records.recycle(); // the previous ACK's delivered records are free again
    this.delivery.records.length = 0;
    this.delivery.bytes = 0;
    this.delivery.cumulative = 0;
    this.sample = undefined;
    this.ackRtt = undefined;
    this.#dsack = false;
  }

  get priorFlight(): number {
    return this.#priorFlight;
  }
  get priorUna(): number {
    return this.#priorUna;
  }
  /** The ACK being processed was counted as a duplicate ACK (RFC 5681 §2). */
  dupAck(c: TcpConnection): boolean {
    return c.stats.dupAcksIn !== this.#priorDupAcks;
  }
  get dsackSeen(): boolean {
    return this.#dsack;
  }
  set dsackSeen(v: boolean) {
    this.#dsack = v;
  }
  snapshot(): { cwnd: number; ssthresh: number } {
    return { cwnd: this.#priorCwnd, ssthresh: this.#priorSsthresh };
  }
}

/** RACK is the loss detector of this connection (SACK agreed, lossDetection 'rack'). */
export function rackOn(c: TcpConnection): boolean {
  return c.sackOk && c.host.config.lossDetection === 'rack';
}

function prrOn(c: TcpConnection): boolean {
  // A model-based CC (CongestionControl.onEveryAck) shapes recovery itself. Without SACK too
  // (RFC 6937 §3: DeliveredData then estimated from duplicate ACKs, dupDelivery).
  return c.host.config.prr !== 'off' && c.cc.onEveryAck === undefined;
}

/** RFC 6937 pipe without SACK: FlightSize less the segments duplicate ACKs reported as arrived. */
function dupAckPipe(c: TcpConnection, l: LossState): number {
  return Math.max(0, seqDiff(c.sndMax, c.sndUna) - l.dupDelivery.credit);
}

function undoOn(c: TcpConnection): boolean {
  return c.sackOk && c.host.config.spuriousUndo;
}

/** Bytes in the network by RFC 8985 / RFC 6675's reckoning from the records: not SACKed, not lost. */
export function rackPipe(c: TcpConnection): number {
  const r = c.lossIfAny?.records;
  const flight = seqDiff(c.sndMax, c.sndUna);
  return r === undefined ? flight : Math.max(0, flight - r.sackedBytes - r.lostBytes);
}

/** RFC 6675 §4 pipe from the scoreboard (the dup-ACK detector's view). */
function scoreboardPipe(c: TcpConnection): number {
  return c.sb.pipe(seqDiff(c.sndMax, c.sndUna), c.sndMss, c.host.config.dupAckThreshold);
}

/**
 * Bytes the congestion state lets the sender put out now: PRR's budget during SACK recovery
 * (RFC 6937), cwnd − pipe otherwise (RFC 6675 / RFC 8985 pipe on SACK connections, FlightSize plus
 * RFC 3042 limited transmit without SACK). May be negative.
 */
export function congestionRoom(c: TcpConnection): number {
  const l = c.lossIfAny;
  const cwnd = Math.floor(c.cc.cwnd);
  const frto = frtoRoom(c, l?.frto); // RFC 5682 step 2b: two new segments, whatever cwnd says
  if (frto !== undefined) return frto;
  if (c.recovery.inRecovery && !c.sackOk && l !== undefined && l.prr.active) return l.prr.budget; // RFC 6937 without SACK
  if (c.recovery.inRecovery && c.sackOk) {
    if (l !== undefined && l.prr.active) return l.prr.budget;
    return cwnd - (rackOn(c) ? rackPipe(c) : scoreboardPipe(c));
  }
  if (l !== undefined && l.cwr && l.prr.active) return l.prr.budget; // an ECE's reduction (RFC 6937 §1)
  if (rackOn(c) && c.sndNxt === c.sndMax) return cwnd - rackPipe(c);
  return cwnd + c.recovery.limitedTransmitSegments() * c.sndMss - seqDiff(c.sndNxt, c.sndUna);
}

// ================================================================ transmit

/** @internal output.ts emit(): [seq, seq+len(+FIN)) goes out at `now`. */
export function onTransmit(c: TcpConnection, seq: number, len: number, fin: boolean, now: number): void {
  const l = c.loss;
  const end = seqAdd(seq, len + (fin ? 1 : 0));
  if (end === seq) return;
  const retransmission = seqLt(seq, c.sndMax);
  const idle = c.sndUna === c.sndMax;
  l.records.transmit(seq, end, now, l.rate, idle);
  if (l.prr.active) l.prr.onSend(len + (fin ? 1 : 0));
  if (retransmission) l.undo.onRetransmit(seq, end, c.tsOk ? tsNow(c, now) : undefined);
  else if (!l.probing) armTlp(c, now, seqDiff(end, c.sndUna)); // the flight this transmission makes
}

/** @internal output.ts, end of an output pass: RFC draft-cheng §3.4 application-limited marking. */
export function afterOutput(c: TcpConnection): void {
  const l = c.lossIfAny;
  if (l === undefined || c.unsentBytes() > 0 || c.finQueued) return;
  const inflight = c.sackOk ? rackPipe(c) : seqDiff(c.sndNxt, c.sndUna);
  if (inflight < c.cc.cwnd) l.rate.markAppLimited(inflight);
}

// ================================================================ ACK processing

/** RFC 2883 §4: the first block is a D-SACK when it lies below the ACK or inside the second block. */
function dsackBlock(blocks: Array<[number, number]> | undefined, ack: number): [number, number] | undefined {
  const first = blocks?.[0];
  if (first === undefined) return undefined;
  if (seqLe(first[1], ack)) return first;
  const second = blocks![1];
  if (second !== undefined && seqLe(second[0], first[0]) && seqLe(first[1], second[1])) return first;
  return undefined;
}

/**
 * @internal input.ts processAck, for an acceptable ACK before SND.UNA moves: D-SACK and TLP episode
 * (RFC 8985 §7.4.2), the records it delivers (RACK §6.2 steps 1–3, delivery rate §3.3), Eifel and
 * D-SACK undo (RFC 3522, RFC 3708).
 */
export function onAckArrival(c: TcpConnection, seg: TcpRepr, now: number): void {
  const l = c.lossIfAny;
  if (l === undefined) return; // nothing sent yet: nothing to detect or measure
  l.beginAck(c);
  const ack = seg.ack;
  const blocks = c.sackOk ? sackBlocks(seg) : undefined;
  const dsack = dsackBlock(blocks, ack);
  l.dsackSeen = dsack !== undefined;
  // RFC 5682 F-RTO steps 2 and 3 (frto.ts), on the ACK as it arrives.
  const frto = frtoOnAck(c, l.frto, seg, blocks);
  if (frto === 'spurious') undoNow(c, now, l.frto.prior);
  else if (frto === 'genuine') c.sndNxt = c.sndUna; // §2/§3 step 3a: conventional recovery, go-back-N
  // RFC 8985 §7.4.2 TLP_process_ack.
  if (l.rack.tlpEndSeq !== undefined) {
    const dupNoSack = ack === c.sndUna && blocks === undefined && seg.payload.length === 0;
    if (l.rack.tlpOnAck(ack, dsack?.[1], dupNoSack) === 'repaired') {
      // The probe plugged a hole: the loss is real — the CC reacts once (cwnd ← ssthresh).
      c.cc.onRecoveryStart(Math.max(l.rack.tlpFlight, l.priorFlight), now, true);
    }
  }
  // RFC 3708 §3 / RFC 4015: every retransmission of the episode reported as a duplicate.
  if (dsack !== undefined && undoOn(c) && l.undo.dsack(dsack[0], dsack[1])) undoNow(c, now);
  const d = l.delivery;
  if (seqGt(ack, c.sndUna)) l.records.ackTo(ack, d);
  if (blocks !== undefined) {
    const top = c.sndMax;
    for (let i = dsack !== undefined ? 1 : 0; i < blocks.length; i++) {
      let [s, e] = blocks[i]!;
      if (seqLt(s, ack)) s = ack;
      if (seqGt(e, top)) e = top;
      if (seqLt(s, e)) l.records.sack(s, e, d, c.host.config.sackWholeSegments);
    }
  }
  if (d.records.length > 0) {
    const before = (l.tsEcrBefore ??= (r: TxRecord): boolean => {
      const ecr = c.tsOk ? c.segTsEcr : undefined;
      return ecr !== undefined && ecr !== 0 && ((ecr - tsNow(c, r.sentAt)) | 0) < 0;
    });
    l.reorder.onDelivered(d.records, l.rack.fackSet && seqGt(l.rack.fack, l.priorUna) ? l.rack.fack : l.priorUna, c.sndMss);
    l.rack.onDelivered(d.records, now, before, d.cumulative, c.host.config.rackRttFrom === 'ack-order');
    let latest: number | undefined;
    for (const r of d.records) {
      l.rate.onDelivered(r, now);
      if (!r.retrans && (latest === undefined || r.sentAt > latest)) latest = r.sentAt;
    }
    if (latest !== undefined) l.ackRtt = now - latest;
    l.sample = l.rate.sample(now, l.rack.minRtt);
  }
  // RFC 3522 §2: the first ACK for the episode's first retransmission decides by its timestamp.
  if (undoOn(c) && seqGt(ack, c.sndUna) && l.undo.eifel(ack, c.tsOk ? c.segTsEcr : undefined)) undoNow(c, now);
}

/**
 * @internal input.ts processAck, after the ACK was applied (SND.UNA, dup-ACK counting, CC):
 * RACK loss detection (RFC 8985 §6.2 step 5) and the start of recovery, PRR's per-ACK budget
 * (RFC 6937), the end of recovery, and the TLP/reordering timer.
 */
export function afterAck(c: TcpConnection, now: number): void {
  const l = c.lossIfAny;
  if (l === undefined) return;
  const cfg = c.host.config;
  const rec = c.recovery;
  if (c.rtt.latest !== undefined) l.rack.rttSample(c.rtt.latest);
  let lost = 0;
  let timeout = 0;
  if (rackOn(c)) {
    const recovering = rec.inRecovery || c.retries > 0;
    l.rack.updateReoWnd(l.dsackSeen, c.sndUna, c.sndNxt, recovering, l.records.sackedCount, cfg.dupAckThreshold, c.rtt.srtt);
    [lost, timeout] = l.rack.detectLoss(l.records, now);
    if (lost > 0 && !rec.inRecovery) startRecovery(c, now);
  }
  // RFC 6937 §3 without SACK: duplicate ACKs stand for delivered segments (counted on every ACK,
  // so that the cumulative ACK after them is not counted twice).
  const dupDelivered = c.sackOk ? 0 : l.dupDelivery.onAck(l.dupAck(c), seqDiff(c.sndUna, l.priorUna), c.sndMss, seqDiff(c.sndMax, c.sndUna));
  noteRecoveryChange(c);
  if (l.cwr && (rec.inRecovery || seqGe(c.sndUna, l.cwrEnd))) endCwr(l, rec.inRecovery);
  if (l.prr.active && (rec.inRecovery || l.cwr)) {
    // RFC 6937 §3 DeliveredData: the change in SND.UNA plus the change in SACKed bytes — the bytes
    // this ACK delivered for the first time.
    const delivered = c.sackOk ? l.delivery.bytes : dupDelivered;
    const pipe = !c.sackOk ? dupAckPipe(c, l) : rackOn(c) ? rackPipe(c) : scoreboardPipe(c);
    // Linux (prr 'linux'): the extra segment only for an ACK of retransmitted data, none lost again.
    const safe = cfg.prr === 'linux' ? l.delivery.records.some((r) => r.retrans) && lost === 0 : seqGt(c.sndUna, l.priorUna) && lost === 0;
    const sndcnt = l.prr.onAck(delivered, pipe, c.cc.ssthresh, c.sndMss, safe);
    l.reductionCwnd = cfg.prr === 'linux' ? pipe + sndcnt : undefined;
  }
  if (c.cc.onEveryAck !== undefined) everyAck(c, now);
  if (lost > 0 || l.prr.active) c.host.wake(c);
  armLossTimer(c, now, timeout, seqGt(c.sndUna, l.priorUna));
}

/**
 * @internal ecn.ts, after the CC reduced its window for an ECE (RFC 3168 §6.1.2): instead of
 * stopping until the flight has drained below the new cwnd, the sender goes on at PRR's rate
 * (RFC 6937 §1: PRR applies to any reduction, ECN's included) until the window of data sent before
 * the reduction is acknowledged. SACK connections with PRR on, as for loss recovery.
 */
export function startCwr(c: TcpConnection): void {
  const l = c.lossIfAny;
  if (l === undefined || !prrOn(c) || !c.sackOk || c.recovery.inRecovery) return;
  l.prr.start(l.priorFlight);
  l.cwr = true;
  l.cwrEnd = c.sndMax;
}

/** The ECE's reduction is over (or a loss recovery takes over PRR from here). */
function endCwr(l: LossState, recovering: boolean): void {
  l.cwr = false;
  if (!recovering) l.prr.end();
}

/** CongestionControl.onEveryAck: the ACK's delivery (records, rate sample) and what stays in flight. */
function everyAck(c: TcpConnection, now: number): void {
  const l = c.loss;
  const inflight = c.sackOk ? rackPipe(c) : seqDiff(c.sndMax, c.sndUna);
  const acked = l.delivery.bytes;
  const s: AckSample = {
    ackedBytes: acked,
    rtt: l.sample?.rttMs,
    srtt: c.rtt.srtt,
    flightSize: inflight + acked,
    delivered: l.rate.delivered,
    appLimited: c.unsentBytes() === 0 && inflight < c.cc.cwnd,
    now,
  };
  if (l.sample !== undefined) s.rate = l.sample;
  c.cc.onEveryAck!(s);
}

/** Fast recovery begins because RACK deemed a segment lost (RFC 8985 §6.2, RFC 6675 §5 step 4). */
function startRecovery(c: TcpConnection, now: number): void {
  if (probeOnlyLoss(c)) {
    // RFC 4821 §7.5: a lost PLPMTUD probe alone is not congestion — its bytes go again (sendLost)
    // without a recovery episode or a window reduction (plpmtud-loss.ts).
    c.loss.probeLossesSpared++;
    c.host.wake(c);
    return;
  }
  const flight = seqDiff(c.sndMax, c.sndUna);
  if (c.recovery.enter(c.sndUna, seqAdd(c.sndMax, -1), flight, c.cc, now) === 'retransmit') c.stats.fastRetransmits++;
}

/**
 * Recovery began or ended during this ACK (by either detector): PRR starts or stops (RFC 6937 §3),
 * the undo episode starts from the window before the ACK, RACK counts the recovery (§6.2 step 4).
 */
function noteRecoveryChange(c: TcpConnection): void {
  const l = c.loss;
  const rec = c.recovery;
  if (rec.inRecovery && !l.recovering && (c.sackOk || prrOn(c))) {
    l.recovering = true;
    if (prrOn(c)) l.prr.start(l.priorFlight);
    rec.exitAtSsthresh = l.prr.active;
    if (undoOn(c)) l.undo.begin('recovery', l.snapshot(), l.priorUna);
  }
  if (!rec.inRecovery && l.recovering) leaveRecovery(l);
}

/** The recovery this state followed is over (ended, undone, or overtaken by a timeout). */
function leaveRecovery(l: LossState): void {
  l.recovering = false;
  l.prr.end();
  l.rack.onRecoveryExit(); // RFC 8985 §6.2 step 4: one more recovery without D-SACK
}

// ================================================================ timers

/**
 * Arms the 'loss' timer: the RACK reordering timer when RACK is waiting on a segment (`timeout`),
 * else the TLP probe timeout (RFC 8985 §7.2) when one may be sent, else nothing.
 */
function armLossTimer(c: TcpConnection, now: number, timeout: number, cumAck: boolean): void {
  const l = c.loss;
  if (c.sndUna === c.sndMax) {
    c.timers.clear('loss');
    l.timerMode = undefined;
    return;
  }
  if (timeout > 0) {
    c.timers.set('loss', now + timeout);
    l.timerMode = 'reo';
    return;
  }
  if (l.timerMode === 'reo') {
    c.timers.clear('loss');
    l.timerMode = undefined;
  }
  if (cumAck) armTlp(c, now);
  else if (l.timerMode === 'tlp' && !tlpAllowed(c)) {
    c.timers.clear('loss');
    l.timerMode = undefined;
  }
}

/** RFC 8985 §7.2: a probe may be scheduled (not in recovery, nothing SACKed, no probe outstanding). */
function tlpAllowed(c: TcpConnection, flight = seqDiff(c.sndMax, c.sndUna)): boolean {
  const l = c.loss;
  return (
    rackOn(c) &&
    c.host.config.tlp &&
    !c.recovery.inRecovery &&
    c.retries === 0 &&
    l.records.sackedCount === 0 &&
    l.rack.tlpEndSeq === undefined &&
    flight > 0 &&
    c.handshakeDone
  );
}

/** RFC 8985 §7.2: (re)start the PTO, never later than the retransmission timer. */
function armTlp(c: TcpConnection, now: number, flight = seqDiff(c.sndMax, c.sndUna)): void {
  const l = c.loss;
  if (l.timerMode === 'reo') return;
  if (!tlpAllowed(c, flight)) {
    if (l.timerMode === 'tlp') {
      c.timers.clear('loss');
      l.timerMode = undefined;
    }
    return;
  }
  const cfg = c.host.config;
  const pto = l.rack.pto(c.rtt.srtt, flight, c.sndMss, cfg.ptoRule === 'linux' ? cfg.rtoMin : undefined);
  // The first transmission arms the retransmission timer just after this (output.ts emit()).
  const rto = c.timers.isSet('rto') ? c.timers.rto : rtoDeadline(c, now);
  c.timers.set('loss', Math.min(now + pto, rto));
  l.timerMode = 'tlp';
}

/** @internal timer-actions.ts: the 'loss' timer expired. */
export function onLossTimer(c: TcpConnection, now: number): void {
  const l = c.loss;
  const mode = l.timerMode;
  l.timerMode = undefined;
  if (mode === 'reo') {
    // RFC 8985 §6.2: RACK_detect_loss_and_arm_timer() on the reordering timer.
    l.rack.reoTimeouts++;
    const [lost, timeout] = l.rack.detectLoss(l.records, now);
    if (lost > 0) {
      if (!c.recovery.inRecovery) {
        l.beginAck(c);
        startRecovery(c, now);
        noteRecoveryChange(c);
        if (l.prr.active) l.prr.onAck(0, rackPipe(c), c.cc.ssthresh, c.sndMss, false);
      }
      c.host.wake(c);
    }
    if (timeout > 0) {
      c.timers.set('loss', now + timeout);
      l.timerMode = 'reo';
    }
    return;
  }
  if (mode === 'tlp' && tlpAllowed(c)) {
    // RFC 8985 §7.3: send a probe at the next output pass; the RTO is re-armed behind it.
    l.probeDue = true;
    c.timers.set('rto', rtoDeadline(c, now));
    c.host.wake(c);
  }
}

/** @internal output.ts after a probe went out: TLP.end_seq, and the RTO takes over (§7.3). */
export function probeSent(c: TcpConnection, isRetrans: boolean, flight: number): void {
  const r = c.loss.rack;
  r.tlpEndSeq = c.sndNxt;
  r.tlpIsRetrans = isRetrans;
  r.tlpFlight = flight;
  r.probes++;
  c.stats.tlpProbes++;
}

/**
 * @internal timer-actions.ts, a retransmission timeout (before the CC's reduction): the undo
 * episode begins (RFC 3522 works for timeouts too), PRR and TLP stop, SACK marks are dropped with
 * the scoreboard's (RFC 2018 §8).
 */
export function onRto(c: TcpConnection): void {
  const l = c.lossIfAny;
  c.timers.clear('loss');
  if (l === undefined) return;
  // (c.retries already counts this expiry.)
  const sb = c.sb;
  frtoOnRto(c, l.frto, seqAdd(c.sndUna, sb.isEmpty ? 0 : Math.max(...sb.ends))); // RFC 5682 step 1
  if (undoOn(c) && c.retries <= 1) l.undo.begin('rto', { cwnd: c.cc.cwnd, ssthresh: c.cc.ssthresh }, c.sndUna);
  else l.undo.reset(); // a further timeout: the episode's outcome is no longer one retransmission's
  if (l.recovering) leaveRecovery(l);
  if (l.cwr) endCwr(l, false);
  l.rack.tlpEndSeq = undefined;
  l.probeDue = false;
  l.records.forgetSacks();
  l.timerMode = undefined;
}

/**
 * RFC 4015 §4: the retransmissions were spurious. The CC's window as before the reduction;
 * recovery ends; nothing stays deemed lost; after a timeout, go-back-N stops (SND.NXT ← SND.MAX).
 */
function undoNow(c: TcpConnection, _now: number, frtoPrior?: { cwnd: number; ssthresh: number }): void {
  const l = c.loss;
  let kind = l.undo.kind;
  if (frtoPrior !== undefined) {
    // F-RTO (RFC 5682 §2/§3 step 3b) found the timeout spurious: the same RFC 4015 response.
    kind = 'rto';
    l.undo.reset();
    l.undo.undos++;
    c.cc.undo?.(frtoPrior);
  } else {
    l.undo.restore(c.cc);
    if (kind === 'rto') l.frto.reset(); // timestamps or D-SACK decided first
  }
  c.stats.spuriousUndos++;
  if (kind === 'recovery') l.rack.reorderingSeen = true; // the "loss" was reordering (RFC 8985 §6.2)
  if (c.recovery.inRecovery) {
    c.recovery.inRecovery = false;
    c.recovery.dupAcks = 0;
  }
  if (l.recovering) leaveRecovery(l);
  l.records.unmarkLost();
  if (kind === 'rto' && seqLt(c.sndNxt, c.sndMax)) c.sndNxt = c.sndMax;
  c.host.wake(c);
}
