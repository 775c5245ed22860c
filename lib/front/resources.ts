/**
 * The YAML front door's entry: files and folders become the Resources of one cluster's model,
 * with its inventory and its baseline (a folder, or the same paths at a git ref).
 */
import { append } from '../core/append.ts';
import { toResource, type Resource } from '../core/resource.ts';
import { ClusterModel } from '../model/cluster-model.ts';
import { loadInventory } from '../inventory/load.ts';
import { loadFromGit } from '../read/git.ts';
import { loadManifests } from '../read/files.ts';
import { parseManifestText, readingSession } from '../read/yaml.ts';
import { STDIN_NAME, type StdinText } from '../read/stdin.ts';
import { fileDiagnostic, type Diagnostic } from '../core/diagnostic.ts';

export interface CheckOptions {
  readonly inventory?: string | undefined;
  /** The previous state: a folder of manifests. */
  readonly baseline?: string | undefined;
  /** The previous state: the same paths at this git ref. */
  readonly baselineRef?: string | undefined;
  /** Namespace of namespaced objects that name none. */
  readonly namespace?: string;
  readonly allow?: ReadonlySet<string>;
  /** What a PATH of `-` reads: standard input, already read by the command line. */
  readonly stdin?: StdinText | undefined;
}

/** Objects of files and folders (and of standard input for a PATH of `-`) as Resources, with the problems reading them. */
export function loadResources(paths: readonly string[], namespace: string, stdin?: StdinText): { resources: Resource[]; diagnostics: Diagnostic[]; files: number } {
  const loaded = loadManifests(paths.filter((p) => p !== '-'));
  const resources = loaded.objects.map((o) => toResource(o.body, o.origin, namespace));
  const diagnostics = [...loaded.diagnostics];
  let files = loaded.files;
  if (paths.includes('-')) {
    files++;
    if (stdin === undefined || 'problem' in stdin) {
      diagnostics.push(fileDiagnostic('DVP001', STDIN_NAME, undefined, stdin === undefined ? 'standard input was not read' : stdin.problem, 'pipe the manifests in as UTF-8 text (helm template ... | dvpc check -)'));
    } else {
      const parsed = parseManifestText(stdin.text, STDIN_NAME);
      for (const o of parsed.objects) resources.push(toResource(o.body, o.origin, namespace));
      append(diagnostics, parsed.diagnostics);
    }
  }
  return { resources, diagnostics, files };
}

/** The baseline of a check: a folder, or the same paths at a git ref, or none. */
export function loadBaseline(paths: readonly string[], options: CheckOptions, namespace: string): { resources: Resource[]; diagnostics: Diagnostic[] } | undefined {
  if (options.baseline !== undefined) return loadResources([options.baseline], namespace);
  if (options.baselineRef === undefined) return undefined;
  const resources: Resource[] = [];
  const diagnostics: Diagnostic[] = [];
  // Standard input has no history in git.
  for (const p of paths.filter((x) => x !== '-')) {
    const loaded = loadFromGit(options.baselineRef, p);
    for (const o of loaded.objects) resources.push(toResource(o.body, o.origin, namespace));
    append(diagnostics, loaded.diagnostics);
  }
  return { resources, diagnostics };
}

/** The model of a cluster's desired state read from files, with its inventory and baseline. */
export function modelOfPaths(paths: readonly string[], options: CheckOptions = {}): { model: ClusterModel; diagnostics: Diagnostic[] } {
  const namespace = options.namespace ?? 'default';
  // One session: the baseline's files that equal the desired ones are parsed once and share bodies.
  const withBaseline = options.baseline !== undefined || options.baselineRef !== undefined;
  const { input, baseline } = readingSession(() => ({ input: loadResources(paths, namespace, options.stdin), baseline: loadBaseline(paths, options, namespace) }), { documents: withBaseline });
  const inventory = options.inventory !== undefined ? loadInventory(options.inventory) : undefined;
  const model = new ClusterModel(input.resources, { inventory, baseline: baseline?.resources, files: input.files });
  return { model, diagnostics: [...input.diagnostics, ...(inventory?.diagnostics ?? []), ...(baseline?.diagnostics ?? [])] };
}

