// packetdrill support: script parser, printer, and the matching helpers the runner uses.
export type * from './ast.js';
export { parseScript } from './parser.js';
export { preprocess } from './preprocess.js';
export { structField } from './parse-expr.js';
export { parseFlags, formatFlags, matchFlags, type FlagsMatch } from './flags.js';
