// The page's own words in English and Korean (the diagrams translate themselves: src/viz/i18n.ts).
// State names stay as RFC 9293 spells them in both languages.

import type { Lang } from '../src/viz/trace.js';
import type { RunParams } from './params.js';
import type { FailReason } from './run.js';

export const STRINGS = {
  pageTitle: { en: 'layer4 — TCP, alive', ko: 'layer4 — 살아 있는 TCP' },
  heading: { en: 'TCP, alive', ko: '살아 있는 TCP' },
  lead: {
    en: 'Two layer4 TCP/IP stacks run inside this page: a client at 10.0.0.1 sends bytes to a server at 10.0.0.2 over a simulated link. Set the link, press Run, and watch every segment they really exchange.',
    ko: '이 페이지 안에서 layer4 TCP/IP 스택 두 개가 실행됩니다. 10.0.0.1의 클라이언트가 가상 링크를 거쳐 10.0.0.2의 서버로 바이트를 보냅니다. 링크를 설정하고 실행을 누르면, 두 스택이 실제로 주고받는 세그먼트를 모두 볼 수 있습니다.',
  },
  loss: { en: 'Loss', ko: '손실률' },
  lossHint: { en: 'each packet, each direction', ko: '패킷마다, 양방향' },
  delay: { en: 'Delay', ko: '지연' },
  delayHint: { en: 'one way', ko: '단방향' },
  rate: { en: 'Rate', ko: '대역폭' },
  rateHint: { en: '0 = unlimited', ko: '0 = 무제한' },
  bytes: { en: 'Bytes', ko: '바이트' },
  bytesHint: { en: 'e.g. 1500, 64k, 1M', ko: '예: 1500, 64k, 1M' },
  seed: { en: 'Seed', ko: '시드' },
  seedHint: { en: 'same seed, same run', ko: '같은 시드, 같은 결과' },
  run: { en: 'Run', ko: '실행' },
  skip: { en: 'Skip to end', ko: '끝으로 건너뛰기' },
  explain: { en: 'Explain each segment', ko: '세그먼트마다 설명 보기' },
  ladderTitle: { en: 'Ladder diagram', ko: '래더 다이어그램' },
  ladderHint: {
    en: 'The handshake, the first segments of the transfer and the close, with each side’s state.',
    ko: '핸드셰이크, 전송의 처음 몇 세그먼트, 연결 종료를 양쪽 상태와 함께 보여 줍니다.',
  },
  plotTitle: { en: 'Time-sequence plot', ko: '시간-순서 번호 그래프' },
  plotHint: {
    en: 'Every data segment the client sent (bars), the ACKs it got back, and its congestion window below.',
    ko: '클라이언트가 보낸 모든 데이터 세그먼트(막대), 돌아온 ACK, 그리고 아래에 혼잡 윈도를 보여 줍니다.',
  },
  statusIdle: { en: 'Set the link and press Run.', ko: '링크를 설정하고 실행을 누르세요.' },
  statusRunning: { en: 'Running…', ko: '실행 중…' },
  statusDone: {
    en: '{bytes} bytes delivered in order and checked, in {time} of virtual time.',
    ko: '{bytes}바이트를 순서대로 전달하고 검증했습니다. 가상 시간 {time}.',
  },
  statusFailed: { en: 'The transfer failed: {reason}', ko: '전송 실패: {reason}' },
  badInput: { en: 'Check the marked fields.', ko: '표시된 칸을 확인하세요.' },
  problemNumber: { en: 'not a number', ko: '숫자가 아닙니다' },
  problemRange: { en: 'allowed: {min}–{max}', ko: '허용 범위: {min}–{max}' },
  problemInteger: { en: 'a whole number', ko: '정수여야 합니다' },
  statTime: { en: 'virtual time', ko: '가상 시간' },
  statClient: { en: 'client', ko: '클라이언트' },
  statServer: { en: 'server', ko: '서버' },
  statReceived: { en: 'received', ko: '수신' },
  statSegments: { en: 'segments', ko: '세그먼트' },
  statRetx: { en: 'retransmitted', ko: '재전송' },
  statLost: { en: 'lost on the link', ko: '링크에서 손실' },
  statGoodput: { en: 'goodput', ko: '유효 처리량' },
  footer: {
    en: 'Everything runs in this tab: the stacks are the same TypeScript code as the layer4 library, bundled for the browser; the server only serves these files.',
    ko: '모든 것이 이 탭 안에서 실행됩니다. 스택은 layer4 라이브러리와 같은 TypeScript 코드를 브라우저용으로 묶은 것이고, 서버는 이 파일들을 보내 줄 뿐입니다.',
  },
} as const satisfies Record<string, { en: string; ko: string }>;

export type StringKey = keyof typeof STRINGS;

/** The text of `key` in `lang`, with {name} placeholders filled from `vars`. */
export function t(key: StringKey, lang: Lang, vars: Record<string, string | number> = {}): string {
  return STRINGS[key][lang].replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Milliseconds as the status line shows them: '850 ms', '1.28 s', '2 min 5 s'. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms - m * 60_000) / 1000)} s`;
}

/** Bits per second in the largest unit that keeps the number ≥ 1. */
export function formatRate(bitsPerSecond: number): string {
  if (!Number.isFinite(bitsPerSecond) || bitsPerSecond <= 0) return '–';
  const units: Array<[number, string]> = [
    [1e9, 'Gbit/s'],
    [1e6, 'Mbit/s'],
    [1e3, 'kbit/s'],
  ];
  for (const [f, u] of units) if (bitsPerSecond >= f) return `${(bitsPerSecond / f).toPrecision(3)} ${u}`;
  return `${Math.round(bitsPerSecond)} bit/s`;
}

/** 65536 → '65,536'. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Why a run failed, in words. */
export function failText(r: FailReason, lang: Lang, total: number): string {
  const ko = lang === 'ko';
  switch (r.code) {
    case 'tcp-error': {
      const who = r.side === 0 ? (ko ? '클라이언트' : 'the client') : ko ? '서버' : 'the server';
      return ko ? `${who} 연결이 ${r.error} 오류로 끝났습니다` : `${who}’s connection ended with ${r.error}`;
    }
    case 'stalled':
      return ko ? '전송이 끝나기 전에 더 일어날 일이 없습니다' : 'nothing was left to happen before the transfer finished';
    case 'virtual-limit':
      return ko ? `가상 시간 ${r.minutes}분이 지나도 끝나지 않아 멈췄습니다` : `still not finished after ${r.minutes} minutes of virtual time`;
    case 'event-limit':
      return ko ? '이벤트가 너무 많습니다' : 'too many events';
    case 'incomplete':
      return ko ? `서버가 ${formatCount(total)}바이트 중 ${formatCount(r.received)}바이트만 받았습니다` : `the server got ${formatCount(r.received)} of ${formatCount(total)} bytes`;
    case 'corrupt':
      return ko ? `${formatCount(r.bytes)}바이트가 바뀐 채로 도착했습니다` : `${formatCount(r.bytes)} bytes arrived changed`;
  }
}

/** The plot's title: what was sent over which link. */
export function runTitle(p: RunParams, lang: Lang): string {
  const ko = lang === 'ko';
  const pct = `${Math.round(p.loss * 100 * 1000) / 1000} %`;
  const rate = p.rateMbps > 0 ? `${p.rateMbps} Mbit/s` : ko ? '대역폭 무제한' : 'unlimited rate';
  return ko
    ? `${formatCount(p.bytes)}바이트 · 손실 ${pct} · 지연 ${p.delayMs} ms · ${rate}`
    : `${formatCount(p.bytes)} bytes · loss ${pct} · delay ${p.delayMs} ms · ${rate}`;
}
