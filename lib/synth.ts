/**
 * The typed front door: constructs → objects → layout → model → checks → YAML → `dist/`.
 *
 * Each Cluster renders into `<outdir>/<cluster>/`. The model is built from exactly the objects
 * that will be written, with the file each lands in, so a diagnostic names the same file and
 * line that `dvpc check dist/<cluster>` would. On any error nothing is written.
 */
import { ApiObject, type App, type Chart } from 'cdk8s';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { loadBaseline, loadResources } from './front/resources.ts';
import { Cluster } from './constructs/cluster.ts';
import { GitOps } from './constructs/gitops.ts';
import { gitopsFiles } from './render/gitops.ts';
import { DvpcError } from './core/errors.ts';
import { recordedProblems } from './constructs/base.ts';
import { toResource, type JsonObject, type Origin, type Resource } from './core/resource.ts';
import { ClusterModel } from './model/cluster-model.ts';
import { layout, type PlacedObject } from './render/layout.ts';
import { emitDocuments, kustomizationFile, lineMaps } from './render/yaml-emit.ts';
import { ARGO_SYNC_OPTIONS, FLUX_PRUNE, SYNC_WAVE_ANNOTATION, syncWave } from './render/order.ts';
import { holdsData } from './core/kinds.ts';
import { writeTreeAtomically, type FileTree } from './render/write.ts';
import { runChecks, type Report } from './check/index.ts';
import { loadInventory } from './inventory/load.ts';
import type { Inventory } from './inventory/types.ts';
import { constructDiagnostic, type Diagnostic } from './core/diagnostic.ts';
import { pathKey, type FieldPath, type Json } from './core/json.ts';
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
  /** Called as each step starts ("rendering lab"), for the command line's progress line. */
  readonly onProgress?: (step: string) => void;
}

export interface ClusterResult {
  readonly cluster: string;
  readonly constructPath: string;
  readonly report: Report;
  readonly model: ClusterModel;
}

/** Milliseconds spent per phase, summed over clusters (the benchmark reports them). */
export interface SynthPhases {
  /** Construct tree → objects (cdk8s resolve, dvpc's annotations). */
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
  readonly phases: SynthPhases;
}

/** Kubernetes' own annotations that dvpc adds, keeping any value the user set. */
function decorate(kind: string, body: JsonObject): JsonObject {
  const add: Record<string, string> = {};
  const wave = syncWave(kind);
  if (wave !== undefined) add[SYNC_WAVE_ANNOTATION] = String(wave);
  if (holdsData(kind, body)) {
    add[ARGO_SYNC_OPTIONS] = 'Prune=false';
    add[FLUX_PRUNE] = 'disabled';
  }
  if (Object.keys(add).length === 0) return body;
  const meta = (body['metadata'] ?? {}) as JsonObject;
  const annotations = { ...add, ...((meta['annotations'] ?? {}) as Record<string, string>) };
  return { ...body, metadata: { ...meta, annotations } };
}

/** Lines of a rendered file, computed only when a diagnostic asks for one. */
class RenderedFile {
  private maps: Map<string, number>[] | undefined;
  constructor(readonly path: string, readonly docs: JsonObject[]) {}
  line(index: number, path: FieldPath): number | undefined {
    this.maps ??= lineMaps(this.docs as { [key: string]: Json }[]);
    const map = this.maps[index];
    if (!map) return undefined;
    // The field itself, or the nearest enclosing field that exists.
    for (let n = path.length; n >= 0; n--) {
      const line = map.get(pathKey(path.slice(0, n)));
      if (line !== undefined) return line;
    }
    return undefined;
  }
}

class RenderedOrigin implements Origin {
  constructor(private readonly rendered: RenderedFile, private readonly index: number, readonly constructPath: string | undefined) {}
  get file(): string {
    return this.rendered.path;
  }
  line(path: FieldPath): number | undefined {
    return this.rendered.line(this.index, path);
  }
}

interface Collected extends PlacedObject {
  readonly constructPath: string;
}

function collect(cluster: Cluster): Collected[] {
  const out: Collected[] = [];
  for (const c of cluster.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    let json: JsonObject;
    try {
      json = c.toJson() as JsonObject;
    } catch (e) {
      throw new DvpcError('DVP002', `cannot render: ${(e as Error).message}`, 'fix the construct props', c.node.path);
    }
    let body = decorate(String(json['kind'] ?? ''), json);
    const r = toResource(body, { file: '', line: () => undefined }, cluster.defaultNamespace);
    // dvpc's output always writes the namespace of namespaced objects.
    const meta = (body['metadata'] ?? {}) as JsonObject;
    if (r.namespace !== undefined && meta['namespace'] === undefined) body = { ...body, metadata: { ...meta, namespace: r.namespace } };
    out.push({ apiVersion: r.apiVersion, kind: r.kind, name: r.name, namespace: r.namespace, body, constructPath: c.node.path });
  }
  return out;
}

/** Renders one cluster: its files (relative to the outdir) and its model with file-accurate origins. */
export function renderCluster(cluster: Cluster, outdirShown: string, inventory: Inventory | undefined, baseline?: { resources: Resource[]; diagnostics: Diagnostic[] }, phases: SynthPhases = newPhases()): { files: Map<string, string>; model: ClusterModel; extra: Diagnostic[] } {
  let t = performance.now();
  const objects = collect(cluster);
  phases.collect += performance.now() - t;
  t = performance.now();
  const files = new Map<string, string>();
  const resources: Resource[] = [];
  for (const folder of layout(objects)) {
    for (const file of folder.files) {
      const rel = `${cluster.clusterName}/${folder.path}/${file.name}`;
      const docs = file.objects.map((o) => o.body);
      const rendered = new RenderedFile(join(outdirShown, rel), docs);
      file.objects.forEach((o, i) => {
        resources.push(toResource(o.body, new RenderedOrigin(rendered, i, o.constructPath), cluster.defaultNamespace));
      });
      files.set(rel, emitDocuments(docs as { [key: string]: Json }[]));
    }
    files.set(`${cluster.clusterName}/${folder.path}/kustomization.yaml`, kustomizationFile(folder.files.map((f) => f.name)));
  }
  phases.serialize += performance.now() - t;
  t = performance.now();
  const model = new ClusterModel(resources, { inventory, files: files.size, baseline: baseline?.resources });
  // Parse every object now, so that the model's cost is counted here and not in the first check.
  for (const r of model.resources) model.parse(r);
  phases.model += performance.now() - t;
  return { files, model, extra: [...(inventory?.diagnostics ?? []), ...(baseline?.diagnostics ?? [])] };
}

/** A cluster's previous output: its folder under the baseline root, or under outdir at a git ref. */
function baselineOf(cluster: string, outdir: string, options: SynthOptions): { resources: Resource[]; diagnostics: Diagnostic[] } | undefined {
  if (options.baseline !== undefined) {
    const dir = join(options.baseline, cluster);
    // A cluster new in this change has no previous state: an empty baseline, nothing removed.
    return existsSync(dir) ? loadResources([dir], 'default') : { resources: [], diagnostics: [] };
  }
  if (options.baselineRef !== undefined) return loadBaseline([join(outdir, cluster)], { baselineRef: options.baselineRef }, 'default');
  return undefined;
}

export function newPhases(): SynthPhases {
  return { collect: 0, serialize: 0, model: 0, checks: 0, write: 0 };
}

/** The Clusters of an app; any other Chart is a mistake dvpc cannot place. */
export function clustersOf(app: App): Cluster[] {
  const clusters: Cluster[] = [];
  for (const chart of app.charts as readonly Chart[]) {
    if (chart instanceof Cluster) clusters.push(chart as Cluster);
    else {
      const path = (chart as Chart).node.path;
      throw new DvpcError('DVP002', `chart "${path}" is not a dvpc Cluster`, 'create charts with `new Cluster(app, name)` so that each renders into dist/<name>/', path);
    }
  }
  const names = new Set<string>();
  for (const c of clusters) {
    if (names.has(c.clusterName)) throw new DvpcError('DVP004', `two clusters are named "${c.clusterName}"`, 'give each Cluster its own name', c.node.path);
    names.add(c.clusterName);
  }
  return clusters;
}

/** Renders every cluster of the app, checks each, and writes the output only when no error remains. */
export function synthesize(app: App, options: SynthOptions = {}): SynthResult {
  const outdir = options.outdir ?? process.env['CDK8S_OUTDIR'] ?? 'dist';
  const shown = displayPath(outdir);
  const all = new Map<string, string>();
  const clusters: ClusterResult[] = [];
  const phases = newPhases();
  // Problems constructors recorded go to the report of the cluster they belong to.
  const problems = recordedProblems(app).map(constructDiagnostic);
  const clusterList = clustersOf(app);
  const clusterOfProblem = (d: Diagnostic) => clusterList.find((c) => d.constructPath === c.node.path || d.constructPath?.startsWith(`${c.node.path}/`));
  for (const cluster of clusterList) {
    options.onProgress?.(`rendering and checking ${cluster.clusterName}`);
    const inventory = cluster.inventoryDir ? loadInventory(cluster.inventoryDir) : undefined;
    const baseline = baselineOf(cluster.clusterName, outdir, options);
    const { files, model, extra: loaded } = renderCluster(cluster, shown, inventory, baseline, phases);
    const extra = [...problems.filter((d) => clusterOfProblem(d) === cluster), ...loaded];
    for (const [k, v] of files) all.set(k, v);
    const t = performance.now();
    const report = runChecks(model, options.allow, extra);
    phases.checks += performance.now() - t;
    clusters.push({ cluster: cluster.clusterName, constructPath: cluster.node.path, model, report });
  }
  const handoff = app.node.findAll().find((c): c is GitOps => c instanceof GitOps);
  if (handoff) {
    const folders = new Map<string, string[]>();
    for (const rel of all.keys()) {
      const m = /^([^/]+)\/(.+)\/kustomization\.yaml$/.exec(rel);
      if (!m) continue;
      const list = folders.get(m[1] as string);
      if (list) list.push(m[2] as string);
      else folders.set(m[1] as string, [m[2] as string]);
    }
    if (folders.has('gitops')) throw new DvpcError('DVP004', 'a cluster is named "gitops", the folder of the GitOps hand-off', 'rename the cluster', handoff.node.path);
    for (const [k, v] of gitopsFiles((handoff as GitOps).props, folders)) all.set(k, v);
  }
  const appDiagnostics = problems.filter((d) => clusterOfProblem(d) === undefined);
  const errors = clusters.reduce((n, c) => n + c.report.summary.errors, 0) + appDiagnostics.filter((d) => d.severity === 'error').length;
  const warnings = clusters.reduce((n, c) => n + c.report.summary.warnings, 0) + appDiagnostics.filter((d) => d.severity === 'warning').length;
  const written = errors === 0 && !options.dryRun;
  const t = performance.now();
  if (written) options.onProgress?.(`writing ${outdir}`);
  if (written) writeTreeAtomically(outdir, all, options.beforeSwap);
  phases.write += performance.now() - t;
  return { clusters, appDiagnostics, files: all, errors, warnings, written, phases };
}
