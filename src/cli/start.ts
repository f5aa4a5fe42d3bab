// `layer4 start` (what `npm start` runs): what a newcomer sees after `npm install`. Two real
// layer4 stacks in memory run the study-note TCP connection, drawn as a ladder diagram; then a
// 1 MiB transfer over a lossy link, summarised; then the commands to try next.

import type { Command } from 'commander';
import { runHandshakeDemo } from '../trace/handshake.js';
import { runBulkTransfer } from '../trace/bulk.js';
import type { CliContext } from './context.js';
import { handshakeIntro, handshakeLadderText, handshakeOptions, handshakeSettings } from './demo.js';
import { bulkOptions, formatSimSummary, simSettings } from './sim.js';

const WIDTH = 80;

function section(title: string): string {
  const head = `━━ ${title} `;
  return `\n${head}${'━'.repeat(Math.max(4, WIDTH - head.length))}\n\n`;
}

/** 'name args  description' for every command but help and start; subcommands spelled out. */
function commandList(program: Command): string {
  const rows: Array<[string, string]> = [];
  for (const c of program.commands) {
    if (c.name() === 'help' || c.name() === 'start') continue;
    const subs = c.commands.filter((s) => s.name() !== 'help');
    if (subs.length > 0) for (const s of subs) rows.push([`${c.name()} ${s.name()}`, s.description()]);
    else rows.push([`${c.name()}${c.registeredArguments.map((a) => {
      const n = `${a.name()}${a.variadic ? '...' : ''}`;
      return ` ${a.required ? `<${n}>` : `[${n}]`}`;
    }).join('')}`, c.description()]);
  }
  const w = Math.max(...rows.map(([n]) => n.length)) + 2;
  return rows
    .map(([n, d]) => {
      const first = `  layer4 ${n.padEnd(w)}`;
      const room = Math.max(30, WIDTH - first.length);
      const words = d.split(' ');
      const lines: string[] = [];
      let cur = '';
      for (const word of words) {
        if (cur !== '' && cur.length + 1 + word.length > room) {
          lines.push(cur);
          cur = word;
        } else cur = cur === '' ? word : `${cur} ${word}`;
      }
      lines.push(cur);
      return lines.map((l, i) => (i === 0 ? first : ' '.repeat(first.length)) + l).join('\n');
    })
    .join('\n');
}

export function registerStart(program: Command, ctx: CliContext): void {
  program
    .command('start')
    .description('what `npm start` runs: a TCP connection and a lossy transfer between two stacks, then the commands')
    .action(async () => {
      const out = (s: string): void => ctx.io.out(s);
      out('layer4: a userspace TCP/UDP/IP stack in TypeScript. Everything below ran just now,\n');
      out('between two layer4 stacks on an in-memory network with a virtual clock.\n');

      const hs = handshakeSettings({});
      out(section('$ layer4 demo handshake --no-explain'));
      const demo = await runHandshakeDemo(handshakeOptions(hs));
      out(handshakeIntro(hs, demo) + '\n');
      out(handshakeLadderText(demo, { lang: 'en', explain: false }) + '\n');
      out('\n(`layer4 demo handshake` explains every seq/ack; --lang ko, --loss 0.3, --svg FILE)\n');

      const sim = simSettings({ bytes: '1M', loss: '0.01', delay: '10', rate: '100' });
      out(section('$ layer4 sim --bytes 1M --loss 0.01 --delay 10 --rate 100'));
      const r = await runBulkTransfer(bulkOptions(sim));
      out(formatSimSummary(sim, r));

      out(section('Commands'));
      out(commandList(program) + '\n');
      out('\nTry:  layer4 demo handshake --lang ko   ·   layer4 sim --loss 2% --plot run.svg\n');
      out('      layer4 ports 443   ·   layer4 decode FILE.pcap   ·   layer4 <command> --help\n');
    });
}
