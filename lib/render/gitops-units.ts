/**
 * The units of a cluster that Argo CD and Flux apply: one per folder dvpc wrote (`cluster/`,
 * `namespaces/<ns>/`, and a large project's `common/` and `shard-NN/`; SPEC §4 keeps each at or
 * below about 1,000 VMs). Each unit gets one name, used for its Argo CD Application and its Flux
 * Kustomization alike; the order between units is one dependency graph, which Flux reads as
 * `dependsOn` and Argo CD as sync waves of the Applications.
 */
import { createHash } from 'node:crypto';
import { DvpcError } from '../core/errors.ts';

/** One unit: its folder in the cluster, its name, what it waits for, and its wave. */
export interface Unit {
  /** Folder relative to the cluster's folder, e.g. `namespaces/web/shard-03`. */
  readonly folder: string;
  /** The Application's and the Kustomization's name. */
  readonly name: string;
  /** Folders this one is applied after. */
  readonly dependsOn: readonly string[];
  /** Its place in the apply order: 0 for units that wait for nothing. */
  readonly wave: number;
}

/** Names end up in label values (Argo CD's app.kubernetes.io/instance, Flux's kustomize.toolkit.fluxcd.io/name). */
const MAX_NAME = 63;

/**
 * A unit's name: the cluster and the folder joined by dots, `namespaces` shortened to `ns`:
 * `prod.cluster`, `prod.ns.web`, `prod.ns.web.common`, `prod.ns.web.shard-03`. Cluster names,
 * namespaces and dvpc's folder names are DNS labels, which hold no dot, so the name of every
 * folder of every cluster differs from every other (the flat `a-common` and the sharded
 * `a/common` give `ns.a-common` and `ns.a.common`). A name longer than a label value may be is
 * cut and ends in 16 hex digits of a hash of the whole name.
 */
export function unitName(cluster: string, folder: string): string {
  const parts = folder.split('/');
  if (parts[0] === 'namespaces') parts[0] = 'ns';
  const full = [cluster, ...parts].join('.');
  if (full.length <= MAX_NAME) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 16);
  return `${full.slice(0, MAX_NAME - hash.length - 1).replace(/[.-]+$/, '')}-${hash}`;
}

/** Whether adding `from → to` (from waits for to) would close a cycle. */
function reaches(edges: ReadonlyMap<string, Set<string>>, start: string, goal: string): boolean {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const f = stack.pop() as string;
    if (f === goal) return true;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const n of edges.get(f) ?? []) stack.push(n);
  }
  return false;
}

/**
 * What each folder of a cluster is applied after. THE SEAM for apply order between folders:
 * `references` (folder → folders it must follow, derived from the objects' references, e.g. a
 * ClusterVirtualImage in `cluster/` made from a disk of `namespaces/a/`) come first; then dvpc's
 * defaults: every folder after `cluster/` (module settings and classes), a shard after its
 * project's `common/`. An edge that would close a cycle is left out (a default gives way to a
 * reference), so Flux never waits forever; what is left out is only an ordering, which the
 * objects' own reconciliation catches up with.
 */
export function folderDependencies(folders: readonly string[], references: ReadonlyMap<string, readonly string[]> = new Map()): Map<string, string[]> {
  const sorted = [...new Set(folders)].sort();
  const present = new Set(sorted);
  const edges = new Map<string, Set<string>>(sorted.map((f) => [f, new Set<string>()]));
  const add = (from: string, to: string) => {
    if (from === to || !present.has(from) || !present.has(to)) return;
    if (reaches(edges, to, from)) return;
    edges.get(from)?.add(to);
  };
  for (const from of [...references.keys()].sort()) for (const to of [...(references.get(from) ?? [])].sort()) add(from, to);
  for (const f of sorted) {
    if (f !== 'cluster') add(f, 'cluster');
    const shard = /^(namespaces\/[^/]+)\/shard-[0-9]+$/.exec(f);
    if (shard) add(f, `${shard[1]}/common`);
  }
  return new Map(sorted.map((f) => [f, [...(edges.get(f) ?? [])].sort()]));
}

/** A cluster's units: names, dependencies, and waves (the longest chain of dependencies before each). */
export function clusterUnits(cluster: string, folders: readonly string[], references?: ReadonlyMap<string, readonly string[]>): Unit[] {
  const deps = folderDependencies(folders, references);
  const waves = new Map<string, number>();
  const waveOf = (f: string): number => {
    const known = waves.get(f);
    if (known !== undefined) return known;
    // The graph has no cycle (folderDependencies leaves them out), so this ends.
    const w = Math.max(-1, ...(deps.get(f) ?? []).map(waveOf)) + 1;
    waves.set(f, w);
    return w;
  };
  return [...deps.keys()].map((folder) => ({ folder, name: unitName(cluster, folder), dependsOn: deps.get(folder) ?? [], wave: waveOf(folder) }));
}

/** Every unit of every cluster; two units of one name (a hash collision) are refused, never rendered. */
export function fleetUnits(clusters: ReadonlyMap<string, readonly string[]>, references?: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>): Map<string, Unit[]> {
  const out = new Map<string, Unit[]>();
  const owner = new Map<string, string>();
  for (const cluster of [...clusters.keys()].sort()) {
    const units = clusterUnits(cluster, clusters.get(cluster) ?? [], references?.get(cluster));
    for (const u of units) {
      const where = `${cluster}/${u.folder}`;
      const earlier = owner.get(u.name);
      if (earlier !== undefined) throw new DvpcError('DVP004', `the GitOps units ${earlier} and ${where} would both be named "${u.name}"`, 'rename one of the clusters or namespaces');
      owner.set(u.name, where);
    }
    out.set(cluster, units);
  }
  return out;
}
