/**
 * Argo CD and Flux objects for the rendered clusters (SPEC §4):
 *
 *   gitops/argocd/applications/   one Application per cluster (directory source, sync waves order it)
 *   gitops/argocd/applicationset/ one ApplicationSet over the whole fleet (use this or the above)
 *   gitops/flux/<cluster>/        a GitRepository and one Kustomization per folder of the cluster,
 *                                 ordered with dependsOn: cluster/ first, then each project
 *
 * Pruning is on everywhere; disks and PVC images carry the annotations that exempt them.
 */
import { emitDocuments, kustomizationFile } from './yaml-emit.ts';
import type { Json } from '../core/json.ts';

type Doc = { [key: string]: Json };

/** Where Argo CD and Flux find the rendered clusters (the props of the `GitOps` construct). */
export interface GitOpsProps {
  /** The Git repository Argo CD and Flux pull from (https or ssh URL). */
  readonly repoURL: string;
  /**
   * Branch, tag or commit to follow.
   * @default "main"
   */
  readonly revision?: string;
  /**
   * Where the output folder sits in that repository.
   * @default "dist"
   */
  readonly path?: string;
  /**
   * Argo CD: its namespace, project, and each cluster's destination (a cluster name known to Argo CD, or an API server URL).
   * @default namespace "argocd", project "default", destination name = the cluster's name
   */
  readonly argocd?: {
    readonly namespace?: string;
    readonly project?: string;
    readonly destinations?: Readonly<Record<string, { readonly name?: string; readonly server?: string }>>;
  };
  /**
   * Flux: its namespace, the GitRepository's name, and the reconcile interval.
   * @default namespace "flux-system", source "dvpc", interval "10m"
   */
  readonly flux?: {
    readonly namespace?: string;
    readonly sourceName?: string;
    readonly interval?: string;
  };
}


/** Argo CD reads every YAML file of a directory source; kustomization.yaml is not an object. */
export const ARGO_EXCLUDE = '{kustomization.yaml,*/kustomization.yaml}';

function applicationSpec(p: GitOpsProps, path: string, destination: Doc): Doc {
  return {
    project: p.argocd?.project ?? 'default',
    source: { repoURL: p.repoURL, targetRevision: p.revision ?? 'main', path, directory: { recurse: true, exclude: ARGO_EXCLUDE } },
    destination,
    syncPolicy: {
      automated: { prune: true, selfHeal: true },
      syncOptions: ['ServerSideApply=true', 'PruneLast=true'],
    },
  };
}

function destinationOf(p: GitOpsProps, cluster: string): Doc {
  const d = p.argocd?.destinations?.[cluster];
  return d?.server ? { server: d.server } : { name: d?.name ?? cluster };
}

/** A folder's Flux Kustomization name: `<cluster>-<folder with / as ->`. */
function fluxName(cluster: string, folder: string): string {
  return `${cluster}-${folder.replace(/^namespaces\//, 'ns-').replace(/\//g, '-')}`;
}

/** What a folder must wait for: cluster-scoped settings and classes, and a sharded project's common part. */
function dependsOn(folders: readonly string[], folder: string): string[] {
  if (folder === 'cluster') return [];
  const deps = folders.includes('cluster') ? ['cluster'] : [];
  const shard = /^(namespaces\/[^/]+)\/shard-[0-9]+$/.exec(folder);
  if (shard && folders.includes(`${shard[1]}/common`)) deps.push(`${shard[1]}/common`);
  return deps;
}

/**
 * The files of dist/gitops/, relative to the output folder. `dependencies` (per cluster, per
 * folder: the folders it waits for, render/order's folderDependencies) replaces the default
 * order of dependsOn() where given.
 */
export function gitopsFiles(p: GitOpsProps, clusters: ReadonlyMap<string, readonly string[]>, dependencies?: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>): Map<string, string> {
  const files = new Map<string, string>();
  const base = (p.path ?? 'dist').replace(/\/+$/, '');
  const argoNs = p.argocd?.namespace ?? 'argocd';
  const names = [...clusters.keys()].sort();

  for (const c of names) {
    const app: Doc = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: `dvpc-${c}`, namespace: argoNs },
      spec: applicationSpec(p, `${base}/${c}`, destinationOf(p, c)),
    };
    files.set(`gitops/argocd/applications/${c}.yaml`, emitDocuments([app]));
  }
  files.set('gitops/argocd/applications/kustomization.yaml', kustomizationFile(names.map((c) => `${c}.yaml`)));

  const appSet: Doc = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'dvpc-fleet', namespace: argoNs },
    spec: {
      goTemplate: true,
      generators: [{ list: { elements: names.map((c) => ({ cluster: c, path: `${base}/${c}`, destination: destinationOf(p, c) })) } }],
      template: {
        metadata: { name: 'dvpc-{{ .cluster }}' },
        spec: applicationSpec(p, '{{ .path }}', { name: '{{ .destination.name }}' }),
      },
    },
  };
  // A destination given by server URL cannot go through the name field: list those by server.
  if (names.some((c) => p.argocd?.destinations?.[c]?.server)) {
    ((appSet['spec'] as Doc)['template'] as Doc)['spec'] = applicationSpec(p, '{{ .path }}', { server: '{{ .destination.server }}' });
  }
  files.set('gitops/argocd/applicationset/fleet.yaml', emitDocuments([appSet]));
  files.set('gitops/argocd/applicationset/kustomization.yaml', kustomizationFile(['fleet.yaml']));

  const fluxNs = p.flux?.namespace ?? 'flux-system';
  const source = p.flux?.sourceName ?? 'dvpc';
  const interval = p.flux?.interval ?? '10m';
  for (const c of names) {
    const folders = [...(clusters.get(c) ?? [])].sort();
    const docs: Doc[] = [{
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: source, namespace: fluxNs },
      spec: { interval, url: p.repoURL, ref: { branch: p.revision ?? 'main' } },
    }];
    for (const f of folders) {
      const deps = dependencies?.get(c)?.get(f) ?? dependsOn(folders, f);
      const spec: Doc = {
        interval,
        path: `./${base}/${c}/${f}`,
        prune: true,
        sourceRef: { kind: 'GitRepository', name: source },
        timeout: '5m',
      };
      if (deps.length > 0) spec['dependsOn'] = deps.map((d) => ({ name: fluxName(c, d) }));
      docs.push({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: fluxName(c, f), namespace: fluxNs }, spec });
    }
    files.set(`gitops/flux/${c}/kustomizations.yaml`, emitDocuments(docs));
    files.set(`gitops/flux/${c}/kustomization.yaml`, kustomizationFile(['kustomizations.yaml']));
  }
  return files;
}
