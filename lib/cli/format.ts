/**
 * Reports for people (text, grouped by file, colour only on a terminal), for programs (the JSON
 * of SPEC §6) and for code scanning (SARIF 2.1.0, one rule per code).
 */
import type { Diagnostic } from '../core/diagnostic.ts';
import { INVENTORY_OR_BASELINE, mergeReports, type Report } from '../check/index.ts';
import { CODES } from '../core/codes.ts';
import { CHECK_CATEGORY, formatSarifRuns } from './sarif.ts';
import { formatSource } from '../core/source.ts';

/** Kept here too: callers of the command line's formats merge reports before printing them. */
export { mergeReports };

export type Format = 'text' | 'json' | 'sarif';

const COLOURS = { red: '\x1b[31m', yellow: '\x1b[33m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

function paint(on: boolean, colour: keyof typeof COLOURS, text: string): string {
  return on ? `${COLOURS[colour]}${text}${COLOURS.reset}` : text;
}

/**
 * Text as one terminal line: control characters (a newline in a file name, an escape sequence in
 * an object's name) and the marks that reorder text (U+202E) shown escaped, so input can neither
 * add a line such as a fake "ok: 0 error(s)", nor drive the terminal, nor make text read otherwise.
 */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** A text report of several lines (diff, drain, classes), each line made printable as above. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

/**
 * The file and line a diagnostic points at: the file it was found in, else (a problem a
 * constructor found, with no rendered file) the user's TypeScript line.
 */
function placeOf(d: Diagnostic): { file: string; line: number | undefined } | undefined {
  if (d.file !== undefined) return { file: d.file, line: d.line };
  return d.source ? { file: d.source.file, line: d.source.line } : undefined;
}

/** The diagnostics for people, grouped by file, each with its line, code, object, field and hint. */
function diagnosticLines(diagnostics: readonly Diagnostic[], colour: boolean): string[] {
  const lines: string[] = [];
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    // Problems a constructor found have no rendered file: they are grouped by the user's source
    // file (typed API), else by their construct.
    const key = placeOf(d)?.file ?? (d.constructPath !== undefined ? `construct ${d.constructPath}` : '(no file)');
    const list = byFile.get(key);
    if (list) list.push(d);
    else byFile.set(key, [d]);
  }
  for (const [file, list] of byFile) {
    lines.push(paint(colour, 'bold', printable(file)));
    for (const d of list) {
      const sev = d.severity === 'error' ? paint(colour, 'red', 'error  ') : paint(colour, 'yellow', 'warning');
      const where = [d.resource, d.path].filter(Boolean).join(' ');
      lines.push(printable(`  ${String(placeOf(d)?.line ?? '-').padStart(5)}  `) + sev + printable(` ${d.code}  ${where ? `${where}: ` : ''}${d.message}`));
      lines.push(paint(colour, 'dim', printable(`                 hint: ${d.hint}`)));
      // The user's line, unless it is already the heading and line above.
      const source = d.source && d.file !== undefined ? ` at ${formatSource(d.source)}` : '';
      if (d.constructPath) lines.push(paint(colour, 'dim', printable(`                 construct: ${d.constructPath}${source}`)));
    }
  }
  return lines;
}

/** "ok: 0 error(s), ..." and, on success too, what could not be checked and why. */
function summaryLines(s: Report['summary'], colour: boolean, label = ''): string[] {
  const parts = [`${s.errors} error(s)`, `${s.warnings} warning(s)`, ...(s.acknowledged > 0 ? [`${s.acknowledged} acknowledged by dvpc/allow annotations`] : []), `${s.resources} object(s) in ${s.files} file(s)`];
  const lines = [`${label}${s.errors > 0 ? paint(colour, 'red', 'FAILED') : 'ok'}: ${parts.join(', ')}`];
  if (s.skipped.length > 0) lines.push(paint(colour, 'dim', `${label}${skippedLine(s.skipped)}`));
  return lines;
}

/** Text for people: diagnostics grouped by file, then the summary. */
export function formatText(report: Report, colour: boolean, title?: string): string {
  const lines: string[] = [];
  if (title) lines.push(paint(colour, 'bold', title));
  lines.push(...diagnosticLines(report.diagnostics, colour), ...summaryLines(report.summary, colour));
  return `${lines.join('\n')}\n`;
}

/** A report of one cluster among several, as the command line prints it. */
export interface NamedReport {
  readonly cluster: string;
  /** Part of the GitOps hand-off, not a cluster. */
  readonly handoff?: boolean;
  readonly report: Report;
}

/**
 * Several clusters' reports: as text, the diagnostics by file, then a summary per cluster (what
 * each one skipped differs) and the total; as JSON, SPEC §6's document with `clusters` added.
 */
export function formatClusterReports(reports: readonly NamedReport[], format: Format, colour: boolean, title?: string): string {
  if (reports.length === 1) return formatReport((reports[0] as NamedReport).report, format, colour, title);
  const merged = mergeReports(reports.map((r) => r.report));
  if (format === 'json') {
    const clusters = reports.map((r) => ({ cluster: r.cluster, ...(r.handoff ? { handoff: true } : {}), summary: r.report.summary }));
    return `${JSON.stringify({ diagnostics: merged.diagnostics.map(jsonDiagnostic), summary: merged.summary, clusters })}\n`;
  }
  // One SARIF run per cluster (and hand-off part), each its own code-scanning category.
  if (format === 'sarif') return formatSarifRuns(reports.map((r) => ({ category: `${CHECK_CATEGORY}${r.handoff ? 'handoff' : 'cluster'}/${r.cluster}/`, report: r.report })));
  const lines: string[] = [];
  if (title) lines.push(paint(colour, 'bold', title));
  lines.push(...diagnosticLines(merged.diagnostics, colour));
  for (const r of reports) lines.push(...summaryLines(r.report.summary, colour, `${r.handoff ? 'hand-off' : 'cluster'} ${r.cluster}: `));
  const s = merged.summary;
  const clusters = reports.filter((r) => !r.handoff).length;
  const handoff = reports.length - clusters;
  lines.push(`${s.errors > 0 ? paint(colour, 'red', 'FAILED') : 'ok'}: ${s.errors} error(s), ${s.warnings} warning(s) in ${clusters} cluster(s)${handoff > 0 ? ` and ${handoff} hand-off part(s)` : ''}`);
  return `${lines.join('\n')}\n`;
}

/** "skipped without an inventory: DVP103, ...; without a baseline: DVP601, ..." */
export function skippedLine(codes: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const c of codes) {
    const why = INVENTORY_OR_BASELINE.has(c) ? 'an inventory or a baseline' : CODES[c]?.needs === 'baseline' ? 'a baseline' : 'an inventory';
    groups.set(why, [...(groups.get(why) ?? []), c]);
  }
  return `skipped ${[...groups].map(([why, list]) => `without ${why}: ${list.join(', ')}`).join('; ')}`;
}

/** One diagnostic on one line, for commands whose main output is something else (classes, diff). */
export function diagnosticLine(d: Diagnostic): string {
  const where = [d.resource, d.path].filter(Boolean).join(' ');
  return `${printable(`${d.file ?? '(no file)'}${d.line ? `:${d.line}` : ''}: ${d.severity} ${d.code} ${where ? `${where}: ` : ''}${d.message} (hint: ${d.hint})`)}\n`;
}

function jsonDiagnostic(d: Diagnostic): Record<string, unknown> {
  const out: Record<string, unknown> = { code: d.code, severity: d.severity, message: d.message, hint: d.hint };
  if (d.file !== undefined) out['file'] = d.file;
  if (d.line !== undefined) out['line'] = d.line;
  if (d.resource !== undefined) out['resource'] = d.resource;
  if (d.path !== undefined) out['path'] = d.path;
  if (d.constructPath !== undefined) out['constructPath'] = d.constructPath;
  if (d.source !== undefined) out['source'] = d.source;
  return out;
}

/** The JSON document of SPEC §6. */
export function formatJson(report: Report): string {
  return `${JSON.stringify({ diagnostics: report.diagnostics.map(jsonDiagnostic), summary: report.summary })}\n`;
}

/** SARIF 2.1.0 of one report, one run (sarif.ts; `dvpc check` is one cluster's state). */
export function formatSarif(report: Report, category = CHECK_CATEGORY): string {
  return formatSarifRuns([{ category, report }]);
}

export function formatReport(report: Report, format: Format, colour: boolean, title?: string): string {
  if (format === 'json') return formatJson(report);
  if (format === 'sarif') return formatSarif(report);
  return formatText(report, colour, title);
}
