/** Classes from the inventory: derivation, and the placement and capacity checks (DVP206, DVP208, DVP501–503). */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { main } from '../lib/cli/main.ts';
import { deriveClasses } from '../lib/classes/derive.ts';
import { loadInventory } from '../lib/inventory/load.ts';
import { cleanup, tempDir, captureIo } from './helpers.ts';
import { BASE, checkFiles, lineOf, withDocs } from './check-helpers.ts';

type Labels = Record<string, string>;
interface RawNode { metadata: { name: string; labels: Labels }; spec?: { taints?: { effect: string }[] } }

/** The lab inventory's nodes, read here with nothing of dvpc's. */
const labNodes = (parse(readFileSync('stacks/lab/inventory/nodes.yaml', 'utf8')) as { items: RawNode[] }).items;

/** An independent reading of a LabelSelector, to check the derived ones against. */
function selects(sel: { matchLabels?: Labels; matchExpressions?: { key: string; operator: string; values?: string[] }[] }, labels: Labels): boolean {
  const okLabels = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const okExprs = (sel.matchExpressions ?? []).every((e) => {
    if (e.operator === 'DoesNotExist') return !(e.key in labels);
    if (e.operator === 'Exists') return e.key in labels;
    if (e.operator === 'In') return (e.values ?? []).includes(labels[e.key] as string);
    return !(e.values ?? []).includes(labels[e.key] as string);
  });
  return okLabels && okExprs;
}

function featuresOf(n: RawNode): string[] {
  return Object.entries(n.metadata.labels).filter(([k, v]) => k.startsWith('cpu-feature.node.virtualization.deckhouse.io/') && v === 'true').map(([k]) => k.split('/')[1] as string);
}

const capture = captureIo;

describe('dvpc classes on the lab inventory', () => {
  it('emits universal and one Discovery class per group, each selecting exactly its nodes', async () => {
    const t = capture();
    expect(await main(['classes', '--inventory', 'stacks/lab/inventory', '--group-by', 'group'], t.io)).toBe(0);
    const docs = t.out().split(/^---$/m).filter((d) => d.trim()).map((d) => parse(d) as { metadata: { name: string }; spec: { cpu: { type: string; discovery: { nodeSelector: never } }; nodeSelector: never } });
    expect(docs.map((d) => d.metadata.name)).toEqual(['universal', 'blue', 'green']);
    const expected: Record<string, string[]> = {
      universal: ['lab-worker-0', 'lab-worker-1', 'lab-worker-2', 'lab-worker-3'],
      blue: ['lab-worker-0', 'lab-worker-1'],
      green: ['lab-worker-2', 'lab-worker-3'],
    };
    for (const d of docs) {
      expect(d.spec.cpu.type).toBe('Discovery');
      const byDiscovery = labNodes.filter((n) => selects(d.spec.cpu.discovery.nodeSelector, n.metadata.labels)).map((n) => n.metadata.name);
      const byPlacement = labNodes.filter((n) => selects(d.spec.nodeSelector, n.metadata.labels)).map((n) => n.metadata.name);
      expect(byDiscovery, d.metadata.name).toEqual(expected[d.metadata.name]);
      expect(byPlacement, d.metadata.name).toEqual(expected[d.metadata.name]);
      expect(JSON.stringify(d.spec)).not.toMatch(/hostname/);
    }
  });

  it('lists, as text, the features common to each class\'s nodes, computed independently', async () => {
    const t = capture();
    await main(['classes', '--inventory', 'stacks/lab/inventory', '--group-by', 'group', '--format', 'text'], t.io);
    const text = t.out();
    const common = (names: string[]) => {
      const sets = labNodes.filter((n) => names.includes(n.metadata.name)).map(featuresOf);
      return sets.reduce((a, b) => a.filter((f) => b.includes(f))).sort();
    };
    const green = common(['lab-worker-2', 'lab-worker-3']);
    const blue = common(['lab-worker-0', 'lab-worker-1']);
    expect(text).toContain(`class green  (group=green)`);
    expect(text).toContain(`  features (${green.length}): ${green.join(' ')}`);
    expect(text).toContain(`  features (${blue.length}): ${blue.join(' ')}`);
    const adds = green.filter((f) => !blue.includes(f));
    expect(text).toContain(`  vs blue: adds ${adds.join(' ')}; lacks nothing`);
    // The control plane is left out by what the workers carry (their NodeGroup), not by what it
    // carries: a new tainted node in a NodeGroup of its own is left out as well.
    expect(text).toMatch(/class universal {2}\(all VM nodes\)\n {2}selector: node.deckhouse.io\/group=worker, virtualization.deckhouse.io\/kvm-enabled=true\n/);
  });

  it('groups by the host CPU model by default, leaving out the tainted control plane', () => {
    const d = deriveClasses(loadInventory('stacks/lab/inventory'));
    expect(d.classes.map((c) => [c.name, c.nodes.map((n) => n.name)])).toEqual([
      ['universal', ['lab-worker-0', 'lab-worker-1', 'lab-worker-2', 'lab-worker-3']],
      ['cascadelake-server-notsx', ['lab-worker-2', 'lab-worker-3']],
      ['ivybridge-ibrs', ['lab-worker-0', 'lab-worker-1']],
    ]);
    const ivy = d.classes.find((c) => c.name === 'ivybridge-ibrs');
    expect(ivy?.selector).toEqual({ matchLabels: { 'host-model-cpu.node.virtualization.deckhouse.io/IvyBridge-IBRS': 'true', 'node.deckhouse.io/group': 'worker' } });
  });

  it('says so instead of guessing when no label tells a group apart', async () => {
    const dir = tempDir();
    const node = (name: string, group: string) => `- apiVersion: v1\n  kind: Node\n  metadata:\n    name: ${name}\n    labels:\n      kubernetes.io/hostname: ${name}\n      rack: ${group}\n      cpu-feature.node.virtualization.deckhouse.io/aes: "true"\n`;
    writeFileSync(join(dir, 'nodes.yaml'), `apiVersion: v1\nkind: List\nitems:\n${node('a', 'r1')}${node('b', 'r1')}`);
    const t = capture();
    expect(await main(['classes', '--inventory', dir, '--group-by', 'zone'], t.io)).toBe(1);
    expect(t.err()).toMatch(/node a has no zone/);
    const d = deriveClasses(loadInventory(dir), { groupBy: 'rack' });
    expect(d.problems).toEqual([]);
    cleanup(dir);
  });

  it('exits 2 without --inventory', async () => {
    expect(await main(['classes'], capture().io)).toBe(2);
  });

  it('refuses to emit a class the module would leave Pending, and says when there is no VM node at all (DVP206, exit 1)', async () => {
    const dir = tempDir();
    try {
      // A VM node without CPU feature labels: Discovery would find no common feature.
      writeFileSync(join(dir, 'nodes.yaml'), 'apiVersion: v1\nkind: Node\nmetadata:\n  name: bare\n  labels:\n    virtualization.deckhouse.io/kvm-enabled: "true"\n    host-model-cpu.node.virtualization.deckhouse.io/Foo: "true"\n');
      const t = capture();
      expect(await main(['classes', '--inventory', dir], t.io)).toBe(1);
      expect(t.err()).toMatch(/DVP206 cannot derive class universal: class "universal" would discover no CPU feature/);
      // No node that can run VMs: nothing to derive, and it says so.
      writeFileSync(join(dir, 'nodes.yaml'), 'apiVersion: v1\nkind: Node\nmetadata:\n  name: cp\n  labels:\n    virtualization.deckhouse.io/kvm-enabled: "true"\nspec:\n  taints:\n  - key: node-role.kubernetes.io/control-plane\n    effect: NoSchedule\n');
      const u = capture();
      expect(await main(['classes', '--inventory', dir], u.io)).toBe(1);
      expect(u.err()).toMatch(/DVP206 cannot derive: none of the inventory's 1 node\(s\) can run VMs/);
    } finally {
      cleanup(dir);
    }
  });
});

const CLASS = (name: string, spec: string) => `apiVersion: virtualization.deckhouse.io/v1alpha3\nkind: VirtualMachineClass\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const VM = (name: string, cls: string, cores: number, memory: string, extra = '') => `apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualMachine\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  virtualMachineClassName: ${cls}\n  runPolicy: AlwaysOn\n  cpu:\n    cores: ${cores}\n    coreFraction: 100%\n  memory:\n    size: ${memory}\n  blockDeviceRefs:\n    - kind: ClusterVirtualImage\n      name: ubuntu\n${extra}`;

describe('DVP206: a class that can run nowhere, with the reason', () => {
  const cases: [string, string, RegExp, string, string][] = [
    ['its nodeSelector selects nothing', '  cpu:\n    type: Host\n  nodeSelector:\n    matchLabels:\n      node.deckhouse.io/group: gpu', /nodeSelector selects no virtualization node/, 'nodeSelector:', '  cpu:\n    type: Host\n  nodeSelector:\n    matchLabels:\n      node.deckhouse.io/group: worker'],
    ['its Model is on no selected node', '  cpu:\n    type: Model\n    model: Skylake-Server # here', /CPU model Skylake-Server is on no selected VM node/, 'cpu:', '  cpu:\n    type: Model\n    model: Haswell'],
    ['its Features are on no node', '  cpu:\n    type: Features\n    features: [avx512f] # here', /no selected VM node has all the features avx512f \(avx512f on none\)/, 'cpu:', '  cpu:\n    type: Features\n    features: [avx2]'],
    ['its discovery selects only the tainted control plane', '  cpu:\n    type: Discovery\n    discovery:\n      nodeSelector:\n        matchLabels:\n          node.deckhouse.io/group: master', /discovery nodeSelector selects no VM node \(only master-0\)/, 'discovery:', '  cpu:\n    type: Discovery\n    discovery:\n      nodeSelector:\n        matchLabels:\n          node.deckhouse.io/group: worker'],
    ['no selected node carries the discovered features', '  cpu:\n    type: Discovery\n    discovery:\n      nodeSelector:\n        matchLabels:\n          kubernetes.io/hostname: worker-1\n  nodeSelector:\n    matchExpressions:\n      - key: cpu-feature.node.virtualization.deckhouse.io/avx2\n        operator: DoesNotExist', /no selected VM node carries all 3 discovered features/, 'cpu:', '  cpu:\n    type: Discovery\n    discovery:\n      nodeSelector:\n        matchLabels:\n          kubernetes.io/hostname: worker-1'],
  ];
  it.each(cases)('%s', (_name, spec, message, at, good) => {
    const inv = withHostnames();
    const bad = withDocs(CLASS('special', spec));
    const run = checkFiles({ 'state.yaml': bad }, { inventory: inv });
    const d = run.diagnostics.find((x) => x.code === 'DVP206');
    expect(d?.message, JSON.stringify(run.diagnostics)).toMatch(message);
    expect(d?.resource).toBe('VirtualMachineClass/special');
    const fromClass = bad.slice(bad.indexOf('name: special'));
    expect(d?.line).toBe(lineOf(bad, 'name: special') + lineOf(fromClass, at) - 1);
    expect(checkFiles({ 'state.yaml': withDocs(CLASS('special', good)) }, { inventory: inv }).codes()).not.toContain('DVP206');
    cleanup(inv);
  });

  it('fires on the VM when a built-in class cannot run (generic needs Nehalem)', () => {
    const inv = withHostnames((t) => t.replaceAll('cpu-model.node.virtualization.deckhouse.io/Nehalem: "true"', 'cpu-model.node.virtualization.deckhouse.io/Nehalem: "false"'));
    const run = checkFiles({ 'state.yaml': withDocs(VM('legacy', 'generic', 1, '1Gi')) }, { inventory: inv });
    const d = run.diagnostics.find((x) => x.code === 'DVP206');
    expect(d).toMatchObject({ resource: 'VirtualMachine/apps/legacy', path: 'spec.virtualMachineClassName' });
    cleanup(inv);
  });

  it('finds no common feature across disjoint CPUs', () => {
    const inv = withHostnames((t) => t.replace(/ *cpu-feature[^\n]*\n/g, '').replace('name: worker-1\n    labels:\n', 'name: worker-1\n    labels:\n      cpu-feature.node.virtualization.deckhouse.io/sse: "true"\n').replace('name: worker-0\n    labels:\n', 'name: worker-0\n    labels:\n      cpu-feature.node.virtualization.deckhouse.io/aes: "true"\n'));
    const run = checkFiles({ 'state.yaml': BASE.replace('virtualMachineClassName: std', 'virtualMachineClassName: std') }, { inventory: inv });
    expect(run.diagnostics.find((x) => x.code === 'DVP206')?.message).toMatch(/discovery finds no CPU feature common to worker-0, worker-1/);
    cleanup(inv);
  });
});

/** The fixture inventory in a scratch folder, with hostname labels and an optional edit. */
function withHostnames(editNodes: (text: string) => string = (t) => t, editCluster: (text: string) => string = (t) => t): string {
  const dir = tempDir();
  const nodes = readFileSync('test/fixtures/inventory/nodes.yaml', 'utf8').replace(/ {4}name: ([a-z0-9-]+)\n {4}labels:\n/g, '    name: $1\n    labels:\n      kubernetes.io/hostname: $1\n');
  writeFileSync(join(dir, 'nodes.yaml'), editNodes(nodes));
  writeFileSync(join(dir, 'storage.yaml'), readFileSync('test/fixtures/inventory/storage.yaml', 'utf8'));
  writeFileSync(join(dir, 'cluster.yaml'), editCluster(readFileSync('test/fixtures/inventory/cluster.yaml', 'utf8')));
  return dir;
}

describe('capacity and availability', () => {
  const FREE = CLASS('free', '  cpu:\n    type: Host\n  nodeSelector:\n    matchLabels:\n      node.deckhouse.io/group: worker');

  it('DVP208: a VM larger than any node of a class without policies', () => {
    const bad = withDocs(FREE, VM('huge', 'free', 24, '32Gi'));
    const run = checkFiles({ 'state.yaml': bad });
    const d = run.diagnostics.find((x) => x.code === 'DVP208');
    expect(d).toMatchObject({ severity: 'warning', resource: 'VirtualMachine/apps/huge', path: 'spec.cpu.cores', line: lineOf(bad, 'cores: 24') });
    expect(checkFiles({ 'state.yaml': withDocs(FREE, VM('fits', 'free', 16, '32Gi')) }).codes()).not.toContain('DVP208');
  });

  it('DVP501: the VMs that must run do not fit the class\'s nodes (shared nodes counted)', () => {
    // free (both workers: 32 cores) holds its own VMs and std's, which live on the same workers.
    const vms = [VM('a', 'free', 16, '32Gi'), VM('b', 'free', 16, '32Gi'), VM('c', 'std', 4, '8Gi')];
    const run = checkFiles({ 'state.yaml': withDocs(FREE, ...vms) });
    const d = run.diagnostics.find((x) => x.code === 'DVP501');
    expect(d?.resource).toBe('VirtualMachineClass/free');
    expect(d?.message).toMatch(/2 VM\(s\) that must run in class "free" and 2 of classes on the same nodes \(std\) request 37 cores and 76Gi; its 2 available node\(s\) hold 32 cores and 128Gi/);
    const ok = checkFiles({ 'state.yaml': withDocs(FREE, VM('a', 'free', 16, '32Gi'), VM('b', 'free', 8, '16Gi')) });
    expect(ok.codes()).not.toContain('DVP501');
  });

  it('DVP502: no headroom to lose the largest node', () => {
    const run = checkFiles({ 'state.yaml': withDocs(FREE, VM('a', 'free', 12, '16Gi'), VM('b', 'free', 8, '16Gi')) });
    expect(run.diagnostics.find((x) => x.code === 'DVP502')).toMatchObject({ severity: 'warning', resource: 'VirtualMachineClass/free' });
    expect(run.codes()).not.toContain('DVP501');
    expect(checkFiles({ 'state.yaml': withDocs(FREE, VM('a', 'free', 8, '16Gi')) }).codes()).not.toContain('DVP502');
  });

  it('DVP503: a VM that must run only on NodeGroups without fencing', () => {
    const inv = withHostnames((t) => t, (t) => t.replace('  fencing:\n    mode: Watchdog\n', '  nodeType: Static\n'));
    const run = checkFiles({ 'state.yaml': BASE }, { inventory: inv });
    // Reported on the class, naming its VMs (once per class: see noise.test.ts).
    expect(run.diagnostics.find((x) => x.code === 'DVP503')).toMatchObject({ severity: 'warning', resource: 'VirtualMachineClass/std', path: 'spec', line: lineOf(BASE, 'name: std') + 1 });
    expect(run.diagnostics.find((x) => x.code === 'DVP503')?.message).toMatch(/^1 VM\(s\) that must run \(apps\/web\)/);
    expect(checkFiles({ 'state.yaml': BASE.replace('runPolicy: AlwaysOn', 'runPolicy: Manual') }, { inventory: inv }).codes()).not.toContain('DVP503');
    expect(checkFiles({ 'state.yaml': BASE }).codes()).not.toContain('DVP503');
    cleanup(inv);
  });
});
