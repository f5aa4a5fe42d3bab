// RFC 7323 TCP extensions for high performance: window scaling (§2), timestamps (§3) with RTT
// measurement (§4) and PAWS (§5). Both are TcpConfig switches (`windowScaling`, `timestamps`);
// each is used only when both SYNs carried the option. The window field arithmetic itself stays in
// window.ts; this file negotiates, builds the options and applies the timestamp rules.

import type { TcpOption, TcpRepr } from '../wire/tcp-types.js';
import type { TcpConnection } from './connection.js';
import { sackOption } from './sack.js';

/** §2.3: the largest shift a sender may use (and a receiver honours). */
export const MAX_WSCALE = 14;
/** Bytes the timestamp option takes in every segment once negotiated (NOP, NOP, 10-byte TSopt). */
export const TS_OPTION_BYTES = 12;
/** §5.5: a TS.Recent older than 24 days is no longer valid for PAWS. */
export const PAWS_IDLE_MS = 24 * 24 * 60 * 60 * 1000;

/** Smallest shift that lets the 16-bit field describe the whole receive buffer (≤ 14, §2.3). */
export function shiftFor(bufferBytes: number): number {
  let s = 0;
  while (s < MAX_WSCALE && 0xffff * 2 ** s < bufferBytes) s++;
  return s;
}

/** §3: TSval clock — 1 ms ticks from `now`, offset per connection (§7.1 / Appendix: not guessable from outside). */
export function tsNow(c: TcpConnection, now: number): number {
  return (Math.floor(now) + c.tsOffset) >>> 0;
}

/**
 * Per-connection TSval offset (RFC 7323 §7.1, Appendix: timestamps should not expose a global
 * clock). Mixed from the ISS, which RFC 6528 already keys per 4-tuple with a secret.
 */
export function tsOffsetFor(iss: number): number {
  let x = Math.imul(iss ^ 0x5bd1e995, 0x9e3779b1);
  x ^= x >>> 15;
  return Math.imul(x, 0x85ebca6b) >>> 0;
}

/** Timestamp option of a segment, if any. */
export function tsOption(seg: TcpRepr): { val: number; ecr: number } | undefined {
  for (const o of seg.options) if (o.kind === 'timestamp') return o;
  return undefined;
}

function wscaleOption(seg: TcpRepr): number | undefined {
  for (const o of seg.options) if (o.kind === 'wscale') return o.shift;
  return undefined;
}

/**
 * Options of our SYN or SYN-ACK (MSS first). Active open: what the config enables. Passive open
 * (SYN-ACK): only what the peer's SYN offered (§2.2, §3.2), already decided by negotiate().
 */
export function synOptions(c: TcpConnection, now: number, synAck: boolean): TcpOption[] {
  if (c.noOptions) return [];
  const cfg = c.host.config;
  const opts: TcpOption[] = [{ kind: 'mss', mss: c.advMss }];
  if (c.synOptionsDropped && !synAck) return opts;
  const ts = synAck ? c.tsOk : cfg.timestamps;
  const ws = synAck ? c.wsOk : cfg.windowScaling;
  const sack = synAck ? c.sackOk : cfg.sack;
  if (cfg.synOptionLayout === 'freebsd') return freebsdLayout(opts, ws ? c.ourWscale : undefined, sack, ts ? { kind: 'timestamp', val: tsNow(c, now), ecr: synAck ? c.tsRecent : 0 } : undefined);
  if (ts) {
    // §3.2: TSecr is zero in a SYN; a SYN-ACK echoes the SYN's TSval. RFC 2018 §2 SACK-permitted
    // takes the two bytes that would otherwise be NOPs.
    if (sack) opts.push({ kind: 'sackPermitted' });
    else opts.push({ kind: 'nop' }, { kind: 'nop' });
    opts.push({ kind: 'timestamp', val: tsNow(c, now), ecr: synAck ? c.tsRecent : 0 });
  } else if (sack) opts.push({ kind: 'nop' }, { kind: 'nop' }, { kind: 'sackPermitted' });
  if (ws) opts.push({ kind: 'nop' }, { kind: 'wscale', shift: c.ourWscale });
  return opts;
}

/**
 * FreeBSD's order (its tcp_addoptions): after the MSS, NOP + window scale; SACK-permitted on a
 * 16-bit boundary; the timestamps preceded by NOPs so that their values sit on 32-bit boundaries;
 * EOLs pad the end to a 32-bit boundary (RFC 9293 §3.1: the header ends on one).
 */
function freebsdLayout(opts: TcpOption[], wscale: number | undefined, sack: boolean, ts: TcpOption | undefined): TcpOption[] {
  let len = 4; // the MSS option already in opts
  const pad = (kind: 'nop' | 'eol', until: (n: number) => boolean): void => {
    while (!until(len)) {
      opts.push({ kind });
      len++;
    }
  };
  if (wscale !== undefined) {
    opts.push({ kind: 'nop' }, { kind: 'wscale', shift: wscale });
    len += 4;
  }
  if (sack) {
    pad('nop', (n) => n % 2 === 0);
    opts.push({ kind: 'sackPermitted' });
    len += 2;
  }
  if (ts !== undefined) {
    pad('nop', (n) => n % 4 === 2);
    opts.push(ts);
    len += 10;
  }
  pad('eol', (n) => n % 4 === 0);
  return opts;
}

/**
 * The peer's SYN (passive) or SYN-ACK (active) arrived: an option is in use when we offer it (the
 * config says so) and the peer's SYN carried it. §2.2: both shifts apply only then; §2.3: a shift
 * above 14 is used as 14. Returns the option bytes every later segment carries (for the MSS).
 */
export function negotiate(c: TcpConnection, seg: TcpRepr, now: number): number {
  if (c.noOptions || c.synOptionsDropped) return 0; // nothing offered, so nothing is in use
  const cfg = c.host.config;
  const ws = wscaleOption(seg);
  c.wsOk = cfg.windowScaling && ws !== undefined;
  c.sndWscale = c.wsOk ? Math.min(MAX_WSCALE, ws!) : 0;
  c.rcvWscale = c.wsOk ? c.ourWscale : 0;
  c.sackOk = cfg.sack && seg.options.some((o) => o.kind === 'sackPermitted');
  c.recovery.sack = c.sackOk;
  const ts = tsOption(seg);
  c.tsOk = cfg.timestamps && ts !== undefined;
  if (c.tsOk) {
    c.tsRecent = ts!.val;
    c.tsRecentAge = now;
  }
  return c.tsOk ? TS_OPTION_BYTES : 0;
}

/** Options of a non-SYN segment: the timestamp when in use (§3.2: every segment, RST included), SACK blocks. */
export function segmentOptions(c: TcpConnection, rst = false): TcpOption[] {
  const sack = c.sackOk && !rst ? sackOption(c) : undefined;
  if (!c.tsOk) return sack === undefined ? NO_OPTIONS : [{ kind: 'nop' }, { kind: 'nop' }, sack];
  const opts: TcpOption[] = [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val: tsNow(c, c.clock), ecr: c.tsRecent }];
  if (sack !== undefined) opts.push({ kind: 'nop' }, { kind: 'nop' }, sack);
  return opts;
}

const NO_OPTIONS: TcpOption[] = [];

/** TSval comparison modulo 2^32 (§5.2: "<" on timestamps is in 32-bit sequence space). */
function tsLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

export type TsVerdict = 'accept' | 'drop' | 'drop-ack';

/**
 * Checks run before the sequence-number check of RFC 9293 §3.10.7.4 in synchronized states.
 * §3.2: a non-RST segment without a TSopt is dropped silently once timestamps are in use.
 * §5.3 R1 (PAWS): TSval older than TS.Recent → not acceptable: ACK (unless RST) and drop.
 * §5.5: when TS.Recent is more than 24 days old it is invalid and PAWS is skipped.
 */
export function pawsCheck(c: TcpConnection, seg: TcpRepr, rst: boolean, now: number): TsVerdict {
  if (!c.tsOk) return 'accept';
  const ts = tsOption(seg);
  c.segTsEcr = ts !== undefined && (seg.flags & 0x10) !== 0 ? ts.ecr : undefined;
  if (ts === undefined) return rst ? 'accept' : 'drop';
  if (rst) return 'accept';
  if (tsLt(ts.val, c.tsRecent)) {
    if (now - c.tsRecentAge > PAWS_IDLE_MS) {
      // §5.5: TS.Recent has gone stale; take the segment's value instead.
      c.tsRecent = ts.val;
      c.tsRecentAge = now;
      return 'accept';
    }
    c.stats.pawsDrops++;
    return 'drop-ack';
  }
  return 'accept';
}

/**
 * §4.3 (R3): an acceptable segment updates TS.Recent when SEG.TSval ≥ TS.Recent and
 * SEG.SEQ ≤ Last.ACK.sent (the segment covers the left edge we last acknowledged).
 */
export function updateTsRecent(c: TcpConnection, seg: TcpRepr, now: number): void {
  if (!c.tsOk) return;
  const ts = tsOption(seg);
  if (ts === undefined || tsLt(ts.val, c.tsRecent)) return;
  if (((seg.seq - c.lastAckSent) | 0) > 0) return;
  c.tsRecent = ts.val;
  c.tsRecentAge = now;
}

/**
 * §4.1 RTT measurement from TSecr on an ACK of new data: RTT = now − TSecr. Retransmissions do not
 * confuse it (the echo names the segment that triggered the ACK). Taken at most once per smoothed
 * RTT so that RFC 6298's gains keep their meaning (the choice Appendix G allows).
 */
export function tsRttSample(c: TcpConnection, now: number): number | undefined {
  const r = tsRtt(c, now);
  if (r === undefined) return undefined;
  const srtt = c.rtt.srtt;
  if (srtt !== undefined && now - c.tsLastSample < srtt) return undefined;
  c.tsLastSample = now;
  return r;
}

/**
 * §4.1 RTT of this ACK from its TSecr, on every ACK (not rate limited: for congestion control's
 * per-round minimum, RFC 9406 §4.2), or undefined when the echo cannot time anything.
 */
export function tsRtt(c: TcpConnection, now: number): number | undefined {
  if (!c.tsOk || c.segTsEcr === undefined || c.segTsEcr === 0) return undefined;
  // Karn after a timeout (RFC 6298 §3, §5.7): an ACK covering data the RTO resent echoes TS.Recent,
  // which the receiver may have taken from a much older segment (RFC 7323 §4.3: holes, pure ACKs
  // such as keep-alive replies); that echo times no transmission of this data. Until a valid sample
  // clears the backoff, only segments sent after the timeout (timed normally) measure the RTT.
  if (c.rtt.backoffs > 0) return undefined;
  const r = (tsNow(c, now) - c.segTsEcr) >>> 0;
  return r > 0x7fffffff ? undefined : r;
}
