/**
 * What the pull-request workflow runs (`dvpc ci`), so that the workflow itself is only steps:
 *
 * 1. renders every cluster with every check, against the base branch, with the codes approved by
 *    the pull request's labels (`dvpc/allow:DVP601,DVP603`) allowed;
 * 2. checks that the committed `dist/` is what the stacks render;
 * 3. writes one SARIF file per cluster (and one for the app itself) for code scanning, prints
 *    annotations, writes the job summary and the pull-request comment (with `dvpc diff`).
 *
 * It does all of this whatever fails: when the app does not load or a check fails, the
 * annotations, the SARIF and the comment say so. That is the case reviewers need most.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { App } from 'cdk8s';
import { DvpcError, UsageError } from '../core/errors.ts';
import { CODES } from '../core/codes.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { looseReport } from '../check/index.ts';
import { synthesize, type SynthResult } from '../synth.ts';
import { APP_CATEGORY, formatSarifRuns, repoRelativePath, synthRuns, type SarifRunInput } from './sarif.ts';
import { annotation, plainAnnotation } from './github.ts';
import { formatText, mergeReports } from './format.ts';
import { pullRequestMarkdown, type PullRequestFacts } from './pull-request-markdown.ts';
import type { Io } from './args.ts';

export interface PullRequestOptions {
  /** Loads the cdk8s app. */
  readonly loadApp: () => Promise<App>;
  /** The app's entry file: where results with no file of their own are shown. */
  readonly appFile: string;
  /** @default $CDK8S_OUTDIR, else "dist" */
  readonly outdir?: string | undefined;
  /** The base branch's state, e.g. `origin/main`; none on a push. */
  readonly baselineRef?: string | undefined;
  /** The pull request's labels. */
  readonly labels: readonly string[];
  /** Folder for the SARIF files (emptied of old ones first). */
  readonly sarifDir?: string | undefined;
  /** File for the pull-request comment (Markdown). */
  readonly commentFile?: string | undefined;
  /** File the job summary is appended to ($GITHUB_STEP_SUMMARY). */
  readonly summaryFile?: string | undefined;
  /** Print GitHub workflow commands (annotations). */
  readonly annotations: boolean;
  /** Check that the committed output is what the stacks render. */
  readonly verifyCommitted: boolean;
}

/** GitHub shows 10 error and 10 warning annotations per step; a few more cost nothing, thousands flood the log. */
const MAX_ANNOTATIONS = 50;
/** Code scanning refuses an upload of more runs than this. */
const MAX_RUNS = 20;
/** GitHub refuses a comment longer than 65,536 characters. */
const MAX_COMMENT = 60000;

/** A label that approves codes (spelled loosely, as people type labels). */
export const ALLOW_LABEL = /^\s*dvpc\/allow\s*[:=]\s*(.*)$/i;

/** The codes approved by labels `dvpc/allow:DVP601,DVP603`, and the label codes dvpc does not know. */
export function allowFromLabels(labels: readonly string[]): { allow: Set<string>; unknown: string[]; approvedBy: Map<string, string> } {
  const allow = new Set<string>();
  const unknown: string[] = [];
  const approvedBy = new Map<string, string>();
  for (const label of labels) {
    const m = ALLOW_LABEL.exec(label);
    if (!m) continue;
    for (const raw of (m[1] as string).split(/[\s,;]+/)) {
      const code = raw.trim().toUpperCase();
      if (code === '') continue;
      if (code in CODES) {
        allow.add(code);
        if (!approvedBy.has(code)) approvedBy.set(code, label);
      } else unknown.push(code);
    }
  }
  return { allow, unknown, approvedBy };
}

/** A failure of the app itself, as a diagnostic: a DvpcError keeps its code; anything else is `app-error`. */
function appFailure(e: unknown, appFile: string): Diagnostic {
  if (e instanceof DvpcError) return { code: e.code, severity: 'error', message: e.detail, hint: e.hint, constructPath: e.constructPath, path: e.field };
  const text = e instanceof Error ? e.message : String(e);
  // The first line only, and short: a thrown message may quote anything, secrets included.
  const first = (text.split('\n')[0] ?? '').slice(0, 300);
  const hint = e instanceof UsageError ? 'fix the workflow inputs or the repository (a shallow clone has no base branch: check out with fetch-depth: 0)' : `run \`npx dvpc synth --app ${appFile}\` locally to see the whole error`;
  return { code: 'app-error', severity: 'error', message: `the app did not run: ${first}`, hint };
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } catch {
    return undefined;
  }
}

/** Files under the output folder that differ from what is committed; undefined outside a git repository. */
function uncommitted(outdir: string): string[] | undefined {
  const out = git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', resolve(outdir)]);
  if (out === undefined) return undefined;
  return out.split('\0').filter((l) => l.length > 3).map((l) => l.slice(3)).sort();
}

async function captureDiff(outdir: string, baselineRef: string, allow: ReadonlySet<string>): Promise<string> {
  const chunks: string[] = [];
  const io: Io = { out: (s) => void chunks.push(s), err: () => undefined, colour: false };
  const { command } = await import('./commands/diff.ts');
  const args = ['--baseline-ref', baselineRef, outdir, '--format', 'markdown', ...(allow.size > 0 ? ['--allow', [...allow].join(',')] : [])];
  try {
    await command.run(args, io);
  } catch (e) {
    return `dvpc diff did not run: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]?.slice(0, 200) ?? ''}\n`;
  }
  return chunks.join('');
}

/** A SARIF file name for a category: `dvpc/cluster/prod/` → `cluster-prod.sarif`. */
function sarifFileName(category: string): string {
  return `${category.replace(/^dvpc\//, '').replace(/\/+$/, '').replace(/[^A-Za-z0-9._-]+/g, '-')}.sarif`;
}

function writeSarif(dir: string, runs: readonly SarifRunInput[], root: string, appFile: string): void {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f.endsWith('.sarif')) rmSync(join(dir, f));
  for (const r of runs) writeFileSync(join(dir, sarifFileName(r.category)), formatSarifRuns([r], { root, fallbackFile: appFile }));
}

/** Runs the whole pull-request check; returns the exit code (0 nothing fails, 1 something does). */
export async function runPullRequest(o: PullRequestOptions, io: Io): Promise<number> {
  const root = git(['rev-parse', '--show-toplevel'])?.trim() || process.cwd();
  const labels = allowFromLabels(o.labels);
  const outdir = o.outdir ?? process.env['CDK8S_OUTDIR'] ?? 'dist';
  let result: SynthResult | undefined;
  let failure: Diagnostic | undefined;
  try {
    const app = await o.loadApp();
    result = synthesize(app, { outdir, allow: labels.allow, baselineRef: o.baselineRef });
  } catch (e) {
    failure = appFailure(e, o.appFile);
  }
  const stale = result?.written && o.verifyCommitted ? uncommitted(outdir) : undefined;
  const runs: SarifRunInput[] = result ? synthRuns(result, labels.allow, failure ? [failure] : []) : [{ category: APP_CATEGORY, report: looseReport(failure ? [failure] : [], labels.allow) }];
  if (o.sarifDir !== undefined) writeSarif(o.sarifDir, runs, root, o.appFile);

  if (o.annotations) {
    const all = runs.flatMap((r) => r.report.diagnostics);
    const ordered = [...all.filter((d) => d.severity === 'error'), ...all.filter((d) => d.severity !== 'error')];
    for (const d of ordered.slice(0, MAX_ANNOTATIONS)) io.out(annotation(d, repoRelativePath(d.file ?? o.appFile, root)));
    if (ordered.length > MAX_ANNOTATIONS) io.out(plainAnnotation('notice', 'dvpc', `${ordered.length - MAX_ANNOTATIONS} more findings: see the job summary and code scanning`));
    for (const code of labels.unknown) io.out(plainAnnotation('warning', 'dvpc/allow label', `"${code.slice(0, 20)}" is not a dvpc code; the label approves nothing for it`));
    if (stale && stale.length > 0) io.out(plainAnnotation('error', 'dist/ is not what the stacks render', `run \`npm run synth\` and commit ${outdir}/: ${stale.length} file(s) differ, e.g. ${stale.slice(0, 5).join(', ')}`));
    if (runs.length > MAX_RUNS) io.out(plainAnnotation('warning', 'code scanning', `${runs.length} SARIF runs (one per cluster); code scanning accepts at most ${MAX_RUNS} in one upload: upload the folder in parts`));
  }

  // The whole report for people reading the job's log; annotations and SARIF carry it elsewhere.
  io.err(formatText(mergeReports(runs.map((r) => r.report)), io.colour, failure ? 'the app did not run' : result?.written ? undefined : 'synth failed: nothing was rendered'));
  const diff = result?.written && o.baselineRef !== undefined ? await captureDiff(outdir, o.baselineRef, labels.allow) : undefined;
  const facts: PullRequestFacts = { runs, failure, written: result?.written ?? false, stale, outdir, baselineRef: o.baselineRef, approvedBy: labels.approvedBy, unknownCodes: labels.unknown, diff };
  const markdown = pullRequestMarkdown(facts);
  if (o.summaryFile !== undefined) appendFileSync(o.summaryFile, markdown);
  if (o.commentFile !== undefined) {
    writeFileSync(o.commentFile, markdown.length <= MAX_COMMENT ? markdown : `${markdown.slice(0, MAX_COMMENT)}\n\n…cut here: the whole report is in the job summary.\n`);
  }
  const errors = runs.reduce((n, r) => n + r.report.summary.errors, 0);
  return errors > 0 || (stale !== undefined && stale.length > 0) ? 1 : 0;
}
