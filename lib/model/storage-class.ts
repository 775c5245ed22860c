/**
 * Which StorageClass a disk, a PVC image or the DVCR volume gets, as the module resolves it: the
 * one in the spec, else the module's default for that kind, else the cluster's default class.
 * The storage checks and the disk-mode prediction both ask here.
 */
import type { ClusterModel } from './cluster-model.ts';
import type { VirtualizationSettings } from '../schema/module-config.ts';
import type { InventoryStorageClass } from '../inventory/types.ts';

export type StorageKind = 'disks' | 'images';

/** The module's StorageClass settings for one kind of object. */
export interface StoragePolicy {
  readonly defaultName: string | undefined;
  readonly allowed: readonly string[] | undefined;
}

export function policyOf(settings: VirtualizationSettings | undefined, kind: StorageKind): StoragePolicy {
  if (kind === 'disks') {
    const d = settings?.virtualDisks;
    return { defaultName: d?.defaultStorageClassName, allowed: d?.allowedStorageClassSelector?.matchNames };
  }
  const i = settings?.virtualImages;
  return { defaultName: i?.defaultStorageClassName ?? i?.storageClassName, allowed: i?.allowedStorageClassSelector?.matchNames };
}

export interface ResolvedStorageClass {
  readonly name: string | undefined;
  readonly from: 'spec' | 'module default' | 'cluster default' | undefined;
}

/** The inventory's StorageClass annotated as the cluster default. */
export function clusterDefault(model: ClusterModel): InventoryStorageClass | undefined {
  return [...(model.inventory?.storageClasses.values() ?? [])].find((s) => s.isDefault);
}

export function resolveStorageClass(model: ClusterModel, explicit: string | undefined, policy: StoragePolicy): ResolvedStorageClass {
  if (explicit) return { name: explicit, from: 'spec' };
  if (policy.defaultName) return { name: policy.defaultName, from: 'module default' };
  const def = clusterDefault(model);
  return def ? { name: def.name, from: 'cluster default' } : { name: undefined, from: undefined };
}
