// TCP flag strings as packetdrill writes them (tcpdump style): F S R P . (ACK) U E (ECE)
// W (CWR) A (AE), `-` for none, and a digit 0-7 for the AccECN ACE counter (RFC 9768 §3.2.2:
// ACE = AE·4 + CWR·2 + ECE), which excludes E/W/A in the same string.

import { TcpFlag } from '../wire/tcp-types.js';
import type { TcpFlagsSpec } from './ast.js';

const LETTER_BITS: Record<string, number> = {
  F: TcpFlag.FIN,
  S: TcpFlag.SYN,
  R: TcpFlag.RST,
  P: TcpFlag.PSH,
  '.': TcpFlag.ACK,
  U: TcpFlag.URG,
  E: TcpFlag.ECE,
  W: TcpFlag.CWR,
  A: TcpFlag.AE,
};

export const ACE_MASK = TcpFlag.AE | TcpFlag.CWR | TcpFlag.ECE;

export function aceOfBits(bits: number): number {
  return ((bits & TcpFlag.AE) !== 0 ? 4 : 0) | ((bits & TcpFlag.CWR) !== 0 ? 2 : 0) | ((bits & TcpFlag.ECE) !== 0 ? 1 : 0);
}

export function bitsOfAce(ace: number): number {
  return ((ace & 4) !== 0 ? TcpFlag.AE : 0) | ((ace & 2) !== 0 ? TcpFlag.CWR : 0) | ((ace & 1) !== 0 ? TcpFlag.ECE : 0);
}

/** Parses a flag string; returns an error message instead of throwing. */
export function parseFlags(text: string): { ok: true; flags: TcpFlagsSpec } | { ok: false; message: string } {
  if (text === '-') return { ok: true, flags: { text, bits: 0 } };
  if (text.length === 0) return { ok: false, message: 'missing TCP flags' };
  let bits = 0;
  let ace: number | undefined;
  let sawEcnLetter = false;
  for (const ch of text) {
    if (ch >= '0' && ch <= '7') {
      if (ace !== undefined || sawEcnLetter) return { ok: false, message: `conflicting TCP flag '${ch}' in '${text}'` };
      ace = ch.charCodeAt(0) - 48;
      bits |= bitsOfAce(ace);
      continue;
    }
    const bit = LETTER_BITS[ch];
    if (bit === undefined) return { ok: false, message: `invalid TCP flag '${ch}' in '${text}'` };
    if (ch === 'E' || ch === 'W' || ch === 'A') {
      if (ace !== undefined) return { ok: false, message: `conflicting TCP flag '${ch}' in '${text}'` };
      sawEcnLetter = true;
    }
    bits |= bit;
  }
  const flags: TcpFlagsSpec = { text, bits };
  if (ace !== undefined) flags.ace = ace;
  return { ok: true, flags };
}

/**
 * Prints flag bits in tcpdump order (F S R P . U, then E W A, or the ACE digit when
 * `asAce`); `-` when no flag is set.
 */
export function formatFlags(bits: number, asAce = false): string {
  let s = '';
  if (bits & TcpFlag.FIN) s += 'F';
  if (bits & TcpFlag.SYN) s += 'S';
  if (bits & TcpFlag.RST) s += 'R';
  if (bits & TcpFlag.PSH) s += 'P';
  if (bits & TcpFlag.ACK) s += '.';
  if (bits & TcpFlag.URG) s += 'U';
  if (asAce) {
    s += String(aceOfBits(bits));
  } else {
    if (bits & TcpFlag.ECE) s += 'E';
    if (bits & TcpFlag.CWR) s += 'W';
    if (bits & TcpFlag.AE) s += 'A';
  }
  return s === '' ? '-' : s;
}

const NAMES: Array<[number, string]> = [
  [TcpFlag.FIN, 'FIN'],
  [TcpFlag.SYN, 'SYN'],
  [TcpFlag.RST, 'RST'],
  [TcpFlag.PSH, 'PSH'],
  [TcpFlag.ACK, 'ACK'],
  [TcpFlag.URG, 'URG'],
  [TcpFlag.ECE, 'ECE'],
  [TcpFlag.CWR, 'CWR'],
  [TcpFlag.AE, 'AE'],
];

export type FlagsMatch = { ok: true } | { ok: false; missing: string[]; unexpected: string[]; message: string };

/**
 * Compares an expected flag spec with the flags of an actual segment. As packetdrill does,
 * every flag must agree; when the script wrote an ACE digit, the three ECN bits are compared
 * as one counter instead of one by one.
 */
export function matchFlags(expected: TcpFlagsSpec, actualBits: number): FlagsMatch {
  const mask = 0x1ff;
  const exp = expected.bits & mask;
  const act = actualBits & mask;
  if (exp === act) return { ok: true };
  const missing: string[] = [];
  const unexpected: string[] = [];
  for (const [bit, name] of NAMES) {
    if (expected.ace !== undefined && (bit & ACE_MASK) !== 0) continue;
    if ((exp & bit) !== 0 && (act & bit) === 0) missing.push(name);
    if ((exp & bit) === 0 && (act & bit) !== 0) unexpected.push(name);
  }
  const aceDiffers = expected.ace !== undefined && aceOfBits(act) !== expected.ace;
  if (missing.length === 0 && unexpected.length === 0 && !aceDiffers) return { ok: true };
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing ${missing.join(',')}`);
  if (unexpected.length > 0) parts.push(`unexpected ${unexpected.join(',')}`);
  if (aceDiffers) parts.push(`ACE ${aceOfBits(act)} instead of ${expected.ace}`);
  return {
    ok: false,
    missing,
    unexpected,
    message: `flags ${formatFlags(act, expected.ace !== undefined)} instead of ${expected.text}: ${parts.join('; ')}`,
  };
}
