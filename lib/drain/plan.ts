/**
 * `dvpc drain NODE...` predicted (SPEC §7, UPSTREAM-MIGRATION §2.6): which VMs run on the nodes,
 * what the module does with each when the nodes are drained (an Evict that live-migrates it, or
 * one that fails again and again while the VM's disruption budget holds the drain), where each
 * can go given the room left, and what capacity each class keeps. A pure function of one model.
 *
 * Where the VMs run comes from the inventory's live VirtualMachines (`status.nodeName`). Without
 * them, every VM that must run and whose nodes include a drained one is taken as running there,
 * and the VMs that must run are packed onto the remaining nodes, largest first.
 */
import type { ClusterModel } from '../model/cluster-model.ts';
import type { Resource } from '../core/resource.ts';
import type { InventoryNode, InventoryVirtualMachine } from '../inventory/types.ts';
import { MigrationAnalysis, blockerHint, cpuModelOf, describeDomain, migrationDomain, type VmMigration } from '../model/migration.ts';
import type { EditionInfo } from '../model/edition.ts';
import { diagnose, type Diagnostic } from '../core/diagnostic.ts';
import type { FieldPath } from '../core/json.ts';
import { formatBytes } from '../core/quantity.ts';
import { UsageError } from '../core/errors.ts';

export type DrainOutcome = 'migrates' | 'blocked' | 'no-room' | 'not-running' | 'unknown';

export interface VmDrainOutcome {
  /** `namespace/name`. */
  readonly vm: string;
  readonly className: string | undefined;
  /** Where it runs now; undefined when the inventory lists no live VMs. */
  readonly node: string | undefined;
  readonly runPolicy: string | undefined;
  readonly mustRun: boolean;
  readonly outcome: DrainOutcome;
  /** The node dvpc places it on (migrates). */
  readonly target: string | undefined;
  /** Every node it may move to now that the drained nodes are gone. */
  readonly candidates: readonly string[];
  /** Why it is blocked, has no room, is not running, or cannot be told. */
  readonly reasons: readonly string[];
  /** What else its move involves. */
  readonly notes: readonly string[];
  readonly cpuMilli: bigint;
  readonly memory: bigint;
}

export interface ClassDrainCapacity {
  readonly name: string;
  /** VM nodes of the class before the drain. */
  readonly nodesBefore: readonly string[];
  /** VM nodes it keeps. */
  readonly nodesAfter: readonly string[];
  /** Allocatable CPU (millicores) and memory (bytes) of the nodes it keeps. */
  readonly cpuMilli: bigint;
  readonly memory: bigint;
  /** What its VMs that must run request together. */
  readonly requestedCpuMilli: bigint;
  readonly requestedMemory: bigint;
  /** What is still free on the nodes it keeps, once every VM has moved (VMs of all classes count). */
  readonly freeCpuMilli: bigint;
  readonly freeMemory: bigint;
  /** Which nodes its VMs can move among. */
  readonly domain: string;
}

export interface DrainPlan {
  readonly nodes: readonly string[];
  /** live: where VMs run comes from the inventory; predicted: from the classes' placement. */
  readonly mode: 'live' | 'predicted';
  readonly edition: EditionInfo;
  readonly vms: readonly VmDrainOutcome[];
  readonly classes: readonly ClassDrainCapacity[];
  /** DVP504 (error here: the drain is certain to block) and DVP505. */
  readonly diagnostics: readonly Diagnostic[];
  readonly notes: readonly string[];
}

/** Phases in which a VM holds no node: it need not move. */
const NOT_RUNNING = new Set(['Stopped', 'Pending']);

interface Entry {
  readonly key: string;
  readonly resource: Resource;
  readonly live: InventoryVirtualMachine | undefined;
  readonly m: VmMigration | undefined;
}

type Usage = Map<string, { cpu: bigint; mem: bigint }>;

function use(usage: Usage, node: string, cpu: bigint, mem: bigint): void {
  const u = usage.get(node) ?? { cpu: 0n, mem: 0n };
  u.cpu += cpu;
  u.mem += mem;
  usage.set(node, u);
}

function free(n: InventoryNode, usage: Usage): { cpu: bigint; mem: bigint } {
  const u = usage.get(n.name);
  return { cpu: (n.allocatableMilliCpu ?? 0n) - (u?.cpu ?? 0n), mem: (n.allocatableMemory ?? 0n) - (u?.mem ?? 0n) };
}

/** The node with room for the VM and the most free memory (then CPU, then name), as a spreading scheduler would. */
function pick(candidates: readonly InventoryNode[], usage: Usage, cpu: bigint, mem: bigint): InventoryNode | undefined {
  let best: { n: InventoryNode; cpu: bigint; mem: bigint } | undefined;
  for (const n of candidates) {
    const f = free(n, usage);
    if (f.cpu < cpu || f.mem < mem) continue;
    if (!best || f.mem > best.mem || (f.mem === best.mem && (f.cpu > best.cpu || (f.cpu === best.cpu && n.name < best.n.name)))) best = { n, ...f };
  }
  return best?.n;
}

const cores = (milli: bigint) => `${Number(milli) / 1000}`;
const list = (names: readonly string[], limit = 5) => `${names.slice(0, limit).join(', ')}${names.length > limit ? `, … ${names.length - limit} more` : ''}`;

/** Largest first: memory, then CPU, then identity. */
function bySize(a: Entry, b: Entry): number {
  const [ma, mb] = [a.m?.memory ?? 0n, b.m?.memory ?? 0n];
  if (ma !== mb) return ma > mb ? -1 : 1;
  const [ca, cb] = [a.m?.cpuMilli ?? 0n, b.m?.cpuMilli ?? 0n];
  if (ca !== cb) return ca > cb ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** The VMs of the state: the model's (the desired state), then live ones it does not hold. */
function entriesOf(model: ClusterModel, analysis: MigrationAnalysis): Entry[] {
  const live = new Map((model.inventory?.virtualMachines ?? []).map((v) => [`${v.namespace}/${v.name}`, v]));
  const out: Entry[] = [];
  const seen = new Set<string>();
  for (const r of model.ofKind('VirtualMachine')) {
    const key = `${r.namespace}/${r.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ key, resource: r, live: live.get(key), m: analysis.analyse(r) });
  }
  for (const [key, v] of live) {
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ key, resource: v.resource, live: v, m: analysis.analyse(v.resource) });
  }
  return out;
}

/** What the live VM's own Migratable condition says, when it refuses and dvpc found no reason itself. */
function liveBlocker(v: InventoryVirtualMachine | undefined): string | undefined {
  const c = v?.migratable;
  if (!c || c.status !== 'False') return undefined;
  // The condition's message is the cluster's text: quote a short excerpt only.
  const excerpt = c.message.length > 120 ? `${c.message.slice(0, 117)}...` : c.message;
  return `the cluster reports Migratable=False (${c.reason}${excerpt ? `: ${excerpt}` : ''})`;
}

/** The nodes a VM may move to from `source`, minus the drained ones. */
function candidatesOf(analysis: MigrationAnalysis, m: VmMigration, source: InventoryNode | undefined, drained: ReadonlySet<string>): InventoryNode[] {
  let targets = analysis.targets(m, source?.name);
  // A host-model VM on a node its class no longer lists: the source's model still decides.
  if (source && m.domain.by === 'cpu-model' && !m.nodes.some((n) => n.name === source.name)) {
    const model = cpuModelOf(source);
    targets = model ? m.nodes.filter((n) => cpuModelOf(n) === model && n.name !== source.name) : [];
  }
  return targets.filter((n) => !drained.has(n.name));
}

export function planDrain(model: ClusterModel, nodes: readonly string[]): DrainPlan {
  const inv = model.inventory;
  if (!inv) throw new UsageError('drain needs an inventory (--inventory DIR)');
  const byName = new Map(inv.nodes.map((n) => [n.name, n]));
  const unknown = nodes.filter((n) => !byName.has(n));
  if (unknown.length > 0) throw new UsageError(`node ${unknown.join(', ')} is not in the inventory (nodes: ${list(inv.nodes.map((n) => n.name).sort(), 8)})`);
  const drained = new Set(nodes);
  const analysis = new MigrationAnalysis(model);
  const mode = inv.virtualMachines ? 'live' : 'predicted';
  const entries = entriesOf(model, analysis);
  const usage: Usage = new Map();
  const outcomes: VmDrainOutcome[] = [];
  const diagnostics: Diagnostic[] = [];
  const notes: string[] = [];

  const record = (e: Entry, outcome: DrainOutcome, extra: { node?: string | undefined; target?: string; candidates?: readonly InventoryNode[]; reasons?: string[] }) => {
    const m = e.m;
    const spec = m?.spec ?? (e.resource.body['spec'] as { runPolicy?: string; virtualMachineClassName?: string } | undefined);
    outcomes.push({
      vm: e.key,
      className: spec?.virtualMachineClassName,
      node: extra.node,
      runPolicy: spec?.runPolicy,
      mustRun: m?.mustRun ?? false,
      outcome,
      target: extra.target,
      candidates: (extra.candidates ?? []).map((n) => n.name),
      reasons: extra.reasons ?? [],
      notes: m?.notes ?? [],
      cpuMilli: m?.cpuMilli ?? 0n,
      memory: m?.memory ?? 0n,
    });
  };

  /** One VM that leaves a drained node (or may be on one): blocked, moved, or without room. */
  const move = (e: Entry, m: VmMigration, source: InventoryNode | undefined) => {
    const where = source ? `runs on ${source.name}, which is drained,` : `may run on ${list(m.nodes.filter((n) => drained.has(n.name)).map((n) => n.name))} (drained; the inventory lists no live VMs, so dvpc takes it to run there)`;
    const cluster = m.blockers.length === 0 ? liveBlocker(e.live) : undefined;
    const blockers = [...m.blockers.map((b) => b.message), ...(cluster ? [cluster] : [])];
    if (blockers.length > 0) {
      record(e, 'blocked', { node: source?.name, reasons: blockers });
      if (m.mustRun) {
        diagnostics.push(diagnose('DVP504', e.resource, m.blockers[0]?.path ?? ['spec'], `the VM must run (runPolicy ${m.spec.runPolicy}) and ${where} but cannot be live-migrated, so the drain blocks on it: ${blockers.join('; ')}`, `stop the VM for the maintenance window before draining (the module will not); for the future: ${m.blockers.length > 0 ? blockerHint(m.blockers) : 'see its Migratable condition'}`, 'error'));
      }
      return;
    }
    const candidates = candidatesOf(analysis, m, source, drained);
    const target = pick(candidates, usage, m.cpuMilli, m.memory);
    if (target) {
      use(usage, target.name, m.cpuMilli, m.memory);
      record(e, 'migrates', { node: source?.name, target: target.name, candidates });
      return;
    }
    const reason = candidates.length === 0
      ? `no node is left that its class${m.domain.by === 'cpu-model' ? ', its CPU model' : ''} and its placement allow (${describeDomain(m.domain, 4)}; drained: ${list([...drained])})`
      : `its ${candidates.length} possible node(s) (${list(candidates.map((n) => n.name))}) lack room for ${cores(m.cpuMilli)} cores and ${formatBytes(m.memory)}`;
    record(e, 'no-room', { node: source?.name, candidates, reasons: [reason] });
    if (m.mustRun) {
      diagnostics.push(diagnose('DVP505', e.resource, ['spec', 'virtualMachineClassName'], `the VM must run (runPolicy ${m.spec.runPolicy}) and ${where} but has nowhere to go after the drain: ${reason}`, 'drain fewer nodes at once, free room on the class\'s other nodes, or add nodes to the class'));
    }
  };

  if (mode === 'live') {
    const leaving: Entry[] = [];
    for (const e of entries) {
      const node = e.live?.nodeName;
      if (!e.live || node === undefined) continue;
      const running = !NOT_RUNNING.has(e.live.phase ?? '');
      if (drained.has(node)) {
        if (running) leaving.push(e);
        else record(e, 'not-running', { node, reasons: [`phase ${e.live.phase}: it holds no node and is not moved`] });
      } else if (running && e.m) {
        use(usage, node, e.m.cpuMilli, e.m.memory);
      }
    }
    // The module evicts them in no particular order; dvpc moves the VMs that must run first, largest first.
    leaving.sort((a, b) => Number(b.m?.mustRun ?? false) - Number(a.m?.mustRun ?? false) || bySize(a, b));
    for (const e of leaving) {
      if (!e.m) {
        // A running VM dvpc cannot analyse leaves the drain undecided: an error, so the run cannot
        // read as "can proceed" (the input lacks its class, or its spec is invalid).
        const unknown = unknownReason(model, e);
        record(e, 'unknown', { node: e.live?.nodeName, reasons: [unknown.reason] });
        diagnostics.push(diagnose(unknown.code, e.resource, unknown.path, `the VM runs on ${e.live?.nodeName ?? 'a drained node'}, but dvpc cannot tell whether it can leave it: ${unknown.reason}`, unknown.hint, 'error'));
      }
      else move(e, e.m, byName.get(e.live?.nodeName ?? ''));
    }
    const missing = entries.filter((e) => !e.live).length;
    if (missing > 0) notes.push(`${missing} VM(s) of the desired state are not in the inventory's live VMs: not running yet, so not on these nodes`);
  } else {
    const mustRun = entries.filter((e) => e.m?.mustRun && e.m.nodes.length > 0).sort(bySize);
    const affected = (e: Entry) => e.m?.nodes.some((n) => drained.has(n.name)) ?? false;
    // The VMs the drain does not touch hold their room first; then the ones that must leave.
    for (const e of mustRun) {
      if (affected(e)) continue;
      const m = e.m as VmMigration;
      const target = pick(m.nodes, usage, m.cpuMilli, m.memory);
      if (target) use(usage, target.name, m.cpuMilli, m.memory);
    }
    for (const e of mustRun) if (affected(e)) move(e, e.m as VmMigration, undefined);
    const others = entries.filter((e) => e.m && !e.m.mustRun && affected(e)).length;
    if (others > 0) notes.push(`${others} VM(s) that need not run (runPolicy Manual or AlwaysOff) could also be on these nodes; without live VMs dvpc cannot tell whether they run`);
    notes.push('the inventory lists no live VirtualMachines (kubectl get vm -A -o yaml), so dvpc cannot tell which VMs run on these nodes: it takes every VM that must run and whose nodes include them');
  }
  if (model.ofKind('VirtualDisk').length === 0 && entries.some((e) => e.m?.spec.blockDeviceRefs.some((b) => b.kind === 'VirtualDisk'))) {
    notes.push('no VirtualDisk of the VMs is known (no desired state given): their access modes are not predicted; only the live Migratable condition speaks for them');
  }
  if (outcomes.some((o) => o.outcome === 'migrates')) notes.push('the module runs one outbound and one inbound migration per node at a time unless its ModuleConfig says otherwise: the VMs leave each node one after another');
  outcomes.sort((a, b) => (a.vm < b.vm ? -1 : a.vm > b.vm ? 1 : 0));
  return { nodes: [...nodes], mode, edition: analysis.edition, vms: outcomes, classes: capacities(analysis, entries, drained, usage), diagnostics, notes };
}

/** Why a VM cannot be analysed: its class is unknown (DVP201), or its spec is invalid (DVP002). */
function unknownReason(model: ClusterModel, e: Entry): { code: string; path: FieldPath; reason: string; hint: string } {
  const cls = (e.resource.body['spec'] as { virtualMachineClassName?: unknown } | undefined)?.virtualMachineClassName;
  if (typeof cls === 'string' && !model.classes().has(cls)) {
    return { code: 'DVP201', path: ['spec', 'virtualMachineClassName'], reason: `its class "${cls}" is neither in the desired state nor in the inventory`, hint: 'add the classes to the inventory (kubectl get virtualmachineclasses -o yaml), or give the desired state (PATH) that defines them' };
  }
  return { code: 'DVP002', path: ['spec'], reason: 'its spec does not fit the VirtualMachine schema', hint: 'run dvpc check on the VM to see which field is wrong' };
}

/** The capacity each class keeps: its VM nodes minus the drained ones, and what is left free on them. */
function capacities(analysis: MigrationAnalysis, entries: readonly Entry[], drained: ReadonlySet<string>, usage: Usage): ClassDrainCapacity[] {
  const byClass = new Map<string, VmMigration[]>();
  for (const e of entries) {
    if (!e.m) continue;
    const l = byClass.get(e.m.cls.name) ?? [];
    l.push(e.m);
    byClass.set(e.m.cls.name, l);
  }
  const out: ClassDrainCapacity[] = [];
  for (const [name, ms] of [...byClass].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const first = ms[0] as VmMigration;
    const before = first.placement.vmNodes;
    const after = before.filter((n) => !drained.has(n.name));
    const must = ms.filter((m) => m.mustRun);
    const sum = (f: (n: InventoryNode) => bigint) => after.reduce((s, n) => s + f(n), 0n);
    out.push({
      name,
      nodesBefore: before.map((n) => n.name),
      nodesAfter: after.map((n) => n.name),
      cpuMilli: sum((n) => n.allocatableMilliCpu ?? 0n),
      memory: sum((n) => n.allocatableMemory ?? 0n),
      requestedCpuMilli: must.reduce((s, m) => s + m.cpuMilli, 0n),
      requestedMemory: must.reduce((s, m) => s + m.memory, 0n),
      freeCpuMilli: sum((n) => free(n, usage).cpu),
      freeMemory: sum((n) => free(n, usage).mem),
      domain: describeDomain(migrationDomain(first.cls, after), 8),
    });
  }
  return out;
}
