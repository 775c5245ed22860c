/**
 * `npm run bench`: dvpc against plain cdk8s and against the YAML parse floor, for 1,000, 10,000
 * and 50,000 VMs (each task in its own process, the median of several runs), the phases of
 * dvpc synth, peak memory, and kubectl kustomize on the largest rendered folder.
 * Writes bench/results/latest.json. `npm run bench -- 1000 10000` picks the sizes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fleetSpec, dvpcApp, writeInventory } from './fleet.ts';
import { synthesize } from '../lib/synth.ts';

const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
const N = sizes.length > 0 ? sizes : [1000, 10_000, 50_000];
const RUNS: Record<number, number> = { 1000: 5, 10000: 3, 50000: 3 };

interface Sample { ms: number; maxRssMb: number; phases?: Record<string, number> }

function run(task: string, n: number, work: string): Sample {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=4096', 'bench/task.ts', task, String(n), work], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').pop() as string) as Sample;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function measure(task: string, n: number, work: string): Sample {
  const samples = Array.from({ length: RUNS[n] ?? 3 }, () => run(task, n, work));
  const ms = median(samples.map((s) => s.ms));
  const phases = samples[0]?.phases ? Object.fromEntries(Object.keys(samples[0].phases).map((k) => [k, median(samples.map((s) => s.phases?.[k] ?? 0))])) : undefined;
  return { ms, maxRssMb: Math.max(...samples.map((s) => s.maxRssMb)), ...(phases ? { phases } : {}) };
}

function largestFolder(dir: string): { path: string; bytes: number } {
  let best = { path: dir, bytes: 0 };
  const walk = (d: string) => {
    let bytes = 0;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else bytes += statSync(p).size;
    }
    if (bytes > best.bytes && readdirSync(d).includes('kustomization.yaml')) best = { path: d, bytes };
  };
  walk(dir);
  return best;
}

function kustomize(folder: string): number | undefined {
  try {
    const t = performance.now();
    execFileSync('kubectl', ['kustomize', folder], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1024 * 1024 * 1024 });
    return performance.now() - t;
  } catch {
    return undefined;
  }
}

const s = (ms: number) => (ms / 1000).toFixed(2);
const rows: Record<string, unknown>[] = [];
console.log(`dvpc bench on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
console.log('');
console.log('      VMs | cdk8s synth | dvpc synth | dvpc/cdk8s | check  | parse floor | check/parse | dvpc peak MB | check peak MB | kustomize largest folder');
console.log('----------|-------------|------------|------------|--------|-------------|-------------|--------------|---------------|-------------------------');
for (const n of N) {
  const work = mkdtempSync(join(tmpdir(), `dvpc-bench-${n}-`));
  try {
    writeInventory(join(work, 'inventory'));
    // The YAML fleet: dvpc's own rendering of the same fleet, written once, not timed.
    const rendered = synthesize(dvpcApp(fleetSpec(n), join(work, 'inventory')), { outdir: join(work, 'yaml') });
    if (rendered.errors > 0) throw new Error('the bench fleet does not check clean');
    const cdk8s = measure('cdk8s', n, work);
    const dvpc = measure('dvpc', n, work);
    const check = measure('check', n, work);
    const parse = measure('parse', n, work);
    const folder = largestFolder(join(work, 'yaml'));
    const kz = kustomize(folder.path);
    const row = {
      vms: n, files: rendered.files.size, objects: rendered.clusters.reduce((k, c) => k + c.report.summary.resources, 0), cdk8sMs: cdk8s.ms, dvpcMs: dvpc.ms, ratioDvpcCdk8s: dvpc.ms / cdk8s.ms,
      checkMs: check.ms, parseFloorMs: parse.ms, ratioCheckParse: check.ms / parse.ms,
      cdk8sPeakMb: cdk8s.maxRssMb, dvpcPeakMb: dvpc.maxRssMb, checkPeakMb: check.maxRssMb, phasesMs: dvpc.phases,
      largestFolder: { path: folder.path.slice(work.length + 1), bytes: folder.bytes, kustomizeMs: kz },
    };
    rows.push(row);
    console.log(`${String(n).padStart(9)} | ${s(cdk8s.ms).padStart(10)}s | ${s(dvpc.ms).padStart(9)}s | ${(dvpc.ms / cdk8s.ms).toFixed(2).padStart(10)} | ${s(check.ms).padStart(5)}s | ${s(parse.ms).padStart(10)}s | ${(check.ms / parse.ms).toFixed(2).padStart(11)} | ${dvpc.maxRssMb.toFixed(0).padStart(12)} | ${check.maxRssMb.toFixed(0).padStart(13)} | ${kz === undefined ? 'kubectl not found' : `${s(kz)}s (${folder.path.slice(work.length + 6)})`}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
console.log('');
console.log('dvpc synth phases (ms, median):');
for (const r of rows.filter((x) => x['note'] === undefined)) console.log(`  ${String(r['vms']).padStart(6)} VMs: ${Object.entries((r['phasesMs'] ?? {}) as Record<string, number>).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
// Issue 4's measure: classes resolved and every check run for 2,000 VMs on the inventory's 100 nodes.
{
  const work = mkdtempSync(join(tmpdir(), 'dvpc-bench-2000-'));
  try {
    writeInventory(join(work, 'inventory'));
    const p = measure('dvpc', 2000, work).phases ?? {};
    console.log(`\n2,000 VMs on 100 nodes: model ${(p['model'] ?? 0).toFixed(0)} ms + checks ${(p['checks'] ?? 0).toFixed(0)} ms (placement and capacity included)`);
    rows.push({ vms: 2000, phasesMs: p, note: 'checker time for issue 4' });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
const grow = rows.find((r) => r['vms'] === 50000);
const ten = rows.find((r) => r['vms'] === 10000);
if (grow && ten) console.log(`\ngrowth 10,000 → 50,000 VMs: dvpc synth ×${((grow['dvpcMs'] as number) / (ten['dvpcMs'] as number)).toFixed(2)}, check ×${((grow['checkMs'] as number) / (ten['checkMs'] as number)).toFixed(2)} (linear is ×5)`);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version }, rows }, null, 2)}\n`);
console.log('\nwritten to bench/results/latest.json');
