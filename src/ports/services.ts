// Service registry lookups: by port number (optionally per protocol) and by name or alias,
// case-insensitively. Indexes are built once from the table in service-table.ts.

import { SERVICES, type ServiceEntry, type TransportProtocol } from './service-table.js';

const byPort = new Map<number, ServiceEntry[]>();
const byName = new Map<string, ServiceEntry[]>();

function index(map: Map<string, ServiceEntry[]>, key: string, e: ServiceEntry): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [e]);
  else if (!list.includes(e)) list.push(e);
}

for (const e of SERVICES) {
  const list = byPort.get(e.port);
  if (list === undefined) byPort.set(e.port, [e]);
  else list.push(e);
  index(byName, e.name, e);
  for (const a of e.aliases) index(byName, a, e);
}

/** Services registered on `port` (all protocols, or only `protocol`), sorted tcp before udp. */
export function servicesByPort(port: number, protocol?: TransportProtocol): ServiceEntry[] {
  const list = byPort.get(port) ?? [];
  return protocol === undefined ? [...list] : list.filter((e) => e.protocol === protocol);
}

/** Services whose name or alias equals `name` (case-insensitive, surrounding space ignored), sorted by port. */
export function servicesByName(name: string, protocol?: TransportProtocol): ServiceEntry[] {
  if (typeof name !== 'string') return [];
  const list = byName.get(name.trim().toLowerCase()) ?? [];
  return protocol === undefined ? [...list] : list.filter((e) => e.protocol === protocol);
}

/**
 * The port a client means by `name` on `protocol`: the lowest port whose own name is `name`, else
 * the lowest port that has it as an alias ('ftp' → 21, 'ftp-data' → 20, 'dhcp' → 67, 'www' → 80).
 */
export function portForService(name: string, protocol: TransportProtocol = 'tcp'): number | undefined {
  const key = name.trim().toLowerCase();
  const list = servicesByName(key, protocol);
  return (list.find((e) => e.name === key) ?? list[0])?.port;
}

/** The common name of the service on `port`/`protocol`, if any. */
export function serviceName(port: number, protocol: TransportProtocol = 'tcp'): string | undefined {
  return servicesByPort(port, protocol)[0]?.name;
}

/** All entries (a copy), sorted by port then protocol. */
export function allServices(): ServiceEntry[] {
  return [...SERVICES];
}
