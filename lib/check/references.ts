/**
 * References (DVP401–DVP406): every name an object gives must name something that exists, and
 * shared things must not be claimed twice. Lookups are by index, never by scanning.
 */
import { append } from '../core/append.ts';
import type { ClusterModel } from '../model/cluster-model.ts';
import type { Resource } from '../core/resource.ts';
import { diagnose, type Diagnostic } from '../core/diagnostic.ts';
import { EXTERNAL_SECRET_ANNOTATION } from '../core/annotations.ts';
import { acknowledges } from './acknowledge.ts';
import { namesExcerpt } from './excerpt.ts';

interface BlockRef { kind?: string; name?: string; bootOrder?: number }
interface VmRefs {
  blockDeviceRefs: BlockRef[];
  virtualMachineIPAddressName?: string;
  provisioning?: { type: string; userDataRef?: { name: string }; sysprepRef?: { name: string } };
}

const MAX_BLOCK_DEVICES = 16;

function exists(model: ClusterModel, kind: string, namespace: string | undefined, name: string): boolean {
  return model.find(kind, kind === 'ClusterVirtualImage' ? undefined : namespace, name) !== undefined;
}

function checkVms(model: ClusterModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  const missingSecrets = new Map<string, { name: string; field: string; vms: Resource[] }>();
  const external = externalSecrets(model);
  const diskOwner = new Map<string, Resource>();
  const ipOwner = new Map<string, Resource>();
  const attachments = new Map<string, number>();
  for (const a of model.ofKind('VirtualMachineBlockDeviceAttachment')) {
    const vm = (a.body['spec'] as { virtualMachineName?: unknown } | undefined)?.virtualMachineName;
    if (typeof vm === 'string') attachments.set(`${a.namespace}/${vm}`, (attachments.get(`${a.namespace}/${vm}`) ?? 0) + 1);
  }
  for (const r of model.ofKind('VirtualMachine')) {
    const spec = model.valid<{ spec: VmRefs }>(r)?.spec;
    if (!spec) continue;
    const seen = new Map<string, number>();
    const boot = new Map<number, number>();
    spec.blockDeviceRefs.forEach((ref, i) => {
      const path = ['spec', 'blockDeviceRefs', i];
      if (!ref.kind || !ref.name) return;
      const key = `${ref.kind}/${ref.name}`;
      const dup = seen.get(key);
      if (dup !== undefined) {
        out.push(diagnose('DVP406', r, path, `${ref.kind} "${ref.name}" is listed twice (also blockDeviceRefs[${dup}])`, 'list each block device once'));
      } else {
        seen.set(key, i);
      }
      if (ref.bootOrder !== undefined) {
        const other = boot.get(ref.bootOrder);
        if (other !== undefined) out.push(diagnose('DVP406', r, [...path, 'bootOrder'], `bootOrder ${ref.bootOrder} is also used by blockDeviceRefs[${other}]`, 'give each device its own bootOrder'));
        else boot.set(ref.bootOrder, i);
      }
      if (!exists(model, ref.kind, r.namespace, ref.name)) {
        const scope = ref.kind === 'ClusterVirtualImage' ? 'the cluster' : `namespace ${r.namespace}`;
        out.push(diagnose('DVP401', r, [...path, 'name'], `${ref.kind} "${ref.name}" does not exist in ${scope}; the VM would wait for it forever`, `add the ${ref.kind}, or fix the name`));
      }
      if (ref.kind === 'VirtualDisk' && dup === undefined) {
        const diskKey = `${r.namespace}/${ref.name}`;
        const owner = diskOwner.get(diskKey);
        if (owner) out.push(diagnose('DVP402', r, [...path, 'name'], `VirtualDisk "${ref.name}" is already attached to VirtualMachine ${owner.name}`, 'give each VM its own disk (an image can be shared, a disk cannot)'));
        else diskOwner.set(diskKey, r);
      }
    });
    const total = spec.blockDeviceRefs.length + (attachments.get(`${r.namespace}/${r.name}`) ?? 0);
    if (total > MAX_BLOCK_DEVICES) {
      out.push(diagnose('DVP406', r, ['spec', 'blockDeviceRefs'], `${total} block devices (${spec.blockDeviceRefs.length} in blockDeviceRefs, ${total - spec.blockDeviceRefs.length} attached by VirtualMachineBlockDeviceAttachments); the module allows ${MAX_BLOCK_DEVICES}`, 'attach fewer devices'));
    }
    const ip = spec.virtualMachineIPAddressName;
    if (ip !== undefined) {
      const path = ['spec', 'virtualMachineIPAddressName'];
      if (!model.find('VirtualMachineIPAddress', r.namespace, ip)) {
        out.push(diagnose('DVP404', r, path, `VirtualMachineIPAddress "${ip}" does not exist in namespace ${r.namespace}`, 'add the address claim, or remove the field to get an automatic address'));
      }
      const owner = ipOwner.get(`${r.namespace}/${ip}`);
      if (owner) out.push(diagnose('DVP404', r, path, `VirtualMachineIPAddress "${ip}" is already used by VirtualMachine ${owner.name}`, 'give each VM its own address claim'));
      else ipOwner.set(`${r.namespace}/${ip}`, r);
    }
    const prov = spec.provisioning;
    const secretRef = prov?.userDataRef ?? prov?.sysprepRef;
    if (secretRef && !model.find('Secret', r.namespace, secretRef.name, '') && !external.has(`${r.namespace}/${secretRef.name}`) && declaredExternal(r) !== secretRef.name) {
      const key = `${r.namespace}/${secretRef.name}`;
      const entry = missingSecrets.get(key) ?? { name: secretRef.name, field: prov?.userDataRef ? 'userDataRef' : 'sysprepRef', vms: [] };
      entry.vms.push(r);
      missingSecrets.set(key, entry);
    }
  }
  append(out, checkMissingSecrets(missingSecrets));
  // Attachments of a disk that a VM already holds.
  for (const a of model.ofKind('VirtualMachineBlockDeviceAttachment')) {
    const spec = model.valid<{ spec: { virtualMachineName: string; blockDeviceRef: BlockRef } }>(a)?.spec;
    const ref = spec?.blockDeviceRef;
    if (!spec || !ref?.kind || !ref.name) continue;
    if (!exists(model, ref.kind, a.namespace, ref.name)) {
      out.push(diagnose('DVP401', a, ['spec', 'blockDeviceRef', 'name'], `${ref.kind} "${ref.name}" does not exist`, `add the ${ref.kind}, or fix the name`));
    }
    if (ref.kind !== 'VirtualDisk') continue;
    const owner = diskOwner.get(`${a.namespace}/${ref.name}`);
    if (owner && owner.name !== spec.virtualMachineName) {
      out.push(diagnose('DVP402', a, ['spec', 'blockDeviceRef', 'name'], `VirtualDisk "${ref.name}" is attached to VirtualMachine ${owner.name} and here to ${spec.virtualMachineName}`, 'attach a disk to one VM only'));
    } else if (!owner) {
      diskOwner.set(`${a.namespace}/${ref.name}`, a);
    }
  }
  return out;
}

/** Kinds that make a Secret of their own from a store outside git, and the Secret's name. */
const SECRET_MAKERS: Record<string, (body: Record<string, unknown>, name: string) => unknown> = {
  'external-secrets.io|ExternalSecret': (b, name) => (b['spec'] as { target?: { name?: unknown } } | undefined)?.target?.name ?? name,
  'secrets.hashicorp.com|VaultStaticSecret': (b) => (b['spec'] as { destination?: { name?: unknown } } | undefined)?.destination?.name,
  'secrets.hashicorp.com|VaultDynamicSecret': (b) => (b['spec'] as { destination?: { name?: unknown } } | undefined)?.destination?.name,
  'secrets.hashicorp.com|VaultPKISecret': (b) => (b['spec'] as { destination?: { name?: unknown } } | undefined)?.destination?.name,
  'bitnami.com|SealedSecret': (_b, name) => name,
};

/** `namespace/name` of the Secrets that objects of the manifests make (External Secrets, Vault, Sealed Secrets). */
function externalSecrets(model: ClusterModel): Set<string> {
  const out = new Set<string>();
  for (const [key, nameOf] of Object.entries(SECRET_MAKERS)) {
    const [group, kind] = key.split('|') as [string, string];
    for (const r of model.ofKind(kind)) {
      if (!r.apiVersion.startsWith(`${group}/`)) continue;
      const name = nameOf(r.body, r.name);
      if (typeof name === 'string') out.add(`${r.namespace}/${name}`);
    }
  }
  return out;
}

/** The Secret a VM declares as managed outside git (`Provisioning.externalSecret`), if any. */
function declaredExternal(vm: Resource): string | undefined {
  const ann = (vm.body['metadata'] as { annotations?: Record<string, unknown> } | undefined)?.annotations?.[EXTERNAL_SECRET_ANNOTATION];
  return typeof ann === 'string' ? ann : undefined;
}

/**
 * DVP405, once per Secret, naming the VMs that need it: one Secret shared by a fleet is one thing
 * to create. A VM that acknowledges DVP405 in its own annotation keeps a finding of its own.
 */
function checkMissingSecrets(missing: ReadonlyMap<string, { name: string; field: string; vms: Resource[] }>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const hint = 'add the Secret; if External Secrets, Vault or another operator creates it, say so with Provisioning.externalSecret(name) or the VM annotation dvpc/external-secret: <name>';
  for (const { name, field, vms } of missing.values()) {
    const path = ['spec', 'provisioning', field, 'name'];
    const own = vms.filter((vm) => acknowledges(vm, 'DVP405'));
    for (const vm of own) out.push(diagnose('DVP405', vm, path, `Secret "${name}" is not in the manifests (namespace ${vm.namespace})`, hint));
    const rest = vms.filter((vm) => !own.includes(vm));
    const first = rest[0];
    if (!first) continue;
    const who = rest.length === 1 ? 'the VM waits for it' : `${rest.length} VMs name it (${namesExcerpt(rest)}) and wait for it`;
    out.push(diagnose('DVP405', first, path, `Secret "${name}" is not in the manifests (namespace ${first.namespace}); ${who}`, hint));
  }
  return out;
}

interface SourceSpec { dataSource?: { type?: string; objectRef?: { kind: string; name: string; namespace?: string } } }

/** DVP403: data sources that copy an object must name one that exists. */
function checkSources(model: ClusterModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const kind of ['ClusterVirtualImage', 'VirtualImage', 'VirtualDisk'] as const) {
    for (const r of model.ofKind(kind)) {
      const ref = model.valid<{ spec: SourceSpec }>(r)?.spec.dataSource?.objectRef;
      if (!ref) continue;
      const ns = kind === 'ClusterVirtualImage' ? ref.namespace : r.namespace;
      if (!exists(model, ref.kind, ns, ref.name)) {
        const scope = ref.kind === 'ClusterVirtualImage' ? 'the cluster' : `namespace ${ns ?? '?'}`;
        out.push(diagnose('DVP403', r, ['spec', 'dataSource', 'objectRef', 'name'], `${ref.kind} "${ref.name}" does not exist in ${scope}; the ${kind} would wait for it forever`, `add the ${ref.kind}, or fix the name`));
      }
    }
  }
  return out;
}

/** DVP406 (warning): one-shot operations do not belong in a reconciled GitOps path. */
function checkOneShots(model: ClusterModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const kind of ['VirtualMachineOperation', 'VirtualMachineSnapshotOperation']) {
    for (const r of model.ofKind(kind)) {
      if (!r.apiVersion.startsWith('virtualization.deckhouse.io/')) continue;
      out.push(diagnose('DVP406', r, ['kind'], `${kind} is a one-shot operation with an immutable spec; in a GitOps path it is re-applied or pruned on every sync`, 'create it once with kubectl create (it uses generateName), outside the synced folders', 'warning'));
    }
  }
  return out;
}

export function checkReferences(model: ClusterModel): Diagnostic[] {
  return append(append(checkVms(model), checkSources(model)), checkOneShots(model));
}
