/**
 * Work the benchmark runs in a fresh process (under tsx, for the TypeScript fleet):
 *   node --import tsx bench/task.ts cdk8s|dvpc N WORKDIR   synth of N VMs in one cluster, timed inside
 *   node --import tsx bench/task.ts render N WORKDIR       the YAML fleet, its inventory and a baseline
 *   node --import tsx bench/task.ts inventory N WORKDIR    the inventory alone
 * Prints one JSON line: { wallMs, cpuMs, phases? } for the timed section (start-up and module
 * loading excluded; the parent adds the process's peak memory).
 */
import { cpSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fleetSpec, dvpcApp, plainCdk8sApp, writeInventory } from './fleet.ts';
import { synthesize } from '../lib/synth.ts';

const [task, nText, work] = process.argv.slice(2) as [string, string, string];
const n = Number(nText);
const inventory = join(work, 'inventory');

function files(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.yaml') ? [p] : [];
  });
}

/**
 * A previous state in which 2% of the root disks were smaller (10Gi, now 20Gi), spread over every
 * file that holds disks: a pull request that grows some disks everywhere. Returns the disks changed.
 */
function writeBaseline(yaml: string, baseline: string): number {
  cpSync(yaml, baseline, { recursive: true });
  let changed = 0;
  for (const f of files(baseline)) {
    const text = readFileSync(f, 'utf8');
    let seen = 0;
    const edited = text.replace(/size: 20Gi/g, (m) => (seen++ % 50 === 0 ? (changed++, 'size: 10Gi') : m));
    if (edited !== text) writeFileSync(f, edited);
  }
  return changed;
}

const spec = fleetSpec(n, n);
const start = performance.now();
const cpu0 = process.cpuUsage();
let phases: Record<string, number> | undefined;
let extra: Record<string, number> = {};
switch (task) {
  case 'cdk8s': {
    const out = join(work, `cdk8s-out-${process.pid}`);
    plainCdk8sApp(spec, out).synth();
    rmSync(out, { recursive: true, force: true });
    break;
  }
  case 'dvpc': {
    const out = join(work, `dvpc-out-${process.pid}`);
    const result = synthesize(dvpcApp(spec, inventory), { outdir: out });
    if (result.errors > 0) throw new Error(`the bench fleet has ${result.errors} errors: ${JSON.stringify(result.clusters[0]?.report.diagnostics.slice(0, 3))}`);
    phases = { ...result.phases } as unknown as Record<string, number>;
    rmSync(out, { recursive: true, force: true });
    break;
  }
  case 'inventory': {
    writeInventory(inventory, n);
    break;
  }
  case 'render': {
    writeInventory(inventory, n);
    const result = synthesize(dvpcApp(spec, inventory), { outdir: join(work, 'yaml') });
    if (result.errors > 0) throw new Error('the bench fleet does not check clean');
    const objects = result.clusters.reduce((k, c) => k + c.report.summary.resources, 0);
    extra = { files: result.files.size, objects, baselineDisksChanged: writeBaseline(join(work, 'yaml'), join(work, 'baseline')) };
    break;
  }
  default:
    throw new Error(`unknown task ${task}`);
}
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ wallMs: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000, ...(phases ? { phases } : {}), ...extra }));
