/**
 * What a kustomization file asks kustomize to build, as data: the local or remote things it lists,
 * the patches it applies, the Secrets and ConfigMaps it generates, the plugins and charts it runs,
 * its replacements and the files of its own configuration (`configurations`, `openapi.path`).
 * Flux runs `kubectl kustomize` on the folders dvpc checks, so all of it is part of the desired
 * state (SPEC §2, §6 DVP001 and DVP701). Pure: finding and reading what an entry names is
 * kustomize-inputs.ts's; plugin configurations are plugin-config.ts's.
 *
 * Every entry is taken exactly as kustomize takes it: never trimmed (kustomize reads `evil.txt `
 * with its space), a newline inside a path is part of the path, and where kustomize guesses
 * between inline content and a path (patchesStrategicMerge, generators, transformers) it guesses
 * the same way (readsAsResources).
 */
import type { FieldPath, Json, JsonObject } from '../core/json.ts';
import { isJsonObject } from '../core/json.ts';
import { parseValues } from './yaml.ts';

/** The file names kustomize looks for in a folder, in its own order. */
export const KUSTOMIZATION_NAMES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Whether a file (by its path) is a folder's kustomization file. */
export function isKustomizationFile(path: string): boolean {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  return KUSTOMIZATION_NAMES.includes(base);
}

const KUSTOMIZE_GROUP = 'kustomize.config.k8s.io/';

/**
 * Whether a document configures a kustomize build rather than being an object of the cluster:
 * anything of kustomize.config.k8s.io, and in a kustomization file also a Kustomization or
 * Component without apiVersion (or without either), which kustomize reads the same way.
 */
export function isKustomizeConfig(body: JsonObject, file: string): boolean {
  const apiVersion = body['apiVersion'];
  if (typeof apiVersion === 'string' && apiVersion.startsWith(KUSTOMIZE_GROUP)) return true;
  if (apiVersion !== undefined || !isKustomizationFile(file)) return false;
  const kind = body['kind'];
  return kind === undefined || kind === 'Kustomization' || kind === 'Component';
}

/** A path (or a remote reference) a kustomization lists, exactly as written, and the field that lists it. */
export interface Listed {
  readonly path: FieldPath;
  readonly ref: string;
}

/** One generated Secret or ConfigMap: a `secretGenerator` or `configMapGenerator` entry, or a generator plugin. */
export interface GeneratorEntry {
  readonly kind: 'Secret' | 'ConfigMap';
  /** Where it is reported: `secretGenerator[2]`, or the `generators` entry of a plugin. */
  readonly path: FieldPath;
  readonly name: string | undefined;
  /** `key=value` literals: the value is generated content (never shown). */
  readonly literals: readonly { readonly path: FieldPath; readonly key: string; readonly text: string }[];
  /** `files`: `[key=]path`, the path part. */
  readonly files: readonly (Listed & { readonly key: string })[];
  /** `files` entries kustomize refuses (more than one `=`, an empty key or path): the build fails. */
  readonly refused: readonly Listed[];
  /** `envs` (with the older single `env`). */
  readonly envs: readonly Listed[];
}

/** A patch written in the kustomization (or a plugin configuration): its text and its target selector. */
export interface InlinePatch {
  readonly path: FieldPath;
  readonly text: string;
  readonly target: Json | undefined;
}

/** A patch file a kustomization (or a plugin configuration) names. */
export type PatchFile = Listed & { readonly target: Json | undefined };

export type PluginField = 'generators' | 'transformers' | 'validators';

/** A Helm chart kustomize would render (`helmCharts`, `helmChartInflationGenerator`). */
export interface HelmChart {
  readonly path: FieldPath;
  readonly name: string | undefined;
  readonly repo: string | undefined;
}

/** A replacement written in the kustomization (or a ReplacementTransformer's configuration). */
export interface InlineReplacement {
  readonly path: FieldPath;
  readonly body: JsonObject;
}

export interface KustomizeConfig {
  /** What kustomize builds into objects: resources (and `bases`), components, crds. */
  readonly resources: readonly Listed[];
  readonly patchFiles: readonly PatchFile[];
  readonly inlinePatches: readonly InlinePatch[];
  /** Plugin configuration files, and configurations written inline. */
  readonly pluginFiles: readonly (Listed & { readonly field: PluginField })[];
  readonly inlinePlugins: readonly { readonly path: FieldPath; readonly text: string; readonly field: PluginField }[];
  readonly generators: readonly GeneratorEntry[];
  readonly charts: readonly HelmChart[];
  /** `replacements` entries: written inline, or files of replacements (`path`). */
  readonly inlineReplacements: readonly InlineReplacement[];
  readonly replacementFiles: readonly Listed[];
  /** Files of kustomize's own configuration, no objects: `configurations` (field specs), `openapi.path` (a schema). */
  readonly configFiles: readonly Listed[];
}

/**
 * Entries of one kustomization that dvpc follows. kustomize's own build time makes larger lists
 * unusable long before this; beyond it the rest is reported as not checked (DVP001).
 */
export const MAX_ENTRIES = 10_000;

/** Counts a kustomization's entries against MAX_ENTRIES; remembers the first one refused. */
export class EntryBudget {
  private taken = 0;
  /** The first entry not taken, and how many were not. */
  cut: { path: FieldPath; rest: number } | undefined;

  take(path: FieldPath): boolean {
    if (this.taken < MAX_ENTRIES) {
      this.taken++;
      return true;
    }
    if (this.cut) this.cut.rest++;
    else this.cut = { path, rest: 1 };
    return false;
  }
}

/** The string entries of a list, with their paths, as far as the budget goes. */
function strings(value: Json | undefined, path: FieldPath, budget: EntryBudget): { path: FieldPath; text: string }[] {
  if (!Array.isArray(value)) return [];
  const out: { path: FieldPath; text: string }[] = [];
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (typeof v === 'string' && budget.take([...path, i])) out.push({ path: [...path, i], text: v });
  }
  return out;
}

/**
 * kustomize's test for an entry that may be either (patchesStrategicMerge, generators,
 * transformers, validators): it is inline content when it reads as resources (every document a
 * mapping with a kind and, unless a List, a metadata.name; a List's items likewise), else a path.
 * `p.yaml`, `x: y` and `evil\ntxt` are paths; `{kind: Secret, metadata: {name: s}}` is content.
 */
export function readsAsResources(text: string): boolean {
  const parsed = parseValues(text);
  if (!parsed.ok) return false;
  const stack: Json[] = [...parsed.values];
  while (stack.length > 0) {
    const v = stack.pop() as Json;
    if (v === null) continue;
    if (!isJsonObject(v)) return false;
    const kind = v['kind'];
    if (typeof kind !== 'string' || kind === '') return false;
    if (kind.endsWith('List')) {
      const items = v['items'];
      if (Array.isArray(items)) stack.push(...items);
      else if (items !== undefined && items !== null) return false;
      continue;
    }
    const meta = v['metadata'];
    const name = isJsonObject(meta) ? meta['name'] : undefined;
    if (typeof name !== 'string' || name === '') return false;
  }
  return true;
}

/**
 * A `files` entry as kustomize's ParseFileSource reads it: no `=` is a path (its base name the
 * key), one `=` inside cuts key and path, anything else is refused.
 */
export function fileSource(entry: string): { key: string; file: string } | undefined {
  const eq = entry.indexOf('=');
  if (eq < 0) return { key: entry.slice(entry.lastIndexOf('/') + 1), file: entry };
  if (eq === 0 || eq === entry.length - 1 || entry.indexOf('=', eq + 1) >= 0) return undefined;
  return { key: entry.slice(0, eq), file: entry.slice(eq + 1) };
}

/** One generator's fields (a kustomization's entry or a builtin generator plugin's configuration). */
export function generatorEntry(kind: 'Secret' | 'ConfigMap', body: JsonObject, path: FieldPath, budget: EntryBudget, at?: FieldPath): GeneratorEntry {
  // A plugin configuration lives in another text: everything is reported on its entry (`at`).
  const where = (p: FieldPath) => at ?? p;
  const name = isJsonObject(body['metadata']) && at !== undefined ? body['metadata']['name'] : body['name'];
  const files: (Listed & { key: string })[] = [];
  const refused: Listed[] = [];
  for (const s of strings(body['files'], [...path, 'files'], budget)) {
    const source = fileSource(s.text);
    if (source) files.push({ path: where(s.path), ref: source.file, key: source.key });
    else refused.push({ path: where(s.path), ref: s.text });
  }
  const env = body['env'];
  const envs = strings(body['envs'], [...path, 'envs'], budget).map((s) => ({ path: where(s.path), ref: s.text }));
  if (typeof env === 'string' && budget.take([...path, 'env'])) envs.push({ path: where([...path, 'env']), ref: env });
  const literals = strings(body['literals'], [...path, 'literals'], budget).map((s) => {
    // kustomize cuts a literal at its first `=`.
    const eq = s.text.indexOf('=');
    return { path: where(s.path), key: eq < 0 ? s.text : s.text.slice(0, eq), text: eq < 0 ? '' : s.text.slice(eq + 1) };
  });
  return { kind, path: at ?? path, name: typeof name === 'string' ? name : undefined, literals, files, refused, envs };
}

/** Fields whose entries are paths (or remote references) of content kustomize builds into objects. `bases` is the older `resources`. */
const RESOURCE_LISTS = ['resources', 'bases', 'components', 'crds'] as const;
const PLUGIN_LISTS = ['generators', 'transformers', 'validators'] as const;

function patchEntries(body: JsonObject, budget: EntryBudget, patchFiles: PatchFile[], inlinePatches: InlinePatch[]): void {
  // `patches` and `patchesJson6902`: mappings with either a path or the patch itself.
  for (const field of ['patches', 'patchesJson6902'] as const) {
    const list = body[field];
    if (!Array.isArray(list)) continue;
    list.forEach((p, i) => {
      if (!isJsonObject(p) || !budget.take([field, i])) return;
      const target = p['target'];
      if (typeof p['path'] === 'string' && p['path'] !== '') patchFiles.push({ path: [field, i, 'path'], ref: p['path'], target });
      if (typeof p['patch'] === 'string') inlinePatches.push({ path: [field, i, 'patch'], text: p['patch'], target });
    });
  }
  for (const s of strings(body['patchesStrategicMerge'], ['patchesStrategicMerge'], budget)) {
    if (readsAsResources(s.text)) inlinePatches.push({ path: s.path, text: s.text, target: undefined });
    else patchFiles.push({ path: s.path, ref: s.text, target: undefined });
  }
}

/**
 * A `replacements` list (a kustomization's, or a ReplacementTransformer's at `at`): an entry with
 * a `path` names a file of replacements, one with `source`/`targets` is a replacement itself.
 */
export function replacementEntries(list: Json | undefined, path: FieldPath, budget: EntryBudget, files: Listed[], inline: InlineReplacement[], at?: FieldPath): void {
  if (!Array.isArray(list)) return;
  list.forEach((r, i) => {
    if (!isJsonObject(r) || !budget.take([...path, i])) return;
    const file = r['path'];
    if (typeof file === 'string' && file !== '') files.push({ path: at ?? [...path, i, 'path'], ref: file });
    else inline.push({ path: at ?? [...path, i], body: r });
  });
}

function helmCharts(body: JsonObject, budget: EntryBudget): HelmChart[] {
  const out: HelmChart[] = [];
  for (const field of ['helmCharts', 'helmChartInflationGenerator'] as const) {
    const list = body[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c, i) => {
      if (!budget.take([field, i])) return;
      const name = isJsonObject(c) ? (c['name'] ?? c['chartName']) : undefined;
      const repo = isJsonObject(c) ? (c['repo'] ?? c['chartRepoUrl']) : undefined;
      out.push({ path: [field, i], name: typeof name === 'string' ? name : undefined, repo: typeof repo === 'string' ? repo : undefined });
    });
  }
  return out;
}

/** What one kustomize configuration document lists and generates. Malformed fields are skipped: kustomize refuses them. */
export function kustomizeConfig(body: JsonObject, budget = new EntryBudget()): KustomizeConfig {
  const resources: Listed[] = [];
  for (const field of RESOURCE_LISTS) for (const s of strings(body[field], [field], budget)) resources.push({ path: s.path, ref: s.text });
  const patchFiles: PatchFile[] = [];
  const inlinePatches: InlinePatch[] = [];
  patchEntries(body, budget, patchFiles, inlinePatches);
  const pluginFiles: (Listed & { field: PluginField })[] = [];
  const inlinePlugins: { path: FieldPath; text: string; field: PluginField }[] = [];
  for (const field of PLUGIN_LISTS) {
    for (const s of strings(body[field], [field], budget)) {
      if (readsAsResources(s.text)) inlinePlugins.push({ path: s.path, text: s.text, field });
      else pluginFiles.push({ path: s.path, ref: s.text, field });
    }
  }
  const generators: GeneratorEntry[] = [];
  for (const [field, kind] of [['secretGenerator', 'Secret'], ['configMapGenerator', 'ConfigMap']] as const) {
    const list = body[field];
    if (!Array.isArray(list)) continue;
    list.forEach((g, i) => {
      if (isJsonObject(g) && budget.take([field, i])) generators.push(generatorEntry(kind, g, [field, i], budget));
    });
  }
  const replacementFiles: Listed[] = [];
  const inlineReplacements: InlineReplacement[] = [];
  replacementEntries(body['replacements'], ['replacements'], budget, replacementFiles, inlineReplacements);
  const configFiles: Listed[] = strings(body['configurations'], ['configurations'], budget).map((s) => ({ path: s.path, ref: s.text }));
  const openapi = body['openapi'];
  if (isJsonObject(openapi) && typeof openapi['path'] === 'string' && openapi['path'] !== '' && budget.take(['openapi', 'path'])) configFiles.push({ path: ['openapi', 'path'], ref: openapi['path'] });
  return { resources, patchFiles, inlinePatches, pluginFiles, inlinePlugins, generators, charts: helmCharts(body, budget), inlineReplacements, replacementFiles, configFiles };
}
