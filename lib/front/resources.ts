/**
 * The YAML front door's entry: files and folders become Resources, and a baseline (a folder, or
 * the same paths at a git ref). Which cluster each belongs to is clusters.ts's.
 */
import { append } from '../core/append.ts';
import { toResource, type Resource } from '../core/resource.ts';
import type { Edition } from '../inventory/types.ts';
import { loadFromGit } from '../read/git.ts';
import { loadManifests } from '../read/files.ts';
import { parseManifestText } from '../read/yaml.ts';
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
  /** The module's edition, when the user says it (`--edition`). */
  readonly edition?: Edition | undefined;
  /** A cluster checked without an inventory (or one without nodes) is an error, not a skip. */
  readonly requireInventory?: boolean;
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
