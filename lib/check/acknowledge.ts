/**
 * The `dvpc/allow` annotation (SPEC §2): an object lists codes that a reviewer has accepted for
 * that object alone, committed in git next to it. A listed error becomes a warning; a listed
 * warning is not reported and is counted in `summary.acknowledged`. Only findings about the
 * annotated object itself are touched, whichever front door the object came through.
 *
 * With `--allow` as well: each of the two turns an error into a warning, neither hides an error,
 * so an error listed in both is still shown (as a warning). Only what was a warning to begin with
 * is hidden, and only by the object's own annotation.
 */
import type { ClusterModel } from '../model/cluster-model.ts';
import { resourceId, type Resource } from '../core/resource.ts';
import { CODES } from '../core/codes.ts';
import { diagnose, type Diagnostic } from '../core/diagnostic.ts';
import { ALLOW_ANNOTATION } from '../core/annotations.ts';

export { ALLOW_ANNOTATION };

/** The value of an object's `dvpc/allow` annotation, split into codes (as written, upper-cased). */
function listed(r: Resource): string[] | undefined {
  const meta = r.body['metadata'];
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return undefined;
  const annotations = meta['annotations'];
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) return undefined;
  const value = annotations[ALLOW_ANNOTATION];
  if (typeof value !== 'string') return undefined;
  return value.split(',').map((c) => c.trim().toUpperCase()).filter((c) => c.length > 0);
}

/** The known codes an object acknowledges (empty when it has no annotation). */
export function acknowledgedCodes(r: Resource): ReadonlySet<string> {
  return new Set((listed(r) ?? []).filter((c) => c in CODES));
}

/** Whether an object's own annotation acknowledges a code (checks that group findings ask this). */
export function acknowledges(r: Resource, code: string): boolean {
  return acknowledgedCodes(r).has(code);
}

const subjectKey = (resource: string, file: string | undefined) => `${resource}\u0000${file ?? ''}`;

export interface Acknowledgements {
  /** Codes acknowledged per object (its `Kind/namespace/name` and file). */
  readonly byObject: ReadonlyMap<string, ReadonlySet<string>>;
  /** Annotations that list codes dvpc does not have: a typo would otherwise acknowledge nothing. */
  readonly problems: Diagnostic[];
}

/** Every `dvpc/allow` annotation of the desired objects. */
export function readAcknowledgements(model: ClusterModel): Acknowledgements {
  const byObject = new Map<string, Set<string>>();
  const problems: Diagnostic[] = [];
  for (const r of model.resources) {
    const codes = listed(r);
    if (codes === undefined) continue;
    const unknown = codes.filter((c) => !(c in CODES));
    if (unknown.length > 0) {
      const shown = unknown.slice(0, 3).map((c) => (c.length > 12 ? `${c.slice(0, 12)}…` : c)).join(', ');
      problems.push(diagnose('DVP002', r, ['metadata', 'annotations', ALLOW_ANNOTATION], `annotation ${ALLOW_ANNOTATION} lists ${shown}${unknown.length > 3 ? ', …' : ''}, which ${unknown.length === 1 ? 'is not a dvpc code' : 'are not dvpc codes'}`, 'list codes of the report, e.g. "DVP604,DVP503", separated by commas'));
    }
    const key = subjectKey(resourceId(r), r.origin.file);
    const set = byObject.get(key) ?? new Set<string>();
    for (const c of codes) if (c in CODES) set.add(c);
    byObject.set(key, set);
  }
  return { byObject, problems };
}

/** Applies the annotations: errors listed become warnings, warnings listed are counted and dropped. */
export function applyAcknowledgements(diagnostics: readonly Diagnostic[], acks: Acknowledgements): { diagnostics: Diagnostic[]; acknowledged: number } {
  if (acks.byObject.size === 0) return { diagnostics: [...diagnostics], acknowledged: 0 };
  const out: Diagnostic[] = [];
  let acknowledged = 0;
  for (const d of diagnostics) {
    const codes = d.resource === undefined ? undefined : acks.byObject.get(subjectKey(d.resource, d.file));
    if (!codes?.has(d.code)) out.push(d);
    else if (d.severity === 'error') out.push({ ...d, severity: 'warning', message: `${d.message} (accepted by the object's ${ALLOW_ANNOTATION} annotation)` });
    else acknowledged += 1;
  }
  return { diagnostics: out, acknowledged };
}
