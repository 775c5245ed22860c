/** `dvpc synth`: type-check and run the app, check every cluster, and write only when no error remains. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { App } from 'cdk8s';
import { UsageError } from '../../core/errors.ts';
import { formatSource } from '../../core/source.ts';
import { formatReport, mergeReports, skippedLine, type Format } from '../format.ts';
import { formatSarifRuns, synthRuns } from '../sarif.ts';
import type { Report } from '../../check/index.ts';
import { typeCheck, type TypeCheck } from '../typecheck.ts';
import { Progress } from '../progress.ts';
import { allowFlag, baselineFlags, editionFlag, formatFlag, mustExist, noPositionals, parse, stringFlag, type Command, type Flags, type Io } from '../args.ts';

const usage = `Usage: dvpc synth [--app FILE] [--outdir DIR] [--baseline DIR | --baseline-ref REF]
                  [--allow CODES] [--format text|json|sarif] [--edition CE|EE] [--no-typecheck]

Type-checks the app (default stacks/main.ts) with the project's TypeScript, runs it, checks
every Cluster in it, and renders each into DIR/<cluster>/ (default dist/, or $CDK8S_OUTDIR).
On any error nothing is written and DIR stays exactly as it was.

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
  --no-typecheck      skip the type check (a type error is DVP002 at its TypeScript line)

Exit codes: 0 written, 1 an error remains (nothing written), 2 usage or setup error,
3 internal error.
`;

/** Whether the app is TypeScript, which Node 20 cannot run by itself. */
const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/;

/** Whether the nearest package.json above a file says "type": "module". */
function inEsmPackage(file: string): boolean {
  for (let d = dirname(resolve(file)); ; d = dirname(d)) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    if (dirname(d) === d) return false;
  }
}

/**
 * The app as a function that builds it afresh on each call: the default export called again, or,
 * for a module that exports an App it built on import, the module evaluated again.
 */
async function appBuilder(file: string): Promise<() => Promise<App>> {
  if (TYPESCRIPT.test(file)) {
    // tsx compiles the user's app (and what it imports) on the fly, with source maps, so that
    // stacks name TypeScript lines; dvpc itself is JavaScript.
    (await import('tsx/esm/api')).register();
    if (!inEsmPackage(file)) (await import('tsx/cjs/api')).register();
  }
  const url = pathToFileURL(resolve(file)).href;
  let runs = 0;
  let factory: (() => unknown) | undefined;
  return async () => {
    let exported: unknown;
    if (factory) exported = await factory();
    else {
      const mod = (await import(runs === 0 ? url : `${url}?dvpc-run=${runs}`)) as { default?: unknown };
      if (typeof mod.default === 'function') {
        factory = mod.default as () => unknown;
        exported = await factory();
      } else exported = mod.default;
    }
    runs++;
    if (exported === undefined || exported === null || typeof (exported as App).synth !== 'function') {
      throw new UsageError(`${file} must export default a cdk8s App or a function that returns one`);
    }
    return exported as App;
  };
}

/**
 * The app, built once (what `dvpc ci` runs): the same loading as synth's, so that a duplicate
 * construct id or the app's own exception is a diagnostic, never an internal error.
 */
export async function loadApp(file: string): Promise<App> {
  mustExist(file, 'app');
  const { buildApp } = await import('../../constructs/build-app.ts');
  return (await buildApp(await appBuilder(file))).value;
}

function print(io: Io, report: Report, format: Format, title: string | undefined): void {
  io.out(formatReport(report, format, io.colour, title));
}

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    app: { type: 'string' }, outdir: { type: 'string' }, allow: { type: 'string' }, format: { type: 'string' },
    baseline: { type: 'string' }, 'baseline-ref': { type: 'string' }, edition: { type: 'string' }, 'no-typecheck': { type: 'boolean' },
  });
  noPositionals('synth', positionals);
  const { baseline, baselineRef } = baselineFlags(values);
  const format = formatFlag(values, ['text', 'json', 'sarif']);
  const allow = allowFlag(values);
  const appFile = stringFlag(values, 'app') ?? 'stacks/main.ts';
  mustExist(appFile, 'app');
  const progress = new Progress(io);
  try {
    return await synthesizeApp({ appFile, values, allow, format, baseline, baselineRef, io, progress });
  } finally {
    progress.done();
  }
}

/** One `dvpc synth` run, its flags parsed. */
interface SynthRun {
  readonly appFile: string;
  readonly values: Flags;
  readonly allow: ReadonlySet<string>;
  readonly format: Format;
  readonly baseline: string | undefined;
  readonly baselineRef: string | undefined;
  readonly io: Io;
  readonly progress: Progress;
}

async function synthesizeApp({ appFile, values, allow, format, baseline, baselineRef, io, progress }: SynthRun): Promise<number> {
  // Loaded here, not with the module: `dvpc synth --help` need not load cdk8s and every check.
  const [{ synthesize }, { AppDiagnostics, AppError, attachSources, buildApp }, { looseReport }] = await Promise.all([
    import('../../synth.ts'), import('../../constructs/build-app.ts'), import('../../check/index.ts'),
  ]);
  // The type check runs in a child process while the app is built here.
  const checking: Promise<TypeCheck> = TYPESCRIPT.test(appFile) && values['no-typecheck'] !== true ? typeCheck(appFile) : Promise.resolve({ diagnostics: [] });
  checking.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
  progress.step('building the app');
  const build = await appBuilder(appFile);
  let app: App;
  try {
    app = (await buildApp(build)).value;
  } catch (e) {
    // The app stopped: its diagnostics, and the type errors, which often explain it. A crash
    // inside dvpc after type errors is put down to them (props of the wrong type), not to dvpc.
    const types = await checking;
    progress.done();
    const known = e instanceof AppDiagnostics || e instanceof AppError;
    if (!known && types.diagnostics.length === 0) throw e;
    const diagnostics = [...types.diagnostics, ...(e instanceof AppDiagnostics ? e.diagnostics : [])];
    if (diagnostics.length > 0) print(io, looseReport(diagnostics, allow), format, 'synth failed: dist/ was left as it was');
    if (e instanceof AppError) io.err(`dvpc: the app failed${e.source ? ` at ${formatSource(e.source)}` : ''}: ${e.message}\n`);
    else if (!known) io.err(`dvpc: the app failed after the type errors above, which are the likely cause: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  progress.step('type-checking');
  const types = await checking;
  if (types.skipped) io.err(`dvpc: type check skipped: ${types.skipped}\n`);
  const typeReport = looseReport(types.diagnostics, allow);
  const result = synthesize(app, {
    outdir: stringFlag(values, 'outdir'), allow, baseline, baselineRef, edition: editionFlag(values),
    dryRun: typeReport.summary.errors > 0, onProgress: (step) => progress.step(step),
  });
  let report = mergeReports([...result.clusters.map((c) => c.report), looseReport(result.appDiagnostics, allow), typeReport]);
  if (report.diagnostics.some((d) => d.constructPath !== undefined && d.source === undefined)) {
    // Which of the user's lines made the objects reported on: a second run, only now.
    progress.step('finding the source lines');
    report = { ...report, diagnostics: await attachSources(report.diagnostics, build) };
  }
  progress.done();
  const title = result.written ? undefined : 'synth failed: dist/ was left as it was';
  // SARIF is one run per cluster (code scanning's categories), the app's own findings in one more.
  if (format === 'sarif') io.out(formatSarifRuns(synthRuns(result, allow, types.diagnostics)));
  else if (format !== 'text' || report.diagnostics.length > 0 || !result.written) print(io, report, format, title);
  for (const w of result.writeWarnings) io.err(`dvpc: warning: ${w}\n`);
  if (format === 'text' && result.written) {
    io.err(`synthesized ${result.clusters.map((c) => c.cluster).join(', ')}: ${result.files.size} files, ${report.summary.resources} objects\n`);
    // On success too, each cluster says what it could not check (no inventory, no baseline).
    for (const c of result.clusters) if (c.report.summary.skipped.length > 0) io.err(`  ${c.cluster}: ${skippedLine(c.report.summary.skipped)}\n`);
  }
  return report.summary.errors > 0 || !result.written ? 1 : 0;
}

export const command: Command = { usage, run };
