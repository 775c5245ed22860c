/** Pull-request review: the baseline checks, `dvpc diff`, and the GitOps hand-off. */
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { JsonPatch, type ApiObject } from 'cdk8s';
import fleet from '../stacks/main.ts';
import { synthesize } from '../lib/synth.ts';
import { checkPaths } from '../lib/front/check-paths.ts';
import { main } from '../lib/cli/main.ts';
import { emitDocuments } from '../lib/render/yaml-emit.ts';
import { Cluster, VirtualMachine } from '../lib/index.ts';
import { cleanup, hasKubectl, readTree, tempDir, captureIo } from './helpers.ts';
import type { Json } from '../lib/core/json.ts';

const root = tempDir();
afterAll(() => cleanup(root));
const BASE = join(root, 'base');
synthesize(fleet(), { outdir: BASE });

/** Manifests edited freely in these tests (the checker, not the type system, judges them). */
type Doc = Record<string, any>;

/** A copy of the baseline with some documents edited (return null to remove one). */
function changed(edits: Record<string, (doc: Doc) => Doc | null>): string {
  const dir = join(root, `desired-${Math.random().toString(36).slice(2)}`);
  cpSync(BASE, dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const path = join(dir, file);
    const docs = parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as Doc);
    const out = docs.map((d) => edit(structuredClone(d))).filter((d): d is Doc => d !== null);
    writeFileSync(path, emitDocuments(out as { [key: string]: Json }[]));
  }
  return dir;
}

const named = (name: string, f: (d: Doc) => Doc | null) => (d: Doc) => (d['metadata'].name === name ? f(d) : d);

function check(desired: string, allow: string[] = []) {
  return checkPaths([join(desired, 'prod')], { baseline: join(BASE, 'prod'), inventory: 'stacks/prod/inventory', allow: new Set(allow) });
}

const capture = captureIo;

const cases: [string, string, Record<string, (d: Doc) => Doc | null>, string][] = [
  ['DVP601', 'a disk is removed', { 'prod/namespaces/ci/virtual-disks.yaml': named('runner-16-root', () => null) }, 'VirtualDisk/ci/runner-16-root'],
  ['DVP602', "a ClusterVirtualImage's URL changes", { 'prod/cluster/cluster-virtual-images.yaml': named('ubuntu-24-04', (d) => { d['spec'].dataSource.http.url = 'https://cloud-images.ubuntu.com/noble/20261201/noble.img'; return d; }) }, 'ClusterVirtualImage/ubuntu-24-04'],
  ['DVP602', "a class's spec.cpu changes", { 'prod/cluster/virtual-machine-classes.yaml': named('compute', (d) => { d['spec'].cpu = { type: 'HostPassthrough' }; return d; }) }, 'VirtualMachineClass/compute'],
  ['DVP603', 'a disk shrinks', { 'prod/namespaces/db/virtual-disks.yaml': named('db-01-data', (d) => { d['spec'].persistentVolumeClaim.size = '400Gi'; return d; }) }, 'VirtualDisk/db/db-01-data'],
  ['DVP107', 'a CIDR with static addresses is removed', { 'prod/cluster/module-configs.yaml': (d) => { d['spec'].settings.virtualMachineCIDRs = ['10.70.0.0/22', '10.70.4.0/22']; return d; } }, 'ModuleConfig/virtualization'],
  ['DVP604', "a VM's address moves", { 'prod/namespaces/db/ip-addresses.yaml': named('db-01', (d) => { d['spec'].staticIP = '10.70.4.50'; return d; }) }, 'VirtualMachineIPAddress/db/db-01'],
];

describe('dangerous changes against the baseline', () => {
  it.each(cases)('%s: %s', (code, _name, edits, resource) => {
    const desired = changed(edits);
    const report = check(desired);
    const hit = report.diagnostics.find((d) => d.code === code);
    expect(hit, JSON.stringify(report.diagnostics.map((d) => [d.code, d.message]))).toBeDefined();
    expect(hit?.resource).toBe(resource);
    const severity = code === 'DVP604' ? 'warning' : 'error';
    expect(hit?.severity).toBe(severity);
    // --allow approves it: the same finding, as a warning.
    const allowed = check(desired, [code]).diagnostics.find((d) => d.code === code);
    expect(allowed?.severity).toBe('warning');
    // dvpc diff marks it on the changed object.
    const t = capture();
    const exit = main(['diff', '--baseline', join(BASE, 'prod'), join(desired, 'prod'), '--format', 'json'], t.io);
    return exit.then((code2) => {
      const json = JSON.parse(t.out()) as { clusters: { changes: { resource: string; diagnostics: { code: string }[] }[]; diagnostics: { code: string; resource: string }[] }[] };
      const prod = json.clusters.find((c) => (c as unknown as { cluster: string }).cluster === 'prod');
      expect(prod?.diagnostics.map((d) => d.code)).toContain(code);
      expect(code2).toBe(severity === 'error' ? 1 : 0);
    });
  });

  it('changing nothing gives an empty diff and no finding', async () => {
    const same = changed({});
    expect(check(same).diagnostics).toEqual([]);
    const t = capture();
    expect(await main(['diff', '--baseline', BASE, same], t.io)).toBe(0);
    expect(t.out()).toBe('cluster lab: no changes\ncluster prod: no changes\nhand-off gitops/argocd: no changes\nhand-off gitops/flux/lab: no changes\nhand-off gitops/flux/prod: no changes\n');
  });

  it('synth --baseline catches a dangerous change made in the typed API', () => {
    const app = fleet();
    const prod = app.charts.find((c) => c instanceof Cluster && (c as Cluster).clusterName === 'prod') as Cluster;
    const disk = prod.node.findAll().find((c) => (c as ApiObject).kind === 'VirtualDisk' && (c as ApiObject).name === 'db-02-data') as ApiObject;
    disk.addJsonPatch(JsonPatch.replace('/spec/persistentVolumeClaim/size', '100Gi'));
    const result = synthesize(app, { baseline: BASE, dryRun: true });
    const d = result.clusters.find((c) => c.cluster === 'prod')?.report.diagnostics.find((x) => x.code === 'DVP603');
    expect(d).toMatchObject({ resource: 'VirtualDisk/db/db-02-data', constructPath: 'prod/db/db-02/data' });
    expect(synthesize(app, { baseline: BASE, dryRun: true, allow: new Set(['DVP603']) }).errors).toBe(0);
  });
});

describe('--baseline-ref reads the previous state from git', () => {
  it('compares with a committed version of the folder', () => {
    const repo = join(root, 'repo');
    mkdirSync(repo);
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    cpSync(join(BASE, 'prod'), join(repo, 'dist/prod'), { recursive: true });
    git('add', '-A');
    git('commit', '-qm', 'base');
    const file = join(repo, 'dist/prod/namespaces/db/virtual-disks.yaml');
    const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Doc).filter((d) => d['metadata'].name !== 'db-03-data');
    writeFileSync(file, emitDocuments(docs as { [key: string]: Json }[]));
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      const report = checkPaths(['dist/prod'], { baselineRef: 'main' });
      expect(report.diagnostics.find((d) => d.code === 'DVP601')).toMatchObject({ resource: 'VirtualDisk/db/db-03-data', file: 'main:dist/prod/namespaces/db/virtual-disks.yaml' });
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('the GitOps hand-off', () => {
  const files = readTree('dist/gitops');
  const docs = (file: string) => parseAllDocuments(files.get(file) ?? '').map((d) => d.toJS() as Doc);

  it('renders an Argo CD Application per unit of each cluster and an ApplicationSet with the fields Argo CD reads', () => {
    for (const c of ['lab', 'prod']) {
      const [app] = docs(`argocd/applications/${c}.yaml`);
      expect(app).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' });
      expect(app?.['spec'].source.path).toBe(`dist/${c}/cluster`);
      expect(app?.['spec'].destination).toEqual({ name: c });
      expect(app?.['spec'].syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(existsSync(app?.['spec'].source.path)).toBe(true);
    }
    const [set] = docs('argocd/applicationset/fleet.yaml');
    expect(set?.['kind']).toBe('ApplicationSet');
    expect([...new Set(set?.['spec'].generators[0].list.elements.map((e: Doc) => e['cluster']))]).toEqual(['lab', 'prod']);
    expect(Object.keys(set?.['spec'].template.spec)).toEqual(expect.arrayContaining(['source', 'destination', 'syncPolicy']));
  });

  it('renders a Flux Kustomization per folder, ordered with dependsOn', () => {
    const all = docs('flux/prod/kustomizations.yaml');
    const source = all.find((d) => d['kind'] === 'GitRepository');
    expect(source?.['apiVersion']).toBe('source.toolkit.fluxcd.io/v1');
    const ks = all.filter((d) => d['kind'] === 'Kustomization');
    const names = new Set(ks.map((k) => k['metadata'].name));
    const folders = [...readTree('dist/prod').keys()].filter((f) => f.endsWith('/kustomization.yaml')).map((f) => `./dist/prod/${f.replace(/\/kustomization\.yaml$/, '')}`);
    expect(ks.map((k) => k['spec'].path).sort()).toEqual(folders.sort());
    for (const k of ks) {
      expect(k['apiVersion']).toBe('kustomize.toolkit.fluxcd.io/v1');
      expect(k['spec'].prune).toBe(true);
      expect(k['spec'].sourceRef).toEqual({ kind: 'GitRepository', name: source?.['metadata'].name });
      for (const dep of k['spec'].dependsOn ?? []) expect(names).toContain(dep.name);
    }
    expect(ks.find((k) => k['metadata'].name === 'prod.ns.web')?.['spec'].dependsOn).toEqual([{ name: 'prod.cluster' }]);
  });

  it.skipIf(!hasKubectl())('kubectl kustomize builds every folder of dist/ that holds manifests', () => {
    const folders = [...readTree('dist').keys()].filter((f) => f.endsWith('/kustomization.yaml')).map((f) => join('dist', f.replace(/\/kustomization\.yaml$/, '')));
    expect(folders.length).toBeGreaterThan(10);
    for (const f of folders) {
      const out = execFileSync('kubectl', ['kustomize', f], { stdio: 'pipe' }).toString();
      expect(out, f).toMatch(/^apiVersion: /m);
    }
  });
});


describe('the markdown diff of a realistic change', () => {
  it('reads on its own: summary first, dangers, then details folded', async () => {
    const app = fleet();
    const prod = app.charts.find((c) => c instanceof Cluster && (c as Cluster).clusterName === 'prod') as Cluster;
    const web = prod.node.findChild('web');
    for (const n of ['21', '22', '23']) {
      new VirtualMachine(web, `web-${n}`, { vmClass: 'standard', cores: 2, coreFraction: '20%', memory: '4Gi', disks: [{ name: 'root', size: '20Gi', image: prod.node.findChild('ubuntu-24-04') as never }], provisioning: undefined, labels: { app: 'web' } });
    }
    (prod.node.findAll().find((c) => (c as ApiObject).name === 'db-01-data') as ApiObject).addJsonPatch(JsonPatch.replace('/spec/persistentVolumeClaim/size', '750Gi'));
    (prod.node.findChild('standard') as ApiObject).addJsonPatch(JsonPatch.replace('/spec/sizingPolicies/0/memory/max', '12Gi'));
    const out = join(root, 'realistic');
    synthesize(app, { outdir: out });
    const t = capture();
    expect(await main(['diff', '--baseline', join(BASE, 'prod'), join(out, 'prod'), '--format', 'markdown'], t.io)).toBe(0);
    const md = t.out();
    expect(md).toContain('| VMs | 3 | 0 | 0 |');
    expect(md).toContain('| disks | 3 | 0 | 1 |');
    expect(md).toContain('| classes | 0 | 0 | 1 |');
    expect(md).toContain('| vCPUs | 280 | 286 |');
    expect(md).toContain('  - `spec.persistentVolumeClaim.size`: `500Gi` → `750Gi`');
    expect(md).toContain('  - `spec.sizingPolicies[0].memory.max`: `8Gi` → `12Gi`');
    expect(md).toMatch(/<details><summary>VirtualMachine: 3 added, 0 removed, 0 changed<\/summary>/);
    expect(md.indexOf('| VMs |')).toBeLessThan(md.indexOf('<details>'));
    // With the inventory, the pictures; the README shows exactly this output.
    const withInventory = capture();
    await main(['diff', '--baseline', join(BASE, 'prod'), join(out, 'prod'), '--inventory', 'stacks/prod/inventory', '--format', 'markdown'], withInventory.io);
    expect(withInventory.out()).toContain('| `standard` | 36 → 39 | 40 → 41.2 | 512 cores<br>▰▱▱▱▱▱▱▱▱▱ 8% | 208Gi → 220Gi | 3.9Ti<br>▰▱▱▱▱▱▱▱▱▱ 5% |');
    const readme = readFileSync('README.md', 'utf8');
    const quoted = readme.slice(readme.indexOf('<!-- generated by `dvpc diff --format markdown --inventory')).split('\n').slice(1);
    const example = quoted.slice(0, quoted.findIndex((l) => !l.startsWith('>'))).map((l) => l.replace(/^> ?/, '')).join('\n');
    expect(`${example}\n`).toBe(withInventory.out());
  });
});
