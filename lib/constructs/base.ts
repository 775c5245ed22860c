/**
 * What every dvpc construct shares: explicit names, the namespace of the enclosing project, and
 * problems found in a constructor, recorded with the construct path instead of thrown, so that
 * one run reports every mistake of a stack together with the checks' findings.
 *
 * Constructors do not validate their objects against the schemas: the checker does that on the
 * rendered objects, the same checks `dvpc check` runs on YAML, so each mistake is reported once,
 * by one rule, and every object is parsed once. A constructor records only what the rendered
 * object no longer shows (a disk of another project handed to a VM, a prop that does not
 * translate into the object at all).
 */
import { ApiObject, type JsonPatch } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';
import type { DvpcError } from '../core/errors.ts';
import { constructDiagnostic, type Diagnostic } from '../core/diagnostic.ts';
import { toResource, type JsonObject } from '../core/resource.ts';
import { annotate, clusterAdditions, type Additions } from '../render/annotations.ts';
import { applyPatches, isPlainJson, renderMetadata, resolveValue } from './direct-render.ts';
import { captureStack, userLocation } from '../core/source.ts';

/** Metadata every dvpc construct accepts. */
export interface ObjectProps {
  /**
   * The object's `metadata.name`.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * Labels to add to the object.
   * @default no labels
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations to add to the object.
   * @default no annotations
   */
  readonly annotations?: Record<string, string>;
}

/** Props of namespaced objects. */
export interface NamespacedProps extends ObjectProps {
  /**
   * The namespace. Objects created inside a `Project` take its namespace.
   * @default the enclosing Project's namespace, else `default`
   */
  readonly namespace?: string;
}

/** Marker interface a Project implements, so that namespaced constructs find their namespace. */
export interface INamespaceScope extends IConstruct {
  readonly namespaceName: string;
}

function isNamespaceScope(c: IConstruct): c is INamespaceScope {
  return typeof (c as Partial<INamespaceScope>).namespaceName === 'string';
}

/** The namespace of a namespaced construct: explicit, else the nearest Project, else `default`. */
export function namespaceOf(scope: IConstruct, explicit: string | undefined): string {
  if (explicit !== undefined) return explicit;
  const scopes = scope.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const c = scopes[i] as IConstruct;
    if (isNamespaceScope(c)) return c.namespaceName;
    // A Cluster (found by shape, to keep this module free of a cycle) names its own default.
    const clusterDefault = (c as { defaultNamespace?: unknown }).defaultNamespace;
    if (typeof clusterDefault === 'string') return clusterDefault;
  }
  return 'default';
}

/**
 * What renders the objects of a chart together: a Cluster. Its objects ask it for what dvpc adds
 * to them (computed for all of them at once), and it reports the problems recorded inside it.
 */
export interface IObjectRenderer extends IConstruct {
  /** Namespace of namespaced objects that name none. */
  readonly defaultNamespace: string;
  /** dvpc's additions (sync wave, prune protection) to one of its objects. */
  additionsOf(o: ApiObject): Additions;
}

function isRenderer(c: IConstruct | undefined): c is IObjectRenderer {
  return c !== undefined && typeof (c as Partial<IObjectRenderer>).additionsOf === 'function' && typeof (c as Partial<IObjectRenderer>).defaultNamespace === 'string';
}

/** The renderer (Cluster) of an object: its closest chart, when that chart is one. */
export function rendererOf(o: ApiObject): IObjectRenderer | undefined {
  return isRenderer(o.chart) ? o.chart : undefined;
}

/** The renderer (Cluster) a construct lies in, if any. */
function enclosingRenderer(c: IConstruct): IObjectRenderer | undefined {
  const scopes = c.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) if (isRenderer(scopes[i])) return scopes[i] as IObjectRenderer;
  return undefined;
}

interface Recorded {
  readonly problem: DvpcError;
  readonly renderer: IObjectRenderer | undefined;
}

/** Problems recorded by constructors, per construct tree (the App). */
const problemsByRoot = new WeakMap<IConstruct, Recorded[]>();

/**
 * One line of a cdk8s validation error: code, object and field, message, hint, and the construct
 * path (cdk8s prefixes the path of the construct whose validation failed, e.g. the Cluster).
 */
export function validationLine(d: Diagnostic): string {
  const where = d.resource !== undefined ? `${d.resource}${d.path !== undefined ? ` ${d.path}` : ''}: ` : d.path !== undefined ? `${d.path}: ` : '';
  return `${d.code} ${where}${d.message} (hint: ${d.hint})${d.constructPath !== undefined ? ` [${d.constructPath}]` : ''}`;
}

/**
 * Records a problem found in a constructor. It is reported with the checks' findings by `synth`
 * (and by `app.synth()` / `cdk8s synth`, through cdk8s validations: the Cluster's for problems
 * inside it, the App's for the others), never thrown: a stack with three mistakes shows all
 * three in one run.
 */
export function reportProblem(scope: IConstruct, problem: DvpcError): void {
  // The user's line that made the construct: a stack costs microseconds, paid only for problems.
  problem.source ??= userLocation(captureStack());
  const root = scope.node.root;
  let list = problemsByRoot.get(root);
  if (!list) {
    const created: Recorded[] = [];
    list = created;
    problemsByRoot.set(root, created);
    root.node.addValidation({ validate: () => created.filter((r) => r.renderer === undefined).map((r) => validationLine(constructDiagnostic(r.problem))) });
  }
  list.push({ problem, renderer: enclosingRenderer(scope) });
}

/** The problems constructors recorded in a construct tree, in the order they were found. */
export function recordedProblems(root: IConstruct): readonly DvpcError[] {
  return (problemsByRoot.get(root.node.root) ?? []).map((r) => r.problem);
}

/** The problems recorded inside one renderer (Cluster), or outside every one (undefined). */
export function problemsIn(root: IConstruct, renderer: IObjectRenderer | undefined): DvpcError[] {
  return (problemsByRoot.get(root.node.root) ?? []).filter((r) => r.renderer === renderer).map((r) => r.problem);
}

/**
 * A counter per construct tree that changes whenever dvpc's objects change in a way the cluster-
 * wide additions may depend on (an object created, a JSON patch added), so that cached additions
 * are recomputed.
 */
const revisions = new WeakMap<IConstruct, number>();

export function renderRevision(c: IConstruct): number {
  return revisions.get(c.node.root) ?? 0;
}

function bumpRevision(c: IConstruct): void {
  const root = c.node.root;
  revisions.set(root, (revisions.get(root) ?? 0) + 1);
}

/**
 * Removes keys whose value is undefined, so that rendered objects never carry them. Returns the
 * object itself when it has none (callers pass fresh literals), so the common case allocates
 * nothing.
 */
export function compact<T extends object>(obj: T): T {
  let clean = true;
  for (const k in obj) {
    if (obj[k] === undefined) {
      clean = false;
      break;
    }
  }
  if (clean) return obj;
  const out: Record<string, unknown> = {};
  for (const k in obj) if (obj[k] !== undefined) out[k] = obj[k];
  return out as T;
}

export interface DvpObjectInit {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string | undefined;
  readonly labels?: Record<string, string> | undefined;
  readonly annotations?: Record<string, string> | undefined;
  readonly body: Record<string, unknown>;
}

/** The metadata a DvpObject starts with (cdk8s's metadata definition keeps what users add later). */
function initialMetadata(init: DvpObjectInit): { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } {
  const m: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } = { name: init.name };
  if (init.namespace !== undefined) m.namespace = init.namespace;
  if (init.labels !== undefined) m.labels = init.labels;
  if (init.annotations !== undefined) m.annotations = init.annotations;
  return m;
}

/**
 * An ApiObject with an explicit name (never a hash suffix) and the body given, rendered directly:
 * `toJson()` writes the body as it is, the metadata as it is now, the user's JSON patches, and
 * dvpc's annotations (sync wave, prune protection, computed for the whole Cluster at once), without
 * cdk8s's generic resolve of every value.
 */
export class DvpObject extends ApiObject {
  /**
   * `instanceof` by the prototype chain. cdk8s's ApiObject answers `instanceof` for any ApiObject
   * (so that copies of cdk8s recognise each other), and subclasses inherit that: without this,
   * `x instanceof VirtualMachineClass` would hold for every object.
   */
  static override [Symbol.hasInstance](o: unknown): o is DvpObject {
    return Function.prototype[Symbol.hasInstance].call(this, o);
  }

  /** metadata.name */
  readonly objectName: string;
  /** metadata.namespace, for namespaced kinds. */
  readonly objectNamespace: string | undefined;
  /** Everything but apiVersion, kind and metadata, as the constructor built it. */
  private readonly body: Record<string, unknown>;

  constructor(scope: Construct, id: string, init: DvpObjectInit) {
    super(scope, id, { apiVersion: init.apiVersion, kind: init.kind, metadata: initialMetadata(init) });
    this.objectName = init.name;
    this.objectNamespace = init.namespace;
    this.body = init.body;
    bumpRevision(this);
  }

  override addJsonPatch(...ops: JsonPatch[]): void {
    super.addJsonPatch(...ops);
    bumpRevision(this);
  }

  /**
   * The body at synthesis time. Subclasses override it to fill in what is known only once every
   * construct exists (a VM's default core fraction from its class).
   */
  protected renderBody(): Record<string, unknown> {
    return this.body;
  }

  /**
   * The object as it renders before dvpc's cluster-wide additions: body, metadata and the user's
   * JSON patches. A fresh top-level object and metadata; the body's values are shared with the
   * construct (nothing downstream mutates them; patches apply to a copy).
   */
  renderRaw(): JsonObject {
    const body = this.renderBody();
    const rendered = (isPlainJson(body) ? body : resolveValue(body, this)) as JsonObject;
    const obj: JsonObject = { apiVersion: this.apiVersion, kind: this.kind, metadata: renderMetadata(this) };
    for (const k in rendered) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') obj[k] = rendered[k] as JsonObject[string];
    return applyPatches(this, obj);
  }

  /** The object as dvpc writes it: the raw rendering with dvpc's annotations and namespace. */
  override toJson(): JsonObject {
    let raw: JsonObject;
    try {
      raw = this.renderRaw();
    } catch (e) {
      throw new Error(`Failed serializing construct at path '${this.node.path}' with name '${this.name}': ${String(e)}`);
    }
    const renderer = rendererOf(this);
    const r = toResource(raw, NOWHERE, renderer?.defaultNamespace ?? 'default');
    return annotate(r, renderer ? renderer.additionsOf(this) : (clusterAdditions([r])[0] as Additions));
  }
}

/** The origin of an object that is not yet placed in a file. */
export const NOWHERE = { file: '', line: () => undefined };
