// `layer4 start` (what `npm start` runs): the command overview, then one packet decoded to show
// what the tools print. A TCP SYN as a client would send it to a web server.

import type { Command } from 'commander';
import { toHex } from '../wire/bytes.js';
import { buildIpPacket } from '../wire/build.js';
import { decodePacket } from '../wire/packet.js';
import { formatDecoded } from '../wire/packet-format.js';
import { TcpFlag } from '../wire/tcp-types.js';
import type { CliContext } from './context.js';

/** A SYN from 10.0.0.1:49152 to 10.0.0.2:80 with ISN 100 and the options Linux sends. */
export function sampleSyn(): Uint8Array {
  return buildIpPacket({
    src: '10.0.0.1',
    dst: '10.0.0.2',
    dontFragment: true,
    tcp: {
      srcPort: 49152,
      dstPort: 80,
      seq: 100,
      flags: TcpFlag.SYN,
      window: 64240,
      options: [{ kind: 'mss', mss: 1460 }, { kind: 'sackPermitted' }, { kind: 'timestamp', val: 1, ecr: 0 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }],
    },
  });
}

/** Hex bytes spaced and wrapped 20 to a line with shell continuations, ready to paste. */
function spaced(hex: string): string {
  const bytes = hex.match(/../g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 20) lines.push(bytes.slice(i, i + 20).join(' '));
  return lines.join(' \\\n    ');
}

export function registerStart(program: Command, ctx: CliContext): void {
  program
    .command('start')
    .description('what `npm start` runs: this overview and a sample packet decoded')
    .action(() => {
      const rule = '─'.repeat(72);
      ctx.io.out(program.helpInformation());
      const syn = sampleSyn();
      ctx.io.out(`\n${rule}\nA TCP SYN (the first packet of the 3-way handshake), decoded:\n\n`);
      ctx.io.out(`$ layer4 decode ${spaced(toHex(syn))}\n\n`);
      ctx.io.out(formatDecoded(decodePacket(syn)) + '\n');
      ctx.io.out(`\n${rule}\nTry:  layer4 ports 443   ·   layer4 ports dns   ·   layer4 decode FILE.pcap   ·   layer4 <command> --help\n`);
    });
}
