/**
 * `dvpc diff` and `dvpc check` find clusters by their place under each PATH, never by the folders
 * above it: two copies of one cluster are the same cluster in every layout (issue 10), and dvpc's
 * output root is several clusters plus a hand-off, each checked on its own (SPEC §2).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import fleet from '../stacks/main.ts';
import { synthesize } from '../lib/synth.ts';
import { main } from '../lib/cli/main.ts';
import { checkClusters, checkPaths } from '../lib/front/check-paths.ts';
import { emitDocuments } from '../lib/render/yaml-emit.ts';
import type { Json } from '../lib/core/json.ts';
import { cleanup, tempDir, captureIo } from './helpers.ts';
import { dvpcHere } from './run-cli.ts';

const root = tempDir();
afterAll(() => cleanup(root));
const DIST = join(root, 'dist');
synthesize(fleet(), { outdir: DIST });

type Doc = { [key: string]: Json };

const capture = captureIo;

function files(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

/** Shrinks db-01-data (500Gi → 400Gi) wherever it is written under dir. */
function shrink(dir: string): void {
  for (const f of files(dir).filter((x) => x.endsWith('.yaml'))) {
    const text = readFileSync(f, 'utf8');
    if (!text.includes('name: db-01-data')) continue;
    const docs = parseAllDocuments(text).map((d) => d.toJS() as Doc);
    for (const d of docs) {
      const meta = d['metadata'] as { name?: string } | undefined;
      if (d['kind'] === 'VirtualDisk' && meta?.name === 'db-01-data') ((d['spec'] as Doc)['persistentVolumeClaim'] as Doc)['size'] = '400Gi';
    }
    writeFileSync(f, emitDocuments(docs));
  }
}

/** A copy of one cluster folder laid out as dvpc does (`cluster/`, `namespaces/`). */
function clusterCopy(to: string, cluster = 'prod'): string {
  cpSync(join(DIST, cluster), to, { recursive: true });
  return to;
}

/** The same objects as one flat folder of files, as a team without dvpc might keep them. */
function flatCopy(to: string, cluster = 'prod'): string {
  mkdirSync(to, { recursive: true });
  for (const f of files(join(DIST, cluster)).filter((x) => !x.endsWith('kustomization.yaml'))) {
    cpSync(f, join(to, relative(join(DIST, cluster), f).split('/').join('-')));
  }
  return to;
}

/** A whole output root (every cluster and the hand-off). */
function rootCopy(to: string): string {
  cpSync(DIST, to, { recursive: true });
  return to;
}

let n = 0;
const fresh = () => join(root, `case-${n++}`);

/** [name, baseline, desired]: two states of the same cluster `prod`, laid out differently. */
const layouts: [string, () => string, (shrunk: boolean) => string][] = [
  ['dvpc layout, folders named differently', () => clusterCopy(join(fresh(), 'old-prod')), () => clusterCopy(join(fresh(), 'prod'))],
  ['a flat folder against dvpc layout', () => flatCopy(join(fresh(), 'manifests')), () => clusterCopy(join(fresh(), 'prod'))],
  ['dvpc layout against a flat folder', () => clusterCopy(join(fresh(), 'prod')), () => flatCopy(join(fresh(), 'rendered'))],
  ['two output roots whose top folders differ', () => rootCopy(join(fresh(), 'main-dist')), () => rootCopy(join(fresh(), 'out'))],
  ['the desired cluster under a folder named gitops', () => clusterCopy(join(fresh(), 'prod')), () => clusterCopy(join(fresh(), 'gitops', 'repo', 'dist', 'prod'))],
  ['the desired root under a folder named gitops', () => rootCopy(join(fresh(), 'base')), () => rootCopy(join(fresh(), 'gitops', 'dist'))],
];

interface DiffJson {
  clusters: { cluster: string; handoff?: boolean; changes: { resource: string; change: string }[]; diagnostics: { code: string; resource: string; severity: string }[] }[];
}

async function diff(baseline: string, desired: string, ...flags: string[]): Promise<{ exit: number; json: DiffJson }> {
  const t = capture();
  const exit = await main(['diff', '--baseline', baseline, desired, '--format', 'json', ...flags], t.io);
  return { exit, json: JSON.parse(t.out()) as DiffJson };
}

describe('dvpc diff matches objects by identity within a cluster, in every layout', () => {
  it.each(layouts)('%s: two copies of one cluster are no change', async (_name, baseline, desired) => {
    const { exit, json } = await diff(baseline(), desired(false));
    expect(exit).toBe(0);
    const clusters = json.clusters.filter((c) => !c.handoff);
    // One cluster, named by the desired tree, with nothing added, removed or changed.
    expect(clusters.map((c) => c.changes.length)).toEqual(clusters.map(() => 0));
    expect(json.clusters.flatMap((c) => c.diagnostics)).toEqual([]);
    expect(clusters.length).toBeGreaterThanOrEqual(1);
  });

  it.each(layouts)('%s: a real shrink is DVP603, and --allow DVP601,DVP604 does not hide it', async (_name, baseline, desired) => {
    const base = baseline();
    const want = desired(true);
    shrink(want);
    for (const flags of [[], ['--allow', 'DVP601,DVP604']]) {
      const { exit, json } = await diff(base, want, ...flags);
      expect(exit).toBe(1);
      const all = json.clusters.flatMap((c) => c.diagnostics);
      expect(all.map((d) => [d.code, d.resource, d.severity])).toEqual([['DVP603', 'VirtualDisk/db/db-01-data', 'error']]);
      expect(json.clusters.flatMap((c) => c.changes).map((c) => [c.change, c.resource])).toEqual([['changed', 'VirtualDisk/db/db-01-data']]);
    }
  });

  it('reads the desired state from standard input (- as PATH) as one cluster', async () => {
    const base = clusterCopy(join(fresh(), 'prod'));
    const want = flatCopy(join(fresh(), 'piped'));
    shrink(want);
    const text = files(want).map((f) => readFileSync(f, 'utf8')).join('---\n');
    const r = await dvpcHere(['diff', '--baseline', base, '-', '--format', 'json'], text);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as DiffJson;
    expect(json.clusters.flatMap((c) => c.diagnostics).map((d) => [d.code, d.resource])).toEqual([['DVP603', 'VirtualDisk/db/db-01-data']]);
  });

  it('is a usage error (exit 2) to give both --baseline and --baseline-ref, or neither', async () => {
    const base = clusterCopy(join(fresh(), 'prod'));
    for (const command of ['diff', 'check']) {
      const both = await dvpcHere([command, '--baseline', base, '--baseline-ref', 'HEAD', base]);
      expect(both.code).toBe(2);
      expect(both.err).toMatch(/not both/);
    }
    expect((await dvpcHere(['diff', base])).err).toMatch(/needs --baseline PATH or --baseline-ref REF/);
  });

  it('pairs the clusters of two roots by name, and a cluster gone from the desired root is all removed', async () => {
    const base = rootCopy(join(fresh(), 'a'));
    const want = rootCopy(join(fresh(), 'b'));
    cleanup(join(want, 'lab'));
    const { exit, json } = await diff(base, want);
    expect(exit).toBe(1);
    const lab = json.clusters.find((c) => c.cluster === 'lab');
    expect(lab?.changes.every((c) => c.change === 'removed')).toBe(true);
    expect(lab?.diagnostics.map((d) => d.code)).toContain('DVP601');
    expect(json.clusters.find((c) => c.cluster === 'prod')?.changes).toEqual([]);
  });

  it('one cluster folder against a baseline root: that cluster, and the others are not removed', async () => {
    const base = rootCopy(join(fresh(), 'main'));
    const want = clusterCopy(join(fresh(), 'prod'));
    const { exit, json } = await diff(base, want);
    expect(exit).toBe(0);
    expect(json.clusters.map((c) => [c.cluster, c.changes.length])).toEqual([['prod', 0]]);
  });

  it('--baseline-ref reads the previous state at the same PATH, in a repository under a folder named gitops', async () => {
    const repo = join(fresh(), 'gitops', 'fleet');
    mkdirSync(repo, { recursive: true });
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    rootCopy(join(repo, 'dist'));
    git('add', '-A');
    git('commit', '-qm', 'base');
    shrink(join(repo, 'dist', 'prod'));
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      for (const path of ['dist', 'dist/prod']) {
        const t = capture();
        expect(await main(['diff', '--baseline-ref', 'main', path, '--format', 'json'], t.io)).toBe(1);
        const json = JSON.parse(t.out()) as DiffJson;
        expect(json.clusters.flatMap((c) => c.diagnostics).map((d) => d.code)).toEqual(['DVP603']);
        expect(json.clusters.flatMap((c) => c.changes).map((c) => c.resource)).toEqual(['VirtualDisk/db/db-01-data']);
      }
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('dvpc check of dvpc\'s output root', () => {
  it('checks each cluster on its own and the hand-off as hand-off objects', () => {
    const reports = checkClusters([DIST]);
    expect(reports.map((r) => [r.cluster, r.handoff])).toEqual([['lab', false], ['prod', false], ['gitops/argocd', true], ['gitops/flux/lab', true], ['gitops/flux/prod', true]]);
    // Merged, prod's addresses were checked against lab's CIDRs (DVP104) and the two Flux
    // GitRepositories were one object defined twice (DVP004).
    expect(reports.flatMap((r) => r.report.diagnostics)).toEqual([]);
    expect(checkPaths([DIST]).diagnostics).toEqual([]);
    // Each cluster's own figures.
    expect(reports.find((r) => r.cluster === 'prod')?.report.summary.resources).toBe(checkPaths([join(DIST, 'prod')]).summary.resources);
  });

  it('still finds a real duplicate inside one part of the hand-off, and a mistake in one cluster is that cluster\'s', () => {
    const dist = rootCopy(fresh());
    const argo = join(dist, 'gitops', 'argocd', 'applications');
    cpSync(join(argo, 'lab.yaml'), join(argo, 'lab-copy.yaml'));
    writeFileSync(join(dist, 'lab', 'cluster', 'extra.yaml'), 'apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualMachineIPAddress\nmetadata:\n  name: stray\n  namespace: lab-demo\nspec:\n  type: Static\n  staticIP: 10.70.4.20\n');
    const reports = checkClusters([dist]);
    const codes = (name: string) => reports.find((r) => r.cluster === name)?.report.diagnostics.map((d) => d.code);
    // Every Application of the copied file is defined twice.
    const copied = (readFileSync(join(argo, 'lab.yaml'), 'utf8').match(/^kind: Application$/gm) ?? []).length;
    expect(copied).toBeGreaterThan(0);
    expect(codes('gitops/argocd')).toEqual(Array(copied).fill('DVP004'));
    expect(codes('lab')).toEqual(['DVP104']);
    expect(codes('prod')).toEqual([]);
  });

  it('prints one summary per cluster, each with what it skipped, and a total', async () => {
    const t = capture();
    expect(await main(['check', DIST], t.io)).toBe(0);
    const out = t.out();
    expect(out).toMatch(/^cluster lab: ok: 0 error\(s\), 0 warning\(s\), \d+ object\(s\) in \d+ file\(s\)$/m);
    expect(out).toMatch(/^cluster prod: skipped without an inventory: DVP006, DVP103/m);
    expect(out).toMatch(/^hand-off gitops\/flux\/prod: ok/m);
    expect(out).toMatch(/^ok: 0 error\(s\), 0 warning\(s\) in 2 cluster\(s\) and 3 hand-off part\(s\)$/m);
    const json = capture();
    await main(['check', DIST, '--format', 'json'], json.io);
    const doc = JSON.parse(json.out()) as { summary: { errors: number }; clusters: { cluster: string }[] };
    expect(doc.clusters.map((c) => c.cluster)).toEqual(['lab', 'prod', 'gitops/argocd', 'gitops/flux/lab', 'gitops/flux/prod']);
  });

  it('tells a cluster named "cluster" in a root from a namespace named "cluster" in a cluster folder', () => {
    const dist = fresh();
    cpSync(join(DIST, 'prod'), join(dist, 'cluster'), { recursive: true });
    cpSync(join(DIST, 'lab'), join(dist, 'lab'), { recursive: true });
    expect(checkClusters([dist]).map((r) => r.cluster)).toEqual(['cluster', 'lab']);
    const folder = join(fresh(), 'prod');
    cpSync(join(DIST, 'prod'), folder, { recursive: true });
    cpSync(join(folder, 'namespaces', 'web'), join(folder, 'namespaces', 'cluster'), { recursive: true });
    const one = checkClusters([folder]);
    expect(one.map((r) => r.cluster)).toEqual(['prod']);
  });

  it('takes one inventory per cluster from a folder of inventories, and refuses one inventory for several clusters', async () => {
    const invs = fresh();
    cpSync('stacks/prod/inventory', join(invs, 'prod'), { recursive: true });
    cpSync('stacks/lab/inventory', join(invs, 'lab'), { recursive: true });
    const reports = checkClusters([DIST], { inventory: invs });
    expect(reports.filter((r) => !r.handoff).map((r) => r.report.summary.skipped.includes('DVP103'))).toEqual([false, false]);
    expect(reports.flatMap((r) => r.report.diagnostics)).toEqual([]);
    const t = capture();
    expect(await main(['check', DIST, '--inventory', 'stacks/prod/inventory'], t.io)).toBe(2);
    expect(t.err()).toMatch(/is one cluster's inventory, but the input holds 2 clusters \(lab, prod\)/);
  });
});
