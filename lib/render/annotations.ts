/**
 * What dvpc adds to every object of a cluster, whichever path renders it (`dvpc synth`,
 * `app.synth()`, an object's own `toJson()`): the Argo CD sync wave, the annotations that keep data
 * from being pruned (SPEC §4), and the namespace of namespaced objects. A value the user set wins.
 *
 * Waves are computed for a whole cluster at once, here and nowhere else, because an object's wave
 * may depend on the other objects it refers to.
 */
import { holdsData, isClusterScoped } from '../core/kinds.ts';
import type { JsonObject } from '../core/resource.ts';
import { ARGO_SYNC_OPTIONS, FLUX_PRUNE, SYNC_WAVE_ANNOTATION, syncWave } from './order.ts';

/** One object of a cluster as rendered before dvpc's additions. */
export interface RawObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** The namespace for namespaced kinds (defaulted), undefined for cluster-scoped ones. */
  readonly namespace: string | undefined;
  readonly body: JsonObject;
}

/** What dvpc adds to one object. */
export interface Additions {
  /** The Argo CD sync wave, or undefined for kinds dvpc does not order. */
  readonly wave: number | undefined;
  /** Whether the object is exempt from pruning (deleting it loses data). */
  readonly keep: boolean;
}

/** dvpc's additions for every object of one cluster, in the order given. */
export function clusterAdditions(objects: readonly RawObject[]): Additions[] {
  return objects.map((o) => ({ wave: syncWave(o.kind), keep: holdsData(o.kind, o.body) }));
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function asObject(v: unknown): JsonObject | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

/** Identity and defaulted namespace of an object as rendered (empty strings where absent). */
export function rawObject(body: JsonObject, defaultNamespace: string): RawObject {
  const apiVersion = str(body['apiVersion']) ?? '';
  const kind = str(body['kind']) ?? '';
  const meta = asObject(body['metadata']);
  const namespace = isClusterScoped(apiVersion, kind) ? undefined : (str(meta?.['namespace']) ?? defaultNamespace);
  return { apiVersion, kind, name: str(meta?.['name']) ?? '', namespace, body };
}

/** The annotations dvpc adds, as key/value pairs. */
export function addedAnnotations(a: Additions): Record<string, string> {
  const add: Record<string, string> = {};
  if (a.wave !== undefined) add[SYNC_WAVE_ANNOTATION] = String(a.wave);
  if (a.keep) {
    add[ARGO_SYNC_OPTIONS] = 'Prune=false';
    add[FLUX_PRUNE] = 'disabled';
  }
  return add;
}

/**
 * The object with dvpc's annotations (keeping any value the user set) and, for namespaced kinds,
 * its namespace written out. Returns the body itself when nothing is added.
 */
export function annotate(o: RawObject, a: Additions): JsonObject {
  const add = addedAnnotations(a);
  const meta = asObject(o.body['metadata']) ?? {};
  const needsNamespace = o.namespace !== undefined && meta['namespace'] === undefined;
  let hasAdd = false;
  for (const _ in add) {
    hasAdd = true;
    break;
  }
  if (!hasAdd && !needsNamespace) return o.body;
  const metadata: JsonObject = { ...meta };
  if (needsNamespace) metadata['namespace'] = o.namespace as string;
  if (hasAdd) metadata['annotations'] = { ...add, ...(asObject(meta['annotations']) ?? {}) };
  return { ...o.body, metadata };
}
