/**
 * Rendering dvpc's own objects without cdk8s's generic `toJson()`.
 *
 * cdk8s renders every object by walking all of it through its resolvers (building a key path
 * and a context object per value), then copying it again to drop empty values and sort keys.
 * dvpc's constructors build plain JSON, so their objects render as they are: only the metadata
 * (which users change through `metadata.addLabel`, `addAnnotation`, ...) is read afresh, and the
 * user's JSON patches are applied to a copy. Anything that is not plain JSON (a `Lazy`, a
 * resolvable token, a null) takes cdk8s's own resolve, so escape hatches behave as in cdk8s.
 */
import { ApiObject, JsonPatch, resolve } from 'cdk8s';
import type { JsonObject } from '../core/resource.ts';

/** Object keys cdk8s writes first, as ApiObject.toJson does. */
const TOP_KEYS = ['apiVersion', 'kind', 'metadata'];

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Whether a value renders as it is: strings, numbers, booleans, arrays and plain objects of
 * them. A null or undefined (cdk8s drops them) or a class instance (cdk8s resolves it or
 * refuses it) needs the generic path.
 */
export function isPlainJson(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object': {
      if (v === null) return false;
      if (Array.isArray(v)) {
        for (const x of v) if (!isPlainJson(x)) return false;
        return true;
      }
      if (!isPlainObject(v)) return false;
      for (const k in v) if (!isPlainJson((v as Record<string, unknown>)[k])) return false;
      return true;
    }
    default:
      return false;
  }
}

/** cdk8s's sanitizer: drops null and undefined values, refuses class instances (as cdk8s does). */
function sanitize(v: unknown): unknown {
  if (v === null || v === undefined || typeof v !== 'object') return v ?? undefined;
  if (Array.isArray(v)) return v.map(sanitize);
  if (!isPlainObject(v)) throw new Error(`can't render non-simple object of type '${(v as object).constructor.name}'`);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = sanitize((v as Record<string, unknown>)[k]);
    if (x !== undefined && x !== null) out[k] = x;
  }
  return out;
}

/** A value through cdk8s's resolvers (Lazy, tokens, the App's own), then sanitized. */
export function resolveValue(value: unknown, apiObject: ApiObject): unknown {
  return sanitize(resolve([], value, apiObject));
}

/** What cdk8s's metadata definition holds (private in its types; read only after checking the shape). */
interface MetadataFields {
  readonly name?: unknown;
  readonly namespace?: unknown;
  readonly labels?: unknown;
  readonly annotations?: unknown;
  readonly finalizers?: unknown;
  readonly ownerReferences?: unknown;
  readonly _additionalAttributes?: unknown;
}

/** Keys of the metadata definition's extra attributes that its own fields override. */
const OWN_METADATA_KEYS = new Set(['name', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences']);

function stringMap(v: unknown): Record<string, string> | undefined | false {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !isPlainObject(v)) return false;
  let out: Record<string, string> | undefined;
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (typeof x !== 'string') return false;
    (out ??= {})[k] = x;
  }
  return out;
}

/**
 * The object's metadata as cdk8s renders it (empty maps and lists left out), read straight from
 * its fields when they hold only strings, else through cdk8s's own `metadata.toJson()`.
 */
export function renderMetadata(o: ApiObject): JsonObject {
  const m = o.metadata as unknown as MetadataFields;
  const labels = stringMap(m.labels);
  const annotations = stringMap(m.annotations);
  const plain = typeof m.name === 'string'
    && (m.namespace === undefined || typeof m.namespace === 'string')
    && labels !== false && annotations !== false
    && Array.isArray(m.finalizers) && m.finalizers.length === 0
    && Array.isArray(m.ownerReferences) && m.ownerReferences.length === 0
    && typeof m._additionalAttributes === 'object' && m._additionalAttributes !== null
    && Object.keys(m._additionalAttributes).every((k) => OWN_METADATA_KEYS.has(k) || (m._additionalAttributes as Record<string, unknown>)[k] === undefined);
  if (!plain) return o.metadata.toJson() as JsonObject;
  const out: JsonObject = { name: m.name as string };
  if (m.namespace !== undefined) out['namespace'] = m.namespace as string;
  if (labels) out['labels'] = labels;
  if (annotations) out['annotations'] = annotations;
  return out;
}

/** The user's JSON patches (`addJsonPatch`), applied to a copy, with cdk8s's key order on top. */
export function applyPatches(o: ApiObject, obj: JsonObject): JsonObject {
  const patches = (o as unknown as { patches?: unknown }).patches;
  if (!Array.isArray(patches) || patches.length === 0) return obj;
  const patched = JsonPatch.apply(structuredClone(obj), ...(patches as JsonPatch[])) as JsonObject;
  const out: JsonObject = {};
  for (const k of TOP_KEYS) if (k in patched) out[k] = patched[k] as JsonObject[string];
  for (const k of Object.keys(patched)) if (!(k in out)) out[k] = patched[k] as JsonObject[string];
  return out;
}

/** Whether a construct is an ApiObject (by cdk8s's own test, which works across copies of cdk8s). */
export function isApiObject(c: unknown): c is ApiObject {
  return ApiObject.isApiObject(c);
}
