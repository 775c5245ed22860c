/**
 * The inventory's maintenance kinds: StorageProfiles, live VirtualMachines, and what shows the
 * module's edition. Also: prod's live VMs are the VMs its stack renders, placed on its workers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { readFileSync, readdirSync } from 'node:fs';
import { loadInventory } from '../lib/inventory/load.ts';
import { cleanup, tempDir } from './helpers.ts';
import { objectsIn, writeFiles } from './maint-helpers.ts';

const root = tempDir('dvpc-inv-maint-');
afterAll(() => cleanup(root));

describe('loadInventory: maintenance kinds', () => {
  it('reads prod\'s StorageProfiles and live VMs as kubectl prints them', () => {
    const inv = loadInventory('stacks/prod/inventory');
    const files = objectsIn('stacks/prod/inventory');
    const profiles = files.filter((o) => o['kind'] === 'StorageProfile') as { metadata: { name: string }; status: { provisioner: string; claimPropertySets: unknown[] } }[];
    expect([...inv.storageProfiles.keys()].sort()).toEqual(profiles.map((p) => p.metadata.name).sort());
    for (const p of profiles) {
      expect(inv.storageProfiles.get(p.metadata.name)?.provisioner).toBe(p.status.provisioner);
      expect(inv.storageProfiles.get(p.metadata.name)?.status).toEqual(p.status.claimPropertySets);
    }
    const vms = files.filter((o) => o['kind'] === 'VirtualMachine') as { metadata: { name: string; namespace: string }; status: { nodeName: string; phase: string } }[];
    expect(inv.virtualMachines?.map((v) => [v.namespace, v.name, v.nodeName, v.phase])).toEqual(vms.map((v) => [v.metadata.namespace, v.metadata.name, v.status.nodeName, v.status.phase]));
    expect(inv.virtualMachines?.[0]?.migratable).toEqual({ status: 'True', reason: 'VirtualMachineMigratable', message: '' });
    expect(inv.virtualMachines?.[0]?.resource.origin.line(['status', 'nodeName'])).toBeGreaterThan(1);
    expect(inv.editionSignals).toEqual([]);
  });

  it('keeps StorageClass annotations; ignores kinds of the same name in other groups; survives odd shapes', () => {
    const inv = loadInventory(writeFiles(join(root, 'odd'), {
      'a.yaml': `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: sc
  annotations: {virtualdisk.virtualization.deckhouse.io/access-mode: ReadWriteMany}
provisioner: x
---
apiVersion: cdi.kubevirt.io/v1beta1
kind: StorageProfile
metadata: {name: sc}
status: {claimPropertySets: [{accessModes: [ReadWriteMany], volumeMode: Block}]}
---
apiVersion: storage.virtualization.deckhouse.io/v1alpha1
kind: StorageProfile
metadata: {name: odd}
spec: {claimPropertySets: "not a list"}
status: {claimPropertySets: [{accessModes: "RWX"}, 7]}
---
apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata: {name: kv, namespace: x}
---
apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachine
metadata: {name: vm, namespace: x}
status: {nodeName: "", conditions: "broken"}
`,
    }));
    expect(inv.storageClasses.get('sc')?.annotations).toEqual({ 'virtualdisk.virtualization.deckhouse.io/access-mode': 'ReadWriteMany' });
    expect([...inv.storageProfiles.keys()]).toEqual(['odd']);
    expect(inv.storageProfiles.get('odd')).toEqual({ name: 'odd', provisioner: undefined, spec: undefined, status: [{ accessModes: [], volumeMode: undefined }, { accessModes: [], volumeMode: undefined }] });
    expect(inv.virtualMachines?.map((v) => [v.name, v.nodeName, v.migratable])).toEqual([['vm', undefined, undefined]]);
    expect(inv.diagnostics).toEqual([]);
  });

  it('reads the edition from the module\'s webhooks, its user-authz ClusterRoles and VMs\' Migratable reasons', () => {
    const role = (name: string, labels: string) => `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ${name}${labels}}
rules:
- apiGroups: [virtualization.deckhouse.io]
  resources: [virtualmachines, virtualmachinepools]
  verbs: [get]
`;
    const inv = loadInventory(writeFiles(join(root, 'edition'), {
      'roles.yaml': role('admin-made', '') + role('d8:user-authz:virtualization:user', '') + role('labelled', ', labels: {user-authz.deckhouse.io/access-level: User}'),
      'hooks.yaml': `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: something-else}
webhooks: []
`,
    }));
    expect(inv.editionSignals.map((s) => [s.edition, s.evidence.split(' ')[0]])).toEqual([['EE', 'ClusterRole/d8:user-authz:virtualization:user'], ['EE', 'ClusterRole/labelled']]);
  });
});

describe('prod\'s live VMs', () => {
  it('are the VMs stacks/prod renders (same spec), running on its workers', () => {
    const desired = new Map<string, Record<string, unknown>>();
    const ns = 'dist/prod/namespaces';
    for (const d of readdirSync(ns)) {
      for (const doc of parseAllDocuments(readFileSync(join(ns, d, 'virtual-machines.yaml'), 'utf8'))) {
        const o = doc.toJS() as { metadata: { name: string; namespace: string }; spec: Record<string, unknown> };
        desired.set(`${o.metadata.namespace}/${o.metadata.name}`, o.spec);
      }
    }
    const inv = loadInventory('stacks/prod/inventory');
    const workers = new Set(inv.nodes.filter((n) => n.labels['node.deckhouse.io/group'] === 'worker').map((n) => n.name));
    expect(inv.virtualMachines?.length).toBe(desired.size);
    for (const vm of inv.virtualMachines ?? []) {
      const spec = desired.get(`${vm.namespace}/${vm.name}`);
      expect(spec, `${vm.namespace}/${vm.name}`).toBeDefined();
      // The live spec is the desired one with the webhook's defaults filled in.
      expect(vm.resource.body['spec']).toMatchObject(spec as Record<string, unknown>);
      expect(workers.has(vm.nodeName ?? '')).toBe(true);
      expect(vm.phase).toBe('Running');
    }
  });
});
