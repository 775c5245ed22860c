/**
 * DVP504 and the edition: a VM that must run and cannot be live-migrated. Each case fires on its
 * minimal input (code, severity, file, line, resource, path) and not on the nearest correct one.
 * Expected reasons are read from the inventory files the test writes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE, FIXTURE_INVENTORY, lineOf, withDocs } from './check-helpers.ts';
import { cleanup, tempDir } from './helpers.ts';
import { cli, nodesYaml, objectsIn, storageClassYaml, writeFiles, type NodeSpec } from './maint-helpers.ts';

const root = tempDir('dvpc-migration-');
afterAll(() => cleanup(root));

const WORKERS: NodeSpec[] = [
  { name: 'cp-0', controlPlane: true, model: 'IvyBridge' },
  { name: 'worker-a1', model: 'IvyBridge' },
  { name: 'worker-a2', model: 'IvyBridge' },
  { name: 'worker-b1', model: 'Cascadelake-Server' },
  { name: 'worker-b2', model: 'Cascadelake-Server' },
];

let n = 0;
/** An inventory of WORKERS (or others), `fast` on Ceph RBD and `slow` on a provisioner the module does not know. */
function inventory(extra: Record<string, string> = {}, nodes: NodeSpec[] = WORKERS): string {
  const dir = writeFiles(join(root, `inv-${n++}`), {
    'nodes.yaml': nodesYaml(nodes),
    'storage.yaml': storageClassYaml('fast', 'rbd.csi.ceph.com', { 'storageclass.kubernetes.io/is-default-class': 'true' }) + storageClassYaml('slow', 'csi.slow.example'),
    ...extra,
  });
  copyFileSync(join(FIXTURE_INVENTORY, 'cluster.yaml'), join(dir, 'cluster.yaml'));
  return dir;
}

interface JsonDiagnostic { code: string; severity: string; message: string; file: string; line: number; resource: string; path: string }

async function check(text: string, inv: string, ...flags: string[]): Promise<{ code: number; diagnostics: JsonDiagnostic[]; file: string }> {
  const file = join(writeFiles(join(root, `state-${n++}`), { 'state.yaml': text }), 'state.yaml');
  const r = await cli(['check', file, '--inventory', inv, '--format', 'json', ...flags]);
  return { code: r.code, diagnostics: (JSON.parse(r.out) as { diagnostics: JsonDiagnostic[] }).diagnostics, file };
}

const dvp504 = (ds: JsonDiagnostic[]) => ds.filter((d) => d.code === 'DVP504');

/** BASE with the web VM's disk on `slow`. */
const RWO_STATE = BASE.replace('    size: 20Gi\n    storageClassName: fast', '    size: 20Gi\n    storageClassName: slow');

describe('DVP504: ReadWriteOnce disks in the Community Edition', () => {
  it('fires on a VM that must run with a disk whose predicted access mode is RWO, the edition assumed and said so', async () => {
    const inv = inventory();
    // Expected from the files: slow's provisioner is not in the module's table, so RWO (UPSTREAM-MIGRATION §1.3).
    const slow = objectsIn(inv).find((o) => o['kind'] === 'StorageClass' && (o['metadata'] as { name: string }).name === 'slow') as { provisioner: string };
    expect(slow.provisioner).toBe('csi.slow.example');
    const r = await check(RWO_STATE, inv);
    const [d, ...rest] = dvp504(r.diagnostics);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: 'warning', resource: 'VirtualMachine/apps/web', path: 'spec.blockDeviceRefs[0]', file: r.file, line: lineOf(RWO_STATE, '- kind: VirtualDisk') });
    expect(d?.message).toMatch(/disk "web-root" is on StorageClass "slow", predicted ReadWriteOnce \(controller default for an unknown provisioner\), and the Community Edition \(assumed: .*\) live-migrates only VMs whose disks and images are all ReadWriteMany/);
    expect(r.code).toBe(0);
  });

  it('does not fire with --edition EE, nor on ReadWriteMany storage, nor for a VM that need not run', async () => {
    const inv = inventory();
    expect(dvp504((await check(RWO_STATE, inv, '--edition', 'EE')).diagnostics)).toEqual([]);
    expect(dvp504((await check(BASE, inv)).diagnostics)).toEqual([]);
    expect(dvp504((await check(RWO_STATE.replace('runPolicy: AlwaysOn', 'runPolicy: Manual'), inv)).diagnostics)).toEqual([]);
  });

  it('takes the edition from the module\'s webhooks in the inventory', async () => {
    const hooks = (names: string[]) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: virtualization-controller-admission-webhook
webhooks:
${names.map((w) => `- name: ${w}\n  sideEffects: None`).join('\n')}
`;
    const ee = inventory({ 'webhooks.yaml': hooks(['vm.virtualization-controller.validate.d8-virtualization', 'vmpool.virtualization-controller.validate.d8-virtualization']) });
    expect(dvp504((await check(RWO_STATE, ee)).diagnostics)).toEqual([]);
    const ce = inventory({ 'webhooks.yaml': hooks(['vm.virtualization-controller.validate.d8-virtualization']) });
    const [d] = dvp504((await check(RWO_STATE, ce)).diagnostics);
    expect(d?.message).toMatch(/the Community Edition \(inferred: ValidatingWebhookConfiguration\/virtualization-controller-admission-webhook has no VirtualMachinePool webhook/);
  });

  it('takes the edition from a live VM\'s Migratable reason, and --edition wins over it', async () => {
    const vm = (reason: string, status: string) => `apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachine
metadata: {name: other, namespace: apps}
spec:
  virtualMachineClassName: std
  cpu: {cores: 1}
  memory: {size: 1Gi}
  blockDeviceRefs: [{kind: VirtualDisk, name: other-root}]
status:
  phase: Running
  nodeName: worker-a1
  conditions:
  - {type: Migratable, status: "${status}", reason: ${reason}, message: "", lastTransitionTime: "2026-11-01T00:00:00Z"}
`;
    const ee = inventory({ 'vms.yaml': vm('VirtualMachineDisksShouldBeMigrating', 'True') });
    expect(dvp504((await check(RWO_STATE, ee)).diagnostics)).toEqual([]);
    expect(dvp504((await check(RWO_STATE, ee, '--edition', 'CE')).diagnostics)).toHaveLength(1);
    const ce = inventory({ 'vms.yaml': vm('VirtualMachineDisksNotMigratable', 'False') });
    expect(dvp504((await check(RWO_STATE, ce)).diagnostics)[0]?.message).toMatch(/\(inferred: VirtualMachine\/apps\/other is not Migratable with reason VirtualMachineDisksNotMigratable/);
  });

  it('reports many VMs of one class with one reason once, naming them', async () => {
    const more = [2, 3, 4].map((i) => `apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualDisk
metadata: {name: web-${i}-root, namespace: apps}
spec:
  persistentVolumeClaim: {size: 20Gi, storageClassName: slow}
---
apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachine
metadata: {name: web-${i}, namespace: apps}
spec:
  virtualMachineClassName: std
  runPolicy: AlwaysOnUnlessStoppedManually
  cpu: {cores: 1, coreFraction: 10%}
  memory: {size: 1Gi}
  blockDeviceRefs: [{kind: VirtualDisk, name: web-${i}-root}]`);
    const r = await check(withDocs(...more), inventory());
    const ds = dvp504(r.diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]?.resource).toBe('VirtualMachine/apps/web-2');
    expect(ds[0]?.message).toMatch(/^3 VMs of class "std" that must run cannot be live-migrated, .*a disk on StorageClass "slow".* \(apps\/web-2, apps\/web-3, apps\/web-4\)$/);
  });
});

describe('DVP504: CPU, devices and placement', () => {
  const hostClass = (type: string, selector: string) => BASE.replace(`  cpu:
    type: Discovery
    discovery:
      nodeSelector:
        matchLabels:
          node.deckhouse.io/group: worker
  nodeSelector:
    matchLabels:
      node.deckhouse.io/group: worker`, `  cpu:
    type: ${type}
  nodeSelector:
    matchLabels:
      ${selector}`);

  it('fires for a host-passthrough class whose VM nodes have two CPU models', async () => {
    const inv = inventory();
    // Expected from the nodes file: the workers' host-model labels.
    const models = new Set(objectsIn(inv).filter((o) => o['kind'] === 'Node' && !(o['metadata'] as { name: string }).name.startsWith('cp-'))
      .flatMap((o) => Object.keys((o['metadata'] as { labels: Record<string, string> }).labels).filter((k) => k.startsWith('host-model-cpu.')).map((k) => k.split('/')[1])));
    expect(models.size).toBe(2);
    const text = hostClass('HostPassthrough', 'node.deckhouse.io/group: worker');
    const r = await check(text, inv);
    const [d, ...rest] = dvp504(r.diagnostics);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: 'warning', resource: 'VirtualMachine/apps/web', path: 'spec.virtualMachineClassName', line: lineOf(text, 'virtualMachineClassName: std') });
    expect(d?.message).toContain(`class "std" is HostPassthrough and its VM nodes have ${models.size} CPU models (`);
    for (const m of models) expect(d?.message).toContain(String(m));
  });

  it('does not fire when the host-passthrough class keeps to one model, nor for Host (KubeVirt keeps host-model VMs on their model)', async () => {
    const inv = inventory();
    expect(dvp504((await check(hostClass('HostPassthrough', 'host-model-cpu.node.virtualization.deckhouse.io/IvyBridge: "true"'), inv)).diagnostics)).toEqual([]);
    expect(dvp504((await check(hostClass('Host', 'node.deckhouse.io/group: worker'), inv)).diagnostics)).toEqual([]);
  });

  it('fires for a Host class where no two VM nodes share a model, and for a VM pinned to one node', async () => {
    const inv = inventory({}, [{ name: 'w-a', model: 'IvyBridge' }, { name: 'w-b', model: 'Cascadelake-Server' }]);
    const [host] = dvp504((await check(hostClass('Host', 'node.deckhouse.io/group: worker'), inv)).diagnostics);
    expect(host?.message).toMatch(/class "std" is Host and no two of its VM nodes share a CPU model/);
    const pinned = BASE.replace('  runPolicy: AlwaysOn\n', '  runPolicy: AlwaysOn\n  nodeSelector:\n    kubernetes.io/hostname: worker-a1\n');
    const [pin] = dvp504((await check(pinned, inventory())).diagnostics);
    expect(pin).toMatchObject({ path: 'spec.virtualMachineClassName' });
    expect(pin?.message).toMatch(/it can run on one node only \(worker-a1\)/);
    expect(dvp504((await check(BASE, inventory())).diagnostics)).toEqual([]);
  });

  it('fires for a VM with a GPU', async () => {
    const text = BASE.replace('  runPolicy: AlwaysOn\n', '  runPolicy: AlwaysOn\n  gpus:\n  - gpuClassName: a100\n');
    const [d] = dvp504((await check(text, inventory())).diagnostics);
    expect(d).toMatchObject({ path: 'spec.gpus', line: lineOf(text, 'gpus:') });
    expect(d?.message).toMatch(/it has 1 GPU\(s\) \(a100\); host devices \(GPU\) are not live-migratable/);
  });

  it('is skipped without an inventory', async () => {
    const file = join(writeFiles(join(root, 'no-inv'), { 's.yaml': RWO_STATE }), 's.yaml');
    const r = await cli(['check', file, '--format', 'json']);
    const report = JSON.parse(r.out) as { diagnostics: JsonDiagnostic[]; summary: { skipped: string[] } };
    expect(dvp504(report.diagnostics)).toEqual([]);
    expect(report.summary.skipped).toContain('DVP504');
  });

  it('rejects an unknown --edition as a usage error', async () => {
    const r = await cli(['check', FIXTURE_INVENTORY, '--edition', 'XE']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--edition must be CE or EE, not "XE"/);
  });
});

describe('dvpc classes --format text: migration domains', () => {
  it('shows, per class, the VM nodes its VMs can move among, read from the nodes file', async () => {
    const r = await cli(['classes', '--inventory', 'stacks/lab/inventory', '--group-by', 'group', '--format', 'text']);
    expect(r.code).toBe(0);
    const nodes = objectsIn('stacks/lab/inventory').filter((o) => o['kind'] === 'Node') as { metadata: { name: string; labels: Record<string, string> }; spec?: { taints?: unknown[] } }[];
    const vmNodes = nodes.filter((x) => !(x.spec?.taints?.length));
    for (const group of ['blue', 'green']) {
      const expected = vmNodes.filter((x) => x.metadata.labels['group'] === group).map((x) => x.metadata.name).sort();
      expect(expected.length).toBeGreaterThan(1);
      const part = r.out.split(/^class /m).find((p) => p.includes(`(group=${group})`));
      expect(part).toMatch(new RegExp(`^ {2}migration domain: ${expected.join(', ')}$`, 'm'));
    }
    const universal = r.out.split(/^class /m).find((p) => p.startsWith('universal'));
    expect(universal).toMatch(new RegExp(`^ {2}migration domain: ${vmNodes.map((x) => x.metadata.name).sort().join(', ')}$`, 'm'));
  });

  it('says when a class has one VM node and so no domain', async () => {
    const inv = inventory({}, [{ name: 'only', model: 'IvyBridge' }]);
    const r = await cli(['classes', '--inventory', inv, '--format', 'text']);
    expect(r.out).toMatch(/^ {2}migration domain: none: 1 VM node, VMs of the class cannot live-migrate$/m);
  });
});

describe('the edition in the typed API', () => {
  it('the Cluster edition decides for RWO disks; synth --edition fills in for clusters that set none', async () => {
    const { App } = await import('cdk8s');
    const { Cluster, Cpu, Project, VirtualMachine, VirtualMachineClass } = await import('../lib/index.ts');
    const { synthesize } = await import('../lib/synth.ts');
    const build = (edition?: 'CE' | 'EE') => {
      const app = new App();
      const cluster = new Cluster(app, 'c', { inventory: FIXTURE_INVENTORY, ...(edition ? { edition } : {}) });
      const workers = { matchLabels: { 'node.deckhouse.io/group': 'worker' } };
      const std = new VirtualMachineClass(cluster, 'std', { cpu: Cpu.discovery(workers), nodeSelector: workers });
      new VirtualMachine(new Project(cluster, 'apps'), 'db', { vmClass: std, cores: 1, memory: '1Gi', runPolicy: 'AlwaysOn', disks: [{ name: 'root', size: '10Gi', storageClassName: 'slow' }] });
      return app;
    };
    const dvp504 = (app: InstanceType<typeof App>, edition?: 'CE' | 'EE') => synthesize(app, { dryRun: true, ...(edition ? { edition } : {}) }).clusters.flatMap((c) => c.report.diagnostics).filter((d) => d.code === 'DVP504');
    const ce = dvp504(build('CE'));
    expect(ce).toHaveLength(1);
    expect(ce[0]).toMatchObject({ severity: 'warning', resource: 'VirtualMachine/apps/db', path: 'spec.blockDeviceRefs[0]', constructPath: 'c/apps/db' });
    expect(ce[0]?.message).toMatch(/the Community Edition \(given by the Cluster edition or --edition\)/);
    expect(dvp504(build('EE'))).toEqual([]);
    expect(dvp504(build(), 'EE')).toEqual([]);
    expect(dvp504(build('CE'), 'EE')).toHaveLength(1);
    expect(dvp504(build())[0]?.message).toMatch(/\(assumed: /);
  });
});
