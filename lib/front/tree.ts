/**
 * The PATHs of the working tree, listed and placed: which cluster each file belongs to, and which
 * kustomization entries lead out of their cluster (SPEC §2, §6 DVP001).
 *
 * A file belongs where it lies, never where the PATH that happened to list it first lies: a file
 * the walk finds belongs to its PATH's layout; a file only a kustomization names belongs to the
 * PATH that really holds it. So `check d/prod d/lab` and `check d/lab d/prod` read the same
 * clusters. kustomize builds what a kustomization lists into that kustomization's build, so an
 * entry that leads into another cluster's folder (or the hand-off) would apply that cluster's
 * objects here, while dvpc checks each cluster on its own: the entry is DVP001, and what only it
 * brought in is not read.
 *
 * Files some kustomization reads as a patch, a generator's input, a plugin configuration or its own
 * configuration (`configurations`, a `replacements` file, `openapi.path`) are not objects (unless a
 * kustomization also lists them as a resource): the checks scan them as what they are.
 */
import { relative, resolve, sep } from 'node:path';
import { realpathSync } from 'node:fs';
import { isInside, type FoundFile } from '../read/files.ts';
import { listInputs, newFollowContext, type Inputs, type KustomizationInput, type Resolved, type Unreachable } from '../read/kustomize-inputs.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { excerpt } from '../core/excerpt.ts';
import { nameOf, placer, unitKey, type Placement } from './layout.ts';

/** One PATH's files and kustomizations, before they are placed. */
interface Listing {
  readonly path: string;
  readonly root: string;
  readonly realRoot: string | undefined;
  readonly inputs: Inputs;
  readonly diagnostics: Diagnostic[];
}

/** A unit of the working tree: the files and kustomizations of one placement, and the PATH that brought it. */
export interface TreeUnit {
  readonly placement: Placement;
  readonly files: string[];
  readonly kustomizations: KustomizationInput[];
  /** Problems listing the PATH (DVP001), on the PATH's first unit. */
  readonly diagnostics: Diagnostic[];
}

function relTo(root: string, p: string): string {
  return relative(root, p).split(sep).join('/');
}

/** The units of the PATHs (not `-`), in the order of the PATHs that bring them. */
export function treeUnits(paths: readonly string[], roots: readonly string[]): Map<string, TreeUnit[]> {
  const context = newFollowContext();
  const listings: Listing[] = paths.map((path) => {
    const diagnostics: Diagnostic[] = [];
    let realRoot: string | undefined;
    try {
      realRoot = realpathSync(path);
    } catch {
      // Reported by the listing.
    }
    return { path, root: resolve(path), realRoot, inputs: listInputs([path], diagnostics, roots, context), diagnostics };
  });

  // The files the walk found, each kept by the first PATH that names it (as before: a PATH
  // inside another is read once).
  const lexical = new Set<string>();
  const real = new Set<string>();
  const plain = listings.map((l) =>
    l.inputs.files.filter((f) => {
      if (f.listedBy !== undefined) return false;
      const key = resolve(f.path);
      if (lexical.has(key)) return false;
      lexical.add(key);
      real.add(f.real);
      return true;
    }),
  );
  const places = listings.map((l, i) => {
    const isFile = l.inputs.files.length === 1 && resolve(l.inputs.files[0]?.path as string) === l.root;
    return placer(nameOf(l.path, isFile), (plain[i] ?? []).map((f) => relTo(l.root, f.path)));
  });
  // Where each file the walk found goes: by its place under its PATH.
  const placed = plain.map((files, i) => files.map((f) => ({ f, p: places[i]?.(relTo(listings[i]?.root as string, f.path)) as Placement })));
  // Where a real path lies: the innermost PATH that really holds it (a folder as a file inside it).
  const placeReal = (p: string, folder: boolean): Placement | undefined => {
    let owner = -1;
    listings.forEach((l, i) => {
      if (l.realRoot !== undefined && isInside(p, l.realRoot) && (owner < 0 || l.realRoot.length > (listings[owner]?.realRoot?.length ?? 0))) owner = i;
    });
    if (owner < 0) return undefined;
    const rel = relTo(listings[owner]?.realRoot as string, p);
    return places[owner]?.(folder ? (rel === '' ? '.' : `${rel}/.`) : rel);
  };
  // A flat folder joins the one named cluster when there is exactly one (as combine does): the
  // same cluster, whichever folder an entry leads to.
  const named = new Set<string>();
  for (const list of placed) for (const { p } of list) if (p.named && !p.handoff) named.add(p.name);
  const only = named.size === 1 ? `false|${[...named][0] as string}` : undefined;
  const key = (p: Placement) => (!p.named && only !== undefined ? only : unitKey(p));

  const excluded = (f: FoundFile) => context.notObjects.has(f.real) && !context.asResource.has(f.real);
  const out = new Map<string, TreeUnit[]>();
  const units = new Map<string, TreeUnit>();
  const unitOf = (p: Placement, path: string): TreeUnit => {
    const k = `${p.handoff}|${p.name}|${p.named}|${p.fromRoot}`;
    let u = units.get(k);
    if (!u) {
      u = { placement: p, files: [], kustomizations: [], diagnostics: [] };
      units.set(k, u);
      const list = out.get(path);
      if (list) list.push(u);
      else out.set(path, [u]);
    }
    return u;
  };
  // A file named by two PATHs (a folder and a file in it) is reported once, like it is read once.
  const reported = new Set<string>();
  listings.forEach((l, i) => {
    // Where each kept file of this PATH goes; files it does not keep have none.
    const placeOf = new Map<string, Placement>();
    for (const { f, p } of placed[i] ?? []) placeOf.set(f.path, p);
    // Files a kustomization brought in, in the order found (a kustomization before what it lists).
    for (const f of l.inputs.files) {
      if (f.listedBy === undefined || lexical.has(resolve(f.path)) || real.has(f.real)) continue;
      const by = placeOf.get(f.listedBy);
      const p = placeReal(f.real, false);
      if (by === undefined || p === undefined || key(p) !== key(by)) continue;
      lexical.add(resolve(f.path));
      real.add(f.real);
      placeOf.set(f.path, p);
    }
    for (const f of l.inputs.files) {
      const p = placeOf.get(f.path);
      if (p !== undefined && !excluded(f)) unitOf(p, l.path).files.push(f.path);
    }
    for (const k of l.inputs.kustomizations) {
      const p = placeOf.get(k.found.path);
      if (p !== undefined) unitOf(p, l.path).kustomizations.push(withCrossings(k, key(p), (r) => placeReal(r.real, r.folder), key));
    }
    const first = out.get(l.path)?.[0] ?? unitOf(places[i]?.('') as Placement, l.path);
    for (const d of l.diagnostics) {
      const k = `${d.file ?? ''}\u0000${d.message}`;
      if (reported.has(k)) continue;
      reported.add(k);
      first.diagnostics.push(d);
    }
  });
  return out;
}

/** A kustomization with its entries that lead into another cluster (or the hand-off) recorded as unreachable. */
function withCrossings(k: KustomizationInput, own: string, placeOf: (r: Resolved) => Placement | undefined, key: (p: Placement) => string): KustomizationInput {
  const crossings: Unreachable[] = [];
  for (const r of k.resolved) {
    const p = placeOf(r);
    if (p !== undefined && key(p) !== own) crossings.push({ path: r.path, ref: r.ref, why: 'cluster', detail: p.handoff ? `the GitOps hand-off (${excerpt(p.name)})` : p.named ? `cluster ${excerpt(p.name)}` : 'files of no cluster folder' });
  }
  return crossings.length === 0 ? k : { ...k, unreachable: [...k.unreachable, ...crossings] };
}
