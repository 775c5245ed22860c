/**
 * Derives Discovery classes from a node inventory (SPEC §5): one per group of VM nodes (by CPU
 * model, or by any label) and one universal class over all VM nodes, each with label selectors
 * that select exactly its nodes among all the inventory's nodes, never by host name.
 */
import type { Inventory, InventoryNode } from '../inventory/types.ts';
import { KVM_ENABLED } from '../inventory/load.ts';
import type { LabelSelector } from '../schema/common.ts';
import { isVmNode, placeClass, selectorMatches, virtualizationNodes } from '../model/placement.ts';
import { dnsSafe } from '../schema/names.ts';
import { migrationDomainLine, storageModesText } from './maintenance.ts';

export interface DeriveOptions {
  /**
   * The node label to group by.
   * @default the node's own CPU model (its host-model-cpu label)
   */
  readonly groupBy?: string;
  /**
   * Class names for group values, e.g. `{ blue: 'cpu-x' }`.
   * @default the group value, lower-cased and DNS-safe
   */
  readonly names?: Readonly<Record<string, string>>;
  /**
   * Name of the class over all VM nodes.
   * @default "universal"
   */
  readonly universalName?: string;
}

export interface DerivedClass {
  readonly name: string;
  /** The group value, or undefined for the universal class. */
  readonly group: string | undefined;
  /** Used as both spec.cpu.discovery.nodeSelector and spec.nodeSelector. */
  readonly selector: LabelSelector;
  /** The VM nodes the class is for. */
  readonly nodes: readonly InventoryNode[];
  /** What the module will discover: features on every node of the pool. */
  readonly features: readonly string[];
  /** What the module will list as available: selected nodes carrying every feature. */
  readonly available: readonly InventoryNode[];
}

export interface Derivation {
  readonly classes: DerivedClass[];
  /** Groups no label selector can tell apart, said instead of guessed. */
  readonly problems: string[];
  /** False when no node is labelled kvm-enabled, so every node was taken as a virtualization node. */
  readonly kvmLabelled: boolean;
  readonly groupBy: string;
}

const HOST_MODEL_PREFIXES = ['host-model-cpu.node.virtualization.deckhouse.io/', 'host-model-cpu.node.kubevirt.io/'];
/** Labels that name a single machine, or change with it: never used to select a group. */
const NEVER = [/^kubernetes\.io\/hostname$/, /hostname/, /^node\.kubernetes\.io\/instance-type$/, /^topology\./, /machine-id/, /^(beta\.)?kubernetes\.io\//];
/** Labels a person recognises at once: tried first when a selector needs narrowing. */
const PREFERRED = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master', 'node.deckhouse.io/group', KVM_ENABLED];

function usable(key: string): boolean {
  return !NEVER.some((re) => re.test(key));
}

function rank(key: string): number {
  const i = PREFERRED.indexOf(key);
  if (i >= 0) return i;
  // CPU labels are exact but unreadable; use them only when nothing else separates the nodes.
  return /\.node\.(virtualization\.deckhouse\.io|kubevirt\.io)\//.test(key) ? 1000 : 100;
}

type Req = { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] };

function build(matchLabels: Record<string, string>, exprs: Req[]): LabelSelector {
  const sel: { matchLabels?: Record<string, string>; matchExpressions?: Req[] } = {};
  if (Object.keys(matchLabels).length > 0) sel.matchLabels = Object.fromEntries(Object.entries(matchLabels).sort(([a], [b]) => (a < b ? -1 : 1)));
  if (exprs.length > 0) sel.matchExpressions = exprs;
  return sel as LabelSelector;
}

/**
 * A selector that matches exactly `target` among `all`: the seed requirement, narrowed greedily
 * by the requirement that excludes most of the nodes still wrongly selected. Undefined when no
 * label tells them apart.
 */
export function exactSelector(target: readonly InventoryNode[], all: readonly InventoryNode[], seed: Record<string, string>): LabelSelector | undefined {
  const matchLabels = { ...seed };
  const exprs: Req[] = [];
  const inTarget = new Set(target.map((n) => n.name));
  for (let guard = 0; guard < 32; guard++) {
    const sel = build(matchLabels, exprs);
    const extras = all.filter((n) => !inTarget.has(n.name) && selectorMatches(sel, n.labels));
    if (extras.length === 0) return sel;
    const candidates: { req: Req | { key: string; value: string }; excluded: number; key: string }[] = [];
    const keys = new Set(extras.flatMap((n) => Object.keys(n.labels)).concat(target.flatMap((n) => Object.keys(n.labels))));
    for (const key of [...keys].filter(usable)) {
      const targetValues = new Set(target.map((n) => n.labels[key]));
      if (targetValues.size === 1 && !targetValues.has(undefined) && matchLabels[key] === undefined) {
        const value = [...targetValues][0] as string;
        const excluded = extras.filter((n) => n.labels[key] !== value).length;
        if (excluded > 0) candidates.push({ req: { key, value }, excluded, key });
      }
      if (target.every((n) => n.labels[key] === undefined)) {
        const excluded = extras.filter((n) => n.labels[key] !== undefined).length;
        if (excluded > 0) candidates.push({ req: { key, operator: 'DoesNotExist' }, excluded, key });
      }
    }
    candidates.sort((a, b) => b.excluded - a.excluded || rank(a.key) - rank(b.key) || a.key.length - b.key.length || (a.key < b.key ? -1 : 1));
    const best = candidates[0];
    if (!best) return undefined;
    if ('value' in best.req) matchLabels[best.req.key] = best.req.value;
    else exprs.push(best.req);
  }
  return undefined;
}

function hostModelKey(n: InventoryNode): { key: string; model: string } | undefined {
  for (const [k, v] of Object.entries(n.labels).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const prefix = HOST_MODEL_PREFIXES.find((p) => k.startsWith(p));
    if (prefix && v === 'true') return { key: k, model: k.slice(prefix.length) };
  }
  return undefined;
}

function uniqueName(wanted: string, taken: Set<string>): string {
  let name = wanted || 'class';
  for (let i = 2; taken.has(name); i++) name = `${wanted}-${i}`;
  taken.add(name);
  return name;
}

export function deriveClasses(inv: Inventory, options: DeriveOptions = {}): Derivation {
  const { nodes: virt, labelled } = virtualizationNodes(inv);
  const vmNodes = virt.filter((n) => isVmNode(n, []));
  const groupBy = options.groupBy ?? 'host-model-cpu';
  const groups = new Map<string, { seed: Record<string, string>; nodes: InventoryNode[] }>();
  const problems: string[] = [];
  for (const n of vmNodes) {
    let value: string | undefined;
    let seed: Record<string, string> = {};
    if (options.groupBy === undefined) {
      const hm = hostModelKey(n);
      value = hm?.model;
      if (hm) seed = { [hm.key]: 'true' };
    } else {
      value = n.labels[options.groupBy];
      if (value !== undefined) seed = { [options.groupBy]: value };
    }
    if (value === undefined) {
      problems.push(`node ${n.name} has no ${options.groupBy ?? 'host-model-cpu label'} and belongs to no group`);
      continue;
    }
    const g = groups.get(value) ?? { seed, nodes: [] };
    g.nodes.push(n);
    groups.set(value, g);
  }
  const taken = new Set<string>();
  const classes: DerivedClass[] = [];
  const make = (name: string, group: string | undefined, target: InventoryNode[], seed: Record<string, string>) => {
    const selector = exactSelector(target, inv.nodes, seed);
    if (!selector) {
      problems.push(`no label selector selects exactly ${group === undefined ? 'the VM nodes' : `group ${group}`} (${target.map((n) => n.name).join(', ')}): other nodes carry the same labels; label the nodes (for example node.deckhouse.io/group) and group by that label`);
      return;
    }
    const placement = placeClass(inv, { cpu: { type: 'Discovery', discovery: { nodeSelector: selector } }, nodeSelector: selector, tolerations: [] });
    classes.push({ name, group, selector, nodes: target, features: placement.features, available: placement.available });
  };
  if (vmNodes.length > 0) {
    make(uniqueName(options.universalName ?? 'universal', taken), undefined, vmNodes, labelled ? { [KVM_ENABLED]: 'true' } : {});
  }
  for (const [value, g] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    make(uniqueName(options.names?.[value] ?? dnsSafe(value), taken), value, g.nodes, g.seed);
  }
  return { classes, problems, kvmLabelled: labelled, groupBy };
}

/** The classes as manifests (cpu.type Discovery; the same selector for discovery and placement). */
export function derivedManifests(d: Derivation): Record<string, unknown>[] {
  return d.classes.map((c) => ({
    apiVersion: 'virtualization.deckhouse.io/v1alpha3',
    kind: 'VirtualMachineClass',
    metadata: { name: c.name },
    spec: { cpu: { type: 'Discovery', discovery: { nodeSelector: c.selector } }, nodeSelector: c.selector },
  }));
}

function describeSelector(sel: LabelSelector): string {
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) parts.push(e.values ? `${e.key} ${e.operator} (${e.values.join(', ')})` : `${e.key} ${e.operator}`);
  return parts.join(', ') || '(every node)';
}

/** The text report: each class, its nodes, its features, and how it differs from the others. */
export function derivationText(d: Derivation, inv: Inventory): string {
  const lines: string[] = [];
  if (!d.kvmLabelled) lines.push(`note: no node is labelled ${KVM_ENABLED}=true; every node is taken as a virtualization node`);
  const vmNames = new Set(virtualizationNodes(inv).nodes.filter((n) => isVmNode(n, [])).map((n) => n.name));
  for (const c of d.classes) {
    lines.push(`class ${c.name}  (${c.group === undefined ? 'all VM nodes' : `${d.groupBy}=${c.group}`})`);
    lines.push(`  selector: ${describeSelector(c.selector)}`);
    lines.push(`  available nodes: ${c.available.map((n) => (vmNames.has(n.name) ? n.name : `${n.name} (no VMs: tainted or cordoned)`)).join(', ') || 'none'}`);
    lines.push(`  features (${c.features.length}): ${c.features.join(' ')}`);
    lines.push(migrationDomainLine(c));
    for (const o of d.classes) {
      if (o === c) continue;
      const mine = new Set(c.features);
      const theirs = new Set(o.features);
      const adds = c.features.filter((f) => !theirs.has(f));
      const lacks = o.features.filter((f) => !mine.has(f));
      lines.push(`  vs ${o.name}: ${adds.length ? `adds ${adds.join(' ')}` : 'adds nothing'}; ${lacks.length ? `lacks ${lacks.join(' ')}` : 'lacks nothing'}`);
    }
  }
  for (const p of d.problems) lines.push(`cannot derive: ${p}`);
  lines.push(...storageModesText(inv));
  return `${lines.join('\n')}\n`;
}

