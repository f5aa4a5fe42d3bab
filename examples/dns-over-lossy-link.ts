// DNS-style lookups over UDP across a lossy, jittery link, on the virtual clock.
//
// A resolver host answers A queries (RFC 1035 §4.1 message format) from a small zone; a client
// host looks names up with a timeout and retries (exponential backoff, as RFC 1536 §1 advises
// resolvers to do), matching answers to queries by ID. The whole run takes a few milliseconds of
// wall time however long the virtual timeouts are, and the same seed always prints the same story.
//
//   npm run build && node dist/examples/dns-over-lossy-link.js [--seed N] [--loss P] [--pcap FILE]

import { Buffer } from 'node:buffer';
import { pathToFileURL } from 'node:url';
import { createNetwork, type Host, type Network } from '../src/index.js';
import type { RemoteInfo } from '../src/api/dgram.js';

const ZONE: Record<string, string> = {
  'example.com': '93.184.216.34',
  'layer4.test': '10.0.0.53',
  'rfc-editor.org': '4.31.198.49',
};

// ---- a minimal RFC 1035 message codec: one question, at most one A answer ---------------------

function encodeName(name: string): Buffer {
  const parts = name.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'ascii')]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function query(id: number, name: string): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(0x0100, 2); // RD: recursion desired
  h.writeUInt16BE(1, 4); // QDCOUNT
  return Buffer.concat([h, encodeName(name), Buffer.from([0, 1, 0, 1])]); // QTYPE A, QCLASS IN
}

function parseQuestion(msg: Buffer): { id: number; name: string; end: number } | undefined {
  if (msg.length < 17) return undefined;
  const labels: string[] = [];
  let off = 12;
  while (off < msg.length && msg[off] !== 0) {
    const len = msg[off]!;
    labels.push(msg.toString('ascii', off + 1, off + 1 + len));
    off += 1 + len;
  }
  return { id: msg.readUInt16BE(0), name: labels.join('.'), end: off + 5 };
}

function answer(q: Buffer): Buffer | undefined {
  const parsed = parseQuestion(q);
  if (!parsed) return undefined;
  const addr = ZONE[parsed.name];
  const h = Buffer.from(q.subarray(0, parsed.end));
  h.writeUInt16BE(0x8180 | (addr ? 0 : 3), 2); // QR, RD, RA; RCODE 3 = NXDOMAIN
  h.writeUInt16BE(addr ? 1 : 0, 6); // ANCOUNT
  if (!addr) return h;
  const rr = Buffer.alloc(16);
  rr.writeUInt16BE(0xc00c, 0); // name: pointer to the question's name
  rr.writeUInt16BE(1, 2); // TYPE A
  rr.writeUInt16BE(1, 4); // CLASS IN
  rr.writeUInt32BE(300, 6); // TTL
  rr.writeUInt16BE(4, 10); // RDLENGTH
  addr.split('.').forEach((o, i) => rr.writeUInt8(Number(o), 12 + i));
  return Buffer.concat([h, rr]);
}

function readAnswer(msg: Buffer): { id: number; rcode: number; address?: string } {
  const id = msg.readUInt16BE(0);
  const rcode = msg.readUInt16BE(2) & 0xf;
  if (msg.readUInt16BE(6) === 0) return { id, rcode };
  const rdata = msg.subarray(msg.length - 4);
  return { id, rcode, address: [...rdata].join('.') };
}

// ---- the two hosts ------------------------------------------------------------------------------

function startResolver(host: Host): void {
  const sock = host.dgram.createSocket('udp4');
  sock.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    const reply = answer(msg);
    if (reply) sock.send(reply, rinfo.port, rinfo.address);
  });
  sock.bind(53);
}

interface LookupResult {
  name: string;
  address: string | undefined;
  tries: number;
  ms: number;
}

async function lookup(net: Network, host: Host, server: string, name: string, nextId: () => number, log: (s: string) => void): Promise<LookupResult> {
  const sock = host.dgram.createSocket('udp4');
  const start = net.now();
  let timeout = 200;
  try {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const id = nextId();
      log(`query ${name} (id ${id}, try ${attempt}, timeout ${timeout} ms)`);
      const reply = await new Promise<Buffer | undefined>((resolve) => {
        const timer = net.setTimeout(() => {
          sock.off('message', onMessage);
          resolve(undefined);
        }, timeout);
        function onMessage(msg: Buffer): void {
          if (msg.length < 12 || msg.readUInt16BE(0) !== id) return; // a late answer to an earlier try
          net.clearTimeout(timer);
          sock.off('message', onMessage);
          resolve(msg);
        }
        sock.on('message', onMessage);
        sock.send(query(id, name), 53, server);
      });
      if (reply) {
        const a = readAnswer(reply);
        log(a.address ? `answer ${name} = ${a.address}` : `answer ${name}: NXDOMAIN (rcode ${a.rcode})`);
        return { name, address: a.address, tries: attempt, ms: net.now() - start };
      }
      log(`timeout for ${name} after ${timeout} ms`);
      timeout *= 2;
    }
    return { name, address: undefined, tries: 5, ms: net.now() - start };
  } finally {
    sock.close();
  }
}

// ---- main ---------------------------------------------------------------------------------------

export interface DnsExampleOptions {
  seed?: number;
  loss?: number;
  /** Write a pcap of the run here. */
  pcap?: string;
  print?: (line: string) => void;
}

export async function runDnsExample(opts: DnsExampleOptions = {}): Promise<LookupResult[]> {
  const seed = opts.seed ?? 7;
  const loss = opts.loss ?? 0.3;
  const pcap = opts.pcap ?? '';
  const print = opts.print ?? ((line: string) => console.log(line));
  const net = createNetwork({ seed });
  // Query IDs from the network's seeded randomness, so runs repeat exactly (RFC 5452 §4.3 wants
  // them unpredictable on a real network).
  const ids = net.random.stream('example:dns-ids');
  const nextId = (): number => ids.u32() & 0xffff;
  const client = net.host({ address: '10.0.0.1', name: 'client' });
  const resolver = net.host({ address: '10.0.0.53', name: 'resolver' });
  const link = net.link(client, resolver, { delayMs: 20, jitterMs: 5, loss });
  const capture = pcap ? net.capture(pcap) : undefined;
  startResolver(resolver);

  const wall0 = performance.now();
  const log = (s: string): void => print(`t=${net.now().toFixed(1).padStart(7)} ms  ${s}`);
  print(`seed ${seed}: client 10.0.0.1 ↔ resolver 10.0.0.53, 20 ± 5 ms each way, ${(loss * 100).toFixed(0)} % loss\n`);
  const work = (async () => {
    const results: LookupResult[] = [];
    for (const name of ['example.com', 'layer4.test', 'nonexistent.example', 'rfc-editor.org']) {
      results.push(await lookup(net, client, 'resolver', name, nextId, log));
    }
    return results;
  })();
  const [results] = await Promise.all([work, net.idle()]);

  const s = link.stats();
  print('\nsummary');
  for (const r of results) print(`  ${r.name.padEnd(20)} ${(r.address ?? '-').padEnd(15)} ${r.tries} ${r.tries === 1 ? 'try ' : 'tries'} ${r.ms.toFixed(1)} ms`);
  print(`  link client→resolver: ${s.ab.sent} sent, ${s.ab.dropped.loss} lost; resolver→client: ${s.ba.sent} sent, ${s.ba.dropped.loss} lost`);
  print(`  ${net.now().toFixed(1)} ms of virtual time in ${(performance.now() - wall0).toFixed(1)} ms of wall time`);
  if (capture) {
    capture.stop();
    print(`  ${capture.packets} packets written to ${pcap}`);
  }
  net.close();
  return results;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (invokedDirectly) {
  const seed = arg('--seed');
  const loss = arg('--loss');
  const pcap = arg('--pcap');
  runDnsExample({
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
    ...(loss !== undefined ? { loss: Number(loss) } : {}),
    ...(pcap !== undefined ? { pcap } : {}),
  }).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
