/**
 * `dvpc check PATH...`: the same model as synth, from files written by anyone, and the same checks,
 * once per cluster the PATHs hold (SPEC §2): dvpc's output root is several clusters and a hand-off.
 */
import { readingSession } from '../read/yaml.ts';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterModel } from '../model/cluster-model.ts';
import { loadInventory } from '../inventory/load.ts';
import type { Inventory } from '../inventory/types.ts';
import { CODES } from '../core/codes.ts';
import { UsageError } from '../core/errors.ts';
import { fileDiagnostic, type Diagnostic } from '../core/diagnostic.ts';
import type { Resource } from '../core/resource.ts';
import { mergeReports, runChecks, skippedCodes, type Report } from '../check/index.ts';
import type { KustomizationInput } from '../read/kustomize-inputs.ts';
import { pairClusters, readClusters, readClustersAtRef, type ClusterInput } from './clusters.ts';
import type { CheckOptions } from './resources.ts';

export type { CheckOptions };

/** One cluster of the input (or one part of the hand-off) with everything it is checked against. */
export interface ClusterState {
  readonly name: string;
  readonly handoff: boolean;
  readonly resources: Resource[];
  /** The desired state's kustomization files (the baseline's are history): checked with the model. */
  readonly kustomizations: readonly KustomizationInput[];
  readonly files: number;
  /** The previous state, when a baseline was given. */
  readonly baseline: Resource[] | undefined;
  readonly inventory: Inventory | undefined;
  /** Problems reading the input, the inventory or the baseline, and a missing required inventory. */
  readonly diagnostics: Diagnostic[];
}

export interface ClusterReport {
  readonly cluster: string;
  readonly handoff: boolean;
  readonly report: Report;
}

function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/**
 * The inventory of each cluster. One folder serves one cluster; for several clusters it must hold
 * a subfolder per cluster (`DIR/<cluster>/`), since one cluster's nodes and subnets say nothing
 * about another's.
 */
function inventories(clusters: readonly string[], dir: string | undefined): (cluster: string) => Inventory | undefined {
  if (dir === undefined) return () => undefined;
  const perCluster = clusters.length > 1 && clusters.some((c) => isDir(join(dir, c)));
  if (clusters.length > 1 && !perCluster) {
    throw new UsageError(`--inventory ${dir} is one cluster's inventory, but the input holds ${clusters.length} clusters (${clusters.slice(0, 5).join(', ')}${clusters.length > 5 ? ', …' : ''}): check each cluster folder with its own inventory, or give a folder with one inventory per cluster (${join(dir, clusters[0] as string)}/, ...)`);
  }
  const cache = new Map<string, Inventory>();
  return (cluster) => {
    const folder = perCluster ? join(dir, cluster) : dir;
    if (perCluster && !isDir(folder)) return undefined;
    let inv = cache.get(folder);
    if (!inv) {
      inv = loadInventory(folder);
      cache.set(folder, inv);
    }
    return inv;
  };
}

/**
 * With `--require-inventory` (or a Cluster's `requireInventory`), a cluster checked without nodes
 * to check against is an error: CI must not silently lose the checks that need them.
 */
export function missingInventory(cluster: string, inventory: Inventory | undefined, constructPath?: string): Diagnostic | undefined {
  if (inventory && inventory.nodes.length > 0) return undefined;
  const codes = skippedCodes(false, true).filter((c) => CODES[c]?.needs === 'inventory');
  const why = inventory ? `its inventory ${inventory.dir} holds no Node` : 'it has no inventory';
  const d = fileDiagnostic('DVP002', inventory?.dir, undefined, `cluster ${cluster} requires an inventory, but ${why}: the ${codes.length} checks that need one (${codes.join(', ')}) cannot run`, 'give the cluster its inventory (what kubectl get nodes,storageclasses,... -o yaml prints; see the README\'s Inventory section)');
  return constructPath === undefined ? d : { ...d, path: 'inventory', constructPath };
}

/** The clusters of the PATHs, each paired with its baseline and inventory. */
export function clusterStates(paths: readonly string[], options: CheckOptions = {}): ClusterState[] {
  const namespace = options.namespace ?? 'default';
  // One reading session: with a baseline, its documents that equal the desired ones are parsed
  // once and share their bodies (the baseline checks and the diff then skip them at once).
  const withBaseline = options.baseline !== undefined || options.baselineRef !== undefined;
  const { desired, baseline } = readingSession(() => {
    const now = readClusters(paths, namespace, options.stdin);
    let before: ClusterInput[] | undefined;
    if (options.baseline !== undefined) before = readClusters([options.baseline], namespace);
    else if (options.baselineRef !== undefined) before = readClustersAtRef(options.baselineRef, paths, namespace);
    return { desired: now, baseline: before };
  }, { documents: withBaseline });
  const pairs = pairClusters(desired, baseline);
  const inventoryOf = inventories(pairs.filter((p) => !p.desired.handoff).map((p) => p.desired.name), options.inventory);
  return pairs.map(({ desired: d, baseline: b }) => {
    const inventory = d.handoff ? undefined : inventoryOf(d.name);
    const diagnostics = [...d.diagnostics, ...(inventory?.diagnostics ?? []), ...(b?.diagnostics ?? [])];
    const missing = options.requireInventory && !d.handoff ? missingInventory(d.name, inventory) : undefined;
    if (missing) diagnostics.push(missing);
    return { name: d.name, handoff: d.handoff, resources: d.resources, kustomizations: d.kustomizations, files: d.files, baseline: b?.resources, inventory, diagnostics };
  });
}

/** Checks each cluster of the PATHs on its own; the hand-off objects as what they are. */
export function checkClusters(paths: readonly string[], options: CheckOptions & { readonly onProgress?: (step: string) => void } = {}): ClusterReport[] {
  options.onProgress?.('reading the manifests');
  const states = clusterStates(paths, options);
  return states.map((s) => {
    options.onProgress?.(`checking ${s.handoff ? 'the hand-off' : 'cluster'} ${s.name}: ${s.resources.length} objects`);
    const model = new ClusterModel(s.resources, { inventory: s.inventory, baseline: s.baseline, files: s.files, edition: options.edition, kustomizations: s.kustomizations });
    const report = runChecks(model, options.allow, s.diagnostics);
    // The hand-off has no inventory or baseline checks to skip.
    return { cluster: s.name, handoff: s.handoff, report: s.handoff ? { ...report, summary: { ...report.summary, skipped: [] } } : report };
  });
}

/** Every cluster of the PATHs checked, as one report. */
export function checkPaths(paths: readonly string[], options: CheckOptions & { readonly onProgress?: (step: string) => void } = {}): Report {
  return mergeReports(checkClusters(paths, options).map((c) => c.report));
}
