/**
 * Where each object of a cluster is written inside `dist/<cluster>/` (SPEC §4):
 *
 *   cluster/                     cluster-scoped objects (ModuleConfig, classes, ClusterVirtualImages)
 *   cluster/from-namespaces/     cluster-scoped objects made from namespaced ones (a
 *                                ClusterVirtualImage of a project's disk), applied after those
 *   namespaces/<ns>/             one project's objects, its Namespace included
 *   namespaces/<ns>/common/      ...of a project too large for one folder: what is not tied to a VM
 *   namespaces/<ns>/shard-NN/    ...and its VMs, each with its disks, address and attachments
 *
 * kustomize (what Flux runs) grows worse than quadratically with one build's size, so a folder
 * holds at most about 1,000 VMs' worth of objects. Shards are chosen by a hash of the VM name
 * over a power-of-two shard count: adding or removing a VM touches only its own shard, and when
 * a project doubles, each shard splits in two instead of everything moving.
 */
import { kindFile } from './order.ts';
import { compareObjects, kindRank } from '../core/kinds.ts';
import { identityKey, type JsonObject } from '../core/resource.ts';
import { referenceKey, referencesOf } from '../model/references.ts';
import { constructDiagnostic, type Diagnostic } from '../core/diagnostic.ts';
import { DvpcError } from '../core/errors.ts';
import { excerpt } from '../core/excerpt.ts';

/** A rendered object, ready to be placed. */
export interface PlacedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly body: JsonObject;
  readonly constructPath?: string | undefined;
}

export interface LayoutFile<T extends PlacedObject = PlacedObject> {
  /** File name inside its folder. */
  readonly name: string;
  /** Objects in dvpc's order. */
  readonly objects: T[];
}

export interface LayoutFolder<T extends PlacedObject = PlacedObject> {
  /** Folder path relative to the cluster's folder, with '/' separators. */
  readonly path: string;
  readonly files: LayoutFile<T>[];
}

/** VMs per folder before a project is sharded. */
export const VMS_PER_FOLDER = 1000;
/**
 * Objects per folder before a project is sharded. kustomize time grows with objects and bytes:
 * measured here, 1,000 VMs with their disks take about 3 s, the same VMs with addresses and
 * cloud-init Secrets (2,800 objects) 11 s, 1,960 such objects 5.3 s. 1,500 keeps every folder
 * at or below the 1,000-VM cost.
 */
export const OBJECTS_PER_FOLDER = 1500;
/** The average number of VMs a shard is sized for, leaving room for the hash's unevenness. */
const VMS_PER_SHARD_TARGET = 800;

/** FNV-1a, 32 bits: a stable, fast, well-spread hash of a name. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function shardCount(vms: number, objects: number): number {
  const units = Math.max(Math.ceil(vms / VMS_PER_SHARD_TARGET), Math.ceil(objects / (OBJECTS_PER_FOLDER * 0.8)));
  let s = 1;
  while (s < units) s *= 2;
  return s;
}

function strArr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function specOf(o: PlacedObject): Record<string, unknown> {
  const s = o.body['spec'];
  return s !== null && typeof s === 'object' && !Array.isArray(s) ? (s as Record<string, unknown>) : {};
}

/**
 * The VM each object of a namespace belongs with: a VM's disks (blockDeviceRefs), its address
 * claim, its attachments, and a Secret only it uses. Objects shared or tied to no VM map to none.
 */
function ownerVms(objects: readonly PlacedObject[]): Map<PlacedObject, string> {
  const owner = new Map<PlacedObject, string>();
  // One map per kind a VM refers to, by name: no key to build per object.
  const disks = new Map<string, PlacedObject>();
  const claims = new Map<string, PlacedObject>();
  const secrets = new Map<string, PlacedObject>();
  for (const o of objects) {
    const byName = o.kind === 'VirtualDisk' ? disks : o.kind === 'VirtualMachineIPAddress' ? claims : o.kind === 'Secret' ? secrets : undefined;
    byName?.set(o.name, o);
  }
  // The one VM that uses each Secret, or null once a second one does.
  const secretUser = new Map<string, string | null>();
  for (const vm of objects) {
    if (vm.kind !== 'VirtualMachine') continue;
    owner.set(vm, vm.name);
    const spec = specOf(vm);
    for (const ref of strArr(spec['blockDeviceRefs'])) {
      const r = ref as { kind?: unknown; name?: unknown };
      if (r.kind === 'VirtualDisk' && typeof r.name === 'string') {
        const disk = disks.get(r.name);
        if (disk && !owner.has(disk)) owner.set(disk, vm.name);
      }
    }
    const ip = spec['virtualMachineIPAddressName'];
    if (typeof ip === 'string') {
      const claim = claims.get(ip);
      if (claim && !owner.has(claim)) owner.set(claim, vm.name);
    }
    const prov = spec['provisioning'] as { userDataRef?: { name?: unknown }; sysprepRef?: { name?: unknown } } | undefined;
    const secretName = prov?.userDataRef?.name ?? prov?.sysprepRef?.name;
    if (typeof secretName === 'string') {
      const user = secretUser.get(secretName);
      secretUser.set(secretName, user === undefined || user === vm.name ? vm.name : null);
    }
  }
  for (const [secretName, user] of secretUser) {
    const secret = secrets.get(secretName);
    if (secret && user !== null) owner.set(secret, user);
  }
  for (const o of objects) {
    if (o.kind !== 'VirtualMachineBlockDeviceAttachment') continue;
    const vmName = specOf(o)['virtualMachineName'];
    if (typeof vmName === 'string') owner.set(o, vmName);
  }
  return owner;
}

/** Objects that go to a shard by their own name when no VM claims them. */
const SHARDED_ALONE = new Set(['VirtualDisk', 'VirtualMachineIPAddress', 'VirtualMachineBlockDeviceAttachment', 'VirtualMachine']);

function folderOfNamespace<T extends PlacedObject>(ns: string, objects: readonly T[]): Map<string, T[]> {
  const folders = new Map<string, T[]>();
  const push = (path: string, o: T) => {
    const list = folders.get(path);
    if (list) list.push(o);
    else folders.set(path, [o]);
  };
  const vms = objects.filter((o) => o.kind === 'VirtualMachine').length;
  const base = `namespaces/${ns}`;
  if (vms <= VMS_PER_FOLDER && objects.length <= OBJECTS_PER_FOLDER) {
    for (const o of objects) push(base, o);
    return folders;
  }
  const shards = shardCount(vms, objects.length);
  const width = String(shards - 1).length;
  const owner = ownerVms(objects);
  for (const o of objects) {
    const vm = owner.get(o);
    const key = vm ?? (SHARDED_ALONE.has(o.kind) ? `${o.kind}/${o.name}` : undefined);
    if (key === undefined) push(`${base}/common`, o);
    else push(`${base}/shard-${String(fnv1a(key) % shards).padStart(width, '0')}`, o);
  }
  return folders;
}

/**
 * The folder of cluster-scoped objects that reference namespaced objects of the cluster. In
 * `cluster/` they would be applied before the projects that hold what they are made from (Flux
 * applies `cluster/` first), so they get a folder of their own that waits for those projects.
 */
export const CLUSTER_FROM_NAMESPACES = 'cluster/from-namespaces';

/** Places a cluster's objects into folders and files, everything in dvpc's fixed order. */
export function layout<T extends PlacedObject>(objects: readonly T[]): LayoutFolder<T>[] {
  let namespaced: Set<string> | undefined;
  const madeFromNamespaces = (o: T) => referencesOf(o).some((ref) => {
    if (ref.namespace === undefined) return false;
    namespaced ??= new Set(objects.filter((x) => x.namespace !== undefined).map((x) => identityKey(x)));
    return namespaced.has(referenceKey(ref));
  });
  const late: T[] = [];
  const clusterScoped: T[] = [];
  const byNamespace = new Map<string, T[]>();
  for (const o of objects) {
    // A project's Namespace travels with the project's folder, so that a project is one unit.
    const ns = o.kind === 'Namespace' && o.apiVersion === 'v1' ? o.name : o.namespace;
    if (ns === undefined) {
      if (madeFromNamespaces(o)) late.push(o);
      else clusterScoped.push(o);
    } else {
      const list = byNamespace.get(ns);
      if (list) list.push(o);
      else byNamespace.set(ns, [o]);
    }
  }
  const folders = new Map<string, T[]>();
  if (clusterScoped.length > 0) folders.set('cluster', clusterScoped);
  if (late.length > 0) folders.set(CLUSTER_FROM_NAMESPACES, late);
  for (const [ns, list] of byNamespace) {
    for (const [path, objs] of folderOfNamespace(ns, list)) folders.set(path, objs);
  }
  return [...folders.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, objs]) => ({ path, files: filesOf(objs) }));
}

function filesOf<T extends PlacedObject>(objects: readonly T[]): LayoutFile<T>[] {
  const byFile = new Map<string, T[]>();
  for (const o of [...objects].sort(compareObjects)) {
    const name = objectFile(o.kind);
    const list = byFile.get(name);
    if (list) list.push(o);
    else byFile.set(name, [o]);
  }
  return [...byFile.entries()]
    .map(([name, objs]) => ({ name, objects: objs }))
    .sort((a, b) => kindRank(a.objects[0]?.kind ?? '') - kindRank(b.objects[0]?.kind ?? '') || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A kind: an identifier, as Kubernetes kinds are (`VirtualMachine`, `ConfigMap`). */
const KIND = /^[A-Za-z][A-Za-z0-9]{0,62}$/;
/** A namespace: a DNS-1123 label. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Why an object cannot be given a place in the output tree: its namespace becomes a folder and
 * its kind a file name, so each must be what Kubernetes allows before it is used as a path,
 * whatever construct made the object. The name is held to what the API server accepts for any
 * object (a path segment: not "." or "..", no "/" or "%"); DNS rules per kind are the checker's.
 */
export function placementProblems(o: Pick<PlacedObject, 'apiVersion' | 'kind' | 'name' | 'namespace'>): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  if (!KIND.test(o.kind)) out.push({ field: 'kind', message: `kind ${excerpt(o.kind)} is not an identifier (letters and digits, starting with a letter): it cannot name a file of the output` });
  if (o.namespace !== undefined && !NAMESPACE.test(o.namespace)) {
    out.push({ field: 'metadata.namespace', message: `namespace ${excerpt(o.namespace)} is not a DNS-1123 label (at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit): it cannot name a folder of the output` });
  }
  if (o.kind === 'Namespace' && o.apiVersion === 'v1' && !NAMESPACE.test(o.name)) {
    out.push({ field: 'metadata.name', message: `the Namespace name ${excerpt(o.name)} is not a DNS-1123 label: it cannot name a folder of the output` });
  } else if (o.name.length === 0 || o.name.length > 253 || o.name === '.' || o.name === '..' || /[/%]/.test(o.name)) {
    out.push({ field: 'metadata.name', message: `name ${excerpt(o.name)} is not a name Kubernetes accepts for any object (1 to 253 characters, not "." or "..", no "/" or "%")` });
  }
  return out;
}

/**
 * Splits objects into those that can be placed and DVP003 for the others, each naming its
 * construct: an object whose namespace, kind or name cannot safely become a path is never laid
 * out, so nothing is written outside the output folder whatever made it.
 */
export function screenPlacement<T extends PlacedObject>(objects: readonly T[], constructPathOf: (o: T) => string | undefined = (o) => o.constructPath): { placeable: T[]; diagnostics: Diagnostic[] } {
  const placeable: T[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const o of objects) {
    const problems = placementProblems(o);
    if (problems.length === 0) {
      placeable.push(o);
      continue;
    }
    for (const p of problems) {
      diagnostics.push(constructDiagnostic(new DvpcError('DVP003', p.message, 'use a DNS-1123 label for the namespace (lower-case letters, digits, "-"), an identifier for the kind, and a valid name', constructPathOf(o), p.field)));
    }
  }
  return { placeable, diagnostics };
}

/** The names kustomize reads as a folder's own configuration, in any case. */
const KUSTOMIZATION_FILE = /^kustomization(\.ya?ml)?$/i;

/**
 * The file a kind's objects are written to: `kindFile`'s name, except that no object file may
 * take the name of the folder's kustomization file (the Flux `Kustomization` kind would otherwise
 * be overwritten by it, and listed as the folder's own configuration).
 */
export function objectFile(kind: string): string {
  const name = kindFile(kind);
  return KUSTOMIZATION_FILE.test(name) ? `${name.replace(/\.ya?ml$/i, '').toLowerCase()}-objects.yaml` : name;
}
