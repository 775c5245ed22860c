/**
 * The typed front door: constructs → objects → layout → model → checks → YAML → `dist/`.
 *
 * Each Cluster renders into `<outdir>/<cluster>/`. The model is built from exactly the objects
 * that will be written, with the file each lands in, so a diagnostic names the same file and
 * line that `dvpc check dist/<cluster>` would. On any error nothing is written.
 */
import { Chart, type App } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { loadBaseline, loadResources } from './front/resources.ts';
import { Cluster } from './constructs/cluster.ts';
import { GitOps } from './constructs/gitops.ts';
import { problemsIn } from './constructs/base.ts';
import { compileCluster, newPhases, type Baseline, type SynthPhases } from './constructs/compile.ts';
import { gitopsFiles } from './render/gitops.ts';
import { outputPathInRepository } from './render/gitops-source.ts';
import { DvpcError, UsageError } from './core/errors.ts';
import { outputFolderProblem, writeTreeAtomically, type FileTree, type WriterFs } from './render/write.ts';
import type { Report } from './check/index.ts';
import { loadInventory } from './inventory/load.ts';
import type { ClusterModel } from './model/cluster-model.ts';
import { constructDiagnostic, type Diagnostic } from './core/diagnostic.ts';
import { displayPath } from './read/files.ts';

export interface SynthOptions {
  /**
   * Output folder.
   * @default $CDK8S_OUTDIR (set by `cdk8s synth`), else "dist"
   */
  readonly outdir?: string;
  /** Codes whose errors become warnings for this run. */
  readonly allow?: ReadonlySet<string>;
  /** Render and check only; write nothing. */
  readonly dryRun?: boolean;
  /** The previous output root (e.g. dist/ of the main branch); each cluster is compared with its folder. */
  readonly baseline?: string;
  /** The previous output read from git at this ref (the same outdir), instead of a folder. */
  readonly baselineRef?: string;
  /** Called after every file is staged, before the swap (tests use it to interrupt a synth). */
  readonly beforeSwap?: () => void;
  /** The module's edition for clusters whose `edition` prop is not set (`--edition`). */
  readonly edition?: 'CE' | 'EE';
  /** The file operations of the writer (tests make them fail). @default node:fs */
  readonly writerFs?: WriterFs;
  /** Called as each step starts ("rendering lab"), for the command line's progress line. */
  readonly onProgress?: (step: string) => void;
}

export interface ClusterResult {
  readonly cluster: string;
  readonly constructPath: string;
  readonly report: Report;
  readonly model: ClusterModel;
}

export type { SynthPhases };

export interface SynthResult {
  readonly clusters: ClusterResult[];
  /** Problems of constructs outside any Cluster (the GitOps hand-off). */
  readonly appDiagnostics: Diagnostic[];
  /** Every file written (or that would be), relative to outdir. */
  readonly files: FileTree;
  readonly errors: number;
  readonly warnings: number;
  /** Whether outdir was replaced. */
  readonly written: boolean;
  /** Problems after outdir was replaced (a previous tree that could not be removed): the synth still succeeded. */
  readonly writeWarnings: readonly string[];
  readonly phases: SynthPhases;
}

/** A cluster's previous output: its folder under the baseline root, or under outdir at a git ref. */
function baselineOf(cluster: string, outdir: string, options: SynthOptions): Baseline | undefined {
  if (options.baseline !== undefined) {
    const dir = join(options.baseline, cluster);
    // A cluster new in this change has no previous state: an empty baseline, nothing removed.
    return existsSync(dir) ? loadResources([dir], 'default') : { resources: [], diagnostics: [] };
  }
  if (options.baselineRef !== undefined) return loadBaseline([join(outdir, cluster)], { baselineRef: options.baselineRef }, 'default');
  return undefined;
}

export { newPhases };

/**
 * The Clusters of an app, in the order they were created, and its GitOps hand-off; any other
 * Chart is a mistake dvpc cannot place. Found by walking the tree down to each chart (cdk8s's
 * `app.charts` builds a dependency graph of every construct of the app to answer the same
 * question); each Cluster walks its own objects when it renders.
 */
function partsOf(app: App): { clusters: Cluster[]; handoff: GitOps | undefined } {
  const clusters: Cluster[] = [];
  let handoff: GitOps | undefined;
  const visit = (c: IConstruct) => {
    for (const child of c.node.children) {
      if (child instanceof Cluster) clusters.push(child);
      else if (Chart.isChart(child)) {
        const path = child.node.path;
        throw new DvpcError('DVP002', `chart "${path}" is not a dvpc Cluster`, 'create charts with `new Cluster(app, name)` so that each renders into dist/<name>/', path);
      } else {
        if (child instanceof GitOps) handoff ??= child;
        visit(child);
      }
    }
  };
  visit(app);
  const names = new Set<string>();
  for (const c of clusters) {
    if (names.has(c.clusterName)) throw new DvpcError('DVP004', `two clusters are named "${c.clusterName}"`, 'give each Cluster its own name', c.node.path);
    names.add(c.clusterName);
  }
  return { clusters, handoff };
}

/** The Clusters of an app, in the order they were created. */
export function clustersOf(app: App): Cluster[] {
  return partsOf(app).clusters;
}

/** Renders every cluster of the app, checks each, and writes the output only when no error remains. */
export function synthesize(app: App, options: SynthOptions = {}): SynthResult {
  const outdir = options.outdir ?? process.env['CDK8S_OUTDIR'] ?? 'dist';
  // Refused before any work: the swap would replace the whole folder.
  const refused = options.dryRun ? undefined : outputFolderProblem(outdir);
  if (refused) throw new UsageError(`${refused}; choose a new or empty folder, or remove what is not dvpc's from it`);
  const shown = displayPath(outdir);
  const all = new Map<string, string>();
  const clusters: ClusterResult[] = [];
  const phases = newPhases();
  const { clusters: clusterList, handoff } = partsOf(app);
  // Per cluster: which folders each folder's objects reference (Flux dependsOn, Argo CD waves).
  const references = new Map<string, Map<string, string[]>>();
  for (const cluster of clusterList) {
    options.onProgress?.(`rendering and checking ${cluster.clusterName}`);
    const inventory = cluster.inventoryDir ? loadInventory(cluster.inventoryDir) : undefined;
    const baseline = baselineOf(cluster.clusterName, outdir, options);
    // Problems constructors recorded inside the cluster are reported with its checks' findings.
    const compiled = compileCluster(cluster, { outdirShown: shown, emit: true, inventory, baseline, allow: options.allow, phases, edition: options.edition });
    const { files, model, report } = compiled;
    references.set(cluster.clusterName, compiled.references);
    for (const [k, v] of files) all.set(k, v);
    clusters.push({ cluster: cluster.clusterName, constructPath: cluster.node.path, model, report });
  }
  if (handoff) {
    const folders = new Map<string, string[]>();
    for (const rel of all.keys()) {
      const m = /^([^/]+)\/(.+)\/kustomization\.yaml$/.exec(rel);
      if (!m) continue;
      const list = folders.get(m[1] as string);
      if (list) list.push(m[2] as string);
      else folders.set(m[1] as string, [m[2] as string]);
    }
    for (const [k, v] of gitopsFiles(handoff.props, folders, outputPathInRepository(outdir), references)) all.set(k, v);
  }
  const appDiagnostics = problemsIn(app, undefined).map(constructDiagnostic);
  const errors = clusters.reduce((n, c) => n + c.report.summary.errors, 0) + appDiagnostics.filter((d) => d.severity === 'error').length;
  const warnings = clusters.reduce((n, c) => n + c.report.summary.warnings, 0) + appDiagnostics.filter((d) => d.severity === 'warning').length;
  const written = errors === 0 && !options.dryRun;
  const t = performance.now();
  if (written) options.onProgress?.(`writing ${outdir}`);
  const writeWarnings = written ? writeTreeAtomically(outdir, all, { beforeSwap: options.beforeSwap, fs: options.writerFs }).warnings : [];
  phases.write += performance.now() - t;
  return { clusters, appDiagnostics, files: all, errors, warnings, written, writeWarnings, phases };
}
