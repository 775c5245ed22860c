/**
 * The schemas of issue 12's kinds: a valid object of each passes (with the CRD's defaults), and
 * every CEL rule of their CRDs, and every webhook rule on a VM's own fields, fails on its own with
 * the CRD's (or the webhook's) message.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  nodeUSBDevice, usbDevice, virtualDiskSnapshot, virtualMachine, virtualMachineMACAddress, virtualMachineMACAddressLease,
  virtualMachinePool, virtualMachineSnapshot, virtualMachineSnapshotOperation, virtualMachineOperation, schemaFor, servedVersions,
} from '../lib/schema/index.ts';
import { schemaProblems } from '../lib/schema/issues.ts';
import { DVP_KINDS } from '../lib/core/kinds.ts';

const G = 'virtualization.deckhouse.io/v1alpha2';

function messages(schema: z.ZodType, obj: unknown): string[] {
  const r = schema.safeParse(obj);
  return r.success ? [] : schemaProblems(r.error, obj).map((p) => `${p.path.join('.')}: ${p.message}`);
}

/** A deep copy with `change` applied to it. */
function variant<T>(base: T, change: (o: any) => void): T {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

const templateSpec = {
  virtualMachineClassName: 'generic', liveMigrationPolicy: 'PreferSafe', cpu: { cores: 2 }, memory: { size: 4294967296 },
  blockDeviceRefs: [{ kind: 'VirtualDisk', name: 'root' }, { kind: 'ClusterVirtualImage', name: 'tools' }],
};
const pool = {
  apiVersion: G, kind: 'VirtualMachinePool', metadata: { name: 'p', namespace: 'ns' },
  spec: {
    replicas: 2, scaleDownPolicy: 'OldestFirst',
    virtualDiskTemplates: [{ name: 'root', spec: { persistentVolumeClaim: { size: '10Gi' } } }],
    virtualMachineTemplate: { spec: templateSpec },
  },
};
const vm = { apiVersion: G, kind: 'VirtualMachine', metadata: { name: 'vm', namespace: 'p' }, spec: { virtualMachineClassName: 'generic', cpu: { cores: 2 }, memory: { size: '2Gi' }, blockDeviceRefs: [{ kind: 'VirtualDisk', name: 'root' }] } };
const vmsop = { apiVersion: G, kind: 'VirtualMachineSnapshotOperation', metadata: { name: 'c', namespace: 'p' }, spec: { type: 'CreateVirtualMachine', virtualMachineSnapshotName: 's', createVirtualMachine: { mode: 'Strict', nameReplacement: [{ from: { kind: 'VirtualMachine', name: 'vm' }, to: 'vm-clone' }] } } };

describe('valid objects of the new kinds pass, with the CRD defaults', () => {
  it.each([
    ['VirtualMachinePool', virtualMachinePool, pool],
    ['VirtualMachineSnapshot', virtualMachineSnapshot, { apiVersion: G, kind: 'VirtualMachineSnapshot', metadata: { name: 's', namespace: 'p' }, spec: { virtualMachineName: 'vm' } }],
    ['VirtualDiskSnapshot', virtualDiskSnapshot, { apiVersion: G, kind: 'VirtualDiskSnapshot', metadata: { name: 's', namespace: 'p' }, spec: { virtualDiskName: 'd' } }],
    ['VirtualMachineSnapshotOperation', virtualMachineSnapshotOperation, vmsop],
    ['VirtualMachineMACAddress', virtualMachineMACAddress, { apiVersion: G, kind: 'VirtualMachineMACAddress', metadata: { name: 'm', namespace: 'p' }, spec: { address: 'AA-bb-cc-00-11-22' } }],
    ['VirtualMachineMACAddress without spec', virtualMachineMACAddress, { apiVersion: G, kind: 'VirtualMachineMACAddress', metadata: { name: 'm', namespace: 'p' } }],
    ['VirtualMachineMACAddressLease', virtualMachineMACAddressLease, { apiVersion: G, kind: 'VirtualMachineMACAddressLease', metadata: { name: 'mac-aa-bb-cc-00-11-22' }, spec: { virtualMachineMACAddressRef: { name: 'm', namespace: 'p' } } }],
    ['NodeUSBDevice', nodeUSBDevice, { apiVersion: G, kind: 'NodeUSBDevice', metadata: { name: 'usb' }, spec: {} }],
    ['USBDevice', usbDevice, { apiVersion: G, kind: 'USBDevice', metadata: { name: 'usb', namespace: 'p' }, status: { nodeName: 'n' } }],
  ] as const)('%s', (_name, schema, obj) => {
    expect(messages(schema, obj)).toEqual([]);
  });

  it('fills the defaults the CRDs declare', () => {
    expect(virtualMachineSnapshot.parse({ apiVersion: G, kind: 'VirtualMachineSnapshot', metadata: { name: 's' }, spec: { virtualMachineName: 'vm' } }).spec).toEqual({ virtualMachineName: 'vm', keepIPAddress: 'Always', requiredConsistency: true });
    expect(virtualDiskSnapshot.parse({ apiVersion: G, kind: 'VirtualDiskSnapshot', metadata: { name: 's' }, spec: { virtualDiskName: 'd' } }).spec.requiredConsistency).toBe(true);
    expect(nodeUSBDevice.parse({ apiVersion: G, kind: 'NodeUSBDevice', metadata: { name: 'u' }, spec: {} }).spec.assignedNamespace).toBe('');
    const parsed = virtualMachinePool.parse(variant(pool, (p) => { p.spec.virtualDiskTemplates[0].reclaim = {}; }));
    expect(parsed.spec.virtualDiskTemplates[0]?.reclaim).toEqual({ onScaleDown: 'Delete', keep: 0 });
    expect(parsed.spec.virtualMachineTemplate.spec?.runPolicy).toBe('AlwaysOnUnlessStoppedManually');
  });

  it('has a schema for every kind of the module at every version it serves', () => {
    const missing = Object.keys(DVP_KINDS).flatMap((k) => servedVersions(k).filter((v) => !schemaFor(`${G.replace('v1alpha2', v)}`, k)).map((v) => `${k} ${v}`));
    expect(missing).toEqual([]);
  });
});

const EXACTLY_ONCE = 'spec.virtualMachineTemplate.spec.blockDeviceRefs: each virtualDiskTemplates entry must be referenced exactly once (no duplicate VirtualDisk references)';
/** Where the CRD's rules overlap, the API server reports every rule that fails, and so does dvpc. */
const ALSO: Record<string, string[]> = {
  'pool: a disk template nothing references': [EXACTLY_ONCE],
  'pool: a VirtualDisk entry naming no template': [EXACTLY_ONCE],
  'pool template: Legacy with EFI': ['spec.virtualMachineTemplate.spec.osType: The Legacy osType is not supported in a VirtualMachinePool: replicas of such a pool cannot be told apart, because provisioning is unavailable for these operating systems.'],
  'pool: two disk templates of one name (a list keyed by name)': [EXACTLY_ONCE],
  'snapshot operation: nothing to rename': ['spec.createVirtualMachine: At least one of customization.namePrefix, customization.nameSuffix, or nameReplacement must be set'],
};

describe('every CEL rule of the new CRDs fails on its own', () => {
  const tpl = (change: (spec: any) => void) => variant(pool, (p) => change(p.spec.virtualMachineTemplate.spec));
  it.each([
    ['pool: a disk template nothing references', variant(pool, (p) => { p.spec.virtualDiskTemplates.push({ name: 'data', spec: {} }); }), 'spec.virtualDiskTemplates.1: each virtualDiskTemplates entry must be referenced by a VirtualDisk entry in virtualMachineTemplate.spec.blockDeviceRefs ("data" is not)'],
    ['pool: a VirtualDisk entry naming no template', tpl((s) => { s.blockDeviceRefs.push({ kind: 'VirtualDisk', name: 'nope' }); }), 'spec.virtualMachineTemplate.spec.blockDeviceRefs.2.name: each VirtualDisk reference in virtualMachineTemplate.spec.blockDeviceRefs must name a virtualDiskTemplates entry ("nope" does not)'],
    ['pool: a template referenced twice', tpl((s) => { s.blockDeviceRefs.push({ kind: 'VirtualDisk', name: 'root' }); }), 'spec.virtualMachineTemplate.spec.blockDeviceRefs: each virtualDiskTemplates entry must be referenced exactly once (no duplicate VirtualDisk references)'],
    ['pool: no template spec at all', variant(pool, (p) => { delete p.spec.virtualMachineTemplate.spec; }), 'spec.virtualDiskTemplates.0: each virtualDiskTemplates entry must be referenced by a VirtualDisk entry in virtualMachineTemplate.spec.blockDeviceRefs ("root" is not)'],
    ['pool: Legacy', tpl((s) => { s.osType = 'Legacy'; }), 'spec.virtualMachineTemplate.spec.osType: The Legacy osType is not supported in a VirtualMachinePool: replicas of such a pool cannot be told apart, because provisioning is unavailable for these operating systems.'],
    ['pool template: Legacy with EFI', tpl((s) => { s.osType = 'Legacy'; s.bootloader = 'EFI'; }), 'spec.virtualMachineTemplate.spec.bootloader: The Legacy osType requires the BIOS bootloader.'],
    ['pool template: UserData without userData', tpl((s) => { s.provisioning = { type: 'UserData', userDataRef: { name: 'x' } }; }), 'spec.virtualMachineTemplate.spec.provisioning: UserData cannot have userDataRef or sysprepRef.'],
    ['pool template: UserDataRef with userData', tpl((s) => { s.provisioning = { type: 'UserDataRef', userDataRef: { name: 'x' }, userData: '#cloud-config' }; }), 'spec.virtualMachineTemplate.spec.provisioning: UserDataRef cannot have userData or sysprepRef.'],
    ['pool template: SysprepRef without sysprepRef', tpl((s) => { s.provisioning = { type: 'SysprepRef' }; }), 'spec.virtualMachineTemplate.spec.provisioning: SysprepRef cannot have userData or userDataRef.'],
    ['pool: keep with Delete', variant(pool, (p) => { p.spec.virtualDiskTemplates[0].reclaim = { onScaleDown: 'Delete', keep: 1, ttl: '1h' }; }), 'spec.virtualDiskTemplates.0.reclaim: keep and ttl are only valid with onScaleDown: Retain'],
    ['pool: ttl with Delete', variant(pool, (p) => { p.spec.virtualDiskTemplates[0].reclaim = { ttl: '1h' }; }), 'spec.virtualDiskTemplates.0.reclaim: keep and ttl are only valid with onScaleDown: Retain'],
    ['pool: keep without ttl', variant(pool, (p) => { p.spec.virtualDiskTemplates[0].reclaim = { onScaleDown: 'Retain', keep: 2 }; }), 'spec.virtualDiskTemplates.0.reclaim: keep requires ttl; without ttl free disks are never garbage-collected, so keep would have no effect'],
    ['pool: a disk template dataSource CEL rule', variant(pool, (p) => { p.spec.virtualDiskTemplates[0].spec.dataSource = { type: 'HTTP' }; }), 'spec.virtualDiskTemplates.0.spec.dataSource: HTTP requires http and cannot have ContainerImage, ObjectRef or Upload.'],
    ['pool: two disk templates of one name (a list keyed by name)', variant(pool, (p) => { p.spec.virtualDiskTemplates.push({ name: 'root', spec: {} }); }), 'spec.virtualDiskTemplates.1.name: virtualDiskTemplates "root" is listed twice (also virtualDiskTemplates[0]); the list is keyed by name'],
    ['snapshot operation: nothing to rename', variant(vmsop, (o) => { o.spec.createVirtualMachine = { mode: 'Strict', customization: { namePrefix: '' } }; }), 'spec.createVirtualMachine.customization.namePrefix: namePrefix length must be between 1 and 59 characters if set'],
    ['snapshot operation: no prefix, suffix or replacement', variant(vmsop, (o) => { o.spec.createVirtualMachine = { mode: 'Strict' }; }), 'spec.createVirtualMachine: At least one of customization.namePrefix, customization.nameSuffix, or nameReplacement must be set'],
    ['snapshot operation: a replacement name over 59', variant(vmsop, (o) => { o.spec.createVirtualMachine.nameReplacement[0].to = 'x'.repeat(60); }), 'spec.createVirtualMachine.nameReplacement: Each nameReplacement.to must be between 1 and 59 characters'],
    ['operation: a clone replacement name over 59', { apiVersion: G, kind: 'VirtualMachineOperation', metadata: { name: 'o' }, spec: { type: 'Clone', virtualMachineName: 'vm', clone: { mode: 'Strict', nameReplacement: [{ from: { name: 'vm' }, to: 'y'.repeat(60) }] } } }, 'spec.clone.nameReplacement: Each nameReplacement.to must be between 1 and 59 characters'],
  ] as const)('%s', (_name, obj, message) => {
    const schema = schemaFor(obj.apiVersion, obj.kind);
    expect(schema).toBeDefined();
    expect(messages(schema as z.ZodType, obj)).toEqual([message, ...(ALSO[_name] ?? [])]);
  });

  it('reads a snapshot operation without createVirtualMachine as the API server does: the CRD rule on it never fires', () => {
    expect(messages(virtualMachineSnapshotOperation, variant(vmsop, (o) => { delete o.spec.createVirtualMachine; }))).toEqual([]);
  });

  it("reports a template its members' VirtualMachine CRD rejects, but not the fields that CRD prunes", () => {
    expect(messages(virtualMachinePool, tpl((s) => { s.networks = [{ type: 'Main' }, { type: 'Bridge', name: 'b' }]; }))).toEqual([
      'spec.virtualMachineTemplate.spec.networks.1.type: the pool\'s members are VirtualMachines, which the VirtualMachine CRD checks: "Bridge" is not allowed; expected one of "Main", "Network", "ClusterNetwork"; the pool would never create a member',
    ]);
    // minDomains is not in the VirtualMachine CRD: the API server drops it from a member silently.
    expect(messages(virtualMachinePool, tpl((s) => { s.topologySpreadConstraints = [{ maxSkew: 1, minDomains: 2, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }]; }))).toEqual([]);
  });

  it('checks the module-made kinds a repository may still hold', () => {
    expect(messages(nodeUSBDevice, { apiVersion: G, kind: 'NodeUSBDevice', metadata: { name: 'u' }, spec: { assignedNamespace: 5 } })).toEqual(['spec.assignedNamespace: expected a string, got the number 5']);
    expect(messages(virtualMachineMACAddressLease, { apiVersion: G, kind: 'VirtualMachineMACAddressLease', metadata: { name: 'mac-1' }, spec: { virtualMachineMACAddressRef: { name: 'm' } } })).toEqual(['spec.virtualMachineMACAddressRef.namespace: required field "namespace" is missing']);
  });

  it('rejects a USBDevice with a spec (it has none)', () => {
    expect(messages(usbDevice, { apiVersion: G, kind: 'USBDevice', metadata: { name: 'u' }, spec: {} })).toEqual(['spec: unknown field "spec"']);
  });
});

describe("the webhook's rules on a VM's own fields", () => {
  const withSpec = (change: (spec: any) => void) => variant(vm, (v) => change(v.spec));
  it.each([
    ['Main not first', (s: any) => { s.networks = [{ type: 'Network', name: 'n' }, { type: 'Main' }]; }, ["spec.networks.1.type: network type 'Main' occurs at unexpected position 1, it should be first"]],
    ['Main twice', (s: any) => { s.networks = [{ type: 'Main' }, { type: 'Main' }]; }, ["spec.networks.1.type: network type 'Main' occurs at unexpected position 1, it should be first"]],
    ['an explicit id 0 is unset', (s: any) => { s.networks = [{ type: 'Main', id: 0 }, { type: 'Network', name: 'n', id: 0 }]; }, []],
    ['duplicate ids', (s: any) => { s.networks = [{ type: 'Main' }, { type: 'Network', name: 'a', id: 5 }, { type: 'ClusterNetwork', name: 'b', id: 5 }]; }, ['spec.networks.2.id: network id 5 is already used by networks[1]']],
    ['a negative id', (s: any) => { s.networks = [{ type: 'Main' }, { type: 'Network', name: 'a', id: -3 }]; }, ['spec.networks.1.id: network id -3 is out of the range 1..16383']],
    ['an address claim with only additional networks', (s: any) => { s.virtualMachineIPAddressName = 'ip'; s.networks = [{ type: 'Network', name: 'n' }]; }, ['spec.virtualMachineIPAddressName: spec.virtualMachineIPAddressName cannot be set without Main network type in spec.networks']],
    ['an address claim with empty networks (they mean Main)', (s: any) => { s.virtualMachineIPAddressName = 'ip'; s.networks = []; }, []],
    ['matchFields with NotIn and two values', (s: any) => { s.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['a', 'b'] }] }] } } }; }, ['spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.0.matchFields.0.values: matchFields with NotIn must have exactly one value']],
    ['a node selector key that is no label key', (s: any) => { s.affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'bad key', operator: 'Exists' }] } }] } }; }, ['spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution.0.preference.matchExpressions.0.key: key "bad key" is not a valid label key (an optional DNS prefix, "/", and up to 63 characters [A-Za-z0-9-_.])']],
    ['a namespace that is no DNS label', (s: any) => { s.affinity = { virtualMachineAndPodAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', namespaces: ['Bad_NS'] }] } }; }, ['spec.affinity.virtualMachineAndPodAffinity.requiredDuringSchedulingIgnoredDuringExecution.0.namespaces.0: namespace "Bad_NS" is not a DNS-1123 label']],
    ['a label value that is no label value', (s: any) => { s.affinity = { virtualMachineAndPodAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'a b' } } }] } }; }, ['spec.affinity.virtualMachineAndPodAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.0.labelSelector.matchLabels.app: matchLabels value "a b" is not a valid label value']],
    ['matchLabelKeys without a labelSelector', (s: any) => { s.affinity = { virtualMachineAndPodAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', matchLabelKeys: ['app'] }] } }; }, ["spec.affinity.virtualMachineAndPodAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.0.matchLabelKeys.0: matchLabelKeys cannot be set when labelSelector isn't set"]],
    ['a key both matched and mismatched', (s: any) => { s.affinity = { virtualMachineAndPodAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: {}, matchLabelKeys: ['app'], mismatchLabelKeys: ['app'] }] } }; }, ['spec.affinity.virtualMachineAndPodAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.0.mismatchLabelKeys.0: "app" is in both matchLabelKeys and mismatchLabelKeys']],
    ['a spread over an empty key', (s: any) => { s.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: '', whenUnsatisfiable: 'DoNotSchedule' }]; }, ['spec.topologySpreadConstraints.0.topologyKey: topologyKey can not be empty']],
  ] as const)('%s', (_name, change, expected) => {
    expect(messages(virtualMachine, withSpec(change))).toEqual(expected);
  });

  it('checks the fields only a pool template has: minDomains and the node policies', () => {
    const spread = (c: Record<string, unknown>) => variant(pool, (p) => { p.spec.virtualMachineTemplate.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', ...c }]; });
    expect(messages(virtualMachinePool, spread({ minDomains: 2 }))).toEqual(['spec.virtualMachineTemplate.spec.topologySpreadConstraints.0.minDomains: minDomains can only be used with whenUnsatisfiable DoNotSchedule']);
    expect(messages(virtualMachinePool, spread({ whenUnsatisfiable: 'DoNotSchedule', minDomains: 0 }))).toEqual(['spec.virtualMachineTemplate.spec.topologySpreadConstraints.0.minDomains: minDomains 0 must be greater than zero']);
    expect(messages(virtualMachinePool, spread({ nodeTaintsPolicy: 'Always' }))).toEqual(['spec.virtualMachineTemplate.spec.topologySpreadConstraints.0.nodeTaintsPolicy: nodeTaintsPolicy "Always" is not supported; use Honor or Ignore']);
    expect(messages(virtualMachinePool, spread({ whenUnsatisfiable: 'DoNotSchedule', minDomains: 2, nodeAffinityPolicy: 'Honor' }))).toEqual([]);
  });

  it('leaves VM operations as they were', () => {
    expect(messages(virtualMachineOperation, { apiVersion: G, kind: 'VirtualMachineOperation', metadata: { name: 'o' }, spec: { type: 'Start', virtualMachineName: 'vm', force: true } })).toEqual(['spec.force: The `Start` operation cannot be performed forcibly.']);
  });
});
