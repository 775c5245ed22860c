/**
 * Every check of the kinds of issue 12 (pools, attachments, snapshots, snapshot operations,
 * operations, MAC addresses, USB devices, and the VM webhook's rules on networks, affinity and
 * topology spread): a minimal input makes it fire (code, severity, file, line, resource, path),
 * and the nearest correct input passes.
 */
import { describe, expect, it } from 'vitest';
import { checkFiles, expectCase, vmDoc, withDocs, type CheckCase } from './check-helpers.ts';

const POOL = `apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachinePool
metadata:
  name: runners
  namespace: apps
spec:
  replicas: 2
  scaleDownPolicy: NewestFirst
  virtualDiskTemplates:
    - name: root
      spec:
        persistentVolumeClaim:
          size: 10Gi
        dataSource:
          type: ObjectRef
          objectRef:
            kind: ClusterVirtualImage
            name: ubuntu
    - name: cache
      reclaim:
        onScaleDown: Retain
        keep: 1
        ttl: 30m
      spec:
        persistentVolumeClaim:
          size: 5Gi
  virtualMachineTemplate:
    metadata:
      labels:
        app: runner
    spec:
      virtualMachineClassName: std
      liveMigrationPolicy: PreferSafe
      cpu:
        cores: 2
        coreFraction: 50%
      memory:
        size: 4Gi
      blockDeviceRefs:
        - kind: VirtualDisk
          name: root
          bootOrder: 1
        - kind: VirtualDisk
          name: cache
        - kind: ClusterVirtualImage
          name: ubuntu
      provisioning:
        type: UserDataRef
        userDataRef:
          kind: Secret
          name: web-init`;

const MAC = `apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachineMACAddress
metadata:
  name: app-mac
  namespace: apps
spec:
  address: 02:00:5e:10:00:01`;

const APP_VM = vmDoc('app', `  networks:
    - type: Main
    - type: Network
      name: office
      virtualMachineMACAddressName: app-mac
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - key: node.deckhouse.io/group
                operator: In
                values: [worker]
    virtualMachineAndPodAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 50
          virtualMachineAndPodAffinityTerm:
            labelSelector:
              matchLabels:
                app: web
            topologyKey: kubernetes.io/hostname
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: ScheduleAnyway`);

const DATA_DISK = `apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualDisk
metadata:
  name: web-data
  namespace: apps
spec:
  persistentVolumeClaim:
    size: 5Gi`;

const VMBDA = `apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachineBlockDeviceAttachment
metadata:
  name: web-data
  namespace: apps
spec:
  virtualMachineName: web
  blockDeviceRef:
    kind: VirtualDisk
    name: web-data`;

const VM_SNAPSHOT = `apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachineSnapshot
metadata:
  name: web-snap
  namespace: apps
spec:
  virtualMachineName: web
  keepIPAddress: Never
  requiredConsistency: true`;

const VD_SNAPSHOT = `apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualDiskSnapshot
metadata:
  name: web-root-snap
  namespace: apps
spec:
  virtualDiskName: web-root`;

/** A valid state holding one object of every new kind dvpc renders. */
const KBASE = withDocs(POOL, MAC, APP_VM, DATA_DISK, VMBDA, VM_SNAPSHOT, VD_SNAPSHOT);

const VMSOP = `apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachineSnapshotOperation
metadata:
  name: clone-web
  namespace: apps
spec:
  type: CreateVirtualMachine
  virtualMachineSnapshotName: web-snap
  createVirtualMachine:
    mode: Strict
    customization:
      nameSuffix: -clone`;

const VMOP = `apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachineOperation
metadata:
  name: restore-web
  namespace: apps
spec:
  type: Restore
  virtualMachineName: web
  restore:
    mode: Strict
    virtualMachineSnapshotName: web-snap`;

/** KBASE with `from` (which must occur exactly once) replaced. */
function edit(from: string, to: string, base = KBASE): string {
  const first = base.indexOf(from);
  if (first < 0 || base.indexOf(from, first + 1) >= 0) throw new Error(`not exactly once in the base: ${from}`);
  return base.replace(from, to);
}

/** KBASE with more documents. */
function kdocs(...docs: string[]): string {
  return [KBASE.trimEnd(), ...docs.map((d) => d.trim())].join('\n---\n') + '\n';
}

/** An edit of the pool's template spec (indented as in POOL). */
const poolEdit = (from: string, to: string) => edit(`      liveMigrationPolicy: PreferSafe\n${from}`, `      liveMigrationPolicy: PreferSafe\n${to}`);

const memberAttachments = (n: number) => Array.from({ length: n }, (_, i) => VMBDA
  .replace('  name: web-data\n  namespace', `  name: m-${i}\n  namespace`)
  .replace('virtualMachineName: web', 'virtualMachineName: runners-x7k2p')
  .replace('    kind: VirtualDisk\n    name: web-data', '    kind: ClusterVirtualImage\n    name: ubuntu'));

const cases: CheckCase[] = [
  // Schema, CEL rules and the webhook's rules (DVP002)
  { code: 'DVP002', name: 'a pool with replicaz', bad: edit('  replicas: 2\n', '  replicaz: 2\n'), at: 'replicaz: 2', path: 'spec.replicaz', resource: 'VirtualMachinePool/apps/runners' },
  { code: 'DVP002', name: 'a pool template without liveMigrationPolicy', bad: edit('      liveMigrationPolicy: PreferSafe\n', ''), at: '        app: runner', offset: 1, path: 'spec.virtualMachineTemplate.spec.liveMigrationPolicy', says: /required field "liveMigrationPolicy" is missing/ },
  { code: 'DVP002', name: 'a VirtualDisk entry naming no disk template', bad: edit('          name: cache\n', '          name: cash # typo\n'), at: 'cash # typo', path: 'spec.virtualMachineTemplate.spec.blockDeviceRefs[1].name', says: /must name a virtualDiskTemplates entry/ },
  { code: 'DVP002', name: 'a disk template no VirtualDisk entry names', bad: edit('        - kind: VirtualDisk\n          name: cache\n', ''), at: '    - name: cache', path: 'spec.virtualDiskTemplates[1]', says: /must be referenced by a VirtualDisk entry/ },
  { code: 'DVP002', name: 'a disk template referenced twice', bad: edit('        - kind: VirtualDisk\n          name: cache\n', '        - kind: VirtualDisk\n          name: cache\n        - kind: VirtualDisk\n          name: cache\n'), at: '      blockDeviceRefs:', path: 'spec.virtualMachineTemplate.spec.blockDeviceRefs', says: /exactly once/ },
  { code: 'DVP002', name: 'a pool of Legacy VMs', bad: poolEdit('', '      osType: Legacy\n').replace('      provisioning:\n        type: UserDataRef\n        userDataRef:\n          kind: Secret\n          name: web-init\n', ''), at: 'osType: Legacy', path: 'spec.virtualMachineTemplate.spec.osType', says: /Legacy osType is not supported in a VirtualMachinePool/ },
  { code: 'DVP002', name: 'keep without Retain', bad: edit('        onScaleDown: Retain\n', '        onScaleDown: Delete\n'), at: 'reclaim:', path: 'spec.virtualDiskTemplates[1].reclaim', says: /only valid with onScaleDown: Retain/ },
  { code: 'DVP002', name: 'keep without ttl', bad: edit('        ttl: 30m\n', ''), at: 'reclaim:', path: 'spec.virtualDiskTemplates[1].reclaim', says: /keep requires ttl/ },
  { code: 'DVP002', name: "a template its members' VirtualMachine CRD rejects", bad: edit('      liveMigrationPolicy: PreferSafe\n', '      liveMigrationPolicy: Never\n'), at: 'liveMigrationPolicy: Never', path: 'spec.virtualMachineTemplate.spec.liveMigrationPolicy', says: /members are VirtualMachines/ },
  { code: 'DVP002', name: 'Main not first', bad: edit('    - type: Main\n    - type: Network\n      name: office\n      virtualMachineMACAddressName: app-mac\n', '    - type: Network\n      name: office\n      virtualMachineMACAddressName: app-mac\n    - type: Main # second\n'), at: 'type: Main # second', path: 'spec.networks[1].type', resource: 'VirtualMachine/apps/app', says: /unexpected position 1/ },
  { code: 'DVP002', name: 'Main with a name', bad: edit('    - type: Main\n', '    - type: Main\n      name: main\n'), at: 'name: main', path: 'spec.networks[0].name' },
  { code: 'DVP002', name: 'Main with an id other than 1', bad: edit('    - type: Main\n', '    - type: Main\n      id: 2\n'), good: edit('    - type: Main\n', '    - type: Main\n      id: 1\n'), at: 'id: 2', path: 'spec.networks[0].id' },
  { code: 'DVP002', name: 'a Network without a name', bad: edit('      name: office\n', ''), at: '    - type: Network', path: 'spec.networks[1].name' },
  { code: 'DVP002', name: 'a network id out of range', bad: edit('      name: office\n', '      name: office\n      id: 16384\n'), good: edit('      name: office\n', '      name: office\n      id: 16383\n'), at: 'id: 16384', path: 'spec.networks[1].id' },
  { code: 'DVP002', name: 'a network listed twice', bad: edit('      virtualMachineMACAddressName: app-mac\n', '      virtualMachineMACAddressName: app-mac\n    - type: Network # again\n      name: office\n'), at: 'type: Network # again', path: 'spec.networks[2]' },
  { code: 'DVP002', name: 'an address claim without a Main network', bad: edit('  virtualMachineIPAddressName: web-ip\n', '  virtualMachineIPAddressName: web-ip\n  networks:\n    - type: ClusterNetwork\n      name: backbone\n'), good: edit('  virtualMachineIPAddressName: web-ip\n', '  virtualMachineIPAddressName: web-ip\n  networks:\n    - type: Main\n    - type: ClusterNetwork\n      name: backbone\n'), at: 'virtualMachineIPAddressName: web-ip', path: 'spec.virtualMachineIPAddressName', resource: 'VirtualMachine/apps/web' },
  { code: 'DVP002', name: 'required node affinity without terms', bad: edit('        nodeSelectorTerms:\n          - matchExpressions:\n              - key: node.deckhouse.io/group\n                operator: In\n                values: [worker]\n', '        nodeSelectorTerms: []\n'), at: 'nodeSelectorTerms: []', says: /at least one node selector term/ },
  { code: 'DVP002', name: 'a matchFields key other than metadata.name', bad: edit('          - matchExpressions:\n              - key: node.deckhouse.io/group\n                operator: In\n                values: [worker]\n', '          - matchFields:\n              - key: metadata.labels # bad\n                operator: In\n                values: [a]\n'), good: edit('          - matchExpressions:\n              - key: node.deckhouse.io/group\n                operator: In\n                values: [worker]\n', '          - matchFields:\n              - key: metadata.name\n                operator: In\n                values: [a]\n'), at: 'metadata.labels # bad' },
  { code: 'DVP002', name: 'an affinity term with an empty topologyKey', bad: edit('            topologyKey: kubernetes.io/hostname\n', '            topologyKey: ""\n'), at: 'topologyKey: ""', says: /topologyKey can not be empty/ },
  { code: 'DVP002', name: 'a pool template affinity weight above 100', bad: poolEdit('', '      affinity:\n        virtualMachineAndPodAntiAffinity:\n          preferredDuringSchedulingIgnoredDuringExecution:\n            - weight: 101\n              virtualMachineAndPodAffinityTerm:\n                topologyKey: kubernetes.io/hostname\n'), good: poolEdit('', '      affinity:\n        virtualMachineAndPodAntiAffinity:\n          preferredDuringSchedulingIgnoredDuringExecution:\n            - weight: 100\n              virtualMachineAndPodAffinityTerm:\n                topologyKey: kubernetes.io/hostname\n'), at: 'weight: 101', says: /101/ },
  { code: 'DVP002', name: 'a maxSkew of zero', bad: edit('    - maxSkew: 1\n', '    - maxSkew: 0\n'), at: 'maxSkew: 0', path: 'spec.topologySpreadConstraints[0].maxSkew' },
  { code: 'DVP002', name: 'an unknown whenUnsatisfiable', bad: edit('whenUnsatisfiable: ScheduleAnyway', 'whenUnsatisfiable: Sometimes'), at: 'whenUnsatisfiable: Sometimes' },
  { code: 'DVP002', name: 'a duplicate spread pair', bad: edit('      whenUnsatisfiable: ScheduleAnyway', '      whenUnsatisfiable: ScheduleAnyway\n    - maxSkew: 2 # same pair\n      topologyKey: topology.kubernetes.io/zone\n      whenUnsatisfiable: ScheduleAnyway'), at: 'maxSkew: 2 # same pair', path: 'spec.topologySpreadConstraints[1]' },
  { code: 'DVP002', name: 'a MAC address that is not one', bad: edit('address: 02:00:5e:10:00:01', 'address: 02:00:5e:10:00'), at: 'address: 02:00:5e:10:00', path: 'spec.address', resource: 'VirtualMachineMACAddress/apps/app-mac' },
  { code: 'DVP002', name: 'a VM snapshot keepIPAddress outside the enum', bad: edit('keepIPAddress: Never', 'keepIPAddress: Sometimes'), at: 'keepIPAddress: Sometimes', path: 'spec.keepIPAddress', resource: 'VirtualMachineSnapshot/apps/web-snap' },
  { code: 'DVP002', name: 'a disk snapshot without its disk', bad: edit('  virtualDiskName: web-root\n', '  requiredConsistency: false\n'), at: '  name: web-root-snap', offset: 2, path: 'spec.virtualDiskName' },
  { code: 'DVP002', name: 'a snapshot operation that names nothing to change', bad: kdocs(VMSOP.replace('    customization:\n      nameSuffix: -clone', '    customization: {}')), good: kdocs(VMSOP), at: 'createVirtualMachine:', path: 'spec.createVirtualMachine', says: /At least one of customization.namePrefix/ },
  { code: 'DVP002', name: 'a USBDevice in the manifests', bad: kdocs('apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: USBDevice\nmetadata:\n  name: usb-1\n  namespace: apps'), good: kdocs('apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: NodeUSBDevice\nmetadata:\n  name: usb-1\nspec:\n  assignedNamespace: apps'), at: 'kind: USBDevice', path: 'kind' },
  // Names (DVP003)
  { code: 'DVP003', name: 'a pool name over 57 characters', bad: edit('  name: runners\n', `  name: ${'r'.repeat(58)}\n`), good: edit('  name: runners\n', `  name: ${'r'.repeat(57)}\n`), at: `name: ${'r'.repeat(58)}`, path: 'metadata.name' },
  { code: 'DVP003', name: 'a kubevirt.io label on a pool template', bad: edit('        app: runner\n', '        vm.kubevirt.io/name: runner\n'), at: 'vm.kubevirt.io/name', path: 'spec.virtualMachineTemplate.metadata.labels.vm.kubevirt.io/name' },
  // A kind dvpc does not model (DVP007)
  { code: 'DVP007', name: 'a kind of the group dvpc does not model', bad: kdocs('apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualMachineGroup\nmetadata:\n  name: g\n  namespace: apps'), at: 'kind: VirtualMachineGroup', path: 'kind', severity: 'warning', says: /not a kind dvpc models/ },
  { code: 'DVP007', name: 'a misspelled kind, with the likely one', bad: kdocs('apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualMachinePol\nmetadata:\n  name: g\n  namespace: apps'), at: 'kind: VirtualMachinePol', severity: 'warning', says: /did you mean VirtualMachinePool/ },
  // Network (DVP106)
  { code: 'DVP106', name: 'two claims of one MAC address, however spelled', bad: kdocs(MAC.replace('name: app-mac', 'name: zz-mac').replace('02:00:5e:10:00:01', '02-00-5E-10-00-01')), good: kdocs(MAC.replace('name: app-mac', 'name: zz-mac').replace('02:00:5e:10:00:01', '02:00:5e:10:00:02')), at: '02-00-5E-10-00-01', path: 'spec.address', resource: 'VirtualMachineMACAddress/apps/zz-mac', says: /already claimed by VirtualMachineMACAddress apps\/app-mac/ },
  // Classes and sizing of a pool's template (DVP201, DVP203, DVP204)
  { code: 'DVP201', name: "a pool template's missing class", bad: edit('      virtualMachineClassName: std\n', '      virtualMachineClassName: nonesuch\n'), at: 'virtualMachineClassName: nonesuch', path: 'spec.virtualMachineTemplate.spec.virtualMachineClassName', resource: 'VirtualMachinePool/apps/runners' },
  { code: 'DVP203', name: "a pool template's memory out of its policy (written as an integer)", bad: edit('        size: 4Gi\n      blockDeviceRefs:', `        size: ${9 * 1024 ** 3}\n      blockDeviceRefs:`), good: edit('        size: 4Gi\n      blockDeviceRefs:', `        size: ${4 * 1024 ** 3}\n      blockDeviceRefs:`), at: `size: ${9 * 1024 ** 3}`, path: 'spec.virtualMachineTemplate.spec.memory.size' },
  { code: 'DVP204', name: "a pool template's core fraction the policy does not allow", bad: edit('        coreFraction: 50%\n', '        coreFraction: 20%\n'), at: 'coreFraction: 20%', path: 'spec.virtualMachineTemplate.spec.cpu.coreFraction' },
  // References (DVP401–DVP406)
  { code: 'DVP401', name: "a pool template's missing ISO", bad: edit('        - kind: ClusterVirtualImage\n          name: ubuntu\n', '        - kind: ClusterVirtualImage\n          name: tools-iso\n'), at: 'name: tools-iso', path: 'spec.virtualMachineTemplate.spec.blockDeviceRefs[2].name', says: /pool's members would wait/ },
  { code: 'DVP402', name: 'an attachment of a disk another VM holds', bad: edit('    kind: VirtualDisk\n    name: web-data', '    kind: VirtualDisk\n    name: web-root # held by web').replace('  virtualMachineName: web\n  blockDeviceRef', '  virtualMachineName: app\n  blockDeviceRef'), at: 'web-root # held by web', path: 'spec.blockDeviceRef.name', resource: 'VirtualMachineBlockDeviceAttachment/apps/web-data' },
  { code: 'DVP403', name: 'an attachment to a missing VM', bad: edit('  virtualMachineName: web\n  blockDeviceRef:', '  virtualMachineName: wbe\n  blockDeviceRef:'), at: 'virtualMachineName: wbe', path: 'spec.virtualMachineName', resource: 'VirtualMachineBlockDeviceAttachment/apps/web-data' },
  { code: 'DVP403', name: 'an attachment of a missing disk', bad: edit('    name: web-data', '    name: web-dta'), at: 'name: web-dta', path: 'spec.blockDeviceRef.name' },
  { code: 'DVP403', name: 'a VM snapshot of a missing VM', bad: edit('  virtualMachineName: web\n  keepIPAddress', '  virtualMachineName: webb\n  keepIPAddress'), at: 'virtualMachineName: webb', path: 'spec.virtualMachineName', resource: 'VirtualMachineSnapshot/apps/web-snap' },
  { code: 'DVP403', name: 'a disk snapshot of a missing disk', bad: edit('  virtualDiskName: web-root', '  virtualDiskName: web-rot'), at: 'virtualDiskName: web-rot', path: 'spec.virtualDiskName', resource: 'VirtualDiskSnapshot/apps/web-root-snap' },
  { code: 'DVP403', name: 'a snapshot operation on a missing snapshot', bad: kdocs(VMSOP.replace('virtualMachineSnapshotName: web-snap', 'virtualMachineSnapshotName: web-snapp')), good: kdocs(VMSOP), at: 'virtualMachineSnapshotName: web-snapp', path: 'spec.virtualMachineSnapshotName', resource: 'VirtualMachineSnapshotOperation/apps/clone-web' },
  { code: 'DVP403', name: 'a restore from a missing snapshot', bad: kdocs(VMOP.replace('virtualMachineSnapshotName: web-snap', 'virtualMachineSnapshotName: web-snapp')), good: kdocs(VMOP), at: 'virtualMachineSnapshotName: web-snapp', path: 'spec.restore.virtualMachineSnapshotName' },
  { code: 'DVP403', name: 'an operation on a missing VM', bad: kdocs(VMOP.replace('  virtualMachineName: web', '  virtualMachineName: nope')), good: kdocs(VMOP), at: 'virtualMachineName: nope', path: 'spec.virtualMachineName', resource: 'VirtualMachineOperation/apps/restore-web' },
  { code: 'DVP403', name: "a pool disk template's missing image", bad: edit('            kind: ClusterVirtualImage\n            name: ubuntu', '            kind: VirtualImage\n            name: ubuntu'), at: '            name: ubuntu', path: 'spec.virtualDiskTemplates[0].spec.dataSource.objectRef.name' },
  { code: 'DVP404', name: 'a pool whose members share one address claim', bad: poolEdit('', '      virtualMachineIPAddressName: web-ip # shared\n'), good: poolEdit('', '      virtualMachineIPAddressName: web-ip # shared\n').replace('  replicas: 2\n', '  replicas: 1\n').replace('  virtualMachineIPAddressName: web-ip\n  provisioning', '  provisioning'), at: 'web-ip # shared', path: 'spec.virtualMachineTemplate.spec.virtualMachineIPAddressName', says: /2 members would all name/ },
  { code: 'DVP404', name: 'a missing MAC address claim', bad: edit('      virtualMachineMACAddressName: app-mac\n', '      virtualMachineMACAddressName: app-mak\n'), at: 'virtualMachineMACAddressName: app-mak', path: 'spec.networks[1].virtualMachineMACAddressName', resource: 'VirtualMachine/apps/app' },
  { code: 'DVP404', name: 'two VMs on one MAC address claim', bad: kdocs(APP_VM.replace('  name: app\n', '  name: zapp\n').replace('virtualMachineMACAddressName: app-mac', 'virtualMachineMACAddressName: app-mac # again')), good: kdocs(APP_VM.replace('  name: app\n', '  name: zapp\n').replace('      virtualMachineMACAddressName: app-mac\n', '')), at: 'app-mac # again', resource: 'VirtualMachine/apps/zapp', says: /already used by VirtualMachine app/ },
  { code: 'DVP405', name: "a pool template's cloud-init Secret not in the manifests", bad: edit('          name: web-init', '          name: runner-init'), at: 'name: runner-init', path: 'spec.virtualMachineTemplate.spec.provisioning.userDataRef.name', severity: 'warning' },
  { code: 'DVP406', name: "an attachment of a device in the VM's own list", bad: edit('    kind: VirtualDisk\n    name: web-data', '    kind: ClusterVirtualImage\n    name: ubuntu # listed').replace('  virtualMachineName: web\n  blockDeviceRef', '  virtualMachineName: app\n  blockDeviceRef'), at: 'ubuntu # listed', path: 'spec.blockDeviceRef.name', says: /reason Conflict/ },
  { code: 'DVP406', name: 'a boot order used twice in a pool template', bad: edit('          name: cache\n', '          name: cache\n          bootOrder: 1 # again\n'), at: 'bootOrder: 1 # again', path: 'spec.virtualMachineTemplate.spec.blockDeviceRefs[1].bootOrder' },
  { code: 'DVP406', name: "more than 16 devices on a pool's member with attachments", bad: kdocs(...memberAttachments(14)), good: kdocs(...memberAttachments(13)), at: '      blockDeviceRefs:', path: 'spec.virtualMachineTemplate.spec.blockDeviceRefs', resource: 'VirtualMachinePool/apps/runners' },
  { code: 'DVP406', name: 'a snapshot operation in GitOps', bad: kdocs(VMSOP), at: 'kind: VirtualMachineSnapshotOperation', severity: 'warning', resource: 'VirtualMachineSnapshotOperation/apps/clone-web' },
];

describe('the new kinds: every check fires on its minimal input and not on the nearest correct one', () => {
  it('the state with one object of every new kind passes with no diagnostic at all', () => {
    expect(checkFiles({ 'state.yaml': KBASE }).diagnostics).toEqual([]);
  });

  it.each(cases)('$code: $name', (c) => expectCase(c, KBASE));
});
