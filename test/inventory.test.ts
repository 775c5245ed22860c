/** The inventory loader: every shape kubectl prints, both label spellings, bad files as diagnostics. */
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuFeatures, cpuModels, hostModels, leaseNameToIp, loadInventory } from '../lib/inventory/load.ts';
import { cleanup, tempDir } from './helpers.ts';
import { BASE, checkFiles } from './check-helpers.ts';

function inventoryOf(files: Record<string, string>) {
  const dir = tempDir();
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return loadInventory(dir);
  } finally {
    cleanup(dir);
  }
}

describe('loadInventory', () => {
  it('reads the fixture: nodes, StorageClasses, subnets, node groups, leases; ignores other kinds', () => {
    const inv = loadInventory('test/fixtures/inventory');
    expect(inv.nodes.map((n) => n.name)).toEqual(['master-0', 'worker-0', 'worker-1']);
    expect(inv.nodes[0]?.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', value: undefined, effect: 'NoSchedule' }]);
    expect(inv.nodes[1]?.allocatableMilliCpu).toBe(16000n);
    expect(inv.nodes[1]?.allocatableMemory).toBe(64n * 2n ** 30n);
    expect([...inv.storageClasses.keys()]).toEqual(['fast', 'slow', 'local-path']);
    expect(inv.storageClasses.get('fast')?.isDefault).toBe(true);
    expect(inv.podSubnetCIDR).toBe('10.111.0.0/16');
    expect(inv.nodeNetworks).toEqual(['192.168.1.0/24']);
    expect(inv.nodeGroups.get('worker')?.fencingMode).toBe('Watchdog');
    expect(inv.leases.map((l) => [l.ip, l.released])).toEqual([['10.66.10.50', false], ['10.66.10.60', true]]);
    expect(inv.diagnostics).toEqual([]);
  });

  it('reads the cluster configuration from the d8-cluster-configuration Secret', () => {
    const inv = loadInventory('stacks/prod/inventory');
    expect(inv.podSubnetCIDR).toBe('10.112.0.0/16');
    expect(inv.serviceSubnetCIDR).toBe('10.223.0.0/16');
  });

  it('reads JSON and single objects, and the kubevirt label spellings; only "true" counts', () => {
    const node = {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name: 'n1', labels: { 'cpu-feature.node.kubevirt.io/avx2': 'true', 'cpu-feature.node.virtualization.deckhouse.io/aes': 'true', 'cpu-feature.node.virtualization.deckhouse.io/sse': 'false', 'cpu-model.node.kubevirt.io/Haswell': 'true', 'host-model-cpu.node.virtualization.deckhouse.io/Haswell-noTSX': 'true', 'host-model-required-features.node.virtualization.deckhouse.io/invtsc': 'true' } },
      status: { allocatable: { cpu: '3500m', memory: '7Gi' } },
    };
    const inv = inventoryOf({ 'node.json': JSON.stringify(node) });
    const n = inv.nodes[0]!;
    expect(cpuFeatures(n)).toEqual(['aes', 'avx2']);
    expect(cpuModels(n)).toEqual(['Haswell']);
    expect(hostModels(n)).toEqual(['Haswell-noTSX']);
    expect(n.allocatableMilliCpu).toBe(3500n);
  });

  it('turns a malformed file into a DVP001 diagnostic with file and line', () => {
    const inv = inventoryOf({ 'good.yaml': 'apiVersion: v1\nkind: Node\nmetadata:\n  name: ok\n', 'bad.yaml': 'apiVersion: v1\nkind: Node\nmetadata:\n  name: [broken\n' });
    expect(inv.nodes.map((n) => n.name)).toEqual(['ok']);
    expect(inv.diagnostics).toHaveLength(1);
    expect(inv.diagnostics[0]).toMatchObject({ code: 'DVP001', severity: 'error' });
    expect(inv.diagnostics[0]?.file).toMatch(/bad\.yaml$/);
    expect(inv.diagnostics[0]?.line).toBeGreaterThanOrEqual(4);
  });

  it('decodes lease names', () => {
    expect(leaseNameToIp('ip-10-66-10-5')).toBe('10.66.10.5');
    expect(leaseNameToIp('ip-10-66-10-256')).toBeUndefined();
    expect(leaseNameToIp('mac-aa-bb')).toBeUndefined();
  });
});

describe('DVP107 from the live ModuleConfig', () => {
  function withLive(list: string[]): string {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    for (const f of ['nodes.yaml', 'storage.yaml', 'cluster.yaml']) writeFileSync(join(dir, f), readFileSync(`test/fixtures/inventory/${f}`, 'utf8'));
    writeFileSync(join(dir, 'mc.yaml'), `apiVersion: deckhouse.io/v1alpha1\nkind: ModuleConfig\nmetadata:\n  name: virtualization\nspec:\n  version: 1\n  settings:\n    dvcr:\n      storage:\n        type: PersistentVolumeClaim\n        persistentVolumeClaim:\n          size: 50G\n    virtualMachineCIDRs: [${list.join(', ')}]\n`);
    return dir;
  }

  it('fires when the desired state clears a list the cluster has', () => {
    const inv = withLive(['10.66.10.0/24']);
    const cleared = BASE.replace('    virtualMachineCIDRs:\n      - 10.66.10.0/24\n      - 10.66.20.0/24\n', '').replace(/---\napiVersion: virtualization.deckhouse.io\/v1alpha2\nkind: VirtualMachineIPAddress[\s\S]*?staticIP: 10.66.10.10\n/, '').replace('  virtualMachineIPAddressName: web-ip\n', '  networks:\n    - type: Network\n      name: office\n');
    const run = checkFiles({ 'state.yaml': cleared }, { inventory: inv });
    expect(run.codes()).toContain('DVP107');
    expect(run.diagnostics.find((d) => d.code === 'DVP107')?.message).toMatch(/live ModuleConfig/);
    expect(checkFiles({ 'state.yaml': BASE }, { inventory: inv }).codes()).not.toContain('DVP107');
    cleanup(inv);
  });
});
