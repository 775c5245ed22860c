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
import { ApiObject } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';
import type { DvpcError } from '../core/errors.ts';
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
  for (const c of [...scope.node.scopes].reverse()) {
    if (isNamespaceScope(c)) return c.namespaceName;
    // A Cluster (found by shape, to keep this module free of a cycle) names its own default.
    const clusterDefault = (c as { defaultNamespace?: unknown }).defaultNamespace;
    if (typeof clusterDefault === 'string') return clusterDefault;
  }
  return 'default';
}

/** Problems recorded by constructors, per construct tree (the App). */
const problemsByRoot = new WeakMap<IConstruct, DvpcError[]>();

/**
 * Records a problem found in a constructor. It is reported with the checks' findings by `synth`
 * (and by `app.synth()` / `cdk8s synth`, through a cdk8s validation), never thrown: a stack with
 * three mistakes shows all three in one run.
 */
export function reportProblem(scope: IConstruct, problem: DvpcError): void {
  // The user's line that made the construct: a stack costs microseconds, paid only for problems.
  problem.source ??= userLocation(captureStack());
  const root = scope.node.root;
  let list = problemsByRoot.get(root);
  if (!list) {
    const created: DvpcError[] = [];
    list = created;
    problemsByRoot.set(root, created);
    root.node.addValidation({ validate: () => created.map((p) => `${p.code} ${p.message} (hint: ${p.hint})`) });
  }
  list.push(problem);
}

/** The problems constructors recorded in a construct tree, in the order they were found. */
export function recordedProblems(root: IConstruct): readonly DvpcError[] {
  return problemsByRoot.get(root.node.root) ?? [];
}

/** Removes keys whose value is undefined, so that rendered objects never carry them. */
export function compact<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
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

/** An ApiObject with an explicit name (never a hash suffix) and the body given. */
export class DvpObject extends ApiObject {
  /** metadata.name */
  readonly objectName: string;
  /** metadata.namespace, for namespaced kinds. */
  readonly objectNamespace: string | undefined;

  constructor(scope: Construct, id: string, init: DvpObjectInit) {
    super(scope, id, {
      apiVersion: init.apiVersion,
      kind: init.kind,
      metadata: compact({ name: init.name, namespace: init.namespace, labels: init.labels, annotations: init.annotations }),
      ...init.body,
    });
    this.objectName = init.name;
    this.objectNamespace = init.namespace;
  }
}
