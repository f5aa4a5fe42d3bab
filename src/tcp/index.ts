// tcp/: the sans-IO TCP core (RFC 9293) — connections, listeners, the layer that demultiplexes
// them, congestion control, and the Pair test harness.
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
  initialWindow,
  type AckSample,
  type CongestionControl,
  type CongestionControlInit,
  type CongestionControlFactory,
} from './cc/index.js';
export { Pair, type PairOptions, type PairNode, type TraceEntry, type Impairment, type Verdict } from './pair.js';
