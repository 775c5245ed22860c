/**
 * Placement and capacity (DVP206, DVP208, DVP501–DVP503): what the module will compute into each
 * class's status, computed before commit, and whether the VMs that must run fit their nodes.
 */
import { append } from '../core/append.ts';
import type { ClassInfo, ClusterModel } from '../model/cluster-model.ts';
import type { Resource } from '../core/resource.ts';
import type { InventoryNode } from '../inventory/types.ts';
import { placeClass, type ClassPlacement } from '../model/placement.ts';
import { MUST_RUN, effectiveCoreFraction, requestedMilliCpu } from '../model/sizing.ts';
import { humanBytes, quantityBytes } from '../core/quantity.ts';
import { diagnose, type Diagnostic } from '../core/diagnostic.ts';
import { acknowledges } from './acknowledge.ts';
import { namesExcerpt } from './excerpt.ts';

interface VmSpec {
  virtualMachineClassName: string;
  runPolicy: string;
  cpu: { cores: number; coreFraction?: string };
  memory: { size: string };
}

interface Demand {
  readonly vm: Resource;
  readonly cls: ClassInfo;
  readonly cpuMilli: bigint;
  readonly memory: bigint;
}


const cores = (milli: bigint) => `${Number(milli) / 1000}`;
const sum = (nodes: readonly InventoryNode[], f: (n: InventoryNode) => bigint | undefined) => nodes.reduce((s, n) => s + (f(n) ?? 0n), 0n);

/** Where a finding about a class goes: the class object, else the first VM that uses it. */
function anchor(cls: ClassInfo, vms: readonly Resource[]): { r: Resource; path: (string | number)[] } | undefined {
  if (cls.resource && cls.source === 'manifest') return { r: cls.resource, path: ['spec'] };
  const first = vms[0];
  return first ? { r: first, path: ['spec', 'virtualMachineClassName'] } : undefined;
}

export function checkPlacement(model: ClusterModel): Diagnostic[] {
  const inv = model.inventory;
  if (!inv) return [];
  const out: Diagnostic[] = [];
  const classes = model.classes();
  const placements = new Map<string, ClassPlacement>();
  const vmsByClass = new Map<string, Resource[]>();
  const demands: Demand[] = [];
  for (const r of model.ofKind('VirtualMachine')) {
    const vm = model.valid<{ spec: VmSpec }>(r)?.spec;
    const cls = vm ? classes.get(vm.virtualMachineClassName) : undefined;
    if (!vm || !cls) continue;
    const list = vmsByClass.get(cls.name) ?? [];
    list.push(r);
    vmsByClass.set(cls.name, list);
  }
  for (const cls of classes.values()) {
    if (!cls.valid) continue;
    const used = vmsByClass.get(cls.name) ?? [];
    // Inventory and built-in classes matter only where the manifests' VMs use them.
    if (cls.source !== 'manifest' && used.length === 0) continue;
    const p = placeClass(inv, cls);
    placements.set(cls.name, p);
    const at = anchor(cls, used);
    if (p.problem && at) {
      const field = { nodeSelector: ['spec', 'nodeSelector'], cpu: ['spec', 'cpu'], discovery: ['spec', 'cpu', 'discovery'] }[p.problem.field];
      const path = cls.source === 'manifest' ? field : at.path;
      out.push(diagnose('DVP206', at.r, path, `VirtualMachineClass "${cls.name}" can run on no VM node: ${p.problem.message}; the class stays Pending and ${used.length} VM(s) of it would never start`, 'fix the selectors or the CPU type against the inventory (dvpc classes --inventory DIR --format text shows what each node offers)'));
    }
  }
  for (const r of model.ofKind('VirtualMachine')) {
    const vm = model.valid<{ spec: VmSpec }>(r)?.spec;
    const cls = vm ? classes.get(vm.virtualMachineClassName) : undefined;
    const p = cls ? placements.get(cls.name) : undefined;
    if (!vm || !cls || !p || p.problem) continue;
    const memory = quantityBytes(vm.memory.size) ?? 0n;
    if (cls.policies.length === 0 && (BigInt(vm.cpu.cores) * 1000n > p.maxCpuMilli || memory > p.maxMemory)) {
      out.push(diagnose('DVP208', r, vm.cpu.cores * 1000 > Number(p.maxCpuMilli) ? ['spec', 'cpu', 'cores'] : ['spec', 'memory', 'size'], `the VM asks for ${vm.cpu.cores} cores and ${vm.memory.size}, but the largest available node of class "${cls.name}" has ${cores(p.maxCpuMilli)} cores and ${humanBytes(p.maxMemory)} allocatable`, 'make the VM smaller, or give the class larger nodes'));
    }
    if (MUST_RUN.has(vm.runPolicy)) {
      const fraction = effectiveCoreFraction(cls.policies, vm.cpu.cores, vm.cpu.coreFraction);
      const cpuMilli = requestedMilliCpu(vm.cpu.cores, fraction);
      demands.push({ vm: r, cls, cpuMilli, memory });
    }
  }
  append(out, checkCapacity(demands, placements, classes, vmsByClass));
  append(out, checkFencing(model, demands, placements));
  return out;
}

/**
 * DVP501/DVP502. A class's VMs can use only its available nodes; classes whose nodes lie within
 * another class's nodes compete for them, so each class's nodes must hold its own VMs and those
 * of every class confined to a subset of its nodes.
 */
function checkCapacity(demands: readonly Demand[], placements: ReadonlyMap<string, ClassPlacement>, classes: ReadonlyMap<string, ClassInfo>, vmsByClass: ReadonlyMap<string, Resource[]>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byClass = new Map<string, Demand[]>();
  for (const d of demands) {
    const list = byClass.get(d.cls.name);
    if (list) list.push(d);
    else byClass.set(d.cls.name, [d]);
  }
  const nodeSets = new Map<string, Set<string>>();
  for (const name of byClass.keys()) nodeSets.set(name, new Set(placements.get(name)?.vmNodes.map((n) => n.name)));
  // Classes on the very same nodes are one capacity pool: check it once, on the first such class.
  const seenPools = new Set<string>();
  const order = [...classes.keys()].filter((n) => byClass.has(n));
  for (const name of order) {
    const own = byClass.get(name) as Demand[];
    const p = placements.get(name);
    const cls = classes.get(name);
    if (!p || !cls || p.vmNodes.length === 0) continue;
    const mine = nodeSets.get(name) as Set<string>;
    const poolKey = [...mine].sort().join(',');
    if (seenPools.has(poolKey)) continue;
    seenPools.add(poolKey);
    const confined = order.filter((other) => [...(nodeSets.get(other) ?? [])].every((n) => mine.has(n)));
    const all = confined.flatMap((other) => byClass.get(other) ?? []);
    const cpu = all.reduce((s, d) => s + d.cpuMilli, 0n);
    const mem = all.reduce((s, d) => s + d.memory, 0n);
    const capCpu = sum(p.vmNodes, (n) => n.allocatableMilliCpu);
    const capMem = sum(p.vmNodes, (n) => n.allocatableMemory);
    const others = confined.filter((n) => n !== name);
    const scope = `${own.length} VM(s) that must run in class "${name}"${others.length ? ` and ${all.length - own.length} of classes on the same nodes (${others.join(', ')})` : ''}`;
    const at = anchor(cls, vmsByClass.get(name) ?? []);
    if (!at) continue;
    if (cpu > capCpu || mem > capMem) {
      out.push(diagnose('DVP501', at.r, at.path, `${scope} request ${cores(cpu)} cores and ${humanBytes(mem)}; its ${p.vmNodes.length} available node(s) hold ${cores(capCpu)} cores and ${humanBytes(capMem)}`, 'add nodes to the class, lower the core fractions or memory, or move VMs to another class'));
      continue;
    }
    const maxCpu = p.vmNodes.reduce((m, n) => ((n.allocatableMilliCpu ?? 0n) > m ? (n.allocatableMilliCpu ?? 0n) : m), 0n);
    const maxMem = p.vmNodes.reduce((m, n) => ((n.allocatableMemory ?? 0n) > m ? (n.allocatableMemory ?? 0n) : m), 0n);
    if (cpu > capCpu - maxCpu || mem > capMem - maxMem) {
      out.push(diagnose('DVP502', at.r, at.path, `${scope} request ${cores(cpu)} cores and ${humanBytes(mem)}; after losing its largest node the class's nodes hold ${cores(capCpu - maxCpu)} cores and ${humanBytes(capMem - maxMem)}, so ColdStandby cannot restart them all`, 'keep one node of headroom: add a node or shrink the VMs'));
    }
  }
  return out;
}

/**
 * DVP503: ColdStandby needs fencing on the nodes a VM can run on. One finding per class (with its
 * NodeGroups), naming its VMs, on the class when the manifests hold it: a real cluster has
 * hundreds of such VMs and one fix. A VM whose own `dvpc/allow` acknowledges DVP503 keeps a
 * finding of its own, which the annotation then acknowledges.
 */
function checkFencing(model: ClusterModel, demands: readonly Demand[], placements: ReadonlyMap<string, ClassPlacement>): Diagnostic[] {
  const inv = model.inventory;
  if (!inv || inv.nodeGroups.size === 0) return [];
  const fenced = (n: InventoryNode) => {
    const group = inv.nodeGroups.get(n.labels['node.deckhouse.io/group'] ?? '');
    return group?.fencingMode !== undefined && group.fencingMode !== '';
  };
  const byClass = new Map<string, Demand[]>();
  for (const d of demands) {
    const p = placements.get(d.cls.name);
    if (!p || p.vmNodes.length === 0 || p.vmNodes.some(fenced)) continue;
    const list = byClass.get(d.cls.name);
    if (list) list.push(d);
    else byClass.set(d.cls.name, [d]);
  }
  const out: Diagnostic[] = [];
  const hint = 'enable spec.fencing.mode on those NodeGroups, or use a class whose nodes have it';
  for (const [name, list] of byClass) {
    const p = placements.get(name) as ClassPlacement;
    const groups = [...new Set(p.vmNodes.map((n) => n.labels['node.deckhouse.io/group'] ?? '(none)'))].sort().join(', ');
    const own = list.filter((d) => acknowledges(d.vm, 'DVP503'));
    for (const d of own) {
      out.push(diagnose('DVP503', d.vm, ['spec', 'runPolicy'], `the VM must run, but class "${name}" places it only on NodeGroups without fencing (${groups}): if its node fails, ColdStandby will not restart it elsewhere`, hint));
    }
    const rest = list.filter((d) => !own.includes(d)).map((d) => d.vm);
    const at = anchor(list[0]?.cls as ClassInfo, rest);
    if (rest.length === 0 || !at) continue;
    const path = at.r === rest[0] ? ['spec', 'runPolicy'] : at.path;
    out.push(diagnose('DVP503', at.r, path, `${rest.length} VM(s) that must run (${namesExcerpt(rest)}) are placed by class "${name}" only on NodeGroups without fencing (${groups}): if a node fails, ColdStandby will not restart them elsewhere`, hint));
  }
  return out;
}
