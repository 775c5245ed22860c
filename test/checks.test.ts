/**
 * Every code of the checker: a minimal input that makes it fire (with its severity, file, line
 * and field), and the nearest correct input, which passes.
 */
import { describe, expect, it } from 'vitest';
import { BASE, checkFiles, expectCase, vmDoc as VM2, withDocs, type CheckCase } from './check-helpers.ts';

const edit = (from: string, to: string) => {
  if (!BASE.includes(from)) throw new Error(`not in BASE: ${from}`);
  return BASE.replace(from, to);
};

const FREE_CLASS = `apiVersion: virtualization.deckhouse.io/v1alpha3
kind: VirtualMachineClass
metadata:
  name: free
spec:
  cpu:
    type: Host`;

const cases: CheckCase[] = [
  // Schema and form
  { code: 'DVP002', name: 'an unknown field', bad: edit('    cores: 2\n', '    cores: 2\n    sockets: 2\n'), at: 'sockets: 2', path: 'spec.cpu.sockets', resource: 'VirtualMachine/apps/web' },
  { code: 'DVP002', name: 'a CEL rule (Host with discovery)', bad: edit('    type: Discovery\n', '    type: Host\n'), at: '  cpu:\n'.trim(), path: 'spec.cpu', resource: 'VirtualMachineClass/std' },
  { code: 'DVP007', name: 'a version of a kind dvpc does not model', bad: edit('apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualDisk', 'apiVersion: virtualization.deckhouse.io/v1alpha3\nkind: VirtualDisk'), at: 'apiVersion: virtualization.deckhouse.io/v1alpha3', path: 'apiVersion', severity: 'warning' },
  { code: 'DVP003', name: 'a class named like the seed (cpuX)', bad: edit('  name: std\n', '  name: cpuX\n').replace('virtualMachineClassName: std', 'virtualMachineClassName: cpuX'), at: 'name: cpuX', path: 'metadata.name', resource: 'VirtualMachineClass/cpuX' },
  { code: 'DVP003', name: 'a dot in a disk name', bad: BASE.replaceAll('web-root', 'web.root'), good: BASE.replaceAll('web-root', 'web-root2'), at: 'name: web.root', path: 'metadata.name' },
  { code: 'DVP003', name: 'a kubevirt.io label on a VM', bad: edit('  name: web\n  namespace: apps\n', '  name: web\n  namespace: apps\n  labels:\n    vm.kubevirt.io/name: web\n'), at: 'vm.kubevirt.io/name', path: 'metadata.labels.vm.kubevirt.io/name' },
  { code: 'DVP003', name: 'a VM name over 63 characters', bad: edit('  name: web\n', `  name: ${'w'.repeat(64)}\n`), at: `name: ${'w'.repeat(64)}`, path: 'metadata.name' },
  { code: 'DVP004', name: 'an object defined twice', bad: withDocs('apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualDisk\nmetadata:\n  name: web-root # the second one\n  namespace: apps\nspec:\n  persistentVolumeClaim:\n    size: 1Gi'), at: 'the second one', path: 'metadata.name' },
  { code: 'DVP005', name: "the seed's allowedStorageClassNames", bad: edit('      allowedStorageClassSelector:\n        matchNames:\n          - fast\n          - slow\n', '      allowedStorageClassNames:\n        - fast\n        - slow\n'), at: 'allowedStorageClassNames', path: 'spec.settings.virtualDisks.allowedStorageClassNames' },
  { code: 'DVP005', name: "the seed's liveMigration.bandwidthPerNode", bad: edit('    virtualImages:\n', '    liveMigration:\n      bandwidthPerNode: 64Mi\n    virtualImages:\n'), at: 'bandwidthPerNode', path: 'spec.settings.liveMigration.bandwidthPerNode' },
  // Network
  { code: 'DVP101', name: 'an unaligned CIDR', bad: edit('- 10.66.20.0/24', '- 10.66.20.1/24'), at: '10.66.20.1/24', path: 'spec.settings.virtualMachineCIDRs[1]' },
  { code: 'DVP101', name: 'a CIDR that does not parse', bad: edit('- 10.66.20.0/24', '- 10.66.20.0/33'), at: '10.66.20.0/33', path: 'spec.settings.virtualMachineCIDRs[1]' },
  { code: 'DVP101', name: 'an IPv6 CIDR (the IPAM is IPv4 only)', bad: edit('- 10.66.20.0/24', '- fd00:10::/64'), at: 'fd00:10::/64', path: 'spec.settings.virtualMachineCIDRs[1]' },
  { code: 'DVP102', name: 'overlapping CIDRs', bad: edit('- 10.66.20.0/24', '- 10.66.10.128/25'), good: edit('- 10.66.20.0/24', '- 10.66.11.0/25'), at: '10.66.10.128/25', path: 'spec.settings.virtualMachineCIDRs[1]' },
  { code: 'DVP103', name: 'a CIDR over the pod subnet', bad: edit('- 10.66.20.0/24', '- 10.111.5.0/24'), at: '10.111.5.0/24', path: 'spec.settings.virtualMachineCIDRs[1]' },
  { code: 'DVP103', name: "a CIDR holding a node's address", bad: edit('- 10.66.20.0/24', '- 192.168.1.16/28'), at: '192.168.1.16/28' },
  { code: 'DVP104', name: 'a static IP in no CIDR', bad: edit('staticIP: 10.66.10.10', 'staticIP: 10.77.0.10'), at: 'staticIP: 10.77.0.10', path: 'spec.staticIP', resource: 'VirtualMachineIPAddress/apps/web-ip' },
  { code: 'DVP104', name: 'a static IP that is not IPv4', bad: edit('staticIP: 10.66.10.10', 'staticIP: 10.66.10.300'), at: 'staticIP: 10.66.10.300' },
  { code: 'DVP104', name: 'Auto with a staticIP', bad: edit('  type: Static\n', '  type: Auto\n'), at: 'staticIP: 10.66.10.10' },
  { code: 'DVP105', name: 'the last address of a CIDR', bad: edit('staticIP: 10.66.10.10', 'staticIP: 10.66.10.255'), good: edit('staticIP: 10.66.10.10', 'staticIP: 10.66.10.254'), at: 'staticIP: 10.66.10.255' },
  { code: 'DVP105', name: 'the first address of a CIDR', bad: edit('staticIP: 10.66.10.10', 'staticIP: 10.66.20.0'), good: edit('staticIP: 10.66.10.10', 'staticIP: 10.66.20.1'), at: 'staticIP: 10.66.20.0' },
  { code: 'DVP106', name: 'two claims on one address', bad: withDocs('apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualMachineIPAddress\nmetadata:\n  name: zz-other\n  namespace: apps\nspec:\n  type: Static\n  staticIP: 10.66.10.10 # again'), at: '10.66.10.10 # again', resource: 'VirtualMachineIPAddress/apps/zz-other' },
  { code: 'DVP106', name: 'an address leased to another claim', bad: edit('staticIP: 10.66.10.10', 'staticIP: 10.66.10.50'), good: edit('staticIP: 10.66.10.10', 'staticIP: 10.66.10.60'), at: 'staticIP: 10.66.10.50' },
  { code: 'DVP107', name: 'a CIDR with a lease removed', bad: edit('      - 10.66.10.0/24\n', '').replace('10.66.10.10', '10.66.20.10'), at: 'virtualMachineCIDRs:' },
  { code: 'DVP108', name: 'an address claim without CIDRs', bad: edit('    virtualMachineCIDRs:\n      - 10.66.10.0/24\n      - 10.66.20.0/24\n', '').replace('10.66.10.0/24', 'x'), good: edit('    virtualMachineCIDRs:\n      - 10.66.10.0/24\n      - 10.66.20.0/24\n', '').replace(/---\napiVersion: virtualization.deckhouse.io\/v1alpha2\nkind: VirtualMachineIPAddress[\s\S]*?staticIP: 10.66.10.10\n/, '').replace('  virtualMachineIPAddressName: web-ip\n', '  networks:\n    - type: Network\n      name: office\n'), at: 'virtualMachineIPAddressName: web-ip', inventory: null },
  // Classes and sizing
  { code: 'DVP201', name: 'a missing class', bad: edit('virtualMachineClassName: std', 'virtualMachineClassName: nonesuch'), good: edit('virtualMachineClassName: std', 'virtualMachineClassName: std'), at: 'virtualMachineClassName: nonesuch', path: 'spec.virtualMachineClassName' },
  { code: 'DVP202', name: 'cores in no policy', bad: withDocs(VM2('big').replace('cores: 1', 'cores: 18').replace('coreFraction: 10%', 'coreFraction: 100%').replace('size: 1Gi', 'size: 36Gi')), at: 'cores: 18', path: 'spec.cpu.cores' },
  { code: 'DVP202', name: 'cores off the step', bad: withDocs(VM2('six').replace('cores: 1', 'cores: 6').replace('coreFraction: 10%', 'coreFraction: 50%').replace('size: 1Gi', 'size: 12Gi')), good: withDocs(VM2('seven').replace('cores: 1', 'cores: 7').replace('coreFraction: 10%', 'coreFraction: 50%').replace('size: 1Gi', 'size: 14Gi')), at: 'cores: 6' },
  { code: 'DVP203', name: 'memory out of range', bad: edit('size: 4Gi', 'size: 9Gi'), at: 'size: 9Gi', path: 'spec.memory.size' },
  { code: 'DVP203', name: 'memory off the step', bad: edit('size: 4Gi', 'size: 4300Mi'), good: edit('size: 4Gi', 'size: 4608Mi'), at: 'size: 4300Mi' },
  { code: 'DVP203', name: 'memory outside perCore', bad: withDocs(VM2('p').replace('cores: 1', 'cores: 7').replace('coreFraction: 10%', 'coreFraction: 50%').replace('size: 1Gi', 'size: 30Gi')), good: withDocs(VM2('p').replace('cores: 1', 'cores: 7').replace('coreFraction: 10%', 'coreFraction: 50%').replace('size: 1Gi', 'size: 28Gi')), at: 'size: 30Gi' },
  { code: 'DVP204', name: 'a core fraction the policy does not allow', bad: edit('coreFraction: 50%', 'coreFraction: 20%'), at: 'coreFraction: 20%', path: 'spec.cpu.coreFraction' },
  { code: 'DVP204', name: 'no coreFraction and no default', bad: edit('      coreFractions: [10, 50, 100]\n', '      coreFractions: [10, 50]\n').replace('    coreFraction: 50%\n', ''), good: edit('      coreFractions: [10, 50, 100]\n', '      coreFractions: [10, 50]\n'), at: 'runPolicy: AlwaysOn', offset: 1, path: 'spec.cpu' },
  { code: 'DVP205', name: 'a policy enclosed by an earlier one', bad: edit('        min: 5\n        max: 16\n', '        min: 2\n        max: 3\n'), at: 'min: 2', offset: -1, path: 'spec.sizingPolicies[1].cores' },
  { code: 'DVP205', name: 'a default fraction not allowed', bad: edit('defaultCoreFraction: 50', 'defaultCoreFraction: 20'), at: 'defaultCoreFraction: 20' },
  { code: 'DVP205', name: 'two default classes', bad: withDocs(`${FREE_CLASS.replace('  name: free', '  name: free\n  annotations:\n    virtualmachineclass.virtualization.deckhouse.io/is-default-class: "true"')}`, `${FREE_CLASS.replace('  name: free', '  name: zfree\n  annotations:\n    virtualmachineclass.virtualization.deckhouse.io/is-default-class: "true" # second')}`), at: '# second', resource: 'VirtualMachineClass/zfree' },
  { code: 'DVP205', name: 'a default annotation other than "true"', bad: withDocs(FREE_CLASS.replace('  name: free', '  name: free\n  annotations:\n    virtualmachineclass.virtualization.deckhouse.io/is-default-class: "yes"')), at: 'is-default-class' },
  { code: 'DVP207', name: 'an odd core count over 16', bad: withDocs(FREE_CLASS, VM2('odd').replace('std', 'free').replace('cores: 1', 'cores: 17')), good: withDocs(FREE_CLASS, VM2('even').replace('std', 'free').replace('cores: 1', 'cores: 18')), at: 'cores: 17', path: 'spec.cpu.cores' },
  { code: 'DVP207', name: 'more than 248 cores', bad: withDocs(FREE_CLASS, VM2('huge').replace('std', 'free').replace('cores: 1', 'cores: 256')), good: withDocs(FREE_CLASS, VM2('huge').replace('std', 'free').replace('cores: 1', 'cores: 248')), at: 'cores: 256' },
  // Storage
  { code: 'DVP301', name: 'a disk on a StorageClass the module does not allow', bad: edit('    storageClassName: fast\n  dataSource', '    storageClassName: local-path\n  dataSource'), good: edit('    storageClassName: fast\n  dataSource', '    storageClassName: slow\n  dataSource'), at: 'storageClassName: local-path', path: 'spec.persistentVolumeClaim.storageClassName' },
  { code: 'DVP302', name: 'a StorageClass missing from the inventory', bad: edit('          storageClassName: fast\n', '          storageClassName: rv-thin-r1\n'), at: 'storageClassName: rv-thin-r1', path: 'spec.settings.dvcr.storage.persistentVolumeClaim.storageClassName' },
  { code: 'DVP303', name: 'a default outside its own allowed list', bad: edit('          - fast\n          - slow\n', '          - slow\n'), at: 'defaultStorageClassName: fast', path: 'spec.settings.virtualDisks.defaultStorageClassName' },
  { code: 'DVP304', name: 'no StorageClass can be resolved', bad: edit('    storageClassName: fast\n  dataSource', '  dataSource').replace('      defaultStorageClassName: fast\n      allowedStorageClassSelector', '      allowedStorageClassSelector'), good: BASE, at: 'name: web-root', offset: 2, path: 'spec', inventory: 'test/fixtures/inventory-no-default' },
  { code: 'DVP305', name: 'a blank disk without a size', bad: withDocs('apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualDisk\nmetadata:\n  name: blank\n  namespace: apps\nspec:\n  persistentVolumeClaim:\n    storageClassName: fast'), good: withDocs('apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualDisk\nmetadata:\n  name: blank\n  namespace: apps\nspec:\n  persistentVolumeClaim:\n    storageClassName: fast\n    size: 1Gi'), at: 'name: blank', offset: 2, path: 'spec' },
  { code: 'DVP305', name: 'a zero size', bad: edit('size: 20Gi', 'size: "0"'), at: 'size: "0"' },
  { code: 'DVP306', name: 'a deprecated StorageClass', bad: edit('    virtualDisks:\n      defaultStorageClassName: fast\n      allowedStorageClassSelector:\n        matchNames:\n          - fast\n          - slow\n', '').replace('    storageClassName: fast\n  dataSource', '    storageClassName: local-path\n  dataSource'), at: 'storageClassName: local-path' },
  // References
  { code: 'DVP401', name: 'a VM on a missing disk', bad: edit('      name: web-root\n  virtualMachineIPAddressName', '      name: web-rot\n  virtualMachineIPAddressName'), at: 'name: web-rot', path: 'spec.blockDeviceRefs[0].name' },
  { code: 'DVP401', name: 'a VM on a missing ISO', bad: withDocs(VM2('iso').replace('name: ubuntu', 'name: virtio-iso')), at: 'name: virtio-iso' },
  { code: 'DVP402', name: 'one disk in two VMs', bad: withDocs(VM2('zweb').replace('kind: ClusterVirtualImage\n      name: ubuntu', 'kind: VirtualDisk\n      name: web-root # shared')), at: 'web-root # shared', resource: 'VirtualMachine/apps/zweb' },
  { code: 'DVP403', name: 'a disk from a missing image', bad: edit('      kind: ClusterVirtualImage\n      name: ubuntu', '      kind: VirtualImage\n      name: ubuntu-24-04'), at: 'name: ubuntu-24-04', path: 'spec.dataSource.objectRef.name' },
  { code: 'DVP404', name: 'a VM on a missing address claim', bad: edit('virtualMachineIPAddressName: web-ip', 'virtualMachineIPAddressName: web-ipx'), at: 'virtualMachineIPAddressName: web-ipx' },
  { code: 'DVP404', name: 'two VMs on one address claim', bad: withDocs(VM2('zz', '  virtualMachineIPAddressName: web-ip # same claim')), at: '# same claim', resource: 'VirtualMachine/apps/zz' },
  { code: 'DVP405', name: 'a cloud-init Secret not in the manifests', bad: edit('      name: web-init\n', '      name: web-init-missing\n'), at: 'name: web-init-missing', severity: 'warning' },
  { code: 'DVP406', name: 'a block device listed twice', bad: edit('      name: web-root\n  virtualMachineIPAddressName', '      name: web-root\n    - kind: VirtualDisk # again\n      name: web-root\n  virtualMachineIPAddressName'), at: '# again', path: 'spec.blockDeviceRefs[1]' },
  { code: 'DVP406', name: 'more than 16 block devices with attachments', bad: withDocs(...Array.from({ length: 16 }, (_, i) => `apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualMachineBlockDeviceAttachment\nmetadata:\n  name: att-${i}\n  namespace: apps\nspec:\n  virtualMachineName: web\n  blockDeviceRef:\n    kind: ClusterVirtualImage\n    name: ubuntu`)), good: withDocs(...Array.from({ length: 15 }, (_, i) => `apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualMachineBlockDeviceAttachment\nmetadata:\n  name: att-${i}\n  namespace: apps\nspec:\n  virtualMachineName: web\n  blockDeviceRef:\n    kind: ClusterVirtualImage\n    name: ubuntu`)), at: 'blockDeviceRefs:' },
  { code: 'DVP406', name: 'a one-shot operation in GitOps', bad: withDocs('apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualMachineOperation\nmetadata:\n  generateName: restart-web-\n  namespace: apps\nspec:\n  type: Restart\n  virtualMachineName: web'), at: 'kind: VirtualMachineOperation', severity: 'warning', resource: 'VirtualMachineOperation/apps/restart-web-*' },
  // Secrets and supply
  { code: 'DVP701', name: 'a private key in a Secret', bad: edit('  userData: |\n', '  id_rsa: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n    b3BlbnNzaC1rZXktdjEAAAAA\n    -----END OPENSSH PRIVATE KEY-----\n  userData: |\n'), at: 'id_rsa: |', path: 'stringData.id_rsa' },
  { code: 'DVP701', name: 'a clear password in cloud-init', bad: edit('      - name: ops\n', '      - name: ops\n        plain_text_passwd: hunter2\n'), at: 'userData: |', path: 'stringData.userData' },
  { code: 'DVP701', name: 'a credential Secret', bad: withDocs('apiVersion: v1\nkind: Secret\nmetadata:\n  name: registry\n  namespace: apps\ntype: kubernetes.io/basic-auth\nstringData:\n  username: admin\n  password: hunter2'), at: 'type: kubernetes.io/basic-auth' },
  { code: 'DVP702', name: 'plain http without a checksum', bad: edit('url: https://cloud-images.example.com/noble.img', 'url: http://cloud-images.example.com/noble.img'), good: edit('url: https://cloud-images.example.com/noble.img', `url: http://cloud-images.example.com/noble.img\n      checksum:\n        sha256: ${'a'.repeat(64)}`), at: 'url: http://', severity: 'warning' },
  { code: 'DVP703', name: 'user data that is not cloud-init', bad: withDocs(VM2('raw', '  provisioning:\n    type: UserData\n    userData: "hello: world"')), good: withDocs(VM2('raw', '  provisioning:\n    type: UserData\n    userData: "#cloud-config\\nhello: world"')), at: 'userData: "hello', severity: 'warning' },
  { code: 'DVP704', name: 'a password hash in cloud-init', bad: edit('      - name: ops\n', '      - name: ops\n        passwd: "$6$rounds=4096$salt$hash"\n'), at: 'userData: |', severity: 'warning' },
];

describe('every code fires on its minimal input and not on the nearest correct one', () => {
  it('the base state passes with no diagnostic at all', () => {
    const run = checkFiles({ 'state.yaml': BASE });
    expect(run.diagnostics).toEqual([]);
  });

  it.each(cases)('$code: $name', (c) => expectCase(c, BASE));
});

describe('a specific code replaces the general DVP002 (SPEC §6)', () => {
  it('17 block devices in a VM\'s own list are DVP406, and the VM is still checked', () => {
    const images = Array.from({ length: 16 }, (_, i) => `apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: ClusterVirtualImage\nmetadata:\n  name: img-${i}\nspec:\n  dataSource:\n    type: Upload`);
    const refs = Array.from({ length: 16 }, (_, i) => `    - kind: ClusterVirtualImage\n      name: img-${i}`).join('\n');
    const bad = withDocs(...images).replace('      name: web-root\n  virtualMachineIPAddressName', `      name: web-root\n${refs}\n  virtualMachineIPAddressName`);
    const run = checkFiles({ 'state.yaml': bad });
    expect(run.codes()).toEqual(['DVP406']);
    expect(run.diagnostics[0]).toMatchObject({ resource: 'VirtualMachine/apps/web', path: 'spec.blockDeviceRefs', message: expect.stringMatching(/17 block devices/) });
    // With one of them gone, nothing: the nearest correct input.
    expect(checkFiles({ 'state.yaml': bad.replace('    - kind: ClusterVirtualImage\n      name: img-15\n', '') }).codes()).toEqual([]);
  });
});

describe('the DVP001 file diagnostics', () => {
  it('reports a file that is not YAML with its line, and checks the rest', () => {
    const run = checkFiles({ 'broken.yaml': 'apiVersion: v1\nkind: [unclosed\n', 'state.yaml': BASE });
    const d = run.diagnostics.find((x) => x.code === 'DVP001');
    expect(d?.file).toMatch(/broken\.yaml$/);
    expect(d?.line).toBeGreaterThan(0);
    expect(d?.resource).toBeUndefined();
    expect(run.codes()).toEqual(['DVP001']);
  });

  it('reports duplicate keys, as kubectl does', () => {
    const run = checkFiles({ 'dup.yaml': 'apiVersion: v1\nkind: Namespace\nkind: Namespace\nmetadata:\n  name: x\n' });
    expect(run.codes()).toEqual(['DVP001']);
  });
});

describe('--allow, --namespace and skipped checks', () => {
  it('turns allowed codes into warnings', () => {
    const bad = edit('virtualMachineClassName: std', 'virtualMachineClassName: nonesuch');
    const run = checkFiles({ 'state.yaml': bad }, { allow: ['DVP201'] });
    expect(run.diagnostics.map((d) => [d.code, d.severity])).toEqual([['DVP201', 'warning']]);
    expect(run.report.summary.errors).toBe(0);
  });

  it('places objects without a namespace in --namespace', () => {
    const noNs = BASE.replaceAll('  namespace: apps\n', '');
    const run = checkFiles({ 'state.yaml': noNs }, { namespace: 'apps' });
    expect(run.diagnostics).toEqual([]);
    const other = checkFiles({ 'state.yaml': noNs.replace('kind: Namespace\nmetadata:\n  name: apps', 'kind: Namespace\nmetadata:\n  name: default') });
    expect(other.diagnostics).toEqual([]);
  });

  it('lists the codes skipped for lack of an inventory or a baseline', () => {
    const run = checkFiles({ 'state.yaml': BASE }, { inventory: null });
    expect(run.report.summary.skipped).toEqual(expect.arrayContaining(['DVP103', 'DVP206', 'DVP302', 'DVP501', 'DVP601', 'DVP107']));
    const withInv = checkFiles({ 'state.yaml': BASE });
    expect(withInv.report.summary.skipped).not.toContain('DVP302');
    expect(withInv.report.summary.skipped).not.toContain('DVP107');
  });

  it('reports every error at once', () => {
    const bad = BASE.replace('virtualMachineClassName: std', 'virtualMachineClassName: nonesuch').replace('- 10.66.20.0/24', '- 10.66.10.128/25').replace('staticIP: 10.66.10.10', 'staticIP: 10.99.0.1');
    expect(new Set(checkFiles({ 'state.yaml': bad }).codes())).toEqual(new Set(['DVP201', 'DVP102', 'DVP104']));
  });
});
