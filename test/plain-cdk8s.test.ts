/**
 * The plain cdk8s path (`app.synth()`) on an app of dvpc constructs: the same objects as
 * `dvpc synth` (annotations, namespaces, JSON patches and escape hatches included), and the same
 * checks through cdk8s validations, so that it fails on every error and writes nothing invalid.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ApiObject, App, Chart, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import fleet from '../stacks/main.ts';
import {
  Cluster, ClusterVirtualImage, DataSource, Project, VirtualDisk, VirtualMachine, VirtualMachineClass, Cpu,
} from '../lib/index.ts';
import { synthesize } from '../lib/synth.ts';
import { validationLine } from '../lib/constructs/base.ts';
import { DvpcError } from '../lib/core/errors.ts';
import { cleanup, find, render, tempDir, testCluster } from './helpers.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach(cleanup));

type Obj = Record<string, unknown>;
const meta = (o: Obj) => o['metadata'] as Obj;
const idOf = (o: Obj) => `${String(o['apiVersion'])}|${String(o['kind'])}|${String(meta(o)['namespace'] ?? '')}|${String(meta(o)['name'])}`;

/** Runs cdk8s's own app.synth() into a fresh folder; returns the objects it wrote, or what it threw. */
function cdk8sSynth(app: App): { objects: Obj[]; files: string[]; error: Error | undefined } {
  const out = tempDir('dvpc-plain-');
  dirs.push(out);
  (app as { outdir: string }).outdir = out;
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  const files = readdirSync(out);
  const objects = files.flatMap((f) => parseAllDocuments(readFileSync(join(out, f), 'utf8')).map((d) => d.toJS() as Obj)).filter((o) => o !== null);
  return { objects, files, error };
}

/** The example fleet through each path: dvpc synth (dry run; its clusters, not the GitOps hand-off) and cdk8s's app.synth(). */
function bothPaths(build: () => App): { viaDvpc: Obj[]; viaCdk8s: Obj[] } {
  const { result } = render(build());
  const viaDvpc = [...result.files].filter(([path]) => !path.startsWith('gitops/') && !path.endsWith('kustomization.yaml'))
    .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS() as Obj));
  const plain = cdk8sSynth(build());
  expect(plain.error).toBeUndefined();
  return { viaDvpc, viaCdk8s: plain.objects };
}

describe('app.synth() on the example fleet', () => {
  const { viaDvpc, viaCdk8s } = bothPaths(fleet);

  it('writes exactly the objects dvpc synth writes, annotations and namespaces included', () => {
    const byId = (list: Obj[]) => new Map(list.map((o) => [idOf(o), o]));
    const a = byId(viaDvpc);
    const b = byId(viaCdk8s);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [id, o] of a) expect(b.get(id), id).toEqual(o);
  });

  it('carries the sync waves and the prune protection on the objects themselves', () => {
    const disk = find(viaCdk8s, 'VirtualDisk', 'db-01-data');
    expect(meta(disk)['annotations']).toMatchObject({
      'argocd.argoproj.io/sync-wave': '2',
      'argocd.argoproj.io/sync-options': 'Prune=false',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
    });
    // A VirtualImage on a PVC holds data too; a cdk8s-plus Secret and Namespace get their waves.
    expect(meta(find(viaCdk8s, 'VirtualImage', 'postgres-base'))['annotations']).toMatchObject({ 'argocd.argoproj.io/sync-options': 'Prune=false' });
    expect(meta(find(viaCdk8s, 'Secret', 'web-cloud-init'))['annotations']).toEqual({ 'argocd.argoproj.io/sync-wave': '1' });
    expect(meta(find(viaCdk8s, 'Namespace', 'web'))['annotations']).toEqual({ 'argocd.argoproj.io/sync-wave': '1' });
    expect(meta(find(viaCdk8s, 'VirtualMachine', 'web-01'))).toMatchObject({ namespace: 'web', annotations: { 'argocd.argoproj.io/sync-wave': '3' } });
  });
});

describe('app.synth() runs the checks', () => {
  /** The fleet with three mistakes: a VM of an unknown class, an overlapping subnet (by patch), a disk of another project. */
  function broken(): App {
    const app = fleet();
    const prod = app.node.findChild('prod') as Cluster;
    (prod.node.findChild('virtualization') as ApiObject).addJsonPatch(JsonPatch.add('/spec/settings/virtualMachineCIDRs/-', '10.70.2.0/24'));
    const p = new Project(prod, 'broken');
    const other = new VirtualDisk(new Project(prod, 'other'), 'theirs', { size: '10Gi' });
    new VirtualMachine(p, 'no-class', { vmClass: 'gold', cores: 2, coreFraction: '50%', memory: '4Gi', disks: [other] });
    return app;
  }

  it('throws with every error dvpc synth reports, and writes no manifest', () => {
    const expected = synthesize(broken(), { dryRun: true, outdir: join(tempDir(), 'unused') });
    const errors = expected.clusters.flatMap((c) => c.report.diagnostics).filter((d) => d.severity === 'error');
    expect(new Set(errors.map((d) => d.code))).toEqual(new Set(['DVP102', 'DVP201', 'DVP401']));
    const { error, files } = cdk8sSynth(broken());
    expect(error?.message).toMatch(/^Validation failed with the following errors:/);
    for (const d of errors) expect(error?.message).toContain(`[prod] ${validationLine(d)}`);
    // One line per error, no warning among them, nothing written.
    expect(error?.message.split('\n').filter((l) => /\] DVP\d{3} /.test(l))).toHaveLength(errors.length);
    expect(files).toEqual([]);
  });

  it('names the object, the field and the construct in each line', () => {
    const { error } = cdk8sSynth(broken());
    expect(error?.message).toContain('[prod] DVP201 VirtualMachine/broken/no-class spec.virtualMachineClassName: ');
    expect(error?.message).toMatch(/DVP401 .*\[prod\/broken\/no-class\]/);
  });

  it('passes, and writes, once the mistakes are fixed', () => {
    const { error, files } = cdk8sSynth(fleet());
    expect(error).toBeUndefined();
    expect(files.length).toBeGreaterThan(0);
  });

  it('prints each warning once, and does not fail on it', () => {
    const { app, cluster } = testCluster();
    new ClusterVirtualImage(cluster, 'plain-http', { source: DataSource.http('http://example.com/a.img') });
    new Chart(app, 'other-chart-validates-the-app-again');
    const printed: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (printed.push(String(chunk)), true)) as typeof process.stderr.write;
    let result: ReturnType<typeof cdk8sSynth>;
    try {
      result = cdk8sSynth(app);
    } finally {
      process.stderr.write = write;
    }
    expect(result.error).toBeUndefined();
    expect(printed.filter((l) => l.includes('DVP702'))).toEqual([expect.stringMatching(/^dvpc: warning: \[test\] DVP702 ClusterVirtualImage\/plain-http spec\.dataSource\.http\.url: /)]);
  });

  it('reports a chart nested in a Cluster instead of rendering it twice', () => {
    const { app, cluster } = testCluster();
    new Chart(cluster, 'inner');
    expect(cdk8sSynth(app).error?.message).toMatch(/DVP002 chart "test\/inner" is nested in Cluster "test"/);
  });
});

describe('rendering dvpc objects directly keeps cdk8s escape hatches', () => {
  function stack(): { app: App; disk: VirtualDisk; vm: VirtualMachine } {
    const { app, cluster } = testCluster();
    const image = new ClusterVirtualImage(cluster, 'img', { source: DataSource.http('https://example.com/a.img') });
    const p = new Project(cluster, 'p');
    const disk = new VirtualDisk(p, 'data', { size: '10Gi' });
    const vm = new VirtualMachine(p, 'vm', { vmClass: 'generic', cores: 1, coreFraction: '50%', memory: '2Gi', disks: [{ name: 'root', size: '10Gi', image }, disk] });
    return { app, disk, vm };
  }

  it('applies JSON patches, metadata changes and lazy values in dist/ and in toJson()', () => {
    const { app, disk, vm } = stack();
    disk.addJsonPatch(JsonPatch.replace('/spec/persistentVolumeClaim/size', '20Gi'));
    disk.metadata.addLabel('tier', 'gold');
    disk.metadata.addAnnotation('team', 'data');
    vm.metadata.addFinalizers('example.com/keep');
    vm.metadata.add('generation', 3);
    vm.addJsonPatch(JsonPatch.add('/spec/runPolicy', Lazy.any({ produce: () => 'Manual' }) as unknown as string));
    const objects = render(app).objects;
    for (const rendered of [find(objects, 'VirtualDisk', 'data'), disk.toJson() as Obj]) {
      expect((rendered['spec'] as Obj)['persistentVolumeClaim']).toEqual({ size: '20Gi' });
      expect(meta(rendered)).toEqual({
        name: 'data', namespace: 'p', labels: { tier: 'gold' },
        annotations: { team: 'data', 'argocd.argoproj.io/sync-wave': '2', 'argocd.argoproj.io/sync-options': 'Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
      });
    }
    for (const rendered of [find(objects, 'VirtualMachine', 'vm'), vm.toJson() as Obj]) {
      expect(meta(rendered)).toMatchObject({ finalizers: ['example.com/keep'], generation: 3 });
    }
  });

  it('resolves Lazy values given as props, as cdk8s does', () => {
    const { app, cluster } = testCluster();
    const p = new Project(cluster, 'p');
    new VirtualDisk(p, 'lazy', { size: Lazy.any({ produce: () => '5Gi' }) as unknown as string });
    expect((find(render(app).objects, 'VirtualDisk', 'lazy')['spec'] as Obj)['persistentVolumeClaim']).toEqual({ size: '5Gi' });
  });

  it('keeps a sync wave or prune option the user set', () => {
    const { app, disk } = stack();
    disk.metadata.addAnnotation('argocd.argoproj.io/sync-wave', '7');
    expect(meta(find(render(app).objects, 'VirtualDisk', 'data'))['annotations']).toMatchObject({ 'argocd.argoproj.io/sync-wave': '7', 'argocd.argoproj.io/sync-options': 'Prune=false' });
    expect(meta(disk.toJson() as Obj)['annotations']).toMatchObject({ 'argocd.argoproj.io/sync-wave': '7' });
  });

  it('writes the namespace (its Project\'s, else the cluster\'s default) and waves of other libraries\' objects', () => {
    const { app, cluster } = testCluster();
    const cm = new ApiObject(cluster, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: 'b' } });
    const secret = new kplus.Secret(new Project(cluster, 'p'), 'pull', { metadata: { name: 'pull' } });
    const objects = render(app).objects;
    expect(meta(find(objects, 'ConfigMap', 'settings'))).toEqual({ name: 'settings', namespace: 'default' });
    expect(meta(find(objects, 'Secret', 'pull'))).toEqual({ name: 'pull', namespace: 'p', annotations: { 'argocd.argoproj.io/sync-wave': '1' } });
    // After a render, their own toJson() says the same.
    expect(meta(cm.toJson() as Obj)).toEqual({ name: 'settings', namespace: 'default' });
    expect(meta(ApiObject.of(secret).toJson() as Obj)['annotations']).toEqual({ 'argocd.argoproj.io/sync-wave': '1' });
  });

  it('writes no namespace on a cluster-scoped kind, whatever library made it (SPEC §4)', () => {
    const { app, cluster } = testCluster();
    new ApiObject(new Project(cluster, 'p'), 'cls', { apiVersion: 'virtualization.deckhouse.io/v1alpha3', kind: 'VirtualMachineClass', metadata: { name: 'raw', namespace: 'oops' }, spec: { cpu: { type: 'Host' } } });
    const objects = render(app).objects;
    expect(meta(find(objects, 'VirtualMachineClass', 'raw'))).toEqual({ name: 'raw', annotations: { 'argocd.argoproj.io/sync-wave': '0' } });
  });

  it('gives an object created after a render its annotations too', () => {
    const { cluster, disk } = (() => {
      const s = testCluster();
      const d = new VirtualDisk(new Project(s.cluster, 'p'), 'first', { size: '1Gi' });
      return { cluster: s.cluster, disk: d };
    })();
    expect(meta(disk.toJson() as Obj)['annotations']).toMatchObject({ 'argocd.argoproj.io/sync-wave': '2' });
    const later = new VirtualMachineClass(cluster, 'later', { cpu: Cpu.host() });
    expect(meta(later.toJson() as Obj)['annotations']).toEqual({ 'argocd.argoproj.io/sync-wave': '0' });
  });
});

describe('what the tree holds', () => {
  it('tells dvpc\'s classes apart (cdk8s answers instanceof for any ApiObject or Chart)', () => {
    const { app, cluster } = testCluster();
    const cls = new VirtualMachineClass(cluster, 'std', { cpu: Cpu.host(), sizingPolicies: [{ cores: { min: 1, max: 4 }, coreFractions: [25, 50], defaultCoreFraction: 25 }] });
    // A VM named like the class must not be taken for it when the default fraction is resolved.
    const vm = new VirtualMachine(new Project(cluster, 'p'), 'std', { vmClass: 'std', cores: 1, memory: '1Gi', disks: [{ name: 'root', size: '1Gi' }] });
    expect(vm instanceof VirtualMachineClass).toBe(false);
    expect(cls instanceof VirtualMachineClass).toBe(true);
    expect((find(render(app).objects, 'VirtualMachine', 'std')['spec'] as { cpu: Obj }).cpu).toEqual({ cores: 1, coreFraction: '25%' });
  });

  it('refuses a chart that is not a Cluster', () => {
    const app = new App();
    new Cluster(app, 'ok');
    new Chart(app, 'plain');
    expect(() => render(app)).toThrow(DvpcError);
    expect(() => render(app)).toThrow(/chart "plain" is not a dvpc Cluster/);
  });
});
