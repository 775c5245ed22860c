/**
 * Apply order from the reference graph: sync waves (an object after what it references, whatever
 * the kinds), Flux folder dependencies from the same graph with cycles broken by the stated rule,
 * cluster-scoped objects made from namespaced ones in their own folder, and a plural file per kind.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { DVP_KINDS } from '../lib/core/kinds.ts';
import type { JsonObject } from '../lib/core/json.ts';
import { folderReferences, kindFile, syncWaves } from '../lib/render/order.ts';
import { folderDependencies, unitName } from '../lib/render/gitops-units.ts';
import type { LayoutFolder } from '../lib/render/layout.ts';

/** Flux's folder order: the references, with dvpc's defaults and cycles broken (render/gitops-units). */
const dependenciesOf = (folders: readonly LayoutFolder[]) => folderDependencies(folders.map((f) => f.path), folderReferences(folders));
import { CLUSTER_FROM_NAMESPACES, layout, type PlacedObject } from '../lib/render/layout.ts';
import { referenceKey, referencesOf } from '../lib/model/references.ts';
import { identityKey } from '../lib/core/resource.ts';
import { readTree } from './helpers.ts';

const G = 'virtualization.deckhouse.io/v1alpha2';

function obj(kind: string, name: string, namespace: string | undefined, spec: JsonObject = {}, apiVersion = G, annotations?: Record<string, string>): PlacedObject {
  const metadata: JsonObject = { name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}) };
  return { apiVersion, kind, name, namespace, body: { apiVersion, kind, metadata, spec } };
}

const ns = (name: string) => obj('Namespace', name, undefined, {}, 'v1');
const ref = (kind: string, name: string, namespace?: string): JsonObject => ({ type: 'ObjectRef', objectRef: { kind, name, ...(namespace ? { namespace } : {}) } });
const vm = (name: string, namespace: string, extra: JsonObject = {}) => obj('VirtualMachine', name, namespace, { virtualMachineClassName: 'std', cpu: { cores: 1 }, memory: { size: '1Gi' }, ...extra });

/** A cluster where a ClusterVirtualImage is made from a project's disk, and everything else the issue names. */
function cluster(): PlacedObject[] {
  return [
    obj('ModuleConfig', 'virtualization', undefined, {}, 'deckhouse.io/v1alpha1'),
    obj('VirtualMachineClass', 'std', undefined),
    obj('ClusterVirtualImage', 'ubuntu', undefined, { dataSource: { type: 'HTTP', http: { url: 'https://x/u.img' } } }),
    obj('ClusterVirtualImage', 'golden', undefined, { dataSource: ref('VirtualDisk', 'golden', 'web') }),
    ns('web'), ns('db'),
    obj('VirtualDisk', 'golden', 'web', { dataSource: ref('ClusterVirtualImage', 'ubuntu') }),
    obj('Secret', 'init', 'web', {}, 'v1'),
    obj('VirtualMachineIPAddress', 'web-1', 'web', { type: 'Auto' }),
    vm('web-1', 'web', { blockDeviceRefs: [{ kind: 'ClusterVirtualImage', name: 'golden' }], virtualMachineIPAddressName: 'web-1', provisioning: { type: 'UserDataRef', userDataRef: { kind: 'Secret', name: 'init' } } }),
    obj('VirtualDisk', 'db-1-root', 'db', { dataSource: ref('ClusterVirtualImage', 'golden') }),
    obj('VirtualDisk', 'db-1-wal', 'db', {}),
    vm('db-1', 'db', { blockDeviceRefs: [{ kind: 'VirtualDisk', name: 'db-1-root' }] }),
    obj('VirtualMachineBlockDeviceAttachment', 'db-1-wal', 'db', { virtualMachineName: 'db-1', blockDeviceRef: { kind: 'VirtualDisk', name: 'db-1-wal' } }),
    obj('VirtualMachineSnapshot', 'db-1-snap', 'db', { virtualMachineName: 'db-1' }),
    obj('VirtualDiskSnapshot', 'db-1-root-snap', 'db', { virtualDiskName: 'db-1-root' }),
    obj('VirtualMachineSnapshotOperation', 'clone', 'db', { type: 'CreateVirtualMachine', virtualMachineSnapshotName: 'db-1-snap' }),
    obj('ConfigMap', 'settings', 'db', {}, 'v1'),
  ];
}

function wavesByName(objects: readonly PlacedObject[]): Record<string, number> {
  const waves = syncWaves(objects);
  return Object.fromEntries(objects.map((o) => [`${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`, waves.get(o) as number]));
}

describe('sync waves follow the references, whatever the kinds', () => {
  const w = wavesByName(cluster());

  it('applies an image made from a disk after that disk, and what uses the image after the image', () => {
    expect(w['ClusterVirtualImage/golden']).toBeGreaterThan(w['VirtualDisk/web/golden'] as number);
    expect(w['VirtualMachine/web/web-1']).toBeGreaterThan(w['ClusterVirtualImage/golden'] as number);
    expect(w['VirtualDisk/db/db-1-root']).toBeGreaterThan(w['ClusterVirtualImage/golden'] as number);
  });

  it('applies snapshots, attachments and operations after what they act on', () => {
    expect(w['VirtualMachineSnapshot/db/db-1-snap']).toBeGreaterThan(w['VirtualMachine/db/db-1'] as number);
    expect(w['VirtualDiskSnapshot/db/db-1-root-snap']).toBeGreaterThan(w['VirtualDisk/db/db-1-root'] as number);
    expect(w['VirtualMachineBlockDeviceAttachment/db/db-1-wal']).toBeGreaterThan(Math.max(w['VirtualMachine/db/db-1'] as number, w['VirtualDisk/db/db-1-wal'] as number));
    expect(w['VirtualMachineSnapshotOperation/db/clone']).toBeGreaterThan(w['VirtualMachineSnapshot/db/db-1-snap'] as number);
  });

  it('applies a VM after its class, images, disks, address and Secret, and keeps the base waves of the README', () => {
    expect(w).toMatchObject({ 'ModuleConfig/virtualization': 0, 'VirtualMachineClass/std': 0, 'Namespace/web': 1, 'ClusterVirtualImage/ubuntu': 1, 'Secret/web/init': 1, 'VirtualDisk/db/db-1-wal': 2, 'VirtualMachineIPAddress/web/web-1': 2 });
    for (const dep of ['VirtualMachineClass/std', 'Secret/web/init', 'VirtualMachineIPAddress/web/web-1']) expect(w['VirtualMachine/web/web-1']).toBeGreaterThan(w[dep] as number);
  });

  it('never applies an object before its namespace, whatever its kind', () => {
    expect(w['ConfigMap/db/settings']).toBe(w['Namespace/db']);
  });

  it('keeps a wave the user wrote, and orders what references it after it', () => {
    const objects = cluster().map((o) => (o.kind === 'VirtualDisk' && o.name === 'golden' ? obj('VirtualDisk', 'golden', 'web', o.body['spec'] as JsonObject, G, { 'argocd.argoproj.io/sync-wave': '7' }) : o));
    const mine = wavesByName(objects);
    expect(mine['VirtualDisk/web/golden']).toBe(7);
    expect(mine['ClusterVirtualImage/golden']).toBe(8);
  });

  it('is the same whatever order the objects come in, and ends on a reference cycle', () => {
    const shuffled = [...cluster()].reverse();
    expect(wavesByName(shuffled)).toEqual(w);
    const cycle = [obj('VirtualImage', 'a', 'p', { dataSource: ref('VirtualImage', 'b') }), obj('VirtualImage', 'b', 'p', { dataSource: ref('VirtualImage', 'a') })];
    const waves = wavesByName(cycle);
    expect(waves).toEqual(wavesByName(cycle));
    expect(Object.values(waves).every((x) => Number.isInteger(x))).toBe(true);
  });
});

describe('the golden dist: every reference the checks follow is applied first', () => {
  it('gives every object of the new kinds a wave after each object it references (Argo CD), and Flux the same order between folders', () => {
    const placed: PlacedObject[] = [];
    const folderOf = new Map<string, string>();
    for (const [path, text] of readTree('dist/prod')) {
      if (path.endsWith('kustomization.yaml')) continue;
      for (const doc of parseAllDocuments(text)) {
        const body = doc.toJS() as JsonObject;
        const meta = body['metadata'] as { name: string; namespace?: string };
        const o = { apiVersion: String(body['apiVersion']), kind: String(body['kind']), name: meta.name, namespace: meta.namespace, body };
        placed.push(o);
        folderOf.set(identityKey(o), path.slice(0, path.lastIndexOf('/')));
      }
    }
    const byKey = new Map(placed.map((o) => [identityKey(o), o]));
    const wave = (o: PlacedObject) => Number(((o.body['metadata'] as JsonObject)['annotations'] as Record<string, string>)['argocd.argoproj.io/sync-wave']);
    const flux = parseAllDocuments(readFileSync('dist/gitops/flux/prod/kustomizations.yaml', 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec: { path?: string; dependsOn?: { name: string }[] } });
    const fluxDeps = new Map(flux.filter((k) => k.kind === 'Kustomization').map((k) => [(k.spec.path ?? '').replace('./dist/prod/', ''), (k.spec.dependsOn ?? []).map((d) => d.name)]));
    const fluxName = (folder: string) => unitName('prod', folder);
    let followed = 0;
    for (const o of placed) {
      for (const r of referencesOf(o)) {
        const target = byKey.get(referenceKey(r));
        if (!target) continue;
        followed++;
        if (r.role === 'namespace') expect(wave(o)).toBeGreaterThanOrEqual(wave(target));
        else expect(wave(o), `${o.kind}/${o.name} → ${target.kind}/${target.name}`).toBeGreaterThan(wave(target));
        const [from, to] = [folderOf.get(identityKey(o)) as string, folderOf.get(identityKey(target)) as string];
        if (from !== to) expect(fluxDeps.get(from), `${from} → ${to}`).toContain(fluxName(to));
      }
    }
    expect(followed).toBeGreaterThan(150);
    for (const kind of ['VirtualMachinePool', 'VirtualMachineBlockDeviceAttachment', 'VirtualMachineSnapshot']) expect(placed.some((o) => o.kind === kind)).toBe(true);
  });
});

describe('Flux folders and their dependencies', () => {
  it('moves a cluster-scoped object made from a namespaced one to a folder applied after that namespace', () => {
    const folders = layout(cluster());
    const where = (kind: string, name: string) => folders.find((f) => f.files.some((file) => file.objects.some((o) => o.kind === kind && o.name === name)))?.path;
    expect(where('ClusterVirtualImage', 'golden')).toBe(CLUSTER_FROM_NAMESPACES);
    expect(where('ClusterVirtualImage', 'ubuntu')).toBe('cluster');
    const deps = dependenciesOf(folders);
    expect(Object.fromEntries(deps)).toEqual({
      'cluster': [],
      [CLUSTER_FROM_NAMESPACES]: ['cluster', 'namespaces/web'],
      // db uses the golden image: it waits for it.
      'namespaces/db': ['cluster', CLUSTER_FROM_NAMESPACES],
      // web holds the image's disk and uses the image: the edge back would close a cycle, so web's VM waits in the cluster.
      'namespaces/web': ['cluster'],
    });
  });

  it("makes a sharded project's shards wait for its common folder, and a folder wait for another project it references", () => {
    const big: PlacedObject[] = [ns('big'), obj('Secret', 'shared', 'big', {}, 'v1'), obj('VirtualMachineClass', 'std', undefined), obj('VirtualImage', 'img', 'lib', {}), ns('lib')];
    for (let i = 0; i < 1100; i++) big.push(vm(`vm-${i}`, 'big', { blockDeviceRefs: [{ kind: 'ClusterVirtualImage', name: 'x' }], provisioning: { type: 'UserDataRef', userDataRef: { kind: 'Secret', name: 'shared' } } }));
    big.push(obj('ClusterVirtualImage', 'from-lib', undefined, { dataSource: ref('VirtualImage', 'img', 'lib') }));
    const deps = dependenciesOf(layout(big));
    const shards = [...deps.keys()].filter((k) => k.startsWith('namespaces/big/shard-'));
    expect(shards.length).toBeGreaterThan(1);
    for (const s of shards) expect(deps.get(s)).toEqual(['cluster', 'namespaces/big/common']);
    expect(deps.get(CLUSTER_FROM_NAMESPACES)).toEqual(['cluster', 'namespaces/lib']);
  });
});

describe('file names', () => {
  it('names every kind of the module in plural kebab-case, and unknown kinds too', () => {
    const names = Object.keys(DVP_KINDS).map(kindFile);
    for (const n of names) expect(n).toMatch(/^[a-z0-9-]+s\.yaml$/);
    expect(new Set(names).size).toBe(names.length);
    expect(kindFile('VirtualMachinePool')).toBe('virtual-machine-pools.yaml');
    expect(kindFile('VirtualMachineSnapshot')).toBe('virtual-machine-snapshots.yaml');
    expect(kindFile('VirtualDiskSnapshot')).toBe('virtual-disk-snapshots.yaml');
    expect(kindFile('VirtualMachineMACAddress')).toBe('mac-addresses.yaml');
    expect(kindFile('Namespace')).toBe('namespaces.yaml');
    expect(kindFile('NetworkPolicy')).toBe('network-policies.yaml');
    expect(kindFile('Ingress')).toBe('ingresses.yaml');
    expect(kindFile('ConfigMap')).toBe('config-maps.yaml');
    expect(kindFile('CustomResourceDefinition')).toBe('custom-resource-definitions.yaml');
    expect(kindFile('')).toBe('objects.yaml');
  });
});
