/**
 * One Cluster compiled: its objects rendered (with dvpc's annotations), placed into files,
 * modelled and checked. This is the one path from constructs to diagnostics: `dvpc synth`
 * (lib/synth.ts) and `app.synth()` (the Cluster's cdk8s validation) both come here, and build the
 * same ClusterModel that `dvpc check` builds from YAML.
 */
import { runChecks, type Report } from '../check/index.ts';
import { constructDiagnostic, type Diagnostic } from '../core/diagnostic.ts';
import type { Resource } from '../core/resource.ts';
import type { Inventory } from '../inventory/types.ts';
import { ClusterModel } from '../model/cluster-model.ts';
import { placeCluster, type CollectedObject } from '../render/cluster-files.ts';
import { problemsIn } from './base.ts';
import { missingInventory } from '../front/check-paths.ts';
import type { Cluster } from './cluster.ts';

/** Milliseconds spent per phase, summed over clusters (the benchmark reports them). */
export interface SynthPhases {
  /** Construct tree → objects (rendered directly, with dvpc's annotations). */
  collect: number;
  /** Layout into folders and files, and YAML serialization. */
  serialize: number;
  /** The model: indexes and the schema parse of every object. */
  model: number;
  /** Every check. */
  checks: number;
  /** Writing and swapping the output folder. */
  write: number;
}

export function newPhases(): SynthPhases {
  return { collect: 0, serialize: 0, model: 0, checks: 0, write: 0 };
}

/** A cluster's previous state: its objects, and what went wrong reading them. */
export interface Baseline {
  readonly resources: Resource[];
  readonly diagnostics: Diagnostic[];
}

export interface CompileOptions {
  /** The output folder as diagnostics name it. */
  readonly outdirShown: string;
  /** Whether to write the YAML text of every file (`app.synth()` writes its own). */
  readonly emit: boolean;
  readonly inventory?: Inventory | undefined;
  readonly baseline?: Baseline | undefined;
  /** Codes whose errors become warnings for this run. */
  readonly allow?: ReadonlySet<string> | undefined;
  readonly phases?: SynthPhases | undefined;
  /** The module's edition when the Cluster does not say (`--edition`). */
  readonly edition?: 'CE' | 'EE' | undefined;
}

export interface CompiledCluster {
  /** Every file's YAML by path relative to the output folder (empty unless `emit`). */
  readonly files: Map<string, string>;
  readonly model: ClusterModel;
  readonly report: Report;
  /** Which folders each folder's objects reference (for Flux dependsOn between folders). */
  readonly references: Map<string, string[]>;
}

/** Renders a cluster's objects (throws a DvpcError when one cannot render). */
export function collectCluster(cluster: Cluster, phases: SynthPhases = newPhases()): CollectedObject[] {
  const t = performance.now();
  const objects = cluster.rendering.render();
  phases.collect += performance.now() - t;
  return objects;
}

/** Places, models and checks a cluster's rendered objects. */
export function checkCollected(cluster: Cluster, objects: readonly CollectedObject[], options: CompileOptions): CompiledCluster {
  const phases = options.phases ?? newPhases();
  let t = performance.now();
  const placed = placeCluster(objects, { clusterName: cluster.clusterName, outdirShown: options.outdirShown, emit: options.emit });
  phases.serialize += performance.now() - t;
  t = performance.now();
  const model = new ClusterModel(placed.resources, { inventory: options.inventory, files: placed.fileCount, baseline: options.baseline?.resources, edition: cluster.edition ?? options.edition });
  // Parse every object now, so that the model's cost is counted here and not in the first check.
  for (const r of model.resources) model.parse(r);
  phases.model += performance.now() - t;
  t = performance.now();
  // Problems constructors recorded inside this cluster are reported with its checks' findings.
  const extra = [
    ...placed.unplaceable,
    ...problemsIn(cluster, cluster).map(constructDiagnostic),
    ...(options.inventory?.diagnostics ?? []),
    ...(options.baseline?.diagnostics ?? []),
  ];
  const missing = cluster.requireInventory ? missingInventory(cluster.clusterName, options.inventory, cluster.node.path) : undefined;
  if (missing) extra.push(missing);
  const report = runChecks(model, options.allow, extra);
  phases.checks += performance.now() - t;
  return { files: placed.files, model, report, references: placed.references };
}

/** Renders, places, models and checks one cluster. */
export function compileCluster(cluster: Cluster, options: CompileOptions): CompiledCluster {
  return checkCollected(cluster, collectCluster(cluster, options.phases), options);
}
