/**
 * What each object references by name: the one reference graph of a cluster's desired state.
 * The reference checks (DVP201, DVP401–DVP406) ask it what must exist, and the apply order (Argo
 * CD sync waves, Flux dependencies) asks it what must come first, so the two never disagree.
 *
 * It reads the object as written (any kind, valid or not): the apply order needs every object,
 * and the checks ask only about objects that fit their schema.
 */
import type { FieldPath, Json, JsonObject } from '../core/json.ts';
import { isJsonObject } from '../core/json.ts';
import { DVP_KINDS, GROUP } from '../core/kinds.ts';

/** Why one object names another; the checks choose a code by it. */
export type ReferenceRole =
  /** A VM (or a pool's VM template) → its VirtualMachineClass (DVP201). */
  | 'class'
  /** A VM's blockDeviceRefs → a VirtualDisk, VirtualImage or ClusterVirtualImage (DVP401). */
  | 'blockDevice'
  /** A VM → its VirtualMachineIPAddress (DVP404). */
  | 'ipAddress'
  /** A VM's network → its VirtualMachineMACAddress (DVP404). */
  | 'macAddress'
  /** A VM → the Secret of its cloud-init or Sysprep data (DVP405). */
  | 'provisioning'
  /** An image or disk (or a pool's disk template) → the object it is made from (DVP403). */
  | 'dataSource'
  /** An attachment, snapshot or operation → the VM, disk or snapshot it acts on (DVP403). */
  | 'target'
  /** An attachment → the disk or image it attaches (DVP403). */
  | 'attachedDevice'
  /** An image → the Secret it pulls its container image with (apply order only). */
  | 'pullSecret'
  /** A namespaced object → its Namespace (apply order only). */
  | 'namespace';

export interface Reference {
  readonly role: ReferenceRole;
  /** API group of the named object ('' for the core group). */
  readonly group: string;
  readonly kind: string;
  /** undefined for cluster-scoped objects. */
  readonly namespace: string | undefined;
  readonly name: string;
  /** The field that holds the name. */
  readonly path: FieldPath;
}

/** The part of an object the graph reads. */
export interface ReferringObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly body: JsonObject;
}

const BLOCK_DEVICE_KINDS = new Set(['VirtualDisk', 'VirtualImage', 'ClusterVirtualImage']);
const SOURCE_KINDS = new Set(['ClusterVirtualImage', 'VirtualImage', 'VirtualDisk', 'VirtualDiskSnapshot']);

function obj(v: Json | undefined): JsonObject | undefined {
  return isJsonObject(v) ? v : undefined;
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function list(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : [];
}

class Collector {
  readonly out: Reference[] = [];
  constructor(private readonly namespace: string | undefined) {}

  /** A reference to a module object; namespaced targets live in `ns` (the referrer's by default). */
  dvp(role: ReferenceRole, kind: string | undefined, name: Json | undefined, path: FieldPath, ns: string | undefined = this.namespace): void {
    const n = str(name);
    if (kind === undefined || n === undefined) return;
    const scoped = DVP_KINDS[kind] === 'Cluster';
    if (!scoped && ns === undefined) return;
    this.out.push({ role, group: GROUP, kind, namespace: scoped ? undefined : ns, name: n, path });
  }

  secret(role: ReferenceRole, name: Json | undefined, path: FieldPath, ns: string | undefined = this.namespace): void {
    const n = str(name);
    if (n === undefined || ns === undefined) return;
    this.out.push({ role, group: '', kind: 'Secret', namespace: ns, name: n, path });
  }
}

/** The references of a VM spec at `at` (a VM's `spec`, or a pool's template spec). */
function vmSpecRefs(c: Collector, spec: JsonObject, at: FieldPath, inPool: boolean): void {
  c.dvp('class', 'VirtualMachineClass', spec['virtualMachineClassName'], [...at, 'virtualMachineClassName']);
  list(spec['blockDeviceRefs']).forEach((ref, i) => {
    const r = obj(ref);
    const kind = str(r?.['kind']);
    // In a pool, a VirtualDisk entry names a disk template: each member gets its own disk.
    if (!r || kind === undefined || !BLOCK_DEVICE_KINDS.has(kind) || (inPool && kind === 'VirtualDisk')) return;
    c.dvp('blockDevice', kind, r['name'], [...at, 'blockDeviceRefs', i, 'name']);
  });
  c.dvp('ipAddress', 'VirtualMachineIPAddress', spec['virtualMachineIPAddressName'], [...at, 'virtualMachineIPAddressName']);
  list(spec['networks']).forEach((n, i) => {
    c.dvp('macAddress', 'VirtualMachineMACAddress', obj(n)?.['virtualMachineMACAddressName'], [...at, 'networks', i, 'virtualMachineMACAddressName']);
  });
  const prov = obj(spec['provisioning']);
  for (const field of ['userDataRef', 'sysprepRef'] as const) {
    c.secret('provisioning', obj(prov?.[field])?.['name'], [...at, 'provisioning', field, 'name']);
  }
}

/** The references of a data source at `at`; a ClusterVirtualImage names the namespace itself. */
function dataSourceRefs(c: Collector, ds: JsonObject | undefined, at: FieldPath, clusterScoped: boolean): void {
  if (!ds) return;
  const ref = obj(ds['objectRef']);
  const kind = str(ref?.['kind']);
  if (ref && kind !== undefined && SOURCE_KINDS.has(kind)) {
    c.dvp('dataSource', kind, ref['name'], [...at, 'objectRef', 'name'], clusterScoped ? str(ref['namespace']) : undefined);
  }
  const pull = obj(obj(ds['containerImage'])?.['imagePullSecret']);
  if (pull) c.secret('pullSecret', pull['name'], [...at, 'containerImage', 'imagePullSecret', 'name'], clusterScoped ? str(pull['namespace']) : undefined);
}

const NAMESPACE_PATH: FieldPath = ['metadata', 'namespace'];

/** Every object the given one names, in field order. Objects of other groups name only their namespace. */
export function referencesOf(o: ReferringObject): Reference[] {
  const spec = obj(o.body['spec']);
  const c = new Collector(o.namespace);
  if (o.namespace !== undefined) c.out.push({ role: 'namespace', group: '', kind: 'Namespace', namespace: undefined, name: o.namespace, path: NAMESPACE_PATH });
  if (!o.apiVersion.startsWith(`${GROUP}/`) || !spec) return c.out;
  switch (o.kind) {
    case 'VirtualMachine':
      vmSpecRefs(c, spec, ['spec'], false);
      break;
    case 'VirtualMachinePool': {
      const template = obj(obj(spec['virtualMachineTemplate'])?.['spec']);
      if (template) vmSpecRefs(c, template, ['spec', 'virtualMachineTemplate', 'spec'], true);
      list(spec['virtualDiskTemplates']).forEach((t, i) => {
        dataSourceRefs(c, obj(obj(obj(t)?.['spec'])?.['dataSource']), ['spec', 'virtualDiskTemplates', i, 'spec', 'dataSource'], false);
      });
      break;
    }
    case 'ClusterVirtualImage':
      dataSourceRefs(c, obj(spec['dataSource']), ['spec', 'dataSource'], true);
      break;
    case 'VirtualImage':
    case 'VirtualDisk':
      dataSourceRefs(c, obj(spec['dataSource']), ['spec', 'dataSource'], false);
      break;
    case 'VirtualMachineBlockDeviceAttachment': {
      c.dvp('target', 'VirtualMachine', spec['virtualMachineName'], ['spec', 'virtualMachineName']);
      const ref = obj(spec['blockDeviceRef']);
      const kind = str(ref?.['kind']);
      if (ref && kind !== undefined && BLOCK_DEVICE_KINDS.has(kind)) c.dvp('attachedDevice', kind, ref['name'], ['spec', 'blockDeviceRef', 'name']);
      break;
    }
    case 'VirtualMachineSnapshot':
      c.dvp('target', 'VirtualMachine', spec['virtualMachineName'], ['spec', 'virtualMachineName']);
      break;
    case 'VirtualDiskSnapshot':
      c.dvp('target', 'VirtualDisk', spec['virtualDiskName'], ['spec', 'virtualDiskName']);
      break;
    case 'VirtualMachineOperation':
      c.dvp('target', 'VirtualMachine', spec['virtualMachineName'], ['spec', 'virtualMachineName']);
      c.dvp('target', 'VirtualMachineSnapshot', obj(spec['restore'])?.['virtualMachineSnapshotName'], ['spec', 'restore', 'virtualMachineSnapshotName']);
      break;
    case 'VirtualMachineSnapshotOperation':
      c.dvp('target', 'VirtualMachineSnapshot', spec['virtualMachineSnapshotName'], ['spec', 'virtualMachineSnapshotName']);
      break;
  }
  return c.out;
}

/** The identity key of a referenced object, as core/resource's identityKey spells it. */
export function referenceKey(ref: Pick<Reference, 'group' | 'kind' | 'namespace' | 'name'>): string {
  return `${ref.group}|${ref.kind}|${ref.namespace ?? ''}|${ref.name}`;
}
