/**
 * What a kustomization file asks kustomize to build, as data: the local or remote things it lists
 * and the Secrets and ConfigMaps it generates. Flux runs `kubectl kustomize` on the folders dvpc
 * checks, so what those files pull in or generate is part of the desired state (SPEC §2, §6
 * DVP001 and DVP701). Pure: finding and reading what an entry names is kustomize-inputs.ts's.
 */
import type { FieldPath, Json, JsonObject } from '../core/json.ts';
import { isJsonObject } from '../core/json.ts';

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

/** A path (or a remote reference) a kustomization lists, and the field that lists it. */
export interface Listed {
  readonly path: FieldPath;
  readonly ref: string;
}

/** One `secretGenerator` or `configMapGenerator` entry. */
export interface GeneratorEntry {
  readonly kind: 'Secret' | 'ConfigMap';
  /** `secretGenerator[2]`. */
  readonly path: FieldPath;
  readonly name: string | undefined;
  /** `key=value` literals: the value is generated content (never shown). */
  readonly literals: readonly { readonly path: FieldPath; readonly text: string }[];
  /** `files` (`[key=]path`, the path part) and `envs` (with the older single `env`). */
  readonly files: readonly Listed[];
  readonly envs: readonly Listed[];
}

export interface KustomizeConfig {
  /** Everything whose content kustomize adds to the build: resources, components, patches... */
  readonly listed: readonly Listed[];
  readonly generators: readonly GeneratorEntry[];
}

/**
 * Fields whose entries are paths (or remote references) of content kustomize reads into the
 * build. `bases` is the older spelling of `resources`; generators, transformers and validators
 * name files of plugin configuration (a builtin SecretGenerator among them). An entry that spans
 * lines is inline content, not a path: it is in the kustomization file itself.
 */
const LISTS = ['resources', 'bases', 'components', 'crds', 'patchesStrategicMerge', 'generators', 'transformers', 'validators'] as const;
/** Fields whose entries are mappings with a `path`. */
const PATCH_LISTS = ['patches', 'patchesJson6902'] as const;

function strings(value: Json | undefined, path: FieldPath): { path: FieldPath; text: string }[] {
  if (!Array.isArray(value)) return [];
  const out: { path: FieldPath; text: string }[] = [];
  value.forEach((v, i) => {
    if (typeof v === 'string') out.push({ path: [...path, i], text: v });
  });
  return out;
}

/** A single-line, non-empty string: a path or a remote reference, not inline content. */
function isReference(text: string): boolean {
  return text.trim().length > 0 && !text.includes('\n');
}

/** `files: [key=path]`: kustomize cuts at the first `=`. */
function filePart(entry: string): string {
  const eq = entry.indexOf('=');
  return eq >= 0 ? entry.slice(eq + 1) : entry;
}

function generator(kind: 'Secret' | 'ConfigMap', body: Json | undefined, path: FieldPath): GeneratorEntry | undefined {
  if (!isJsonObject(body)) return undefined;
  const name = body['name'];
  const env = body['env'];
  return {
    kind,
    path,
    name: typeof name === 'string' ? name : undefined,
    literals: strings(body['literals'], [...path, 'literals']),
    files: strings(body['files'], [...path, 'files']).filter((s) => isReference(s.text)).map((s) => ({ path: s.path, ref: filePart(s.text).trim() })),
    envs: [
      ...strings(body['envs'], [...path, 'envs']).filter((s) => isReference(s.text)).map((s) => ({ path: s.path, ref: s.text.trim() })),
      ...(typeof env === 'string' && isReference(env) ? [{ path: [...path, 'env'], ref: env.trim() }] : []),
    ],
  };
}

/** What one kustomize configuration document lists and generates. Malformed fields are skipped: kustomize refuses them. */
export function kustomizeConfig(body: JsonObject): KustomizeConfig {
  const listed: Listed[] = [];
  for (const field of LISTS) {
    for (const s of strings(body[field], [field])) if (isReference(s.text)) listed.push({ path: s.path, ref: s.text.trim() });
  }
  for (const field of PATCH_LISTS) {
    const list = body[field];
    if (!Array.isArray(list)) continue;
    list.forEach((p, i) => {
      const ref = isJsonObject(p) ? p['path'] : undefined;
      if (typeof ref === 'string' && isReference(ref)) listed.push({ path: [field, i, 'path'], ref: ref.trim() });
    });
  }
  const generators: GeneratorEntry[] = [];
  for (const [field, kind] of [['secretGenerator', 'Secret'], ['configMapGenerator', 'ConfigMap']] as const) {
    const list = body[field];
    if (!Array.isArray(list)) continue;
    list.forEach((g, i) => {
      const entry = generator(kind, g, [field, i]);
      if (entry) generators.push(entry);
    });
  }
  return { listed, generators };
}

/** The fields kustomizeConfig reads generators from: other checks of the file leave them to it. */
export const GENERATOR_FIELDS: readonly string[] = ['secretGenerator', 'configMapGenerator'];
