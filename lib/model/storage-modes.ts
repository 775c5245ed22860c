/**
 * The access mode and volume mode the module gives the PVC of every VirtualDisk and PVC-backed
 * VirtualImage (UPSTREAM-MIGRATION §1). Each mode comes from the first source that gives one:
 *   1. the object's annotations, 2. the same annotations on its StorageClass,
 *   3. the StorageProfile of that class (its status as the inventory shows it, or what the
 *      controller will write: the profile's spec, the provisioner table, the controller default).
 * Where the StorageClass is unknown, a mode the annotations leave open stays unknown.
 */
import type { ClaimPropertySet, Inventory, InventoryStorageClass, InventoryStorageProfile } from '../inventory/types.ts';
import type { Resource } from '../core/resource.ts';
import type { ClusterModel } from './cluster-model.ts';
import { policyOf, resolveStorageClass, type ResolvedStorageClass } from './storage-class.ts';

export const ACCESS_MODE_ANNOTATION = 'virtualdisk.virtualization.deckhouse.io/access-mode';
export const VOLUME_MODE_ANNOTATION = 'virtualdisk.virtualization.deckhouse.io/volume-mode';

export type AccessMode = 'ReadWriteMany' | 'ReadWriteOnce' | 'ReadWriteOncePod' | 'ReadOnlyMany';
export type VolumeMode = 'Block' | 'Filesystem';
export type ModeSource = 'object annotation' | 'StorageClass annotation' | 'StorageProfile status' | 'StorageProfile spec' | 'provisioner table' | 'controller default';

/** ROX 0 < RWOP 1 < RWO 2 < RWX 3: how the module ranks a set's access modes. */
const ACCESS_RANK: Readonly<Record<string, number>> = { ReadOnlyMany: 0, ReadWriteOncePod: 1, ReadWriteOnce: 2, ReadWriteMany: 3 };

const RWX_B = { accessModes: ['ReadWriteMany'], volumeMode: 'Block' };
const RWX_F = { accessModes: ['ReadWriteMany'], volumeMode: 'Filesystem' };
const RWO_B = { accessModes: ['ReadWriteOnce'], volumeMode: 'Block' };
const RWO_F = { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' };
const ROX_B = { accessModes: ['ReadOnlyMany'], volumeMode: 'Block' };
const ROX_F = { accessModes: ['ReadOnlyMany'], volumeMode: 'Filesystem' };

/** The controller's sets for an unlisted provisioner. The admin guide says RWO+FileSystem; the code picks RWO+Block. */
export const DEFAULT_CLAIM_SETS: readonly ClaimPropertySet[] = [RWO_F, RWO_B];

function family(keys: readonly string[], sets: readonly ClaimPropertySet[]): [string, readonly ClaimPropertySet[]][] {
  return keys.map((k) => [k, sets]);
}

/**
 * The module's provisioner table (capabilitiesByProvisioner), keyed by the exact `provisioner`
 * string, sets in the file's order. Suffixed keys (`/nfs`, `/shared`) match only a StorageClass
 * whose provisioner is literally that string.
 */
export const PROVISIONER_CLAIM_SETS: ReadonlyMap<string, readonly ClaimPropertySet[]> = new Map([
  ...family(['kubevirt.io.hostpath-provisioner', 'kubevirt.io/hostpath-provisioner', 'k8s.io/minikube-hostpath', 'kubernetes.io/storageos', 'storageos', 'kubernetes.io/portworx-volume'], [RWO_F]),
  ...family(['nfs.csi.k8s.io', 'k8s-sigs.io/nfs-subdir-external-provisioner', 'cephfs.csi.ceph.com', 'openshift-storage.cephfs.csi.ceph.com', 'kubernetes.io/azure-file', 'file.csi.azure.com', 'kubernetes.io/portworx-volume/shared', 'manila.csi.openstack.org'], [RWX_F]),
  ...family(['kubernetes.io/rbd', 'rbd.csi.ceph.com', 'rook-ceph.rbd.csi.ceph.com', 'openshift-storage.rbd.csi.ceph.com', 'hspc.csi.hitachi.com', 'csi.hpe.com'], [RWX_B, RWO_B, RWO_F]),
  ...family(['linstor.csi.linbit.com', 'replicated.csi.storage.deckhouse.io', 'scsi-generic.csi.storage.deckhouse.io', 'csi-unity.dellemc.com', 'csi.huawei.com', 'csi-tatlinunified.yadro.com', 'csi-vxflexos.dellemc.com'], [RWX_B, RWO_B, RWO_F, ROX_B, ROX_F]),
  ...family(['csi-powermax.dellemc.com', 'csi-powerstore.dellemc.com'], [RWX_B, RWO_B, RWO_F, ROX_B]),
  ...family(['local.csi.storage.deckhouse.io', 'topolvm.cybozu.com', 'topolvm.io', 'cinder.csi.openstack.org', 'csi.ovirt.org', 'csi.vsphere.vmware.com', 'block.csi.ibm.com'], [RWO_B, RWO_F]),
  ...family(['csi-unity.dellemc.com/nfs', 'csi-vxflexos.dellemc.com/nfs', 'csi-isilon.dellemc.com', 'csi-powermax.dellemc.com/nfs', 'csi-powerstore.dellemc.com/nfs', 'csi.huawei.com/nfs'], [RWX_F, RWO_F, ROX_F]),
  ...family(['kubernetes.io/aws-ebs', 'ebs.csi.aws.com', 'kubernetes.io/azure-disk', 'disk.csi.azure.com', 'kubernetes.io/gce-pd', 'pd.csi.storage.gke.io', 'driver.longhorn.io'], [RWO_B]),
  ...family(['efs.csi.aws.com', 'spectrumscale.csi.ibm.com', 'csi.trident.netapp.io/ontap-nas'], [RWX_F, RWO_F]),
  ...family(['pxd.openstorage.org/shared', 'pxd.openstorage.org', 'pxd.portworx.com/shared', 'pxd.portworx.com'], [RWX_F, RWO_B, RWO_F]),
  ...family(['csi.vsphere.vmware.com/nfs'], [RWX_F, RWO_B, RWO_F]),
  ...family(['csi.trident.netapp.io/ontap-san'], [RWX_B]),
  ...family(['kubesan.gitlab.io'], [RWX_B, ROX_B, RWO_B, RWO_F]),
  ...family(['driver.longhorn.io/migratable'], [RWX_B, RWO_B]),
]);

export interface ClaimChoice {
  readonly accessMode: AccessMode;
  readonly volumeMode: VolumeMode;
}

/**
 * The set the module picks from a profile's claimPropertySets (parseStorageCapabilities): each
 * set reduced to its highest access mode, a missing volume mode counted as Filesystem, then the
 * highest (access, then Filesystem < Block), whatever the order; no set at all gives RWO+FS.
 */
export function bestClaimSet(sets: readonly ClaimPropertySet[]): ClaimChoice {
  let best: { access: number; block: number } | undefined;
  for (const s of sets) {
    const access = Math.max(-1, ...s.accessModes.map((m) => ACCESS_RANK[m] ?? -1));
    if (access < 0) continue;
    const block = s.volumeMode === 'Block' ? 1 : 0;
    if (!best || access > best.access || (access === best.access && block > best.block)) best = { access, block };
  }
  if (!best) return { accessMode: 'ReadWriteOnce', volumeMode: 'Filesystem' };
  const accessMode = (Object.keys(ACCESS_RANK) as AccessMode[]).find((m) => ACCESS_RANK[m] === best.access) as AccessMode;
  return { accessMode, volumeMode: best.block ? 'Block' : 'Filesystem' };
}

/** The sets the module uses for a StorageClass, and where they come from (step 3 of the resolver). */
export function claimSetsFor(sc: InventoryStorageClass, profile: InventoryStorageProfile | undefined): { sets: readonly ClaimPropertySet[]; from: ModeSource } {
  if (profile?.status !== undefined) return { sets: profile.status, from: 'StorageProfile status' };
  // No status yet: what the controller will write, in its order.
  if (profile?.spec !== undefined && profile.spec.length > 0) return { sets: profile.spec, from: 'StorageProfile spec' };
  const table = sc.provisioner === undefined ? undefined : PROVISIONER_CLAIM_SETS.get(sc.provisioner);
  return table ? { sets: table, from: 'provisioner table' } : { sets: DEFAULT_CLAIM_SETS, from: 'controller default' };
}

export interface PredictedModes {
  readonly accessMode: AccessMode | undefined;
  readonly volumeMode: VolumeMode | undefined;
  readonly accessFrom: ModeSource | undefined;
  readonly volumeFrom: ModeSource | undefined;
  /** The modes come from the controller's default for an unlisted provisioner, where the admin guide says RWO+FileSystem. */
  readonly docsDiffer: boolean;
}

function annotated(annotations: Readonly<Record<string, unknown>>): { access: AccessMode | undefined; volume: VolumeMode | undefined } {
  // Exact values only: anything else (FileSystem, ReadOnlyMany) is ignored by the module.
  const a = annotations[ACCESS_MODE_ANNOTATION];
  const v = annotations[VOLUME_MODE_ANNOTATION];
  return {
    access: a === 'ReadWriteOnce' || a === 'ReadWriteMany' ? a : undefined,
    volume: v === 'Block' || v === 'Filesystem' ? v : undefined,
  };
}

/** The modes of a PVC on `sc` (undefined when the inventory does not hold it) for an object with these annotations. */
export function predictModes(inv: Inventory | undefined, sc: InventoryStorageClass | undefined, objectAnnotations: Readonly<Record<string, unknown>>): PredictedModes {
  const own = annotated(objectAnnotations);
  let accessMode = own.access;
  let volumeMode = own.volume;
  let accessFrom: ModeSource | undefined = accessMode ? 'object annotation' : undefined;
  let volumeFrom: ModeSource | undefined = volumeMode ? 'object annotation' : undefined;
  let docsDiffer = false;
  if (sc && (!accessMode || !volumeMode)) {
    const onClass = annotated(sc.annotations);
    if (!accessMode && onClass.access) [accessMode, accessFrom] = [onClass.access, 'StorageClass annotation'];
    if (!volumeMode && onClass.volume) [volumeMode, volumeFrom] = [onClass.volume, 'StorageClass annotation'];
    if (!accessMode || !volumeMode) {
      const { sets, from } = claimSetsFor(sc, inv?.storageProfiles.get(sc.name));
      const best = bestClaimSet(sets);
      if (!accessMode) [accessMode, accessFrom] = [best.accessMode, from];
      if (!volumeMode) [volumeMode, volumeFrom] = [best.volumeMode, from];
      docsDiffer = from === 'controller default';
    }
  }
  return { accessMode, volumeMode, accessFrom, volumeFrom, docsDiffer };
}

/** A disk or PVC image with its StorageClass and predicted modes. */
export interface VolumePrediction {
  readonly resource: Resource;
  readonly storageClass: ResolvedStorageClass;
  readonly modes: PredictedModes;
}

interface VolumeSpec {
  storage?: string;
  persistentVolumeClaim?: { storageClassName?: string };
}

function annotationsOf(r: Resource): Readonly<Record<string, unknown>> {
  const meta = r.body['metadata'];
  const ann = meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? meta['annotations'] : undefined;
  return ann !== null && typeof ann === 'object' && !Array.isArray(ann) ? ann : {};
}

/**
 * Every VirtualDisk and PVC-backed VirtualImage of the model (those that fit their schema, the
 * first definition of each) with its predicted modes, keyed by the object.
 */
export function predictVolumes(model: ClusterModel): Map<Resource, VolumePrediction> {
  const out = new Map<Resource, VolumePrediction>();
  const settings = model.settings()?.settings;
  const inv = model.inventory;
  // A fleet has thousands of disks on a few StorageClasses: each class (and class annotation
  // pair of the object) is resolved once.
  const classes = new Map<string | undefined, ResolvedStorageClass>();
  const modes = new Map<InventoryStorageClass | undefined, Map<string, PredictedModes>>();
  for (const kind of ['VirtualDisk', 'VirtualImage'] as const) {
    const policy = policyOf(settings, kind === 'VirtualDisk' ? 'disks' : 'images');
    classes.clear();
    for (const r of model.ofKind(kind)) {
      const spec = model.valid<{ spec: VolumeSpec }>(r)?.spec;
      if (!spec || (kind === 'VirtualImage' && spec.storage === 'ContainerRegistry')) continue;
      if (model.firstDefinition(r) !== r) continue;
      const named = spec.persistentVolumeClaim?.storageClassName;
      let storageClass = classes.get(named);
      if (!storageClass) classes.set(named, (storageClass = resolveStorageClass(model, named, policy)));
      const sc = storageClass.name === undefined ? undefined : inv?.storageClasses.get(storageClass.name);
      const own = annotationsOf(r);
      const key = `${String(own[ACCESS_MODE_ANNOTATION] ?? '')}\u0000${String(own[VOLUME_MODE_ANNOTATION] ?? '')}`;
      let byAnnotations = modes.get(sc);
      if (!byAnnotations) modes.set(sc, (byAnnotations = new Map()));
      let predicted = byAnnotations.get(key);
      if (!predicted) byAnnotations.set(key, (predicted = predictModes(inv, sc, own)));
      out.set(r, { resource: r, storageClass, modes: predicted });
    }
  }
  return out;
}

/** "RWX Block", "RWO Filesystem", or "unknown" for what cannot be predicted. */
export function shortModes(m: Pick<PredictedModes, 'accessMode' | 'volumeMode'>): string {
  const short: Record<AccessMode, string> = { ReadWriteMany: 'RWX', ReadWriteOnce: 'RWO', ReadWriteOncePod: 'RWOP', ReadOnlyMany: 'ROX' };
  return `${m.accessMode ? short[m.accessMode] : 'unknown access'} ${m.volumeMode ?? 'unknown volume mode'}`;
}
