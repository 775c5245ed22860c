/**
 * The pull-request comment and job summary of `dvpc ci`: the verdict first, then what fails (with
 * how to fix it), then what was approved and what could not be checked, then `dvpc diff`.
 */
import type { Diagnostic } from '../core/diagnostic.ts';
import { APP_CATEGORY, type SarifRunInput } from './sarif.ts';
import { mdCode, mdText } from './github.ts';

export interface PullRequestFacts {
  readonly runs: readonly SarifRunInput[];
  /** The app did not run (no cluster was checked). */
  readonly failure: Diagnostic | undefined;
  /** Whether synth wrote the output (no error remained). */
  readonly written: boolean;
  /** Files of the output that differ from what is committed (undefined: not checked). */
  readonly stale: readonly string[] | undefined;
  readonly outdir: string;
  readonly baselineRef: string | undefined;
  /** Codes approved by labels, with the label that approved each. */
  readonly approvedBy: ReadonlyMap<string, string>;
  /** Codes named in `dvpc/allow` labels that dvpc does not know. */
  readonly unknownCodes: readonly string[];
  /** `dvpc diff --format markdown` of the change, when it ran. */
  readonly diff: string | undefined;
}

/** Findings listed in full in the comment; the rest are counted (code scanning has them all). */
const MAX_LISTED = 30;

function where(d: Diagnostic): string {
  const place = d.file !== undefined ? `${d.file}${d.line !== undefined ? `:${d.line}` : ''}` : d.constructPath !== undefined ? `construct ${d.constructPath}` : '';
  return [place, d.resource, d.path].filter((x): x is string => x !== undefined && x !== '').map(mdCode).join(' ');
}

function runName(r: SarifRunInput): string {
  return r.category === APP_CATEGORY ? 'the app and the hand-off' : `cluster ${mdCode(r.category.replace(/^dvpc\/cluster\//, '').replace(/\/$/, ''))}`;
}

export function pullRequestMarkdown(f: PullRequestFacts): string {
  const lines: string[] = [];
  const errors = f.runs.reduce((n, r) => n + r.report.summary.errors, 0);
  const warnings = f.runs.reduce((n, r) => n + r.report.summary.warnings, 0);
  const stale = f.stale !== undefined && f.stale.length > 0;
  const failed = errors > 0 || stale;
  lines.push(`## dvpc: ${failed ? '❌ this change fails' : '✅ this change passes'}`, '');
  if (f.failure) lines.push(`The app did not render: nothing was checked. ${mdText(f.failure.message)}`, '');
  else if (!f.written) lines.push(`Synth found errors, so \`${mdText(f.outdir)}/\` was not rendered.`, '');
  if (stale) {
    lines.push(`\`${mdText(f.outdir)}/\` in this change is not what the stacks render: run \`npm run synth\` and commit it. ${f.stale?.length} file(s) differ:`, '');
    for (const s of (f.stale ?? []).slice(0, 10)) lines.push(`- ${mdCode(s)}`);
    lines.push('');
  }

  if (!f.failure) {
    lines.push('| | errors | warnings | objects |', '|---|---:|---:|---:|');
    for (const r of f.runs) {
      if (r.category === APP_CATEGORY && r.report.diagnostics.length === 0) continue;
      const s = r.report.summary;
      lines.push(`| ${runName(r)} | ${s.errors} | ${s.warnings} | ${s.resources} |`);
    }
    lines.push('');
  }

  const all = f.runs.flatMap((r) => r.report.diagnostics);
  const ordered = [...all.filter((d) => d.severity === 'error'), ...all.filter((d) => d.severity !== 'error')];
  if (ordered.length > 0) {
    lines.push(`### Findings (${errors} error(s), ${warnings} warning(s))`, '');
    for (const d of ordered.slice(0, MAX_LISTED)) {
      lines.push(`- ${d.severity === 'error' ? '❌' : '⚠️'} **${mdText(d.code)}** ${where(d)}: ${mdText(d.message)}`);
      lines.push(`  <br>hint: ${mdText(d.hint)}`);
    }
    if (ordered.length > MAX_LISTED) lines.push(`- …and ${ordered.length - MAX_LISTED} more: see the annotations in code scanning.`);
    lines.push('');
  }

  if (f.approvedBy.size > 0) {
    lines.push('### Approved by labels', '');
    for (const [code, label] of [...f.approvedBy].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`- ${mdCode(code)} by the label ${mdCode(label)}: its errors are reported as warnings`);
    lines.push('');
  }
  if (f.unknownCodes.length > 0) lines.push(`Labels name codes dvpc does not know: ${f.unknownCodes.map((c) => mdCode(c.slice(0, 20))).join(', ')}.`, '');
  if (failed && f.approvedBy.size === 0 && ordered.some((d) => /^DVP6\d\d$/.test(d.code) && d.severity === 'error')) {
    lines.push('An intended destructive change is approved with the label `dvpc/allow:CODE` on this pull request (for example `dvpc/allow:DVP601`), or with the annotation `dvpc/allow: "CODE"` on the object.', '');
  }

  const skipped = [...new Set(f.runs.flatMap((r) => r.report.summary.skipped))].sort();
  if (skipped.length > 0) lines.push(`Not checked, for lack of an inventory or a baseline: ${skipped.map(mdCode).join(', ')}.`, '');
  if (f.baselineRef === undefined) lines.push('No base branch: the checks against the previous state (DVP601–DVP604) did not run.', '');
  if (f.diff !== undefined && f.diff.trim() !== '') lines.push('<details><summary>What this change does (dvpc diff)</summary>', '', f.diff.trimEnd(), '', '</details>', '');
  return `${lines.join('\n')}\n`;
}
