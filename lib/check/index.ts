/**
 * The checker: every check area over one model, the `--allow` list, and the report's summary.
 * `npm run synth` and `dvpc check` both come here with the same model type.
 */
import { append } from '../core/append.ts';
import type { ClusterModel } from '../model/cluster-model.ts';
import { CODES } from '../core/codes.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { checkForm } from './form.ts';
import { checkNetwork } from './network.ts';
import { checkMacAddresses } from './mac-addresses.ts';
import { checkSizing } from './sizing.ts';
import { checkStorage } from './storage.ts';
import { checkReferences } from './references.ts';
import { checkSecrets } from './secrets.ts';
import { checkPlacement } from './placement.ts';
import { checkBaseline } from './baseline.ts';
import { checkMigration } from './migration.ts';
import { applyAcknowledgements, readAcknowledgements } from './acknowledge.ts';
import { checkKustomize } from './kustomize.ts';

/** A check area: a pure function of the model. */
export type Check = (model: ClusterModel) => Diagnostic[];

/** Every area, in the order of SPEC §6. */
export const CHECKS: readonly Check[] = [checkForm, checkNetwork, checkMacAddresses, checkSizing, checkPlacement, checkMigration, checkStorage, checkReferences, checkSecrets, checkKustomize, checkBaseline];

export interface Report {
  readonly diagnostics: Diagnostic[];
  readonly summary: {
    readonly files: number;
    readonly resources: number;
    readonly errors: number;
    readonly warnings: number;
    /** Warnings not reported because the object's own `dvpc/allow` annotation lists their code. */
    readonly acknowledged: number;
    readonly skipped: string[];
  };
}

/** Codes that compare with a previous state, which the inventory (the live cluster) is as well. */
export const INVENTORY_OR_BASELINE: ReadonlySet<string> = new Set(['DVP107', 'DVP602']);

/** Codes that could not run for lack of an inventory or a baseline. */
export function skippedCodes(hasInventory: boolean, hasBaseline: boolean): string[] {
  return Object.entries(CODES)
    .filter(([code, info]) => {
      if (INVENTORY_OR_BASELINE.has(code)) return !hasInventory && !hasBaseline;
      return (info.needs === 'inventory' && !hasInventory) || (info.needs === 'baseline' && !hasBaseline);
    })
    .map(([code]) => code);
}

/** Turns the allowed codes' errors into warnings: how a reviewer approves an intended change. */
export function applyAllow(diagnostics: readonly Diagnostic[], allow: ReadonlySet<string>): Diagnostic[] {
  return diagnostics.map((d) => (allow.has(d.code) && d.severity === 'error' ? { ...d, severity: 'warning' as const } : d));
}

/** Stable order: file, line, code, then message; indexes in a path by number (`[3]` before `[10]`). */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  const numeric = (path: string) => path.replace(/\[(\d+)\]/g, (_m, n: string) => `[${n.padStart(12, '0')}]`);
  const key = (d: Diagnostic) => [d.file ?? '', String(d.line ?? 0).padStart(9, '0'), d.code, d.resource ?? '', numeric(d.path ?? ''), d.message].join('\u0000');
  return diagnostics
    .map((d) => ({ d, k: key(d) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((x) => x.d);
}

/** A report of diagnostics found outside any cluster's model (constructs outside a Cluster). */
export function looseReport(diagnostics: readonly Diagnostic[], allow: ReadonlySet<string> = new Set()): Report {
  const sorted = sortDiagnostics(applyAllow(diagnostics, allow));
  return {
    diagnostics: sorted,
    summary: {
      files: 0,
      resources: 0,
      errors: sorted.filter((d) => d.severity === 'error').length,
      warnings: sorted.filter((d) => d.severity === 'warning').length,
      acknowledged: 0,
      skipped: [],
    },
  };
}

export function runChecks(model: ClusterModel, allow: ReadonlySet<string> = new Set(), extra: readonly Diagnostic[] = []): Report {
  const raw: Diagnostic[] = [...extra];
  for (const check of CHECKS) append(raw, check(model));
  // The objects' own dvpc/allow annotations first, then --allow: see acknowledge.ts.
  const acks = readAcknowledgements(model);
  append(raw, acks.problems);
  const acknowledged = applyAcknowledgements(raw, acks);
  const diagnostics = sortDiagnostics(applyAllow(acknowledged.diagnostics, allow));
  return {
    diagnostics,
    summary: {
      files: model.files,
      resources: model.resources.length,
      errors: diagnostics.filter((d) => d.severity === 'error').length,
      warnings: diagnostics.filter((d) => d.severity === 'warning').length,
      acknowledged: acknowledged.acknowledged,
      skipped: skippedCodes(model.inventory !== undefined, model.baseline !== undefined),
    },
  };
}

/** Several reports (one per cluster) as one: diagnostics concatenated, summaries added. */
export function mergeReports(reports: readonly Report[]): Report {
  const skipped = new Set<string>();
  for (const r of reports) for (const s of r.summary.skipped) skipped.add(s);
  const total = (f: (r: Report) => number) => reports.reduce((n, r) => n + f(r), 0);
  return {
    diagnostics: reports.flatMap((r) => r.diagnostics),
    summary: {
      files: total((r) => r.summary.files),
      resources: total((r) => r.summary.resources),
      errors: total((r) => r.summary.errors),
      warnings: total((r) => r.summary.warnings),
      acknowledged: total((r) => r.summary.acknowledged),
      skipped: [...skipped].sort(),
    },
  };
}
