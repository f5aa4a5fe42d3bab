// Port number ranges (RFC 6335 §6) and validation of port numbers given as numbers or text.
// Validation returns a result with a stable error code; it never throws.

/** RFC 6335 §6: System Ports 0–1023, User Ports 1024–49151, Dynamic and/or Private Ports 49152–65535. */
export type PortRangeName = 'well-known' | 'registered' | 'dynamic';

export interface PortRange {
  name: PortRangeName;
  /** RFC 6335 §6 wording. */
  title: string;
  min: number;
  max: number;
}

export const PORT_MIN = 0;
export const PORT_MAX = 65535;

export const PORT_RANGES: readonly PortRange[] = [
  { name: 'well-known', title: 'System Ports', min: 0, max: 1023 },
  { name: 'registered', title: 'User Ports', min: 1024, max: 49151 },
  { name: 'dynamic', title: 'Dynamic and/or Private Ports', min: 49152, max: 65535 },
];

/** RFC 6056 §2.1 / RFC 6335 §6: the range ephemeral ports are drawn from by default. */
export const EPHEMERAL_MIN = 49152;
export const EPHEMERAL_MAX = 65535;

export type PortErrorCode = 'PORT_NOT_INTEGER' | 'PORT_OUT_OF_RANGE' | 'PORT_EMPTY';

export type PortResult = { ok: true; port: number } | { ok: false; code: PortErrorCode; message: string };

/** True for an integer 0..65535. */
export function isValidPort(n: number): boolean {
  return Number.isInteger(n) && n >= PORT_MIN && n <= PORT_MAX;
}

/** The RFC 6335 §6 range `n` falls in, or undefined when `n` is not a valid port number. */
export function portRange(n: number): PortRange | undefined {
  if (!isValidPort(n)) return undefined;
  for (const r of PORT_RANGES) if (n >= r.min && n <= r.max) return r;
  return undefined;
}

/** Checks a numeric port. */
export function checkPort(n: number): PortResult {
  if (!Number.isInteger(n)) return { ok: false, code: 'PORT_NOT_INTEGER', message: `port must be an integer, got ${n}` };
  if (n < PORT_MIN || n > PORT_MAX) {
    return { ok: false, code: 'PORT_OUT_OF_RANGE', message: `port ${n} is out of range (${PORT_MIN}-${PORT_MAX})` };
  }
  return { ok: true, port: n };
}

/** True when `text` looks like an attempt at a number (signed, possibly fractional), not a name. */
export function looksNumeric(text: string): boolean {
  return /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(text);
}

/** Parses decimal port text such as "443". Signs, fractions and out-of-range values are errors. */
export function parsePort(text: string): PortResult {
  if (typeof text !== 'string') return { ok: false, code: 'PORT_NOT_INTEGER', message: `port text must be a string, got ${typeof text}` };
  const t = text.trim();
  if (t === '') return { ok: false, code: 'PORT_EMPTY', message: 'port is empty' };
  if (!looksNumeric(t)) return { ok: false, code: 'PORT_NOT_INTEGER', message: `not a port number: ${JSON.stringify(text)}` };
  if (t.includes('.')) return { ok: false, code: 'PORT_NOT_INTEGER', message: `port must be an integer, got ${t}` };
  const n = Number(t) || 0; // folds -0 to 0
  if (n < PORT_MIN || n > PORT_MAX) {
    return { ok: false, code: 'PORT_OUT_OF_RANGE', message: `port ${t} is out of range (${PORT_MIN}-${PORT_MAX})` };
  }
  return { ok: true, port: n };
}
