/**
 * Progress of a long run on standard error: shown only when that is a terminal, and only once the
 * run has taken longer than about two seconds, so that quick runs and pipes stay quiet. Each step
 * rewrites the one status line; `done` clears it before the report is printed.
 *
 * dvpc's work is synchronous, so progress is reported between steps (building the app, each
 * cluster, the checks), not by a timer.
 */
import type { Io } from './args.ts';

/** How long a run stays quiet. */
export const QUIET_MS = 2000;

export class Progress {
  private readonly start = performance.now();
  private shown = false;

  constructor(private readonly io: Io, private readonly quietMs = QUIET_MS) {}

  /** Shows the step being started, once the run is long enough. */
  step(label: string): void {
    if (this.io.progress !== true || performance.now() - this.start < this.quietMs) return;
    this.io.err(`\r\x1b[Kdvpc: ${label}…`);
    this.shown = true;
  }

  /** Clears the status line. */
  done(): void {
    if (this.shown) this.io.err('\r\x1b[K');
    this.shown = false;
  }
}
