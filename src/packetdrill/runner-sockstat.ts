// FreeBSD tcp-testsuite's state checks and drops, answered from the layer's connection table
// instead of a shell: `sockstat [-4|-6] [-N] -P tcp -s [-p PORT] | grep WORD … | grep -c STATE | grep N`
// (the pipeline's exit status is what the script relies on: non-zero fails the script) and
// `tcpdrop -s STATE` / `tcpdrop -a` / `tcpdrop LADDR LPORT FADDR FPORT` (abort the named
// connections: RST where RFC 9293 §3.10.5 ABORT sends one, none from TIME-WAIT).

import type { TcpConnection } from '../tcp/connection.js';
import type { TcpState } from '../tcp/states.js';

export type LiveOutcome = { ok: true } | { ok: false; message: string };

export interface LiveTable {
  connections(): Iterable<TcpConnection>;
  /** Listening ports (sockstat lists listeners as LISTEN). */
  listeningPorts(): Iterable<number>;
  ipv6: boolean;
  abort(c: TcpConnection): void;
}

/** FreeBSD's tcpstates[] names, as sockstat -s prints them. */
const BSD_NAME: Record<TcpState, string> = {
  CLOSED: 'CLOSED',
  LISTEN: 'LISTEN',
  'SYN-SENT': 'SYN_SENT',
  'SYN-RECEIVED': 'SYN_RCVD',
  ESTABLISHED: 'ESTABLISHED',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  'FIN-WAIT-1': 'FIN_WAIT_1',
  CLOSING: 'CLOSING',
  'LAST-ACK': 'LAST_ACK',
  'FIN-WAIT-2': 'FIN_WAIT_2',
  'TIME-WAIT': 'TIME_WAIT',
};

function words(s: string): string[] {
  return s.trim().split(/\s+/).filter((w) => w !== '');
}

function stripLine(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter((l) => l !== '');
  return lines.length === 1 ? lines[0] : undefined;
}

/** Whether the command is one of these (so the scan lets it through to the runner). */
export function isLiveCommand(text: string): boolean {
  const line = stripLine(text);
  if (line === undefined || /[;&><`$]/.test(line)) return false;
  const first = words(line.split('|')[0] ?? '')[0];
  return first === 'sockstat' || first === 'tcpdrop';
}

function sockstatLines(args: string[], t: LiveTable): string[] | string {
  let port: number | undefined;
  let family: 4 | 6 | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-p') {
      port = Number(args[++i]);
      if (!Number.isInteger(port)) return 'sockstat -p needs a port';
    } else if (a === '-P') {
      if (args[++i] !== 'tcp') return `sockstat -P ${args[i] ?? ''} is not supported`;
    } else if (a === '-4') family = 4;
    else if (a === '-6') family = 6;
    else if (a !== '-s' && a !== '-N' && a !== '-n' && a !== '-q') return `sockstat ${a} is not supported`;
  }
  if ((family === 4 && t.ipv6) || (family === 6 && !t.ipv6)) return [];
  const proto = t.ipv6 ? 'tcp6' : 'tcp4';
  const out: string[] = [];
  for (const lp of t.listeningPorts()) {
    if (port === undefined || lp === port) out.push(`root packetdril 1 3 ${proto} *:${lp} *:* LISTEN`);
  }
  for (const c of t.connections()) {
    if (port !== undefined && c.local.port !== port && c.remote.port !== port) continue;
    out.push(`root packetdril 1 4 ${proto} ${c.local.address}:${c.local.port} ${c.remote.address}:${c.remote.port} ${BSD_NAME[c.state]}`);
  }
  return out;
}

/** `grep [-c] WORD` over lines; returns the output lines and whether grep succeeded. */
function grep(args: string[], input: string[]): { out: string[]; ok: boolean } | string {
  const count = args[0] === '-c';
  const rest = count ? args.slice(1) : args;
  if (rest.length !== 1 || rest[0]!.startsWith('-')) return `grep ${args.join(' ')} is not supported`;
  const w = rest[0]!;
  const hits = input.filter((l) => l.includes(w));
  return count ? { out: [String(hits.length)], ok: hits.length > 0 } : { out: hits, ok: hits.length > 0 };
}

function tcpdrop(args: string[], t: LiveTable): LiveOutcome | string {
  const all = [...t.connections()];
  let victims: TcpConnection[];
  if (args[0] === '-a' && args.length === 1) victims = all;
  else if (args[0] === '-s' && args.length === 2) victims = all.filter((c) => BSD_NAME[c.state] === args[1]);
  else if (args.length === 4) {
    const [la, lp, fa, fp] = args;
    victims = all.filter((c) => c.local.address === la && String(c.local.port) === lp && c.remote.address === fa && String(c.remote.port) === fp);
    if (victims.length === 0) return { ok: false, message: `tcpdrop: no connection ${args.join(' ')}` };
  } else return `tcpdrop ${args.join(' ')} is not supported`;
  for (const c of victims) t.abort(c);
  return { ok: true };
}

/**
 * Runs a sockstat pipeline or a tcpdrop. A string result names what is not supported (the
 * script is then skipped); `ok: false` is the command failing, as its exit status would.
 */
export function runLiveCommand(text: string, t: LiveTable): LiveOutcome | string {
  const line = stripLine(text);
  if (line === undefined) return 'command is not a single line';
  const stages = line.split('|').map(words);
  const head = stages[0] ?? [];
  if (head[0] === 'tcpdrop') return stages.length === 1 ? tcpdrop(head.slice(1), t) : 'tcpdrop in a pipeline is not supported';
  if (head[0] !== 'sockstat') return `shell command '${line}' is not supported`;
  const first = sockstatLines(head.slice(1), t);
  if (typeof first === 'string') return first;
  let lines = first;
  let ok = true;
  for (const st of stages.slice(1)) {
    if (st[0] !== 'grep') return `'${st.join(' ')}' in a pipeline is not supported`;
    const g = grep(st.slice(1), lines);
    if (typeof g === 'string') return g;
    lines = g.out;
    ok = g.ok;
  }
  return ok ? { ok: true } : { ok: false, message: `\`${line}\` exited with status 1 (output: ${lines.join(' / ') || 'none'})` };
}
