/**
 * Live-migration eligibility (UPSTREAM-MIGRATION §2): for each VM, the nodes it may run on (its
 * class's placement and its own), the nodes it may move among (its migration domain), and why it
 * cannot move at all: what makes the module's `Migratable` condition False or its VM-operation
 * webhook refuse an Evict (ReadWriteOnce disks or images in CE, GPUs), what makes a move unsafe
 * (a host-passthrough class over several CPU models), and placements that leave one node only.
 * Pure: a function of the model and its inventory; the drain and DVP504 both ask here.
 */
import type { ClassInfo, ClusterModel } from './cluster-model.ts';
import type { Resource } from '../core/resource.ts';
import type { FieldPath } from '../core/json.ts';
import type { InventoryNode } from '../inventory/types.ts';
import type { NodeLabelSelector, Toleration } from '../schema/common.ts';
import { hostModels } from '../inventory/load.ts';
import { isVmNode, placeClass, selectorMatches, type ClassPlacement } from './placement.ts';
import { effectiveCoreFraction } from './sizing.ts';
import { quantityBytes } from '../core/quantity.ts';
import { predictVolumes, type PredictedModes, type VolumePrediction } from './storage-modes.ts';
import { editionOf, editionPhrase, type EditionInfo } from './edition.ts';

/** runPolicy values under which the module keeps a VM running. */
export const MUST_RUN: ReadonlySet<string> = new Set(['AlwaysOn', 'AlwaysOnUnlessStoppedManually']);
/** The nodeSelector the module adds to a VM with USB devices: USB/IP goes through gateway nodes. */
export const USB_GATEWAY_LABEL = 'virtualization.deckhouse.io/usb-gateway';
/** The ModuleConfig annotation that overrides every VM's liveMigrationPolicy (read at controller start). */
export const SYSTEM_MIGRATION_POLICY = 'virtualization.deckhouse.io/system-migration-policy';
const POLICIES = new Set(['AlwaysSafe', 'PreferSafe', 'AlwaysForced', 'PreferForced', 'Manual', 'Never']);

type Term = { matchExpressions?: NodeLabelSelector['matchExpressions']; matchFields?: NodeLabelSelector['matchExpressions'] };

/** The parts of a VM spec that decide where it runs and whether it can move. */
export interface VmSpecShape {
  virtualMachineClassName: string;
  runPolicy: string;
  cpu: { cores: number; coreFraction?: string | undefined };
  memory: { size: string };
  blockDeviceRefs: { kind?: string | undefined; name?: string | undefined }[];
  nodeSelector?: Record<string, string> | undefined;
  tolerations?: Toleration[] | undefined;
  affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: Term[] } | undefined } | undefined } | undefined;
  usbDevices?: { name: string }[] | undefined;
  gpus?: { gpuClassName: string }[] | undefined;
  liveMigrationPolicy?: string | undefined;
}

/** Where a class's VMs can move: anywhere among its nodes, or only among nodes of the source's CPU model. */
export interface MigrationDomain {
  readonly by: 'class' | 'cpu-model';
  /** One group for `class`; one per CPU model for `cpu-model` (a node without a model label is its own group). */
  readonly groups: readonly { readonly model: string | undefined; readonly nodes: readonly InventoryNode[] }[];
}

const MODEL_KEYS = new WeakMap<InventoryNode, string>();

/** The node's host CPU model ('' when unlabelled), as the host-model-cpu labels say; computed once per node. */
export function cpuModelOf(n: InventoryNode): string {
  let key = MODEL_KEYS.get(n);
  if (key === undefined) {
    key = hostModels(n).join('+');
    MODEL_KEYS.set(n, key);
  }
  return key;
}

/**
 * Host (host-model) VMs move only to nodes of the source's host model, which KubeVirt enforces;
 * HostPassthrough VMs need the identical CPU (admin guide), which KubeVirt does not enforce.
 * Discovery, Model and Features classes already confine their VMs to the class's nodes.
 */
export function migrationDomain(cls: Pick<ClassInfo, 'cpu'>, nodes: readonly InventoryNode[]): MigrationDomain {
  const type = cls.cpu?.type;
  if (type !== 'Host' && type !== 'HostPassthrough') return { by: 'class', groups: [{ model: undefined, nodes }] };
  const groups = new Map<string, { model: string | undefined; nodes: InventoryNode[] }>();
  for (const n of nodes) {
    const model = cpuModelOf(n) || undefined;
    const key = model ?? `\u0000${n.name}`;
    const g = groups.get(key) ?? { model, nodes: [] };
    g.nodes.push(n);
    groups.set(key, g);
  }
  return { by: 'cpu-model', groups: [...groups.values()] };
}

/** "Icelake (prod-worker-0, prod-worker-1); unknown model (n3)". */
export function describeDomain(d: MigrationDomain, limit = 6): string {
  const names = (ns: readonly InventoryNode[]) => `${ns.slice(0, limit).map((n) => n.name).join(', ')}${ns.length > limit ? `, … ${ns.length - limit} more` : ''}`;
  if (d.by === 'class') return names(d.groups[0]?.nodes ?? []) || 'no node';
  return d.groups.map((g) => `${g.model ?? 'unknown CPU model'}: ${names(g.nodes)}`).join('; ') || 'no node';
}

export interface Blocker {
  readonly kind: 'storage' | 'device' | 'cpu' | 'placement';
  /** About this VM, naming its disk or device. */
  readonly message: string;
  /** The same reason without what is particular to the VM, for a message about many VMs. */
  readonly shared: string;
  readonly path: FieldPath;
}

/** How to lift each kind of blocker. */
export const BLOCKER_HINTS: Readonly<Record<Blocker['kind'], string>> = {
  storage: 'put the disks on ReadWriteMany storage (a StorageClass whose StorageProfile offers RWX, or the virtualdisk.virtualization.deckhouse.io/access-mode annotation), or pass --edition EE if the cluster runs another edition than CE',
  device: 'plan to stop the VM for maintenance: VMs with host devices cannot move',
  cpu: 'keep the host-passthrough class on nodes of one CPU model (select the host-model-cpu label), or use a Discovery class',
  placement: 'let the VM run on more than one node: widen its class\'s or its own nodeSelector, or add nodes of its CPU model',
};

/** The hints for a VM's blockers, each once. */
export function blockerHint(blockers: readonly Blocker[]): string {
  return [...new Set(blockers.map((b) => BLOCKER_HINTS[b.kind]))].join('; ');
}

export interface VmMigration {
  readonly vm: Resource;
  readonly spec: VmSpecShape;
  readonly cls: ClassInfo;
  readonly placement: ClassPlacement;
  readonly mustRun: boolean;
  /** Nodes the VM may run on: its class's available nodes, narrowed by its own selectors, affinity, tolerations and USB. */
  readonly nodes: readonly InventoryNode[];
  readonly domain: MigrationDomain;
  /** Why it cannot live-migrate from wherever it runs. Empty: it can, given a target. */
  readonly blockers: readonly Blocker[];
  /** What else a migration of it involves (storage copy, CPU throttling, USB re-attach). */
  readonly notes: readonly string[];
  /** What it requests: cores × core fraction, in millicores; memory in bytes. */
  readonly cpuMilli: bigint;
  readonly memory: bigint;
}

function termMatches(term: Term, node: InventoryNode): boolean {
  return selectorMatches({ matchExpressions: term.matchExpressions }, node.labels)
    && selectorMatches({ matchExpressions: term.matchFields }, { 'metadata.name': node.name });
}

/** Whether the VM's own placement allows the node (nodeSelector, required node affinity, USB gateway). */
function vmAllows(spec: VmSpecShape, node: InventoryNode): boolean {
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (node.labels[k] !== v) return false;
  if ((spec.usbDevices?.length ?? 0) > 0 && node.labels[USB_GATEWAY_LABEL] !== 'true') return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return !terms || terms.length === 0 || terms.some((t) => termMatches(t, node));
}

/** Whether the VM narrows its class's placement itself (then its nodes are its own, not the class's). */
function ownPlacement(spec: VmSpecShape): boolean {
  return Object.keys(spec.nodeSelector ?? {}).length > 0 || (spec.tolerations?.length ?? 0) > 0 || (spec.usbDevices?.length ?? 0) > 0
    || spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution !== undefined;
}

function quote(names: readonly string[], limit = 4): string {
  return `${names.slice(0, limit).join(', ')}${names.length > limit ? `, … ${names.length - limit} more` : ''}`;
}

/**
 * The migration analysis of one model: placements per class and predicted volumes are computed
 * once and shared by every VM.
 */
export class MigrationAnalysis {
  readonly edition: EditionInfo;
  readonly volumes: ReadonlyMap<Resource, VolumePrediction>;
  /** The effective system-wide policy override, if the ModuleConfig sets a valid one. */
  readonly systemPolicy: string | undefined;
  private readonly placements = new Map<string, ClassPlacement>();
  private readonly attachments = new Map<string, { kind: string; name: string }[]>();
  /** CE's rule, said the same way in every storage blocker. */
  private readonly ceRule: string;
  /** Per predicted modes (shared by the volumes of one class) and kind: how a blocker says it. */
  private readonly storageWords = new Map<PredictedModes, Map<string, { on: string; shared: string }>>();
  /** Per class, for VMs that add no placement of their own: their nodes, domain and CPU blockers. */
  private readonly classLevel = new Map<string, { nodes: InventoryNode[]; domain: MigrationDomain; cpu: Blocker[] }>();

  constructor(readonly model: ClusterModel) {
    this.edition = editionOf(model);
    this.ceRule = `${editionPhrase(this.edition)} live-migrates only VMs whose disks and images are all ReadWriteMany`;
    this.volumes = predictVolumes(model);
    const mc = model.moduleConfig()?.resource ?? model.inventory?.moduleConfig;
    const ann = (mc?.body['metadata'] as { annotations?: Record<string, unknown> } | undefined)?.annotations?.[SYSTEM_MIGRATION_POLICY];
    // An invalid value is ignored by the module.
    this.systemPolicy = typeof ann === 'string' && POLICIES.has(ann) ? ann : undefined;
    for (const r of model.ofKind('VirtualMachineBlockDeviceAttachment')) {
      const spec = model.valid<{ spec: { virtualMachineName: string; blockDeviceRef: { kind?: string; name?: string } } }>(r)?.spec;
      if (!spec?.blockDeviceRef.kind || !spec.blockDeviceRef.name) continue;
      const key = `${r.namespace}/${spec.virtualMachineName}`;
      const list = this.attachments.get(key) ?? [];
      list.push({ kind: spec.blockDeviceRef.kind, name: spec.blockDeviceRef.name });
      this.attachments.set(key, list);
    }
  }

  /** The class's placement on the inventory (undefined without an inventory). */
  placement(cls: ClassInfo): ClassPlacement | undefined {
    const inv = this.model.inventory;
    if (!inv) return undefined;
    let p = this.placements.get(cls.name);
    if (!p) {
      p = placeClass(inv, cls);
      this.placements.set(cls.name, p);
    }
    return p;
  }

  /**
   * Whether a VM that must run may be kept from moving: a cheap first look that builds nothing, so
   * that DVP504 analyses in full only the VMs a blocker may hold (a fleet's VMs mostly move).
   * False means `analyse` would find no blocker on a VM that must run; true means look closer.
   */
  mayBlock(vm: Resource): boolean {
    const spec = this.model.valid<{ spec: VmSpecShape }>(vm)?.spec;
    if (!spec || !MUST_RUN.has(spec.runPolicy)) return false;
    const cls = this.model.classes().get(spec.virtualMachineClassName);
    if (!cls?.valid || ownPlacement(spec) || (spec.gpus?.length ?? 0) > 0) return true;
    const level = this.classLevel.get(cls.name);
    if (!level || level.cpu.length > 0 || this.attachments.has(`${vm.namespace}/${vm.name}`)) return true;
    for (const b of spec.blockDeviceRefs) {
      if (b.kind !== 'VirtualDisk' && b.kind !== 'VirtualImage') continue;
      const r = b.name === undefined ? undefined : this.model.find(b.kind, vm.namespace, b.name);
      const v = r ? this.volumes.get(r) : undefined;
      if (v && v.modes.accessMode !== 'ReadWriteMany') return true;
    }
    return false;
  }

  /** The VM's eligibility, or undefined when it does not fit its schema, its class is unknown, or there is no inventory. */
  analyse(vm: Resource): VmMigration | undefined {
    const spec = this.model.valid<{ spec: VmSpecShape }>(vm)?.spec;
    const cls = spec ? this.model.classes().get(spec.virtualMachineClassName) : undefined;
    if (!spec || !cls?.valid) return undefined;
    const placement = this.placement(cls);
    if (!placement) return undefined;
    const own = ownPlacement(spec);
    let level = own ? undefined : this.classLevel.get(cls.name);
    if (!level) {
      const tolerations = [...(spec.tolerations ?? []), ...cls.tolerations];
      const nodes = placement.available.filter((n) => isVmNode(n, tolerations) && vmAllows(spec, n));
      const domain = migrationDomain(cls, nodes);
      level = { nodes, domain, cpu: this.cpuBlockers(cls, domain, nodes) };
      if (!own) this.classLevel.set(cls.name, level);
    }
    const { nodes, domain } = level;
    const notes: string[] = [];
    const storage = this.storageBlockers(vm, spec, notes);
    const devices = this.deviceBlockers(spec, notes);
    const blockers = storage.length + devices.length === 0 ? level.cpu : [...storage, ...devices, ...level.cpu];
    const policy = this.systemPolicy ?? spec.liveMigrationPolicy ?? 'PreferSafe';
    if (policy === 'AlwaysForced' || policy === 'PreferForced') {
      notes.push(`liveMigrationPolicy ${policy}${this.systemPolicy ? ' (the ModuleConfig\'s system-migration-policy)' : ''}: AutoConverge throttles the guest's CPU until the copy converges`);
    }
    return {
      vm, spec, cls, placement, nodes, domain, blockers, notes,
      mustRun: MUST_RUN.has(spec.runPolicy),
      // What the VM requests matters to a drain's capacity only: computed when asked for.
      get cpuMilli() {
        const fraction = effectiveCoreFraction(cls.policies, spec.cpu.cores, spec.cpu.coreFraction);
        return (BigInt(spec.cpu.cores) * 1000n * BigInt(fraction) + 99n) / 100n;
      },
      get memory() {
        return quantityBytes(spec.memory.size) ?? 0n;
      },
    };
  }

  /** The nodes the VM can move to from `source` (every node of its domain when the source is unknown), never the source. */
  targets(m: VmMigration, source: string | undefined): InventoryNode[] {
    const group = m.domain.by === 'class' || source === undefined
      ? m.domain.groups.flatMap((g) => g.nodes)
      : (m.domain.groups.find((g) => g.nodes.some((n) => n.name === source))?.nodes ?? []);
    return group.filter((n) => n.name !== source);
  }

  /** Disks and images on storage that is not ReadWriteMany: refused in CE, copied elsewhere (§2.2, §2.5). */
  private storageBlockers(vm: Resource, spec: VmSpecShape, notes: string[]): Blocker[] {
    const out: Blocker[] = [];
    // Most VMs have every disk on ReadWriteMany storage: nothing is built for them but lookups.
    spec.blockDeviceRefs.forEach((b, i) => {
      if (b.kind && b.name) this.storageBlocker(vm, b.kind, b.name, ['spec', 'blockDeviceRefs', i], out, notes);
    });
    for (const a of this.attachments.get(`${vm.namespace}/${vm.name}`) ?? []) this.storageBlocker(vm, a.kind, a.name, ['spec', 'blockDeviceRefs'], out, notes);
    return out;
  }

  private storageBlocker(vm: Resource, kind: string, name: string, path: FieldPath, out: Blocker[], notes: string[]): void {
    if (kind !== 'VirtualDisk' && kind !== 'VirtualImage') return;
    const r = this.model.find(kind, vm.namespace, name);
    const v = r ? this.volumes.get(r) : undefined;
    if (!v || v.modes.accessMode === 'ReadWriteMany') return;
    const what = `${kind === 'VirtualDisk' ? 'disk' : 'image'} "${name}"`;
    if (v.modes.accessMode === undefined) {
      notes.push(`the access mode of ${what} is unknown (StorageClass ${v.storageClass.name ?? 'unresolved'} is not in the inventory)`);
      return;
    }
    if (this.edition.edition === 'CE') {
      let byKind = this.storageWords.get(v.modes);
      if (!byKind) this.storageWords.set(v.modes, (byKind = new Map()));
      let words = byKind.get(kind);
      if (!words) {
        const on = `on StorageClass "${v.storageClass.name}", predicted ${v.modes.accessMode} (${v.modes.accessFrom}${v.modes.docsDiffer ? ' for an unknown provisioner' : ''})`;
        words = { on, shared: `a ${kind === 'VirtualDisk' ? 'disk' : 'image'} ${on}, and ${this.ceRule}` };
        byKind.set(kind, words);
      }
      out.push({ kind: 'storage', path, message: `${what} is ${words.on}, and ${this.ceRule}`, shared: words.shared });
    } else if (kind === 'VirtualDisk') {
      notes.push(`${what} is ${v.modes.accessMode}: outside CE the module copies it to the target node during the move (slower; needs room on the storage)`);
    } else {
      notes.push(`${what} is ${v.modes.accessMode}: the module reports the VM as migratable with its disks moving, but never moves images; whether the migration then fails is an open question (UPSTREAM-MIGRATION §6.3)`);
    }
  }

  private deviceBlockers(spec: VmSpecShape, notes: string[]): Blocker[] {
    const out: Blocker[] = [];
    const gpus = spec.gpus?.length ?? 0;
    if (gpus > 0) {
      const reason = `host devices (GPU) are not live-migratable: the module sets Migratable=False (VirtualMachineHostDevicesNotMigratable)`;
      out.push({ kind: 'device', path: ['spec', 'gpus'], message: `it has ${gpus} GPU(s) (${quote(spec.gpus?.map((g) => g.gpuClassName) ?? [])}); ${reason}`, shared: `they have GPUs; ${reason}` });
    }
    if ((spec.usbDevices?.length ?? 0) > 0) notes.push(`its USB devices (${quote(spec.usbDevices?.map((u) => u.name) ?? [])}) are re-attached over USB/IP after the move; it can run only on nodes labelled ${USB_GATEWAY_LABEL}=true`);
    return out;
  }

  /** HostPassthrough over several CPU models (SPEC DVP504); a domain where no node has a peer. */
  private cpuBlockers(cls: ClassInfo, domain: MigrationDomain, nodes: readonly InventoryNode[]): Blocker[] {
    if (nodes.length === 0) return [];
    if (cls.cpu?.type === 'HostPassthrough' && domain.groups.length > 1) {
      const reason = `class "${cls.name}" is HostPassthrough and its VM nodes have ${domain.groups.length} CPU models (${describeDomain(domain, 3)}): a host-passthrough VM may move only to a node of the identical CPU, which KubeVirt does not enforce, so an Evict may land it on another model`;
      return [{ kind: 'cpu', path: ['spec', 'virtualMachineClassName'], message: reason, shared: reason }];
    }
    if (domain.groups.every((g) => g.nodes.length < 2)) {
      const reason = nodes.length === 1
        ? `it can run on one node only (${nodes[0]?.name}): its class and its own nodeSelector, affinity, tolerations or USB devices leave no other to move to`
        : `class "${cls.name}" is ${cls.cpu?.type} and no two of its VM nodes share a CPU model (${describeDomain(domain, 3)}), so its VMs have no node to move to`;
      return [{ kind: 'placement', path: ['spec', 'virtualMachineClassName'], message: reason, shared: reason.replace(/^it can/, 'they can') }];
    }
    return [];
  }
}
