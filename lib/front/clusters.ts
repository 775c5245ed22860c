/**
 * Which cluster each input file belongs to (SPEC §2). A PATH is read relative to its own root,
 * never by the folders above it (a checkout under `/home/me/gitops/` is not a hand-off folder):
 *
 *   PATH/<c>/cluster/..., PATH/<c>/namespaces/...  dvpc's output root: each <c> is a cluster, and
 *                                                 PATH/gitops/ holds the GitOps hand-off
 *   PATH/cluster/..., PATH/namespaces/...          one cluster folder, named after PATH
 *   anything else (a flat folder, files)          one cluster's desired state
 *
 * The hand-off is split as it is applied: `gitops/flux/<c>/` goes to cluster <c>'s Flux, the rest
 * (`gitops/argocd/`) to one Argo CD. With a baseline, one desired cluster against one baseline
 * cluster is the same cluster whatever the folders are called; several are matched by name.
 */
import { basename, extname, relative, resolve, sep } from 'node:path';
import { append } from '../core/append.ts';
import { toResource, type Resource } from '../core/resource.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { loadManifests } from '../read/files.ts';
import { listInputs, type KustomizationInput } from '../read/kustomize-inputs.ts';
import { loadFromGit } from '../read/git.ts';
import type { LoadedObject } from '../read/yaml.ts';
import type { StdinText } from '../read/stdin.ts';
import { loadResources } from './resources.ts';

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

/** A file of dvpc's cluster folder: `cluster/<file>`, `namespaces/<ns>/[<shard>/]<file>`. */
const IN_CLUSTER = /^(?:cluster\/[^/]+|namespaces\/[^/]+\/.+)$/;
/** A file of dvpc's output root: the same one level down, or the hand-off. */
const IN_ROOT = /^(?:[^/]+\/(?:cluster\/[^/]+|namespaces\/[^/]+\/.+)|gitops\/.+)$/;
const HANDOFF = /^(?:argocd|flux)\//;

/** Where a file belongs, from its path relative to its PATH (`/`-separated). */
type Placement = { name: string; handoff: boolean; named: boolean; fromRoot: boolean };

/** How a PATH's files are laid out, from their paths relative to it. */
function placer(rootName: string, rels: readonly string[]): (rel: string) => Placement {
  // Whichever reading more files fit: a cluster named "cluster", or a namespace named "cluster",
  // fits both patterns for its own files only.
  const asCluster = rels.filter((r) => IN_CLUSTER.test(r)).length;
  const asRoot = rels.filter((r) => IN_ROOT.test(r)).length;
  if (asCluster > 0 && asCluster >= asRoot) return () => ({ name: rootName, handoff: false, named: true, fromRoot: false });
  if (asRoot > 0) {
    return (rel) => {
      const parts = rel.split('/');
      if (parts.length === 1) return { name: rootName, handoff: false, named: false, fromRoot: true };
      if (parts[0] === 'gitops') return { name: handoffName(parts.slice(1)), handoff: true, named: true, fromRoot: true };
      return { name: parts[0] as string, handoff: false, named: true, fromRoot: true };
    };
  }
  // The hand-off folder given on its own.
  if (rootName === 'gitops' && rels.length > 0 && rels.every((r) => HANDOFF.test(r))) {
    return (rel) => ({ name: handoffName(rel.split('/')), handoff: true, named: true, fromRoot: false });
  }
  return () => ({ name: rootName, handoff: false, named: false, fromRoot: false });
}

/** `flux/<cluster>/...` is applied to that cluster; everything else of the hand-off to one place. */
function handoffName(parts: readonly string[]): string {
  if (parts[0] === 'flux' && parts.length > 2) return `gitops/flux/${parts[1]}`;
  return parts.length > 1 ? `gitops/${parts[0]}` : 'gitops';
}

function nameOf(path: string, isFile: boolean): string {
  const base = basename(resolve(path));
  return isFile ? base.slice(0, base.length - extname(base).length) : base;
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

/**
 * One PATH of the working tree: its files listed once, placed, and read unit by unit. A file that
 * only a kustomization lists goes where that kustomization goes: kustomize builds it there.
 * `roots` are all the PATHs: what a kustomization lists may lie in any of them.
 */
function unitsOfPath(path: string, namespace: string, seen: Set<string>, stdin: StdinText | undefined, roots: readonly string[]): Unit[] {
  if (path === '-') {
    // Standard input (read by the command line) is one flat stream of documents.
    const loaded = loadResources([path], namespace, stdin);
    return [{ name: 'stdin', handoff: false, named: false, fromRoot: false, resources: loaded.resources, diagnostics: loaded.diagnostics, files: loaded.files, kustomizations: [] }];
  }
  const listing: Diagnostic[] = [];
  const root = resolve(path);
  const inputs = listInputs([path], listing, roots);
  const files = inputs.files.filter((f) => {
    const key = resolve(f.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const relOf = (p: string) => relative(root, resolve(p)).split(sep).join('/');
  const isFile = files.length === 1 && resolve(files[0]?.path as string) === root;
  const rels = files.map((f) => relOf(f.listedBy ?? f.path));
  const place = placer(nameOf(path, isFile), rels);
  const units: Unit[] = [];
  const byUnit = group(files.map((f, i) => ({ f: f.path, rel: rels[i] as string })), (x) => place(x.rel));
  // A kustomization file named by two PATHs is followed once, like it is read once.
  const kept = new Set(files.map((f) => resolve(f.path)));
  const kustomizations = group(inputs.kustomizations.filter((k) => kept.has(resolve(k.file))), (k) => place(relOf(k.file)));
  for (const [key, { placement, items }] of byUnit) {
    const loaded = loadManifests(items.map((x) => x.f));
    units.push({ ...placement, resources: loaded.objects.map((o) => toResource(o.body, o.origin, namespace)), diagnostics: loaded.diagnostics, files: loaded.files, kustomizations: kustomizations.get(key)?.items ?? [] });
  }
  if (units.length === 0) units.push({ ...place(''), resources: [], diagnostics: [], files: 0, kustomizations: [] });
  // A file named by two PATHs (a folder and a file in it) is reported once, like it is read once.
  const fresh = listing.filter((d) => {
    const key = `!${d.file ?? ''}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  append((units[0] as Unit).diagnostics, fresh);
  return units;
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

/** The clusters (and hand-off parts) of the PATHs as they are now. */
export function readClusters(paths: readonly string[], namespace: string, stdin?: StdinText): ClusterInput[] {
  const seen = new Set<string>();
  const roots = paths.filter((p) => p !== '-');
  return combine(paths.flatMap((p) => unitsOfPath(p, namespace, seen, stdin, roots)));
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
