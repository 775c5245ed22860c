/** `dvpc diff`: what a change does to each cluster, field by field, with its dangerous parts marked. */
import { UsageError } from '../../core/errors.ts';
import { clusterStates } from '../../front/check-paths.ts';
import { diffCluster } from '../../diff/diff.ts';
import { diffJson, diffMarkdown, diffText } from '../../diff/format.ts';
import { diagnosticLine, printableLines } from '../format.ts';
import { allowFlag, baselineFlags, formatFlag, inputPaths, mustExist, namespaceFlag, parse, stringFlag, type Command, type Io } from '../args.ts';
import { MAX_FILE_BYTES } from '../../read/files.ts';
import { readStream } from '../../read/stdin.ts';

const usage = `Usage: dvpc diff --baseline PATH | --baseline-ref REF  PATH... [--inventory DIR]
                 [--allow CODES] [--namespace NS] [--format text|json|markdown]

The semantic difference between two states of a cluster: objects added, removed and
changed field by field, each dangerous change marked with its code (DVP107, DVP601-DVP604)
and severity. A PATH of - reads standard input. Objects are matched by identity (group, kind, namespace, name) within a cluster.
One desired cluster against one baseline cluster is the same cluster whatever their folders
are called; dvpc's output roots are compared cluster by cluster, by name.

Options:
  --baseline PATH     the previous state (a folder of manifests)
  --baseline-ref REF  the previous state read from git at REF (e.g. origin/main): the same PATHs
  --inventory DIR     the cluster as it is, for the checks that need it and the capacity picture;
                      for several clusters, a folder with one inventory folder per cluster
  --allow CODES       comma-separated codes whose errors become warnings for this run
  --namespace NS      namespace of namespaced objects that name none (default "default")
  --format FMT        text (default), json, or markdown (for a pull-request comment)

Exit codes: 0 no error, 1 an error remains, 2 usage error, 3 internal error.
`;

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    baseline: { type: 'string' }, 'baseline-ref': { type: 'string' }, inventory: { type: 'string' }, allow: { type: 'string' }, format: { type: 'string' }, namespace: { type: 'string' },
  });
  if (positionals.length === 0) throw new UsageError('diff needs at least one PATH');
  inputPaths(positionals, io);
  const { baseline, baselineRef } = baselineFlags(values);
  if (baseline === undefined && baselineRef === undefined) throw new UsageError('diff needs --baseline PATH or --baseline-ref REF');
  const inventory = stringFlag(values, 'inventory');
  if (inventory !== undefined) mustExist(inventory, 'inventory');
  const format = formatFlag(values, ['text', 'json', 'markdown']);
  const namespace = namespaceFlag(values);
  const allow = allowFlag(values);
  const stdin = positionals.includes('-') && io.stdin ? await readStream(io.stdin(), MAX_FILE_BYTES) : undefined;
  const states = clusterStates(positionals, { baseline, baselineRef, inventory, namespace, stdin });
  // Problems reading the input (not the diff's findings) go to standard error.
  const reading = states.flatMap((s) => s.diagnostics);
  for (const d of reading) io.err(diagnosticLine(d));
  const diffs = states.map((s) => diffCluster(s.name, s.resources, s.baseline ?? [], { inventory: s.inventory, allow, handoff: s.handoff }));
  io.out(format === 'json' ? diffJson(diffs) : format === 'markdown' ? diffMarkdown(diffs) : printableLines(diffText(diffs)));
  const errors = diffs.reduce((n, d) => n + d.diagnostics.filter((x) => x.severity === 'error').length, 0);
  return errors > 0 || reading.some((d) => d.severity === 'error') ? 1 : 0;
}

export const command: Command = { usage, run };
