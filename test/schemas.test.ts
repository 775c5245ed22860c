/** The zod schemas: a valid object of every kind passes; every rule, CEL rule included, fails on its own. */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  clusterVirtualImage, virtualImage, virtualDisk, virtualMachineClassV1alpha2, virtualMachineClassV1alpha3,
  virtualMachine, virtualMachineIPAddress, virtualMachineBlockDeviceAttachment, moduleConfig, virtualMachineOperation,
} from '../lib/schema/index.ts';
import { schemaProblems } from '../lib/schema/issues.ts';

const G = 'virtualization.deckhouse.io/v1alpha2';
const G3 = 'virtualization.deckhouse.io/v1alpha3';

/** Deep-merges a patch into a copy (null deletes a key). */
function patch<T>(base: T, p: unknown): T {
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return p as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(p)) {
    if (v === null) delete out[k];
    else out[k] = typeof v === 'object' && !Array.isArray(v) && typeof out[k] === 'object' ? patch(out[k], v) : v;
  }
  return out as T;
}

function messages(schema: z.ZodType, obj: unknown): string[] {
  const r = schema.safeParse(obj);
  return r.success ? [] : schemaProblems(r.error, obj).map((p) => `${p.path.join('.')}: ${p.message}`);
}

const cvi = { apiVersion: G, kind: 'ClusterVirtualImage', metadata: { name: 'ubuntu' }, spec: { dataSource: { type: 'HTTP', http: { url: 'https://example.com/disk.img' } } } };
const vi = { apiVersion: G, kind: 'VirtualImage', metadata: { name: 'img', namespace: 'p' }, spec: { storage: 'ContainerRegistry', dataSource: { type: 'ObjectRef', objectRef: { kind: 'ClusterVirtualImage', name: 'ubuntu' } } } };
const vd = { apiVersion: G, kind: 'VirtualDisk', metadata: { name: 'root', namespace: 'p' }, spec: { persistentVolumeClaim: { size: '10Gi', storageClassName: 'sc' }, dataSource: { type: 'ObjectRef', objectRef: { kind: 'VirtualImage', name: 'img' } } } };
const cls2 = { apiVersion: G, kind: 'VirtualMachineClass', metadata: { name: 'c' }, spec: { cpu: { type: 'Discovery', discovery: {} }, sizingPolicies: [{ cores: { min: 1, max: 4, step: 1 }, memory: { min: '1Gi', max: '8Gi', step: '512Mi', perCore: { min: '1Gi', max: '2Gi' } }, coreFractions: [5, 100], defaultCoreFraction: 5, dedicatedCores: [false] }] } };
const cls3 = { apiVersion: G3, kind: 'VirtualMachineClass', metadata: { name: 'c' }, spec: { cpu: { type: 'Host' }, sizingPolicies: [{ cores: { min: 1, max: 4 }, coreFractions: ['5%', '100%'], defaultCoreFraction: 'Auto' }] } };
const vm = { apiVersion: G, kind: 'VirtualMachine', metadata: { name: 'vm', namespace: 'p' }, spec: { virtualMachineClassName: 'generic', cpu: { cores: 2, coreFraction: '10%' }, memory: { size: '2Gi' }, blockDeviceRefs: [{ kind: 'VirtualDisk', name: 'root' }] } };
const vmip = { apiVersion: G, kind: 'VirtualMachineIPAddress', metadata: { name: 'ip', namespace: 'p' }, spec: { type: 'Static', staticIP: '10.0.0.5' } };
const vmbda = { apiVersion: G, kind: 'VirtualMachineBlockDeviceAttachment', metadata: { name: 'a', namespace: 'p' }, spec: { virtualMachineName: 'vm', blockDeviceRef: { kind: 'VirtualDisk', name: 'data' } } };
const vmop = { apiVersion: G, kind: 'VirtualMachineOperation', metadata: { generateName: 'clone-', namespace: 'p' }, spec: { type: 'Clone', virtualMachineName: 'vm', clone: { mode: 'Strict', nameReplacement: [{ from: { kind: 'VirtualMachine', name: 'vm' }, to: 'vm-copy' }] } } };
const mc = { apiVersion: 'deckhouse.io/v1alpha1', kind: 'ModuleConfig', metadata: { name: 'virtualization' }, spec: { enabled: true, version: 1, settings: { dvcr: { storage: { type: 'PersistentVolumeClaim', persistentVolumeClaim: { size: '50G', storageClassName: 'sc' } } }, virtualMachineCIDRs: ['10.66.10.0/24'] } } };

describe('valid objects of every kind pass', () => {
  it.each([
    ['ClusterVirtualImage', clusterVirtualImage, cvi],
    ['VirtualImage', virtualImage, vi],
    ['VirtualDisk', virtualDisk, vd],
    ['VirtualMachineClass v1alpha2', virtualMachineClassV1alpha2, cls2],
    ['VirtualMachineClass v1alpha3', virtualMachineClassV1alpha3, cls3],
    ['VirtualMachine', virtualMachine, vm],
    ['VirtualMachineIPAddress', virtualMachineIPAddress, vmip],
    ['VirtualMachineBlockDeviceAttachment', virtualMachineBlockDeviceAttachment, vmbda],
    ['ModuleConfig', moduleConfig, mc],
    ['VirtualMachineOperation', virtualMachineOperation, vmop],
  ] as const)('%s', (_name, schema, obj) => {
    expect(messages(schema, obj)).toEqual([]);
  });

  it('applies the CRD defaults', () => {
    const parsed = virtualMachine.parse(vm);
    expect(parsed.spec.runPolicy).toBe('AlwaysOnUnlessStoppedManually');
    expect(parsed.spec.osType).toBe('Generic');
    expect(parsed.spec.bootloader).toBe('BIOS');
    expect(parsed.spec.terminationGracePeriodSeconds).toBe(60);
    expect(virtualImage.parse(patch(vi, { spec: { storage: null } })).spec.storage).toBe('ContainerRegistry');
  });
});

describe('each rule fails on its own, with its meaning', () => {
  const cases: [string, z.ZodType, unknown, RegExp][] = [
    // strictness, types, enums, patterns, bounds
    ['unknown field', virtualMachine, patch(vm, { spec: { cpus: 2 } }), /unknown field "cpus"/],
    ['missing required field', virtualMachine, patch(vm, { spec: { memory: null } }), /required field "memory"/],
    ['wrong type', virtualMachine, patch(vm, { spec: { cpu: { cores: 'two' } } }), /expected an integer|expected a number/],
    ['bad enum', virtualMachine, patch(vm, { spec: { runPolicy: 'Always' } }), /"Always" is not allowed/],
    ['bad pattern', virtualMachine, patch(vm, { spec: { memory: { size: '4GB' } } }), /not a Kubernetes quantity/],
    ['coreFraction pattern', virtualMachine, patch(vm, { spec: { cpu: { coreFraction: '150%' } } }), /percentage/],
    ['minimum', virtualMachine, patch(vm, { spec: { cpu: { cores: 0 } } }), /below the minimum 1/],
    ['no block devices', virtualMachine, patch(vm, { spec: { blockDeviceRefs: [] } }), /at least 1/],
    ['http url pattern', clusterVirtualImage, patch(cvi, { spec: { dataSource: { http: { url: 'ftp://x/y' } } } }), /http/],
    ['container image pattern', clusterVirtualImage, { ...cvi, spec: { dataSource: { type: 'ContainerImage', containerImage: { image: 'Bad Image!' } } } }, /container image/],
    ['checksum length', clusterVirtualImage, patch(cvi, { spec: { dataSource: { http: { checksum: { sha256: 'abc' } } } } }), /64 hexadecimal/],
    ['class cores max bound', virtualMachineClassV1alpha2, patch(cls2, { spec: { sizingPolicies: [{ cores: { min: 1, max: 2000 } }] } }), /above the maximum 1024/],
    ['at most 16 policies', virtualMachineClassV1alpha2, patch(cls2, { spec: { sizingPolicies: Array.from({ length: 17 }, (_, i) => ({ cores: { min: i * 2 + 1, max: i * 2 + 2 } })) } }), /at most 16/],
    ['v1alpha3 fractions are percentages', virtualMachineClassV1alpha3, patch(cls3, { spec: { sizingPolicies: [{ cores: { min: 1, max: 4 }, coreFractions: [5] }] } }), /expected a string/],
    ['settings are strict', moduleConfig, patch(mc, { spec: { settings: { somethingInConfig: true } } }), /unknown field "somethingInConfig"/],
    ['dvcr is required', moduleConfig, patch(mc, { spec: { settings: { dvcr: null } } }), /required field "dvcr"/],
    ['dvcr type is required by the module', moduleConfig, patch(mc, { spec: { settings: { dvcr: { storage: { type: null } } } } }), /dvcr.storage.type is required/],
    ['CIDR list minItems', moduleConfig, patch(mc, { spec: { settings: { virtualMachineCIDRs: [] } } }), /at least 1/],
    ['settings need version 1', moduleConfig, patch(mc, { spec: { version: 2 } }), /version 2 is unknown/],
    ['allowedStorageClassSelector not empty', moduleConfig, patch(mc, { spec: { settings: { virtualDisks: { allowedStorageClassSelector: {} } } } }), /must not be empty/],
    ['liveMigration network oneOf', moduleConfig, patch(mc, { spec: { settings: { liveMigration: { network: { type: 'SystemNetwork' } } } } }), /both type and systemNetwork/],
    ['provisioning oneOf', virtualMachine, patch(vm, { spec: { provisioning: { type: 'UserData', userDataRef: { name: 's' } } } }), /requires userData/],
    ['VMIP type enum', virtualMachineIPAddress, patch(vmip, { spec: { type: 'Manual' } }), /not allowed/],
    ['VMBDA needs a VM', virtualMachineBlockDeviceAttachment, patch(vmbda, { spec: { virtualMachineName: null } }), /required field "virtualMachineName"/],
    ['disk objectRef cannot be a disk', virtualDisk, patch(vd, { spec: { dataSource: { objectRef: { kind: 'VirtualDisk' } } } }), /"VirtualDisk" is not allowed/],
    // CEL rules of the CRDs, with their own messages
    ['CEL: HTTP needs http', clusterVirtualImage, { ...cvi, spec: { dataSource: { type: 'HTTP' } } }, /HTTP requires http and cannot have ContainerImage, ObjectRef or Upload/],
    ['CEL: HTTP excludes objectRef', clusterVirtualImage, patch(cvi, { spec: { dataSource: { objectRef: { kind: 'ClusterVirtualImage', name: 'x' } } } }), /HTTP requires http/],
    ['CEL: ContainerImage', virtualImage, { ...vi, spec: { dataSource: { type: 'ContainerImage', http: { url: 'https://x/y' } } } }, /ContainerImage requires containerImage/],
    ['CEL: ObjectRef', virtualDisk, { ...vd, spec: { dataSource: { type: 'ObjectRef' } } }, /ObjectRef requires objectRef/],
    ['CEL: Upload', virtualImage, { ...vi, spec: { dataSource: { type: 'Upload', http: { url: 'https://x/y' } } } }, /Upload cannot have HTTP, ContainerImage or ObjectRef/],
    ['CEL: type is dereferenced', virtualImage, { ...vi, spec: { dataSource: { http: { url: 'https://x/y' } } } }, /type is required/],
    ['CEL: CVI objectRef namespace', clusterVirtualImage, { ...cvi, spec: { dataSource: { type: 'ObjectRef', objectRef: { kind: 'VirtualDisk', name: 'd' } } } }, /The namespace is required for VirtualDisk, VirtualImage and VirtualDiskSnapshot/],
    ['CEL: CVI objectRef namespace length', clusterVirtualImage, { ...cvi, spec: { dataSource: { type: 'ObjectRef', objectRef: { kind: 'VirtualImage', name: 'i', namespace: 'n'.repeat(64) } } } }, /no longer than 63/],
    ['CEL: Host has no discovery', virtualMachineClassV1alpha2, patch(cls2, { spec: { cpu: { type: 'Host' } } }), /HostPassthrough and Host cannot have model, features or discovery/],
    ['CEL: Discovery has no model', virtualMachineClassV1alpha3, patch(cls3, { spec: { cpu: { type: 'Discovery', model: 'IvyBridge' } } }), /Discovery cannot have model or features/],
    ['CEL: Model needs model', virtualMachineClassV1alpha3, patch(cls3, { spec: { cpu: { type: 'Model' } } }), /Model requires model/],
    ['CEL: Features needs features', virtualMachineClassV1alpha3, patch(cls3, { spec: { cpu: { type: 'Features', model: 'X' } } }), /Features requires features/],
    ['CEL: cores max > min', virtualMachineClassV1alpha2, patch(cls2, { spec: { sizingPolicies: [{ cores: { min: 4, max: 4 } }] } }), /The maximum must be greater than the minimum/],
    ['CEL: cores max > step', virtualMachineClassV1alpha2, patch(cls2, { spec: { sizingPolicies: [{ cores: { min: 1, max: 4, step: 4 } }] } }), /The maximum must be greater than the step/],
    ['CEL: v1alpha2 defaultCoreFraction', virtualMachineClassV1alpha2, patch(cls2, { spec: { sizingPolicies: [{ cores: { min: 1, max: 4 }, defaultCoreFraction: 'Half' }] } }), /number from 1 to 100, or 'Auto'/],
    ['CEL: v1alpha2 defaultCoreFraction range', virtualMachineClassV1alpha2, patch(cls2, { spec: { sizingPolicies: [{ cores: { min: 1, max: 4 }, defaultCoreFraction: 0 }] } }), /number from 1 to 100/],
    ['CEL: Legacy needs BIOS', virtualMachine, patch(vm, { spec: { osType: 'Legacy', bootloader: 'EFI' } }), /The Legacy osType requires the BIOS bootloader/],
    ['CEL: Legacy has no provisioning', virtualMachine, patch(vm, { spec: { osType: 'Legacy', provisioning: { type: 'UserData', userData: '#cloud-config\n' } } }), /does not support provisioning/],
    ['CEL: Legacy without virtio, at most 4 devices', virtualMachine, patch(vm, { spec: { osType: 'Legacy', enableParavirtualization: false, blockDeviceRefs: Array.from({ length: 5 }, (_, i) => ({ kind: 'VirtualDisk', name: `d${i}` })) } }), /at most 4 block devices/],
    ['CEL: a forced Start', virtualMachineOperation, { ...vmop, spec: { type: 'Start', virtualMachineName: 'vm', force: true } }, /The `Start` operation cannot be performed forcibly/],
    ['CEL: Restore needs restore', virtualMachineOperation, { ...vmop, spec: { type: 'Restore', virtualMachineName: 'vm' } }, /Restore requires restore field/],
    ['CEL: migrate only with Migrate', virtualMachineOperation, { ...vmop, spec: { type: 'Evict', virtualMachineName: 'vm', migrate: { nodeSelector: { a: 'b' } } } }, /spec.migrate can only be set when spec.type is 'Migrate'/],
    ['CEL: clone renames something', virtualMachineOperation, { ...vmop, spec: { type: 'Clone', virtualMachineName: 'vm', clone: { mode: 'Strict' } } }, /At least one of customization.namePrefix/],
    ['CEL: userData size', virtualMachine, patch(vm, { spec: { provisioning: { type: 'UserData', userData: `#cloud-config\n${'x'.repeat(2048)}` } } }), /exceeds 2048 byte limit/],
  ];
  it.each(cases)('%s', (_name, schema, obj, expected) => {
    const found = messages(schema, obj);
    expect(found.join('\n')).toMatch(expected);
  });

  it('the CEL rules accept their nearest valid input', () => {
    expect(messages(virtualMachine, patch(vm, { spec: { osType: 'Legacy', bootloader: 'BIOS', enableParavirtualization: false } }))).toEqual([]);
    expect(messages(virtualMachineClassV1alpha2, patch(cls2, { spec: { sizingPolicies: [{ cores: { min: 1, max: 4, step: 3 } }] } }))).toEqual([]);
    expect(messages(virtualMachine, patch(vm, { spec: { provisioning: { type: 'UserData', userData: 'x'.repeat(2048) } } }))).toEqual([]);
  });
});
