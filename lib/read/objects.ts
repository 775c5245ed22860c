/**
 * From a document's value to the objects kubectl would apply. kubectl treats any object with an
 * `items` field as a list (unstructured decoding) and flattens lists recursively
 * (FlattenListVisitor), so a List inside a List is read too. A list whose `items` is not a list of
 * objects makes kubectl fail; dvpc reports it (DVP002) instead of skipping it silently.
 */
import { redactedExcerpt } from '../core/excerpt.ts';
import type { FieldPath, Json, JsonObject } from '../core/json.ts';
import { formatPath } from '../core/json.ts';
import type { Origin } from '../core/resource.ts';
import { severityOf } from '../core/codes.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { isKustomizeConfig } from './kustomize-config.ts';

export interface LoadedObject {
  readonly body: JsonObject;
  readonly origin: Origin;
}

/** Where a document came from: its file, and how to make the origin of a path inside it. */
export interface DocumentPlace {
  readonly file: string;
  origin(base: FieldPath): Origin;
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function kindOf(v: Json | undefined): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `the ${typeof v} ${redactedExcerpt(v)}`;
}

function listDiagnostic(place: DocumentPlace, path: FieldPath, message: string): Diagnostic {
  const origin = place.origin([]);
  return { code: 'DVP002', severity: severityOf('DVP002'), message, hint: 'a List holds Kubernetes objects in items: a YAML list of mappings, each with apiVersion and kind', file: place.file, line: origin.line(path), path: formatPath(path) };
}

/** The objects of one document (lists flattened), appended to `out`; problems to `diagnostics`. */
export function collectObjects(value: Json, place: DocumentPlace, out: LoadedObject[], diagnostics: Diagnostic[]): void {
  if (value === null) return;
  if (!isObject(value)) {
    const line = place.origin([]).line([]);
    diagnostics.push({ code: 'DVP001', severity: severityOf('DVP001'), message: `a document is ${Array.isArray(value) ? 'a list' : `the scalar ${redactedExcerpt(value)}`}, not a Kubernetes object`, hint: 'each YAML document must be a mapping with apiVersion and kind', file: place.file, line });
    return;
  }
  // Depth-first, in the order the objects are written; an explicit stack keeps hostile nesting off the call stack.
  const stack: { body: JsonObject; base: FieldPath }[] = [{ body: value, base: [] }];
  const found: LoadedObject[] = [];
  while (stack.length > 0) {
    const { body, base } = stack.pop() as { body: JsonObject; base: FieldPath };
    // A kustomization file configures a build; it is not an object of the cluster.
    if (isKustomizeConfig(body, place.file)) continue;
    if (!Object.hasOwn(body, 'items')) {
      const kind = body['kind'];
      if (typeof kind === 'string' && kind.endsWith('List')) {
        diagnostics.push(listDiagnostic(place, [...base, 'kind'], `a ${kind.slice(0, 60)} without items: kubectl would send it to the API server as an object of that kind`));
        continue;
      }
      found.push({ body, origin: place.origin(base) });
      continue;
    }
    const items = body['items'];
    if (items === null) continue; // kubectl reads `items: null` as an empty list
    if (!Array.isArray(items)) {
      diagnostics.push(listDiagnostic(place, [...base, 'items'], `a list's items is ${kindOf(items)}, not a list of objects`));
      continue;
    }
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (isObject(item)) stack.push({ body: item, base: [...base, 'items', i] });
      else diagnostics.push(listDiagnostic(place, [...base, 'items', i], `a list's item is ${kindOf(item)}, not a Kubernetes object`));
    }
  }
  for (const o of found) out.push(o);
}
