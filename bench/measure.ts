/**
 * How the benchmark measures: every task in a fresh process (so its garbage collection and peak
 * memory are its own), CPU time and wall time both, runs of the tasks being compared interleaved
 * (A B C A B C ...) so that a machine busy with other work slows all of them alike, and the median
 * of each. Pure helpers here are tested in test/bench.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One run of a task. */
export interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssMb: number;
}

/** Medians of several runs, and the largest peak (memory goals are about the worst run). */
export interface Stats {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssMb: number;
  readonly runs: number;
}

/** A task: what to run, as a function so that it may depend on a run's number. */
export type Task = () => Sample;

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function stats(samples: readonly Sample[]): Stats {
  return {
    wallMs: median(samples.map((s) => s.wallMs)),
    cpuMs: median(samples.map((s) => s.cpuMs)),
    maxRssMb: Math.max(...samples.map((s) => s.maxRssMb)),
    runs: samples.length,
  };
}

/** Runs the tasks `runs` times each, interleaved, and returns each task's statistics. */
export function interleaved<K extends string>(tasks: Record<K, Task>, runs: number): Record<K, Stats> {
  const names = Object.keys(tasks) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as Sample[]])) as unknown as Record<K, Sample[]>;
  for (let i = 0; i < runs; i++) for (const n of names) samples[n].push(tasks[n]());
  return Object.fromEntries(names.map((n) => [n, stats(samples[n])])) as Record<K, Stats>;
}

const EXIT_USAGE = fileURLToPath(new URL('./exit-usage.cjs', import.meta.url));

/**
 * Runs `node ARGS` in a fresh process; the child reports its own CPU time and peak memory at exit
 * (exit-usage.cjs), the parent times the wall clock. A failing task throws with its stderr.
 */
export function runNode(args: readonly string[], options: { cwd?: string; input?: string; allowExit?: readonly number[] } = {}): Sample & { stdout: string } {
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--require', EXIT_USAGE, ...args], {
    cwd: options.cwd,
    input: options.input,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    maxBuffer: 1024 * 1024 * 1024,
    encoding: 'utf8',
  });
  const wallMs = performance.now() - start;
  const allowed = options.allowExit ?? [0];
  if (r.error || r.status === null || !allowed.includes(r.status)) {
    throw new Error(`node ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}): ${String(r.stderr).slice(-2000)}`);
  }
  const usage = String(r.output[3] ?? '').trim().split('\n').pop() ?? '';
  const { cpuMs, maxRssMb } = JSON.parse(usage) as { cpuMs: number; maxRssMb: number };
  return { wallMs, cpuMs, maxRssMb, stdout: String(r.stdout) };
}

/**
 * Runs a section inside a fresh process (bench/task.ts under tsx): the child times the section
 * itself (CPU and wall, without start-up and module loading) and reports its peak memory.
 */
export function runSection(args: readonly string[]): Sample & { readonly phases?: Record<string, number>; readonly [extra: string]: unknown } {
  const r = runNode(['--import', 'tsx', '--max-old-space-size=4096', fileURLToPath(new URL('./task.ts', import.meta.url)), ...args]);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const section = JSON.parse(line) as { wallMs: number; cpuMs: number; phases?: Record<string, number> };
  return { ...section, maxRssMb: r.maxRssMb };
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : 'n/a');
