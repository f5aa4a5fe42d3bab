// Fuzz targets: a TcpLayer ("us", 10.0.0.1) brought into a given state by a real handshake with a
// second layer through the Pair harness, after which the fuzzer plays the peer (10.0.0.2) and feeds
// segments straight into our layer. The connection's live variables tell the fuzzer where the
// window is, so generated segments can sit just inside, just outside, or far from it.

import type { TcpConnection } from '../tcp/connection.js';
import type { TcpLayer } from '../tcp/layer.js';
import { Pair } from '../tcp/pair.js';
import type { TcpState } from '../tcp/states.js';
import { ChaosRandom } from './random.js';

export const FUZZ_STATES = ['LISTEN', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT'] as const;
export type FuzzState = (typeof FUZZ_STATES)[number];

export const US = { address: '10.0.0.1', port: 80 };
export const PEER_ADDRESS = '10.0.0.2';
const LIMIT_MS = 600_000;

export interface FuzzTarget {
  state: FuzzState;
  pair: Pair;
  layer: TcpLayer;
  /** Our connection (undefined for LISTEN). */
  conn: TcpConnection | undefined;
  /** The peer's port of that connection (a fresh port for LISTEN). */
  peerPort: number;
  now: number;
}

/** Brings 10.0.0.1 into `state` against a real peer; `seed` varies ISNs, sizes and timing. */
export function makeTarget(state: FuzzState, seed: number, recvBufferSize = 8192): FuzzTarget {
  const r = new ChaosRandom(seed);
  const pair = new Pair({ seed, delayMs: 5, trace: false, config: { recvBufferSize, sendBufferSize: 32 * 1024 } });
  const a = pair.a;
  const b = pair.b;
  const l = a.listen(US, 8, 0);
  if (!l.ok) throw new Error(l.message);
  if (state === 'LISTEN') return { state, pair, layer: a, conn: undefined, peerPort: 40000 + r.int(0, 20000), now: 0 };
  const peer = b.connect(US, { local: { address: PEER_ADDRESS, port: 40000 + r.int(0, 20000) } }, 0);
  if (!peer.ok) throw new Error(peer.message);
  const pc = peer.value;
  // The peer reads everything, so our sends are not held up by its window.
  pair.on((ev) => {
    if (ev.type === 'readable' && ev.conn === pc) while (pc.recv() !== undefined);
  });
  const ours = (): TcpConnection | undefined => a.find(US, pc.local);
  const stateIs = (s: TcpState) => (): boolean => ours()?.state === s;
  if (state === 'SYN-RECEIVED') {
    pair.drive({ stopWhen: stateIs('SYN-RECEIVED'), until: LIMIT_MS });
    // Keep the peer's ACK of our SYN-ACK from arriving: the fuzzer is the peer from here on.
    return { state, pair, layer: a, conn: ours(), peerPort: pc.local.port, now: pair.now };
  }
  pair.drive({ stopWhen: () => l.value.pending > 0, until: LIMIT_MS });
  const c = l.value.accept()!;
  const data = r.bytes(r.int(0, 20_000));
  const back = r.bytes(r.int(0, 6000));
  pc.send(back, pair.now);
  c.send(data, pair.now);
  let stop: () => boolean;
  switch (state) {
    case 'ESTABLISHED':
      stop = () => c.sndUna !== c.sndMax || pair.now > 200;
      break;
    case 'FIN-WAIT-1':
      c.shutdown(pair.now);
      stop = stateIs('FIN-WAIT-1');
      break;
    case 'FIN-WAIT-2':
      c.shutdown(pair.now);
      stop = stateIs('FIN-WAIT-2');
      break;
    case 'CLOSE-WAIT':
      pc.shutdown(pair.now);
      stop = stateIs('CLOSE-WAIT');
      break;
    case 'LAST-ACK':
      pc.shutdown(pair.now);
      pair.drive({ stopWhen: stateIs('CLOSE-WAIT'), until: LIMIT_MS });
      c.shutdown(pair.now);
      stop = stateIs('LAST-ACK');
      break;
    case 'CLOSING':
      c.shutdown(pair.now);
      pc.shutdown(pair.now);
      stop = () => ours()?.state === 'CLOSING' || ours()?.state === 'TIME-WAIT';
      break;
    case 'TIME-WAIT':
      c.shutdown(pair.now);
      pc.shutdown(pair.now);
      stop = stateIs('TIME-WAIT');
      break;
  }
  pair.drive({ stopWhen: () => stop() || ours() === undefined, until: pair.now + LIMIT_MS });
  if (ours()?.state !== state && !(state === 'CLOSING' && ours()?.state === 'TIME-WAIT')) throw new Error(`fuzz target seed ${seed}: reached ${ours()?.state ?? 'nothing'}, wanted ${state}`);
  // Drain what is readable so buffers start from a realistic point (some left unread).
  if (r.chance(0.5)) c.recv();
  return { state, pair, layer: a, conn: ours(), peerPort: pc.local.port, now: pair.now };
}
