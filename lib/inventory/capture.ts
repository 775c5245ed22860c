/**
 * What `dvpc inventory capture` takes from a cluster (SPEC §3), and how kubectl's output becomes
 * inventory files that change only when the cluster does: one file per kind, objects sorted by
 * namespace and name, and only the fields that describe the cluster rather than the moment.
 *
 * Removed: `managedFields`, resource versions, uids, timestamps, generations, owner references,
 * `kubectl.kubernetes.io/` and last-applied annotations (copies of a spec, which may hold anything), and
 * every status field except those the checks read: a Node's addresses and allocatable resources,
 * a lease's phase, a VM's phase, node and `Migratable` condition (without its times), a
 * StorageProfile's storage capabilities. Node annotations go too: they are the node agents'
 * running state. Of the module's admission webhooks only their names are kept: which ones exist
 * tells the module's edition (UPSTREAM-MIGRATION §2.7), for DVP504 and `dvpc drain`.
 *
 * The cluster configuration Secrets are decoded into the ClusterConfiguration and
 * StaticClusterConfiguration they hold, keeping only their network and version fields: the
 * inventory is committed to git, and the rest (proxy settings) can carry credentials.
 */
import type { JsonObject } from '../core/resource.ts';
import { parseEmbeddedYaml } from '../read/yaml.ts';
import { ADMISSION_WEBHOOK_CONFIG } from './live.ts';

/** One kind to capture: the kubectl arguments that list it and the file it is written to. */
export interface CaptureKind {
  /** What the notes call it. */
  readonly title: string;
  /** The file in the inventory folder. */
  readonly file: string;
  /** `kubectl` arguments before `-o json`. */
  readonly args: readonly string[];
  /** Turns one listed object into what is kept (undefined: nothing). */
  readonly keep: (o: JsonObject) => JsonObject | undefined;
}

function obj(v: unknown): JsonObject | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

/** Only these keys of an object, in this order, where present. */
function pick(o: JsonObject | undefined, keys: readonly string[]): JsonObject | undefined {
  if (!o) return undefined;
  const out: JsonObject = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k] as JsonObject[string];
  return Object.keys(out).length > 0 ? out : undefined;
}

const METADATA_KEPT = ['name', 'namespace', 'labels', 'annotations'] as const;

/** Metadata without what changes on every write (and without annotations when `annotations` is false). */
function metadata(o: JsonObject, annotations = true): JsonObject {
  const meta = obj(o['metadata']) ?? {};
  const out = pick(meta, annotations ? METADATA_KEPT : METADATA_KEPT.filter((k) => k !== 'annotations')) ?? {};
  const notes = obj(out['annotations']);
  if (notes) {
    const kept = Object.fromEntries(Object.entries(notes).filter(([k]) => !k.startsWith('kubectl.kubernetes.io/') && !k.includes('last-applied')));
    if (Object.keys(kept).length > 0) out['annotations'] = kept;
    else delete out['annotations'];
  }
  return out;
}

/** The object with clean metadata, its spec-like fields as they are, and only the given status fields. */
function cleaned(o: JsonObject, statusKept: readonly string[], options: { annotations?: boolean } = {}): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'metadata') out[k] = metadata(o, options.annotations ?? true);
    else if (k === 'status') {
      const status = pick(obj(v), statusKept);
      if (status) out[k] = status;
    } else out[k] = v as JsonObject[string];
  }
  return out;
}

/** A live VM: its spec, where it runs, and whether the module says it can migrate (no timestamps). */
function liveVm(o: JsonObject): JsonObject {
  const out = cleaned(o, ['phase', 'nodeName']);
  const conditions = Array.isArray(obj(o['status'])?.['conditions']) ? (obj(o['status'])?.['conditions'] as unknown[]) : [];
  const migratable = conditions.map(obj).find((c) => c?.['type'] === 'Migratable');
  const kept = pick(migratable, ['type', 'status', 'reason', 'message']);
  if (kept) out['status'] = { ...(obj(out['status']) ?? {}), conditions: [kept] };
  return out;
}

/** The module's admission webhook configuration: its name and its webhooks' names only. */
function admissionWebhooks(o: JsonObject): JsonObject | undefined {
  const hooks = Array.isArray(o['webhooks']) ? o['webhooks'] : [];
  const names = hooks.map((h) => obj(h)?.['name']).filter((n): n is string => typeof n === 'string').sort();
  return { apiVersion: o['apiVersion'] ?? 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: metadata(o, false), webhooks: names.map((name) => ({ name })) };
}

/** A Deckhouse configuration Secret's YAML document, decoded, with only the given fields. */
function decodedConfiguration(key: string, kind: string, fields: readonly string[]): (o: JsonObject) => JsonObject | undefined {
  return (secret) => {
    const raw = obj(secret['data'])?.[key];
    if (typeof raw !== 'string') return undefined;
    const doc = obj(parseEmbeddedYaml(Buffer.from(raw, 'base64').toString('utf8')));
    if (!doc || doc['kind'] !== kind) return undefined;
    return pick(doc, ['apiVersion', 'kind', ...fields]);
  };
}

const V = 'virtualization.deckhouse.io';

/** Every kind SPEC §3 reads, in the order they are captured. */
export const CAPTURE_KINDS: readonly CaptureKind[] = [
  { title: 'Nodes', file: 'nodes.yaml', args: ['get', 'nodes'], keep: (o) => {
    const spec = pick(obj(o['spec']), ['taints', 'unschedulable']);
    const status = pick(obj(o['status']), ['addresses', 'allocatable', 'capacity']);
    return { apiVersion: o['apiVersion'] ?? 'v1', kind: 'Node', metadata: metadata(o, false), ...(spec ? { spec } : {}), ...(status ? { status } : {}) };
  } },
  { title: 'StorageClasses', file: 'storageclasses.yaml', args: ['get', 'storageclasses.storage.k8s.io'], keep: (o) => cleaned(o, []) },
  { title: 'StorageProfiles', file: 'storageprofiles.yaml', args: ['get', `storageprofiles.storage.${V}`], keep: (o) => cleaned(o, ['claimPropertySets', 'cloneStrategy', 'dataImportCronSourceFormat', 'provisioner', 'snapshotClass', 'storageClass']) },
  { title: 'NodeGroups', file: 'nodegroups.yaml', args: ['get', 'nodegroups.deckhouse.io'], keep: (o) => cleaned(o, []) },
  {
    title: 'the cluster configuration (Secret kube-system/d8-cluster-configuration)', file: 'cluster-configuration.yaml',
    args: ['-n', 'kube-system', 'get', 'secret', 'd8-cluster-configuration'],
    keep: decodedConfiguration('cluster-configuration.yaml', 'ClusterConfiguration', ['clusterType', 'podSubnetCIDR', 'podSubnetNodeCIDRPrefix', 'serviceSubnetCIDR', 'kubernetesVersion', 'clusterDomain']),
  },
  {
    title: 'the static cluster configuration (Secret kube-system/d8-static-cluster-configuration)', file: 'static-cluster-configuration.yaml',
    args: ['-n', 'kube-system', 'get', 'secret', 'd8-static-cluster-configuration'],
    keep: decodedConfiguration('static-cluster-configuration.yaml', 'StaticClusterConfiguration', ['internalNetworkCIDRs']),
  },
  { title: 'VirtualMachineClasses', file: 'virtualmachineclasses.yaml', args: ['get', `virtualmachineclasses.${V}`], keep: (o) => cleaned(o, []) },
  { title: 'VirtualMachineIPAddressLeases', file: 'virtualmachineipaddressleases.yaml', args: ['get', `virtualmachineipaddressleases.${V}`], keep: (o) => cleaned(o, ['phase']) },
  { title: 'the ModuleConfig virtualization', file: 'moduleconfig.yaml', args: ['get', 'moduleconfigs.deckhouse.io', 'virtualization'], keep: (o) => cleaned(o, []) },
  { title: 'VirtualMachines', file: 'virtualmachines.yaml', args: ['get', `virtualmachines.${V}`, '--all-namespaces'], keep: liveVm },
  { title: "the module's admission webhooks", file: 'admission-webhooks.yaml', args: ['get', 'validatingwebhookconfigurations.admissionregistration.k8s.io', ADMISSION_WEBHOOK_CONFIG], keep: admissionWebhooks },
];

function sortKey(o: JsonObject): string {
  const meta = obj(o['metadata']) ?? {};
  return `${typeof meta['namespace'] === 'string' ? meta['namespace'] : ''}\u0000${typeof meta['name'] === 'string' ? meta['name'] : ''}`;
}

/** kubectl's JSON (one object, or a List) as the objects to write for a kind, sorted. */
export function captured(kind: CaptureKind, kubectlJson: string): JsonObject[] {
  const parsed = obj(JSON.parse(kubectlJson) as unknown);
  if (!parsed) throw new Error('kubectl printed no JSON object');
  const items = parsed['kind'] === 'List' || Array.isArray(parsed['items']) ? (Array.isArray(parsed['items']) ? parsed['items'] : []) : [parsed];
  const kept: JsonObject[] = [];
  for (const item of items) {
    const o = obj(item);
    const k = o ? kind.keep(o) : undefined;
    if (k) kept.push(k);
  }
  return kept.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}

/** The first line of every captured file: what it is, without anything that changes between runs. */
export function captureHeader(kind: CaptureKind): string {
  return `# ${kind.title}: kubectl ${kind.args.join(' ')} -o json, as dvpc inventory capture keeps it\n`;
}

/**
 * Why kubectl could not list a kind that the cluster may simply not have (the CRD of a module that
 * is off, the static configuration of a cloud cluster), or undefined for a real failure.
 */
export function absentKind(stderr: string): string | undefined {
  if (/the server doesn't have a resource type/.test(stderr)) return 'the cluster has no such resource type';
  if (/\(NotFound\)/.test(stderr)) return 'it does not exist in the cluster';
  return undefined;
}
