/**
 * Each construct: what it renders, and the mistakes a synth reports for it, each with its construct
 * path and field, all of them in one run.
 */
import { describe, expect, it } from 'vitest';
import * as kplus from 'cdk8s-plus-28';
import {
  ClusterVirtualImage, Cpu, DataSource, Project, Provisioning, VirtualDisk, VirtualImage,
  VirtualMachine, VirtualMachineClass, VirtualMachineIPAddress, VirtualizationModule,
} from '../lib/index.ts';
import { find, problems, render, testCluster } from './helpers.ts';

function meta(o: Record<string, unknown>): Record<string, unknown> {
  return o['metadata'] as Record<string, unknown>;
}

describe('VirtualizationModule', () => {
  it('renders the settings the module reads, and the seed knobs as annotations', () => {
    const { app, cluster } = testCluster();
    new VirtualizationModule(cluster, 'virtualization', {
      dvcr: { size: '50G', storageClassName: 'sc-1' },
      virtualMachineCIDRs: ['10.66.10.0/24'],
      virtualImages: { defaultStorageClassName: 'sc-1', allowedStorageClassNames: ['sc-1', 'sc-2'] },
      virtualDisks: { allowedStorageClassNames: ['sc-2'] },
      liveMigration: { bandwidthPerNode: '64Mi', maxMigrationsPerNode: 2 },
    });
    const mc = find(render(app).objects, 'ModuleConfig', 'virtualization');
    expect(mc['spec']).toEqual({
      enabled: true,
      version: 1,
      settings: {
        dvcr: { storage: { type: 'PersistentVolumeClaim', persistentVolumeClaim: { size: '50G', storageClassName: 'sc-1' } } },
        virtualMachineCIDRs: ['10.66.10.0/24'],
        virtualImages: { defaultStorageClassName: 'sc-1', allowedStorageClassSelector: { matchNames: ['sc-1', 'sc-2'] } },
        virtualDisks: { allowedStorageClassSelector: { matchNames: ['sc-2'] } },
      },
    });
    expect(meta(mc)['annotations']).toEqual({
      'argocd.argoproj.io/sync-wave': '0',
      'virtualization.deckhouse.io/bandwidth-per-migration': '32Mi',
      'virtualization.deckhouse.io/parallel-inbound-migrations-per-node': '2',
      'virtualization.deckhouse.io/parallel-outbound-migrations-per-node': '2',
    });
    expect(meta(mc)['namespace']).toBeUndefined();
  });

  it('reports a bad DVCR size and bad migration knobs together, naming the construct and field', () => {
    const { app, cluster } = testCluster();
    new VirtualizationModule(cluster, 'virtualization', { dvcr: { size: '50GB' }, liveMigration: { maxMigrationsPerNode: 0, bandwidthPerNode: 'fast' } });
    const found = problems(app).map((d) => [d.code, d.constructPath, d.path, d.message]);
    expect(found).toContainEqual(['DVP002', 'test/virtualization', 'spec.settings.dvcr.storage.persistentVolumeClaim.size', expect.stringMatching(/"50GB" is not a Kubernetes quantity/)]);
    expect(found).toContainEqual(['DVP002', 'test/virtualization', 'liveMigration.maxMigrationsPerNode', 'maxMigrationsPerNode 0 is not a positive integer']);
    expect(found).toContainEqual(['DVP002', 'test/virtualization', 'liveMigration.bandwidthPerNode', 'bandwidthPerNode "fast" is not a positive quantity']);
  });
});

describe('images', () => {
  it('renders a ClusterVirtualImage from each source', () => {
    const { app, cluster } = testCluster();
    const base = new ClusterVirtualImage(cluster, 'base', { source: DataSource.http('https://example.com/a.img', { checksum: { sha256: 'a'.repeat(64) } }) });
    new ClusterVirtualImage(cluster, 'from-registry', { source: DataSource.containerImage('registry.example.com/img:1', { imagePullSecret: 'pull', imagePullSecretNamespace: 'infra' }) });
    new ClusterVirtualImage(cluster, 'uploaded', { source: DataSource.upload() });
    new ClusterVirtualImage(cluster, 'copy', { source: DataSource.from(base) });
    const p = new Project(cluster, 'p');
    const disk = new VirtualDisk(p, 'golden', { size: '10Gi' });
    new ClusterVirtualImage(cluster, 'from-disk', { source: DataSource.from(disk) });
    const { objects } = render(app);
    expect(find(objects, 'ClusterVirtualImage', 'base')['spec']).toEqual({ dataSource: { type: 'HTTP', http: { url: 'https://example.com/a.img', checksum: { sha256: 'a'.repeat(64) } } } });
    expect(find(objects, 'ClusterVirtualImage', 'from-registry')['spec']).toEqual({ dataSource: { type: 'ContainerImage', containerImage: { image: 'registry.example.com/img:1', imagePullSecret: { name: 'pull', namespace: 'infra' } } } });
    expect(find(objects, 'ClusterVirtualImage', 'uploaded')['spec']).toEqual({ dataSource: { type: 'Upload' } });
    expect(find(objects, 'ClusterVirtualImage', 'copy')['spec']).toEqual({ dataSource: { type: 'ObjectRef', objectRef: { kind: 'ClusterVirtualImage', name: 'base' } } });
    expect(find(objects, 'ClusterVirtualImage', 'from-disk')['spec']).toEqual({ dataSource: { type: 'ObjectRef', objectRef: { kind: 'VirtualDisk', name: 'golden', namespace: 'p' } } });
  });

  it('renders a VirtualImage on a PVC with prune protection', () => {
    const { app, cluster } = testCluster();
    const p = new Project(cluster, 'p');
    new VirtualImage(p, 'img', { source: DataSource.http('https://example.com/a.img'), storage: 'PersistentVolumeClaim', storageClassName: 'ssd' });
    const vi = find(render(app).objects, 'VirtualImage', 'img');
    expect(vi['spec']).toEqual({ storage: 'PersistentVolumeClaim', persistentVolumeClaim: { storageClassName: 'ssd' }, dataSource: { type: 'HTTP', http: { url: 'https://example.com/a.img' } } });
    expect(meta(vi)).toMatchObject({ namespace: 'p', annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } });
  });

  it('reports a dot in an image name (DVP003) and a bad URL (DVP002)', () => {
    const { app, cluster } = testCluster();
    new ClusterVirtualImage(cluster, 'ubuntu.22', { source: DataSource.upload() });
    new ClusterVirtualImage(cluster, 'bad', { source: DataSource.http('ftp://example.com/a.img') });
    const found = problems(app);
    expect(found.find((d) => d.code === 'DVP003')).toMatchObject({ constructPath: 'test/ubuntu.22', path: 'metadata.name', message: expect.stringMatching(/contains '\.'/) });
    expect(found.find((d) => d.code === 'DVP002')).toMatchObject({ constructPath: 'test/bad', path: 'spec.dataSource.http.url' });
  });
});

describe('VirtualMachineClass', () => {
  it('renders each cpu type, selectors, tolerations and policies (v1alpha3 by default)', () => {
    const { app, cluster } = testCluster();
    new VirtualMachineClass(cluster, 'disc', {
      cpu: Cpu.discovery({ matchLabels: { group: 'blue' } }),
      nodeSelector: { matchExpressions: [{ key: 'group', operator: 'In', values: ['blue'] }] },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'vm', effect: 'NoSchedule' }],
      sizingPolicies: [{ cores: { min: 1, max: 4 }, coreFractions: [10, 100], defaultCoreFraction: 10, memory: { min: '1Gi', max: '8Gi' } }],
      isDefault: true,
    });
    new VirtualMachineClass(cluster, 'model', { cpu: Cpu.model('IvyBridge'), apiVersion: 'v1alpha2', sizingPolicies: [{ cores: { min: 1, max: 4 }, coreFractions: [10, 100] }] });
    new VirtualMachineClass(cluster, 'feat', { cpu: Cpu.features(['avx2', 'aes']) });
    VirtualMachineClass.host(cluster);
    VirtualMachineClass.hostPassthrough(cluster);
    VirtualMachineClass.generic(cluster);
    const { objects } = render(app);
    const disc = find(objects, 'VirtualMachineClass', 'disc');
    expect(disc['apiVersion']).toBe('virtualization.deckhouse.io/v1alpha3');
    expect(meta(disc)['annotations']).toMatchObject({ 'virtualmachineclass.virtualization.deckhouse.io/is-default-class': 'true' });
    expect(disc['spec']).toEqual({
      cpu: { type: 'Discovery', discovery: { nodeSelector: { matchLabels: { group: 'blue' } } } },
      nodeSelector: { matchExpressions: [{ key: 'group', operator: 'In', values: ['blue'] }] },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'vm', effect: 'NoSchedule' }],
      sizingPolicies: [{ cores: { min: 1, max: 4 }, coreFractions: ['10%', '100%'], defaultCoreFraction: '10%', memory: { min: '1Gi', max: '8Gi' } }],
    });
    const model = find(objects, 'VirtualMachineClass', 'model');
    expect(model['apiVersion']).toBe('virtualization.deckhouse.io/v1alpha2');
    expect(model['spec']).toEqual({ cpu: { type: 'Model', model: 'IvyBridge' }, sizingPolicies: [{ cores: { min: 1, max: 4 }, coreFractions: [10, 100] }] });
    expect(find(objects, 'VirtualMachineClass', 'feat')['spec']).toEqual({ cpu: { type: 'Features', features: ['avx2', 'aes'] } });
    expect(find(objects, 'VirtualMachineClass', 'host')['spec']).toEqual({ cpu: { type: 'Host' } });
    expect(find(objects, 'VirtualMachineClass', 'host-passthrough')['spec']).toEqual({ cpu: { type: 'HostPassthrough' } });
    const generic = find(objects, 'VirtualMachineClass', 'generic');
    expect(generic['spec']).toMatchObject({ cpu: { type: 'Model', model: 'Nehalem' } });
    expect((generic['spec'] as { sizingPolicies: unknown[] }).sizingPolicies).toHaveLength(4);
  });

  it('reports a class that breaks a CEL rule, and cpuX-style names, all in one run', () => {
    const { app, cluster } = testCluster();
    new VirtualMachineClass(cluster, 'c', { cpu: { type: 'Host', model: 'IvyBridge' } });
    new VirtualMachineClass(cluster, 'd', { cpu: Cpu.host(), sizingPolicies: [{ cores: { min: 4, max: 2 } }] });
    new VirtualMachineClass(cluster, 'cpuX', { cpu: Cpu.host() });
    const found = problems(app).map((d) => `${d.code} ${d.constructPath} ${d.message}`);
    expect(found).toContainEqual(expect.stringMatching(/^DVP002 test\/c HostPassthrough and Host cannot have model/));
    expect(found).toContainEqual(expect.stringMatching(/^DVP002 test\/d The maximum must be greater than the minimum/));
    expect(found).toContainEqual(expect.stringMatching(/^DVP003 test\/cpuX .*DNS-1123/));
  });
});

describe('VirtualMachine', () => {
  it('renders its disks, address, cloud-init Secret and the class default coreFraction', () => {
    const { app, cluster } = testCluster();
    const cls = new VirtualMachineClass(cluster, 'std', { cpu: Cpu.host(), sizingPolicies: [{ cores: { min: 1, max: 4 }, coreFractions: [10, 50], defaultCoreFraction: 50 }] });
    const img = new ClusterVirtualImage(cluster, 'ubuntu', { source: DataSource.upload() });
    const p = new Project(cluster, 'p');
    new VirtualMachine(p, 'vm-1', {
      vmClass: cls, cores: 2, memory: '4Gi',
      disks: [{ name: 'root', size: '20Gi', image: img }, { name: 'data', size: '100Gi', storageClassName: 'hdd' }, img],
      address: '10.66.10.20',
      provisioning: Provisioning.cloudInitSecret('#cloud-config\nhostname: vm-1\n'),
      runPolicy: 'AlwaysOn', bootloader: 'EFI', osType: 'Generic', nodeSelector: { rack: 'a' },
      tolerations: [{ key: 'k', operator: 'Exists' }],
    });
    const { objects } = render(app);
    const vm = find(objects, 'VirtualMachine', 'vm-1');
    expect(vm['spec']).toEqual({
      virtualMachineClassName: 'std',
      cpu: { cores: 2, coreFraction: '50%' },
      memory: { size: '4Gi' },
      blockDeviceRefs: [{ kind: 'VirtualDisk', name: 'vm-1-root' }, { kind: 'VirtualDisk', name: 'vm-1-data' }, { kind: 'ClusterVirtualImage', name: 'ubuntu' }],
      virtualMachineIPAddressName: 'vm-1',
      provisioning: { type: 'UserDataRef', userDataRef: { kind: 'Secret', name: 'vm-1-cloud-init' } },
      runPolicy: 'AlwaysOn', bootloader: 'EFI', osType: 'Generic', nodeSelector: { rack: 'a' },
      tolerations: [{ key: 'k', operator: 'Exists' }],
    });
    expect(find(objects, 'VirtualDisk', 'vm-1-root')['spec']).toEqual({ persistentVolumeClaim: { size: '20Gi' }, dataSource: { type: 'ObjectRef', objectRef: { kind: 'ClusterVirtualImage', name: 'ubuntu' } } });
    expect(find(objects, 'VirtualDisk', 'vm-1-data')['spec']).toEqual({ persistentVolumeClaim: { size: '100Gi', storageClassName: 'hdd' } });
    expect(find(objects, 'VirtualMachineIPAddress', 'vm-1')['spec']).toEqual({ type: 'Static', staticIP: '10.66.10.20' });
    const secret = find(objects, 'Secret', 'vm-1-cloud-init');
    expect(secret).toMatchObject({ type: 'provisioning.virtualization.deckhouse.io/cloud-init', stringData: { userData: '#cloud-config\nhostname: vm-1\n' } });
    expect(meta(secret)['namespace']).toBe('p');
  });

  it('resolves the default coreFraction of a class named by string, and of the built-in generic', () => {
    const { app, cluster } = testCluster();
    new VirtualMachineClass(cluster, 'later', { cpu: Cpu.host(), sizingPolicies: [{ cores: { min: 1, max: 8 }, coreFractions: [25, 100], defaultCoreFraction: 25 }] });
    const disk = new VirtualDisk(cluster, 'd', { size: '1Gi' });
    new VirtualMachine(cluster, 'by-name', { vmClass: 'later', cores: 2, memory: '1Gi', disks: [disk] });
    new VirtualMachine(cluster, 'generic-vm', { vmClass: 'generic', cores: 6, memory: '1Gi', disks: [new VirtualDisk(cluster, 'e', { size: '1Gi' })] });
    new VirtualMachine(cluster, 'unknown', { vmClass: 'elsewhere', cores: 2, memory: '1Gi', disks: [new VirtualDisk(cluster, 'f', { size: '1Gi' })] });
    const { objects } = render(app);
    expect((find(objects, 'VirtualMachine', 'by-name')['spec'] as { cpu: unknown }).cpu).toEqual({ cores: 2, coreFraction: '25%' });
    expect((find(objects, 'VirtualMachine', 'generic-vm')['spec'] as { cpu: unknown }).cpu).toEqual({ cores: 6, coreFraction: '100%' });
    expect((find(objects, 'VirtualMachine', 'unknown')['spec'] as { cpu: unknown }).cpu).toEqual({ cores: 2 });
    expect(meta(find(objects, 'VirtualMachine', 'by-name'))['namespace']).toBe('default');
  });

  it('uses inline cloud-init, an existing Secret, or Sysprep', () => {
    const { app, cluster } = testCluster();
    const p = new Project(cluster, 'p');
    const s = new kplus.Secret(p, 'init', { metadata: { name: 'shared-init', namespace: 'p' }, stringData: { userData: '#cloud-config\n' } });
    const d = (n: string) => new VirtualDisk(p, n, { size: '1Gi' });
    new VirtualMachine(p, 'a', { vmClass: 'generic', cores: 1, memory: '1Gi', disks: [d('da')], provisioning: Provisioning.userData('#cloud-config\n') });
    new VirtualMachine(p, 'b', { vmClass: 'generic', cores: 1, memory: '1Gi', disks: [d('db')], provisioning: Provisioning.userDataSecret(s) });
    new VirtualMachine(p, 'c', { vmClass: 'generic', cores: 1, memory: '1Gi', disks: [d('dc')], provisioning: Provisioning.sysprepSecret('answers'), osType: 'Windows' });
    const { objects } = render(app);
    expect((find(objects, 'VirtualMachine', 'a')['spec'] as Record<string, unknown>)['provisioning']).toEqual({ type: 'UserData', userData: '#cloud-config\n' });
    expect((find(objects, 'VirtualMachine', 'b')['spec'] as Record<string, unknown>)['provisioning']).toEqual({ type: 'UserDataRef', userDataRef: { kind: 'Secret', name: 'shared-init' } });
    expect((find(objects, 'VirtualMachine', 'c')['spec'] as Record<string, unknown>)['provisioning']).toEqual({ type: 'SysprepRef', sysprepRef: { kind: 'Secret', name: 'answers' } });
  });

  it('reports a bad memory quantity, a long name, and a disk of another project, all in one run', () => {
    const { app, cluster } = testCluster();
    const p = new Project(cluster, 'p');
    const q = new Project(cluster, 'q');
    const other = new VirtualDisk(q, 'other', { size: '1Gi' });
    new VirtualMachine(p, 'vm', { vmClass: 'generic', cores: 1, memory: '1GB', disks: [{ name: 'r', size: '1Gi' }] });
    new VirtualMachine(p, 'v'.repeat(64), { vmClass: 'generic', cores: 1, memory: '1Gi', disks: [{ name: 'r', size: '1Gi' }] });
    new VirtualMachine(p, 'vm2', { vmClass: 'generic', cores: 1, memory: '1Gi', disks: [other] });
    const found = problems(app).map((d) => `${d.code} ${d.constructPath} ${d.path ?? ''}: ${d.message}`);
    expect(found).toContainEqual(expect.stringMatching(/^DVP002 test\/p\/vm spec.memory.size: "1GB" is not a Kubernetes quantity/));
    expect(found).toContainEqual(expect.stringMatching(/^DVP003 test\/p\/v{64} metadata.name: .*at most 63/));
    expect(found).toContainEqual(expect.stringMatching(/^DVP401 test\/p\/vm2 spec.blockDeviceRefs: .*namespace "q"/));
  });
});

describe('VirtualDisk, VirtualMachineIPAddress and Project', () => {
  it('renders a blank disk with prune protection, an Auto claim and a Namespace', () => {
    const { app, cluster } = testCluster();
    const p = new Project(cluster, 'team-a', { labels: { team: 'a' } });
    new VirtualDisk(p, 'scratch', { size: '5Gi', storageClassName: 'fast' });
    new VirtualMachineIPAddress(p, 'auto-ip');
    const { objects, result } = render(app);
    const disk = find(objects, 'VirtualDisk', 'scratch');
    expect(disk['spec']).toEqual({ persistentVolumeClaim: { size: '5Gi', storageClassName: 'fast' } });
    expect(meta(disk)['annotations']).toEqual({
      'argocd.argoproj.io/sync-options': 'Prune=false',
      'argocd.argoproj.io/sync-wave': '2',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
    });
    expect(find(objects, 'VirtualMachineIPAddress', 'auto-ip')['spec']).toEqual({ type: 'Auto' });
    const ns = find(objects, 'Namespace', 'team-a');
    expect(meta(ns)).toMatchObject({ name: 'team-a', labels: { team: 'a' } });
    expect([...result.files.keys()].sort()).toEqual([
      'test/namespaces/team-a/ip-addresses.yaml',
      'test/namespaces/team-a/kustomization.yaml',
      'test/namespaces/team-a/namespaces.yaml',
      'test/namespaces/team-a/virtual-disks.yaml',
    ]);
  });

  it('reports a blank disk without a size (DVP305)', () => {
    const { app, cluster } = testCluster();
    new VirtualDisk(cluster, 'empty');
    expect(problems(app)).toContainEqual(expect.objectContaining({ code: 'DVP305', constructPath: 'test/empty', resource: 'VirtualDisk/default/empty' }));
  });
});

describe('Cluster', () => {
  it('refuses the name "gitops", which dvpc check reads as the hand-off folder', () => {
    const { app } = testCluster('gitops');
    expect(problems(app)).toContainEqual(expect.objectContaining({ code: 'DVP003', constructPath: 'gitops', path: 'name', message: expect.stringMatching(/"gitops" is reserved/) }));
    expect(problems(testCluster('prod').app)).toEqual([]);
  });
});
