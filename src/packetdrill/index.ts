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
// The runner: a script against one TcpLayer on a virtual clock, with behaviour profiles.
export { runScript, runParsedScript, type RunOptions, type RunResult } from './runner.js';
export { getProfile, profileConfig, isProfileName, PROFILE_NAMES, type Profile, type ProfileName } from './profiles.js';
export { interpretCommand, type CommandOutcome } from './runner-commands.js';
export { ADDRESSES, type IpVersion } from './runner-host.js';
