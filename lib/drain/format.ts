/**
 * A drain plan for people (text), for a maintenance ticket (Markdown) and for programs (JSON).
 * Every format says the same things: the verdict, each VM's outcome, each class's capacity, and
 * what dvpc had to assume.
 */
import { formatBytes } from '../core/quantity.ts';
import type { ClassDrainCapacity, DrainPlan, VmDrainOutcome } from './plan.ts';
import { codeSpan, mdText } from '../core/markdown.ts';

const cores = (milli: bigint) => `${Number(milli) / 1000}`;

/** Bytes for a ticket: exact when short (16Gi), else two decimals in the largest unit (2.89Ti). */
function bytes(b: bigint): string {
  const exact = formatBytes(b);
  if (/^-?\d{1,4}(Ki|Mi|Gi|Ti|Pi|Ei)?$/.test(exact)) return exact;
  const abs = b < 0n ? -b : b;
  for (const [suffix, exp] of [['Pi', 50], ['Ti', 40], ['Gi', 30], ['Mi', 20]] as const) {
    if (abs >= 2n ** BigInt(exp)) return `${(Number(b) / 2 ** exp).toFixed(2)}${suffix}`;
  }
  return exact;
}

/** Counts per outcome, and whether the drain blocks (a VM that must run is blocked or has no room). */
export function drainSummary(plan: DrainPlan): { vms: number; migrates: number; blocked: number; noRoom: number; notRunning: number; unknown: number; errors: number; warnings: number; blocks: boolean } {
  const count = (o: VmDrainOutcome['outcome']) => plan.vms.filter((v) => v.outcome === o).length;
  const errors = plan.diagnostics.filter((d) => d.severity === 'error').length;
  return {
    vms: plan.vms.length,
    migrates: count('migrates'),
    blocked: count('blocked'),
    noRoom: count('no-room'),
    notRunning: count('not-running'),
    unknown: count('unknown'),
    errors,
    warnings: plan.diagnostics.length - errors,
    blocks: plan.vms.some((v) => v.outcome === 'blocked' || (v.outcome === 'no-room' && v.mustRun)),
  };
}

function verdict(plan: DrainPlan): string {
  const s = drainSummary(plan);
  const parts = [`${s.migrates} migrate`, `${s.blocked} blocked`, `${s.noRoom} without room`, `${s.notRunning} not running`];
  if (s.unknown > 0) parts.push(`${s.unknown} unknown`);
  const head = s.blocks ? 'the drain blocks' : s.unknown > 0 ? 'dvpc cannot tell whether the drain can proceed' : 'the drain can proceed';
  return `${head}: ${s.vms} VM(s) ${plan.mode === 'live' ? 'on' : 'that must run may be on'} ${plan.nodes.join(', ')}: ${parts.join(', ')}`;
}

function where(plan: DrainPlan): string {
  return plan.mode === 'live' ? 'where VMs run: the inventory\'s live VirtualMachines' : 'where VMs run: predicted from their classes (no live VirtualMachines in the inventory)';
}

function outcomeText(v: VmDrainOutcome): string {
  switch (v.outcome) {
    case 'migrates':
      return `migrates to ${v.target}${v.candidates.length > 1 ? ` (one of ${v.candidates.length} possible)` : ''}`;
    case 'blocked':
      return `BLOCKED: ${v.reasons.join('; ')}`;
    case 'no-room':
      return `${v.mustRun ? 'NO ROOM' : 'no room'}: ${v.reasons.join('; ')}`;
    default:
      return `${v.outcome}: ${v.reasons.join('; ')}`;
  }
}

function capacityLine(c: ClassDrainCapacity): string {
  return `${c.nodesAfter.length} of ${c.nodesBefore.length} node(s); ${cores(c.freeCpuMilli)} of ${cores(c.cpuMilli)} cores and ${bytes(c.freeMemory)} of ${bytes(c.memory)} free after the moves; its VMs that must run request ${cores(c.requestedCpuMilli)} cores and ${bytes(c.requestedMemory)}`;
}

export function drainText(plan: DrainPlan): string {
  const lines = [`drain ${plan.nodes.join(' ')}`, `  ${verdict(plan)}`, `  edition: ${plan.edition.edition} (${plan.edition.evidence})`, `  ${where(plan)}`, ''];
  if (plan.vms.length > 0) {
    const width = Math.max(...plan.vms.map((v) => v.vm.length));
    for (const v of plan.vms) {
      lines.push(`  ${v.vm.padEnd(width)}  ${(v.className ?? '?').padEnd(10)} ${(v.node ?? '-').padEnd(14)} ${v.mustRun ? 'must run' : (v.runPolicy ?? '-').padEnd(8)}  ${outcomeText(v)}`);
      for (const n of v.notes) lines.push(`  ${''.padEnd(width)}  note: ${n}`);
    }
    lines.push('');
  }
  lines.push('capacity each class keeps');
  for (const c of plan.classes) {
    lines.push(`  ${c.name}: ${capacityLine(c)}`);
    lines.push(`    migration domain: ${c.domain}`);
  }
  for (const n of plan.notes) lines.push(`note: ${n}`);
  return `${lines.join('\n')}\n`;
}

/** Text from the inventory or the manifests in a ticket: no HTML, mentions or table breaks. */
const cell = mdText;

export function drainMarkdown(plan: DrainPlan): string {
  const s = drainSummary(plan);
  const lines = [
    `### Drain of ${plan.nodes.map((n) => codeSpan(n)).join(', ')}`,
    '',
    `${s.blocks ? '❌' : '✅'} **${cell(verdict(plan))}**`,
    '',
    `- Edition: ${plan.edition.edition} (${cell(plan.edition.evidence)})`,
    `- ${where(plan)[0]?.toUpperCase()}${where(plan).slice(1)}`,
    '',
  ];
  const attention = plan.vms.filter((v) => v.outcome === 'blocked' || v.outcome === 'no-room' || v.outcome === 'unknown');
  if (attention.length > 0) {
    lines.push('#### Before the window', '');
    for (const v of attention) lines.push(`- [ ] ${codeSpan(v.vm)}${v.mustRun ? ' (must run)' : ''}: ${cell(outcomeText(v))}`);
    lines.push('');
  }
  lines.push('#### VMs', '', '| VM | class | runs on | run policy | outcome | to |', '|---|---|---|---|---|---|');
  for (const v of plan.vms) {
    const to = v.outcome === 'migrates' ? `${codeSpan(v.target ?? '', true)}${v.candidates.length > 1 ? ` (1 of ${v.candidates.length})` : ''}` : cell(v.reasons.join('; '));
    lines.push(`| ${codeSpan(v.vm, true)} | ${cell(v.className ?? '?')} | ${cell(v.node ?? '–')} | ${cell(v.runPolicy ?? '–')} | ${v.outcome} | ${to} |`);
  }
  lines.push('', '#### Capacity each class keeps', '', '| class | nodes left | CPU free / allocatable | memory free / allocatable | must-run VMs request | can move among |', '|---|---:|---:|---:|---:|---|');
  for (const c of plan.classes) {
    lines.push(`| ${cell(c.name)} | ${c.nodesAfter.length} of ${c.nodesBefore.length} | ${cores(c.freeCpuMilli)} / ${cores(c.cpuMilli)} cores | ${bytes(c.freeMemory)} / ${bytes(c.memory)} | ${cores(c.requestedCpuMilli)} cores, ${bytes(c.requestedMemory)} | ${cell(c.domain)} |`);
  }
  const notes = [...new Set([...plan.notes.map(cell), ...plan.vms.flatMap((v) => v.notes.map((n) => `${codeSpan(v.vm)}: ${cell(n)}`))])];
  if (notes.length > 0) {
    lines.push('', '#### Notes', '');
    for (const n of notes) lines.push(`- ${n}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The plan as one JSON document: quantities as numbers (cores) and bytes, diagnostics as in SPEC §6. */
export function drainJson(plan: DrainPlan): string {
  const doc = {
    nodes: plan.nodes,
    mode: plan.mode,
    edition: plan.edition,
    vms: plan.vms.map((v) => ({ ...v, cpu: Number(v.cpuMilli) / 1000, memory: Number(v.memory), cpuMilli: undefined })),
    classes: plan.classes.map((c) => ({
      name: c.name, nodesBefore: c.nodesBefore, nodesAfter: c.nodesAfter, domain: c.domain,
      cpu: Number(c.cpuMilli) / 1000, memory: Number(c.memory),
      requestedCpu: Number(c.requestedCpuMilli) / 1000, requestedMemory: Number(c.requestedMemory),
      freeCpu: Number(c.freeCpuMilli) / 1000, freeMemory: Number(c.freeMemory),
    })),
    diagnostics: plan.diagnostics,
    notes: plan.notes,
    summary: drainSummary(plan),
  };
  return `${JSON.stringify(doc)}\n`;
}
