/**
 * `Testing`: for a platform team's own tests of its stacks, as cdk8s's `Testing.synth` is for a
 * chart. It renders an app in memory through the same pipeline as `dvpc synth` (every check, the
 * same layout, nothing written) and hands back the objects by the file they would land in, and
 * every diagnostic, the constructors' problems and the checks' findings alike.
 */
import { App } from 'cdk8s';
import { synthesize, type SynthOptions } from './synth.ts';
import { parseManifestText } from './read/yaml.ts';
import type { JsonObject } from './core/resource.ts';
import type { Diagnostic } from './core/diagnostic.ts';

/** What `Testing.synth` renders. */
export interface TestSynth {
  /**
   * The rendered objects of each file, by its path under the output folder
   * (`lab/namespaces/demo/virtual-machines.yaml`); `kustomization.yaml` files are left out.
   */
  readonly files: ReadonlyMap<string, readonly JsonObject[]>;
  /** Every rendered object, file by file in path order. */
  readonly objects: readonly JsonObject[];
  /** Every diagnostic of the run, in the order `dvpc synth` reports them. */
  readonly diagnostics: readonly Diagnostic[];
  /** The diagnostics of severity error: what would stop `dvpc synth`. */
  readonly errors: readonly Diagnostic[];
  /**
   * The rendered object of this kind and name (and namespace, for a namespaced kind that has the
   * name in several), or undefined.
   */
  find(kind: string, name: string, namespace?: string): JsonObject | undefined;
}

/** Options of `Testing.synth`: those of a synth run that make sense in memory. */
export interface TestingOptions {
  /**
   * Codes whose errors become warnings for this run (`--allow`).
   * @default none
   */
  readonly allow?: readonly string[];
  /**
   * The previous output root (e.g. a committed `dist/`), for the baseline checks.
   * @default no baseline: DVP601-DVP604 are skipped
   */
  readonly baseline?: string;
}

function metadataOf(o: JsonObject): { name?: unknown; namespace?: unknown } {
  const m = o['metadata'];
  return m !== null && typeof m === 'object' && !Array.isArray(m) ? (m as { name?: unknown; namespace?: unknown }) : {};
}

export const Testing = {
  /** A new, empty cdk8s App to build a stack in. */
  app(): App {
    return new App();
  },

  /** Renders and checks the app in memory: its objects by file, and every diagnostic. */
  synth(app: App, options: TestingOptions = {}): TestSynth {
    const synthOptions: SynthOptions = { dryRun: true, outdir: 'dist', allow: new Set(options.allow ?? []), baseline: options.baseline };
    const result = synthesize(app, synthOptions);
    const files = new Map<string, JsonObject[]>();
    for (const [path, text] of [...result.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (path.endsWith('/kustomization.yaml') || path === 'kustomization.yaml') continue;
      files.set(path, parseManifestText(text, path).objects.map((o) => o.body));
    }
    const objects = [...files.values()].flat();
    const diagnostics = [...result.clusters.flatMap((c) => c.report.diagnostics), ...result.appDiagnostics];
    return {
      files,
      objects,
      diagnostics,
      errors: diagnostics.filter((d) => d.severity === 'error'),
      find(kind, name, namespace) {
        return objects.find((o) => {
          const meta = metadataOf(o);
          return o['kind'] === kind && meta.name === name && (namespace === undefined || meta.namespace === namespace);
        });
      },
    };
  },
} as const;
