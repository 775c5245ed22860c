/**
 * One object of a cluster's desired state, whichever front door it came through: a YAML file
 * (`dvpc check`) or a construct (`npm run synth`). Checks see only this shape.
 */
import type { FieldPath, Json, JsonObject } from './json.ts';
import { groupOf, isClusterScoped } from './kinds.ts';

/** Where an object came from, and how to find the line of one of its fields. */
export interface Origin {
  /** The file as the user names it (relative to the working directory where possible). */
  readonly file: string;
  /** The construct path, for objects from the typed API. */
  readonly constructPath?: string | undefined;
  /** The 1-based line of a field (or of the nearest enclosing field that exists), or of the document. */
  line(path: FieldPath): number | undefined;
}

export type { JsonObject };

export interface Resource {
  readonly apiVersion: string;
  readonly kind: string;
  /** metadata.name, or the generateName prefix followed by `*`, or '' when neither is set. */
  readonly name: string;
  /** The namespace for namespaced kinds (defaulted), undefined for cluster-scoped ones. */
  readonly namespace: string | undefined;
  /** The object as written. */
  readonly body: JsonObject;
  readonly origin: Origin;
}

/** `Kind/name` or `Kind/namespace/name`, as diagnostics print it. */
export function resourceId(r: Pick<Resource, 'kind' | 'name' | 'namespace'>): string {
  const kind = r.kind === '' ? '(no kind)' : r.kind;
  return r.namespace === undefined ? `${kind}/${r.name}` : `${kind}/${r.namespace}/${r.name}`;
}

/** The identity two definitions of the same object share: group, kind, namespace, name. */
export function identityKey(r: Pick<Resource, 'apiVersion' | 'kind' | 'name' | 'namespace'>): string {
  return `${groupOf(r.apiVersion)}|${r.kind}|${r.namespace ?? ''}|${r.name}`;
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * Builds a Resource from a parsed object. Namespaced objects without a namespace land in
 * `defaultNamespace` (the API server's `default`, or `--namespace`).
 */
export function toResource(body: JsonObject, origin: Origin, defaultNamespace: string): Resource {
  const apiVersion = str(body['apiVersion']) ?? '';
  const kind = str(body['kind']) ?? '';
  const meta = body['metadata'];
  const metadata = meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? meta : {};
  const rawName = metadata['name'];
  // A name YAML read as another scalar (`name: yes`) is still shown as written, for the diagnostic.
  const scalarName = typeof rawName === 'number' || typeof rawName === 'boolean' ? String(rawName) : undefined;
  const name = str(rawName) ?? scalarName ?? (str(metadata['generateName']) !== undefined ? `${str(metadata['generateName'])}*` : '');
  const namespace = isClusterScoped(apiVersion, kind) ? undefined : (str(metadata['namespace']) ?? defaultNamespace);
  return { apiVersion, kind, name, namespace, body, origin };
}

