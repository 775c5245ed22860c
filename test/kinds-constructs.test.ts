/**
 * The constructs of issue 12: what each renders (pools, attachments, snapshots, MAC addresses, and
 * the VM's spec props), that a correct stack of them passes every check, and the mistakes only a
 * constructor can see, each with its construct path and field.
 */
import { describe, expect, it } from 'vitest';
import {
  ClusterVirtualImage, Cpu, DataSource, Project, Provisioning, VirtualDisk, VirtualDiskSnapshot, VirtualImage, VirtualMachine,
  VirtualMachineBlockDeviceAttachment, VirtualMachineClass, VirtualMachineMACAddress, VirtualMachinePool, VirtualMachineSnapshot,
} from '../lib/index.ts';
import { find, problems, render, testCluster } from './helpers.ts';

type Obj = Record<string, unknown>;
const spec = (o: Obj) => o['spec'] as Obj;
const annotations = (o: Obj) => (o['metadata'] as { annotations?: Record<string, string> }).annotations ?? {};

function fleet() {
  const { app, cluster } = testCluster();
  const cls = new VirtualMachineClass(cluster, 'std', { cpu: Cpu.host(), sizingPolicies: [{ cores: { min: 1, max: 8 }, coreFractions: [25, 50, 100], defaultCoreFraction: 25 }] });
  const ubuntu = new ClusterVirtualImage(cluster, 'ubuntu', { source: DataSource.http('https://example.com/u.img') });
  const p = new Project(cluster, 'p');
  return { app, cluster, cls, ubuntu, p };
}

describe('VirtualMachinePool', () => {
  it('renders the VM template with the VirtualMachine props, disk templates, replicas and the required liveMigrationPolicy', () => {
    const { app, cls, ubuntu, p } = fleet();
    const pool = new VirtualMachinePool(p, 'runners', {
      replicas: 3, vmClass: cls, cores: 2, memory: '4Gi',
      disks: [{ name: 'root', size: '20Gi', image: ubuntu, bootOrder: 1 }, { name: 'cache', size: '50Gi', storageClassName: 'hdd', retain: { keep: 2, ttl: '30m' } }, ubuntu],
      provisioning: Provisioning.cloudInitSecret('#cloud-config\n'),
      memberLabels: { app: 'runner' },
      virtualMachineAntiAffinity: { matchLabels: { app: 'runner' }, mode: 'Preferred', weight: 60 },
      scaleDownPolicy: 'OldestFirst',
    });
    const { objects } = render(app);
    const o = find(objects, 'VirtualMachinePool', 'runners');
    expect(spec(o)).toEqual({
      replicas: 3,
      scaleDownPolicy: 'OldestFirst',
      virtualDiskTemplates: [
        { name: 'root', spec: { persistentVolumeClaim: { size: '20Gi' }, dataSource: { type: 'ObjectRef', objectRef: { kind: 'ClusterVirtualImage', name: 'ubuntu' } } } },
        { name: 'cache', reclaim: { onScaleDown: 'Retain', keep: 2, ttl: '30m' }, spec: { persistentVolumeClaim: { size: '50Gi', storageClassName: 'hdd' } } },
      ],
      virtualMachineTemplate: {
        metadata: { labels: { app: 'runner' } },
        spec: {
          virtualMachineClassName: 'std',
          cpu: { cores: 2, coreFraction: '25%' },
          memory: { size: '4Gi' },
          blockDeviceRefs: [{ kind: 'VirtualDisk', name: 'root', bootOrder: 1 }, { kind: 'VirtualDisk', name: 'cache' }, { kind: 'ClusterVirtualImage', name: 'ubuntu' }],
          provisioning: { type: 'UserDataRef', userDataRef: { kind: 'Secret', name: 'runners-cloud-init' } },
          liveMigrationPolicy: 'PreferSafe',
          affinity: { virtualMachineAndPodAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 60, virtualMachineAndPodAffinityTerm: { labelSelector: { matchLabels: { app: 'runner' } }, topologyKey: 'kubernetes.io/hostname' } }] } },
        },
      },
    });
    expect(find(objects, 'Secret', 'runners-cloud-init')).toMatchObject({ stringData: { userData: '#cloud-config\n' } });
    expect(pool.diskTemplates).toEqual(['root', 'cache']);
    expect(VirtualMachinePool.memberDiskName('runners-x7k2p', 'root')).toBe('runners-x7k2p-root');
    expect(problems(app)).toEqual([]);
  });

  it('is checked like a VM: a missing class and an image of another project, reported on the pool', () => {
    const { app, cluster, p } = fleet();
    const other = new Project(cluster, 'other');
    const img = new VirtualImage(other, 'img', { source: DataSource.http('https://example.com/i.img') });
    new VirtualMachinePool(p, 'bad', { replicas: 1, vmClass: 'nonesuch', cores: 2, memory: '1Gi', disks: [{ name: 'root', size: '1Gi' }, img] });
    const found = problems(app).map((d) => [d.code, d.constructPath, d.path]);
    expect(found).toContainEqual(['DVP201', 'test/p/bad', 'spec.virtualMachineTemplate.spec.virtualMachineClassName']);
    expect(found).toContainEqual(['DVP401', 'test/p/bad', 'spec.virtualMachineTemplate.spec.blockDeviceRefs']);
  });
});

describe("the VirtualMachine's spec props", () => {
  it('renders networks with a MAC claim, boot order, affinity with the short anti-affinity, spread, priority, grace period, USB and GPUs', () => {
    const { app, cls, ubuntu, p } = fleet();
    const mac = new VirtualMachineMACAddress(p, 'vm-mac', { address: '02:00:5e:00:00:01' });
    const data = new VirtualDisk(p, 'data', { size: '10Gi' });
    new VirtualMachine(p, 'vm', {
      vmClass: cls, cores: 2, coreFraction: '50%', memory: '2Gi',
      disks: [{ name: 'root', size: '10Gi', image: ubuntu, bootOrder: 2 }, { device: data, bootOrder: 1 }, ubuntu],
      networks: [{ type: 'Main' }, { type: 'Network', name: 'office', macAddress: mac }, { type: 'ClusterNetwork', name: 'storage', id: 7, macAddress: 'static-mac' }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } },
      virtualMachineAntiAffinity: { matchLabels: { app: 'db' } },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }],
      priorityClassName: 'vm-high', terminationGracePeriodSeconds: 120, usbDevices: ['token'], gpus: ['a100'],
      liveMigrationPolicy: 'AlwaysSafe', restartApprovalMode: 'Automatic', enableParavirtualization: true,
    });
    const { objects } = render(app);
    const s = spec(find(objects, 'VirtualMachine', 'vm'));
    expect(s['blockDeviceRefs']).toEqual([{ kind: 'VirtualDisk', name: 'vm-root', bootOrder: 2 }, { kind: 'VirtualDisk', name: 'data', bootOrder: 1 }, { kind: 'ClusterVirtualImage', name: 'ubuntu' }]);
    expect(s['networks']).toEqual([{ type: 'Main' }, { type: 'Network', name: 'office', virtualMachineMACAddressName: 'vm-mac' }, { type: 'ClusterNetwork', name: 'storage', id: 7, virtualMachineMACAddressName: 'static-mac' }]);
    expect(s['affinity']).toEqual({
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } },
      virtualMachineAndPodAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] },
    });
    expect(s).toMatchObject({
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }],
      priorityClassName: 'vm-high', terminationGracePeriodSeconds: 120, usbDevices: [{ name: 'token' }], gpus: [{ gpuClassName: 'a100' }],
      liveMigrationPolicy: 'AlwaysSafe', disruptions: { restartApprovalMode: 'Automatic' }, enableParavirtualization: true,
    });
    expect(spec(find(objects, 'VirtualMachineMACAddress', 'vm-mac'))).toEqual({ address: '02:00:5e:00:00:01' });
  });

  it('reports a MAC claim of another namespace, and the checker a network rule broken in the typed API', () => {
    const { app, cluster, cls, ubuntu, p } = fleet();
    const mac = new VirtualMachineMACAddress(new Project(cluster, 'q'), 'foreign-mac');
    new VirtualMachine(p, 'vm', { vmClass: cls, cores: 1, memory: '1Gi', disks: [ubuntu], networks: [{ type: 'Network', name: 'n', macAddress: mac }, { type: 'Main' }] });
    const found = problems(app).map((d) => [d.code, d.constructPath, d.path]);
    expect(found).toContainEqual(['DVP404', 'test/p/vm', 'spec.networks[0].virtualMachineMACAddressName']);
    expect(found).toContainEqual(['DVP002', 'test/p/vm', 'spec.networks[1].type']);
  });
});

describe('attachments and snapshots', () => {
  it('renders an attachment, snapshots with prune protection, and a disk made from a disk snapshot', () => {
    const { app, cls, ubuntu, p } = fleet();
    const vm = new VirtualMachine(p, 'vm', { vmClass: cls, cores: 1, memory: '1Gi', disks: [{ name: 'root', size: '10Gi', image: ubuntu }] });
    const wal = new VirtualDisk(p, 'wal', { size: '5Gi' });
    new VirtualMachineBlockDeviceAttachment(p, 'attach-wal', { virtualMachine: vm, blockDevice: wal });
    new VirtualMachineBlockDeviceAttachment(p, 'attach-iso', { virtualMachine: 'vm', blockDevice: ubuntu, name: 'iso' });
    new VirtualMachineSnapshot(p, 'vm-snap', { virtualMachine: vm });
    const snap = new VirtualDiskSnapshot(p, 'root-snap', { virtualDisk: vm.createdDisks[0] as VirtualDisk, requiredConsistency: false });
    new VirtualDisk(p, 'restored', { source: DataSource.from(snap) });
    const { objects } = render(app);
    expect(spec(find(objects, 'VirtualMachineBlockDeviceAttachment', 'attach-wal'))).toEqual({ virtualMachineName: 'vm', blockDeviceRef: { kind: 'VirtualDisk', name: 'wal' } });
    expect(spec(find(objects, 'VirtualMachineBlockDeviceAttachment', 'iso'))).toEqual({ virtualMachineName: 'vm', blockDeviceRef: { kind: 'ClusterVirtualImage', name: 'ubuntu' } });
    const vms = find(objects, 'VirtualMachineSnapshot', 'vm-snap');
    expect(spec(vms)).toEqual({ virtualMachineName: 'vm', keepIPAddress: 'Always', requiredConsistency: true });
    expect(annotations(vms)).toMatchObject({ 'argocd.argoproj.io/sync-options': 'Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(spec(find(objects, 'VirtualDiskSnapshot', 'root-snap'))).toEqual({ virtualDiskName: 'vm-root', requiredConsistency: false });
    expect(spec(find(objects, 'VirtualDisk', 'restored'))).toEqual({ dataSource: { type: 'ObjectRef', objectRef: { kind: 'VirtualDiskSnapshot', name: 'root-snap' } } });
    expect(problems(app)).toEqual([]);
  });

  it('reports targets of another project, and the checker a missing target named by string', () => {
    const { app, cluster, cls, ubuntu, p } = fleet();
    const q = new Project(cluster, 'q');
    const vm = new VirtualMachine(q, 'vm', { vmClass: cls, cores: 1, memory: '1Gi', disks: [ubuntu] });
    const disk = new VirtualDisk(q, 'd', { size: '1Gi' });
    new VirtualMachineBlockDeviceAttachment(p, 'att', { virtualMachine: vm, blockDevice: disk });
    new VirtualMachineSnapshot(p, 'snap', { virtualMachine: vm });
    new VirtualDiskSnapshot(p, 'dsnap', { virtualDisk: 'nonesuch' });
    const found = problems(app).map((d) => [d.code, d.constructPath, d.path]);
    expect(found).toContainEqual(['DVP403', 'test/p/att', 'spec.virtualMachineName']);
    expect(found).toContainEqual(['DVP403', 'test/p/att', 'spec.blockDeviceRef.name']);
    expect(found).toContainEqual(['DVP403', 'test/p/snap', 'spec.virtualMachineName']);
    expect(found).toContainEqual(['DVP403', 'test/p/dsnap', 'spec.virtualDiskName']);
  });
});
