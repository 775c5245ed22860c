/**
 * References (DVP401–DVP406): every name an object gives must name something that exists, and
 * shared things must not be claimed twice. What an object names comes from the one reference
 * graph (model/references), the same one the apply order follows. Lookups are by index.
 */
import { append } from '../core/append.ts';
import type { ClusterModel } from '../model/cluster-model.ts';
import type { Resource } from '../core/resource.ts';
import { diagnose, type Diagnostic } from '../core/diagnostic.ts';
import { isDvpGroup } from '../core/kinds.ts';
import { referencesOf, type Reference, type ReferenceRole } from '../model/references.ts';
import { poolOfMember, vmSpecs, type VmSpecSite } from '../model/vm-specs.ts';
import type { FieldPath } from '../core/json.ts';
import { EXTERNAL_SECRET_ANNOTATION } from '../core/annotations.ts';
import { acknowledges } from './acknowledge.ts';
import { namesExcerpt } from './excerpt.ts';

const MAX_BLOCK_DEVICES = 16;

/** The code each kind of dangling reference gets, and what waiting for it means. */
const MISSING: Partial<Record<ReferenceRole, { readonly code: string; readonly effect: string }>> = {
  blockDevice: { code: 'DVP401', effect: 'would wait for it forever' },
  ipAddress: { code: 'DVP404', effect: 'would wait for it forever' },
  macAddress: { code: 'DVP404', effect: 'would wait for it forever (VirtualMachineMACAddressReady=False)' },
  provisioning: { code: 'DVP405', effect: 'needs it before it can start' },
  dataSource: { code: 'DVP403', effect: 'would wait for it forever' },
  target: { code: 'DVP403', effect: 'would fail or wait for it forever' },
  attachedDevice: { code: 'DVP403', effect: 'would wait for it forever' },
};

function scopeOf(ref: Reference): string {
  return ref.namespace === undefined ? 'the cluster' : `namespace ${ref.namespace}`;
}

function exists(model: ClusterModel, ref: Reference): boolean {
  if (model.find(ref.kind, ref.namespace, ref.name, ref.group)) return true;
  // A pool's member exists once the pool makes it; its name is the pool's and five random characters.
  return ref.kind === 'VirtualMachine' && poolOfMember(model, ref.namespace, ref.name) !== undefined;
}

function referrer(r: Resource): string {
  return r.kind === 'VirtualMachinePool' ? "pool's members" : r.kind;
}

/** A provisioning Secret that is not in the manifests, with every object that names it. */
interface MissingSecret {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly referrers: { readonly resource: Resource; readonly path: FieldPath }[];
}

/** DVP401/403/404/405: a name that names nothing in the manifests. */
function checkDangling(model: ClusterModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  const missingSecrets = new Map<string, MissingSecret>();
  const external = externalSecrets(model);
  for (const r of model.resources) {
    if (!isDvpGroup(r.apiVersion) || !model.parse(r)?.ok) continue;
    for (const ref of referencesOf(r)) {
      const missing = MISSING[ref.role];
      if (!missing || exists(model, ref)) continue;
      if (ref.role === 'provisioning') {
        const key = `${ref.namespace}/${ref.name}`;
        if (external.has(key) || declaredExternal(r) === ref.name) continue;
        const entry = missingSecrets.get(key) ?? { name: ref.name, namespace: ref.namespace, referrers: [] };
        entry.referrers.push({ resource: r, path: ref.path });
        missingSecrets.set(key, entry);
        continue;
      }
      out.push(diagnose(missing.code, r, ref.path, `${ref.kind} "${ref.name}" does not exist in ${scopeOf(ref)}; the ${referrer(r)} ${missing.effect}`, `add the ${ref.kind}, or fix the name`));
    }
  }
  return append(out, checkMissingSecrets(missingSecrets));
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

/** The Secret an object declares as managed outside git (`Provisioning.externalSecret`), if any. */
function declaredExternal(r: Resource): string | undefined {
  const ann = (r.body['metadata'] as { annotations?: Record<string, unknown> } | undefined)?.annotations?.[EXTERNAL_SECRET_ANNOTATION];
  return typeof ann === 'string' ? ann : undefined;
}

/**
 * DVP405, once per Secret, naming the objects that need it: one Secret shared by a fleet is one
 * thing to create. An object that acknowledges DVP405 in its own annotation keeps a finding of its own.
 */
function checkMissingSecrets(missing: ReadonlyMap<string, MissingSecret>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const hint = 'add the Secret; if External Secrets, Vault or another operator creates it, say so with Provisioning.externalSecret(name) or the annotation dvpc/external-secret: <name>';
  for (const { name, namespace, referrers } of missing.values()) {
    const own = referrers.filter((x) => acknowledges(x.resource, 'DVP405'));
    for (const x of own) out.push(diagnose('DVP405', x.resource, x.path, `Secret "${name}" is not in the manifests (namespace ${namespace})`, hint));
    const rest = referrers.filter((x) => !own.includes(x));
    const first = rest[0];
    if (!first) continue;
    const vms = rest.every((x) => x.resource.kind === 'VirtualMachine');
    const who = rest.length === 1
      ? `the ${vms ? 'VM' : referrer(first.resource)} waits for it`
      : `${rest.length} ${vms ? 'VMs' : 'objects'} name it (${namesExcerpt(rest.map((x) => x.resource))}) and wait for it`;
    out.push(diagnose('DVP405', first.resource, first.path, `Secret "${name}" is not in the manifests (namespace ${namespace}); ${who}`, hint));
  }
  return out;
}

/** Attachments per VM (or pool, for attachments naming a member), by `namespace/name`. */
function attachmentCounts(model: ClusterModel): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of model.ofKind('VirtualMachineBlockDeviceAttachment')) {
    const vm = (a.body['spec'] as { virtualMachineName?: unknown } | undefined)?.virtualMachineName;
    if (typeof vm !== 'string') continue;
    const key = `${a.namespace}/${vm}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** DVP406 on one VM spec: a device or boot order listed twice, more than 16 devices with attachments. */
function checkDevices(site: VmSpecSite, attached: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { resource: r, spec, at } = site;
  const seen = new Map<string, number>();
  const boot = new Map<number, number>();
  spec.blockDeviceRefs.forEach((ref, i) => {
    const path = [...at, 'blockDeviceRefs', i];
    if (ref.bootOrder !== undefined) {
      const other = boot.get(ref.bootOrder);
      if (other !== undefined) out.push(diagnose('DVP406', r, [...path, 'bootOrder'], `bootOrder ${ref.bootOrder} is also used by blockDeviceRefs[${other}]`, 'give each device its own bootOrder'));
      else boot.set(ref.bootOrder, i);
    }
    if (!ref.kind || !ref.name) return;
    const key = `${ref.kind}/${ref.name}`;
    const dup = seen.get(key);
    if (dup !== undefined) out.push(diagnose('DVP406', r, path, `${ref.kind} "${ref.name}" is listed twice (also blockDeviceRefs[${dup}])`, 'list each block device once'));
    else seen.set(key, i);
  });
  const total = spec.blockDeviceRefs.length + attached;
  if (total > MAX_BLOCK_DEVICES) {
    const whose = site.pool ? "each of the pool's members has" : 'the VM has';
    out.push(diagnose('DVP406', r, [...at, 'blockDeviceRefs'], `${whose} ${total} block devices (${spec.blockDeviceRefs.length} in blockDeviceRefs, ${attached} attached by VirtualMachineBlockDeviceAttachments); the module allows ${MAX_BLOCK_DEVICES}`, 'attach fewer devices'));
  }
  return out;
}

/** DVP402/DVP404/DVP406 across VMs: disks and address claims shared, devices counted with attachments. */
function checkSharing(model: ClusterModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  const diskOwner = new Map<string, Resource>();
  const claimOwner = new Map<string, Resource>();
  const attachments = attachmentCounts(model);
  const memberAttachments = new Map<Resource, number>();
  for (const [key, n] of attachments) {
    const slash = key.indexOf('/');
    const pool = poolOfMember(model, key.slice(0, slash), key.slice(slash + 1));
    // The busiest member is the one that may pass the limit.
    if (pool) memberAttachments.set(pool, Math.max(memberAttachments.get(pool) ?? 0, n));
  }
  for (const site of vmSpecs(model)) {
    const { resource: r, spec, at } = site;
    const attached = site.pool ? (memberAttachments.get(r) ?? 0) : (attachments.get(`${r.namespace}/${r.name}`) ?? 0);
    append(out, checkDevices(site, attached));
    const seenDisks = new Set<string>();
    spec.blockDeviceRefs.forEach((ref, i) => {
      // A pool's VirtualDisk entries name disk templates: every member gets its own disk.
      if (site.pool || ref.kind !== 'VirtualDisk' || !ref.name || seenDisks.has(ref.name)) return;
      seenDisks.add(ref.name);
      const owner = diskOwner.get(`${r.namespace}/${ref.name}`);
      if (owner) out.push(diagnose('DVP402', r, [...at, 'blockDeviceRefs', i, 'name'], `VirtualDisk "${ref.name}" is already attached to VirtualMachine ${owner.name}`, 'give each VM its own disk (an image can be shared, a disk cannot)'));
      else diskOwner.set(`${r.namespace}/${ref.name}`, r);
    });
    const claims: { kind: string; name: string; path: (string | number)[] }[] = [];
    if (spec.virtualMachineIPAddressName !== undefined) claims.push({ kind: 'VirtualMachineIPAddress', name: spec.virtualMachineIPAddressName, path: [...at, 'virtualMachineIPAddressName'] });
    (spec.networks ?? []).forEach((n, i) => {
      if (n.virtualMachineMACAddressName !== undefined) claims.push({ kind: 'VirtualMachineMACAddress', name: n.virtualMachineMACAddressName, path: [...at, 'networks', i, 'virtualMachineMACAddressName'] });
    });
    for (const c of claims) {
      if (site.pool && site.replicas > 1) {
        out.push(diagnose('DVP404', r, c.path, `the pool's ${site.replicas} members would all name ${c.kind} "${c.name}"; one claim holds one address, so every member but one would wait forever`, 'leave the field out of the template: the module gives each member its own address'));
      }
      const key = `${c.kind}/${r.namespace}/${c.name}`;
      const owner = claimOwner.get(key);
      if (owner) out.push(diagnose('DVP404', r, c.path, `${c.kind} "${c.name}" is already used by ${owner.kind} ${owner.name}`, 'give each VM its own address claim'));
      else claimOwner.set(key, r);
    }
  }
  // Attachments of a device the VM already lists, or of a disk that another VM or attachment holds.
  for (const a of model.ofKind('VirtualMachineBlockDeviceAttachment')) {
    const spec = model.valid<{ spec: { virtualMachineName: string; blockDeviceRef: { kind?: string; name?: string } } }>(a)?.spec;
    const ref = spec?.blockDeviceRef;
    if (!spec || !ref?.kind || !ref.name) continue;
    const vm = model.find('VirtualMachine', a.namespace, spec.virtualMachineName);
    const listed = vm ? model.valid<{ spec: { blockDeviceRefs: { kind?: string; name?: string }[] } }>(vm)?.spec.blockDeviceRefs : undefined;
    if (listed?.some((d) => d.kind === ref.kind && d.name === ref.name)) {
      out.push(diagnose('DVP406', a, ['spec', 'blockDeviceRef', 'name'], `${ref.kind} "${ref.name}" is already in the blockDeviceRefs of VirtualMachine ${spec.virtualMachineName}; the attachment would fail with reason Conflict`, 'list the device in the VM or attach it, not both'));
      continue;
    }
    if (ref.kind !== 'VirtualDisk') continue;
    const key = `${a.namespace}/${ref.name}`;
    const owner = diskOwner.get(key);
    if (owner) {
      const holder = owner.kind === 'VirtualMachine' ? `VirtualMachine ${owner.name}` : `VirtualMachineBlockDeviceAttachment ${owner.name}`;
      out.push(diagnose('DVP402', a, ['spec', 'blockDeviceRef', 'name'], `VirtualDisk "${ref.name}" is already attached by ${holder}, and here to VirtualMachine ${spec.virtualMachineName}`, 'attach a disk to one VM only'));
    } else {
      diskOwner.set(key, a);
    }
  }
  return out;
}

/** DVP406 (warning): one-shot operations do not belong in a reconciled GitOps path. */
function checkOneShots(model: ClusterModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const kind of ['VirtualMachineOperation', 'VirtualMachineSnapshotOperation']) {
    for (const r of model.ofKind(kind)) {
      if (!isDvpGroup(r.apiVersion)) continue;
      out.push(diagnose('DVP406', r, ['kind'], `${kind} is a one-shot operation with an immutable spec; in a GitOps path it is re-applied or pruned on every sync`, 'create it once with kubectl create (it uses generateName), outside the synced folders', 'warning'));
    }
  }
  return out;
}

export function checkReferences(model: ClusterModel): Diagnostic[] {
  return append(append(checkDangling(model), checkSharing(model)), checkOneShots(model));
}
