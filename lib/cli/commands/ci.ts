/**
 * `dvpc ci`: the pull-request workflow's one step (pull-request.ts). Its inputs are flags, each
 * with a default from GitHub Actions' environment, so that the workflow names nothing specific to
 * a repository and the same run can be made locally with made-up inputs.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.ts';
import { parse, stringFlag, type Command, type Io } from '../args.ts';
import { ALLOW_LABEL, runPullRequest } from '../pull-request.ts';
import { plainAnnotation } from '../github.ts';
import { loadApp } from './synth.ts';

const usage = `Usage: dvpc ci [--app FILE] [--outdir DIR] [--baseline-ref REF] [--labels LIST]
              [--sarif-dir DIR] [--comment FILE] [--summary FILE] [--annotations]
              [--no-dist-check]

What the pull-request workflow runs: renders and checks every cluster (against the base
branch, with the codes approved by labels allowed), checks that the committed output is what
the stacks render, and writes one SARIF file per cluster for code scanning, GitHub
annotations, the job summary and the pull-request comment (with dvpc diff). It reports the
failing case too: an app that does not load, a check that fails.

Options:
  --app FILE          the cdk8s app (default stacks/main.ts)
  --outdir DIR        the output folder (default $CDK8S_OUTDIR, else dist)
  --baseline-ref REF  the base branch's state (default origin/$GITHUB_BASE_REF on a pull
                      request; none on a push, and "" turns it off)
  --labels LIST       the pull request's labels: a JSON array, or one per line (default: the
                      labels of the pull request in $GITHUB_EVENT_PATH). A label
                      "dvpc/allow:DVP601,DVP603" approves those codes: their errors become
                      warnings, as with --allow. From the event, such a label approves only
                      in the run that adding it started (it approves that commit; after a
                      push, add it again)
  --sarif-dir DIR     write <DIR>/cluster-<name>.sarif per cluster and <DIR>/app.sarif
  --comment FILE      write the pull-request comment (Markdown) to FILE
  --summary FILE      append the same Markdown to FILE (default $GITHUB_STEP_SUMMARY)
  --annotations       print GitHub workflow commands (default when $GITHUB_ACTIONS is "true")
  --no-dist-check     do not check that the committed output is what the stacks render

Exit codes: 0 nothing fails, 1 a check fails or the output is not committed as rendered,
2 usage error, 3 internal error.
`;

/** Labels given on the command line: a JSON array of strings, or one per line. */
function parseLabels(text: string): string[] {
  const t = text.trim();
  if (t === '') return [];
  if (t.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      throw new UsageError('--labels: not a JSON array of strings');
    }
    if (!Array.isArray(parsed) || !parsed.every((l) => typeof l === 'string')) throw new UsageError('--labels: not a JSON array of strings');
    return parsed as string[];
  }
  return t.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}

/**
 * The labels of the pull request in GitHub's event payload that may approve codes now. A
 * `dvpc/allow:` label approves the commit it was added on, and only in the run its adding
 * triggers (action `labeled`, that label): after a push (`synchronize`), or in a run some other
 * event started, the label still hangs on the pull request but approved an older commit, so it
 * approves nothing until it is added again. Other labels pass through (they approve nothing).
 */
export function eventLabels(path: string | undefined): { labels: string[]; stale: string[] } {
  if (!path) return { labels: [], stale: [] };
  let event: { action?: unknown; label?: { name?: unknown }; pull_request?: { labels?: { name?: unknown }[] } };
  try {
    event = JSON.parse(readFileSync(path, 'utf8')) as typeof event;
  } catch {
    return { labels: [], stale: [] };
  }
  const all = (event.pull_request?.labels ?? []).map((l) => l.name).filter((n): n is string => typeof n === 'string');
  const added = event.action === 'labeled' && typeof event.label?.name === 'string' ? event.label.name : undefined;
  const isAllow = (l: string) => ALLOW_LABEL.test(l);
  return {
    labels: all.filter((l) => !isAllow(l) || l === added),
    stale: all.filter((l) => isAllow(l) && l !== added),
  };
}

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    app: { type: 'string' }, outdir: { type: 'string' }, 'baseline-ref': { type: 'string' }, labels: { type: 'string' },
    'sarif-dir': { type: 'string' }, comment: { type: 'string' }, summary: { type: 'string' }, annotations: { type: 'boolean' }, 'no-dist-check': { type: 'boolean' },
  });
  if (positionals.length > 0) throw new UsageError(`ci takes no positional arguments (got ${positionals.join(' ')})`);
  const env = process.env;
  const appFile = stringFlag(values, 'app') ?? 'stacks/main.ts';
  const baseRef = stringFlag(values, 'baseline-ref') ?? (env['GITHUB_BASE_REF'] ? `origin/${env['GITHUB_BASE_REF']}` : undefined);
  const labelsFlag = stringFlag(values, 'labels');
  const fromEvent = labelsFlag === undefined ? eventLabels(env['GITHUB_EVENT_PATH']) : { labels: parseLabels(labelsFlag), stale: [] };
  const annotations = values['annotations'] === true || env['GITHUB_ACTIONS'] === 'true';
  for (const label of fromEvent.stale) {
    const why = `the label ${label.slice(0, 80)} approved the commit it was added on, not this one: add it again (remove it, then add it) to approve this commit`;
    io.err(`dvpc: ${why}\n`);
    if (annotations) io.out(plainAnnotation('notice', 'dvpc/allow label', why));
  }
  return runPullRequest({
    loadApp: () => loadApp(appFile),
    appFile,
    outdir: stringFlag(values, 'outdir'),
    baselineRef: baseRef === '' ? undefined : baseRef,
    labels: fromEvent.labels,
    sarifDir: stringFlag(values, 'sarif-dir'),
    commentFile: stringFlag(values, 'comment'),
    summaryFile: stringFlag(values, 'summary') ?? (env['GITHUB_STEP_SUMMARY'] || undefined),
    annotations,
    verifyCommitted: values['no-dist-check'] !== true,
  }, io);
}

export const command: Command = { usage, run };
