/**
 * Where a class's VMs can run, computed from the inventory exactly as the module computes a
 * VirtualMachineClass's status (UPSTREAM §c): the virtualization nodes, the class's nodeSelector,
 * the discovery pool and its common CPU features, the available nodes, maxAllocatableResources.
 */
import type { Inventory, InventoryNode, Taint } from '../inventory/types.ts';
import { KVM_ENABLED, cpuFeatures, cpuModels } from '../inventory/load.ts';
import type { LabelSelector, NodeLabelSelector, Toleration } from '../schema/common.ts';
import type { ClassCpu } from '../schema/vm-class.ts';

type Requirement = { key: string; operator: string; values?: string[] | undefined };

function requirementMatches(req: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = has ? labels[req.key] : undefined;
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(value as string);
    case 'NotIn':
      return !has || !values.includes(value as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || !/^-?[0-9]+$/.test(value as string) || values.length !== 1) return false;
      const a = BigInt(value as string);
      const b = BigInt(values[0] as string);
      return req.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** matchLabels AND every matchExpression (label-selector and node-selector semantics alike). */
export function selectorMatches(sel: LabelSelector | NodeLabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const req of sel.matchExpressions ?? []) if (!requirementMatches(req, labels)) return false;
  return true;
}

/** Nodes the module's agent runs on: labelled kvm-enabled, or every node when none is. */
export function virtualizationNodes(inv: Inventory): { nodes: InventoryNode[]; labelled: boolean } {
  const labelled = inv.nodes.filter((n) => n.labels[KVM_ENABLED] === 'true');
  return labelled.length > 0 ? { nodes: labelled, labelled: true } : { nodes: inv.nodes, labelled: false };
}

function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return t.key === undefined || t.key === '' || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/** Whether VMs with these tolerations can be scheduled on the node (not cordoned, no untolerated NoSchedule/NoExecute). */
export function isVmNode(node: InventoryNode, tolerations: readonly Toleration[]): boolean {
  if (node.unschedulable) return false;
  return node.taints.every((t) => (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') || tolerates(tolerations, t));
}

export interface ClassPlacement {
  /** Virtualization nodes matching spec.nodeSelector. */
  readonly selected: InventoryNode[];
  /** Discovery only: virtualization nodes matching the discovery selector. */
  readonly pool: InventoryNode[];
  /** Discovery: the common features of the pool; Features: the required ones. */
  readonly features: string[];
  /** What the module puts in status.availableNodes. */
  readonly available: InventoryNode[];
  /** Available nodes where the class's VMs can be scheduled (taints and cordons considered). */
  readonly vmNodes: InventoryNode[];
  readonly maxCpuMilli: bigint;
  readonly maxMemory: bigint;
  /** Why the class can run nowhere (DVP206) and which part of the spec says so, or undefined. */
  readonly problem: { readonly field: 'nodeSelector' | 'cpu' | 'discovery'; readonly message: string } | undefined;
}

function intersect(sets: string[][]): string[] {
  if (sets.length === 0) return [];
  let acc = new Set(sets[0]);
  for (const s of sets.slice(1)) {
    const next = new Set(s);
    acc = new Set([...acc].filter((x) => next.has(x)));
  }
  return [...acc].sort();
}

type PlaceableClass = { cpu: ClassCpu | undefined; nodeSelector: NodeLabelSelector | undefined; tolerations: readonly Toleration[] };

/** Placements already computed, per class object and inventory: the capacity and migration checks both ask. */
const PLACED = new WeakMap<PlaceableClass, { inv: Inventory; placement: ClassPlacement }>();

/** Resolves a class against the inventory (once per class object and inventory). */
export function placeClass(inv: Inventory, cls: PlaceableClass): ClassPlacement {
  const hit = PLACED.get(cls);
  if (hit?.inv === inv) return hit.placement;
  const placement = computePlacement(inv, cls);
  PLACED.set(cls, { inv, placement });
  return placement;
}

function computePlacement(inv: Inventory, cls: PlaceableClass): ClassPlacement {
  const virt = virtualizationNodes(inv).nodes;
  const selected = virt.filter((n) => selectorMatches(cls.nodeSelector, n.labels));
  const selectedVm = selected.filter((n) => isVmNode(n, cls.tolerations));
  let pool: InventoryNode[] = [];
  let features: string[] = [];
  let available = selected;
  let problem: ClassPlacement['problem'];
  const cpu = cls.cpu;
  if (selectedVm.length === 0) {
    problem = { field: 'nodeSelector', message: selected.length === 0 ? 'its nodeSelector selects no virtualization node' : `its nodeSelector selects only nodes where VMs cannot be scheduled (${selected.map((n) => n.name).join(', ')}: tainted or cordoned)` };
  }
  if (cpu?.type === 'Model' && cpu.model) {
    const model = cpu.model;
    available = selected.filter((n) => cpuModels(n).includes(model));
    if (!problem && !available.some((n) => isVmNode(n, cls.tolerations))) problem = { field: 'cpu', message: `CPU model ${model} is on no selected VM node` };
  } else if (cpu?.type === 'Features' && cpu.features) {
    features = [...cpu.features].sort();
    available = selected.filter((n) => features.every((f) => cpuFeatures(n).includes(f)));
    if (!problem && !available.some((n) => isVmNode(n, cls.tolerations))) {
      const missing = features.filter((f) => !selectedVm.some((n) => cpuFeatures(n).includes(f)));
      problem = { field: 'cpu', message: `no selected VM node has all the features ${features.join(', ')}${missing.length ? ` (${missing.join(', ')} on none)` : ''}` };
    }
  } else if (cpu?.type === 'Discovery') {
    pool = virt.filter((n) => selectorMatches(cpu.discovery?.nodeSelector, n.labels));
    features = intersect(pool.map(cpuFeatures));
    available = features.length === 0 ? [] : selected.filter((n) => { const f = new Set(cpuFeatures(n)); return features.every((x) => f.has(x)); });
    if (!problem) {
      if (pool.length === 0) problem = { field: 'discovery', message: 'its discovery nodeSelector selects no virtualization node' };
      else if (!pool.some((n) => isVmNode(n, cls.tolerations))) problem = { field: 'discovery', message: `its discovery nodeSelector selects no VM node (only ${pool.map((n) => n.name).join(', ')})` };
      else if (features.length === 0) problem = { field: 'discovery', message: `discovery finds no CPU feature common to ${pool.map((n) => n.name).join(', ')}` };
      else if (!available.some((n) => isVmNode(n, cls.tolerations))) problem = { field: 'cpu', message: `no selected VM node carries all ${features.length} discovered features` };
    }
  }
  const vmNodes = available.filter((n) => isVmNode(n, cls.tolerations));
  const max = (f: (n: InventoryNode) => bigint | undefined) => available.reduce((m, n) => { const v = f(n) ?? 0n; return v > m ? v : m; }, 0n);
  return { selected, pool, features, available, vmNodes, maxCpuMilli: max((n) => n.allocatableMilliCpu), maxMemory: max((n) => n.allocatableMemory), problem };
}
