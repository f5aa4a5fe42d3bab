// Errors a command reports to the user: one line on stderr, no stack trace, and an exit code
// (DESIGN.md CLI contract: 0 ok, 1 runtime failure, 2 bad usage or input).

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  readonly exitCode: number;
  /** Stable machine-readable code, printed in --json error objects. */
  readonly code: string;
  /** The command already printed its --json result (which carries the error): main adds none. */
  readonly jsonPrinted: boolean;

  constructor(message: string, exitCode: number, code: string, jsonPrinted = false) {
    super(message);
    this.exitCode = exitCode;
    this.code = code;
    this.jsonPrinted = jsonPrinted;
  }
}

/** Bad usage or bad input: exit 2. */
export function usageError(message: string, code = 'USAGE'): CliError {
  return new CliError(message, EXIT_USAGE, code);
}

/** The command ran and failed: exit 1. */
export function runtimeError(message: string, code = 'FAILED', jsonPrinted = false): CliError {
  return new CliError(message, EXIT_FAILURE, code, jsonPrinted);
}
