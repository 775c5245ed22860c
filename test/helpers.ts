/** Helpers shared by the tests: throw-away folders, a tiny cluster, rendering without writing. */
import { afterEach } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { App } from 'cdk8s';
import { Cluster } from '../lib/constructs/cluster.ts';
import { synthesize, type SynthResult } from '../lib/synth.ts';
import { parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../lib/core/diagnostic.ts';

export function tempDir(prefix = 'dvpc-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Every file under a folder, by relative path. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p).split('\\').join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** A cluster in a fresh app, for construct tests. */
export function testCluster(name = 'test', inventory?: string): { app: App; cluster: Cluster } {
  const app = new App();
  const cluster = new Cluster(app, name, inventory ? { inventory } : {});
  return { app, cluster };
}

/** Renders without writing; returns the result and all objects of all files, parsed back. */
export function render(app: App): { result: SynthResult; objects: Record<string, unknown>[] } {
  const result = synthesize(app, { dryRun: true, outdir: join(tmpdir(), 'dvpc-unused') });
  const objects: Record<string, unknown>[] = [];
  for (const [path, text] of [...result.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (path.endsWith('kustomization.yaml')) continue;
    for (const doc of parseAllDocuments(text)) objects.push(doc.toJS() as Record<string, unknown>);
  }
  return { result, objects };
}

/** The one object of a kind and name among rendered objects. */
export function find(objects: Record<string, unknown>[], kind: string, name: string): Record<string, unknown> {
  const o = objects.find((x) => x['kind'] === kind && (x['metadata'] as { name?: string }).name === name);
  if (!o) throw new Error(`${kind}/${name} not rendered`);
  return o;
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Every diagnostic a dry-run synth reports, from constructors and checks alike, in one list. */
export function problems(app: App): Diagnostic[] {
  const result = synthesize(app, { dryRun: true, outdir: join(tmpdir(), 'dvpc-unused') });
  return [...result.appDiagnostics, ...result.clusters.flatMap((c) => c.report.diagnostics)];
}

/** A command line's output captured in memory: pass `io` to `main`, read `out()` and `err()`. */
export function captureIo(): { io: { out: (s: string) => void; err: (s: string) => void; colour: false }; out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s) => void out.push(s), err: (s) => void err.push(s), colour: false }, out: () => out.join(''), err: () => err.join('') };
}

/** Throw-away folders removed after each test of the file that calls this at its top level. */
export function scratchDirs(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    while (dirs.length > 0) cleanup(dirs.pop() as string);
  });
  return () => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };
}

/** Whether kubectl is on PATH (the tests that run `kubectl kustomize` need it, CI has it). */
export function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
