/**
 * Derives Discovery classes from a node inventory (SPEC §5): one per group of VM nodes (by CPU
 * model, or by any label) and one universal class over all VM nodes, each with label selectors
 * that select exactly its nodes among all the inventory's nodes, never by host name.
 */
import type { Inventory, InventoryNode } from '../inventory/types.ts';
import { KVM_ENABLED } from '../inventory/load.ts';
import { cpuFeatures } from '../inventory/load.ts';
import type { LabelSelector, NodeLabelSelector } from '../schema/common.ts';
import type { ClassCpu } from '../schema/vm-class.ts';
import type { Resource } from '../core/resource.ts';
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
  /** Used as both spec.cpu.discovery.nodeSelector and spec.nodeSelector (for a kept live class, its spec.nodeSelector). */
  readonly selector: LabelSelector;
  /** What the class object holds: the derived selectors, or a live class's own `spec.cpu` and `spec.nodeSelector`. */
  readonly spec: { readonly cpu: ClassCpu; readonly nodeSelector: NodeLabelSelector | undefined };
  /**
   * `derived` for a class that does not exist yet; `kept` when the inventory holds the class and
   * its selectors still select the same VM nodes with the same features (spec.cpu is immutable);
   * `conflict` when they no longer do (see the DVP602 problem).
   */
  readonly origin: 'derived' | 'kept' | 'conflict';
  /** The VM nodes the class is for. */
  readonly nodes: readonly InventoryNode[];
  /** What the module will discover: features on every node of the pool. */
  readonly features: readonly string[];
  /** What the module will list as available: selected nodes carrying every feature. */
  readonly available: readonly InventoryNode[];
}

/** Something derivation refuses to guess, with the code it is reported under. */
export interface DerivationProblem {
  /** DVP206: a group no label selector can tell apart; DVP004: two groups would get one name (DVP003: none); DVP602: a live class's selection must change. */
  readonly code: 'DVP206' | 'DVP003' | 'DVP004' | 'DVP602';
  readonly message: string;
  readonly hint: string;
  /** The class concerned, when there is one. */
  readonly className?: string;
}

export interface Derivation {
  readonly classes: DerivedClass[];
  /** What could not be derived, said instead of guessed. */
  readonly problems: DerivationProblem[];
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

/** At most this many values in an `In` requirement: more is listing machines, not naming a group. */
const MAX_IN_VALUES = 4;

interface Candidate {
  readonly key: string;
  /** A value every target carries (matchLabels), the values the targets carry (In), or the label's absence. */
  readonly req: { value: string } | Req;
  /** Whether it selects by what the group has (stable) rather than by what others have (DoesNotExist). */
  readonly positive: boolean;
  readonly excluded: number;
}

/**
 * The order in which requirements are tried. A selector should not change when unrelated nodes
 * join (spec.cpu is immutable): a requirement on what the group's nodes carry (their NodeGroup,
 * their group label) keeps a new node of another NodeGroup out, while `DoesNotExist` of what the
 * others carry takes in every new node that lacks it (a new tainted node, say). So readable
 * positive requirements come first, then readable negative ones, then CPU labels (exact but
 * unreadable); within each, the PREFERRED keys, then the one that excludes most.
 */
function candidateOrder(a: Candidate, b: Candidate): number {
  const tier = (c: Candidate) => (rank(c.key) >= 1000 ? 2 : 0) + (c.positive ? 0 : 1);
  return tier(a) - tier(b) || rank(a.key) - rank(b.key) || b.excluded - a.excluded || a.key.length - b.key.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * A selector that matches exactly `target` among `all`: the seed requirement, narrowed one
 * requirement at a time (in candidateOrder) while other nodes are still selected. Undefined when
 * no label tells them apart.
 */
export function exactSelector(target: readonly InventoryNode[], all: readonly InventoryNode[], seed: Record<string, string>): LabelSelector | undefined {
  const matchLabels = { ...seed };
  const exprs: Req[] = [];
  const inTarget = new Set(target.map((n) => n.name));
  for (let guard = 0; guard < 32; guard++) {
    const sel = build(matchLabels, exprs);
    const extras = all.filter((n) => !inTarget.has(n.name) && selectorMatches(sel, n.labels));
    if (extras.length === 0) return sel;
    const candidates: Candidate[] = [];
    const keys = new Set(extras.flatMap((n) => Object.keys(n.labels)).concat(target.flatMap((n) => Object.keys(n.labels))));
    for (const key of [...keys].filter(usable)) {
      if (matchLabels[key] !== undefined || exprs.some((e) => e.key === key)) continue;
      const values = new Set(target.map((n) => n.labels[key]));
      if (!values.has(undefined)) {
        const vs = [...values].sort() as string[];
        const excluded = extras.filter((n) => !vs.includes(n.labels[key] as string)).length;
        // A shared value (matchLabels), or a few values each shared by several nodes (In).
        if (excluded > 0 && vs.length === 1) candidates.push({ key, req: { value: vs[0] as string }, positive: true, excluded });
        else if (excluded > 0 && vs.length <= MAX_IN_VALUES && vs.length < target.length) candidates.push({ key, req: { key, operator: 'In', values: vs }, positive: true, excluded });
      }
      if (values.size === 1 && values.has(undefined)) {
        const excluded = extras.filter((n) => n.labels[key] !== undefined).length;
        if (excluded > 0) candidates.push({ key, req: { key, operator: 'DoesNotExist' }, positive: false, excluded });
      }
    }
    candidates.sort(candidateOrder);
    const best = candidates[0];
    if (!best) return undefined;
    if ('value' in best.req) matchLabels[best.key] = best.req.value;
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

/** The features a Discovery class over exactly these nodes discovers: those every one of them has. */
function commonFeatures(nodes: readonly InventoryNode[]): string[] {
  const [first, ...rest] = nodes.map(cpuFeatures);
  if (!first) return [];
  return first.filter((f) => rest.every((r) => r.includes(f))).sort();
}

/** "a, b, c and 4 more" */
function excerpt(items: readonly string[], shown = 5): string {
  return items.length > shown ? `${items.slice(0, shown).join(', ')} and ${items.length - shown} more` : items.join(', ');
}

function liveSpec(r: Resource): { cpu: ClassCpu | undefined; nodeSelector: NodeLabelSelector | undefined; tolerations: [] } {
  const spec = r.body['spec'];
  const o = spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? (spec as Record<string, unknown>) : {};
  const cpu = o['cpu'] !== null && typeof o['cpu'] === 'object' && typeof (o['cpu'] as { type?: unknown }).type === 'string' ? (o['cpu'] as ClassCpu) : undefined;
  const sel = o['nodeSelector'];
  return { cpu, nodeSelector: sel !== null && typeof sel === 'object' && !Array.isArray(sel) ? (sel as NodeLabelSelector) : undefined, tolerations: [] };
}

/**
 * A class that already exists in the cluster (SPEC §5): its spec.cpu and spec.nodeSelector are
 * kept while they still select the same VM nodes and give the same features as the group should
 * have; otherwise the selection must change, which the immutable spec.cpu forbids (DVP602).
 */
function againstLive(inv: Inventory, live: Resource, name: string, group: string | undefined, target: readonly InventoryNode[], what: string): { cls: Omit<DerivedClass, 'name' | 'group' | 'nodes'>; problem?: DerivationProblem } {
  const spec = liveSpec(live);
  const want = commonFeatures(target);
  const p = placeClass(inv, spec);
  const have = p.vmNodes.map((n) => n.name).sort();
  const wantNodes = target.map((n) => n.name).sort();
  const added = have.filter((n) => !wantNodes.includes(n));
  const missing = wantNodes.filter((n) => !have.includes(n));
  const lost = want.filter((f) => !p.features.includes(f));
  const gained = p.features.filter((f) => !want.includes(f));
  const kept = { selector: (spec.nodeSelector ?? {}) as LabelSelector, features: p.features, available: p.available };
  const sameCpu = spec.cpu?.type === 'Discovery';
  if (sameCpu && added.length === 0 && missing.length === 0 && lost.length === 0 && gained.length === 0) {
    return { cls: { ...kept, spec: { cpu: spec.cpu as ClassCpu, nodeSelector: spec.nodeSelector }, origin: 'kept' } };
  }
  const why = [
    !sameCpu ? `its spec.cpu is ${spec.cpu ? `of type ${String(spec.cpu.type)}` : 'missing'}, not Discovery` : '',
    missing.length ? `it no longer selects VM node(s) ${excerpt(missing)} of ${what}` : '',
    added.length ? `it selects VM node(s) ${excerpt(added)} outside ${what}` : '',
    lost.length ? `it would no longer give feature(s) ${excerpt(lost)} (a node in its discovery pool lacks them)` : '',
    gained.length ? `it would give feature(s) ${excerpt(gained)} that not every node of ${what} has` : '',
  ].filter(Boolean).join('; ');
  const problem: DerivationProblem = {
    code: 'DVP602',
    className: name,
    message: `VirtualMachineClass "${name}" exists in the cluster (inventory) and its spec.cpu is immutable, but its selection must change: ${why}`,
    hint: `keep the live class as it is and create a class under a new name for ${what} (${group === undefined ? `universalName: "${name}-2"` : `names: { ${JSON.stringify(group)}: "${name}-2" }`}), then move the VMs to it`,
  };
  return { cls: { ...kept, spec: { cpu: spec.cpu ?? { type: 'Discovery' }, nodeSelector: spec.nodeSelector }, origin: 'conflict' }, problem };
}

/** A class name from a group value alone: lower-cased and DNS-safe (SPEC §5), or the caller's. */
function nameFor(value: string, options: DeriveOptions): string {
  return options.names?.[value] ?? dnsSafe(value);
}

export function deriveClasses(inv: Inventory, options: DeriveOptions = {}): Derivation {
  const { nodes: virt, labelled } = virtualizationNodes(inv);
  const vmNodes = virt.filter((n) => isVmNode(n, []));
  const groupBy = options.groupBy ?? 'host-model-cpu';
  const groups = new Map<string, { seed: Record<string, string>; nodes: InventoryNode[] }>();
  const problems: DerivationProblem[] = [];
  const cannot = (message: string, className?: string) => problems.push({ code: 'DVP206', message, hint: 'label the nodes so that each group can be selected (for example node.deckhouse.io/group), or group by another label', ...(className ? { className } : {}) });
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
      cannot(`node ${n.name} has no ${options.groupBy ?? 'host-model-cpu label'} and belongs to no group`);
      continue;
    }
    const g = groups.get(value) ?? { seed, nodes: [] };
    g.nodes.push(n);
    groups.set(value, g);
  }
  const live = new Map(inv.classes.map((r) => [r.name, r]));
  const classes: DerivedClass[] = [];
  const make = (name: string, group: string | undefined, target: InventoryNode[], seed: Record<string, string>) => {
    const what = group === undefined ? 'the VM nodes' : `group ${group}`;
    const existing = live.get(name);
    if (existing) {
      const { cls, problem } = againstLive(inv, existing, name, group, target, what);
      if (problem) problems.push(problem);
      classes.push({ name, group, nodes: target, ...cls });
      return;
    }
    const selector = exactSelector(target, inv.nodes, seed);
    if (!selector) {
      cannot(`no label selector selects exactly ${what} (${excerpt(target.map((n) => n.name))}): other nodes carry the same labels; label the nodes (for example node.deckhouse.io/group) and group by that label`, name);
      return;
    }
    const placement = placeClass(inv, { cpu: { type: 'Discovery', discovery: { nodeSelector: selector } }, nodeSelector: selector, tolerations: [] });
    classes.push({ name, group, selector, nodes: target, features: placement.features, available: placement.available, spec: { cpu: { type: 'Discovery', discovery: { nodeSelector: selector } }, nodeSelector: selector }, origin: 'derived' });
  };
  // Names are a function of each value alone; two values that would share one are refused, never
  // numbered by their sort order (adding a node must not rename an existing class onto other nodes).
  const universal = options.universalName ?? 'universal';
  const named = new Map<string, string[]>();
  for (const value of groups.keys()) named.set(nameFor(value, options), [...(named.get(nameFor(value, options)) ?? []), value]);
  if (vmNodes.length > 0) make(universal, undefined, vmNodes, labelled ? { [KVM_ENABLED]: 'true' } : {});
  for (const [value, g] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const name = nameFor(value, options);
    const sharing = named.get(name) ?? [];
    if (name === '' || name === universal || sharing.length > 1) {
      const others = name === universal && sharing.length === 1 ? `the class over all VM nodes` : `${options.groupBy ?? 'CPU model'} value(s) ${sharing.filter((v) => v !== value).map((v) => `"${v}"`).join(', ')}`;
      problems.push({
        code: name === '' ? 'DVP003' : 'DVP004',
        className: name || undefined,
        message: name === '' ? `the ${options.groupBy ?? 'CPU model'} value "${value}" gives no DNS-safe class name` : `the ${options.groupBy ?? 'CPU model'} value "${value}" would be class "${name}", like ${others}; names are never numbered by sort order, which would rename classes as nodes join`,
        hint: `name the class yourself: names: { "${value}": "<name>" } (dvpc classes: relabel the nodes so that the values differ in more than case and punctuation)`,
      });
      continue;
    }
    make(name, value, g.nodes, g.seed);
  }
  // What the module would compute for each derived class: a class whose pool shares no CPU
  // feature, or that no node can take, stays Pending with every VM of it (DVP206).
  for (const c of classes) {
    if (c.origin !== 'derived') continue;
    if (c.features.length === 0) problems.push({ code: 'DVP206', className: c.name, message: `class "${c.name}" would discover no CPU feature: no cpu-feature label is on every node of its pool (${excerpt(c.nodes.map((n) => n.name))}); the module leaves such a class Pending`, hint: 'check that the module\'s node agent runs on these nodes and labels their CPU features, then capture the inventory again' });
    else if (c.available.length === 0) problems.push({ code: 'DVP206', className: c.name, message: `no node carries every feature class "${c.name}" would discover; the module leaves it Pending`, hint: 'group the nodes by CPU model, so that each class discovers what its nodes share' });
  }
  if (vmNodes.length === 0) {
    problems.push({ code: 'DVP206', message: inv.nodes.length === 0 ? 'the inventory holds no Node: there is nothing to derive classes from' : `none of the inventory's ${inv.nodes.length} node(s) can run VMs (no kvm-enabled node without a NoSchedule or NoExecute taint, or all cordoned)`, hint: 'capture the inventory of the cluster (dvpc inventory capture), with its worker nodes' });
  }
  return { classes, problems, kvmLabelled: labelled, groupBy };
}

/** The classes as manifests (cpu.type Discovery; the same selector for discovery and placement). */
export function derivedManifests(d: Derivation): Record<string, unknown>[] {
  return d.classes.map((c) => ({
    apiVersion: 'virtualization.deckhouse.io/v1alpha3',
    kind: 'VirtualMachineClass',
    metadata: { name: c.name },
    spec: c.spec.nodeSelector === undefined ? { cpu: c.spec.cpu } : { cpu: c.spec.cpu, nodeSelector: c.spec.nodeSelector },
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
    lines.push(`  selector: ${describeSelector(c.selector)}${c.origin === 'derived' ? '' : c.origin === 'kept' ? '  (the live class\'s, kept: it still selects the same nodes)' : '  (the live class\'s: its selection must change, see below)'}`);
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
  for (const p of d.problems) lines.push(`cannot derive (${p.code}): ${p.message}\n  hint: ${p.hint}`);
  lines.push(...storageModesText(inv));
  return `${lines.join('\n')}\n`;
}

