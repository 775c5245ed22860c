/**
 * What dvpc adds to every object of a cluster, whichever path renders it (`dvpc synth`,
 * `app.synth()`, an object's own `toJson()`): the Argo CD sync wave, the annotations that keep data
 * from being pruned (SPEC §4), and the namespace of namespaced objects. A value the user set wins.
 *
 * Waves are computed for a whole cluster at once, here and nowhere else, because an object's wave
 * may depend on the other objects it refers to.
 */
import { holdsData } from '../core/kinds.ts';
import type { JsonObject } from '../core/resource.ts';
import { ARGO_SYNC_OPTIONS, FLUX_PRUNE, SYNC_WAVE_ANNOTATION, ordersKind, syncWaves } from './order.ts';

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

/**
 * dvpc's additions for every object of one cluster, in the order given: each object's sync wave
 * follows what it references (render/order's syncWaves). Equal additions are one shared value,
 * so that objects without annotations of their own share one annotations map (see annotate).
 */
export function clusterAdditions(objects: readonly RawObject[]): Additions[] {
  const waves = syncWaves(objects);
  const interned = new Map<string, Additions>();
  return objects.map((o) => {
    // Another library's object is left in Argo CD's default wave unless a reference moves it.
    const computed = waves.get(o);
    const wave = ordersKind(o.kind) || (computed !== undefined && computed !== 0) ? computed : undefined;
    const keep = holdsData(o.kind, o.body);
    const key = `${wave ?? ''}|${keep}`;
    let a = interned.get(key);
    if (!a) {
      a = { wave, keep };
      interned.set(key, a);
    }
    return a;
  });
}

function asObject(v: unknown): JsonObject | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
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

/** One frozen annotations map per Additions value, shared by every object that has no other annotation. */
const sharedMaps = new WeakMap<Additions, Readonly<Record<string, string>>>();

function sharedAnnotations(a: Additions): Readonly<Record<string, string>> {
  let map = sharedMaps.get(a);
  if (!map) {
    map = Object.freeze(addedAnnotations(a));
    sharedMaps.set(a, map);
  }
  return map;
}

/**
 * Adds dvpc's annotations (keeping any value the user set) and, for namespaced kinds, writes the
 * namespace out. Changes the body in place (the renderers hand over bodies they just built) and
 * returns it. With `share`, an object without annotations of its own gets a frozen map shared
 * with its like (a synth holds every object of a cluster at once; only readers see them).
 */
export function annotate(o: RawObject, a: Additions, share = false): JsonObject {
  const body = o.body;
  const needsWave = a.wave !== undefined;
  let meta = asObject(body['metadata']);
  const needsNamespace = o.namespace !== undefined && meta?.['namespace'] === undefined;
  // A cluster-scoped object never carries a namespace (SPEC §4); the API server would drop it too.
  if (o.namespace === undefined && meta !== undefined && 'namespace' in meta) delete meta['namespace'];
  if (!needsWave && !a.keep && !needsNamespace) return body;
  if (meta === undefined) {
    // A metadata that is not a mapping stays as written, for the checker to report.
    if (body['metadata'] !== undefined) return body;
    meta = {};
    body['metadata'] = meta;
  }
  if (needsNamespace) meta['namespace'] = o.namespace as string;
  if (needsWave || a.keep) {
    const own = asObject(meta['annotations']);
    meta['annotations'] = own === undefined && share ? (sharedAnnotations(a) as JsonObject) : { ...addedAnnotations(a), ...(own ?? {}) };
  }
  return body;
}
