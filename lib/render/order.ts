/**
 * How objects are laid out for GitOps: their Argo CD sync waves (module settings and classes,
 * then images, namespaces and secrets, then disks and addresses, then VMs), the annotations that
 * keep data from being pruned, and the file each kind is written to. Apply order lives in the
 * objects, never in file order; the order of objects within a file is core/kinds' rank.
 */

interface KindLayout {
  readonly wave: number;
  readonly file: string;
}

const KINDS: Record<string, KindLayout> = {
  ModuleConfig: { wave: 0, file: 'module-configs.yaml' },
  VirtualMachineClass: { wave: 0, file: 'virtual-machine-classes.yaml' },
  Namespace: { wave: 1, file: 'namespace.yaml' },
  ClusterVirtualImage: { wave: 1, file: 'cluster-virtual-images.yaml' },
  Secret: { wave: 1, file: 'secrets.yaml' },
  VirtualImage: { wave: 1, file: 'virtual-images.yaml' },
  VirtualDisk: { wave: 2, file: 'virtual-disks.yaml' },
  VirtualMachineIPAddress: { wave: 2, file: 'ip-addresses.yaml' },
  VirtualMachine: { wave: 3, file: 'virtual-machines.yaml' },
  VirtualMachineBlockDeviceAttachment: { wave: 4, file: 'block-device-attachments.yaml' },
};

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

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const ARGO_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';
