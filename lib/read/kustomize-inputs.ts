/**
 * What kustomize would read beyond what the walk reads. Flux runs `kubectl kustomize` on the
 * folders dvpc checks, so a kustomization that lists `evil.txt` applies it: what kustomize would
 * apply must be what dvpc checks, or dvpc must say it cannot check it (SPEC §2, §6 DVP001).
 *
 * - A local entry (resources, components, patches...) that the walk did not take (another
 *   extension, a hidden name) is taken as if it were a PATH: the same reader, the same rules
 *   (inside the roots, regular files, the size bound). One already taken is not read again.
 * - A remote entry, or one outside the roots, or one that is not there, is recorded, never
 *   fetched or read: the checks say kustomize would apply content dvpc cannot check.
 * - The files of a ConfigMap generator are read (bounded, never shown) so that the checks can
 *   look for keys in them; a Secret generator is a secret in clear whatever its files hold, so
 *   its files are not read at all.
 */
import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { FieldPath, JsonObject } from '../core/json.ts';
import { isJsonObject } from '../core/json.ts';
import type { Origin } from '../core/resource.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { displayPath, isInside, KERNEL_FILES, MAX_FILE_BYTES, readRegularFile, utf8Text, walkFiles, type FoundFile, type Walk } from './files.ts';
import { isKustomizationFile, isKustomizeConfig, KUSTOMIZATION_NAMES, kustomizeConfig, type GeneratorEntry, type KustomizeConfig, type Listed } from './kustomize-config.ts';
import { parseDocuments } from './yaml.ts';

/** Why an entry's content cannot be checked. */
export type Unreachable = Listed & {
  /**
   * remote: kustomize fetches it; outside: it lies outside the checked paths; missing: it is not
   * there (kustomize takes it for a remote base, or fails); unreadable: dvpc refuses to read it.
   */
  readonly why: 'remote' | 'outside' | 'missing' | 'unreadable';
  /** For unreadable: why, as the reader says it (never the content). */
  readonly detail?: string | undefined;
  /** The generator that would hold its content. */
  readonly generator?: GeneratorEntry | undefined;
};

/** The text of one file a ConfigMap generator reads: checked for keys, never shown. */
export interface GeneratedContent {
  readonly generator: GeneratorEntry;
  readonly path: FieldPath;
  /** The entry as the kustomization writes it (a file or a folder). */
  readonly ref: string;
  readonly text: string;
}

/** One kustomize configuration document, and where its entries lead. */
export interface KustomizationInput {
  /** The kustomization file, as diagnostics name it. */
  readonly file: string;
  readonly body: JsonObject;
  readonly origin: Origin;
  readonly config: KustomizeConfig;
  readonly unreachable: readonly Unreachable[];
  readonly contents: readonly GeneratedContent[];
}

export interface Inputs {
  readonly files: readonly FoundFile[];
  readonly kustomizations: readonly KustomizationInput[];
}

/** References kustomize fetches: a URL, go-getter's `git::`, `gh:`, scp-like `git@host:`. */
const SCHEME_REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git::|gh:|[\w.-]+@[\w.-]+:)/i;
/** `github.com/org/repo//path?ref=v1`: a host for a first segment, when nothing local has the name. */
const HOST_REMOTE = /^[\w-]+(?:\.[\w-]+)+(?::\d+)?\//;
/** A ConfigMap larger than this is refused by the API server: no generator file needs more. */
const MAX_GENERATED_BYTES = 1024 * 1024;
/** Generated content read per run: keeps a kustomization naming one file a million times cheap. */
const MAX_GENERATED_TOTAL = MAX_FILE_BYTES;

type Located = { readonly real: string; readonly st: Stats } | { readonly why: Unreachable['why']; readonly detail?: string };

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? 'an unknown error';
}

/**
 * Where an entry of a kustomization in `dir` (a real path) leads, as kustomize resolves it:
 * locally first, relative to the kustomization's folder; the target never leaves the roots.
 */
function locate(dir: string, ref: string, roots: readonly string[]): Located {
  if (SCHEME_REMOTE.test(ref)) return { why: 'remote' };
  const at = isAbsolute(ref) ? ref : join(dir, ref);
  let real: string;
  let st: Stats | undefined;
  try {
    // Missing entries cost no exception each: a hostile list of thousands stays cheap.
    st = statSync(at, { throwIfNoEntry: false });
    if (st === undefined) return { why: HOST_REMOTE.test(ref) ? 'remote' : 'missing' };
    real = realpathSync.native(at);
  } catch (e) {
    const code = errCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { why: HOST_REMOTE.test(ref) ? 'remote' : 'missing' };
    return { why: 'unreadable', detail: `cannot read: ${code}` };
  }
  // stat and realpath open nothing: nothing of a target outside the roots is read.
  if (!roots.some((r) => isInside(real, r)) || KERNEL_FILES.test(real)) return { why: 'outside' };
  return { real, st };
}

/** Reads generated content once per file and within the run's budget. */
class ContentReader {
  private readonly texts = new Map<string, string>();
  private total = 0;

  read(real: string): { text: string } | { detail: string } {
    const known = this.texts.get(real);
    if (known !== undefined) return { text: known };
    if (this.total >= MAX_GENERATED_TOTAL) return { detail: `more generated content than dvpc reads in one run (${MAX_GENERATED_TOTAL / 1024 / 1024} MiB)` };
    const read = readRegularFile(real, MAX_GENERATED_BYTES);
    if (!read.ok) return { detail: read.message };
    this.total += read.bytes.length;
    // Key markers are ASCII: latin1 keeps every byte, so binary content is scanned as well.
    const text = read.bytes.toString('latin1');
    this.texts.set(real, text);
    return { text };
  }
}

/** The files a ConfigMap generator's `files` and `envs` name: their content, or why not. */
function generatorContent(g: GeneratorEntry, dir: string, roots: readonly string[], reader: ContentReader, unreachable: Unreachable[], contents: GeneratedContent[]): void {
  const take = (entry: Listed, real: string) => {
    const r = reader.read(real);
    if ('text' in r) contents.push({ generator: g, path: entry.path, ref: entry.ref, text: r.text });
    else unreachable.push({ ...entry, why: 'unreadable', detail: r.detail, generator: g });
  };
  for (const entry of [...g.files, ...g.envs]) {
    const at = locate(dir, entry.ref, roots);
    if ('why' in at) {
      unreachable.push({ ...entry, ...at, generator: g });
    } else if (at.st.isDirectory()) {
      // kustomize makes one key of each file in the folder (not below it).
      let names: string[];
      try {
        names = readdirSync(at.real).sort();
      } catch (e) {
        unreachable.push({ ...entry, why: 'unreadable', detail: `cannot list folder: ${errCode(e)}`, generator: g });
        continue;
      }
      for (const name of names) {
        const inner = locate(at.real, name, roots);
        if ('why' in inner) {
          if (inner.why !== 'missing') unreachable.push({ ...entry, ...inner, generator: g });
        } else if (inner.st.isFile()) {
          take(entry, inner.real);
        }
      }
    } else {
      take(entry, at.real);
    }
  }
}

/** Follows one kustomization file: takes what it lists into the walk, records what cannot be. */
function follow(file: FoundFile, walk: Walk, roots: readonly string[], reader: ContentReader): KustomizationInput[] {
  const read = readRegularFile(file.real);
  // A file that cannot be read or parsed is DVP001 when it is read as a manifest.
  const text = read.ok ? utf8Text(read.bytes) : undefined;
  if (text === undefined) return [];
  const shown = displayPath(file.path);
  const dir = dirname(file.real);
  const out: KustomizationInput[] = [];
  for (const doc of parseDocuments(text, shown)) {
    if (!isJsonObject(doc.value) || !isKustomizeConfig(doc.value, file.path)) continue;
    const config = kustomizeConfig(doc.value);
    const unreachable: Unreachable[] = [];
    const contents: GeneratedContent[] = [];
    for (const entry of config.listed) {
      // The common case, dvpc's own output: a file of the same folder, already taken.
      if (!isAbsolute(entry.ref) && walk.has(join(dir, entry.ref))) continue;
      const at = locate(dir, entry.ref, roots);
      if ('why' in at) unreachable.push({ ...entry, ...at });
      else if (!walk.has(at.real)) walk.add(isAbsolute(entry.ref) ? entry.ref : join(dirname(file.path), entry.ref), at.real, at.st, file.path);
    }
    for (const g of config.generators) if (g.kind === 'ConfigMap') generatorContent(g, dir, roots, reader, unreachable, contents);
    out.push({ file: shown, body: doc.value, origin: doc.origin, config, unreachable, contents });
  }
  return out;
}

/**
 * Every file under the paths (as `walkFiles` lists them, and kustomize's `Kustomization`),
 * with what their kustomizations list. `roots` are all the PATHs of the run: an entry may lead
 * into another PATH, never out of them.
 */
export function listInputs(paths: readonly string[], diagnostics: Diagnostic[], roots: readonly string[]): Inputs {
  const realRoots: string[] = [];
  for (const r of roots) {
    try {
      realRoots.push(realpathSync(r));
    } catch {
      // A PATH that does not exist is reported when it is walked.
    }
  }
  const kustomizations: KustomizationInput[] = [];
  const reader = new ContentReader();
  const files = walkFiles(paths, diagnostics, {
    alsoRead: (name) => KUSTOMIZATION_NAMES.includes(name),
    found: (file, walk) => {
      if (isKustomizationFile(file.path)) for (const k of follow(file, walk, realRoots, reader)) kustomizations.push(k);
    },
  });
  return { files, kustomizations };
}
