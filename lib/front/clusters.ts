/**
 * Which cluster each input file belongs to (SPEC §2): the layout of a PATH is layout.ts's, the
 * working tree's files and kustomizations are placed by tree.ts. With a baseline, one desired
 * cluster against one baseline cluster is the same cluster whatever the folders are called;
 * several are matched by name.
 */
import { toResource, type Resource } from '../core/resource.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { loadManifests } from '../read/files.ts';
import type { KustomizationInput } from '../read/kustomize-inputs.ts';
import { loadFromGit } from '../read/git.ts';
import { readingSession, type LoadedObject } from '../read/yaml.ts';
import type { StdinText } from '../read/stdin.ts';
import { loadResources } from './resources.ts';
import { nameOf, placer, type Placement } from './layout.ts';
import { treeUnits } from './tree.ts';

/** The objects of one cluster (or of one part of the hand-off) read from the input. */
export interface ClusterInput {
  /** The cluster's name, or the hand-off folder's (`gitops/argocd`, `gitops/flux/<cluster>`). */
  readonly name: string;
  /** GitOps hand-off objects: checked as such, never as a cluster. */
  readonly handoff: boolean;
  readonly resources: Resource[];
  /** Problems reading its files (DVP001). */
  readonly diagnostics: Diagnostic[];
  readonly files: number;
  /** Read from dvpc's output root: the input holds every cluster, so one missing was removed. */
  readonly fromRoot: boolean;
  /** Its kustomization files, with what they list and generate (checked for the desired state). */
  readonly kustomizations: readonly KustomizationInput[];
}

/** A unit of one PATH, before PATHs are put together. */
interface Unit extends ClusterInput {
  /** Named by dvpc's layout (a cluster folder); false for a flat folder or files, which join others. */
  readonly named: boolean;
}

function group<T>(items: readonly T[], key: (t: T) => Placement): Map<string, { placement: Placement; items: T[] }> {
  const out = new Map<string, { placement: Placement; items: T[] }>();
  for (const item of items) {
    const p = key(item);
    const k = `${p.handoff}|${p.name}`;
    const g = out.get(k);
    if (g) g.items.push(item);
    else out.set(k, { placement: p, items: [item] });
  }
  return out;
}

/** One PATH as it is at a git ref, placed the same way relative to the PATH. */
function unitsAtRef(ref: string, path: string, namespace: string): Unit[] {
  const loaded = loadFromGit(ref, path);
  const prefix = `${ref}:`;
  const relOf = (file: string | undefined) => {
    const inRepo = file?.startsWith(prefix) ? file.slice(prefix.length) : (file ?? '');
    return loaded.root === '' ? inRepo : inRepo.slice(loaded.root.length + 1);
  };
  const objects = loaded.objects.map((o) => ({ o, rel: relOf(o.origin.file) }));
  const place = placer(nameOf(path, false), objects.map((x) => x.rel));
  const byUnit = group(objects, (x) => place(x.rel));
  const units: Unit[] = [];
  for (const { placement, items } of byUnit.values()) {
    units.push({ ...placement, resources: items.map(({ o }: { o: LoadedObject }) => toResource(o.body, o.origin, namespace)), diagnostics: [], files: new Set(items.map(({ o }) => o.origin.file)).size, kustomizations: [] });
  }
  if (units.length === 0) units.push({ ...place(''), resources: [], diagnostics: [], files: loaded.files, kustomizations: [] });
  for (const d of loaded.diagnostics) {
    const p = place(relOf(d.file));
    (units.find((u) => u.name === p.name && u.handoff === p.handoff) ?? (units[0] as Unit)).diagnostics.push(d);
  }
  return units;
}

/**
 * Puts the units of several PATHs together: named clusters by name; files and flat folders join
 * the one named cluster when there is exactly one, else they are one cluster of their own.
 */
function combine(units: readonly Unit[]): ClusterInput[] {
  const byKey = new Map<string, Unit>();
  const merge = (key: string, u: Unit) => {
    const had = byKey.get(key);
    byKey.set(key, had ? { ...had, resources: [...had.resources, ...u.resources], diagnostics: [...had.diagnostics, ...u.diagnostics], files: had.files + u.files, fromRoot: had.fromRoot || u.fromRoot, kustomizations: [...had.kustomizations, ...u.kustomizations] } : u);
  };
  for (const u of units) if (u.named) merge(`${u.handoff}|${u.name}`, u);
  const flat = units.filter((u) => !u.named);
  const clusters = [...byKey.values()].filter((u) => !u.handoff);
  const target = clusters.length === 1 ? (clusters[0] as Unit) : flat[0];
  for (const u of flat) if (target) merge(`false|${target.name}`, { ...u, name: target.name });
  return [...byKey.values()].sort((a, b) => Number(a.handoff) - Number(b.handoff) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The clusters (and hand-off parts) of the PATHs as they are now. One reading session: a
 * kustomization is parsed once, whether it is followed or read as a file.
 */
export function readClusters(paths: readonly string[], namespace: string, stdin?: StdinText): ClusterInput[] {
  return readingSession(() => {
    const roots = paths.filter((p) => p !== '-');
    const tree = treeUnits(roots, roots);
    const units: Unit[] = [];
    for (const path of paths) {
      if (path === '-') {
        // Standard input (read by the command line) is one flat stream of documents.
        const loaded = loadResources([path], namespace, stdin);
        units.push({ name: 'stdin', handoff: false, named: false, fromRoot: false, resources: loaded.resources, diagnostics: loaded.diagnostics, files: loaded.files, kustomizations: [] });
        continue;
      }
      for (const t of tree.get(path) ?? []) {
        const loaded = loadManifests(t.files);
        units.push({ ...t.placement, resources: loaded.objects.map((o) => toResource(o.body, o.origin, namespace)), diagnostics: [...loaded.diagnostics, ...t.diagnostics], files: loaded.files, kustomizations: t.kustomizations });
      }
      // A PATH named twice brings its units once.
      tree.delete(path);
    }
    return combine(units);
  });
}

/** The clusters of the PATHs as they are at a git ref (the previous state, for `--baseline-ref`). */
export function readClustersAtRef(ref: string, paths: readonly string[], namespace: string): ClusterInput[] {
  // Standard input has no history in git.
  return combine(paths.filter((p) => p !== '-').flatMap((p) => unitsAtRef(ref, p, namespace)));
}

/** A desired cluster (or hand-off part) with its previous state, when there is a baseline. */
export interface ClusterPair {
  readonly desired: ClusterInput;
  /** Undefined without a baseline; empty for a cluster new in this change. */
  readonly baseline: ClusterInput | undefined;
}

function empty(like: ClusterInput): ClusterInput {
  return { name: like.name, handoff: like.handoff, resources: [], diagnostics: [], files: 0, fromRoot: like.fromRoot, kustomizations: [] };
}

/**
 * Matches each desired cluster with its previous state: one against one whatever their names
 * (`old-prod` against `prod`, a flat folder against dvpc's layout), else by name. When the desired
 * input is a whole output root, a cluster of the baseline that is gone from it is paired with an
 * empty one: all of it is removed. (Checking one cluster folder says nothing about the others.)
 */
export function pairClusters(desired: readonly ClusterInput[], baseline: readonly ClusterInput[] | undefined): ClusterPair[] {
  if (!baseline) return desired.map((d) => ({ desired: d, baseline: undefined }));
  const d = desired.filter((c) => !c.handoff);
  const b = baseline.filter((c) => !c.handoff);
  if (d.length === 1 && b.length === 1) {
    const pairs: ClusterPair[] = [{ desired: d[0] as ClusterInput, baseline: b[0] as ClusterInput }];
    return [...pairs, ...pairByName(desired.filter((c) => c.handoff), baseline.filter((c) => c.handoff))];
  }
  return pairByName(desired, baseline);
}

function pairByName(desired: readonly ClusterInput[], baseline: readonly ClusterInput[]): ClusterPair[] {
  const key = (c: ClusterInput) => `${c.handoff}|${c.name}`;
  const before = new Map(baseline.map((c) => [key(c), c]));
  const pairs: ClusterPair[] = desired.map((c) => ({ desired: c, baseline: before.get(key(c)) ?? empty(c) }));
  const present = new Set(desired.map(key));
  const whole = desired.some((c) => c.fromRoot);
  for (const c of baseline) if (whole && !present.has(key(c))) pairs.push({ desired: empty(c), baseline: c });
  return pairs.sort((a, b) => Number(a.desired.handoff) - Number(b.desired.handoff) || (a.desired.name < b.desired.name ? -1 : a.desired.name > b.desired.name ? 1 : 0));
}
