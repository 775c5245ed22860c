/**
 * How one PATH's files are laid out (SPEC §2), from their paths relative to it (`/`-separated).
 * A PATH is read relative to its own root, never by the folders above it (a checkout under
 * `/home/me/gitops/` is not a hand-off folder):
 *
 *   PATH/<c>/cluster/..., PATH/<c>/namespaces/...  dvpc's output root: each <c> is a cluster, and
 *                                                 PATH/gitops/ holds the GitOps hand-off
 *   PATH/cluster/..., PATH/namespaces/...          one cluster folder, named after PATH
 *   anything else (a flat folder, files)          one cluster's desired state
 *
 * The hand-off is split as it is applied: `gitops/flux/<c>/` goes to cluster <c>'s Flux, the rest
 * (`gitops/argocd/`) to one Argo CD. Pure.
 */
import { basename, extname, resolve } from 'node:path';

/** Where a file belongs. */
export type Placement = { readonly name: string; readonly handoff: boolean; readonly named: boolean; readonly fromRoot: boolean };

/** A file of dvpc's cluster folder: `cluster/<file>`, `namespaces/<ns>/[<shard>/]<file>`. */
const IN_CLUSTER = /^(?:cluster\/[^/]+|namespaces\/[^/]+\/.+)$/;
/** A file of dvpc's output root: the same one level down, or the hand-off. */
const IN_ROOT = /^(?:[^/]+\/(?:cluster\/[^/]+|namespaces\/[^/]+\/.+)|gitops\/.+)$/;
const HANDOFF = /^(?:argocd|flux)\//;

/** How a PATH's files are laid out, from their paths relative to it. */
export function placer(rootName: string, rels: readonly string[]): (rel: string) => Placement {
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

/** A PATH's name: a folder's own, a file's without its extension. */
export function nameOf(path: string, isFile: boolean): string {
  const base = basename(resolve(path));
  return isFile ? base.slice(0, base.length - extname(base).length) : base;
}

/** The cluster (or hand-off part) a placement is checked in, as `combine` puts units together. */
export function unitKey(p: Placement): string {
  return p.named ? `${p.handoff}|${p.name}` : 'flat';
}
