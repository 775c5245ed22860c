/**
 * Less noise (issue 10): DVP503 once per class naming its VMs, DVP405 once per Secret naming its
 * VMs, Secrets managed outside git (Provisioning.externalSecret, External Secrets, Vault) are no
 * DVP405 at all, and capacity figures in units people read.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cpu, Project, Provisioning, VirtualMachine, VirtualMachineClass } from '../lib/index.ts';
import { synthesize } from '../lib/synth.ts';
import { FIXTURE_INVENTORY, checkFiles, lineOf, withDocs } from './check-helpers.ts';
import { cleanup, render, tempDir, testCluster } from './helpers.ts';

const VM = (name: string, extra: { secret?: string; annotations?: Record<string, string>; runPolicy?: string } = {}) => [
  'apiVersion: virtualization.deckhouse.io/v1alpha2',
  'kind: VirtualMachine',
  'metadata:',
  `  name: ${name}`,
  '  namespace: apps',
  ...(extra.annotations ? ['  annotations:', ...Object.entries(extra.annotations).map(([k, v]) => `    ${k}: "${v}"`)] : []),
  'spec:',
  '  virtualMachineClassName: std',
  `  runPolicy: ${extra.runPolicy ?? 'AlwaysOn'}`,
  '  cpu:',
  '    cores: 1',
  '    coreFraction: 10%',
  '  memory:',
  '    size: 1Gi',
  '  blockDeviceRefs:',
  '    - kind: ClusterVirtualImage',
  '      name: ubuntu',
  ...(extra.secret ? ['  provisioning:', '    type: UserDataRef', '    userDataRef:', '      kind: Secret', `      name: ${extra.secret}`] : []),
].join('\n');

/** The fixture inventory with the worker NodeGroup's fencing removed (and an optional node edit). */
function unfenced(editNodes: (t: string) => string = (t) => t): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'nodes.yaml'), editNodes(readFileSync(join(FIXTURE_INVENTORY, 'nodes.yaml'), 'utf8')));
  writeFileSync(join(dir, 'storage.yaml'), readFileSync(join(FIXTURE_INVENTORY, 'storage.yaml'), 'utf8'));
  writeFileSync(join(dir, 'cluster.yaml'), readFileSync(join(FIXTURE_INVENTORY, 'cluster.yaml'), 'utf8').replace('  fencing:\n    mode: Watchdog\n', '  nodeType: Static\n'));
  return dir;
}

describe('DVP503 once per class, naming its VMs', () => {
  const vms = Array.from({ length: 7 }, (_, i) => VM(`vm-${i}`));

  it('one warning on the class for seven VMs that must run, naming five and counting the rest', () => {
    const inv = unfenced();
    const text = withDocs(...vms, VM('stopped', { runPolicy: 'Manual' }));
    const found = checkFiles({ 'a.yaml': text }, { inventory: inv }).diagnostics.filter((d) => d.code === 'DVP503');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'warning', resource: 'VirtualMachineClass/std', path: 'spec', line: lineOf(text, 'name: std') + 1 });
    // web (in BASE) and vm-0..vm-6 must run; the Manual VM does not.
    expect(found[0]?.message).toBe('8 VM(s) that must run (apps/vm-0, apps/vm-1, apps/vm-2, apps/vm-3, apps/vm-4 and 3 more) are placed by class "std" only on NodeGroups without fencing (worker): if a node fails, ColdStandby will not restart them elsewhere');
    // The nearest correct input: the NodeGroup has fencing.
    expect(checkFiles({ 'a.yaml': text }).codes()).not.toContain('DVP503');
    cleanup(inv);
  });

  it('a VM that acknowledges DVP503 itself leaves the group and is counted as acknowledged', () => {
    const inv = unfenced();
    const run = checkFiles({ 'a.yaml': withDocs(VM('quiet', { annotations: { 'dvpc/allow': 'DVP503' } }), ...vms.slice(0, 2)) }, { inventory: inv });
    const found = run.diagnostics.filter((d) => d.code === 'DVP503');
    expect(found.map((d) => d.resource)).toEqual(['VirtualMachineClass/std']);
    expect(found[0]?.message).toMatch(/^3 VM\(s\) that must run \(apps\/vm-0, apps\/vm-1, apps\/web\)/);
    expect(run.report.summary.acknowledged).toBe(1);
    cleanup(inv);
  });
});

describe('DVP405 once per Secret, naming its VMs', () => {
  it('one warning per missing Secret, on the first VM that names it', () => {
    const text = withDocs(VM('a-1', { secret: 'shared-init' }), VM('a-2', { secret: 'shared-init' }), VM('a-3', { secret: 'shared-init' }), VM('b-1', { secret: 'other-init' }));
    const found = checkFiles({ 'a.yaml': text }, { inventory: null }).diagnostics.filter((d) => d.code === 'DVP405');
    expect(found.map((d) => [d.resource, d.path, d.message])).toEqual([
      ['VirtualMachine/apps/a-1', 'spec.provisioning.userDataRef.name', 'Secret "shared-init" is not in the manifests (namespace apps); 3 VMs name it (apps/a-1, apps/a-2, apps/a-3) and wait for it'],
      ['VirtualMachine/apps/b-1', 'spec.provisioning.userDataRef.name', 'Secret "other-init" is not in the manifests (namespace apps); the VM waits for it'],
    ]);
    expect(found[0]?.line).toBe(lineOf(text, 'name: shared-init'));
  });

  it('no DVP405 for a Secret made by External Secrets, Vault or Sealed Secrets in the manifests', () => {
    const makers = [
      'apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: from-vault\n  namespace: apps\nspec:\n  target:\n    name: shared-init',
      'apiVersion: secrets.hashicorp.com/v1beta1\nkind: VaultStaticSecret\nmetadata:\n  name: x\n  namespace: apps\nspec:\n  destination:\n    name: shared-init',
      'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: shared-init\n  namespace: apps',
    ];
    for (const maker of makers) {
      expect(checkFiles({ 'a.yaml': withDocs(VM('a-1', { secret: 'shared-init' }), maker) }, { inventory: null }).codes(), maker).not.toContain('DVP405');
      // The same maker in another namespace makes another Secret.
      expect(checkFiles({ 'a.yaml': withDocs(VM('a-1', { secret: 'shared-init' }), maker.replace('namespace: apps', 'namespace: elsewhere')) }, { inventory: null }).codes()).toContain('DVP405');
    }
  });

  it('no DVP405 for a VM annotated dvpc/external-secret with that Secret\'s name', () => {
    const run = (name: string) => checkFiles({ 'a.yaml': withDocs(VM('a-1', { secret: 'shared-init', annotations: { 'dvpc/external-secret': name } })) }, { inventory: null }).codes();
    expect(run('shared-init')).not.toContain('DVP405');
    expect(run('another-secret')).toContain('DVP405');
  });

  it('Provisioning.externalSecret renders the ref and the annotation, and synth reports nothing', () => {
    const make = (provisioning: Provisioning) => {
      const { app, cluster } = testCluster();
      const cls = new VirtualMachineClass(cluster, 'std', { cpu: Cpu.discovery(), sizingPolicies: [{ cores: { min: 1, max: 4 }, coreFractions: [100] }] });
      const project = new Project(cluster, 'apps');
      for (const n of ['a', 'b']) new VirtualMachine(project, n, { vmClass: cls, cores: 1, memory: '1Gi', disks: [{ name: 'root', size: '1Gi' }], provisioning });
      return app;
    };
    const { result, objects } = render(make(Provisioning.externalSecret('vault-init')));
    const vm = objects.find((o) => o['kind'] === 'VirtualMachine') as { metadata: { annotations: Record<string, string> }; spec: { provisioning: unknown } };
    expect(vm.spec.provisioning).toEqual({ type: 'UserDataRef', userDataRef: { kind: 'Secret', name: 'vault-init' } });
    expect(vm.metadata.annotations['dvpc/external-secret']).toBe('vault-init');
    expect(result.clusters[0]?.report.diagnostics).toEqual([]);
    const sysprep = render(make(Provisioning.externalSecret('answers', { sysprep: true }))).objects.find((o) => o['kind'] === 'VirtualMachine') as { spec: { provisioning: unknown } };
    expect(sysprep.spec.provisioning).toEqual({ type: 'SysprepRef', sysprepRef: { kind: 'Secret', name: 'answers' } });
    // The nearest incorrect input: the same Secret named without saying it is managed elsewhere.
    const plain = synthesize(make(Provisioning.userDataSecret('vault-init')), { dryRun: true, outdir: join(tempDir(), 'o') }).clusters[0]?.report.diagnostics;
    expect(plain?.map((d) => [d.code, d.resource])).toEqual([['DVP405', 'VirtualMachine/apps/a']]);
    expect(plain?.[0]?.message).toMatch(/2 VMs name it \(apps\/a, apps\/b\)/);
  });
});

describe('capacity messages in units people read', () => {
  it('DVP501 shows two nodes of 263847352Ki as 503.2Gi beside their cores', () => {
    const inv = unfenced((t) => t.replaceAll('cpu: "16"\n      memory: 64Gi', 'cpu: 47910m\n      memory: 263847352Ki'));
    const big = Array.from({ length: 3 }, (_, i) => VM(`big-${i}`).replace('cores: 1\n    coreFraction: 10%', 'cores: 16\n    coreFraction: 100%').replace('size: 1Gi', 'size: 64Gi').replace('std', 'free'));
    const free = 'apiVersion: virtualization.deckhouse.io/v1alpha3\nkind: VirtualMachineClass\nmetadata:\n  name: free\nspec:\n  cpu:\n    type: Host\n  nodeSelector:\n    matchLabels:\n      node.deckhouse.io/group: worker';
    const d = checkFiles({ 'a.yaml': withDocs(free, ...big, VM('big-3').replace('cores: 1\n    coreFraction: 10%', 'cores: 48\n    coreFraction: 100%').replace('std', 'free')) }, { inventory: inv }).diagnostics.find((x) => x.code === 'DVP501');
    expect(d?.message).toMatch(/its 2 available node\(s\) hold 95\.82 cores and 503\.2Gi$/);
    expect(d?.message).not.toMatch(/\d{4,}(Ki|Mi)/);
    cleanup(inv);
  });
});

