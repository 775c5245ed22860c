/**
 * `dvpc inventory capture` against a fake kubectl (test/fixtures/capture/bin/kubectl) that prints
 * outputs recorded as kubectl prints them: one stable file per kind, noise stripped, the cluster
 * configuration decoded, a kind the cluster lacks skipped with a note, a failing kubectl a clear
 * error that leaves the folder as it was.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { loadInventory } from '../lib/inventory/load.ts';
import { absentKind } from '../lib/inventory/capture.ts';
import { cleanup, readTree, tempDir } from './helpers.ts';
import { dvpc, REPO } from './run-cli.ts';

const FIXTURES = join(REPO, 'test', 'fixtures', 'capture');
const dirs: string[] = [];
afterAll(() => dirs.forEach(cleanup));
function scratch(): string {
  const d = tempDir('dvpc-capture-');
  dirs.push(d);
  return d;
}

/** `dvpc inventory capture ARGS` with the fake kubectl first on PATH. */
function capture(args: string[], env: Record<string, string> = {}) {
  const log = join(scratch(), 'kubectl.log');
  const r = dvpc(['inventory', 'capture', ...args], {
    env: { ...process.env, PATH: `${join(FIXTURES, 'bin')}${delimiter}${process.env['PATH'] ?? ''}`, FAKE_KUBECTL_CLUSTER: join(FIXTURES, 'cluster'), FAKE_KUBECTL_LOG: log, ...env },
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]) : [];
  return { ...r, calls };
}

describe('dvpc inventory capture', () => {
  const dir = scratch();
  const out = join(dir, 'inventory');
  mkdirSync(out);
  writeFileSync(join(out, 'README.md'), '# how we capture\n');
  writeFileSync(join(out, 'storageprofiles.yaml'), '# from a capture when the cluster still had them\n');
  const first = capture(['--out', out, '--context', 'lab-admin', '--kubeconfig', join(FIXTURES, 'cluster', 'index.json')]);

  it('writes one file per kind the cluster has, and keeps the folder\'s other files', () => {
    expect(first.stderr).toMatch(/captured into .*: nodes\.yaml \(2\), storageclasses\.yaml \(2\), nodegroups\.yaml \(2\), cluster-configuration\.yaml \(1\), static-cluster-configuration\.yaml \(1\), virtualmachineclasses\.yaml \(1\), virtualmachineipaddressleases\.yaml \(2\), moduleconfig\.yaml \(1\), virtualmachines\.yaml \(2\), admission-webhooks\.yaml \(1\)/);
    expect(first.status).toBe(0);
    expect([...readTree(out).keys()]).toEqual([
      'README.md', 'admission-webhooks.yaml', 'cluster-configuration.yaml', 'moduleconfig.yaml', 'nodegroups.yaml', 'nodes.yaml', 'static-cluster-configuration.yaml',
      'storageclasses.yaml', 'virtualmachineclasses.yaml', 'virtualmachineipaddressleases.yaml', 'virtualmachines.yaml',
    ]);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toBe('# how we capture\n');
  });

  it('skips a kind the cluster does not have, with a note, and drops its stale file', () => {
    expect(first.stderr).toMatch(/^dvpc: skipped StorageProfiles: the cluster has no such resource type$/m);
    expect(existsSync(join(out, 'storageprofiles.yaml'))).toBe(false);
  });

  it('passes --context and --kubeconfig to every kubectl call, and lists every kind of SPEC §3', () => {
    expect(first.calls).toHaveLength(11);
    for (const call of first.calls) expect(call.slice(0, 4)).toEqual(['--kubeconfig', join(FIXTURES, 'cluster', 'index.json'), '--context', 'lab-admin']);
    expect(first.calls.map((c) => c.slice(4, -2).join(' '))).toEqual([
      'get nodes', 'get storageclasses.storage.k8s.io', 'get storageprofiles.storage.virtualization.deckhouse.io', 'get nodegroups.deckhouse.io',
      '-n kube-system get secret d8-cluster-configuration', '-n kube-system get secret d8-static-cluster-configuration',
      'get virtualmachineclasses.virtualization.deckhouse.io', 'get virtualmachineipaddressleases.virtualization.deckhouse.io',
      'get moduleconfigs.deckhouse.io virtualization', 'get virtualmachines.virtualization.deckhouse.io --all-namespaces',
      'get validatingwebhookconfigurations.admissionregistration.k8s.io virtualization-controller-admission-webhook',
    ]);
  });

  it('strips managedFields and the noise, keeping the status fields the checks read', () => {
    const all = [...readTree(out)].filter(([f]) => f !== 'README.md').map(([, t]) => t).join('\n');
    expect(all).not.toMatch(/^\s+uid:/m);
    for (const noise of ['managedFields', 'resourceVersion', 'creationTimestamp', 'lastHeartbeatTime', 'lastTransitionTime', 'last-applied', 'images:', 'nodeInfo', 'observedGeneration', 'finalizers', 'configuration-checksum', 'podCIDR', 'generation', 'caBundle', 'clientConfig']) {
      expect(all, noise).not.toContain(noise);
    }
    const nodes = readFileSync(join(out, 'nodes.yaml'), 'utf8');
    expect(nodes).toMatch(/allocatable:\n {4}cpu: 15800m\n/);
    expect(nodes).toContain('address: "192.168.100.11"');
    const vms = readFileSync(join(out, 'virtualmachines.yaml'), 'utf8');
    // Of the conditions only Migratable, without its time: DVP504 and drain read it.
    expect(vms).toMatch(/status:\n {2}conditions:\n {2}- message: ""\n {4}reason: VirtualMachineMigratable\n {4}status: "True"\n {4}type: Migratable\n {2}nodeName: w-1\n {2}phase: Running\n/);
    expect(vms.match(/type: /g)).toHaveLength(1);
    expect(readFileSync(join(out, 'admission-webhooks.yaml'), 'utf8')).toMatch(/webhooks:\n- name: vd\.virtualization-controller\.validate\.d8-virtualization\n- name: vm\.virtualization/);
    expect(readFileSync(join(out, 'virtualmachineipaddressleases.yaml'), 'utf8')).toMatch(/status:\n {2}phase: Released\n/);
  });

  it('decodes the cluster configuration Secrets, keeping only their network and version fields', () => {
    const config = readFileSync(join(out, 'cluster-configuration.yaml'), 'utf8');
    expect(config).toContain('kind: ClusterConfiguration\n');
    expect(config).toContain('podSubnetCIDR: 10.111.0.0/16\n');
    expect(config).not.toMatch(/proxy|s3cret|kind: Secret|data:/);
    expect(readFileSync(join(out, 'static-cluster-configuration.yaml'), 'utf8')).toMatch(/kind: StaticClusterConfiguration\ninternalNetworkCIDRs:\n- 192\.168\.100\.0\/24\n/);
  });

  it('writes an inventory the checks read as the cluster', () => {
    const inv = loadInventory(out);
    expect(inv.diagnostics).toEqual([]);
    expect(inv.nodes.map((n) => n.name)).toEqual(['cp-0', 'w-1']);
    expect(inv.nodes[0]?.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', value: undefined, effect: 'NoSchedule' }]);
    expect(inv.podSubnetCIDR).toBe('10.111.0.0/16');
    expect(inv.serviceSubnetCIDR).toBe('10.222.0.0/16');
    expect(inv.nodeNetworks).toEqual(['192.168.100.0/24']);
    expect([...inv.storageClasses.values()].filter((c) => c.isDefault).map((c) => c.name)).toEqual(['sds-r1']);
    expect(inv.nodeGroups.get('worker')?.fencingMode).toBe('Watchdog');
    expect(inv.leases.map((l) => [l.ip, l.released])).toEqual([['10.66.10.14', false], ['10.66.10.20', true]]);
    expect(inv.moduleConfig?.name).toBe('virtualization');
    expect(inv.classes.map((c) => c.name)).toEqual(['generic']);
    // Where VMs run and whether they can move, and the edition the webhooks show (no pool webhook: CE).
    expect(inv.virtualMachines?.map((v) => [v.name, v.nodeName, v.migratable?.status])).toEqual([['db-1', 'cp-0', undefined], ['linux-vm', 'w-1', 'True']]);
    expect(inv.editionSignals.map((s) => s.edition)).toEqual(['CE']);
  });

  it('changes no byte when the unchanged cluster is captured again minutes later', () => {
    const before = readTree(out);
    const again = capture(['--out', out, '--context', 'lab-admin'], { FAKE_KUBECTL_LATER: '1' });
    expect(again.status).toBe(0);
    expect(readTree(out)).toEqual(before);
  });

  it('leaves the folder as it was when kubectl fails, and says what failed', () => {
    const before = readTree(out);
    const failed = capture(['--out', out], { FAKE_KUBECTL_FAIL: 'virtualmachineclasses' });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/^dvpc: kubectl get virtualmachineclasses\.virtualization\.deckhouse\.io failed: The connection to the server 127\.0\.0\.1:6443 was refused/m);
    expect(failed.stderr).toMatch(/was left as it was/);
    expect(readTree(out)).toEqual(before);
  });

  it('is a usage error without --out (exit 2), and a setup error without kubectl (exit 2)', () => {
    expect(capture([]).status).toBe(2);
    const none = dvpc(['inventory', 'capture', '--out', join(scratch(), 'x')], { env: { ...process.env, PATH: join(scratch(), 'empty') } });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/setup error: kubectl is not installed/);
    expect(dvpc(['inventory', 'frobnicate']).status).toBe(2);
  });

  it('tells a kind the cluster lacks from a failure', () => {
    expect(absentKind('Error from server (NotFound): secrets "d8-static-cluster-configuration" not found')).toBeDefined();
    expect(absentKind('error: the server doesn\'t have a resource type "storageprofiles"')).toBeDefined();
    expect(absentKind('Error from server (Forbidden): secrets is forbidden: User "dev" cannot list resource')).toBeUndefined();
  });
});
