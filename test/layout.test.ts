/** Large projects are split into shards small enough for kustomize, stably. */
import { describe, expect, it } from 'vitest';
import { layout, OBJECTS_PER_FOLDER, VMS_PER_FOLDER, type PlacedObject } from '../lib/render/layout.ts';

const G = 'virtualization.deckhouse.io/v1alpha2';

function project(vms: number, ns = 'big'): PlacedObject[] {
  const out: PlacedObject[] = [{ apiVersion: 'v1', kind: 'Namespace', name: ns, namespace: undefined, body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } }];
  for (let i = 0; i < vms; i++) {
    const name = `vm-${i}`;
    const obj = (kind: string, n: string, spec: Record<string, unknown>): PlacedObject => ({ apiVersion: G, kind, name: n, namespace: ns, body: { apiVersion: G, kind, metadata: { name: n, namespace: ns }, spec } as never });
    out.push(obj('VirtualDisk', `${name}-root`, {}));
    out.push(obj('VirtualMachineIPAddress', name, { type: 'Auto' }));
    out.push(obj('VirtualMachine', name, { blockDeviceRefs: [{ kind: 'VirtualDisk', name: `${name}-root` }], virtualMachineIPAddressName: name }));
  }
  return out;
}

const placement = (folders: ReturnType<typeof layout>) => {
  const where = new Map<string, string>();
  for (const f of folders) for (const file of f.files) for (const o of file.objects) where.set(`${o.kind}/${o.name}`, f.path);
  return where;
};

describe('sharding', () => {
  it('keeps a small project in one folder', () => {
    expect(layout(project(300)).map((f) => f.path)).toEqual(['namespaces/big']);
  });

  it('splits a large project into shards, each VM with its disk and address', () => {
    const folders = layout(project(1200));
    expect(folders.map((f) => f.path)).toEqual(['namespaces/big/common', 'namespaces/big/shard-0', 'namespaces/big/shard-1', 'namespaces/big/shard-2', 'namespaces/big/shard-3']);
    for (const f of folders) {
      const objects = f.files.flatMap((x) => x.objects);
      expect(objects.length).toBeLessThanOrEqual(OBJECTS_PER_FOLDER);
      expect(objects.filter((o) => o.kind === 'VirtualMachine').length).toBeLessThanOrEqual(VMS_PER_FOLDER);
    }
    const where = placement(folders);
    for (let i = 0; i < 1200; i++) {
      expect(where.get(`VirtualDisk/vm-${i}-root`)).toBe(where.get(`VirtualMachine/vm-${i}`));
      expect(where.get(`VirtualMachineIPAddress/vm-${i}`)).toBe(where.get(`VirtualMachine/vm-${i}`));
    }
    expect(where.get('Namespace/big')).toBe('namespaces/big/common');
  });

  it('puts a Secret used by one VM with that VM, and one shared by several in common/', () => {
    const objects = project(1200);
    const secret = (n: string): PlacedObject => ({ apiVersion: 'v1', kind: 'Secret', name: n, namespace: 'big', body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: n, namespace: 'big' } } });
    objects.push(secret('own'), secret('shared'));
    const vmBody = (i: number) => (objects.find((o) => o.kind === 'VirtualMachine' && o.name === `vm-${i}`) as PlacedObject).body as { spec: Record<string, unknown> };
    vmBody(7).spec['provisioning'] = { type: 'UserDataRef', userDataRef: { kind: 'Secret', name: 'own' } };
    for (const i of [1, 2, 900]) vmBody(i).spec['provisioning'] = { type: 'UserDataRef', userDataRef: { kind: 'Secret', name: 'shared' } };
    const where = placement(layout(objects));
    expect(where.get('Secret/own')).toBe(where.get('VirtualMachine/vm-7'));
    expect(where.get('Secret/shared')).toBe('namespaces/big/common');
  });

  it('moves nothing else when a VM is added', () => {
    const before = placement(layout(project(1200)));
    const after = placement(layout(project(1201)));
    for (const [k, v] of before) expect(after.get(k), k).toBe(v);
  });
});
