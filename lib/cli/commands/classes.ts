/** `dvpc classes`: VirtualMachineClasses derived from a node inventory. */
import { UsageError } from '../../core/errors.ts';
import { loadInventory } from '../../inventory/load.ts';
import { deriveClasses, derivationText, derivedManifests } from '../../classes/derive.ts';
import { emitDocuments } from '../../render/yaml-emit.ts';
import type { Json } from '../../core/json.ts';
import { diagnosticLine, printableLines } from '../format.ts';
import { formatFlag, mustExist, noPositionals, parse, stringFlag, type Command, type Io } from '../args.ts';

const usage = `Usage: dvpc classes --inventory DIR [--group-by LABEL] [--format yaml|json|text]

Derives Discovery classes from a node inventory: one per group of VM nodes (by the node's
own CPU model, or by LABEL) and one universal class over every VM node, each with label
selectors that select exactly its nodes. As text: each class's nodes, the CPU features the
module will discover, and what the classes add or lack against each other.

Options:
  --inventory DIR   the inventory folder (kubectl get nodes -o yaml, ...)
  --group-by LABEL  the node label to group by (default: the host-model-cpu label)
  --format FMT      yaml (default: the classes as manifests), json (the same, as a kubectl
                    List) or text

Classes that already exist in the inventory keep their spec.cpu and spec.nodeSelector while
they still select the same VM nodes with the same features (spec.cpu is immutable); where
their selection must change, DVP602 says so. Names depend on a group's value alone: values
that would share a name are refused (DVP004), never numbered.

Exit codes: 0 derived, 1 a group cannot be derived or named, a live class must change, or the
inventory has errors; 2 usage error.
`;

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { inventory: { type: 'string' }, 'group-by': { type: 'string' }, format: { type: 'string' } });
  noPositionals('classes', positionals);
  const dir = stringFlag(values, 'inventory');
  if (dir === undefined) throw new UsageError('classes needs --inventory DIR');
  mustExist(dir, 'inventory');
  const format = formatFlag(values, ['yaml', 'json', 'text']);
  const inventory = loadInventory(dir);
  for (const d of inventory.diagnostics) io.err(diagnosticLine(d));
  const derivation = deriveClasses(inventory, { groupBy: stringFlag(values, 'group-by') });
  if (format === 'text') {
    io.out(printableLines(derivationText(derivation, inventory)));
  } else {
    const manifests = derivedManifests(derivation) as { [key: string]: Json }[];
    io.out(format === 'json' ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }, null, 2)}\n` : emitDocuments(manifests));
    for (const p of derivation.problems) io.err(`dvpc: ${p.code} cannot derive${p.className ? ` class ${p.className}` : ''}: ${p.message} (hint: ${p.hint})\n`);
  }
  return derivation.problems.length > 0 || inventory.diagnostics.length > 0 ? 1 : 0;
}

export const command: Command = { usage, run };
