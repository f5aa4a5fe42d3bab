// A one-line progress bar for a terminal: redrawn in place with '\r', at most every `intervalMs`
// of wall time, cleared when done. The caller decides whether to show one at all (stderr is a
// TTY and the output is not --json).

export interface ProgressBarOptions {
  /** Where the bar goes (process.stderr.write for the CLI). */
  write: (text: string) => void;
  /** Terminal width in columns (default 80). */
  columns?: number;
  /** Least wall time between redraws (default 100 ms). */
  intervalMs?: number;
  /** Wall clock in ms (default performance.now). */
  clock?: () => number;
}

export class ProgressBar {
  private last = -Infinity;
  private drawn = false;
  private readonly columns: number;
  private readonly intervalMs: number;
  private readonly clock: () => number;

  constructor(private readonly opts: ProgressBarOptions) {
    this.columns = Math.max(40, Math.min(opts.columns ?? 80, 120));
    this.intervalMs = opts.intervalMs ?? 100;
    this.clock = opts.clock ?? (() => performance.now());
  }

  /** `done` of `total` units; `suffix` (e.g. the network time) goes after the figures. */
  update(done: number, total: number, suffix = ''): void {
    const now = this.clock();
    if (now - this.last < this.intervalMs && done < total) return;
    this.last = now;
    this.opts.write('\r' + progressLine(done, total, suffix, this.columns - 1));
    this.drawn = true;
  }

  /** Remove the bar (so the summary starts on a clean line). */
  clear(): void {
    if (!this.drawn) return;
    this.opts.write('\r' + ' '.repeat(this.columns - 1) + '\r');
    this.drawn = false;
  }
}

/** '[██████░░░░]  61%  640 KiB / 1.0 MiB  suffix', exactly `width` columns. */
export function progressLine(done: number, total: number, suffix: string, width: number): string {
  const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const figures = ` ${String(Math.floor(frac * 100)).padStart(3)}%  ${formatBytes(done)} / ${formatBytes(total)}${suffix === '' ? '' : '  ' + suffix}`;
  const barWidth = Math.max(10, width - figures.length - 2);
  const full = Math.round(frac * barWidth);
  const line = `[${'█'.repeat(full)}${'░'.repeat(barWidth - full)}]${figures}`;
  return line.length > width ? line.slice(0, width) : line.padEnd(width);
}

/** 1536 → '1.5 KiB'; whole bytes below 1 KiB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[u]}`;
}
