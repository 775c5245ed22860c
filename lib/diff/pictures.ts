/**
 * Pictures for a pull request (issue 10): per cluster, what each class's VMs that must run request
 * against what its nodes can give, before → after, and which nodes each class can use. Plain
 * GitHub Markdown (tables, with bars drawn in characters), so a reviewer looks rather than reads.
 */
import type { ClusterModel } from '../model/cluster-model.ts';
import { placeClass } from '../model/placement.ts';
import { MUST_RUN, effectiveCoreFraction, requestedMilliCpu } from '../model/sizing.ts';
import { humanBytes, quantityBytes } from '../core/quantity.ts';
import { codeSpan } from '../core/markdown.ts';

export interface Pair<T> {
  readonly before: T;
  readonly after: T;
}

/** One class's capacity and nodes in both states. */
export interface ClassPicture {
  readonly name: string;
  /** VMs of the class that must run (AlwaysOn, AlwaysOnUnlessStoppedManually). */
  readonly vms: Pair<number>;
  /** CPU they request (cores × core fraction), in millicores, and their memory in bytes. */
  readonly cpuMilli: Pair<bigint>;
  readonly memory: Pair<bigint>;
  /** What the class's VM nodes can give (allocatable), without an inventory undefined. */
  readonly availableCpuMilli: Pair<bigint> | undefined;
  readonly availableMemory: Pair<bigint> | undefined;
  /** The VM nodes the class can use, by name. */
  readonly nodes: Pair<readonly string[]> | undefined;
}

export interface ClusterPicture {
  readonly classes: readonly ClassPicture[];
  /** Whether an inventory gave the nodes (else only what is requested is known). */
  readonly inventory: boolean;
}

interface State {
  vms: number;
  cpu: bigint;
  memory: bigint;
  nodes: { name: string; cpu: bigint; memory: bigint }[] | undefined;
}

/** Each class's demand and nodes in one state: classes of the manifests, and any class a VM uses. */
function stateOf(model: ClusterModel): Map<string, State> {
  const classes = model.classes();
  const out = new Map<string, State>();
  const get = (name: string) => {
    let s = out.get(name);
    if (!s) out.set(name, (s = { vms: 0, cpu: 0n, memory: 0n, nodes: undefined }));
    return s;
  };
  for (const c of classes.values()) if (c.source === 'manifest') get(c.name);
  for (const r of model.ofKind('VirtualMachine')) {
    const spec = model.valid<{ spec: { virtualMachineClassName: string; runPolicy: string; cpu: { cores: number; coreFraction?: string }; memory: { size: string } } }>(r)?.spec;
    if (!spec) continue;
    const s = get(spec.virtualMachineClassName);
    if (!MUST_RUN.has(spec.runPolicy)) continue;
    const cls = classes.get(spec.virtualMachineClassName);
    s.vms += 1;
    s.cpu += requestedMilliCpu(spec.cpu.cores, effectiveCoreFraction(cls?.policies ?? [], spec.cpu.cores, spec.cpu.coreFraction));
    s.memory += quantityBytes(spec.memory.size) ?? 0n;
  }
  const inv = model.inventory;
  if (inv) {
    for (const [name, s] of out) {
      const cls = classes.get(name);
      if (!cls?.valid) continue;
      s.nodes = placeClass(inv, cls).vmNodes.map((n) => ({ name: n.name, cpu: n.allocatableMilliCpu ?? 0n, memory: n.allocatableMemory ?? 0n }));
    }
  }
  return out;
}

const sum = (nodes: State['nodes'], f: (n: { cpu: bigint; memory: bigint }) => bigint) => (nodes ?? []).reduce((t, n) => t + f(n), 0n);

/** The picture of one cluster's change, from the models of both states. */
export function clusterPicture(before: ClusterModel, after: ClusterModel): ClusterPicture {
  const b = stateOf(before);
  const a = stateOf(after);
  const empty: State = { vms: 0, cpu: 0n, memory: 0n, nodes: undefined };
  const names = [...new Set([...b.keys(), ...a.keys()])].sort();
  const inventory = after.inventory !== undefined;
  const classes = names.map((name): ClassPicture => {
    const x = b.get(name) ?? empty;
    const y = a.get(name) ?? empty;
    return {
      name,
      vms: { before: x.vms, after: y.vms },
      cpuMilli: { before: x.cpu, after: y.cpu },
      memory: { before: x.memory, after: y.memory },
      availableCpuMilli: inventory ? { before: sum(x.nodes, (n) => n.cpu), after: sum(y.nodes, (n) => n.cpu) } : undefined,
      availableMemory: inventory ? { before: sum(x.nodes, (n) => n.memory), after: sum(y.nodes, (n) => n.memory) } : undefined,
      nodes: inventory ? { before: (x.nodes ?? []).map((n) => n.name), after: (y.nodes ?? []).map((n) => n.name) } : undefined,
    };
  });
  return { classes, inventory };
}

const cores = (milli: bigint) => `${Math.round(Number(milli) / 10) / 100}`;

/** `▰▰▰▱▱▱▱▱▱▱ 31%`: a share drawn in ten steps; over 100% it says so. */
function bar(used: bigint, available: bigint): string {
  if (available === 0n) return used === 0n ? '—' : '⚠️ no nodes';
  const pct = Number((used * 1000n) / available) / 10;
  const filled = Math.min(10, Math.round(pct / 10));
  return `${'▰'.repeat(filled)}${'▱'.repeat(10 - filled)} ${pct > 100 ? '⚠️ ' : ''}${Math.round(pct)}%`;
}

function change<T>(p: Pair<T>, show: (v: T) => string): string {
  const x = show(p.before);
  const y = show(p.after);
  return x === y ? y : `${x} → ${y}`;
}

/** The capacity table: requested against available per class, before → after. */
function capacityTable(p: ClusterPicture): string[] {
  const out = ['#### Capacity per class', ''];
  if (!p.inventory) out.push('_No inventory given: what the nodes can give is unknown; `--inventory DIR` adds it._', '');
  out.push('| class | VMs that must run | CPU requested | of available | memory requested | of available |', '|---|---:|---:|---|---:|---|');
  for (const c of p.classes) {
    const cpu = c.availableCpuMilli ? `${change(c.availableCpuMilli, cores)} cores<br>${change({ before: bar(c.cpuMilli.before, c.availableCpuMilli.before), after: bar(c.cpuMilli.after, c.availableCpuMilli.after) }, (s) => s)}` : '—';
    const mem = c.availableMemory ? `${change(c.availableMemory, humanBytes)}<br>${change({ before: bar(c.memory.before, c.availableMemory.before), after: bar(c.memory.after, c.availableMemory.after) }, (s) => s)}` : '—';
    out.push(`| ${codeSpan(c.name, true)} | ${change(c.vms, String)} | ${change(c.cpuMilli, cores)} | ${cpu} | ${change(c.memory, humanBytes)} | ${mem} |`);
  }
  out.push('', '_Classes on the same nodes share them: each line shows all that its nodes can give._', '');
  return out;
}

/** Which nodes each class can use: ✅ as before, ➕ new with this change, ➖ no longer. */
function nodeTable(p: ClusterPicture): string[] {
  const classes = p.classes.filter((c) => c.nodes !== undefined);
  const nodes = [...new Set(classes.flatMap((c) => [...(c.nodes?.before ?? []), ...(c.nodes?.after ?? [])]))].sort();
  if (classes.length === 0 || nodes.length === 0) return [];
  const cell = (c: ClassPicture, n: string) => {
    const was = c.nodes?.before.includes(n) ?? false;
    const is = c.nodes?.after.includes(n) ?? false;
    return was && is ? '✅' : is ? '➕' : was ? '➖' : ' ';
  };
  const table = [`| node | ${classes.map((c) => codeSpan(c.name, true)).join(' | ')} |`, `|---|${classes.map(() => ':---:').join('|')}|`];
  for (const n of nodes) table.push(`| ${codeSpan(n, true)} | ${classes.map((c) => cell(c, n)).join(' | ')} |`);
  const changed = classes.some((c) => nodes.some((n) => ['➕', '➖'].includes(cell(c, n))));
  return [`<details${changed ? ' open' : ''}><summary>Nodes each class can use (${nodes.length} nodes${changed ? ', changed by this change' : ''})</summary>`, '', ...table, '', '✅ usable, ➕ usable after this change, ➖ no longer usable', '', '</details>', ''];
}

/** Both pictures of one cluster, as Markdown lines. */
export function pictureMarkdown(p: ClusterPicture): string[] {
  if (p.classes.length === 0) return [];
  return [...capacityTable(p), ...nodeTable(p)];
}
