/**
 * What every dvpc construct shares: explicit names, the namespace of the enclosing project, and
 * eager validation of what is knowable in the constructor (schema, CEL rules, names), which
 * throws a DvpcError naming the construct path and the field.
 */
import { ApiObject } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';
import type { z } from 'zod';
import { DvpcError } from '../errors.ts';
import { schemaProblems } from '../schema/issues.ts';
import { nameProblems } from '../schema/names.ts';
import { formatPath } from '../model/resource.ts';

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

/** Throws DVP003 when a name breaks the rules of its kind. */
export function checkName(scope: IConstruct, kind: string, name: string): void {
  const problems = nameProblems(kind, name);
  if (problems.length > 0) {
    throw new DvpcError('DVP003', problems.join('; '), 'use lower-case letters, digits and "-" (for example "cpu-x" instead of "cpuX")', scope.node.path, 'metadata.name');
  }
}

/**
 * Validates an object body against its schema and throws DVP002 with every problem, each naming
 * the field. Returns the parsed (defaulted) value.
 */
export function validateBody<S extends z.ZodType>(scope: IConstruct, schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = schemaProblems(result.error, body);
  const first = problems[0];
  // The first problem's field is the error's field; further problems are listed with theirs.
  const message = [first?.message ?? 'invalid', ...problems.slice(1).map((p) => `${formatPath(p.path)}: ${p.message}`)].join('; ');
  throw new DvpcError('DVP002', message, 'change the props so that the object fits the CRD schema', scope.node.path, first ? formatPath(first.path) : undefined);
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
