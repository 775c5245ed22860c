/**
 * The inventory: what the cluster already is (SPEC §3), read from a folder of objects as kubectl
 * prints them. Unknown kinds are ignored; a malformed file is a diagnostic, never a crash.
 */
import { diagnose, fileDiagnostic, type Diagnostic } from '../core/diagnostic.ts';
import { identityKey, resourceId, toResource, type JsonObject, type Resource } from '../core/resource.ts';
import { parseQuantity, toMilli, toUnits, type Quantity } from '../core/quantity.ts';
import { excerpt } from '../core/excerpt.ts';
import type { LoadedObject } from '../read/yaml.ts';
import type { Inventory, InventoryNode, InventoryLease, Taint } from './types.ts';
import { loadManifests } from '../read/files.ts';
import { parseEmbeddedYaml } from '../read/yaml.ts';
import { editionOfClusterRole, editionOfVm, editionOfWebhooks, readLiveVm, readStorageProfile } from './live.ts';

export type { Inventory, InventoryNode, InventoryLease, Taint } from './types.ts';

function obj(v: unknown): JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : {};
}
/** Labels and the like: no prototype, so a key such as `constructor` looked up is only ever the input's. */
function strMap(v: unknown): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [k, val] of Object.entries(obj(v))) if (typeof val === 'string') out[k] = val;
  return out;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function readNode(body: JsonObject): InventoryNode {
  const meta = obj(body['metadata']);
  const spec = obj(body['spec']);
  const status = obj(body['status']);
  const taints: Taint[] = (Array.isArray(spec['taints']) ? spec['taints'] : []).map((t) => {
    const o = obj(t);
    return { key: str(o['key']) ?? '', value: str(o['value']), effect: str(o['effect']) ?? '' };
  });
  const addresses = (Array.isArray(status['addresses']) ? status['addresses'] : []).map((a) => ({ type: str(obj(a)['type']) ?? '', address: str(obj(a)['address']) ?? '' }));
  const alloc = obj(status['allocatable']);
  const cpuQ = allocatable(alloc['cpu']);
  const memQ = allocatable(alloc['memory']);
  return {
    name: str(meta['name']) ?? '',
    labels: strMap(meta['labels']),
    taints,
    unschedulable: spec['unschedulable'] === true,
    addresses,
    allocatableMilliCpu: cpuQ ? toMilli(cpuQ) : undefined,
    allocatableMemory: memQ ? toUnits(memQ) : undefined,
  };
}

/** An allocatable amount: a quantity that is not negative, else undefined (unknown, never 0). */
function allocatable(v: unknown): Quantity | undefined {
  const q = typeof v === 'string' || typeof v === 'number' ? parseQuantity(v) : undefined;
  return q && q.nanos >= 0n ? q : undefined;
}

/**
 * DVP002 for a Node's allocatable cpu or memory that is not a quantity (`memory: lots`): such a
 * node would count as holding nothing and hide a real capacity problem.
 */
function allocatableProblems(r: Resource): Diagnostic[] {
  const alloc = obj(obj(r.body['status'])['allocatable']);
  const out: Diagnostic[] = [];
  for (const key of ['cpu', 'memory']) {
    const v = alloc[key];
    if (v === undefined || allocatable(v) !== undefined) continue;
    out.push(diagnose('DVP002', r, ['status', 'allocatable', key], `allocatable ${key} ${excerpt(v)} is not a quantity of at least 0, so this node's capacity is unknown`, `capture the node again with kubectl get nodes -o yaml (a quantity such as ${key === 'cpu' ? '"16" or "15500m"' : '"64Gi"'})`));
  }
  return out;
}

/**
 * The inventory's objects keyed by identity (group, kind, namespace, name): a second listing of
 * the same object is DVP006 on the later one and is not read, so a Node captured twice does not
 * count twice (SPEC §3).
 */
function withoutDuplicates(objects: readonly LoadedObject[], diagnostics: Diagnostic[]): LoadedObject[] {
  const first = new Map<string, Resource>();
  const out: LoadedObject[] = [];
  for (const o of objects) {
    const r = toResource(o.body, o.origin, 'default');
    if (r.kind === '' || r.name === '' || r.name.endsWith('*')) {
      out.push(o);
      continue;
    }
    const key = identityKey(r);
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, r);
      out.push(o);
      continue;
    }
    const line = earlier.origin.line([]);
    diagnostics.push(diagnose('DVP006', r, ['metadata', 'name'], `${resourceId(r).slice(0, 200)} is listed twice in the inventory; the first listing, at ${earlier.origin.file}${line ? `:${line}` : ''}, is the one read`, 'remove one of the two listings (capture each kind once)'));
  }
  return out;
}

/** `ip-10-66-10-5` → `10.66.10.5`, as the module names leases. */
export function leaseNameToIp(name: string): string | undefined {
  const m = /^ip-(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})$/.exec(name);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((n) => n <= 255) ? parts.join('.') : undefined;
}

function readClusterConfiguration(body: JsonObject, inv: MutableInventory): void {
  inv.podSubnetCIDR = str(body['podSubnetCIDR']) ?? inv.podSubnetCIDR;
  inv.serviceSubnetCIDR = str(body['serviceSubnetCIDR']) ?? inv.serviceSubnetCIDR;
  inv.kubernetesVersion = str(body['kubernetesVersion']) ?? inv.kubernetesVersion;
}

type MutableInventory = { -readonly [K in keyof Inventory]: Inventory[K] };

/** Loads every inventory file under `dir`. */
export function loadInventory(dir: string): Inventory {
  const loaded = loadManifests([dir]);
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const inv: MutableInventory = {
    dir,
    files: loaded.files,
    nodes: [],
    storageClasses: new Map(),
    nodeNetworks: [],
    nodeGroups: new Map(),
    classes: [],
    leases: [],
    moduleConfig: undefined,
    storageProfiles: new Map(),
    virtualMachines: undefined,
    editionSignals: [],
    podSubnetCIDR: undefined,
    serviceSubnetCIDR: undefined,
    kubernetesVersion: undefined,
    diagnostics,
  };
  for (const { body, origin } of withoutDuplicates(loaded.objects, diagnostics)) {
    const kind = str(body['kind']);
    const apiVersion = str(body['apiVersion']) ?? '';
    const meta = obj(body['metadata']);
    const name = str(meta['name']) ?? '';
    switch (kind) {
      case 'Node':
        inv.nodes.push(readNode(body));
        diagnostics.push(...allocatableProblems(toResource(body, origin, 'default')));
        break;
      case 'StorageClass':
        inv.storageClasses.set(name, {
          name,
          provisioner: str(body['provisioner']),
          labels: strMap(meta['labels']),
          isDefault: strMap(meta['annotations'])['storageclass.kubernetes.io/is-default-class'] === 'true',
          annotations: strMap(meta['annotations']),
        });
        break;
      case 'ClusterConfiguration':
        readClusterConfiguration(body, inv);
        break;
      case 'StaticClusterConfiguration':
        for (const c of Array.isArray(body['internalNetworkCIDRs']) ? body['internalNetworkCIDRs'] : []) if (typeof c === 'string') inv.nodeNetworks.push(c);
        break;
      case 'Secret': {
        if (name !== 'd8-cluster-configuration' || str(meta['namespace']) !== 'kube-system') break;
        const data = obj(body['data']);
        const raw = str(data['cluster-configuration.yaml']);
        if (!raw) break;
        try {
          readClusterConfiguration(obj(parseEmbeddedYaml(Buffer.from(raw, 'base64').toString('utf8'))), inv);
        } catch (e) {
          diagnostics.push(fileDiagnostic('DVP001', origin.file, origin.line([]), `the cluster configuration in Secret kube-system/d8-cluster-configuration cannot be read: ${(e as Error).message}`, 'export the Secret again with kubectl get -o yaml'));
        }
        break;
      }
      case 'NodeGroup':
        inv.nodeGroups.set(name, { name, fencingMode: str(obj(obj(body['spec'])['fencing'])['mode']) });
        break;
      case 'VirtualMachineClass':
        if (apiVersion.startsWith('virtualization.deckhouse.io/')) inv.classes.push(toResource(body, origin, 'default'));
        break;
      case 'VirtualMachineIPAddressLease': {
        const ref = obj(obj(body['spec'])['virtualMachineIPAddressRef']);
        const lease: InventoryLease = {
          name,
          ip: leaseNameToIp(name),
          claim: str(ref['name']) !== undefined ? { name: str(ref['name']) ?? '', namespace: str(ref['namespace']) ?? '' } : undefined,
          released: str(obj(body['status'])['phase']) === 'Released',
        };
        inv.leases.push(lease);
        break;
      }
      case 'ModuleConfig':
        if (name === 'virtualization') inv.moduleConfig = toResource(body, origin, 'default');
        break;
      case 'StorageProfile': {
        const profile = readStorageProfile(body);
        if (profile) inv.storageProfiles.set(profile.name, profile);
        break;
      }
      case 'VirtualMachine': {
        const vm = readLiveVm(body, origin);
        if (vm) (inv.virtualMachines ??= []).push(vm);
        const signal = vm && editionOfVm(vm);
        if (signal) inv.editionSignals.push(signal);
        break;
      }
      case 'ValidatingWebhookConfiguration':
      case 'ClusterRole': {
        const signal = kind === 'ClusterRole' ? editionOfClusterRole(body) : editionOfWebhooks(body);
        if (signal) inv.editionSignals.push(signal);
        break;
      }
      default:
        break;
    }
  }
  return inv;
}

/** Label families the module reads (each counts only with the value "true"); kubevirt spellings too. */
const CPU_FEATURE = /^cpu-feature\.node\.(?:virtualization\.deckhouse\.io|kubevirt\.io)\/(.+)$/;
const CPU_MODEL = /^cpu-model\.node\.(?:virtualization\.deckhouse\.io|kubevirt\.io)\/(.+)$/;
const HOST_MODEL = /^host-model-cpu\.node\.(?:virtualization\.deckhouse\.io|kubevirt\.io)\/(.+)$/;
export const KVM_ENABLED = 'virtualization.deckhouse.io/kvm-enabled';

function labelled(node: InventoryNode, re: RegExp): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(node.labels)) {
    const m = re.exec(k);
    if (m && v === 'true') out.push(m[1] as string);
  }
  return [...new Set(out)].sort();
}

export const cpuFeatures = (n: InventoryNode): string[] => labelled(n, CPU_FEATURE);
export const cpuModels = (n: InventoryNode): string[] => labelled(n, CPU_MODEL);
export const hostModels = (n: InventoryNode): string[] => labelled(n, HOST_MODEL);

/** Whether any inventory file was read and gave objects the checks can use. */
export function isEmptyInventory(inv: Inventory): boolean {
  return inv.nodes.length === 0 && inv.storageClasses.size === 0 && inv.leases.length === 0 && inv.classes.length === 0 && inv.moduleConfig === undefined
    && inv.storageProfiles.size === 0 && inv.virtualMachines === undefined;
}

export type { Resource };
