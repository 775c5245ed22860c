/**
 * What dvpc knows about each kind before reading a single object: its API group, its scope, the
 * fixed rank that orders objects, and whether deleting it loses data. Every layer asks here.
 */

export const GROUP = 'virtualization.deckhouse.io';
export const V1ALPHA2 = `${GROUP}/v1alpha2`;
export const V1ALPHA3 = `${GROUP}/v1alpha3`;

/** Every kind of the module's API group, with its scope (from the CRDs). */
export const DVP_KINDS: Record<string, 'Cluster' | 'Namespaced'> = {
  ClusterVirtualImage: 'Cluster',
  VirtualMachineClass: 'Cluster',
  VirtualMachineIPAddressLease: 'Cluster',
  VirtualMachineMACAddressLease: 'Cluster',
  NodeUSBDevice: 'Cluster',
  VirtualImage: 'Namespaced',
  VirtualDisk: 'Namespaced',
  VirtualDiskSnapshot: 'Namespaced',
  VirtualMachine: 'Namespaced',
  VirtualMachineIPAddress: 'Namespaced',
  VirtualMachineMACAddress: 'Namespaced',
  VirtualMachineBlockDeviceAttachment: 'Namespaced',
  VirtualMachineOperation: 'Namespaced',
  VirtualMachineSnapshot: 'Namespaced',
  VirtualMachineSnapshotOperation: 'Namespaced',
  VirtualMachinePool: 'Namespaced',
  USBDevice: 'Namespaced',
};

const CLUSTER_SCOPED_CORE = new Set(['Namespace', 'Node', 'StorageClass', 'ModuleConfig', 'NodeGroup', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'CustomResourceDefinition', 'PriorityClass']);

export function isDvpGroup(apiVersion: string): boolean {
  return apiVersion.startsWith(`${GROUP}/`);
}

/** Whether objects of this kind live outside namespaces. */
export function isClusterScoped(apiVersion: string, kind: string): boolean {
  if (isDvpGroup(apiVersion)) return DVP_KINDS[kind] === 'Cluster';
  return CLUSTER_SCOPED_CORE.has(kind);
}

/** The API group of an apiVersion ('' for the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The order objects are written and reported in: settings and classes first, then what VMs are
 * made from, the VMs, and what acts on them; the module-made leases and devices last.
 */
const KIND_RANK: Record<string, number> = {
  ModuleConfig: 0,
  VirtualMachineClass: 1,
  Namespace: 2,
  ClusterVirtualImage: 3,
  Secret: 4,
  VirtualImage: 5,
  VirtualDisk: 6,
  VirtualDiskSnapshot: 7,
  VirtualMachineIPAddress: 8,
  VirtualMachineMACAddress: 9,
  VirtualMachine: 10,
  VirtualMachinePool: 11,
  VirtualMachineBlockDeviceAttachment: 12,
  VirtualMachineSnapshot: 13,
  VirtualMachineOperation: 14,
  VirtualMachineSnapshotOperation: 15,
  NodeUSBDevice: 16,
  USBDevice: 17,
  VirtualMachineIPAddressLease: 18,
  VirtualMachineMACAddressLease: 19,
};

const OTHER_RANK = 100;

export function kindRank(kind: string): number {
  return KIND_RANK[kind] ?? OTHER_RANK;
}

/** dvpc's order: kind rank, then kind, namespace, name (code-unit order, locale-free). */
export function compareObjects(
  a: { readonly kind: string; readonly namespace: string | undefined; readonly name: string },
  b: { readonly kind: string; readonly namespace: string | undefined; readonly name: string },
): number {
  const r = kindRank(a.kind) - kindRank(b.kind);
  if (r !== 0) return r;
  return cmp(a.kind, b.kind) || cmp(a.namespace ?? '', b.namespace ?? '') || cmp(a.name, b.name);
}

/**
 * Sorts in compareObjects' order, stably, with each object's kind rank computed once: sorting
 * 140,000 objects compares each about 17 times.
 */
export function sortObjects<T>(items: readonly T[], of: (item: T) => { readonly kind: string; readonly namespace: string | undefined; readonly name: string }): T[] {
  const decorated = items.map((item, i) => {
    const o = of(item);
    return { item, rank: kindRank(o.kind), kind: o.kind, ns: o.namespace ?? '', name: o.name, i };
  });
  decorated.sort((a, b) => a.rank - b.rank || cmp(a.kind, b.kind) || cmp(a.ns, b.ns) || cmp(a.name, b.name) || a.i - b.i);
  return decorated.map((d) => d.item);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Whether deleting the object loses data: disks, images kept on a PVC, and snapshots (pruning a
 * snapshot from git would delete the backup it holds).
 */
export function holdsData(kind: string, body: { readonly spec?: unknown }): boolean {
  if (kind === 'VirtualDisk' || kind === 'VirtualDiskSnapshot' || kind === 'VirtualMachineSnapshot') return true;
  if (kind === 'VirtualImage') {
    const storage = (body.spec as { storage?: unknown } | undefined)?.storage;
    return storage === 'PersistentVolumeClaim' || storage === 'Kubernetes';
  }
  return false;
}
