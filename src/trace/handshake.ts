// The study-note exchange, run for real: two layer4 stacks on the in-memory network (client
// 10.0.0.1, server 10.0.0.2:80). The client connects, sends a 100-byte request and, once the
// 500-byte answer is in, closes; the server answers, and closes shortly after the client's FIN. So
// the client closes actively (FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT) and the server passively
// (CLOSE-WAIT → LAST-ACK), RFC 9293 §3.6. The result is the recorded ladder and the pcap.

import { createNetwork } from '../sim/index.js';
import type { TcpConnection } from '../tcp/connection.js';
import type { TcpEvent } from '../tcp/events.js';
import type { TcpState } from '../tcp/states.js';
import type { LadderTrace } from '../viz/trace.js';
import { ladderFromRecords } from './ladder.js';
import { RunRecorder } from './recorder.js';
import { recordingTcpFactory } from './tcp-recorder.js';

export interface HandshakeDemoOptions {
  /** Client ISN (default 100, as in the study note). */
  isnClient?: number;
  /** Server ISN (default 2000). */
  isnServer?: number;
  /** Network seed: link loss pattern, ephemeral port (default 1). */
  seed?: number;
  /** Loss probability of the link, both directions (default 0). */
  loss?: number;
  /** One-way delay in ms (default 5). */
  delayMs?: number;
  /** Request size (default 100). */
  requestBytes?: number;
  /** Response size (default 500). */
  responseBytes?: number;
  /** Server port (default 80). */
  port?: number;
  /** How long the server takes to close after the client's FIN (default 10 ms). */
  serverCloseDelayMs?: number;
}

export interface HandshakeDemoResult {
  trace: LadderTrace;
  /** Every packet on the link (pcap, LINKTYPE_RAW). */
  pcap: Uint8Array;
  packets: number;
  /** Request and response delivered whole and both sides closed without error. */
  completed: boolean;
  /** Why not, when `completed` is false. */
  failure: string | undefined;
  /** Network time when everything was quiet (TIME-WAIT included). */
  virtualMs: number;
  finalStates: { client: TcpState | undefined; server: TcpState | undefined };
}

export const CLIENT_ADDRESS = '10.0.0.1';
export const SERVER_ADDRESS = '10.0.0.2';

export async function runHandshakeDemo(opts: HandshakeDemoOptions = {}): Promise<HandshakeDemoResult> {
  const isnClient = (opts.isnClient ?? 100) >>> 0;
  const isnServer = (opts.isnServer ?? 2000) >>> 0;
  const requestBytes = opts.requestBytes ?? 100;
  const responseBytes = opts.responseBytes ?? 500;
  const port = opts.port ?? 80;
  const closeDelay = opts.serverCloseDelayMs ?? 10;

  const net = createNetwork({ seed: opts.seed ?? 1, tcpFactory: recordingTcpFactory });
  const client = net.host({ address: CLIENT_ADDRESS, name: 'client', tcp: { isn: () => isnClient } });
  // The server delays its ACKs (RFC 9293 §3.8.6.3) from the start, so the ACK of the request rides
  // on the answer, as the study note draws it; the client acknowledges at once.
  const server = net.host({ address: SERVER_ADDRESS, name: 'server', tcp: { isn: () => isnServer, quickAckSegments: 0 } });
  net.link(client, server, { delayMs: opts.delayMs ?? 5, loss: opts.loss ?? 0 });
  const capture = net.capture();
  const rec = new RunRecorder(net);

  let failure: string | undefined;
  let serverConn: TcpConnection | undefined;
  let clientConn: TcpConnection | undefined;
  let requestIn = 0;
  let responseIn = 0;
  let answered = false;

  const fail = (who: string, ev: TcpEvent): void => {
    if (ev.type === 'closed' && ev.error !== undefined) failure ??= `${who}: connection failed (${ev.error})`;
  };

  const serverLayer = rec.watch(server, (ev) => {
    if (ev.type === 'accept-ready') serverConn ??= ev.listener.accept();
    if (ev.type === 'readable') {
      for (let d = ev.conn.recv(); d !== undefined; d = ev.conn.recv()) requestIn += d.length;
      if (!answered && requestIn >= requestBytes) {
        answered = true;
        ev.conn.send(pattern(responseBytes, 2), server.now());
      }
    }
    if (ev.type === 'peer-fin') {
      const conn = ev.conn;
      server.runtime.schedule(closeDelay, () => {
        conn.close(server.now());
        server.runtime.kick();
      });
    }
    fail('server', ev);
  });
  const clientLayer = rec.watch(client, (ev) => {
    if (ev.type === 'connected') ev.conn.send(pattern(requestBytes, 1), client.now());
    if (ev.type === 'readable') {
      for (let d = ev.conn.recv(); d !== undefined; d = ev.conn.recv()) responseIn += d.length;
      if (responseIn >= responseBytes) ev.conn.close(client.now());
    }
    fail('client', ev);
  });

  try {
    const l = serverLayer.listen({ address: SERVER_ADDRESS, port }, 8, 0);
    if (!l.ok) throw new Error(`listen: ${l.message}`);
    const c = clientLayer.connect({ address: SERVER_ADDRESS, port }, {}, 0);
    if (!c.ok) throw new Error(`connect: ${c.message}`);
    clientConn = c.value;
    client.runtime.kick();
    await net.idle();

    const trace = ladderFromRecords(rec.records, [
      { name: 'client', host: 'client', address: CLIENT_ADDRESS, port: clientConn.local.port },
      { name: 'server', host: 'server', address: SERVER_ADDRESS, port },
    ]);
    if (failure === undefined && requestIn !== requestBytes) failure = `server received ${requestIn} of ${requestBytes} request bytes`;
    if (failure === undefined && responseIn !== responseBytes) failure = `client received ${responseIn} of ${responseBytes} response bytes`;
    return {
      trace,
      pcap: capture.bytes().slice(),
      packets: capture.packets,
      completed: failure === undefined,
      failure,
      virtualMs: net.now(),
      finalStates: { client: clientConn.state, server: serverConn?.state },
    };
  } finally {
    rec.stop();
    net.close();
  }
}

/** `n` bytes of a recognisable pattern (the demo's payload; its content does not matter). */
function pattern(n: number, salt: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + salt) & 0xff;
  return b;
}
