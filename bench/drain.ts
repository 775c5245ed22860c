/**
 * The maintenance fleet of `dvpc drain`'s bench row (issue 13's bar: under 2 s for a 2,000-VM,
 * 100-node inventory on the project's machine): the inventory as kubectl prints it (nodes of four
 * CPU models, StorageClasses and their StorageProfiles, three classes, the running VMs with their
 * status), and the desired state of the same VMs with their disks.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MODELS = ['IvyBridge', 'Haswell-noTSX', 'Cascadelake-Server-noTSX', 'Icelake-Server-noTSX'];
const FEATURES = ['aes', 'avx', 'avx2', 'fma', 'pclmuldq', 'popcnt', 'sse4.1', 'sse4.2', 'ssse3', 'x2apic'];

const list = (items: string[]) => `apiVersion: v1\nitems:\n${items.join('')}kind: List\nmetadata:\n  resourceVersion: ""\n`;

function nodes(nodeCount: number): string {
  return list(Array.from({ length: nodeCount }, (_, i) => {
    const model = MODELS[i % MODELS.length] as string;
    const labels = [
      `kubernetes.io/hostname: node-${i}`, 'node.deckhouse.io/group: worker', 'virtualization.deckhouse.io/kvm-enabled: "true"',
      `host-model-cpu.node.virtualization.deckhouse.io/${model}: "true"`, `cpu-model.node.virtualization.deckhouse.io/${model}: "true"`, 'cpu-model.node.virtualization.deckhouse.io/Nehalem: "true"',
      ...FEATURES.map((f) => `cpu-feature.node.virtualization.deckhouse.io/${f}: "true"`),
    ];
    return `- apiVersion: v1\n  kind: Node\n  metadata:\n    labels:\n${labels.map((l) => `      ${l}\n`).join('')}    name: node-${i}\n  spec: {}\n  status:\n    addresses:\n    - address: 10.1.${Math.floor(i / 250)}.${(i % 250) + 1}\n      type: InternalIP\n    allocatable:\n      cpu: "96"\n      memory: 768Gi\n      pods: "250"\n`;
  }));
}

const STORAGE = `${list([
  '- apiVersion: storage.k8s.io/v1\n  kind: StorageClass\n  metadata:\n    annotations:\n      storageclass.kubernetes.io/is-default-class: "true"\n    name: ceph\n  provisioner: rbd.csi.ceph.com\n',
  '- apiVersion: storage.k8s.io/v1\n  kind: StorageClass\n  metadata:\n    name: local\n  provisioner: local.csi.storage.deckhouse.io\n',
])}---\n${list([
  '- apiVersion: storage.virtualization.deckhouse.io/v1alpha1\n  kind: StorageProfile\n  metadata:\n    name: ceph\n  spec: {}\n  status:\n    claimPropertySets:\n    - accessModes: [ReadWriteMany]\n      volumeMode: Block\n    - accessModes: [ReadWriteOnce]\n      volumeMode: Block\n    provisioner: rbd.csi.ceph.com\n    storageClass: ceph\n',
  '- apiVersion: storage.virtualization.deckhouse.io/v1alpha1\n  kind: StorageProfile\n  metadata:\n    name: local\n  spec: {}\n  status:\n    claimPropertySets:\n    - accessModes: [ReadWriteOnce]\n      volumeMode: Block\n    provisioner: local.csi.storage.deckhouse.io\n    storageClass: local\n',
])}`;

const CLASSES = list([
  ['std', 'Discovery', '\n      discovery:\n        nodeSelector:\n          matchLabels:\n            node.deckhouse.io/group: worker'],
  ['compute', 'Host', ''],
  ['legacy', 'Model', '\n      model: Nehalem'],
].map(([name, type, extra]) => `- apiVersion: virtualization.deckhouse.io/v1alpha3\n  kind: VirtualMachineClass\n  metadata:\n    name: ${name}\n  spec:\n    cpu:\n      type: ${type}${extra}\n    nodeSelector:\n      matchLabels:\n        node.deckhouse.io/group: worker\n`));

interface Vm { ns: string; name: string; cls: string; cores: number; memory: string; sc: string; node: string }

function vms(vmCount: number, nodeCount: number): Vm[] {
  return Array.from({ length: vmCount }, (_, i) => ({
    ns: `project-${i % 20}`, name: `vm-${String(i).padStart(5, '0')}`, cls: ['std', 'compute', 'legacy'][i % 3] as string,
    cores: [1, 2, 4, 8][i % 4] as number, memory: ['2Gi', '4Gi', '8Gi', '16Gi'][i % 4] as string,
    // One VM in 50 has its disk on local storage: blocked in CE.
    sc: i % 50 === 0 ? 'local' : 'ceph', node: `node-${i % nodeCount}`,
  }));
}

function spec(v: Vm, indent: string): string {
  return [`blockDeviceRefs:`, `- kind: VirtualDisk`, `  name: ${v.name}-root`, `cpu:`, `  coreFraction: 50%`, `  cores: ${v.cores}`, `memory:`, `  size: ${v.memory}`, `runPolicy: AlwaysOn`, `virtualMachineClassName: ${v.cls}`].map((l) => `${indent}${l}\n`).join('');
}

function liveVms(all: Vm[]): string {
  return list(all.map((v, i) => `- apiVersion: virtualization.deckhouse.io/v1alpha2\n  kind: VirtualMachine\n  metadata:\n    creationTimestamp: "2026-10-01T00:00:00Z"\n    generation: 1\n    name: ${v.name}\n    namespace: ${v.ns}\n    resourceVersion: "${1000 + i}"\n    uid: 00000000-0000-4000-a000-${String(i).padStart(12, '0')}\n  spec:\n${spec(v, '    ')}  status:\n    blockDeviceRefs:\n    - attached: true\n      kind: VirtualDisk\n      name: ${v.name}-root\n      size: 20Gi\n    conditions:\n    - lastTransitionTime: "2026-10-01T00:00:00Z"\n      message: ""\n      reason: VirtualMachineMigratable\n      status: "True"\n      type: Migratable\n    ipAddress: 10.70.${Math.floor(i / 250)}.${(i % 250) + 1}\n    nodeName: ${v.node}\n    phase: Running\n    resources:\n      cpu:\n        coreFraction: 50%\n        cores: ${v.cores}\n      memory:\n        size: ${v.memory}\n`));
}

function desired(all: Vm[]): string {
  return all.map((v) => `---\napiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualDisk\nmetadata:\n  name: ${v.name}-root\n  namespace: ${v.ns}\nspec:\n  persistentVolumeClaim:\n    size: 20Gi\n    storageClassName: ${v.sc}\n---\napiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualMachine\nmetadata:\n  name: ${v.name}\n  namespace: ${v.ns}\nspec:\n${spec(v, '  ')}`).join('') + CLASSES.replace(/^/, '---\n');
}

/** Where `writeDrainFleet` put the fleet, and the node a drain empties. */
export interface DrainFleet {
  readonly inventory: string;
  readonly state: string;
  readonly node: string;
}

/** Writes the inventory and the desired state of `vmCount` VMs on `nodeCount` nodes under `dir`. */
export function writeDrainFleet(dir: string, vmCount = 2000, nodeCount = 100): DrainFleet {
  const inventory = join(dir, 'inventory');
  const state = join(dir, 'state');
  mkdirSync(inventory, { recursive: true });
  mkdirSync(state, { recursive: true });
  const all = vms(vmCount, nodeCount);
  writeFileSync(join(inventory, 'nodes.yaml'), nodes(nodeCount));
  writeFileSync(join(inventory, 'storage.yaml'), STORAGE);
  writeFileSync(join(inventory, 'classes.yaml'), CLASSES);
  writeFileSync(join(inventory, 'virtualmachines.yaml'), liveVms(all));
  writeFileSync(join(state, 'fleet.yaml'), desired(all));
  return { inventory, state, node: 'node-3' };
}
