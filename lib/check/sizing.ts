/**
 * Classes and sizing (DVP201–DVP205, DVP207), as the module's VM webhooks decide them
 * (sizing_policy_validator, cpu_count_validator, the core-fraction defaulter) and the class
 * webhooks (sizing policies, default class), with the one quirk fixed: overlap is checked both ways.
 */
import { append } from '../core/append.ts';
import type { ClassInfo, ClusterModel } from '../model/cluster-model.ts';
import type { Resource } from '../core/resource.ts';
import { defaultCoreFraction, gridNeighbours, matchPolicy, onGrid, socketsFor, type Policy } from '../model/sizing.ts';
import { formatBytes, quantityBytes } from '../core/quantity.ts';
import { DEFAULT_CLASS_ANNOTATION } from '../schema/vm-class.ts';
import { diagnose, type Diagnostic } from '../core/diagnostic.ts';
import { vmSpecs, type VmSpecView } from '../model/vm-specs.ts';

type Path = readonly (string | number)[];

const ranges = (ps: readonly Policy[]) => ps.map((p) => `${p.coresMin}-${p.coresMax}`).join(', ');
const gib = (b: bigint) => formatBytes(b);

/** DVP207: the module's limit and its socket topology. */
function checkCores(r: Resource, at: Path, cores: number): Diagnostic[] {
  if (cores > 248) {
    return [diagnose('DVP207', r, [...at, 'cpu', 'cores'], `${cores} cores: the module allows at most 248`, 'use 248 cores or fewer')];
  }
  const sockets = socketsFor(cores);
  if (cores % sockets !== 0) {
    const below = cores - (cores % sockets);
    return [diagnose('DVP207', r, [...at, 'cpu', 'cores'], `${cores} cores are spread over ${sockets} sockets, so the count must be a multiple of ${sockets}`, `use ${below} or ${below + sockets} cores`)];
  }
  return [];
}

function checkAgainstPolicy(r: Resource, at: Path, vm: VmSpecView, cls: ClassInfo): Diagnostic[] {
  const out: Diagnostic[] = [];
  const cores = vm.cpu.cores;
  const policy = matchPolicy(cls.policies, cores);
  if (!policy) {
    out.push(diagnose('DVP202', r, [...at, 'cpu', 'cores'], `${cores} cores fall in no sizing policy of VirtualMachineClass "${cls.name}" (allowed ranges: ${ranges(cls.policies)})`, 'set spec.cpu.cores inside one of the ranges, or use another class'));
    return out;
  }
  const where = `policy ${policy.index + 1} (${policy.coresMin}-${policy.coresMax} cores) of VirtualMachineClass "${cls.name}"`;
  if (policy.coresStep !== undefined && !onGrid(BigInt(policy.coresMin), BigInt(policy.coresMax), BigInt(policy.coresStep), BigInt(cores))) {
    const [lo, hi] = gridNeighbours(BigInt(policy.coresMin), BigInt(policy.coresMax), BigInt(policy.coresStep), BigInt(cores));
    out.push(diagnose('DVP202', r, [...at, 'cpu', 'cores'], `${cores} cores are off the step ${policy.coresStep} of ${where}`, `set spec.cpu.cores to ${lo} or ${hi}`));
  }
  // Core fraction: as written, or what the mutating webhook would fill in.
  const cf = vm.cpu.coreFraction;
  if (cf === undefined) {
    const d = defaultCoreFraction(cls.policies, cores);
    if (d.kind === 'undefined-default') {
      out.push(diagnose('DVP204', r, [...at, 'cpu'], `spec.cpu.coreFraction is omitted and ${where} gives no default (no defaultCoreFraction, and coreFractions ${policy.coreFractions.map((f) => `${f}%`).join(', ')} lack 100%)`, `set spec.cpu.coreFraction to one of ${policy.coreFractions.map((f) => `${f}%`).join(', ')}`));
    }
  } else if (cf !== 'Auto' && policy.coreFractions.length > 0) {
    const n = Number(cf.replace('%', ''));
    if (!policy.coreFractions.includes(n)) {
      out.push(diagnose('DVP204', r, [...at, 'cpu', 'coreFraction'], `core fraction ${cf} is not allowed by ${where}`, `set spec.cpu.coreFraction to one of ${policy.coreFractions.map((f) => `${f}%`).join(', ')}`));
    }
  }
  const size = quantityBytes(vm.memory.size);
  if (size === undefined) return out;
  const memPath = [...at, 'memory', 'size'];
  if ((policy.memoryMin !== undefined && size < policy.memoryMin) || (policy.memoryMax !== undefined && size > policy.memoryMax)) {
    out.push(diagnose('DVP203', r, memPath, `memory ${vm.memory.size} is out of the range ${policy.memoryMin !== undefined ? gib(policy.memoryMin) : '0'}..${policy.memoryMax !== undefined ? gib(policy.memoryMax) : 'unbounded'} of ${where}`, `set spec.memory.size between ${policy.memoryMin !== undefined ? gib(policy.memoryMin) : '0'} and ${policy.memoryMax !== undefined ? gib(policy.memoryMax) : 'any size'}`));
  } else if (policy.memoryMax !== undefined && policy.memoryStep !== undefined) {
    const min = policy.memoryMin ?? 0n;
    if (!onGrid(min, policy.memoryMax, policy.memoryStep, size)) {
      const [lo, hi] = gridNeighbours(min, policy.memoryMax, policy.memoryStep, size);
      out.push(diagnose('DVP203', r, memPath, `memory ${vm.memory.size} is off the step ${gib(policy.memoryStep)} of ${where}`, `set spec.memory.size to ${gib(lo)} or ${gib(hi)}`));
    }
  }
  if (policy.perCoreMin !== undefined || policy.perCoreMax !== undefined) {
    const perCore = size / BigInt(cores);
    const tooSmall = policy.perCoreMin !== undefined && perCore < policy.perCoreMin;
    const tooBig = policy.perCoreMax !== undefined && perCore > policy.perCoreMax;
    if (tooSmall || tooBig) {
      const lo = policy.perCoreMin !== undefined ? gib(policy.perCoreMin * BigInt(cores)) : '0';
      const hi = policy.perCoreMax !== undefined ? gib(policy.perCoreMax * BigInt(cores)) : 'any size';
      out.push(diagnose('DVP203', r, memPath, `memory ${vm.memory.size} is ${gib(perCore)} per core for ${cores} cores; ${where} allows ${policy.perCoreMin !== undefined ? gib(policy.perCoreMin) : '0'}..${policy.perCoreMax !== undefined ? gib(policy.perCoreMax) : 'unbounded'} per core`, `set spec.memory.size between ${lo} and ${hi}, or change the number of cores`));
    } else if (policy.perCoreMax !== undefined && policy.memoryStep !== undefined) {
      const min = policy.perCoreMin ?? 0n;
      if (!onGrid(min, policy.perCoreMax, policy.memoryStep, perCore)) {
        const [lo, hi] = gridNeighbours(min, policy.perCoreMax, policy.memoryStep, perCore);
        out.push(diagnose('DVP203', r, memPath, `memory per core ${gib(perCore)} is off the step ${gib(policy.memoryStep)} of ${where}`, `set spec.memory.size to ${gib(lo * BigInt(cores))} or ${gib(hi * BigInt(cores))}`));
      }
    }
  }
  return out;
}

function checkVms(model: ClusterModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  const classes = model.classes();
  for (const { resource: r, spec: vm, at } of vmSpecs(model)) {
    out.push(...checkCores(r, at, vm.cpu.cores));
    const cls = classes.get(vm.virtualMachineClassName);
    if (!cls) {
      const known = [...classes.keys()].sort();
      out.push(diagnose('DVP201', r, [...at, 'virtualMachineClassName'], `VirtualMachineClass "${vm.virtualMachineClassName}" exists neither in the manifests nor in the inventory; the ${r.kind === 'VirtualMachinePool' ? "pool's members" : 'VM'} would never start`, known.length > 0 ? `use one of ${known.join(', ')}, or add the class` : 'add the class'));
      continue;
    }
    if (!cls.valid || cls.policies.length === 0) continue;
    out.push(...checkAgainstPolicy(r, at, vm, cls));
  }
  return out;
}

/** DVP205 on each class of the manifests: overlapping policies, default fractions, default annotation. */
function checkClasses(model: ClusterModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  const classes = model.classes();
  for (const cls of classes.values()) {
    const r = cls.resource;
    if (!r || cls.source !== 'manifest' || !cls.valid) continue;
    const ps = [...cls.policies].sort((a, b) => a.coresMin - b.coresMin || a.index - b.index);
    // Sorted by min, any overlap shows between a policy and the widest one before it.
    let widest: Policy | undefined;
    for (const p of ps) {
      if (widest && p.coresMin <= widest.coresMax) {
        const [earlier, later] = widest.index < p.index ? [widest, p] : [p, widest];
        out.push(diagnose('DVP205', r, ['spec', 'sizingPolicies', later.index, 'cores'], `sizing policy ${later.index + 1} (${later.coresMin}-${later.coresMax} cores) overlaps policy ${earlier.index + 1} (${earlier.coresMin}-${earlier.coresMax} cores)`, 'make the core ranges disjoint (a VM would match the first one only)'));
      }
      if (!widest || p.coresMax > widest.coresMax) widest = p;
    }
    for (const p of cls.policies) {
      if (typeof p.defaultCoreFraction === 'number' && p.coreFractions.length > 0 && !p.coreFractions.includes(p.defaultCoreFraction)) {
        out.push(diagnose('DVP205', r, ['spec', 'sizingPolicies', p.index, 'defaultCoreFraction'], `defaultCoreFraction ${p.defaultCoreFraction}% is not among the policy's coreFractions (${p.coreFractions.map((f) => `${f}%`).join(', ')})`, 'set it to one of the coreFractions, or add it to them'));
      }
    }
    if (cls.defaultAnnotation !== undefined && cls.defaultAnnotation !== 'true') {
      out.push(diagnose('DVP205', r, ['metadata', 'annotations', DEFAULT_CLASS_ANNOTATION], `the default-class annotation is "${cls.defaultAnnotation}"; the module accepts only "true"`, 'set it to "true", or remove it'));
    }
  }
  // More than one default class among the classes the cluster will have.
  // The inventory's default (the cluster as it is) comes first; then the manifests' in dvpc order.
  const all = [...classes.values()].filter((c) => c.defaultAnnotation === 'true');
  const defaults = [...all.filter((c) => c.source === 'inventory'), ...all.filter((c) => c.source === 'manifest')];
  const first = defaults[0];
  for (const c of defaults.slice(1)) {
    const r = c.resource;
    if (!r || c.source !== 'manifest') continue;
    out.push(diagnose('DVP205', r, ['metadata', 'annotations', DEFAULT_CLASS_ANNOTATION], `VirtualMachineClass "${c.name}" is annotated default, and so is "${first?.name}"${first?.source === 'inventory' ? ' (in the inventory)' : ''}; the module allows one default class`, 'remove the annotation from all classes but one'));
  }
  return out;
}

export function checkSizing(model: ClusterModel): Diagnostic[] {
  return append(checkVms(model), checkClasses(model));
}
