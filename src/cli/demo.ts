// `layer4 demo handshake`: the study-note connection run by two real stacks (trace/handshake.ts)
// and drawn as a ladder diagram from the packets they exchanged and the states they went through.
// Defaults reproduce the note: ISN 100 / 2000, 100 bytes up, 500 bytes down, 4-way close.

import type { Command } from 'commander';
import { runHandshakeDemo, type HandshakeDemoOptions, type HandshakeDemoResult } from '../trace/handshake.js';
import { renderLadderSvg } from '../viz/ladder-svg.js';
import { renderLadderText } from '../viz/ladder-text.js';
import type { Lang } from '../viz/trace.js';
import { wrapDisplay } from '../viz/width.js';
import type { CliContext } from './context.js';
import { runtimeError, usageError } from './errors.js';
import { checkOutputFile, parseInteger, parseProbability, writeOutput } from './sim.js';

interface HandshakeFlags {
  isnClient?: string;
  isnServer?: string;
  lang?: string;
  svg?: string;
  pcap?: string;
  loss?: string;
  seed?: string;
  time?: boolean;
  ascii?: boolean;
  explain?: boolean;
  json?: boolean;
}

export interface HandshakeSettings {
  isnClient: number;
  isnServer: number;
  lang: Lang;
  loss: number;
  seed: number;
}

export function handshakeSettings(f: HandshakeFlags): HandshakeSettings {
  const lang = f.lang ?? 'en';
  if (lang !== 'en' && lang !== 'ko') throw usageError(`--lang must be en or ko, got ${JSON.stringify(lang)}`, 'BAD_ARGUMENT');
  return {
    isnClient: f.isnClient === undefined ? 100 : parseInteger('--isn-client', f.isnClient, 0, 2 ** 32 - 1),
    isnServer: f.isnServer === undefined ? 2000 : parseInteger('--isn-server', f.isnServer, 0, 2 ** 32 - 1),
    lang,
    loss: f.loss === undefined ? 0 : parseProbability('--loss', f.loss),
    seed: f.seed === undefined ? 1 : parseInteger('--seed', f.seed, -(2 ** 31), 2 ** 32 - 1),
  };
}

export function handshakeOptions(s: HandshakeSettings): HandshakeDemoOptions {
  return { isnClient: s.isnClient, isnServer: s.isnServer, loss: s.loss, seed: s.seed };
}

const TITLE = { en: 'TCP connection: 3-way handshake, data, 4-way close', ko: 'TCP 연결: 3방향 핸드셰이크, 데이터, 4방향 종료' };

export interface LadderViewOptions {
  lang: Lang;
  time?: boolean;
  ascii?: boolean;
  explain?: boolean;
}

/**
 * Two lines above the ladder saying what ran and that the diagram is a recording, not a drawing;
 * with loss, how many packets the link dropped.
 */
export function handshakeIntro(s: HandshakeSettings, r: HandshakeDemoResult): string {
  const lost = r.trace.entries.filter((e) => e.kind === 'segment' && e.lost === true).length;
  const segs = r.trace.entries.filter((e) => e.kind === 'segment').length;
  const lines =
    s.lang === 'ko'
      ? [
          `두 layer4 스택이 메모리에서 실제로 주고받은 패킷 ${segs}개와 TCP 상태입니다.`,
          `ISN: 클라이언트 ${s.isnClient}, 서버 ${s.isnServer}. 클라이언트가 100바이트를 보내고`,
          '500바이트를 받은 뒤 먼저 닫습니다.',
          ...(s.loss > 0 ? [`링크 손실률 ${pct(s.loss)} (seed ${s.seed}): ${segs}개 중 ${lost}개 손실.`] : []),
        ]
      : [
          `Two layer4 stacks in memory; every arrow is one of the ${segs} packets they sent.`,
          `ISN client ${s.isnClient} / server ${s.isnServer}; 100 bytes up, 500 down; the client closes first.`,
          ...(s.loss > 0 ? [`Link loss ${pct(s.loss)} (seed ${s.seed}): ${lost} of ${segs} packets lost.`] : []),
        ];
  return lines.flatMap((l) => wrapDisplay(l, 80)).join('\n') + '\n';
}

function pct(p: number): string {
  return `${Number((p * 100).toPrecision(3))}%`;
}

/** The ladder as the command prints it (explanations on unless turned off; no trailing blanks). */
export function handshakeLadderText(r: HandshakeDemoResult, v: LadderViewOptions): string {
  return renderLadderText(r.trace, { lang: v.lang, explain: v.explain ?? true, time: v.time ?? false, ascii: v.ascii ?? false }).replace(/ +$/gm, '');
}

/** The --json object: the settings, the outcome and the trace the ladder is drawn from. */
export function handshakeJson(s: HandshakeSettings, r: HandshakeDemoResult): Record<string, unknown> {
  return {
    isnClient: s.isnClient,
    isnServer: s.isnServer,
    loss: s.loss,
    seed: s.seed,
    completed: r.completed,
    ...(r.failure !== undefined ? { failure: r.failure } : {}),
    packets: r.packets,
    virtualMs: r.virtualMs,
    finalStates: r.finalStates,
    trace: r.trace,
  };
}

export function registerDemo(program: Command, ctx: CliContext): void {
  const demo = program.command('demo').description('protocol demonstrations run by real layer4 stacks in memory');
  demo
    .command('handshake')
    .description('3-way handshake, 100 B up, 500 B down, 4-way close between two stacks, as a ladder diagram')
    .option('--isn-client <n>', "client's initial sequence number", '100')
    .option('--isn-server <n>', "server's initial sequence number", '2000')
    .option('--lang <lang>', 'language of the diagram: en or ko', 'en')
    .option('--loss <p>', 'loss probability of the link: shows retransmissions (with --seed)', '0')
    .option('--seed <n>', 'network seed (which packets are lost, the client port)', '1')
    .option('--time', 'add a column with the send time of each segment (ms)')
    .option('--ascii', 'plain ASCII instead of box drawing')
    .option('--no-explain', 'leave out the seq/ack explanations')
    .option('--svg <file>', 'also write the ladder as SVG')
    .option('--pcap <file>', 'also write the packets as a pcap file')
    .option('--json', 'print the trace as one JSON object instead of the diagram')
    .addHelpText('after', '\nExamples:\n  layer4 demo handshake\n  layer4 demo handshake --lang ko\n  layer4 demo handshake --isn-client 5000 --svg ladder.svg\n  layer4 demo handshake --loss 0.3 --seed 7 --time --pcap lossy.pcap')
    .action(async (flags: HandshakeFlags) => {
      const s = handshakeSettings(flags);
      const svg = flags.svg === undefined ? undefined : checkOutputFile('--svg', flags.svg);
      const pcap = flags.pcap === undefined ? undefined : checkOutputFile('--pcap', flags.pcap);
      const json = flags.json === true;
      const r = await runHandshakeDemo(handshakeOptions(s));
      if (svg !== undefined) {
        writeOutput(svg, renderLadderSvg(r.trace, { lang: s.lang, explain: flags.explain !== false, time: true, title: TITLE[s.lang] }));
      }
      if (pcap !== undefined) writeOutput(pcap, r.pcap);
      if (json) ctx.io.out(JSON.stringify(handshakeJson(s, r)) + '\n');
      else ctx.io.out(handshakeIntro(s, r) + '\n' + handshakeLadderText(r, { lang: s.lang, time: flags.time === true, ascii: flags.ascii === true, explain: flags.explain !== false }) + '\n');
      if (!r.completed) throw runtimeError(`the exchange did not complete: ${r.failure ?? 'unknown reason'}`, 'DEMO_FAILED', json);
    });
}
