/**
 * Apply order and file names (SPEC §4). Apply order lives in the objects, never in file order:
 *
 * - Argo CD: `argocd.argoproj.io/sync-wave` on every object. Each kind has a base wave (module
 *   settings and classes 0; images, namespaces and Secrets 1; disks and addresses 2; VMs and
 *   pools 3; attachments, snapshots and operations after what they act on), and an object comes
 *   at least one wave after every object of the cluster it references (model/references: an
 *   image made from a disk after that disk, a snapshot after its VM), and no earlier than its
 *   Namespace. A wave the user set on an object is kept, and counts for what references it.
 * - Flux: one Kustomization per folder, each depending on the folders whose objects its objects
 *   reference (`folderReferences`), from the same reference graph.
 *
 * The order of objects within a file is core/kinds' rank; each kind has its own plural file.
 */
import { identityKey } from '../core/resource.ts';
import type { JsonObject } from '../core/json.ts';
import { isJsonObject } from '../core/json.ts';
import { referenceKey, referencesOf, type ReferringObject } from '../model/references.ts';

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const ARGO_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';

interface KindLayout {
  /** The earliest wave of the kind; references can only move an object later. */
  readonly wave: number;
  readonly file: string;
}

const KINDS: Record<string, KindLayout> = {
  ModuleConfig: { wave: 0, file: 'module-configs.yaml' },
  VirtualMachineClass: { wave: 0, file: 'virtual-machine-classes.yaml' },
  NodeUSBDevice: { wave: 0, file: 'node-usb-devices.yaml' },
  Namespace: { wave: 1, file: 'namespaces.yaml' },
  ClusterVirtualImage: { wave: 1, file: 'cluster-virtual-images.yaml' },
  Secret: { wave: 1, file: 'secrets.yaml' },
  VirtualImage: { wave: 1, file: 'virtual-images.yaml' },
  VirtualDisk: { wave: 2, file: 'virtual-disks.yaml' },
  VirtualMachineIPAddress: { wave: 2, file: 'ip-addresses.yaml' },
  VirtualMachineMACAddress: { wave: 2, file: 'mac-addresses.yaml' },
  VirtualMachineIPAddressLease: { wave: 2, file: 'ip-address-leases.yaml' },
  VirtualMachineMACAddressLease: { wave: 2, file: 'mac-address-leases.yaml' },
  VirtualDiskSnapshot: { wave: 3, file: 'virtual-disk-snapshots.yaml' },
  VirtualMachine: { wave: 3, file: 'virtual-machines.yaml' },
  VirtualMachinePool: { wave: 3, file: 'virtual-machine-pools.yaml' },
  VirtualMachineBlockDeviceAttachment: { wave: 4, file: 'block-device-attachments.yaml' },
  VirtualMachineSnapshot: { wave: 4, file: 'virtual-machine-snapshots.yaml' },
  VirtualMachineOperation: { wave: 4, file: 'virtual-machine-operations.yaml' },
  VirtualMachineSnapshotOperation: { wave: 5, file: 'virtual-machine-snapshot-operations.yaml' },
  USBDevice: { wave: 1, file: 'usb-devices.yaml' },
};

/** Whether dvpc orders objects of this kind (others get a wave only when a reference moves them). */
export function ordersKind(kind: string): boolean {
  return KINDS[kind] !== undefined;
}

/** The wave of a kind before references are counted (0 for kinds dvpc does not know). */
export function baseWave(kind: string): number {
  return KINDS[kind]?.wave ?? 0;
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

/** The English plural of a kebab-case word (`network-policy` → `network-policies`). */
function plural(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/** The file a kind's objects are written to inside their folder: the kind in plural kebab-case. */
export function kindFile(kind: string): string {
  const known = KINDS[kind]?.file;
  if (known) return known;
  const base = kebab(kind).replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${base === '' ? 'objects' : plural(base)}.yaml`;
}

/** An object as the apply order sees it. */
export interface OrderedObject extends ReferringObject {
  readonly name: string;
}

/** The wave a user wrote on an object, if it is an integer. */
function writtenWave(body: JsonObject): number | undefined {
  const meta = body['metadata'];
  const annotations = isJsonObject(meta) ? meta['annotations'] : undefined;
  const v = isJsonObject(annotations) ? annotations[SYNC_WAVE_ANNOTATION] : undefined;
  return typeof v === 'string' && /^-?[0-9]+$/.test(v.trim()) ? Number(v.trim()) : undefined;
}

/**
 * Every object's sync wave: its written wave, else the later of its kind's base wave and one
 * wave after each object of `objects` it references (its Namespace's wave itself: Argo CD
 * applies Namespaces first within a wave). Deterministic: objects are visited in the order
 * given, references in field order. A reference that closes a cycle (two objects made from
 * each other, which the module never resolves either) is not followed.
 */
export function syncWaves<T extends OrderedObject>(objects: readonly T[]): Map<T, number> {
  const byKey = new Map<string, T>();
  for (const o of objects) {
    const key = identityKey(o);
    if (!byKey.has(key)) byKey.set(key, o);
  }
  const waves = new Map<T, number>();
  const visiting = new Set<T>();
  const visit = (o: T): number => {
    const done = waves.get(o);
    if (done !== undefined) return done;
    const written = writtenWave(o.body);
    if (written !== undefined) {
      waves.set(o, written);
      return written;
    }
    visiting.add(o);
    let wave = baseWave(o.kind);
    for (const ref of referencesOf(o)) {
      const target = byKey.get(referenceKey(ref));
      if (!target || target === o || visiting.has(target)) continue;
      wave = Math.max(wave, visit(target) + (ref.role === 'namespace' ? 0 : 1));
    }
    visiting.delete(o);
    waves.set(o, wave);
    return wave;
  };
  for (const o of objects) visit(o);
  return waves;
}

/** A folder of the layout, as far as dependencies go. */
export interface FolderObjects {
  readonly path: string;
  readonly files: readonly { readonly objects: readonly OrderedObject[] }[];
}

/**
 * Which folders each folder of a cluster references (what its objects name that lives in another
 * folder), for Flux `dependsOn`. Only the references: the default order (every folder after
 * `cluster/`, a shard after its project's `common/`) and the breaking of cycles are
 * render/gitops-units' `folderDependencies`, the one place that builds the graph.
 *
 * A folder of cluster-scoped objects made from namespaced ones (`cluster/from-namespaces/`, see
 * render/layout) sorts before every project folder, so its edges win over a project's edge back
 * to it: a project that both holds a disk and uses the ClusterVirtualImage made from it does not
 * wait for that image's folder; its VM is applied first and waits in the cluster until the image
 * is ready, as the module lets it.
 */
export function folderReferences(folders: readonly FolderObjects[]): Map<string, string[]> {
  const folderOf = new Map<string, string>();
  for (const f of folders) {
    for (const file of f.files) {
      for (const o of file.objects) {
        const key = identityKey(o);
        if (!folderOf.has(key)) folderOf.set(key, f.path);
      }
    }
  }
  const out = new Map<string, string[]>();
  for (const f of folders) {
    const targets = new Set<string>();
    for (const file of f.files) {
      for (const o of file.objects) {
        for (const ref of referencesOf(o)) {
          // An object's Namespace is in its folder, or in the common folder its shard already waits for.
          if (ref.role === 'namespace') continue;
          const to = folderOf.get(referenceKey(ref));
          if (to !== undefined && to !== f.path) targets.add(to);
        }
      }
    }
    if (targets.size > 0) out.set(f.path, [...targets].sort());
  }
  return out;
}
