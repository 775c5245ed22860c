/**
 * `dvpc drain`: a drain that fits, one that leaves no room for a class, one that blocks on an RWO
 * VM in CE and passes in EE, the prediction without live VMs, the formats, usage errors, the
 * example fleet and the typed API. Expected outcomes are computed from the inventory files the
 * tests write (which VMs run where, what the nodes hold), not by the code under test.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quantityBytes } from '../lib/core/quantity.ts';
import { cleanup, tempDir } from './helpers.ts';
import { cli, liveVmsYaml, nodesYaml, objectsIn, storageClassYaml, writeFiles, type LiveVm, type NodeSpec } from './maint-helpers.ts';

const root = tempDir('dvpc-drain-');
afterAll(() => cleanup(root));

let n = 0;
function inventory(nodes: NodeSpec[], vms: LiveVm[] | undefined): string {
  return writeFiles(join(root, `inv-${n++}`), {
    'nodes.yaml': nodesYaml(nodes),
    'storage.yaml': storageClassYaml('fast', 'rbd.csi.ceph.com') + storageClassYaml('slow', 'csi.slow.example'),
    ...(vms ? { 'virtualmachines.yaml': liveVmsYaml(vms) } : {}),
  });
}

const CLASS = (name: string, labels: Record<string, string>) => `---
apiVersion: virtualization.deckhouse.io/v1alpha3
kind: VirtualMachineClass
metadata: {name: ${name}}
spec:
  cpu: {type: Discovery, discovery: {nodeSelector: {matchLabels: ${JSON.stringify(labels)}}}}
  nodeSelector: {matchLabels: ${JSON.stringify(labels)}}
`;

/** The desired state of the live VMs: each VM and its root disk on `sc`. */
function desired(vms: readonly LiveVm[], classes: string, sc: (vm: LiveVm) => string = () => 'fast'): string {
  const docs = vms.map((v) => `---
apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualDisk
metadata: {name: ${v.name}-root, namespace: ${v.namespace}}
spec: {persistentVolumeClaim: {size: 10Gi, storageClassName: ${sc(v)}}}
---
apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachine
metadata: {name: ${v.name}, namespace: ${v.namespace}}
spec:
  virtualMachineClassName: ${v.cls}
  runPolicy: ${v.runPolicy ?? 'AlwaysOn'}
  cpu: {cores: ${v.cores ?? 2}, coreFraction: "${v.coreFraction ?? '100%'}"}
  memory: {size: ${v.memory ?? '4Gi'}}
  blockDeviceRefs: [{kind: VirtualDisk, name: ${v.name}-root}]
`);
  return writeFiles(join(root, `state-${n++}`), { 'state.yaml': classes + docs.join('') });
}

interface Plan {
  mode: string;
  edition: { edition: string; source: string };
  vms: { vm: string; node?: string; outcome: string; target?: string; candidates: string[]; reasons: string[]; notes: string[]; mustRun: boolean }[];
  classes: { name: string; nodesAfter: string[]; freeMemory: number; cpu: number }[];
  diagnostics: { code: string; severity: string; resource: string; file: string; line: number; path: string; message: string }[];
  summary: { blocks: boolean; errors: number };
}

async function drain(args: string[]): Promise<{ code: number; plan: Plan }> {
  const r = await cli(['drain', ...args, '--format', 'json']);
  expect(r.err).toBe('');
  return { code: r.code, plan: JSON.parse(r.out) as Plan };
}

/** Read back from the inventory files: where each live VM runs, and each node's allocatable memory. */
function fromFiles(inv: string): { vmsOn: (node: string) => { key: string; memory: bigint }[]; workers: string[]; memoryOf: (node: string) => bigint } {
  const objects = objectsIn(inv);
  const vms = objects.filter((o) => o['kind'] === 'VirtualMachine') as { metadata: { name: string; namespace: string }; spec: { memory: { size: string } }; status: { nodeName?: string; phase: string } }[];
  const nodes = objects.filter((o) => o['kind'] === 'Node') as { metadata: { name: string; labels: Record<string, string> }; status: { allocatable: { memory: string } } }[];
  return {
    vmsOn: (node) => vms.filter((v) => v.status.nodeName === node && v.status.phase === 'Running').map((v) => ({ key: `${v.metadata.namespace}/${v.metadata.name}`, memory: quantityBytes(v.spec.memory.size) ?? 0n })),
    workers: nodes.filter((x) => !('node-role.kubernetes.io/control-plane' in x.metadata.labels)).map((x) => x.metadata.name).sort(),
    memoryOf: (node) => quantityBytes(nodes.find((x) => x.metadata.name === node)?.status.allocatable.memory ?? '0') ?? 0n,
  };
}

const WORKERS: NodeSpec[] = [{ name: 'cp', controlPlane: true }, { name: 'w1' }, { name: 'w2' }, { name: 'w3' }];
const STD = CLASS('std', { 'node.deckhouse.io/group': 'worker' });

describe('a drain that fits', () => {
  const vms: LiveVm[] = [
    { name: 'a', namespace: 'apps', node: 'w1', cls: 'std' },
    { name: 'b', namespace: 'apps', node: 'w1', cls: 'std', memory: '8Gi' },
    { name: 'c', namespace: 'apps', node: 'w2', cls: 'std' },
    { name: 'd', namespace: 'apps', node: undefined, cls: 'std', phase: 'Stopped', runPolicy: 'Manual' },
  ];
  const inv = inventory(WORKERS, vms);
  const state = desired(vms, STD);

  it('moves every VM on the node to another node of its class, and exits 0', async () => {
    const { code, plan } = await drain(['w1', '--inventory', inv, state]);
    const files = fromFiles(inv);
    const expected = files.vmsOn('w1').map((v) => v.key).sort();
    const targets = files.workers.filter((w) => w !== 'w1');
    expect(plan.mode).toBe('live');
    expect(plan.vms.map((v) => v.vm)).toEqual(expected);
    for (const v of plan.vms) {
      expect(v).toMatchObject({ node: 'w1', outcome: 'migrates' });
      expect([...v.candidates].sort()).toEqual(targets);
      expect(targets).toContain(v.target);
    }
    expect(plan.diagnostics).toEqual([]);
    expect(plan.summary.blocks).toBe(false);
    expect(code).toBe(0);
    const std = plan.classes.find((c) => c.name === 'std');
    expect(std?.nodesAfter).toEqual(targets);
  });

  it('without PATH, takes the inventory\'s VMs as the state (their disks then unknown)', async () => {
    const withClasses = writeFiles(join(root, 'inv-classes'), { 'nodes.yaml': nodesYaml(WORKERS), 'vms.yaml': liveVmsYaml(vms), 'classes.yaml': STD });
    const { code, plan } = await drain(['w1', '--inventory', withClasses]);
    expect(plan.vms.map((v) => `${v.vm} ${v.outcome}`)).toEqual(fromFiles(withClasses).vmsOn('w1').map((v) => `${v.key} migrates`).sort());
    expect(code).toBe(0);
    const text = await cli(['drain', 'w1', '--inventory', withClasses]);
    expect(text.out).toMatch(/note: no VirtualDisk of the VMs is known \(no desired state given\)/);
  });

  it('says it cannot tell for a live VM whose class neither the state nor the inventory holds, and exits 1', async () => {
    const { code, plan } = await drain(['w1', '--inventory', inv]);
    expect(plan.vms.map((v) => v.outcome)).toEqual(['unknown', 'unknown']);
    expect(plan.vms[0]?.reasons[0]).toMatch(/its class "std" is neither in the desired state nor in the inventory/);
    // Undecided is not "can proceed": each running VM dvpc cannot analyse is an error.
    expect(plan.diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual(plan.vms.map(() => ['DVP201', 'error', 'spec.virtualMachineClassName']));
    expect(code).toBe(1);
    const text = await cli(['drain', 'w1', '--inventory', inv]);
    expect(text.out).toMatch(/^ {2}dvpc cannot tell whether the drain can proceed: 2 VM\(s\) on w1: .*2 unknown$/m);
  });

  it('prints text, and Markdown fit for a maintenance ticket', async () => {
    const text = await cli(['drain', 'w1', '--inventory', inv, state]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^ {2}the drain can proceed: 2 VM\(s\) on w1: 2 migrate, 0 blocked, 0 without room, 0 not running$/m);
    expect(text.out).toMatch(/^ {2}apps\/b +std +w1 +must run +migrates to w[23] \(one of 2 possible\)$/m);
    const md = await cli(['drain', 'w1', '--inventory', inv, state, '--format', 'markdown']);
    expect(md.out).toMatch(/^### Drain of `w1`$/m);
    expect(md.out).toMatch(/^✅ \*\*the drain can proceed/m);
    expect(md.out).toMatch(/^\| `apps\/a` \| std \| w1 \| AlwaysOn \| migrates \| `w[23]` \(1 of 2\) \|$/m);
    expect(md.out).toMatch(/^\| std \| 2 of 3 \|/m);
    expect(md.out).not.toMatch(/Before the window/);
  });
});

describe('a drain that leaves no room for a class', () => {
  // Class `small` has two nodes of 16Gi; each holds three VMs of 4Gi.
  const nodes: NodeSpec[] = [...WORKERS, { name: 's1', memory: '16Gi', labels: { pool: 'small' } }, { name: 's2', memory: '16Gi', labels: { pool: 'small' } }];
  const vms: LiveVm[] = ['s1', 's2'].flatMap((node) => [1, 2, 3].map((i) => ({ name: `${node}-vm-${i}`, namespace: 'batch', node, cls: 'small', cores: 1, memory: '4Gi' })));
  const inv = inventory(nodes, vms);
  const state = desired(vms, CLASS('small', { pool: 'small' }));

  it('reports DVP505 for each VM that must run and finds no room, and exits 1', async () => {
    const { code, plan } = await drain(['s1', '--inventory', inv, state]);
    const files = fromFiles(inv);
    const leaving = files.vmsOn('s1');
    const free = files.memoryOf('s2') - files.vmsOn('s2').reduce((s, v) => s + v.memory, 0n);
    const each = leaving[0]?.memory ?? 1n;
    const fit = Number(free / each);
    expect(fit).toBe(1);
    expect(plan.vms.filter((v) => v.outcome === 'migrates')).toHaveLength(fit);
    const stuck = plan.vms.filter((v) => v.outcome === 'no-room');
    expect(stuck).toHaveLength(leaving.length - fit);
    const dvp505 = plan.diagnostics.filter((d) => d.code === 'DVP505');
    expect(dvp505.map((d) => d.resource).sort()).toEqual(stuck.map((v) => `VirtualMachine/${v.vm.replace('/', '/')}`).sort());
    const src = readFileSync(join(state, 'state.yaml'), 'utf8').split('\n');
    for (const d of dvp505) {
      expect(d).toMatchObject({ severity: 'error', path: 'spec.virtualMachineClassName', file: join(state, 'state.yaml') });
      expect(src[d.line - 1]).toContain('virtualMachineClassName: small');
      expect(d.message).toMatch(/has nowhere to go after the drain: its 1 possible node\(s\) \(s2\) lack room for 1 cores and 4Gi/);
    }
    const small = plan.classes.find((c) => c.name === 'small');
    expect(small?.nodesAfter).toEqual(['s2']);
    expect(small?.freeMemory).toBe(Number(free - BigInt(fit) * each));
    expect(code).toBe(1);
  });

  it('fits when the class keeps room: draining a node of the other class', async () => {
    const { code, plan } = await drain(['w1', '--inventory', inv, state]);
    expect(plan.vms).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('a drain that blocks on a ReadWriteOnce VM in CE and passes in EE', () => {
  const vms: LiveVm[] = [{ name: 'db', namespace: 'data', node: 'w1', cls: 'std' }, { name: 'web', namespace: 'data', node: 'w1', cls: 'std' }];
  const inv = inventory(WORKERS, vms);
  const state = desired(vms, STD, (v) => (v.name === 'db' ? 'slow' : 'fast'));

  it('CE (assumed): DVP504 as an error on the RWO VM, the other still migrates, exit 1', async () => {
    const { code, plan } = await drain(['w1', '--inventory', inv, state]);
    expect(plan.edition).toMatchObject({ edition: 'CE', source: 'assumed' });
    const db = plan.vms.find((v) => v.vm === 'data/db');
    expect(db?.outcome).toBe('blocked');
    expect(db?.reasons.join(' ')).toMatch(/disk "db-root" is on StorageClass "slow", predicted ReadWriteOnce/);
    expect(plan.vms.find((v) => v.vm === 'data/web')?.outcome).toBe('migrates');
    expect(plan.diagnostics).toHaveLength(1);
    expect(plan.diagnostics[0]).toMatchObject({ code: 'DVP504', severity: 'error', resource: 'VirtualMachine/data/db', path: 'spec.blockDeviceRefs[0]' });
    expect(plan.diagnostics[0]?.message).toMatch(/runs on w1, which is drained, but cannot be live-migrated, so the drain blocks on it/);
    expect(code).toBe(1);
    const md = await cli(['drain', 'w1', '--inventory', inv, state, '--format', 'markdown']);
    expect(md.out).toMatch(/^❌ \*\*the drain blocks/m);
    expect(md.out).toMatch(/^- \[ \] `data\/db` \(must run\): BLOCKED: disk "db-root"/m);
  });

  it('EE: the RWO VM migrates, its disk copied, exit 0', async () => {
    const { code, plan } = await drain(['w1', '--inventory', inv, state, '--edition', 'EE']);
    expect(plan.edition).toMatchObject({ edition: 'EE', source: 'given' });
    const db = plan.vms.find((v) => v.vm === 'data/db');
    expect(db?.outcome).toBe('migrates');
    expect(db?.notes.join(' ')).toMatch(/outside CE the module copies it to the target node/);
    expect(plan.diagnostics).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('what the live cluster says, and VMs that need not run', () => {
  it('blocks on a VM the cluster reports not Migratable, quoting a short excerpt; a Manual VM blocks without failing the run', async () => {
    const long = 'x'.repeat(400);
    const vms: LiveVm[] = [
      { name: 'legacy', namespace: 'ops', node: 'w1', cls: 'std', migratable: { status: 'False', reason: 'VirtualMachineNonMigratable', message: `cannot migrate VMI: ${long}` } },
      { name: 'manual', namespace: 'ops', node: 'w1', cls: 'std', runPolicy: 'Manual', migratable: { status: 'False', reason: 'VirtualMachineNonMigratable' } },
    ];
    const inv = inventory(WORKERS, vms);
    const { code, plan } = await drain(['w1', '--inventory', inv, desired(vms, STD)]);
    const legacy = plan.vms.find((v) => v.vm === 'ops/legacy');
    expect(legacy?.outcome).toBe('blocked');
    expect(legacy?.reasons[0]).toMatch(/^the cluster reports Migratable=False \(VirtualMachineNonMigratable: cannot migrate VMI: x+\.\.\.\)$/);
    expect(legacy?.reasons[0]?.length).toBeLessThan(200);
    expect(plan.vms.find((v) => v.vm === 'ops/manual')).toMatchObject({ outcome: 'blocked', mustRun: false });
    expect(plan.diagnostics.map((d) => d.resource)).toEqual(['VirtualMachine/ops/legacy']);
    expect(plan.summary.blocks).toBe(true);
    expect(code).toBe(1);
  });
});

describe('without live VMs', () => {
  it('takes every VM that must run and whose class can place it on the node', async () => {
    const vms: LiveVm[] = [
      { name: 'a', namespace: 'apps', node: undefined, cls: 'std' },
      { name: 'b', namespace: 'apps', node: undefined, cls: 'std', runPolicy: 'Manual' },
      { name: 'p', namespace: 'apps', node: undefined, cls: 'pinned' },
    ];
    const inv = inventory([...WORKERS, { name: 'x1', labels: { pool: 'x' } }], undefined);
    const { code, plan } = await drain(['w1', '--inventory', inv, desired(vms, STD + CLASS('pinned', { pool: 'x' }))]);
    expect(plan.mode).toBe('predicted');
    expect(plan.vms.map((v) => `${v.vm} ${v.outcome}`)).toEqual(['apps/a migrates']);
    expect(plan.vms[0]?.node).toBeUndefined();
    expect(code).toBe(0);
  });
});

describe('usage', () => {
  const inv = inventory(WORKERS, []);
  it('exits 2 for a node not in the inventory, a missing inventory, or no node', async () => {
    const unknown = await cli(['drain', 'nope', '--inventory', inv]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/nope is neither a node of the inventory nor a PATH that exists/);
    expect((await cli(['drain', 'w1'])).code).toBe(2);
    expect((await cli(['drain', '--inventory', inv])).err).toMatch(/at least one NODE/);
    expect((await cli(['drain', 'w1', '--inventory', join(root, 'missing')])).code).toBe(2);
    expect((await cli(['drain', 'w1', '--inventory', inv, '--format', 'sarif'])).code).toBe(2);
    expect((await cli(['drain', '--help'])).out).toMatch(/^Usage: dvpc drain NODE\.\.\. --inventory DIR/);
  });
  it('reads the desired state from standard input given as -', async () => {
    const vms: LiveVm[] = [{ name: 'a', namespace: 'apps', node: 'w1', cls: 'std' }];
    const live = inventory(WORKERS, vms);
    const text = readFileSync(join(desired(vms, STD), 'state.yaml'), 'utf8');
    const r = await cli(['drain', 'w1', '--inventory', live, '-', '--format', 'json'], text);
    expect(r.err).toBe('');
    const plan = JSON.parse(r.out) as Plan;
    expect(plan.vms.map((v) => [v.vm, v.outcome])).toEqual([['apps/a', 'migrates']]);
  });
  it('is a usage error for PATHs that hold several clusters: a drain is of one cluster', async () => {
    const two = writeFiles(join(root, 'two-clusters'), {
      'prod/cluster/kustomization.yaml': 'resources: []\n',
      'stage/cluster/kustomization.yaml': 'resources: []\n',
    });
    const r = await cli(['drain', 'w1', '--inventory', inv, two]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/hold 2 clusters \(prod, stage\).*give that cluster's folder/);
  });
  it('reads a file that is not YAML as DVP001 and exits 1, without a stack trace', async () => {
    const bad = writeFiles(join(root, 'bad'), { 'broken.yaml': 'kind: [\n' });
    const r = await cli(['drain', 'w1', '--inventory', inv, bad]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/error DVP001/);
    expect(r.out + r.err).not.toMatch(/\n\s+at /);
  });
});

describe('the example fleet and the typed API', () => {
  it('the README shows the real drain of a prod worker', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const m = /<!-- generated by `dvpc drain prod-worker-3 --inventory stacks\/prod\/inventory dist\/prod`[^\n]*\n```\n\$ npx dvpc drain [^\n]*\n([\s\S]*?)```/.exec(readme);
    expect(m, 'README drain example').not.toBeNull();
    const r = await cli(['drain', 'prod-worker-3', '--inventory', 'stacks/prod/inventory', 'dist/prod']);
    expect(r.code).toBe(0);
    expect(m?.[1]).toBe(r.out);
    // Every VM the live inventory places on the worker is there, and migrates.
    for (const v of fromFiles('stacks/prod/inventory').vmsOn('prod-worker-3')) expect(r.out).toMatch(new RegExp(`^  ${v.key} .* migrates to prod-worker-[0-24-7] `, 'm'));
  });

  it('planDrain on the synthesized model says what the command line says', async () => {
    const { default: fleet } = await import('../stacks/main.ts');
    const { synthesize, planDrain, drainJson } = await import('../lib/index.ts');
    const result = synthesize(fleet(), { dryRun: true });
    const prod = result.clusters.find((c) => c.cluster === 'prod');
    expect(prod).toBeDefined();
    const plan = planDrain(prod!.model, ['prod-worker-3']);
    const viaCli = await drain(['prod-worker-3', '--inventory', 'stacks/prod/inventory', 'dist/prod']);
    const typed = JSON.parse(drainJson(plan)) as Plan;
    expect(typed.vms).toEqual(viaCli.plan.vms);
    expect(typed.classes).toEqual(viaCli.plan.classes);
  });
});

describe('migration policies', () => {
  it('notes AutoConverge for a forced policy, and the ModuleConfig\'s system-migration-policy overrides the VM\'s (an invalid value is ignored)', async () => {
    const vms: LiveVm[] = [{ name: 'a', namespace: 'apps', node: 'w1', cls: 'std' }];
    const module = (policy: string) => `---
apiVersion: deckhouse.io/v1alpha1
kind: ModuleConfig
metadata:
  name: virtualization
  annotations: {virtualization.deckhouse.io/system-migration-policy: ${policy}}
spec:
  enabled: true
  version: 1
  settings:
    dvcr: {storage: {type: PersistentVolumeClaim, persistentVolumeClaim: {size: 10Gi, storageClassName: fast}}}
    virtualMachineCIDRs: [10.66.0.0/16]
`;
    const inv = inventory(WORKERS, vms);
    const notes = async (policy: string) => (await drain(['w1', '--inventory', inv, desired(vms, STD + module(policy))])).plan.vms[0]?.notes ?? [];
    expect(await notes('AlwaysForced')).toEqual([expect.stringMatching(/^liveMigrationPolicy AlwaysForced \(the ModuleConfig's system-migration-policy\): AutoConverge throttles the guest's CPU/)]);
    expect(await notes('NotAPolicy')).toEqual([]);
    expect(await notes('AlwaysSafe')).toEqual([]);
  });
});
