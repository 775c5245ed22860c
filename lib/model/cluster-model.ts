/**
 * One cluster's desired state: its objects indexed by kind, namespace and name, each parsed once
 * against its schema, plus what the cluster already is (the inventory) and what it was (the
 * baseline). Both front doors build this; every check is a pure function of it.
 */
import type { z } from 'zod';
import { schemaFor } from '../schema/index.ts';
import { schemaProblems, type SchemaProblem } from '../schema/issues.ts';
import type { Edition, Inventory } from '../inventory/types.ts';
import { compareObjects, groupOf } from '../core/kinds.ts';
import type { Resource } from '../core/resource.ts';
import { normalizePolicies, type Policy, type RawPolicy } from './sizing.ts';
import { GENERIC_CLASS_NAME, genericClassManifest } from './builtin.ts';
import type { ModuleConfigObject, VirtualizationSettings } from '../schema/module-config.ts';
import type { ClassCpu } from '../schema/vm-class.ts';
import type { NodeLabelSelector, Toleration } from '../schema/common.ts';
import { DEFAULT_CLASS_ANNOTATION } from '../schema/vm-class.ts';
import type { KustomizationInput } from '../read/kustomize-inputs.ts';

export type Parsed =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problems: readonly SchemaProblem[] };

/** A class as the checks see it, whether it comes from the manifests, the inventory or the module. */
export interface ClassInfo {
  readonly name: string;
  readonly source: 'manifest' | 'inventory' | 'builtin';
  /** The object, except for the built-in `generic`. */
  readonly resource: Resource | undefined;
  /** Whether the object fits its schema; an invalid class still exists but is not evaluated. */
  readonly valid: boolean;
  readonly cpu: ClassCpu | undefined;
  readonly nodeSelector: NodeLabelSelector | undefined;
  readonly tolerations: readonly Toleration[];
  readonly policies: readonly Policy[];
  /** The value of the default-class annotation, if present. */
  readonly defaultAnnotation: string | undefined;
}

export interface ModelOptions {
  readonly inventory?: Inventory | undefined;
  /** The previous state's objects (`--baseline`), for the DVP6xx checks. */
  readonly baseline?: readonly Resource[] | undefined;
  /** Number of input files, for the report's summary. */
  readonly files?: number;
  /** The module's edition when the user says it (Cluster `edition`, `--edition`); see model/edition.ts. */
  readonly edition?: Edition | undefined;
  /** The kustomization files of the input (`dvpc check`): what kustomize would add to the objects. */
  readonly kustomizations?: readonly KustomizationInput[] | undefined;
}

interface ClassSpecShape {
  cpu?: ClassCpu;
  nodeSelector?: NodeLabelSelector;
  tolerations?: Toleration[];
  sizingPolicies?: RawPolicy[];
}

export class ClusterModel {
  /** Every object in dvpc's order (kind rank, namespace, name); duplicates keep input order. */
  readonly resources: readonly Resource[];
  readonly inventory: Inventory | undefined;
  readonly baseline: readonly Resource[] | undefined;
  readonly files: number;
  readonly kustomizations: readonly KustomizationInput[];
  readonly edition: Edition | undefined;
  /** The first definition of each object by group, kind, namespace and name (no key strings to build). */
  private readonly byName = new Map<string, Map<string, Map<string, Map<string, Resource>>>>();
  private readonly byKind = new Map<string, Resource[]>();
  /**
   * Parsed objects by body: what a body parses to depends on the body alone (bodies are never
   * mutated), so a baseline model shares this cache, and an unchanged object is parsed once.
   */
  private readonly parsedCache: Map<object, Parsed | undefined>;
  private classCache: Map<string, ClassInfo> | undefined;
  private baselineCache: ClusterModel | undefined;

  constructor(resources: readonly Resource[], options: ModelOptions = {}, parsedCache: Map<object, Parsed | undefined> = new Map()) {
    this.parsedCache = parsedCache;
    this.resources = [...resources].sort(compareObjects);
    this.inventory = options.inventory;
    this.baseline = options.baseline;
    this.files = options.files ?? 0;
    this.kustomizations = options.kustomizations ?? [];
    this.edition = options.edition;
    for (const r of this.resources) {
      const group = groupOf(r.apiVersion);
      let kinds = this.byName.get(group);
      if (!kinds) this.byName.set(group, (kinds = new Map()));
      let namespaces = kinds.get(r.kind);
      if (!namespaces) kinds.set(r.kind, (namespaces = new Map()));
      let names = namespaces.get(r.namespace ?? '');
      if (!names) namespaces.set(r.namespace ?? '', (names = new Map()));
      if (!names.has(r.name)) names.set(r.name, r);
      const list = this.byKind.get(r.kind);
      if (list) list.push(r);
      else this.byKind.set(r.kind, [r]);
    }
  }

  /** The previous state as a model of its own (parsed with the same schemas), or undefined. */
  baselineModel(): ClusterModel | undefined {
    if (!this.baseline) return undefined;
    this.baselineCache ??= new ClusterModel(this.baseline, { inventory: this.inventory }, this.parsedCache);
    return this.baselineCache;
  }

  /** The first definition of an object (a second one is DVP004). */
  find(kind: string, namespace: string | undefined, name: string, group = 'virtualization.deckhouse.io'): Resource | undefined {
    return this.byName.get(group)?.get(kind)?.get(namespace ?? '')?.get(name);
  }

  /**
   * The first definition of the object that `r` defines (same group, kind, namespace and name),
   * in this model: `r` itself unless it is a duplicate (DVP004), or its counterpart in another state.
   */
  firstDefinition(r: Pick<Resource, 'apiVersion' | 'kind' | 'namespace' | 'name'>): Resource | undefined {
    return this.find(r.kind, r.namespace, r.name, groupOf(r.apiVersion));
  }

  /** Every object of a kind, in dvpc's order. */
  ofKind(kind: string): readonly Resource[] {
    return this.byKind.get(kind) ?? [];
  }

  /** The object checked against its schema (once), or undefined for kinds dvpc does not model. */
  parse(r: Resource): Parsed | undefined {
    if (this.parsedCache.has(r.body)) return this.parsedCache.get(r.body);
    // Only the virtualization module's settings are modelled; other modules' ModuleConfigs pass through.
    const schema = r.kind === 'ModuleConfig' && r.name !== 'virtualization' ? undefined : schemaFor(r.apiVersion, r.kind);
    let parsed: Parsed | undefined;
    if (schema) {
      const result = (schema as z.ZodType).safeParse(r.body);
      parsed = result.success ? { ok: true, value: result.data } : { ok: false, problems: schemaProblems(result.error, r.body) };
    }
    this.parsedCache.set(r.body, parsed);
    return parsed;
  }

  /** The parsed value when the object fits its schema, else undefined. */
  valid<T>(r: Resource): T | undefined {
    const p = this.parse(r);
    return p?.ok ? (p.value as T) : undefined;
  }

  /** The desired ModuleConfig `virtualization` (the first one) and its parsed value when valid. */
  moduleConfig(): { resource: Resource; value: ModuleConfigObject | undefined } | undefined {
    const r = this.ofKind('ModuleConfig').find((m) => m.name === 'virtualization' && m.apiVersion.startsWith('deckhouse.io/'));
    return r ? { resource: r, value: this.valid<ModuleConfigObject>(r) } : undefined;
  }

  /**
   * The module settings the cluster will run with: the manifests' ModuleConfig, else the live one
   * of the inventory. Undefined when neither is known (checks that need them are then silent).
   */
  settings(): { resource: Resource; settings: VirtualizationSettings; source: 'manifest' | 'inventory' } | undefined {
    const desired = this.moduleConfig();
    if (desired) {
      const settings = desired.value?.spec.settings;
      return settings ? { resource: desired.resource, settings, source: 'manifest' } : undefined;
    }
    const live = this.inventory?.moduleConfig;
    const settings = live ? this.valid<ModuleConfigObject>(live)?.spec.settings : undefined;
    return live && settings ? { resource: live, settings, source: 'inventory' } : undefined;
  }

  /**
   * Every class the VMs can name: the manifests', then the inventory's (a manifest class of the
   * same name replaces it), and the module's built-in `generic` when the inventory lists none.
   */
  classes(): ReadonlyMap<string, ClassInfo> {
    if (this.classCache) return this.classCache;
    const out = new Map<string, ClassInfo>();
    const add = (r: Resource, source: 'manifest' | 'inventory') => {
      if (out.has(r.name)) return;
      const spec = this.valid<{ spec: ClassSpecShape }>(r)?.spec;
      const annotations = (r.body['metadata'] as { annotations?: Record<string, unknown> } | undefined)?.annotations;
      const ann = annotations?.[DEFAULT_CLASS_ANNOTATION];
      out.set(r.name, {
        name: r.name,
        source,
        resource: r,
        valid: spec !== undefined,
        cpu: spec?.cpu,
        nodeSelector: spec?.nodeSelector,
        tolerations: spec?.tolerations ?? [],
        policies: normalizePolicies(spec?.sizingPolicies),
        defaultAnnotation: typeof ann === 'string' ? ann : ann === undefined ? undefined : String(ann),
      });
    };
    for (const r of this.ofKind('VirtualMachineClass')) add(r, 'manifest');
    for (const r of this.inventory?.classes ?? []) add(r, 'inventory');
    if ((this.inventory?.classes.length ?? 0) === 0 && !out.has(GENERIC_CLASS_NAME)) {
      const body = genericClassManifest() as { spec: ClassSpecShape };
      out.set(GENERIC_CLASS_NAME, {
        name: GENERIC_CLASS_NAME,
        source: 'builtin',
        resource: undefined,
        valid: true,
        cpu: body.spec.cpu,
        nodeSelector: undefined,
        tolerations: [],
        policies: normalizePolicies(body.spec.sizingPolicies),
        defaultAnnotation: undefined,
      });
    }
    this.classCache = out;
    return out;
  }
}
