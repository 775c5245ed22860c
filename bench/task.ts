/**
 * One measured task in a fresh process (so that peak memory and garbage collection belong to it):
 *   node --import tsx bench/task.ts <cdk8s|dvpc|check|parse> <N> <workdir>
 * Prints one JSON line: { ms, maxRssMb, phases? }.
 */
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { fleetSpec, dvpcApp, plainCdk8sApp } from './fleet.ts';
import { synthesize } from '../lib/synth.ts';
import { checkPaths } from '../lib/front/check-paths.ts';

const [task, nText, work] = process.argv.slice(2) as [string, string, string];
const n = Number(nText);
const inventory = join(work, 'inventory');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (p.endsWith('.yaml')) out.push(p);
  }
  return out;
}

const spec = fleetSpec(n);
let phases: unknown;
const start = performance.now();
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
    if (result.errors > 0) throw new Error(`bench fleet has ${result.errors} errors: ${JSON.stringify(result.clusters[0]?.report.diagnostics.slice(0, 3))}`);
    phases = result.phases;
    rmSync(out, { recursive: true, force: true });
    break;
  }
  case 'check': {
    for (const c of spec.clusters) {
      const report = checkPaths([join(work, 'yaml', c.name)], { inventory });
      if (report.summary.errors > 0) throw new Error(`check found ${report.summary.errors} errors`);
    }
    break;
  }
  case 'parse': {
    for (const f of files(join(work, 'yaml'))) for (const d of parseAllDocuments(readFileSync(f, 'utf8'))) d.toJS();
    break;
  }
  default:
    throw new Error(`unknown task ${task}`);
}
const ms = performance.now() - start;
console.log(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, phases }));
