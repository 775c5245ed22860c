/** `dvpc diff`: what a change does to each cluster, field by field, with its dangerous parts marked. */
import { basename } from 'node:path';
import { UsageError } from '../../core/errors.ts';
import type { Resource } from '../../core/resource.ts';
import { loadBaseline, loadResources } from '../../front/resources.ts';
import { readingSession } from '../../read/yaml.ts';
import { loadInventory } from '../../inventory/load.ts';
import { clusterOfFile, diffCluster } from '../../diff/diff.ts';
import { diffJson, diffMarkdown, diffText } from '../../diff/format.ts';
import { diagnosticLine } from '../format.ts';
import { allowFlag, formatFlag, mustExist, parse, stringFlag, type Command, type Io } from '../args.ts';

const usage = `Usage: dvpc diff --baseline PATH | --baseline-ref REF  PATH... [--inventory DIR]
                 [--allow CODES] [--namespace NS] [--format text|json|markdown]

The semantic difference between two states of a cluster: objects added, removed and
changed field by field, each dangerous change marked with its code (DVP107, DVP601-DVP604)
and severity.

Options:
  --baseline PATH     the previous state (a folder of manifests)
  --baseline-ref REF  the previous state read from git at REF (e.g. origin/main): the same PATHs
  --inventory DIR     the cluster as it is, for the checks that need it
  --allow CODES       comma-separated codes whose errors become warnings for this run
  --namespace NS      namespace of namespaced objects that name none (default "default")
  --format FMT        text (default), json, or markdown (for a pull-request comment)

Exit codes: 0 no error, 1 an error remains, 2 usage error, 3 internal error.
`;

function groupByCluster(resources: readonly Resource[], fallback: string): Map<string, Resource[]> {
  const m = new Map<string, Resource[]>();
  const clusterOf = new Map<string, string>(); // many objects share a file
  for (const r of resources) {
    let c = clusterOf.get(r.origin.file);
    if (c === undefined) clusterOf.set(r.origin.file, (c = clusterOfFile(r.origin.file, fallback)));
    const list = m.get(c);
    if (list) list.push(r);
    else m.set(c, [r]);
  }
  return m;
}

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    baseline: { type: 'string' }, 'baseline-ref': { type: 'string' }, inventory: { type: 'string' }, allow: { type: 'string' }, format: { type: 'string' }, namespace: { type: 'string' },
  });
  if (positionals.length === 0) throw new UsageError('diff needs at least one PATH');
  for (const p of positionals) mustExist(p, 'PATH');
  const baseline = stringFlag(values, 'baseline');
  const baselineRef = stringFlag(values, 'baseline-ref');
  if (baseline === undefined && baselineRef === undefined) throw new UsageError('diff needs --baseline PATH or --baseline-ref REF');
  if (baseline !== undefined) mustExist(baseline, 'baseline');
  const inventory = stringFlag(values, 'inventory');
  if (inventory !== undefined) mustExist(inventory, 'inventory');
  const format = formatFlag(values, ['text', 'json', 'markdown']);
  const namespace = stringFlag(values, 'namespace') ?? 'default';
  const allow = allowFlag(values);
  const fallback = basename(positionals[0] as string);
  const { desired, base } = readingSession(() => ({ desired: loadResources(positionals, namespace), base: loadBaseline(positionals, { baseline, baselineRef }, namespace) ?? { resources: [], diagnostics: [] } }), { documents: true });
  for (const d of [...desired.diagnostics, ...base.diagnostics]) io.err(diagnosticLine(d));
  const after = groupByCluster(desired.resources, fallback);
  const before = groupByCluster(base.resources, fallback);
  const inv = inventory !== undefined ? loadInventory(inventory) : undefined;
  const clusters = [...new Set([...after.keys(), ...before.keys()])].sort();
  const diffs = clusters.map((c) => diffCluster(c, after.get(c) ?? [], before.get(c) ?? [], { inventory: inv, allow }));
  io.out(format === 'json' ? diffJson(diffs) : format === 'markdown' ? diffMarkdown(diffs) : diffText(diffs));
  const errors = diffs.reduce((n, d) => n + d.diagnostics.filter((x) => x.severity === 'error').length, 0);
  return errors > 0 || desired.diagnostics.length > 0 ? 1 : 0;
}

export const command: Command = { usage, run };
