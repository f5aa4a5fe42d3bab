// The settings of one demo run, as typed into the page's controls or given in the URL
// (?loss=1&delay=20&rate=10&bytes=64k&seed=1). Parsing never throws: each field either yields a
// value or names what is wrong with it, so the page can mark the field.

export interface RunParams {
  /** Probability that the link drops a packet, each direction, in [0, 0.5]. */
  loss: number;
  /** One-way propagation delay, ms. */
  delayMs: number;
  /** Link rate in Mbit/s; 0 means no rate limit (only the delay). */
  rateMbps: number;
  /** Bytes the client sends to the server. */
  bytes: number;
  /** Seed of every random choice (loss, ISNs, ports): the same seed replays the same run. */
  seed: number;
}

/** A first run worth watching: a clean handshake, one loss among the segments the ladder draws. */
export const DEFAULT_PARAMS: Readonly<RunParams> = Object.freeze({ loss: 0.01, delayMs: 20, rateMbps: 10, bytes: 256 * 1024, seed: 8 });

export const LIMITS = {
  lossPercent: { min: 0, max: 50 },
  delayMs: { min: 0, max: 2000 },
  rateMbps: { min: 0, max: 10_000 },
  bytes: { min: 1, max: 64 * 1024 * 1024 },
  seed: { min: 0, max: 0xffffffff },
} as const;

export type ParamField = 'loss' | 'delay' | 'rate' | 'bytes' | 'seed';

/** The raw text of each control (loss in percent). */
export type ParamText = Record<ParamField, string>;

export type ParamProblem = 'number' | 'range' | 'integer';

export type ParseOutcome = { ok: true; params: RunParams } | { ok: false; problems: Partial<Record<ParamField, ParamProblem>> };

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 * 1024, mb: 1024 * 1024, mib: 1024 * 1024 };

/** '65536', '64k', '1.5 MB', '2MiB' → bytes (binary units); undefined when it is not a size. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (m === null) return undefined;
  const unit = SIZE_UNITS[(m[2] ?? '').toLowerCase()];
  if (unit === undefined) return undefined;
  const n = Number(m[1]) * unit;
  return Number.isFinite(n) ? Math.round(n) : undefined;
}

/** Bytes as the page writes them back: '64k', '1M', '1500'. */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}M`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024}k`;
  return String(bytes);
}

function plainNumber(text: string): number | undefined {
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
}

export function parseParams(t: ParamText): ParseOutcome {
  const problems: Partial<Record<ParamField, ParamProblem>> = {};
  const inRange = (field: ParamField, v: number | undefined, lim: { min: number; max: number }): number => {
    if (v === undefined || !Number.isFinite(v)) problems[field] = 'number';
    else if (v < lim.min || v > lim.max) problems[field] = 'range';
    return v ?? 0;
  };
  const lossPct = inRange('loss', plainNumber(t.loss), LIMITS.lossPercent);
  const delayMs = inRange('delay', plainNumber(t.delay), LIMITS.delayMs);
  const rateMbps = inRange('rate', plainNumber(t.rate), LIMITS.rateMbps);
  const bytes = inRange('bytes', parseSize(t.bytes), LIMITS.bytes);
  const seedNum = plainNumber(t.seed);
  const seed = inRange('seed', seedNum, LIMITS.seed);
  if (problems.seed === undefined && !Number.isInteger(seed)) problems.seed = 'integer';
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, params: { loss: lossPct / 100, delayMs, rateMbps, bytes, seed } };
}

/** The control texts for `p` (inverse of parseParams for values it produced). */
export function paramText(p: RunParams): ParamText {
  return {
    loss: String(Math.round(p.loss * 100 * 1000) / 1000),
    delay: String(p.delayMs),
    rate: String(p.rateMbps),
    bytes: formatSize(p.bytes),
    seed: String(p.seed),
  };
}

/** Control texts from a URL query, falling back to `base` for absent keys. */
export function paramTextFromQuery(query: string, base: ParamText): ParamText {
  const q = new URLSearchParams(query);
  const pick = (k: ParamField): string => q.get(k) ?? base[k];
  return { loss: pick('loss'), delay: pick('delay'), rate: pick('rate'), bytes: pick('bytes'), seed: pick('seed') };
}
