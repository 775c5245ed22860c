/** `dvpc check PATH...`: the same checks as synth, on manifests written by anyone. */
import { UsageError } from '../../core/errors.ts';
import { checkClusters } from '../../front/check-paths.ts';
import { formatClusterReports } from '../format.ts';
import { Progress } from '../progress.ts';
import { allowFlag, baselineFlags, editionFlag, formatFlag, inputPaths, mustExist, namespaceFlag, parse, stringFlag, type Command, type Io } from '../args.ts';
import { MAX_FILE_BYTES } from '../../read/files.ts';
import { readStream } from '../../read/stdin.ts';

const usage = `Usage: dvpc check PATH... [--inventory DIR] [--require-inventory]
                  [--baseline PATH | --baseline-ref REF] [--namespace NS] [--allow CODES]
                  [--format text|json|sarif] [--edition CE|EE]

Checks manifests that already exist as YAML or JSON (files, or folders searched recursively
for *.yaml, *.yml, *.json), from dvpc or from anywhere else, as one cluster's desired state.
A PATH of - reads standard input (helm template ... | dvpc check -), shown as <stdin>.

Options:
  --inventory DIR     the cluster as it is (kubectl get -o yaml of nodes, StorageClasses, ...):
                      enables the checks that need it (DVP103, DVP2xx placement, DVP3xx, DVP5xx)
  --require-inventory a cluster without an inventory (or with one that holds no Node) is an
                      error instead of a list of skipped checks, so CI cannot silently lose them
  --baseline PATH     the previous state (a folder of manifests), for DVP107 and DVP601-DVP604
  --baseline-ref REF  the previous state read from git at REF (e.g. origin/main): the same PATHs
  --namespace NS      namespace of namespaced objects that name none (default "default")
  --allow CODES       comma-separated codes whose errors become warnings for this run
  --format FMT        text (default), json (SPEC §6) or sarif (SARIF 2.1.0)
  --edition CE|EE     the module's edition, for DVP504 (CE refuses to migrate VMs with
                      ReadWriteOnce disks); default: what the inventory shows, else CE

Exit codes: 0 no error, 1 an error remains, 2 usage error, 3 internal error.
`;

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    inventory: { type: 'string' }, 'require-inventory': { type: 'boolean' }, baseline: { type: 'string' }, 'baseline-ref': { type: 'string' }, namespace: { type: 'string' }, allow: { type: 'string' }, format: { type: 'string' }, edition: { type: 'string' },
  });
  if (positionals.length === 0) throw new UsageError('check needs at least one PATH');
  inputPaths(positionals, io);
  const inventory = stringFlag(values, 'inventory');
  if (inventory !== undefined) mustExist(inventory, 'inventory');
  const { baseline, baselineRef } = baselineFlags(values);
  const format = formatFlag(values, ['text', 'json', 'sarif']);
  const stdin = positionals.includes('-') && io.stdin ? await readStream(io.stdin(), MAX_FILE_BYTES) : undefined;
  const progress = new Progress(io);
  let reports;
  try {
    reports = checkClusters(positionals, {
      stdin,
      inventory,
      requireInventory: values['require-inventory'] === true,
      baseline,
      baselineRef,
      namespace: namespaceFlag(values),
      allow: allowFlag(values),
      edition: editionFlag(values),
      onProgress: (step) => progress.step(step),
    });
  } finally {
    progress.done();
  }
  io.out(formatClusterReports(reports, format, io.colour));
  return reports.some((r) => r.report.summary.errors > 0) ? 1 : 0;
}

export const command: Command = { usage, run };
