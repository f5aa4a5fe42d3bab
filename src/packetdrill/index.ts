// packetdrill support: script parser, printer, and the matching helpers the runner uses.
export type * from './ast.js';
export { parseScript } from './parser.js';
export { preprocess } from './preprocess.js';
export { structField } from './parse-expr.js';
export { optionsWireLength } from './parse-options.js';
export { parseFlags, formatFlags, matchFlags, aceOfBits, type FlagsMatch } from './flags.js';
export {
  formatEvent,
  formatScript,
  formatPacket,
  formatTime,
  formatSeconds,
  formatExpr,
  formatSyscall,
  formatOptionSpec,
  formatTcpOption,
  formatTcpRepr,
  type FormatOptions,
} from './format.js';
export { matchTcpOptions, matchTcpSegment, type MatchResult, type OptionMatchConfig } from './match.js';
export { SeqMapper, TsMapper, type ScriptSegmentNumbers } from './seq-map.js';
export {
  LINUX_TOLERANCE,
  FREEBSD_TOLERANCE,
  toleranceOf,
  slackUsecs,
  checkTiming,
  scheduleEvent,
  blockingReturnUsecs,
  type Tolerance,
  type TimingCheck,
  type TimingResult,
  type Schedule,
} from './timing.js';
