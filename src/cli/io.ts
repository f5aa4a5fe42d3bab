// Where commands write. main() wires it to process.stdout/stderr; tests may pass their own.

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (commands may add colour or progress output only then). */
  isTty: boolean;
}

export function processIo(): CliIo {
  // `layer4 ports | head`: the reader went away; stop quietly instead of an EPIPE stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount('error') === 0) {
      stream.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
        throw e;
      });
    }
  }
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    isTty: process.stdout.isTTY === true,
  };
}

/** Pads `s` to `n` columns (ASCII tables only). */
export function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}
