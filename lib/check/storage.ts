/**
 * Storage (DVP301–DVP306): which StorageClass each disk, PVC image and the DVCR volume will get
 * (spec → module default → cluster default, as the module resolves it), whether the module
 * permits it, and whether it exists and is usable in the inventory.
 */
import { append } from '../core/append.ts';
import type { ClusterModel } from '../model/cluster-model.ts';
import type { Resource } from '../core/resource.ts';
import type { VirtualizationSettings } from '../schema/module-config.ts';
import { clusterDefault, policyOf, resolveStorageClass, type StorageKind, type StoragePolicy } from '../model/storage-class.ts';
import { quantityBytes } from '../core/quantity.ts';
import { excerpt } from '../core/excerpt.ts';
import { diagnose, type Diagnostic } from '../core/diagnostic.ts';
import type { FieldPath } from '../core/json.ts';

type Kind = StorageKind;
type Policy = StoragePolicy;
const resolve = resolveStorageClass;

const LABEL = { disks: 'virtualDisks', images: 'virtualImages' } as const;

/** DVP301, DVP302, DVP304, DVP306 for one object's StorageClass. */
function checkOne(model: ClusterModel, r: Resource, path: FieldPath, explicit: string | undefined, kind: Kind, policy: Policy, what: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const res = resolve(model, explicit, policy);
  if (!res.name) {
    if (model.inventory) {
      out.push(diagnose('DVP304', r, path, `no StorageClass can be resolved for ${what}: none in the spec, no ${LABEL[kind]}.defaultStorageClassName in the module, and no default StorageClass in the cluster`, `set a storageClassName, or ${LABEL[kind]}.defaultStorageClassName in the ModuleConfig`));
    }
    return out;
  }
  const allowed = policy.allowed;
  if (allowed && !allowed.includes(res.name) && res.name !== policy.defaultName) {
    out.push(diagnose('DVP301', r, path, `StorageClass "${res.name}" (${res.from}) is not permitted for ${LABEL[kind]} by the ModuleConfig (allowed: ${allowed.join(', ')}${policy.defaultName ? `; default ${policy.defaultName}` : ''}); the object would stay Pending`, `use one of ${allowed.join(', ')}, or add "${res.name}" to ${LABEL[kind]}.allowedStorageClassSelector.matchNames`));
  }
  const inv = model.inventory;
  if (!inv) return out;
  const sc = inv.storageClasses.get(res.name);
  if (!sc) {
    if (res.from === 'spec') {
      out.push(diagnose('DVP302', r, path, `StorageClass "${res.name}" does not exist in the cluster (inventory: ${[...inv.storageClasses.keys()].sort().join(', ') || 'none'})`, 'name an existing StorageClass, or create it first'));
    }
  } else if (sc.labels['module'] === 'local-path-provisioner') {
    out.push(diagnose('DVP306', r, path, `StorageClass "${res.name}" (${res.from}) comes from the deprecated local-path-provisioner module, which the module rejects`, 'use a StorageClass of another provisioner'));
  }
  return out;
}

interface DiskSpec {
  dataSource?: { type?: string; objectRef?: { kind: string; name: string } };
  persistentVolumeClaim?: { size?: string | number; storageClassName?: string };
}
interface ImageSpec {
  storage: string;
  persistentVolumeClaim?: { storageClassName?: string };
}

function checkDisks(model: ClusterModel, policy: Policy, imagePolicy: Policy): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of model.ofKind('VirtualDisk')) {
    const spec = model.valid<{ spec: DiskSpec }>(r)?.spec;
    if (!spec) continue;
    const size = spec.persistentVolumeClaim?.size;
    if (spec.dataSource === undefined && size === undefined) {
      out.push(diagnose('DVP305', r, ['spec'], 'a blank VirtualDisk (no dataSource) needs spec.persistentVolumeClaim.size', 'set persistentVolumeClaim.size, or a dataSource'));
    } else if (size !== undefined && (quantityBytes(size) ?? 1n) <= 0n) {
      const bytes = quantityBytes(size) ?? 0n;
      out.push(diagnose('DVP305', r, ['spec', 'persistentVolumeClaim', 'size'], `size ${excerpt(String(size))} is ${bytes === 0n ? 'zero' : 'negative'}; a disk needs a size above zero`, 'give the disk a size above zero'));
    }
    const explicit = spec.persistentVolumeClaim?.storageClassName;
    const path: FieldPath = explicit ? ['spec', 'persistentVolumeClaim', 'storageClassName'] : ['spec'];
    out.push(...checkOne(model, r, path, explicit, 'disks', policy, `VirtualDisk ${r.name}`));
    // A disk from a VirtualImage on a PVC must use the same CSI driver as that image.
    const ref = spec.dataSource?.type === 'ObjectRef' ? spec.dataSource.objectRef : undefined;
    if (ref?.kind === 'VirtualImage' && model.inventory) {
      const img = model.find('VirtualImage', r.namespace, ref.name);
      const imgSpec = img ? model.valid<{ spec: ImageSpec }>(img)?.spec : undefined;
      if (imgSpec && imgSpec.storage !== 'ContainerRegistry') {
        const imgSc = resolve(model, imgSpec.persistentVolumeClaim?.storageClassName, imagePolicy).name;
        const diskSc = resolve(model, explicit, policy).name;
        const a = imgSc ? model.inventory.storageClasses.get(imgSc)?.provisioner : undefined;
        const b = diskSc ? model.inventory.storageClasses.get(diskSc)?.provisioner : undefined;
        if (a && b && a !== b) {
          out.push(diagnose('DVP306', r, path, `the disk is made from VirtualImage ${ref.name} on StorageClass "${imgSc}" (provisioner ${a}), but the disk's StorageClass "${diskSc}" has provisioner ${b}`, `put the disk on a StorageClass of provisioner ${a}, or keep the image in the registry (storage: ContainerRegistry)`));
        }
      }
    }
  }
  return out;
}

function checkImages(model: ClusterModel, policy: Policy): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of model.ofKind('VirtualImage')) {
    const spec = model.valid<{ spec: ImageSpec }>(r)?.spec;
    // Only images kept on a PVC have a StorageClass (`Kubernetes` is the deprecated spelling).
    if (!spec || spec.storage === 'ContainerRegistry') continue;
    const explicit = spec.persistentVolumeClaim?.storageClassName;
    const path: FieldPath = explicit ? ['spec', 'persistentVolumeClaim', 'storageClassName'] : ['spec', 'storage'];
    out.push(...checkOne(model, r, path, explicit, 'images', policy, `VirtualImage ${r.name}`));
  }
  return out;
}

/** DVP303 and the module's own StorageClasses (DVCR, the defaults, the allowed lists). */
function checkModule(model: ClusterModel, settings: VirtualizationSettings, r: Resource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const inv = model.inventory;
  for (const kind of ['images', 'disks'] as const) {
    const p = policyOf(settings, kind);
    const base = ['spec', 'settings', LABEL[kind]];
    if (p.defaultName && p.allowed && !p.allowed.includes(p.defaultName)) {
      out.push(diagnose('DVP303', r, [...base, 'defaultStorageClassName'], `${LABEL[kind]}.defaultStorageClassName "${p.defaultName}" is not in its own allowed list (${p.allowed.join(', ')})`, `add "${p.defaultName}" to ${LABEL[kind]}.allowedStorageClassSelector.matchNames, or choose a default from the list`));
    }
    if (!inv) continue;
    if (p.defaultName && !inv.storageClasses.has(p.defaultName)) {
      out.push(diagnose('DVP302', r, [...base, 'defaultStorageClassName'], `StorageClass "${p.defaultName}" (${LABEL[kind]} default) does not exist in the cluster`, 'name an existing StorageClass'));
    }
    (p.allowed ?? []).forEach((name, i) => {
      if (!inv.storageClasses.has(name)) {
        out.push(diagnose('DVP302', r, [...base, 'allowedStorageClassSelector', 'matchNames', i], `StorageClass "${name}" (allowed for ${LABEL[kind]}) does not exist in the cluster`, 'remove it from the list, or create it first'));
      }
    });
  }
  const pvc = settings.dvcr?.storage?.persistentVolumeClaim;
  if (pvc && inv) {
    const path = ['spec', 'settings', 'dvcr', 'storage', 'persistentVolumeClaim'];
    if (pvc.storageClassName) {
      const sc = inv.storageClasses.get(pvc.storageClassName);
      if (!sc) {
        out.push(diagnose('DVP302', r, [...path, 'storageClassName'], `StorageClass "${pvc.storageClassName}" of the DVCR volume does not exist in the cluster (inventory: ${[...inv.storageClasses.keys()].sort().join(', ') || 'none'})`, 'name an existing StorageClass'));
      } else if (sc.labels['module'] === 'local-path-provisioner') {
        out.push(diagnose('DVP306', r, [...path, 'storageClassName'], `StorageClass "${pvc.storageClassName}" of the DVCR volume comes from the deprecated local-path-provisioner module`, 'use a StorageClass of another provisioner'));
      }
    } else if (!clusterDefault(model)) {
      out.push(diagnose('DVP304', r, path, 'the DVCR volume names no StorageClass and the cluster has no default StorageClass', 'set dvcr.storage.persistentVolumeClaim.storageClassName'));
    }
  }
  return out;
}

export function checkStorage(model: ClusterModel): Diagnostic[] {
  const s = model.settings();
  const out: Diagnostic[] = [];
  if (s?.source === 'manifest') out.push(...checkModule(model, s.settings, s.resource));
  append(out, checkDisks(model, policyOf(s?.settings, 'disks'), policyOf(s?.settings, 'images')));
  append(out, checkImages(model, policyOf(s?.settings, 'images')));
  return out;
}
