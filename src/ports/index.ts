// ports/: port ranges (RFC 6335 §6), the service registry, RFC 6056 ephemeral port selection,
// the per-protocol bind table, and SipHash-2-4 (shared with TCP for RFC 6528 ISNs).
export * from './ranges.js';
export type { ServiceEntry, TransportProtocol } from './service-table.js';
export { SERVICES } from './service-table.js';
export * from './services.js';
export * from './siphash.js';
export * from './ephemeral.js';
export * from './port-table.js';
