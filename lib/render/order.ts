/**
 * The fixed order of kinds: the order objects are written in, their Argo CD sync waves (module
 * settings and classes, then images, namespaces and secrets, then disks and addresses, then VMs),
 * and the file each kind is written to. Apply order lives in the objects, never in file order.
 */

interface KindInfo {
  readonly rank: number;
  readonly wave: number;
  readonly file: string;
}

const KINDS: Record<string, KindInfo> = {
  ModuleConfig: { rank: 0, wave: 0, file: 'module-configs.yaml' },
  VirtualMachineClass: { rank: 1, wave: 0, file: 'virtual-machine-classes.yaml' },
  Namespace: { rank: 2, wave: 1, file: 'namespace.yaml' },
  ClusterVirtualImage: { rank: 3, wave: 1, file: 'cluster-virtual-images.yaml' },
  Secret: { rank: 4, wave: 1, file: 'secrets.yaml' },
  VirtualImage: { rank: 5, wave: 1, file: 'virtual-images.yaml' },
  VirtualDisk: { rank: 6, wave: 2, file: 'virtual-disks.yaml' },
  VirtualMachineIPAddress: { rank: 7, wave: 2, file: 'ip-addresses.yaml' },
  VirtualMachine: { rank: 8, wave: 3, file: 'virtual-machines.yaml' },
  VirtualMachineBlockDeviceAttachment: { rank: 9, wave: 4, file: 'block-device-attachments.yaml' },
};

const OTHER_RANK = 100;

export function kindRank(kind: string): number {
  return KINDS[kind]?.rank ?? OTHER_RANK;
}

/** The Argo CD sync wave of a kind, or undefined for kinds dvpc does not order. */
export function syncWave(kind: string): number | undefined {
  return KINDS[kind]?.wave;
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

/** The file a kind's objects are written to inside their folder. */
export function kindFile(kind: string): string {
  return KINDS[kind]?.file ?? `${kebab(kind) || 'object'}.yaml`;
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

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const ARGO_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';

/** Whether deleting the object loses data: disks, and images kept on a PVC. */
export function holdsData(kind: string, body: { readonly spec?: unknown }): boolean {
  if (kind === 'VirtualDisk') return true;
  if (kind === 'VirtualImage') {
    const storage = (body.spec as { storage?: unknown } | undefined)?.storage;
    return storage === 'PersistentVolumeClaim' || storage === 'Kubernetes';
  }
  return false;
}
