/** `dvpc drain NODE... --inventory DIR [PATH...]`: what draining those nodes does, before the window. */
import { existsSync } from 'node:fs';
import { UsageError } from '../../core/errors.ts';
import { loadInventory } from '../../inventory/load.ts';
import { ClusterModel } from '../../model/cluster-model.ts';
import { clusterStates, type ClusterState } from '../../front/check-paths.ts';
import { MAX_FILE_BYTES } from '../../read/files.ts';
import { readStream } from '../../read/stdin.ts';
import { planDrain, type DrainPlan } from '../../drain/plan.ts';
import { drainJson, drainMarkdown, drainText } from '../../drain/format.ts';
import type { Diagnostic } from '../../core/diagnostic.ts';
import { diagnosticLine, printableLines } from '../format.ts';
import { editionFlag, formatFlag, inputPaths, mustExist, namespaceFlag, parse, stringFlag, type Command, type Io } from '../args.ts';

const usage = `Usage: dvpc drain NODE... --inventory DIR [PATH...] [--format text|json|markdown]
                  [--edition CE|EE] [--namespace NS]

What draining those nodes for maintenance does: the VMs that run there (the inventory's live
VirtualMachines, kubectl get vm -A -o yaml; without them, every VM that must run and whose class
can place it there), whether each live-migrates and to which node, or why it cannot (then the
drain blocks on it), the capacity each class keeps, and which VMs that must run have nowhere to go.

Arguments:
  NODE...           nodes of the inventory to drain
  PATH...           the desired state of one cluster (files or folders of manifests, e.g.
                    dist/prod; - reads standard input), optional: without it the inventory's
                    VirtualMachines and classes are the state

Options:
  --inventory DIR   the inventory folder (nodes, StorageClasses, StorageProfiles, VMs, ...)
  --edition CE|EE   the module's edition (CE refuses to migrate VMs with ReadWriteOnce disks);
                    default: what the inventory shows, else CE
  --namespace NS    namespace of namespaced objects in PATH that name none (default "default")
  --format FMT      text (default), json, or markdown (for a maintenance ticket)

Exit codes: 0 the drain can proceed for every VM that must run, 1 one would block or has nowhere
to go (DVP504, DVP505) or an input has errors, 2 usage error, 3 internal error.
`;

/** Positionals are nodes of the inventory or paths; before --inventory, a name that is both is a node. */
function split(args: string[], positionals: string[], nodeNames: ReadonlySet<string>): { nodes: string[]; paths: string[] } {
  const inventoryAt = args.findIndex((a) => a === '--inventory' || a.startsWith('--inventory='));
  const nodes: string[] = [];
  const paths: string[] = [];
  for (const p of positionals) {
    const isNode = nodeNames.has(p);
    const isPath = p === '-' || existsSync(p);
    const asNode = isNode && (!isPath || inventoryAt < 0 || args.indexOf(p) < inventoryAt);
    if (!asNode && !isPath) throw new UsageError(`${p} is neither a node of the inventory nor a PATH that exists`);
    const list = asNode ? nodes : paths;
    if (!list.includes(p)) list.push(p); // a node or PATH named twice is drained or read once
  }
  if (nodes.length === 0) throw new UsageError('drain needs at least one NODE of the inventory');
  return { nodes, paths };
}

/**
 * The one cluster the PATHs hold (the hand-off objects of dvpc's output root left aside). Without
 * PATH the desired state is empty, and the inventory's live VMs are the state.
 */
async function desiredState(paths: readonly string[], namespace: string, io: Io): Promise<{ resources: ClusterState['resources']; diagnostics: Diagnostic[]; files: number }> {
  if (paths.length === 0) return { resources: [], diagnostics: [], files: 0 };
  const stdin = paths.includes('-') && io.stdin ? await readStream(io.stdin(), MAX_FILE_BYTES) : undefined;
  const clusters = clusterStates(paths, { namespace, stdin }).filter((s) => !s.handoff);
  if (clusters.length > 1) {
    throw new UsageError(`the PATHs hold ${clusters.length} clusters (${clusters.map((c) => c.name).slice(0, 5).join(', ')}): a drain is of one cluster's nodes, so give that cluster's folder (e.g. dist/${clusters[0]?.name})`);
  }
  const [cluster] = clusters;
  return cluster ? { resources: cluster.resources, diagnostics: cluster.diagnostics, files: cluster.files } : { resources: [], diagnostics: [], files: 0 };
}

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    inventory: { type: 'string' }, format: { type: 'string' }, edition: { type: 'string' }, namespace: { type: 'string' },
  });
  const dir = stringFlag(values, 'inventory');
  if (dir === undefined) throw new UsageError('drain needs --inventory DIR');
  mustExist(dir, 'inventory');
  const format = formatFlag(values, ['text', 'json', 'markdown']);
  const edition = editionFlag(values);
  const namespace = namespaceFlag(values);
  const inventory = loadInventory(dir);
  const { nodes, paths } = split(args, positionals, new Set(inventory.nodes.map((n) => n.name)));
  inputPaths(paths, io);
  const input = await desiredState(paths, namespace, io);
  const inputs: Diagnostic[] = [...input.diagnostics, ...inventory.diagnostics];
  const model = new ClusterModel(input.resources, { inventory, edition, files: input.files });
  const plan: DrainPlan = planDrain(model, nodes);
  const all = { ...plan, diagnostics: [...inputs, ...plan.diagnostics] };
  if (format === 'json') io.out(drainJson(all));
  else if (format === 'markdown') io.out(drainMarkdown(all));
  else {
    io.out(printableLines(drainText(plan)));
    for (const d of all.diagnostics) io.out(diagnosticLine(d));
  }
  return all.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

export const command: Command = { usage, run };
