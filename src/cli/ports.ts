// `layer4 ports [QUERY] [--json]`: a port number → its RFC 6335 §6 range and the services on it;
// a service name → its ports; nothing → the whole table. QUERY may carry a protocol: 53/udp, dns/tcp.

import type { Command } from 'commander';
import {
  allServices,
  looksNumeric,
  parsePort,
  portRange,
  PORT_RANGES,
  servicesByName,
  servicesByPort,
  type ServiceEntry,
  type TransportProtocol,
} from '../ports/index.js';
import type { CliContext } from './context.js';
import { usageError } from './errors.js';
import { pad } from './io.js';

interface PortsOptions {
  json?: boolean;
}

function rangeLabel(port: number): string {
  const r = portRange(port);
  return r === undefined ? '?' : r.name;
}

function serviceJson(e: ServiceEntry): Record<string, unknown> {
  return { name: e.name, port: e.port, protocol: e.protocol, range: rangeLabel(e.port), description: e.description, aliases: e.aliases, seed: e.seed };
}

function table(rows: ServiceEntry[], withRange: boolean, markSeed = false): string {
  const head = ['PORT', 'PROTO', 'NAME', ...(withRange ? ['RANGE'] : []), 'DESCRIPTION'];
  const cells = rows.map((e) => [
    `${markSeed && e.seed ? '*' : ' '}${e.port}`,
    e.protocol,
    e.name,
    ...(withRange ? [rangeLabel(e.port)] : []),
    e.description + (e.aliases.length > 0 ? ` (also: ${e.aliases.join(', ')})` : ''),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]): string => c.map((s, i) => (i === c.length - 1 ? s : pad(s, (widths[i] ?? 0) + 2))).join('').trimEnd();
  return [line([' ' + (head[0] ?? ''), ...head.slice(1)]), ...cells.map(line)].join('\n') + '\n';
}

function splitProtocol(query: string): { text: string; protocol: TransportProtocol | undefined } {
  const m = /^(.*)\/(tcp|udp)$/i.exec(query.trim());
  if (m === null) return { text: query.trim(), protocol: undefined };
  return { text: m[1] ?? '', protocol: (m[2] ?? 'tcp').toLowerCase() as TransportProtocol };
}

export function portsReport(query: string | undefined, json: boolean): string {
  if (query === undefined) {
    const all = allServices();
    if (json) return JSON.stringify({ ranges: PORT_RANGES, services: all.map(serviceJson) }) + '\n';
    const ranges = PORT_RANGES.map((r) => `  ${pad(r.name, 11)} ${pad(`${r.min}-${r.max}`, 12)} ${r.title}`).join('\n');
    return `Port ranges (RFC 6335 §6):\n${ranges}\n\n${table(all, true, true)}\n${all.length} services; * marks the core table.\n`;
  }
  const { text, protocol } = splitProtocol(query);
  if (looksNumeric(text)) {
    const p = parsePort(text);
    if (!p.ok) throw usageError(p.message, p.code);
    const r = portRange(p.port);
    const services = servicesByPort(p.port, protocol);
    if (json) return JSON.stringify({ query, port: p.port, protocol: protocol ?? null, range: r, services: services.map(serviceJson) }) + '\n';
    const title = r === undefined ? '' : `${r.name} port (RFC 6335 §6 ${r.title}, ${r.min}-${r.max})`;
    const body = services.length > 0 ? table(services, false) : `  no service for ${p.port}${protocol ? '/' + protocol : ''} in the registry\n`;
    return `Port ${p.port}${protocol ? '/' + protocol : ''}: ${title}\n${body}`;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(text)) throw usageError(`not a port number or service name: ${JSON.stringify(query)}`, 'BAD_QUERY');
  const services = servicesByName(text, protocol);
  if (services.length === 0) {
    throw usageError(`no service named "${text}"${protocol ? ' on ' + protocol : ''} (try \`layer4 ports\` for the table)`, 'NO_SUCH_SERVICE');
  }
  if (json) return JSON.stringify({ query, name: text.toLowerCase(), protocol: protocol ?? null, services: services.map(serviceJson) }) + '\n';
  return `Service "${text.toLowerCase()}":\n${table(services, true)}`;
}

export function registerPorts(program: Command, ctx: CliContext): void {
  program
    .command('ports')
    .description('port ranges and well-known services: a number → its range and services, a name → its ports')
    .argument('[query]', 'port number (e.g. 443, 53/udp) or service name (e.g. http, dns/udp); omit for the table')
    .option('--json', 'print one JSON object')
    // `layer4 ports -1` must reach the port check instead of failing as an unknown option.
    .allowUnknownOption()
    .addHelpText('after', '\nExamples:\n  layer4 ports 443\n  layer4 ports dns\n  layer4 ports 53/udp --json\n  layer4 ports')
    .action((query: string | undefined, opts: PortsOptions) => {
      if (query !== undefined && query.startsWith('-') && !looksNumeric(query)) throw usageError(`unknown option '${query}'`, 'UNKNOWN_OPTION');
      ctx.io.out(portsReport(query, opts.json === true));
    });
}
