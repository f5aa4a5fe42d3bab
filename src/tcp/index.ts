// tcp/: the sans-IO TCP core (RFC 9293) — connections, listeners, the layer that demultiplexes
// them, congestion control, and the Pair test harness.
//
// Usage (every call that changes state takes `now`, in ms):
//   const tcp = new TcpLayer({ services, rng, config: { msl: 30_000 } });   // the stack's TcpHandler
//   const l = tcp.listen({ address: '0.0.0.0', port: 80 }, 128, now);        // TcpResult<TcpListener>
//   const c = tcp.connect({ address: '10.0.0.2', port: 80 }, { noDelay: true }, now); // TcpResult<TcpConnection>
//   tcp.receive(dgram, now); tcp.poll(now) → TcpDatagram[]; tcp.pollAt() → next deadline
//   for (const ev of tcp.pollEvents()) switch (ev.type) { 'accept-ready' → l.accept() until undefined;
//     'readable' → conn.recv() until undefined; 'writable' → send more; 'peer-fin' → EOF after the
//     buffered bytes; 'closed' → done (ev.error?); 'state' → tracing }
//   conn.send(bytes, now) → bytes taken | TcpError; conn.shutdown(now); conn.close(now); conn.abort(now)
export { TcpLayer, segmentLength, type TcpLayerOptions } from './layer.js';
export { TcpConnection, type TcpConnectionStats } from './connection.js';
export { TcpListener } from './listener.js';
export type { TcpEvent, TcpEventType } from './events.js';
export { tcpError, isTcpError, type TcpError, type TcpErrorCode, type TcpResult } from './errors.js';
export { DEFAULT_TCP_CONFIG, resolveConfig, type TcpConfig } from './config.js';
export type { TcpConnectOptions, TcpListenOptions, TcpSocketOptions } from './options.js';
export { TCP_STATES, TCP_TRANSITIONS, findTransition, isSynchronized, type TcpCause, type TcpEdge, type TcpState } from './states.js';
export { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq.js';
export {
  createCongestionControl,
  registerCongestionControl,
  congestionControlNames,
  NewReno,
  Cubic,
  initialWindow,
  type AckSample,
  type CongestionControl,
  type CongestionControlInit,
  type CongestionControlFactory,
} from './cc/index.js';
export { Pair, type PairOptions, type PairNode, type TraceEntry, type Impairment, type Verdict } from './pair.js';
