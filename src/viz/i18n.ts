// The words the diagrams print, in English and Korean. State names stay as RFC 9293 spells them
// in both languages; prose and headings are translated.

import type { Lang, TraceSide } from './trace.js';
import { localize } from './trace.js';

export type Phase = 'handshake' | 'data' | 'close' | 'reset';

const PHASE: Record<Phase, { en: string; ko: string }> = {
  handshake: { en: '3-way handshake', ko: '3방향 핸드셰이크' },
  data: { en: 'data transfer', ko: '데이터 전송' },
  close: { en: 'connection termination (4-way close)', ko: '연결 종료 (4방향 종료)' },
  reset: { en: 'reset (RST)', ko: '연결 리셋 (RST)' },
};

export function phaseHeading(phase: Phase, lang: Lang): string {
  return PHASE[phase][lang];
}

const SIDE_LABEL: Record<string, { en: string; ko: string }> = {
  client: { en: 'Client', ko: '클라이언트' },
  server: { en: 'Server', ko: '서버' },
};

const SIDE_NOUN: Record<string, { en: string; ko: string }> = {
  client: { en: 'the client', ko: '클라이언트' },
  server: { en: 'the server', ko: '서버' },
};

/** Heading above a lifeline. */
export function sideLabel(side: TraceSide, lang: Lang): string {
  if (side.label !== undefined) return localize(side.label, lang);
  return SIDE_LABEL[side.name]?.[lang] ?? side.name;
}

/** The side as it appears inside a sentence ("the client", "클라이언트"). */
export function sideNoun(side: TraceSide, lang: Lang): string {
  const known = SIDE_NOUN[side.name];
  if (known !== undefined && side.label === undefined) return known[lang];
  return sideLabel(side, lang);
}

/** 'address:port', '[v6]:port', or '' when neither is known. */
export function sideAddress(side: TraceSide): string {
  const a = side.address;
  const p = side.port;
  if (a === undefined) return p === undefined ? '' : `:${p}`;
  if (p === undefined) return a;
  return a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`;
}

/**
 * Korean particle choice after `word`: `withFinal` (e.g. 은/이/을) after a final consonant,
 * `withoutFinal` (는/가/를) after a vowel; for non-Hangul endings both are written, as 은(는).
 */
export function josa(word: string, withFinal: string, withoutFinal: string): string {
  const last = [...word].pop();
  if (last === undefined) return withFinal;
  const cp = last.codePointAt(0)!;
  if (cp >= 0xac00 && cp <= 0xd7a3) return (cp - 0xac00) % 28 === 0 ? withoutFinal : withFinal;
  // Digits read in Sino-Korean: 0 영, 1 일, 3 삼, 6 육, 7 칠, 8 팔 end in a consonant.
  if (last >= '0' && last <= '9') return '013678'.includes(last) ? withFinal : withoutFinal;
  return `${withFinal}(${withoutFinal})`;
}

export const WORDS = {
  retransmission: { en: '(retransmission)', ko: '(재전송)' },
  lost: { en: 'lost', ko: '손실' },
  time: { en: 'time', ko: '시간' },
  legendLost: { en: '✗ = segment lost on the link', ko: '✗ = 전송 중 손실된 세그먼트' },
  legendLostAscii: { en: 'x = segment lost on the link', ko: 'x = 전송 중 손실된 세그먼트' },
} as const;

export function word(key: keyof typeof WORDS, lang: Lang): string {
  return WORDS[key][lang];
}
