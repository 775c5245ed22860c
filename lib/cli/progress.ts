/**
 * Progress of a long run on standard error: only when that is a terminal (never on a pipe), and
 * only once the run has taken about two seconds, so that quick runs stay quiet. One status line,
 * rewritten as the steps go by and cleared before the report.
 *
 * dvpc's work is synchronous: while it renders or checks, the main thread runs no timer. The
 * status line is therefore kept by a small worker thread, which the main thread tells the current
 * step; the worker starts only on a terminal.
 */
import { Worker } from 'node:worker_threads';
import { writeSync } from 'node:fs';
import type { Io } from './args.ts';

/** How long a run stays quiet, in milliseconds (DVPC_PROGRESS_AFTER_MS overrides it, for tests). */
export const QUIET_MS = 2000;

/** The worker: shows the latest step, with the seconds elapsed, four times a second. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const flags = new Int32Array(workerData.flags);
const start = Date.now();
let step = '';
let shown = '';
parentPort.on('message', (m) => { step = m; });
setInterval(() => {
  if (Atomics.load(flags, 0) === 1 || step === '' || Date.now() - start < workerData.quietMs) return;
  const line = 'dvpc: ' + step + '\\u2026 ' + Math.floor((Date.now() - start) / 1000) + 's';
  if (line === shown) return;
  writeSync(2, '\\r\\x1b[K' + line);
  shown = line;
  Atomics.store(flags, 1, 1);
}, 250);
`;

export class Progress {
  private worker: Worker | undefined;
  /** [0]: stopped (set by the main thread); [1]: a line was shown (set by the worker). */
  private readonly flags = new Int32Array(new SharedArrayBuffer(8));

  constructor(io: Io) {
    if (io.progress !== true) return;
    const override = Number(process.env['DVPC_PROGRESS_AFTER_MS']);
    const quietMs = Number.isFinite(override) && process.env['DVPC_PROGRESS_AFTER_MS'] !== undefined ? override : QUIET_MS;
    this.worker = new Worker(WORKER, { eval: true, workerData: { flags: this.flags.buffer, quietMs } });
    this.worker.unref();
  }

  /** The step that starts now. */
  step(label: string): void {
    this.worker?.postMessage(label);
  }

  /** Stops the status line and clears it, before the report is printed. */
  done(): void {
    if (!this.worker) return;
    Atomics.store(this.flags, 0, 1);
    void this.worker.terminate();
    this.worker = undefined;
    if (Atomics.load(this.flags, 1) === 1) writeSync(2, '\r\x1b[K');
  }
}
