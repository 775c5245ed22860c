/** `dvpc synth`: run the app, check every cluster, and write the output only when no error remains. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { App } from 'cdk8s';
import { UsageError } from '../../core/errors.ts';
import { synthesize } from '../../synth.ts';
import { formatReport, mergeReports, skippedLine } from '../format.ts';
import { looseReport } from '../../check/index.ts';
import { formatSarifRuns, synthRuns } from '../sarif.ts';
import { allowFlag, editionFlag, formatFlag, mustExist, noPositionals, parse, stringFlag, type Command, type Io } from '../args.ts';

const usage = `Usage: dvpc synth [--app FILE] [--outdir DIR] [--baseline DIR | --baseline-ref REF]
                  [--allow CODES] [--format text|json|sarif] [--edition CE|EE]

Runs the app (default stacks/main.ts), checks every Cluster in it, and renders each into
DIR/<cluster>/ (default dist/, or $CDK8S_OUTDIR). On any error nothing is written and DIR
stays exactly as it was.

Options:
  --app FILE          the cdk8s app: a module whose default export is an App, or a function
                      returning one (default stacks/main.ts)
  --outdir DIR        where to render (default $CDK8S_OUTDIR, else dist)
  --baseline DIR      the previous output root (e.g. dist/ of the main branch): each cluster is
                      compared with its folder there (DVP107, DVP601-DVP604)
  --baseline-ref REF  the previous output read from git at REF (e.g. origin/main)
  --allow CODES       comma-separated codes whose errors become warnings for this run
  --format FMT        text (default), json (SPEC §6) or sarif (SARIF 2.1.0)
  --edition CE|EE     the module's edition for clusters that do not set one (DVP504)

Exit codes: 0 written, 1 an error remains (nothing written), 2 usage error, 3 internal error.
`;

/** Whether the app is TypeScript, which Node 20 cannot run by itself. */
const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/;

export async function loadApp(file: string): Promise<App> {
  mustExist(file, 'app');
  // tsx compiles the user's app (and what it imports) on the fly; dvpc itself is JavaScript.
  if (TYPESCRIPT.test(file)) (await import('tsx/esm/api')).register();
  const mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown };
  const exported = mod.default;
  const app = typeof exported === 'function' ? await (exported as () => App | Promise<App>)() : exported;
  if (app === undefined || app === null || typeof (app as App).synth !== 'function') {
    throw new UsageError(`${file} must export default a cdk8s App or a function that returns one`);
  }
  return app as App;
}

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    app: { type: 'string' }, outdir: { type: 'string' }, allow: { type: 'string' }, format: { type: 'string' },
    baseline: { type: 'string' }, 'baseline-ref': { type: 'string' }, edition: { type: 'string' },
  });
  noPositionals('synth', positionals);
  const baseline = stringFlag(values, 'baseline');
  if (baseline !== undefined) mustExist(baseline, 'baseline');
  const format = formatFlag(values, ['text', 'json', 'sarif']);
  const allow = allowFlag(values);
  const app = await loadApp(stringFlag(values, 'app') ?? 'stacks/main.ts');
  const result = synthesize(app, { outdir: stringFlag(values, 'outdir'), allow, baseline, baselineRef: stringFlag(values, 'baseline-ref'), edition: editionFlag(values) });
  const report = mergeReports([...result.clusters.map((c) => c.report), looseReport(result.appDiagnostics, allow)]);
  const title = result.written ? undefined : 'synth failed: dist/ was left as it was';
  if (format === 'sarif') io.out(formatSarifRuns(synthRuns(result, allow)));
  else if (format !== 'text' || report.diagnostics.length > 0 || !result.written) io.out(formatReport(report, format, io.colour, title));
  for (const w of result.writeWarnings) io.err(`dvpc: warning: ${w}\n`);
  if (format === 'text' && result.written) {
    io.err(`synthesized ${result.clusters.map((c) => c.cluster).join(', ')}: ${result.files.size} files, ${report.summary.resources} objects\n`);
    // On success too, each cluster says what it could not check (no inventory, no baseline).
    for (const c of result.clusters) if (c.report.summary.skipped.length > 0) io.err(`  ${c.cluster}: ${skippedLine(c.report.summary.skipped)}\n`);
  }
  return report.summary.errors > 0 ? 1 : 0;
}

export const command: Command = { usage, run };
