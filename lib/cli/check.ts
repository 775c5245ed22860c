/**
 * The YAML front door: `dvpc check PATH...` builds the same model as synth, from files written
 * by anyone, and runs the same checks.
 */
import { loadManifests } from '../front/yaml-loader.ts';
import { toResource, type Resource } from '../model/resource.ts';
import { ClusterModel } from '../model/cluster-model.ts';
import { loadInventory } from '../inventory/load.ts';
import { runChecks, type Report } from '../check/index.ts';
import type { Diagnostic } from '../check/diagnostic.ts';

export interface CheckOptions {
  readonly inventory?: string | undefined;
  readonly baseline?: string | undefined;
  /** Namespace of namespaced objects that name none. */
  readonly namespace?: string;
  readonly allow?: ReadonlySet<string>;
}

/** Objects of files and folders as Resources, with the problems reading them. */
export function loadResources(paths: readonly string[], namespace: string): { resources: Resource[]; diagnostics: Diagnostic[]; files: number } {
  const loaded = loadManifests(paths);
  return {
    resources: loaded.objects.map((o) => toResource(o.body, o.origin, namespace)),
    diagnostics: loaded.diagnostics,
    files: loaded.files,
  };
}

export function checkPaths(paths: readonly string[], options: CheckOptions = {}): Report {
  const namespace = options.namespace ?? 'default';
  const input = loadResources(paths, namespace);
  const inventory = options.inventory !== undefined ? loadInventory(options.inventory) : undefined;
  const baseline = options.baseline !== undefined ? loadResources([options.baseline], namespace) : undefined;
  const model = new ClusterModel(input.resources, { inventory, baseline: baseline?.resources, files: input.files });
  const extra = [...input.diagnostics, ...(inventory?.diagnostics ?? []), ...(baseline?.diagnostics ?? [])];
  return runChecks(model, options.allow, extra);
}
