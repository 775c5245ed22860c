/**
 * How one Cluster's objects render, together: each object raw (dvpc's own directly, any other
 * library's through its cdk8s `toJson()`), then dvpc's additions (sync waves, prune protection)
 * computed once for all of them, then each object annotated.
 *
 * The additions are part of the objects themselves, whichever path renders them: `dvpc synth`
 * renders the whole cluster here; `app.synth()` and an object's own `toJson()` ask for one
 * object's additions, which are computed for the whole cluster on the first request and kept
 * until a dvpc object is created or patched. Objects of other libraries (cdk8s-plus Namespaces
 * and Secrets, plain ApiObjects) are adopted when the cluster renders: a namespaced one without
 * a namespace gets its Project's (else the cluster's default), and dvpc's annotations are added
 * to their metadata as lazy values, which cdk8s resolves when it renders them.
 */
import { Chart, Lazy, type ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { DvpcError } from '../core/errors.ts';
import { isClusterScoped } from '../core/kinds.ts';
import type { JsonObject } from '../core/resource.ts';
import { addedAnnotations, annotate, clusterAdditions, type Additions } from '../render/annotations.ts';
import { collectedObject, type CollectedObject } from '../render/cluster-files.ts';
import { ARGO_SYNC_OPTIONS, FLUX_PRUNE, SYNC_WAVE_ANNOTATION } from '../render/order.ts';
import { DvpObject, namespaceOf, renderRevision, type IObjectRenderer } from './base.ts';
import { isApiObject } from './direct-render.ts';

const NONE: Additions = { wave: undefined, keep: false };

/** The annotations dvpc may add, in the order it adds them. */
const ADDED_KEYS = [SYNC_WAVE_ANNOTATION, ARGO_SYNC_OPTIONS, FLUX_PRUNE];

interface Walk {
  readonly objects: ApiObject[];
  readonly paths: string[];
  /** Charts nested inside the cluster (their objects are theirs, not the cluster's). */
  readonly nested: IConstruct[];
}

export class ClusterRendering {
  private table: Map<ApiObject, Additions> | undefined;
  private tableRevision = -1;
  /** While objects render raw: dvpc's lazy annotations on other libraries' objects stay empty. */
  private rawOnly = false;
  private readonly adopted = new WeakSet<ApiObject>();
  /** One Additions value per distinct (wave, keep): a cluster has a handful. */
  private readonly interned = [new Map<number | undefined, Additions>(), new Map<number | undefined, Additions>()] as const;

  constructor(private readonly cluster: IObjectRenderer) {}

  /** Every ApiObject of the cluster in tree order, with its construct path. */
  private walk(): Walk {
    const objects: ApiObject[] = [];
    const paths: string[] = [];
    const nested: IConstruct[] = [];
    const visit = (c: IConstruct) => {
      for (const child of c.node.children) {
        // dvpc's own objects first: most of the tree, told apart by the prototype chain alone.
        if (child instanceof DvpObject || (!Chart.isChart(child) && isApiObject(child))) {
          objects.push(child);
          // constructs keeps each node's path as a string: share it rather than build another.
          paths.push(child.node.path);
        } else if (Chart.isChart(child)) {
          nested.push(child);
          continue;
        }
        visit(child);
      }
    };
    visit(this.cluster);
    return { objects, paths, nested };
  }

  /**
   * Writes an object of another library the way dvpc writes its own: the namespace of a
   * namespaced kind, and dvpc's annotations as lazy values (a value the user set is kept; one the
   * user sets later replaces dvpc's).
   */
  adopt(o: ApiObject): void {
    if (o instanceof DvpObject || this.adopted.has(o)) return;
    this.adopted.add(o);
    const meta = o.metadata as unknown as { namespace?: unknown; annotations?: unknown };
    if (!isClusterScoped(o.apiVersion, o.kind) && meta.namespace === undefined) {
      // Like dvpc's own objects: the enclosing Project's namespace, else the cluster's default.
      (meta as { namespace?: string }).namespace = namespaceOf(o, undefined);
    }
    const existing = meta.annotations;
    // cdk8s keeps annotations in a plain object; if a future version does not, leave the object be.
    if (existing === null || typeof existing !== 'object') return;
    for (const key of ADDED_KEYS) {
      if (key in existing) continue;
      o.metadata.addAnnotation(key, Lazy.any({ produce: () => (this.rawOnly ? undefined : addedAnnotations(this.additionsOf(o))[key]) }));
    }
  }

  /** Renders every object raw; objects that fail are an error (synth) or left out (a lookup). */
  private renderRaw(objects: readonly ApiObject[], paths: readonly string[], failures: 'throw' | 'skip'): (JsonObject | undefined)[] {
    this.rawOnly = true;
    try {
      return objects.map((o, i) => {
        try {
          return o instanceof DvpObject ? o.renderRaw() : (o.toJson() as JsonObject);
        } catch (e) {
          if (failures === 'skip') return undefined;
          throw new DvpcError('DVP002', `cannot render: ${(e as Error).message}`, 'fix the construct props', paths[i]);
        }
      });
    } finally {
      this.rawOnly = false;
    }
  }

  private intern(a: Additions): Additions {
    const byWave = this.interned[a.keep ? 1 : 0];
    let found = byWave.get(a.wave);
    if (!found) {
      found = a;
      byWave.set(a.wave, a);
    }
    return found;
  }

  /** Computes the additions of every rendered object, all at once, and keeps them. */
  private computeTable(objects: readonly ApiObject[], paths: readonly string[], raws: readonly (JsonObject | undefined)[]): { items: (CollectedObject | undefined)[]; additions: Additions[] } {
    const items = raws.map((b, i) => (b === undefined ? undefined : collectedObject(b, paths[i], this.cluster.defaultNamespace)));
    const present = items.filter((r): r is CollectedObject => r !== undefined);
    const computed = clusterAdditions(present);
    const table = new Map<ApiObject, Additions>();
    const additions: Additions[] = [];
    let next = 0;
    items.forEach((r, i) => {
      const a = r === undefined ? NONE : this.intern(computed[next++] as Additions);
      additions.push(a);
      if (r !== undefined) table.set(objects[i] as ApiObject, a);
    });
    this.table = table;
    this.tableRevision = renderRevision(this.cluster);
    return { items, additions };
  }

  /**
   * The cluster's objects as dvpc writes them, in tree order, each with its construct path.
   * Throws a DvpcError for an object that cannot render or a chart nested in the cluster.
   */
  render(): CollectedObject[] {
    const { objects, paths, nested } = this.walk();
    const first = nested[0];
    if (first !== undefined) {
      throw new DvpcError('DVP002', `chart "${first.node.path}" is nested in Cluster "${this.cluster.node.path}"`, 'create each chart as a `new Cluster(app, name)` directly in the app, so that each renders into dist/<name>/', first.node.path);
    }
    for (const o of objects) this.adopt(o);
    const { items, additions } = this.computeTable(objects, paths, this.renderRaw(objects, paths, 'throw'));
    // Every object rendered (a failure throws), and annotated in place.
    const rendered = items as CollectedObject[];
    rendered.forEach((o, i) => annotate(o, additions[i] as Additions, true));
    return rendered;
  }

  /** dvpc's additions to one object of the cluster, computed for all of them when missing or stale. */
  additionsOf(o: ApiObject): Additions {
    if (this.rawOnly) return NONE;
    let found = this.table?.get(o);
    if (found === undefined || this.tableRevision !== renderRevision(this.cluster)) {
      const { objects, paths } = this.walk();
      for (const x of objects) this.adopt(x);
      this.computeTable(objects, paths, this.renderRaw(objects, paths, 'skip'));
      found = this.table?.get(o);
    }
    return found ?? NONE;
  }
}
