/**
 * `npm run bench [-- FLAGS]`: dvpc against plain cdk8s, against the YAML parse floor, against
 * itself (check --baseline and diff against check), against node's start-up, and kustomize's cost
 * on the largest folder, for one cluster of 10,000 and 50,000 VMs (and a 100,000-VM synth).
 * Every task runs in a fresh process; the tasks of a row run interleaved, 3 times each by default;
 * the table shows CPU and wall medians and their ratios, and judges each goal on CPU time.
 *
 * Flags:
 *   --quick        one cluster of 10,000 VMs only (no 50,000 or 100,000)
 *   --rows LIST    only these rows, comma-separated: synth, check, review, big, classes, drain, startup, kustomize
 *   --runs N       runs of each task (default 3; start-up tasks run 4 times as many)
 *   --scale F      multiply every size by F (the tests run a tiny benchmark with 0.01)
 *   --record       write the results to bench/results/latest.json (committed figures)
 *   --out FILE     write the results there (default: a file in the OS temporary folder)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runSection } from './measure.ts';
import { bigSynthRow, checkRow, classesRow, drainRow, kustomizeRow, reviewRow, startupRows, synthRow, type Fleet, type RowResult } from './rows.ts';

export const ROWS = ['synth', 'check', 'review', 'big', 'classes', 'drain', 'startup', 'kustomize'] as const;

export interface BenchOptions {
  readonly quick: boolean;
  readonly rows: readonly string[];
  readonly runs: number;
  readonly scale: number;
  readonly out: string;
}

/** The flags as options; throws on a mistake. */
export function benchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: { quick: { type: 'boolean' }, rows: { type: 'string' }, runs: { type: 'string' }, scale: { type: 'string' }, record: { type: 'boolean' }, out: { type: 'string' } },
    strict: true,
  });
  const rows = values.rows === undefined ? [...ROWS] : values.rows.split(',').map((r) => r.trim());
  for (const r of rows) if (!(ROWS as readonly string[]).includes(r)) throw new Error(`unknown row "${r}" (rows: ${ROWS.join(', ')})`);
  const runs = values.runs === undefined ? 3 : Number(values.runs);
  const scale = values.scale === undefined ? 1 : Number(values.scale);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  if (!(scale > 0)) throw new Error('--scale must be a positive number');
  const recorded = fileURLToPath(new URL('./results/latest.json', import.meta.url));
  return { quick: values.quick === true, rows, runs, scale, out: values.record ? recorded : (values.out ?? join(tmpdir(), 'dvpc-bench-latest.json')) };
}

/** One line of the table (Markdown, so that it can be pasted into the README). */
export function tableLine(r: RowResult): string {
  const num = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '' : x.toFixed(2));
  const met = r.met === undefined ? '' : r.met ? 'yes' : '**no**';
  return `| ${r.title} | ${r.measured} | ${r.against} | ${num(r.cpuRatio)} | ${num(r.wallRatio)} | ${r.goal} | ${met} |`;
}

export const TABLE_HEAD = '| row | measured | against | CPU ratio | wall ratio | goal | met |\n|---|---|---|---:|---:|---|---|';

export function runBench(o: BenchOptions, print: (line: string) => void): RowResult[] {
  const started = performance.now();
  const size = (n: number) => Math.max(50, Math.round(n * o.scale));
  const sizes = (o.quick ? [10_000] : [10_000, 50_000]).map(size);
  const work = mkdtempSync(join(tmpdir(), 'dvpc-bench-'));
  const fleets = new Map<number, Fleet>();
  /** One cluster of n VMs rendered as YAML with its inventory and baseline, once per run. */
  const fleet = (n: number): Fleet => {
    const known = fleets.get(n);
    if (known) return known;
    const dir = join(work, `fleet-${n}`);
    mkdirSync(dir);
    const r = runSection(['render', String(n), dir]);
    const f = { n, work: dir, cluster: join(dir, 'yaml', 'bench-0'), inventory: join(dir, 'inventory'), baseline: join(dir, 'baseline', 'bench-0'), objects: Number(r['objects']) };
    fleets.set(n, f);
    return f;
  };
  const results: RowResult[] = [];
  const add = (rows: RowResult[]) => {
    for (const r of rows) {
      results.push(r);
      print(tableLine(r));
    }
  };
  print(`dvpc bench on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; ${o.runs} interleaved run(s) per task, medians; goals judged on CPU time`);
  print('');
  print(TABLE_HEAD);
  try {
    const want = (row: string) => o.rows.includes(row);
    for (const n of sizes) {
      if (want('synth')) add(synthRow(fleet(n), o.runs));
      if (want('check')) add(checkRow(fleet(n), o.runs));
      if (want('review')) add(reviewRow(fleet(n), o.runs));
    }
    if (want('big') && !o.quick) {
      const n = size(100_000);
      const dir = join(work, `fleet-${n}`);
      mkdirSync(dir);
      runSection(['inventory', String(n), dir]);
      add([bigSynthRow({ n, work: dir, cluster: '', inventory: join(dir, 'inventory'), baseline: '', objects: 0 })]);
    }
    if (want('classes')) add([classesRow(work, size(10_000), o.runs)]);
    if (want('drain')) add([drainRow(work, size(2_000), 100, o.runs)]);
    if (want('startup')) add(startupRows(work, o.runs * 4));
    if (want('kustomize')) add([kustomizeRow(fleet(sizes[sizes.length - 1] as number), fleet(size(1000)), o.runs)]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const missed = results.filter((r) => r.met === false);
  print('');
  print(`${results.filter((r) => r.met === true).length} goal(s) met, ${missed.length} missed${missed.length > 0 ? `: ${missed.map((r) => r.id).join(', ')}` : ''}; ${((performance.now() - started) / 60_000).toFixed(1)} min`);
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version }, options: o, rows: results }, null, 2)}\n`);
  print(`results written to ${o.out}`);
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let options: BenchOptions;
  try {
    options = benchOptions(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    process.exit(2);
  }
  runBench(options, (line) => console.log(line));
}
