/** `dvpc diff` output: text for a terminal, JSON for programs, markdown for a pull-request comment. */
import { formatBytes } from '../core/quantity.ts';
import type { ClusterDiff, ObjectChange, Tally } from './diff.ts';
import { formatPath } from '../core/json.ts';
import { pictureMarkdown } from './pictures.ts';
import { codeSpan, mdText } from '../core/markdown.ts';

export type DiffFormat = 'text' | 'json' | 'markdown';

const SIGN = { added: '+', removed: '-', changed: '~' } as const;

function value(v: unknown): string {
  if (v === undefined) return '(unset)';
  // A string with a line break or a control character is shown escaped: one value, one line.
  const s = typeof v === 'string' && !/[\u0000-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]/.test(v) ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function byKind(changes: readonly ObjectChange[]): Map<string, ObjectChange[]> {
  const m = new Map<string, ObjectChange[]>();
  for (const c of changes) {
    const list = m.get(c.kind);
    if (list) list.push(c);
    else m.set(c.kind, [c]);
  }
  return m;
}

const t = (x: Tally) => `+${x.added} -${x.removed} ~${x.changed}`;

function summaryLine(d: ClusterDiff): string {
  const s = d.summary;
  return `VMs ${t(s.vms)}, disks ${t(s.disks)}, addresses ${t(s.addresses)}, classes ${t(s.classes)}; vCPUs ${s.cores.before} → ${s.cores.after}, requested CPU ${s.requestedCores.before} → ${s.requestedCores.after} cores, memory ${formatBytes(s.memory.before)} → ${formatBytes(s.memory.after)}`;
}

export function diffText(diffs: readonly ClusterDiff[]): string {
  const lines: string[] = [];
  for (const d of diffs) {
    lines.push(`${d.handoff ? 'hand-off' : 'cluster'} ${d.cluster}: ${d.changes.length === 0 ? 'no changes' : d.handoff ? `${d.changes.length} object(s) changed` : summaryLine(d)}`);
    for (const [kind, list] of byKind(d.changes)) {
      lines.push(`  ${kind}`);
      for (const c of list) {
        lines.push(`    ${SIGN[c.change]} ${c.resource.slice(kind.length + 1)}`);
        for (const f of c.fields) lines.push(`        ${formatPath(f.path)}: ${value(f.before)} → ${value(f.after)}`);
        for (const x of c.diagnostics) lines.push(`        ${x.severity} ${x.code}: ${x.message}`);
      }
    }
    const loose = d.diagnostics.filter((x) => !d.changes.some((c) => c.diagnostics.includes(x)));
    for (const x of loose) lines.push(`  ${x.severity} ${x.code} ${x.resource ?? ''}: ${x.message}`);
  }
  return `${lines.join('\n')}\n`;
}

export function diffJson(diffs: readonly ClusterDiff[]): string {
  const json = {
    clusters: diffs.map((d) => ({
      cluster: d.cluster,
      ...(d.handoff ? { handoff: true } : {}),
      changes: d.changes.map((c) => ({
        change: c.change,
        kind: c.kind,
        resource: c.resource,
        fields: c.fields.map((f) => ({ path: formatPath(f.path), before: f.before, after: f.after })),
        diagnostics: c.diagnostics.map((x) => ({ code: x.code, severity: x.severity, message: x.message, hint: x.hint, path: x.path })),
      })),
      diagnostics: d.diagnostics.map((x) => ({ code: x.code, severity: x.severity, message: x.message, hint: x.hint, resource: x.resource, path: x.path, file: x.file, line: x.line })),
      summary: { ...d.summary, memory: { before: d.summary.memory.before.toString(), after: d.summary.memory.after.toString() } },
    })),
    summary: {
      errors: diffs.reduce((n, d) => n + d.diagnostics.filter((x) => x.severity === 'error').length, 0),
      warnings: diffs.reduce((n, d) => n + d.diagnostics.filter((x) => x.severity === 'warning').length, 0),
    },
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function mdValue(v: unknown): string {
  return v === undefined ? '_unset_' : codeSpan(value(v));
}

/** A pull-request comment: a summary table first, the dangerous changes, then details folded per kind. */
export function diffMarkdown(diffs: readonly ClusterDiff[]): string {
  const out: string[] = [];
  for (const d of diffs) {
    out.push(`### dvpc diff: ${d.handoff ? 'hand-off ' : ''}${codeSpan(d.cluster)}`, '');
    if (d.changes.length === 0 && d.diagnostics.length === 0) {
      out.push('No changes.', '');
      continue;
    }
    const s = d.summary;
    if (!d.handoff) {
      out.push('| | added | removed | changed |', '|---|---:|---:|---:|');
      for (const [label, x] of [['VMs', s.vms], ['disks', s.disks], ['addresses', s.addresses], ['classes', s.classes]] as const) {
        out.push(`| ${label} | ${x.added} | ${x.removed} | ${x.changed} |`);
      }
      out.push('', '| | before | after |', '|---|---:|---:|');
      out.push(`| vCPUs | ${s.cores.before} | ${s.cores.after} |`);
      out.push(`| requested CPU (cores × fraction) | ${s.requestedCores.before} | ${s.requestedCores.after} |`);
      out.push(`| memory | ${formatBytes(s.memory.before)} | ${formatBytes(s.memory.after)} |`, '');
    }
    if (d.diagnostics.length > 0) {
      out.push('**Needs attention**', '', '| | code | object | what |', '|---|---|---|---|');
      for (const x of d.diagnostics) out.push(`| ${x.severity === 'error' ? '⛔ error' : '⚠️ warning'} | ${mdText(x.code)} | ${codeSpan(x.resource ?? '', true)} | ${mdText(x.message)} |`);
      out.push('');
    }
    if (!d.handoff) out.push(...pictureMarkdown(d.picture));
    for (const [kind, list] of byKind(d.changes)) {
      const n = (c: ObjectChange['change']) => list.filter((x) => x.change === c).length;
      out.push(`<details><summary>${mdText(kind)}: ${n('added')} added, ${n('removed')} removed, ${n('changed')} changed</summary>`, '');
      for (const c of list) {
        const name = c.resource.slice(kind.length + 1);
        const marks = c.diagnostics.map((x) => ` **${mdText(x.code)}**`).join('');
        if (c.change !== 'changed') {
          out.push(`- ${c.change === 'added' ? '➕ added' : '➖ removed'} ${codeSpan(name)}${marks}`);
          continue;
        }
        out.push(`- ✏️ ${codeSpan(name)}${marks}`);
        for (const f of c.fields) out.push(`  - ${codeSpan(formatPath(f.path))}: ${mdValue(f.before)} → ${mdValue(f.after)}`);
      }
      out.push('', '</details>', '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
