/**
 * Argo CD and Flux objects for the rendered clusters (SPEC §4), written into `<outdir>/gitops/`:
 *
 *   argocd/applications/<cluster>.yaml  one Application per unit of the cluster (gitops-units.ts),
 *                                       ordered by sync waves: `cluster/` first
 *   argocd/app-of-apps/                 the one Application to apply by hand: it syncs the folder
 *                                       above, so units that appear or go (a project that grows
 *                                       into shards) follow git, in wave order
 *   argocd/applicationset/              instead of the two above: one ApplicationSet over every
 *                                       unit of every cluster
 *   flux/<cluster>/                     a GitRepository and one Kustomization per unit, ordered
 *                                       with dependsOn
 *
 * A unit is one folder of at most about 1,000 VMs, so no Application reaches the 10 MB directory
 * limit of Argo CD's repo server. Pruning is on everywhere; disks and PVC images carry the
 * annotations that exempt them, and no Application carries Argo CD's resources finalizer, so
 * removing a unit's Application (when its folder splits into shards) leaves its objects for the
 * new units to adopt.
 */
import { emitDocuments, kustomizationFile } from './yaml-emit.ts';
import type { Json } from '../core/json.ts';
import { argoTargetRevision, fluxRef, repositoryPathProblem, resolveRepository, resolveRevision, type GitRevision, type SourceProblem } from './gitops-source.ts';
import { fleetUnits, type Unit } from './gitops-units.ts';
import { SYNC_WAVE_ANNOTATION } from './order.ts';
import { DNS1123_LABEL } from '../core/dns.ts';

type Doc = { [key: string]: Json };

export type { GitRevision, SourceProblem };

/** An Argo CD destination: a cluster known to Argo CD by name, or its API server URL (one of the two). */
export interface ArgoCdDestination {
  /**
   * The cluster's name in Argo CD.
   * @default the dvpc cluster's name, unless `server` is given
   */
  readonly name?: string;
  /**
   * The cluster's API server URL (`https://kubernetes.default.svc` for the cluster Argo CD runs in).
   * @default none: the destination is given by name
   */
  readonly server?: string;
}

/** Argo CD's side of the hand-off. */
export interface ArgoCdProps {
  /**
   * The namespace Argo CD runs in, where its Applications live.
   * @default "argocd"
   */
  readonly namespace?: string;
  /**
   * The Argo CD project of the Applications.
   * @default "default"
   */
  readonly project?: string;
  /**
   * Each dvpc cluster's destination, by dvpc cluster name.
   * @default every cluster by its own name (`{ name: <cluster> }`)
   */
  readonly destinations?: Readonly<Record<string, ArgoCdDestination>>;
  /**
   * The ApplicationSet applies its Applications wave by wave (Argo CD's RollingSync strategy, a
   * beta feature to enable in the ApplicationSet controller; it turns off automated sync of the
   * Applications it generates and syncs them itself, each wave once the previous one is healthy).
   * @default false: every Application syncs on its own
   */
  readonly progressiveSync?: boolean;
}

/** Flux's side of the hand-off. */
export interface FluxProps {
  /**
   * The namespace Flux runs in, where the GitRepository and Kustomizations live.
   * @default "flux-system"
   */
  readonly namespace?: string;
  /**
   * The GitRepository's name.
   * @default "dvpc"
   */
  readonly sourceName?: string;
  /**
   * How often Flux fetches the repository and reconciles each unit (a Go duration: `10m`, `1h30m`).
   * @default "10m"
   */
  readonly interval?: string;
}

/** Credentials for a private repository, kept out of git: only the Secret's name is rendered. */
export interface GitCredentials {
  /**
   * The Secret that holds them, created beside Argo CD and Flux (by hand, External Secrets or
   * Sealed Secrets). Flux: in the Flux namespace, with `username` and `password` (https) or
   * `identity` and `known_hosts` (ssh); the GitRepository names it in `spec.secretRef`. Argo CD:
   * in the Argo CD namespace, labelled `argocd.argoproj.io/secret-type: repo-creds`, with `url`
   * (the repository URL or a prefix of it) and `username` and `password` or `sshPrivateKey`;
   * dvpc renders the credential-free repository Secret that Argo CD matches it to.
   */
  readonly secretName: string;
}

/** Where Argo CD and Flux find the rendered clusters (the props of the `GitOps` construct). */
export interface GitOpsProps {
  /**
   * The Git repository Argo CD and Flux pull from: `https://host/org/repo.git`,
   * `ssh://git@host/org/repo.git`, or scp-style `git@host:org/repo.git` (Flux gets it as
   * `ssh://`, the only form its CRD accepts; Argo CD as written). Never with a password in it.
   */
  readonly repoURL: string;
  /**
   * What to follow: `{ branch }`, `{ tag }`, `{ semver }` (a range of tags) or `{ commit }`. A
   * plain string is read as a commit when it is a full commit id, a tag when it is a semantic
   * version (`v1.4.0`) or `refs/tags/...`, a semver range when it is one (`>=1.4.0 <2.0.0`,
   * `~1.4`, `1.x`), and a branch otherwise.
   * @default { branch: "main" }
   */
  readonly revision?: string | GitRevision;
  /**
   * Where the output folder is in the repository.
   * @default the folder synth writes to (`--outdir`, `$CDK8S_OUTDIR`, else `dist`) relative to
   * the root of the git repository that holds it, or its own name outside any repository
   */
  readonly path?: string;
  /**
   * For a private repository: the Secret with its credentials (see `GitCredentials`).
   * @default none: a public repository
   */
  readonly credentials?: GitCredentials;
  /**
   * Argo CD: its namespace, project, each cluster's destination, progressive sync.
   * @default namespace "argocd", project "default", each cluster by its name
   */
  readonly argocd?: ArgoCdProps;
  /**
   * Flux: its namespace, the GitRepository's name, the reconcile interval.
   * @default namespace "flux-system", source "dvpc", interval "10m"
   */
  readonly flux?: FluxProps;
}

/** Argo CD's in-cluster destination: where the app-of-apps' Applications live. */
const IN_CLUSTER = 'https://kubernetes.default.svc';
/** Labels on the Applications, to select a cluster's or a wave's units. */
export const CLUSTER_LABEL = 'dvpc/cluster';
export const WAVE_LABEL = 'dvpc/wave';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Flux's duration pattern (its CRDs' `interval`). */
const DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

/** Every mistake in the props, found before anything is rendered. */
export function gitOpsProblems(p: GitOpsProps): SourceProblem[] {
  const problems = [...resolveRepository(p.repoURL).problems, ...resolveRevision(p.revision).problems];
  const name = (field: string, value: string | undefined, re: RegExp, max: number, what: string) => {
    if (value !== undefined && (!re.test(value) || value.length > max)) {
      problems.push({ field, detail: `${field} "${value.slice(0, 60)}" is not a valid ${what}`, hint: `use lower-case letters, digits and "-"${re === DNS_SUBDOMAIN ? ' (and ".")' : ''}, at most ${max} characters` });
    }
  };
  if (p.path !== undefined) {
    const bad = repositoryPathProblem(p.path);
    if (bad) problems.push(bad);
  }
  name('credentials.secretName', p.credentials?.secretName, DNS_SUBDOMAIN, 253, 'Secret name');
  name('argocd.namespace', p.argocd?.namespace, DNS1123_LABEL, 63, 'namespace');
  name('argocd.project', p.argocd?.project, DNS_SUBDOMAIN, 253, 'Argo CD project name');
  name('flux.namespace', p.flux?.namespace, DNS1123_LABEL, 63, 'namespace');
  name('flux.sourceName', p.flux?.sourceName, DNS_SUBDOMAIN, 63, 'GitRepository name');
  const interval = p.flux?.interval;
  if (interval !== undefined && !DURATION.test(interval)) {
    problems.push({ field: 'flux.interval', detail: `interval "${interval.slice(0, 30)}" is not a duration Flux reads`, hint: 'write it like "10m", "1h" or "1h30m"' });
  }
  for (const [cluster, d] of Object.entries(p.argocd?.destinations ?? {})) {
    if (d.name !== undefined && d.server !== undefined) {
      problems.push({ field: `argocd.destinations.${cluster}`, detail: `the destination of cluster "${cluster}" has both a name and a server; Argo CD refuses an Application that sets both`, hint: 'give the cluster name known to Argo CD, or its API server URL, not both' });
    }
    if (d.server !== undefined && !/^https?:\/\/\S+$/.test(d.server)) {
      problems.push({ field: `argocd.destinations.${cluster}.server`, detail: `server "${d.server.slice(0, 60)}" is not an API server URL`, hint: 'give the https:// URL of the cluster\'s API server, as Argo CD lists it' });
    }
  }
  return problems;
}

/** Everything the rendering needs, with the defaults filled in. */
interface Settings {
  readonly argoRepo: string;
  readonly fluxRepo: string;
  readonly targetRevision: string;
  readonly fluxRef: Record<string, string>;
  readonly base: string;
  readonly secretName: string | undefined;
  readonly argoNs: string;
  readonly project: string;
  readonly progressive: boolean;
  readonly fluxNs: string;
  readonly source: string;
  readonly interval: string;
  readonly destination: (cluster: string) => { name: string; server: string };
}

function settingsOf(p: GitOpsProps, outputPath: string): Settings {
  const repo = resolveRepository(p.repoURL).repository;
  const revision = resolveRevision(p.revision).revision;
  return {
    argoRepo: repo.argocd,
    fluxRepo: repo.flux,
    targetRevision: argoTargetRevision(revision),
    fluxRef: fluxRef(revision),
    base: (p.path ?? outputPath).split('\\').join('/').replace(/^\.\/+/, '').replace(/\/+$/, ''),
    secretName: p.credentials?.secretName,
    argoNs: p.argocd?.namespace ?? 'argocd',
    project: p.argocd?.project ?? 'default',
    progressive: p.argocd?.progressiveSync ?? false,
    fluxNs: p.flux?.namespace ?? 'flux-system',
    source: p.flux?.sourceName ?? 'dvpc',
    interval: p.flux?.interval ?? '10m',
    destination: (cluster) => {
      const d = p.argocd?.destinations?.[cluster];
      // Both keys, one empty: the ApplicationSet template names both, and Argo CD reads "" as unset.
      return d?.server !== undefined ? { name: '', server: d.server } : { name: d?.name ?? cluster, server: '' };
    },
  };
}

/** A folder of the repository: `base/rest`, or `rest` when the output is the repository root. */
function repoPath(base: string, rest: string): string {
  return base === '' ? rest : `${base}/${rest}`;
}

function syncPolicy(): Doc {
  return {
    automated: { prune: true, selfHeal: true },
    syncOptions: ['ServerSideApply=true', 'PruneLast=true'],
  };
}

function applicationSpec(s: Settings, path: string, destination: Doc, exclude: string): Doc {
  return {
    project: s.project,
    source: { repoURL: s.argoRepo, targetRevision: s.targetRevision, path, directory: { exclude } },
    destination,
    syncPolicy: syncPolicy(),
  };
}

/** Only the non-empty one of name and server: an Application sets one. */
function destinationDoc(d: { name: string; server: string }): Doc {
  return d.server !== '' ? { server: d.server } : { name: d.name };
}

function unitApplication(s: Settings, cluster: string, u: Unit): Doc {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: u.name,
      namespace: s.argoNs,
      labels: { [CLUSTER_LABEL]: cluster, [WAVE_LABEL]: String(u.wave) },
      annotations: { [SYNC_WAVE_ANNOTATION]: String(u.wave) },
    },
    // A unit is one folder; its kustomization.yaml is for Flux and kubectl, not an object.
    spec: applicationSpec(s, repoPath(s.base, `${cluster}/${u.folder}`), destinationDoc(s.destination(cluster)), 'kustomization.yaml'),
  };
}

/** Argo CD's repository Secret without credentials: they come from the user's repo-creds Secret of the same URL. */
function argoRepositorySecret(s: Settings): Doc {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'dvpc-repository', namespace: s.argoNs, labels: { 'argocd.argoproj.io/secret-type': 'repository' } },
    type: 'Opaque',
    stringData: { type: 'git', url: s.argoRepo },
  };
}

function applicationSet(s: Settings, units: ReadonlyMap<string, readonly Unit[]>): Doc {
  const elements: Json[] = [];
  const waves = new Set<number>();
  for (const [cluster, list] of units) {
    for (const u of list) {
      waves.add(u.wave);
      elements.push({ name: u.name, cluster, path: repoPath(s.base, `${cluster}/${u.folder}`), wave: String(u.wave), destination: s.destination(cluster) });
    }
  }
  const spec: Doc = {
    goTemplate: true,
    // A key missing from an element is an error, never "<no value>" in a rendered field.
    goTemplateOptions: ['missingkey=error'],
    generators: [{ list: { elements } }],
    template: {
      metadata: { name: '{{ .name }}', labels: { [CLUSTER_LABEL]: '{{ .cluster }}', [WAVE_LABEL]: '{{ .wave }}' } },
      // Each element carries both destination keys, the unused one empty, so clusters given by
      // name and by server URL can share one template.
      spec: applicationSpec(s, '{{ .path }}', { name: '{{ .destination.name }}', server: '{{ .destination.server }}' }, 'kustomization.yaml'),
    },
  };
  if (s.progressive) {
    spec['strategy'] = {
      type: 'RollingSync',
      rollingSync: { steps: [...waves].sort((a, b) => a - b).map((w) => ({ matchExpressions: [{ key: WAVE_LABEL, operator: 'In', values: [String(w)] }] })) },
    };
  }
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'dvpc-fleet', namespace: s.argoNs }, spec };
}

function appOfApps(s: Settings): Doc {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'dvpc', namespace: s.argoNs },
    spec: applicationSpec(s, repoPath(s.base, 'gitops/argocd/applications'), { server: IN_CLUSTER, namespace: s.argoNs }, 'kustomization.yaml'),
  };
}

function fluxObjects(s: Settings, cluster: string, units: readonly Unit[]): Doc[] {
  const source: Doc = { interval: s.interval, url: s.fluxRepo, ref: s.fluxRef };
  if (s.secretName !== undefined) source['secretRef'] = { name: s.secretName };
  const docs: Doc[] = [{ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: s.source, namespace: s.fluxNs }, spec: source }];
  const nameOf = new Map(units.map((u) => [u.folder, u.name]));
  for (const u of units) {
    const spec: Doc = {
      interval: s.interval,
      path: `./${repoPath(s.base, `${cluster}/${u.folder}`)}`,
      prune: true,
      sourceRef: { kind: 'GitRepository', name: s.source },
      timeout: '5m',
    };
    if (u.dependsOn.length > 0) spec['dependsOn'] = u.dependsOn.map((d) => ({ name: nameOf.get(d) ?? d }));
    docs.push({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: u.name, namespace: s.fluxNs }, spec });
  }
  return docs;
}

/**
 * The objects of `gitops/`, by file relative to the output folder (each folder's
 * kustomization.yaml is added by gitopsFiles).
 * @param clusters each cluster's folders (those holding a kustomization.yaml), relative to its folder
 * @param outputPath the output folder relative to the repository root (the `path` prop wins)
 * @param references each cluster's folder dependencies from the objects' references (see folderDependencies)
 */
export function gitopsDocuments(p: GitOpsProps, clusters: ReadonlyMap<string, readonly string[]>, outputPath = 'dist', references?: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>): Map<string, Doc[]> {
  const s = settingsOf(p, outputPath);
  const units = fleetUnits(clusters, references);
  const docs = new Map<string, Doc[]>();
  const repository = s.secretName !== undefined ? [argoRepositorySecret(s)] : [];
  for (const [c, list] of units) docs.set(`gitops/argocd/applications/${c}.yaml`, list.map((u) => unitApplication(s, c, u)));
  if (repository.length > 0) docs.set('gitops/argocd/applications/repository.yaml', repository);
  docs.set('gitops/argocd/app-of-apps/dvpc.yaml', [appOfApps(s)]);
  docs.set('gitops/argocd/applicationset/fleet.yaml', [applicationSet(s, units)]);
  if (repository.length > 0) docs.set('gitops/argocd/applicationset/repository.yaml', repository);
  for (const [c, list] of units) docs.set(`gitops/flux/${c}/kustomizations.yaml`, fluxObjects(s, c, list));
  return docs;
}

/** The files of `gitops/`, relative to the output folder: the objects, and a kustomization.yaml per folder. */
export function gitopsFiles(...args: Parameters<typeof gitopsDocuments>): Map<string, string> {
  const files = new Map<string, string>();
  const folders = new Map<string, string[]>();
  for (const [file, docs] of gitopsDocuments(...args)) {
    files.set(file, emitDocuments(docs));
    const cut = file.lastIndexOf('/');
    const folder = file.slice(0, cut);
    folders.set(folder, [...(folders.get(folder) ?? []), file.slice(cut + 1)]);
  }
  for (const [folder, names] of folders) files.set(`${folder}/kustomization.yaml`, kustomizationFile(names));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
