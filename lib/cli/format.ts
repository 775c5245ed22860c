/**
 * Reports for people (text, grouped by file, colour only on a terminal), for programs (the JSON
 * of SPEC §6) and for code scanning (SARIF 2.1.0, one rule per code).
 */
import type { Diagnostic } from '../core/diagnostic.ts';
import type { Report } from '../check/index.ts';
import { CODES } from '../core/codes.ts';
import { formatSource } from '../core/source.ts';

export type Format = 'text' | 'json' | 'sarif';

const COLOURS = { red: '\x1b[31m', yellow: '\x1b[33m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

function paint(on: boolean, colour: keyof typeof COLOURS, text: string): string {
  return on ? `${COLOURS[colour]}${text}${COLOURS.reset}` : text;
}

/**
 * The file and line a diagnostic points at: the file it was found in, else (a problem a
 * constructor found, with no rendered file) the user's TypeScript line.
 */
function placeOf(d: Diagnostic): { file: string; line: number | undefined } | undefined {
  if (d.file !== undefined) return { file: d.file, line: d.line };
  return d.source ? { file: d.source.file, line: d.source.line } : undefined;
}

/** Text for people: diagnostics grouped by file, each with its line, code, object, field and hint. */
export function formatText(report: Report, colour: boolean, title?: string): string {
  const lines: string[] = [];
  if (title) lines.push(paint(colour, 'bold', title));
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of report.diagnostics) {
    // Problems a constructor found have no rendered file: they are grouped by the user's source
    // file (typed API), else by their construct.
    const key = placeOf(d)?.file ?? (d.constructPath !== undefined ? `construct ${d.constructPath}` : '(no file)');
    const list = byFile.get(key);
    if (list) list.push(d);
    else byFile.set(key, [d]);
  }
  for (const [file, list] of byFile) {
    lines.push(paint(colour, 'bold', file));
    for (const d of list) {
      const sev = d.severity === 'error' ? paint(colour, 'red', 'error  ') : paint(colour, 'yellow', 'warning');
      const where = [d.resource, d.path].filter(Boolean).join(' ');
      lines.push(`  ${String(placeOf(d)?.line ?? '-').padStart(5)}  ${sev} ${d.code}  ${where ? `${where}: ` : ''}${d.message}`);
      lines.push(paint(colour, 'dim', `                 hint: ${d.hint}`));
      // The user's line, unless it is already the heading and line above.
      const source = d.source && d.file !== undefined ? ` at ${formatSource(d.source)}` : '';
      if (d.constructPath) lines.push(paint(colour, 'dim', `                 construct: ${d.constructPath}${source}`));
    }
  }
  const s = report.summary;
  const parts = [`${s.errors} error(s)`, `${s.warnings} warning(s)`, `${s.resources} object(s) in ${s.files} file(s)`];
  lines.push(`${s.errors > 0 ? paint(colour, 'red', 'FAILED') : 'ok'}: ${parts.join(', ')}`);
  if (s.skipped.length > 0) lines.push(paint(colour, 'dim', skippedLine(s.skipped)));
  return `${lines.join('\n')}\n`;
}

/** "skipped without an inventory: DVP103, ...; without a baseline: DVP601, ..." */
function skippedLine(codes: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const c of codes) {
    const why = c === 'DVP107' ? 'an inventory or a baseline' : CODES[c]?.needs === 'baseline' ? 'a baseline' : 'an inventory';
    groups.set(why, [...(groups.get(why) ?? []), c]);
  }
  return `skipped ${[...groups].map(([why, list]) => `without ${why}: ${list.join(', ')}`).join('; ')}`;
}

/** One diagnostic on one line, for commands whose main output is something else (classes, diff). */
export function diagnosticLine(d: Diagnostic): string {
  const where = [d.resource, d.path].filter(Boolean).join(' ');
  return `${d.file ?? '(no file)'}${d.line ? `:${d.line}` : ''}: ${d.severity} ${d.code} ${where ? `${where}: ` : ''}${d.message} (hint: ${d.hint})\n`;
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

/** SARIF 2.1.0: one rule per code (with its description), one result per diagnostic. */
export function formatSarif(report: Report): string {
  const rules = Object.entries(CODES).map(([id, info]) => ({
    id,
    name: id,
    shortDescription: { text: info.title },
    fullDescription: { text: info.title },
    defaultConfiguration: { level: info.severity === 'error' ? 'error' : 'warning' },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results = report.diagnostics.map((d) => ({
    ruleId: d.code,
    ruleIndex: ruleIndex.get(d.code) ?? 0,
    level: d.severity === 'error' ? 'error' : 'warning',
    message: { text: `${d.resource ? `${d.resource}${d.path ? ` ${d.path}` : ''}: ` : ''}${d.message} (hint: ${d.hint})` },
    locations: d.file === undefined ? [] : [{
      physicalLocation: {
        artifactLocation: { uri: d.file.split('\\').join('/') },
        ...(d.line !== undefined ? { region: { startLine: d.line } } : {}),
      },
      ...(d.resource ? { logicalLocations: [{ fullyQualifiedName: `${d.resource}${d.path ? `/${d.path}` : ''}`, kind: 'resource' }] } : {}),
    }],
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'dvpc', rules } }, results }],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

export function formatReport(report: Report, format: Format, colour: boolean, title?: string): string {
  if (format === 'json') return formatJson(report);
  if (format === 'sarif') return formatSarif(report);
  return formatText(report, colour, title);
}

/** Several reports (one per cluster) as one: diagnostics concatenated, summaries added. */
export function mergeReports(reports: readonly Report[]): Report {
  const skipped = new Set<string>();
  for (const r of reports) for (const s of r.summary.skipped) skipped.add(s);
  return {
    diagnostics: reports.flatMap((r) => r.diagnostics),
    summary: {
      files: reports.reduce((n, r) => n + r.summary.files, 0),
      resources: reports.reduce((n, r) => n + r.summary.resources, 0),
      errors: reports.reduce((n, r) => n + r.summary.errors, 0),
      warnings: reports.reduce((n, r) => n + r.summary.warnings, 0),
      skipped: [...skipped].sort(),
    },
  };
}
