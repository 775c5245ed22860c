/**
 * Predicted disk modes (UPSTREAM-MIGRATION §1): every provisioner family of the module's table,
 * annotations on the object and on the StorageClass, StorageProfiles that disagree with the
 * table, an unknown provisioner. Expected modes come from the reference's table (written out
 * here) and from the profiles in the inventory files, never from the code under test.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadResources } from '../lib/front/resources.ts';
import { loadInventory } from '../lib/inventory/load.ts';
import { ClusterModel } from '../lib/model/cluster-model.ts';
import { predictVolumes } from '../lib/model/storage-modes.ts';
import { cleanup, tempDir } from './helpers.ts';
import { cli, nodesYaml, objectsIn, storageClassYaml, storageProfileYaml, writeFiles, type Sets } from './maint-helpers.ts';

const root = tempDir('dvpc-modes-');
afterAll(() => cleanup(root));

/** The reference's table: each family's provisioner keys and the set the resolver picks. */
const TABLE: { keys: string[]; picked: string }[] = [
  { keys: ['kubevirt.io.hostpath-provisioner', 'kubevirt.io/hostpath-provisioner', 'k8s.io/minikube-hostpath', 'kubernetes.io/storageos', 'storageos', 'kubernetes.io/portworx-volume'], picked: 'ReadWriteOnce Filesystem' },
  { keys: ['nfs.csi.k8s.io', 'k8s-sigs.io/nfs-subdir-external-provisioner', 'cephfs.csi.ceph.com', 'openshift-storage.cephfs.csi.ceph.com', 'kubernetes.io/azure-file', 'file.csi.azure.com', 'kubernetes.io/portworx-volume/shared', 'manila.csi.openstack.org'], picked: 'ReadWriteMany Filesystem' },
  { keys: ['kubernetes.io/rbd', 'rbd.csi.ceph.com', 'rook-ceph.rbd.csi.ceph.com', 'openshift-storage.rbd.csi.ceph.com', 'hspc.csi.hitachi.com', 'csi.hpe.com'], picked: 'ReadWriteMany Block' },
  { keys: ['linstor.csi.linbit.com', 'replicated.csi.storage.deckhouse.io', 'scsi-generic.csi.storage.deckhouse.io', 'csi-unity.dellemc.com', 'csi.huawei.com', 'csi-tatlinunified.yadro.com', 'csi-vxflexos.dellemc.com'], picked: 'ReadWriteMany Block' },
  { keys: ['csi-powermax.dellemc.com', 'csi-powerstore.dellemc.com'], picked: 'ReadWriteMany Block' },
  { keys: ['local.csi.storage.deckhouse.io', 'topolvm.cybozu.com', 'topolvm.io', 'cinder.csi.openstack.org', 'csi.ovirt.org', 'csi.vsphere.vmware.com', 'block.csi.ibm.com'], picked: 'ReadWriteOnce Block' },
  { keys: ['csi-unity.dellemc.com/nfs', 'csi-vxflexos.dellemc.com/nfs', 'csi-isilon.dellemc.com', 'csi-powermax.dellemc.com/nfs', 'csi-powerstore.dellemc.com/nfs', 'csi.huawei.com/nfs'], picked: 'ReadWriteMany Filesystem' },
  { keys: ['kubernetes.io/aws-ebs', 'ebs.csi.aws.com', 'kubernetes.io/azure-disk', 'disk.csi.azure.com', 'kubernetes.io/gce-pd', 'pd.csi.storage.gke.io', 'driver.longhorn.io'], picked: 'ReadWriteOnce Block' },
  { keys: ['efs.csi.aws.com', 'spectrumscale.csi.ibm.com', 'csi.trident.netapp.io/ontap-nas'], picked: 'ReadWriteMany Filesystem' },
  { keys: ['pxd.openstorage.org/shared', 'pxd.openstorage.org', 'pxd.portworx.com/shared', 'pxd.portworx.com'], picked: 'ReadWriteMany Filesystem' },
  { keys: ['csi.vsphere.vmware.com/nfs'], picked: 'ReadWriteMany Filesystem' },
  { keys: ['csi.trident.netapp.io/ontap-san'], picked: 'ReadWriteMany Block' },
  { keys: ['kubesan.gitlab.io'], picked: 'ReadWriteMany Block' },
  { keys: ['driver.longhorn.io/migratable'], picked: 'ReadWriteMany Block' },
];

const DISK = (name: string, sc: string, annotations: Record<string, string> = {}) => `---
apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualDisk
metadata:
  name: ${name}
  namespace: apps${Object.keys(annotations).length ? `\n  annotations:\n${Object.entries(annotations).map(([k, v]) => `    ${k}: "${v}"`).join('\n')}` : ''}
spec:
  persistentVolumeClaim:
    size: 10Gi
    storageClassName: ${sc}
`;

/** Writes an inventory and a desired state, and returns each disk's predicted modes as "Access Volume". */
function modes(name: string, inventory: Record<string, string>, disks: string): Map<string, { modes: string; from: string; docsDiffer: boolean }> {
  const inv = writeFiles(join(root, name, 'inventory'), { 'nodes.yaml': nodesYaml([{ name: 'w1' }]), ...inventory });
  const state = writeFiles(join(root, name, 'state'), { 'disks.yaml': disks });
  const model = new ClusterModel(loadResources([state], 'default').resources, { inventory: loadInventory(inv) });
  const out = new Map<string, { modes: string; from: string; docsDiffer: boolean }>();
  for (const v of predictVolumes(model).values()) {
    out.set(v.resource.name, { modes: `${v.modes.accessMode} ${v.modes.volumeMode}`, from: `${v.modes.accessFrom}/${v.modes.volumeFrom}`, docsDiffer: v.modes.docsDiffer });
  }
  return out;
}

/** What the module picks from a profile's sets, computed here from the file (§1.1 step 3). */
function expectedFromProfile(sets: readonly { accessModes?: string[]; volumeMode?: string }[]): string {
  const rank = ['ReadOnlyMany', 'ReadWriteOncePod', 'ReadWriteOnce', 'ReadWriteMany'];
  let best: [number, number] = [-1, -1];
  for (const s of sets) {
    const a = Math.max(...(s.accessModes ?? []).map((m) => rank.indexOf(m)));
    const b = s.volumeMode === 'Block' ? 1 : 0;
    if (a > best[0] || (a === best[0] && b > best[1])) best = [a, b];
  }
  return best[0] < 0 ? 'ReadWriteOnce Filesystem' : `${rank[best[0]]} ${best[1] ? 'Block' : 'Filesystem'}`;
}

describe('disk modes from the provisioner table', () => {
  const all = TABLE.flatMap((row, r) => row.keys.map((key, k) => ({ key, picked: row.picked, sc: `sc-${r}-${k}` })));
  const result = modes('table', { 'storage.yaml': all.map((x) => storageClassYaml(x.sc, x.key)).join('') }, all.map((x) => DISK(`d-${x.sc}`, x.sc)).join(''));

  for (const [r, row] of TABLE.entries()) {
    it(`family ${r + 1} (${row.keys[0]}, …): ${row.picked}`, () => {
      for (const x of all.filter((a) => a.picked === row.picked && row.keys.includes(a.key))) {
        expect(result.get(`d-${x.sc}`), x.key).toEqual({ modes: row.picked, from: 'provisioner table/provisioner table', docsDiffer: false });
      }
    });
  }

  it('matches suffixed keys only literally: csi-unity.dellemc.com/nfs is RWX Filesystem, csi-unity.dellemc.com RWX Block', () => {
    const r = modes('suffix', { 'storage.yaml': storageClassYaml('nfs', 'csi-unity.dellemc.com/nfs') + storageClassYaml('blk', 'csi-unity.dellemc.com') + storageClassYaml('other', 'csi-unity.dellemc.com/other') }, DISK('a', 'nfs') + DISK('b', 'blk') + DISK('c', 'other'));
    expect(r.get('a')?.modes).toBe('ReadWriteMany Filesystem');
    expect(r.get('b')?.modes).toBe('ReadWriteMany Block');
    expect(r.get('c')).toEqual({ modes: 'ReadWriteOnce Block', from: 'controller default/controller default', docsDiffer: true });
  });
});

describe('an unknown provisioner', () => {
  it('gives RWO Block as the code does (the admin guide says RWO FileSystem), and classes text says so', async () => {
    const r = modes('unknown', { 'storage.yaml': storageClassYaml('exotic', 'csi.exotic.example') }, DISK('d', 'exotic'));
    expect(r.get('d')).toEqual({ modes: 'ReadWriteOnce Block', from: 'controller default/controller default', docsDiffer: true });
    const text = await cli(['classes', '--inventory', join(root, 'unknown', 'inventory'), '--format', 'text']);
    expect(text.out).toMatch(/^storage class exotic {2}\(csi\.exotic\.example\): disks RWO Block \(controller default\); VMs with such disks cannot live-migrate in CE$/m);
    expect(text.out).toMatch(/admin guide says RWO \+ FileSystem .* picks RWO \+ Block, and dvpc follows the code/);
  });
});

describe('annotations', () => {
  const ACCESS = 'virtualdisk.virtualization.deckhouse.io/access-mode';
  const VOLUME = 'virtualdisk.virtualization.deckhouse.io/volume-mode';
  const r = modes('annotations', {
    'storage.yaml': storageClassYaml('rwo', 'topolvm.io') + storageClassYaml('annotated', 'topolvm.io', { [ACCESS]: 'ReadWriteMany', [VOLUME]: 'Filesystem' }),
  }, DISK('plain', 'rwo') + DISK('own', 'rwo', { [ACCESS]: 'ReadWriteMany' }) + DISK('both', 'annotated', { [VOLUME]: 'Block' }) + DISK('class', 'annotated') + DISK('misspelt', 'rwo', { [VOLUME]: 'FileSystem', [ACCESS]: 'ReadOnlyMany' }));

  it('without any: the table (topolvm.io is RWO Block)', () => {
    expect(r.get('plain')).toEqual({ modes: 'ReadWriteOnce Block', from: 'provisioner table/provisioner table', docsDiffer: false });
  });
  it('on the object, for one mode: the other still comes from the storage', () => {
    expect(r.get('own')).toEqual({ modes: 'ReadWriteMany Block', from: 'object annotation/provisioner table', docsDiffer: false });
  });
  it('on the StorageClass, filling only what the object leaves open', () => {
    expect(r.get('class')).toEqual({ modes: 'ReadWriteMany Filesystem', from: 'StorageClass annotation/StorageClass annotation', docsDiffer: false });
    expect(r.get('both')).toEqual({ modes: 'ReadWriteMany Block', from: 'StorageClass annotation/object annotation', docsDiffer: false });
  });
  it('ignores values the module does not match exactly (FileSystem, ReadOnlyMany)', () => {
    expect(r.get('misspelt')).toEqual(r.get('plain'));
  });
});

describe('StorageProfiles', () => {
  const profiles: Record<string, { status?: Sets; spec?: Sets }> = {
    // rbd is RWX Block in the table; the recorded status says otherwise and wins.
    overridden: { status: [{ accessModes: ['ReadWriteOnce'], volumeMode: 'Block' }, { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }] },
    // Order does not matter; a missing volumeMode counts as Filesystem.
    unordered: { status: [{ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }, { accessModes: ['ReadWriteMany'] }, { accessModes: ['ReadOnlyMany', 'ReadWriteMany'], volumeMode: 'Block' }] },
    // No status yet: the controller will copy the administrator's spec.
    pending: { spec: [{ accessModes: ['ReadWriteMany'], volumeMode: 'Filesystem' }] },
    // An empty recorded list.
    empty: { status: [] },
  };
  const inv: Record<string, string> = {
    'storage.yaml': Object.keys(profiles).map((n) => storageClassYaml(n, 'rbd.csi.ceph.com')).join(''),
    'profiles.yaml': Object.entries(profiles).map(([n, p]) => storageProfileYaml(n, p.status, p.spec)).join(''),
  };
  const r = modes('profiles', inv, Object.keys(profiles).map((n) => DISK(`d-${n}`, n)).join(''));
  const files = objectsIn(join(root, 'profiles', 'inventory')).filter((o) => o['kind'] === 'StorageProfile');
  const fromFile = (name: string) => {
    const p = files.find((o) => (o['metadata'] as { name: string }).name === name) as { spec?: { claimPropertySets?: Sets }; status?: { claimPropertySets?: Sets } };
    return expectedFromProfile(p.status?.claimPropertySets ?? p.spec?.claimPropertySets ?? []);
  };

  it('a recorded status that disagrees with the table wins over it', () => {
    expect(fromFile('overridden')).toBe('ReadWriteOnce Block');
    expect(r.get('d-overridden')).toEqual({ modes: fromFile('overridden'), from: 'StorageProfile status/StorageProfile status', docsDiffer: false });
  });
  it('picks the highest set whatever the order', () => {
    expect(r.get('d-unordered')?.modes).toBe(fromFile('unordered'));
    expect(fromFile('unordered')).toBe('ReadWriteMany Block');
  });
  it('without a status, the profile spec the controller will copy', () => {
    expect(r.get('d-pending')).toEqual({ modes: fromFile('pending'), from: 'StorageProfile spec/StorageProfile spec', docsDiffer: false });
  });
  it('an empty recorded list gives RWO Filesystem', () => {
    expect(r.get('d-empty')?.modes).toBe('ReadWriteOnce Filesystem');
  });
  it('dvpc classes --format text shows the profile\'s modes per StorageClass', async () => {
    const text = await cli(['classes', '--inventory', join(root, 'profiles', 'inventory'), '--format', 'text']);
    expect(text.out).toMatch(/^storage class overridden {2}\(rbd\.csi\.ceph\.com\): disks RWO Block \(StorageProfile status\)/m);
    expect(text.out).toMatch(/^storage class unordered {2}\(rbd\.csi\.ceph\.com\): disks RWX Block \(StorageProfile status\)$/m);
  });
});

describe('PVC-backed images', () => {
  it('are predicted like disks; registry images have no PVC', () => {
    const images = `---
apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualImage
metadata: {name: on-pvc, namespace: apps}
spec:
  storage: PersistentVolumeClaim
  persistentVolumeClaim: {storageClassName: local}
  dataSource: {type: HTTP, http: {url: "https://example.com/a.img"}}
---
apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualImage
metadata: {name: in-registry, namespace: apps}
spec:
  storage: ContainerRegistry
  dataSource: {type: HTTP, http: {url: "https://example.com/a.img"}}
`;
    const r = modes('images', { 'storage.yaml': storageClassYaml('local', 'local.csi.storage.deckhouse.io') }, images);
    expect(r.get('on-pvc')?.modes).toBe('ReadWriteOnce Block');
    expect(r.has('in-registry')).toBe(false);
  });
});
