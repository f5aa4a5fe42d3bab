// What every command file gets when it registers itself on the program.
import type { Command } from 'commander';
import type { CliIo } from './io.js';

export interface CliContext {
  io: CliIo;
}

/** Each command file exports one of these: it adds its command to `program`. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;
