/**
 * DVP504: a VM that must run and cannot be live-migrated off its node, so that draining the node
 * blocks on it (the module never stops it; UPSTREAM-MIGRATION §2.6). One diagnostic per VM, or
 * one per class and reason where many VMs share it, naming them.
 */
import type { ClusterModel } from '../model/cluster-model.ts';
import { MigrationAnalysis, blockerHint, type VmMigration } from '../model/migration.ts';
import { diagnose, type Diagnostic } from '../core/diagnostic.ts';

/** From this many VMs of one class with one reason on, they are reported together. */
export const AGGREGATE_FROM = 3;
const NAMES_SHOWN = 5;


function names(list: readonly VmMigration[]): string {
  const shown = list.slice(0, NAMES_SHOWN).map((m) => `${m.vm.namespace}/${m.vm.name}`);
  return `${shown.join(', ')}${list.length > NAMES_SHOWN ? ` and ${list.length - NAMES_SHOWN} more` : ''}`;
}

export function checkMigration(model: ClusterModel): Diagnostic[] {
  if (!model.inventory) return [];
  const analysis = new MigrationAnalysis(model);
  // Group by class and the shared reasons, keeping dvpc's order of VMs.
  const groups = new Map<string, VmMigration[]>();
  for (const r of model.ofKind('VirtualMachine')) {
    if (!analysis.mayBlock(r)) continue;
    const m = analysis.analyse(r);
    // A VM with no node at all is DVP206's; one that need not run blocks nothing it must.
    if (!m || !m.mustRun || m.nodes.length === 0 || m.blockers.length === 0) continue;
    const key = `${m.cls.name}\u0000${m.blockers.map((b) => b.shared).join('\u0000')}`;
    const list = groups.get(key) ?? [];
    list.push(m);
    groups.set(key, list);
  }
  const out: Diagnostic[] = [];
  for (const list of groups.values()) {
    const first = list[0] as VmMigration;
    if (list.length >= AGGREGATE_FROM) {
      const why = first.blockers.map((b) => b.shared).join('; ');
      out.push(diagnose('DVP504', first.vm, first.blockers[0]?.path ?? ['spec'], `${list.length} VMs of class "${first.cls.name}" that must run cannot be live-migrated, so draining their nodes blocks on them: ${why} (${names(list)})`, blockerHint(first.blockers)));
      continue;
    }
    for (const m of list) {
      out.push(diagnose('DVP504', m.vm, m.blockers[0]?.path ?? ['spec'], `the VM must run (runPolicy ${m.spec.runPolicy}) but cannot be live-migrated, so draining its node blocks on it: ${m.blockers.map((b) => b.message).join('; ')}`, blockerHint(m.blockers)));
    }
  }
  return out;
}
