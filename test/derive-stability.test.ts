/**
 * Derived classes stay stable as the cluster grows (SPEC §5; issue 10): spec.cpu is immutable, so
 * a class that exists in the cluster keeps its selectors while they select the same VM nodes with
 * the same features, and says DVP602 where they cannot; names are a function of a group's value
 * alone (issue 9). And generally an immutable field that differs from the same object in the
 * inventory is DVP602 without --baseline (SPEC §3).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { deriveClasses, derivedManifests } from '../lib/classes/derive.ts';
import { loadInventory } from '../lib/inventory/load.ts';
import type { Inventory, InventoryNode } from '../lib/inventory/types.ts';
import { dnsSafe } from '../lib/schema/names.ts';
import { main } from '../lib/cli/main.ts';
import { DerivedClasses, Project, VirtualMachine } from '../lib/index.ts';
import { BASE, FIXTURE_INVENTORY, checkFiles, lineOf } from './check-helpers.ts';
import { cleanup, problems, render, tempDir, testCluster } from './helpers.ts';

type RawNode = { metadata: { name: string; labels: Record<string, string> }; spec: { taints?: { key: string; effect: string; value?: string }[] } };

const labNodes = (parse(readFileSync('stacks/lab/inventory/nodes.yaml', 'utf8')) as { items: RawNode[] }).items;
const byName = (name: string) => structuredClone(labNodes.find((n) => n.metadata.name === name) as RawNode);

/** What a team's inventory held after the first sync with dvpc's first derivation: the live classes. */
const LIVE_CLASSES = `apiVersion: v1
kind: List
items:
- apiVersion: virtualization.deckhouse.io/v1alpha3
  kind: VirtualMachineClass
  metadata: {name: universal}
  spec:
    cpu:
      type: Discovery
      discovery:
        nodeSelector:
          matchLabels: {virtualization.deckhouse.io/kvm-enabled: "true"}
          matchExpressions: [{key: node-role.kubernetes.io/control-plane, operator: DoesNotExist}]
    nodeSelector:
      matchLabels: {virtualization.deckhouse.io/kvm-enabled: "true"}
      matchExpressions: [{key: node-role.kubernetes.io/control-plane, operator: DoesNotExist}]
  status: {phase: Ready}
- apiVersion: virtualization.deckhouse.io/v1alpha3
  kind: VirtualMachineClass
  metadata: {name: blue}
  spec:
    cpu: {type: Discovery, discovery: {nodeSelector: {matchLabels: {group: blue}}}}
    nodeSelector: {matchLabels: {group: blue}}
- apiVersion: virtualization.deckhouse.io/v1alpha3
  kind: VirtualMachineClass
  metadata: {name: green}
  spec:
    cpu: {type: Discovery, discovery: {nodeSelector: {matchLabels: {group: green}}}}
    nodeSelector: {matchLabels: {group: green}}
`;

/** The lab inventory with extra nodes, and the live classes when asked. */
function labWith(extra: RawNode[], liveClasses = true): string {
  const dir = tempDir();
  cpSync('stacks/lab/inventory', dir, { recursive: true });
  const doc = parse(readFileSync(join(dir, 'nodes.yaml'), 'utf8')) as { items: RawNode[] };
  doc.items.push(...extra);
  writeFileSync(join(dir, 'nodes.yaml'), stringify(doc));
  if (liveClasses) writeFileSync(join(dir, 'classes.yaml'), LIVE_CLASSES);
  return dir;
}

/** A new node like `like`, renamed, with labels changed and an optional taint. */
function newNode(like: string, name: string, labels: Record<string, string | null>, taint?: string): RawNode {
  const n = byName(like);
  n.metadata.name = name;
  n.metadata.labels['kubernetes.io/hostname'] = name;
  for (const [k, v] of Object.entries(labels)) {
    if (v === null) delete n.metadata.labels[k];
    else n.metadata.labels[k] = v;
  }
  n.spec.taints = taint ? [{ key: 'dedicated', value: taint, effect: 'NoSchedule' }] : [];
  return n;
}

const liveSpecs = () => Object.fromEntries((parse(LIVE_CLASSES) as { items: { metadata: { name: string }; spec: unknown }[] }).items.map((c) => [c.metadata.name, c.spec]));

describe('a live class keeps its selectors while they select the same VM nodes with the same features', () => {
  it('adding a tainted node changes no selector of an existing class (it changed universal and green before)', () => {
    // A dedicated GPU node: KVM, the newer CPU, a NodeGroup of its own, tainted, labelled green.
    const gpu = newNode('lab-worker-3', 'lab-gpu-0', { 'node.deckhouse.io/group': 'gpu', group: 'green' }, 'gpu');
    const inv = labWith([gpu]);
    const d = deriveClasses(loadInventory(inv), { groupBy: 'group' });
    expect(d.problems).toEqual([]);
    expect(d.classes.map((c) => [c.name, c.origin])).toEqual([['universal', 'kept'], ['blue', 'kept'], ['green', 'kept']]);
    const live = liveSpecs();
    for (const m of derivedManifests(d)) expect(m['spec'], String((m['metadata'] as { name: string }).name)).toEqual(live[(m['metadata'] as { name: string }).name]);
    // Without the live classes, an exact derivation must leave the tainted node out of universal and green.
    const fresh = deriveClasses(loadInventory(labWith([gpu], false)), { groupBy: 'group' });
    expect(fresh.classes.find((c) => c.name === 'green')?.selector).not.toEqual({ matchLabels: { group: 'green' } });
    cleanup(inv);
  });

  it('adding a VM node of another CPU to a group keeps the selectors: they still select exactly the group', () => {
    const older = newNode('lab-worker-0', 'lab-worker-4', { group: 'green' });
    const d = deriveClasses(loadInventory(labWith([older])), { groupBy: 'group' });
    expect(d.problems).toEqual([]);
    expect(d.classes.every((c) => c.origin === 'kept')).toBe(true);
    // green now discovers only what the older node has too: the module computes the same.
    const green = d.classes.find((c) => c.name === 'green');
    expect(green?.features).not.toContain('avx512f');
  });

  it('DVP602 with the hint to create a new class when a live selection must change', async () => {
    // A tainted node without the control-plane label falls into universal's live discovery pool.
    // With the older workers' CPU it changes nothing: universal discovers what both CPUs share.
    const old = newNode('lab-worker-0', 'lab-edge-0', { 'node.deckhouse.io/group': 'edge', group: null }, 'edge');
    const inv = labWith([old]);
    expect(deriveClasses(loadInventory(inv), { groupBy: 'group' }).problems).toEqual([]);
    // With a CPU poorer than any worker's, universal's VMs would lose a feature: it must change.
    const poorer = newNode('lab-worker-0', 'lab-edge-1', { 'node.deckhouse.io/group': 'edge', group: null, 'cpu-feature.node.virtualization.deckhouse.io/sse4_2': null, 'cpu-feature.node.virtualization.deckhouse.io/aes': null }, 'edge');
    const inv2 = labWith([poorer]);
    const d2 = deriveClasses(loadInventory(inv2), { groupBy: 'group' });
    expect(d2.problems.map((p) => [p.code, p.className])).toEqual([['DVP602', 'universal']]);
    expect(d2.problems[0]?.message).toMatch(/its spec.cpu is immutable, but its selection must change: it would no longer give feature\(s\) aes \(a node in its discovery pool lacks them\)/);
    expect(d2.problems[0]?.hint).toMatch(/create a class under a new name for the VM nodes \(universalName: "universal-2"\)/);
    // The live spec is emitted as it is: never a changed spec.cpu.
    expect(derivedManifests(d2).find((m) => (m['metadata'] as { name: string }).name === 'universal')?.['spec']).toEqual(liveSpecs()['universal']);
    // dvpc classes says so and exits 1.
    const err: string[] = [];
    expect(await main(['classes', '--inventory', inv2, '--group-by', 'group'], { out: () => undefined, err: (s) => void err.push(s), colour: false })).toBe(1);
    expect(err.join('')).toMatch(/^dvpc: DVP602 cannot derive class universal: VirtualMachineClass "universal" exists in the cluster/m);
    cleanup(inv);
    cleanup(inv2);
  });

  it('DerivedClasses records the DVP602 on the class (synth fails) and renders the live spec', () => {
    const poorer = newNode('lab-worker-0', 'lab-edge-1', { 'node.deckhouse.io/group': 'edge', group: null, 'cpu-feature.node.virtualization.deckhouse.io/aes': null }, 'edge');
    const inv = labWith([poorer]);
    const { app, cluster } = testCluster('lab', inv);
    const classes = DerivedClasses.addTo(cluster, { groupBy: 'group', sizingPolicies: [{ cores: { min: 1, max: 4 }, coreFractions: [100] }] });
    new VirtualMachine(new Project(cluster, 'apps'), 'vm', { vmClass: classes.get('universal'), cores: 1, memory: '1Gi', disks: [{ name: 'root', size: '1Gi' }] });
    const found = problems(app).filter((p) => p.code === 'DVP602');
    expect(found.map((p) => [p.constructPath, p.path])).toEqual([['lab/universal', 'spec.cpu']]);
    const rendered = render(app).objects.find((o) => o['kind'] === 'VirtualMachineClass' && (o['metadata'] as { name: string }).name === 'universal') as { spec: { cpu: unknown } };
    expect(rendered.spec.cpu).toEqual((liveSpecs()['universal'] as { cpu: unknown }).cpu);
    cleanup(inv);
  });

  it('property: whatever nodes join, a live class is emitted exactly as it is, kept or reported', () => {
    const cpus = ['lab-worker-0', 'lab-worker-2'];
    const node = fc.record({ like: fc.constantFrom(...cpus), group: fc.constantFrom('blue', 'green', null), ng: fc.constantFrom('worker', 'gpu', 'edge'), taint: fc.boolean(), kvm: fc.boolean() });
    fc.assert(fc.property(fc.array(node, { minLength: 1, maxLength: 4 }), (added) => {
      const extra = added.map((a, i) => newNode(a.like, `new-${i}`, { group: a.group, 'node.deckhouse.io/group': a.ng, 'virtualization.deckhouse.io/kvm-enabled': a.kvm ? 'true' : null }, a.taint ? 'x' : undefined));
      const inv = labWith(extra);
      try {
        const d = deriveClasses(loadInventory(inv), { groupBy: 'group' });
        const live = liveSpecs();
        for (const c of d.classes) {
          expect(c.origin).not.toBe('derived');
          expect(derivedManifests({ ...d, classes: [c] })[0]?.['spec']).toEqual(live[c.name]);
          expect(c.origin === 'conflict').toBe(d.problems.some((p) => p.code === 'DVP602' && p.className === c.name));
        }
      } finally {
        cleanup(inv);
      }
    }), { numRuns: 15 });
  });
});

describe('new classes prefer selectors that unrelated nodes joining do not change', () => {
  it('universal leaves the control plane out by the workers\' NodeGroup, so a tainted node in a NodeGroup of its own is already out', () => {
    const before = deriveClasses(loadInventory(labWith([], false)));
    expect(before.classes[0]?.selector).toEqual({ matchLabels: { 'node.deckhouse.io/group': 'worker', 'virtualization.deckhouse.io/kvm-enabled': 'true' } });
    for (const cpu of ['lab-worker-0', 'lab-worker-3']) {
      const gpu = newNode(cpu, 'lab-gpu-0', { 'node.deckhouse.io/group': 'gpu' }, 'gpu');
      const after = deriveClasses(loadInventory(labWith([gpu], false)));
      expect(after.classes[0]?.selector).toEqual(before.classes[0]?.selector);
      // The CPU class of the tainted node's own model must now leave it out (exact selection);
      // for a class that exists already, the live class is kept instead (above).
      expect(after.classes.map((c) => c.name)).toEqual(before.classes.map((c) => c.name));
    }
  });
});

/** An inventory of one VM node per group value (label `tier`), in the given order. */
function inventoryOf(values: readonly string[]): Inventory {
  const nodes: InventoryNode[] = values.map((v, i) => ({
    name: `n-${i}`,
    labels: { tier: v, 'virtualization.deckhouse.io/kvm-enabled': 'true', 'cpu-feature.node.virtualization.deckhouse.io/sse2': 'true' },
    taints: [],
    unschedulable: false,
    addresses: [],
    allocatableMilliCpu: 8000n,
    allocatableMemory: 16n * 2n ** 30n,
  }));
  return { dir: '', files: 0, nodes, storageClasses: new Map(), podSubnetCIDR: undefined, serviceSubnetCIDR: undefined, kubernetesVersion: undefined, nodeNetworks: [], nodeGroups: new Map(), classes: [], leases: [], moduleConfig: undefined, storageProfiles: new Map(), virtualMachines: undefined, editionSignals: [], diagnostics: [] };
}

describe('class names are a function of the group value alone (issue 9)', () => {
  it('values that differ only in case or punctuation are refused, never numbered by sort order', () => {
    const d = deriveClasses(inventoryOf(['blue', 'Blue', 'blue_', 'green']), { groupBy: 'tier' });
    expect(d.classes.map((c) => c.name)).toEqual(['universal', 'green']);
    expect(d.problems.map((p) => [p.code, p.className])).toEqual([['DVP004', 'blue'], ['DVP004', 'blue'], ['DVP004', 'blue']]);
    expect(d.problems[0]?.message).toMatch(/the tier value "Blue" would be class "blue", like tier value\(s\) "blue", "blue_"/);
    // Named by the caller, they are three classes.
    const named = deriveClasses(inventoryOf(['blue', 'Blue', 'blue_']), { groupBy: 'tier', names: { Blue: 'blue-upper', blue_: 'blue-underscore' } });
    expect(named.problems).toEqual([]);
    expect(named.classes.map((c) => c.name)).toEqual(['universal', 'blue-upper', 'blue', 'blue-underscore']);
  });

  it('property: shuffling the nodes or adding other values never renames a group', () => {
    const value = fc.constantFrom('blue', 'Blue', 'blue_', 'green', 'Green', 'g-1', 'G_1', 'universal', 'x.y', 'X-Y', 'red', '__', 'Ivy Bridge', 'ivy-bridge');
    fc.assert(fc.property(fc.uniqueArray(value, { minLength: 1, maxLength: 6 }), fc.array(value, { maxLength: 4 }), fc.integer(), (values, more, seed) => {
      const first = deriveClasses(inventoryOf(values), { groupBy: 'tier' });
      const grown = [...values, ...more].map((v, i) => ({ v, k: (i * 7919 + seed) % 101 })).sort((a, b) => a.k - b.k).map((x) => x.v);
      const second = deriveClasses(inventoryOf(grown), { groupBy: 'tier' });
      const names = (d: typeof first) => new Map(d.classes.filter((c) => c.group !== undefined).map((c) => [c.group as string, c.name]));
      const a = names(first);
      const b = names(second);
      for (const [group, name] of a) {
        expect(name).toBe(dnsSafe(group));
        if (b.has(group)) expect(b.get(group)).toBe(name);
      }
      // Every group is either named or refused, and no two classes share a name.
      for (const d of [first, second]) {
        const all = d.classes.map((c) => c.name);
        expect(new Set(all).size).toBe(all.length);
      }
    }), { numRuns: 200 });
  });
});

describe('DVP602 against the same object in the inventory, without --baseline (SPEC §3)', () => {
  /** The fixture inventory with one more file. */
  function fixtureWith(name: string, text: string): string {
    const dir = tempDir();
    cpSync(FIXTURE_INVENTORY, dir, { recursive: true });
    writeFileSync(join(dir, name), text);
    return dir;
  }
  const LIVE_STD = (cpu: string) => `apiVersion: virtualization.deckhouse.io/v1alpha3\nkind: VirtualMachineClass\nmetadata:\n  name: std\nspec:\n  cpu:\n${cpu}\n  nodeSelector:\n    matchLabels:\n      node.deckhouse.io/group: worker\n`;

  it("a class's spec.cpu that differs from the live class", () => {
    const inv = fixtureWith('classes.yaml', LIVE_STD('    type: Host'));
    const run = checkFiles({ 'a.yaml': BASE }, { inventory: inv });
    const d = run.diagnostics.find((x) => x.code === 'DVP602');
    expect(d).toMatchObject({ severity: 'error', resource: 'VirtualMachineClass/std', path: 'spec.cpu', line: lineOf(BASE, 'type: Discovery') - 1 });
    expect(d?.message).toMatch(/spec.cpu of a VirtualMachineClass is immutable and differs from the live object in the inventory: \{"type":"Host"\} there/);
    expect(run.report.summary.skipped).not.toContain('DVP602');
    // The nearest correct input: the live class has the same spec.cpu.
    const same = fixtureWith('classes.yaml', LIVE_STD('    type: Discovery\n    discovery:\n      nodeSelector:\n        matchLabels:\n          node.deckhouse.io/group: worker'));
    expect(checkFiles({ 'a.yaml': BASE }, { inventory: same }).codes()).not.toContain('DVP602');
    cleanup(inv);
    cleanup(same);
  });

  it('the DVCR storage class that differs from the live ModuleConfig', () => {
    const live = BASE.slice(0, BASE.indexOf('---')).replace('storageClassName: fast', 'storageClassName: slow');
    const inv = fixtureWith('moduleconfig.yaml', live);
    const d = checkFiles({ 'a.yaml': BASE }, { inventory: inv }).diagnostics.find((x) => x.code === 'DVP602');
    expect(d).toMatchObject({ resource: 'ModuleConfig/virtualization', path: 'spec.settings.dvcr.storage.persistentVolumeClaim.storageClassName' });
    cleanup(inv);
  });

  it('is not repeated when the baseline reports the same field', () => {
    const inv = fixtureWith('classes.yaml', LIVE_STD('    type: Host'));
    const baseline = BASE.replace('    type: Discovery\n    discovery:\n      nodeSelector:\n        matchLabels:\n          node.deckhouse.io/group: worker\n  nodeSelector', '    type: Host\n  nodeSelector');
    const found = checkFiles({ 'a.yaml': BASE }, { inventory: inv, baseline: { 'a.yaml': baseline } }).diagnostics.filter((x) => x.code === 'DVP602');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(/changed from/);
    cleanup(inv);
  });
});
