/**
 * What kustomize would read beyond what the walk reads. Flux runs `kubectl kustomize` on the
 * folders dvpc checks, so a kustomization that lists `evil.txt` applies it: what kustomize would
 * apply must be what dvpc checks, or dvpc must say it cannot check it (SPEC §2, §6 DVP001).
 *
 * - A resource (resources, bases, components, crds) that the walk did not take (another
 *   extension, a hidden name) is taken as if it were a PATH: the same reader, the same rules
 *   (inside the roots, regular files, the size bound). One already taken is not read again.
 * - Patch files, plugin configurations and the files a ConfigMap generator reads are read here
 *   (bounded, once per file, never shown) for the checks to scan. They are not objects of the
 *   cluster: `notObjects` names them, so that the walk's reading of a `.yaml` patch does not
 *   report a partial VirtualMachine as a broken one.
 * - Files of kustomize's own configuration (`configurations`, `openapi.path`, files of
 *   `replacements`) are read likewise: configuration, never objects (replacements are checked
 *   for what they copy into Secrets).
 * - A Secret generator is a secret in clear whatever its files hold: its files are not read.
 * - A remote entry, one outside the roots (or reached through a link the walk refuses), one that
 *   is not there, is recorded, never fetched or read: the checks say dvpc cannot check it.
 * - Every local entry is recorded with where it leads (`resolved`), for the front to check that it
 *   stays within its cluster.
 */
import { realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { FieldPath, Json, JsonObject } from '../core/json.ts';
import { isJsonObject } from '../core/json.ts';
import type { Origin } from '../core/resource.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { displayPath, isInside, KERNEL_FILES, MAX_FILE_BYTES, readRegularFile, utf8Text, walkFiles, type FoundFile, type Walk } from './files.ts';
import { EntryBudget, isKustomizationFile, isKustomizeConfig, KUSTOMIZATION_NAMES, kustomizeConfig, type GeneratorEntry, type KustomizeConfig, type Listed } from './kustomize-config.ts';
import { emptyPluginContent, pluginContent, type PluginContent } from './plugin-config.ts';
import { parseDocuments, parseValues } from './yaml.ts';

/** Why an entry's content cannot be checked. */
export type Unreachable = Listed & {
  /**
   * remote: kustomize fetches it; outside: it lies outside the checked paths; missing: it is not
   * there (kustomize takes it for a remote base, or fails); unreadable: dvpc refuses to read it;
   * folder: a folder where kustomize wants a file (the build fails); refused: kustomize refuses
   * the entry itself; cluster: it leads into another cluster's folder (the front decides).
   */
  readonly why: 'remote' | 'outside' | 'missing' | 'unreadable' | 'folder' | 'refused' | 'cluster';
  /** For unreadable: why, as the reader says it (never the content); for cluster: where it leads. */
  readonly detail?: string | undefined;
  /** The generator that would hold its content. */
  readonly generator?: GeneratorEntry | undefined;
};

/** A local entry and where it really leads. */
export type Resolved = Listed & { readonly real: string; readonly folder: boolean };

/** The content of one file a ConfigMap generator reads: checked for keys, never shown. */
export interface GeneratedContent {
  readonly generator: GeneratorEntry;
  readonly path: FieldPath;
  /** The entry as the kustomization writes it. */
  readonly ref: string;
  /** The data key (`files`); undefined for an env file, whose lines are keys of their own. */
  readonly key: string | undefined;
  /** UTF-8 text, or base64 of bytes that are not (kustomize puts those in binaryData). */
  readonly text: string;
  readonly binary: boolean;
}

/** A patch to apply: written in the kustomization or a plugin configuration, or read from a file. */
export interface PatchText {
  readonly path: FieldPath;
  /** The file it was read from, as the kustomization names it. */
  readonly ref: string | undefined;
  readonly text: string;
  readonly target: unknown;
}

/** Replacements on the entry that brings them: one written inline, or those of a file. */
export interface ReplacementsAt {
  readonly path: FieldPath;
  /** The file they were read from, as the kustomization names it. */
  readonly ref: string | undefined;
  readonly bodies: readonly JsonObject[];
}

/** A file of kustomize configuration (configurations, openapi, replacements): scanned for secrets, never an object. */
export interface ConfigText {
  readonly path: FieldPath;
  readonly ref: string;
  readonly text: string;
}

/** One kustomize configuration document, and where its entries lead. */
export interface KustomizationInput {
  /** The kustomization file, as diagnostics name it. */
  readonly file: string;
  /** The file as the walk found it, and where it really is. */
  readonly found: FoundFile;
  readonly body: JsonObject;
  readonly origin: Origin;
  readonly config: KustomizeConfig;
  /** What its plugin configurations (inline or in files) add. */
  readonly plugins: PluginContent;
  readonly unreachable: readonly Unreachable[];
  readonly resolved: readonly Resolved[];
  readonly contents: readonly GeneratedContent[];
  readonly patches: readonly PatchText[];
  readonly replacements: readonly ReplacementsAt[];
  readonly configTexts: readonly ConfigText[];
  /** The first entry past MAX_ENTRIES, and how many were not followed. */
  readonly cut: { readonly path: FieldPath; readonly rest: number } | undefined;
  /** The file is larger than dvpc follows: nothing of it was. */
  readonly tooLarge: boolean;
}

export interface Inputs {
  readonly files: readonly FoundFile[];
  readonly kustomizations: readonly KustomizationInput[];
  /** Files (real paths) some kustomization reads as a patch, generator input or plugin configuration. */
  readonly notObjects: ReadonlySet<string>;
  /** Files (real paths) some kustomization lists as a resource: objects whatever else lists them. */
  readonly asResource: ReadonlySet<string>;
}

/** References kustomize fetches: a URL, go-getter's `git::`, `gh:`, scp-like `git@host:`. */
const SCHEME_REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git::|gh:|[\w.-]+@[\w.-]+:)/i;
/** `github.com/org/repo//path?ref=v1`: a host for a first segment, when nothing local has the name. */
const HOST_REMOTE = /^(?:[^/@\s]+@)?[\w-]+(?:\.[\w-]+)+(?::\d+)?\//;
/** A ConfigMap larger than this is refused by the API server: no generator file needs more. */
const MAX_GENERATED_BYTES = 1024 * 1024;
/** A patch or plugin configuration: a little more than the largest ConfigMap it could carry. */
const MAX_PATCH_BYTES = 2 * 1024 * 1024;
/** Content read for kustomizations per run: keeps a kustomization naming one file a million times cheap. */
const MAX_READ_TOTAL = MAX_FILE_BYTES;
/**
 * A kustomization file larger than this is not followed at all (DVP001): finding the lines of its
 * entries would cost more than any real kustomization (dvpc's own list a few hundred files).
 */
export const MAX_KUSTOMIZATION_BYTES = 4 * 1024 * 1024;

type Located = { readonly real: string; readonly st: Stats } | { readonly why: Unreachable['why']; readonly detail?: string };

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? 'an unknown error';
}

/** The innermost root that holds a path. */
function rootOf(path: string, roots: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const r of roots) if (isInside(path, r) && (best === undefined || r.length > best.length)) best = r;
  return best;
}

/**
 * Where an entry of a kustomization in `dir` (a real path) leads, as kustomize resolves it:
 * locally first, relative to the kustomization's folder. The target never leaves the roots, and
 * a link never leads from one PATH into another: the walk refuses such a link, so must this.
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
  const root = rootOf(real, roots);
  if (root === undefined || KERNEL_FILES.test(real)) return { why: 'outside' };
  const lexical = rootOf(at, roots);
  if (lexical !== undefined && lexical !== root) return { why: 'outside' };
  return { real, st };
}

/** A file's content as the checks take it: UTF-8 text, or base64 of bytes that are not. */
export interface FileContent {
  readonly text: string;
  readonly binary: boolean;
}

/**
 * Reads the files kustomizations name, once per file and within the run's budget, decoded once:
 * a file listed 10,000 times is one string, not 10,000.
 */
export class ContentReader {
  private readonly known = new Map<string, FileContent & { readonly size: number }>();
  private readonly replacements = new Map<string, readonly JsonObject[]>();
  private total = 0;

  /** The replacements of a file's text (a list of them, or one), parsed once per text. */
  replacementsOf(text: string): readonly JsonObject[] {
    let out = this.replacements.get(text);
    if (!out) {
      const values: Json[] = parseValues(text).values.flatMap((v) => (Array.isArray(v) ? v : [v]));
      out = values.filter(isJsonObject);
      this.replacements.set(text, out);
    }
    return out;
  }

  read(real: string, max: number): FileContent | { detail: string } {
    const known = this.known.get(real);
    // The bound is the caller's: a patch may be larger than a generator's file.
    if (known !== undefined) return known.size > max ? { detail: `the file is larger than ${max / 1024 / 1024} MiB` } : known;
    if (this.total >= MAX_READ_TOTAL) return { detail: `more content than dvpc reads for kustomizations in one run (${MAX_READ_TOTAL / 1024 / 1024} MiB)` };
    const read = readRegularFile(real, max);
    if (!read.ok) return { detail: read.message };
    this.total += read.bytes.length;
    const text = utf8Text(read.bytes);
    const content = { text: text ?? read.bytes.toString('base64'), binary: text === undefined, size: read.bytes.length };
    this.known.set(real, content);
    return content;
  }
}

/** What following one kustomization collects. */
class Follower {
  readonly unreachable: Unreachable[] = [];
  readonly resolved: Resolved[] = [];
  readonly contents: GeneratedContent[] = [];
  readonly patches: PatchText[] = [];
  readonly replacements: ReplacementsAt[] = [];
  readonly configTexts: ConfigText[] = [];

  constructor(
    private readonly dir: string,
    private readonly roots: readonly string[],
    private readonly reader: ContentReader,
    private readonly notObjects: Set<string>,
  ) {}

  /** A local entry's target, recorded; undefined (and recorded as unreachable) when there is none. */
  locate(entry: Listed, generator?: GeneratorEntry): { real: string; st: Stats } | undefined {
    const at = locate(this.dir, entry.ref, this.roots);
    if ('why' in at) {
      this.unreachable.push({ ...entry, why: at.why, detail: at.detail, generator });
      return undefined;
    }
    this.resolved.push({ ...entry, real: at.real, folder: at.st.isDirectory() });
    return at;
  }

  /** A file kustomize reads as a whole (not as objects): its content, or undefined (recorded). */
  text(entry: Listed, max: number, generator?: GeneratorEntry): FileContent | undefined {
    const at = this.locate(entry, generator);
    if (!at) return undefined;
    if (at.st.isDirectory()) {
      this.unreachable.push({ ...entry, why: 'folder', generator });
      return undefined;
    }
    this.notObjects.add(at.real);
    const r = this.reader.read(at.real, max);
    if ('detail' in r) {
      this.unreachable.push({ ...entry, why: 'unreadable', detail: r.detail, generator });
      return undefined;
    }
    return r;
  }

  patchFile(entry: Listed & { readonly target: unknown }): void {
    const r = this.text(entry, MAX_PATCH_BYTES);
    if (!r) return;
    if (r.binary) this.unreachable.push({ ...entry, why: 'unreadable', detail: 'not UTF-8 text' });
    else this.patches.push({ path: entry.path, ref: entry.ref, text: r.text, target: entry.target });
  }

  /** A file of kustomize configuration: read to be scanned, and no object; its text, or undefined. */
  configFile(entry: Listed): string | undefined {
    const r = this.text(entry, MAX_FILE_BYTES);
    if (!r) return undefined;
    if (r.binary) {
      this.unreachable.push({ ...entry, why: 'unreadable', detail: 'not UTF-8 text' });
      return undefined;
    }
    this.configTexts.push({ path: entry.path, ref: entry.ref, text: r.text });
    return r.text;
  }

  replacementFile(entry: Listed): void {
    const text = this.configFile(entry);
    if (text !== undefined) this.replacements.push({ path: entry.path, ref: entry.ref, bodies: this.reader.replacementsOf(text) });
  }

  /** A generator's inputs: a ConfigMap's are read for the checks; a Secret's are only located. */
  generator(g: GeneratorEntry): void {
    for (const entry of g.refused) this.unreachable.push({ ...entry, why: 'refused', generator: g });
    const inputs = [...g.files.map((f) => ({ entry: f as Listed, key: f.key as string | undefined })), ...g.envs.map((e) => ({ entry: e, key: undefined }))];
    for (const { entry, key } of inputs) {
      if (g.kind === 'Secret') {
        // Reported whatever its inputs hold (DVP701); where they lead still matters.
        const at = locate(this.dir, entry.ref, this.roots);
        if ('why' in at) continue;
        this.resolved.push({ ...entry, real: at.real, folder: at.st.isDirectory() });
        if (at.st.isFile()) this.notObjects.add(at.real);
        continue;
      }
      const r = this.text(entry, MAX_GENERATED_BYTES, g);
      if (r) this.contents.push({ generator: g, path: entry.path, ref: entry.ref, key, text: r.text, binary: r.binary });
    }
  }
}

/** A name in the kustomization's own folder: no separator, not `.` or `..`. */
function plainName(ref: string): boolean {
  return ref !== '' && ref !== '.' && ref !== '..' && !ref.includes('/') && !ref.includes('\\');
}

/** The plugin configurations of a kustomization, inline and in files, read into what they add. */
function readPlugins(config: KustomizeConfig, f: Follower, budget: EntryBudget): PluginContent {
  const plugins = emptyPluginContent();
  for (const p of config.inlinePlugins) pluginContent(parseValues(p.text).values, p.field, p.path, budget, plugins);
  for (const p of config.pluginFiles) {
    const r = f.text(p, MAX_PATCH_BYTES);
    if (r?.binary) f.unreachable.push({ ...p, why: 'unreadable', detail: 'not UTF-8 text' });
    else if (r) pluginContent(parseValues(r.text).values, p.field, p.path, budget, plugins);
  }
  return plugins;
}

/** What following the kustomizations of a run shares: the reader, and what is no object. */
export interface FollowContext {
  readonly reader: ContentReader;
  readonly notObjects: Set<string>;
  readonly asResource: Set<string>;
}

/** Follows one kustomization file: takes what it lists into the walk, reads its patches and inputs, records what cannot be. */
function follow(file: FoundFile, walk: Walk, roots: readonly string[], context: FollowContext): KustomizationInput[] {
  const read = readRegularFile(file.real);
  // A file that cannot be read or parsed is DVP001 when it is read as a manifest.
  const text = read.ok ? utf8Text(read.bytes) : undefined;
  if (text === undefined) return [];
  const shown = displayPath(file.path);
  const dir = dirname(file.real);
  const out: KustomizationInput[] = [];
  for (const doc of parseDocuments(text, shown)) {
    if (!isJsonObject(doc.value) || !isKustomizeConfig(doc.value, file.path)) continue;
    const base = { file: shown, found: file, body: doc.value, origin: doc.origin };
    if (text.length > MAX_KUSTOMIZATION_BYTES) {
      const config = kustomizeConfig({});
      out.push({ ...base, config, plugins: emptyPluginContent(), unreachable: [], resolved: [], contents: [], patches: [], replacements: [], configTexts: [], cut: undefined, tooLarge: true });
      continue;
    }
    const budget = new EntryBudget();
    const config = kustomizeConfig(doc.value, budget);
    const f = new Follower(dir, roots, context.reader, context.notObjects);
    for (const entry of config.resources) {
      // The common case, dvpc's own output: a file of the same folder, already taken.
      const same = plainName(entry.ref) ? join(dir, entry.ref) : undefined;
      if (same !== undefined && walk.isFile(same)) {
        context.asResource.add(same);
        continue;
      }
      const at = f.locate(entry);
      if (!at) continue;
      if (at.st.isFile()) context.asResource.add(at.real);
      if (!walk.has(at.real)) walk.add(isAbsolute(entry.ref) ? entry.ref : join(dirname(file.path), entry.ref), at.real, at.st, file.path);
    }
    const plugins = readPlugins(config, f, budget);
    for (const p of [...config.patchFiles, ...plugins.patchFiles]) f.patchFile(p);
    for (const p of [...config.inlinePatches, ...plugins.inlinePatches]) f.patches.push({ path: p.path, ref: undefined, text: p.text, target: p.target });
    for (const g of [...config.generators, ...plugins.generators]) f.generator(g);
    for (const r of [...config.inlineReplacements, ...plugins.inlineReplacements]) f.replacements.push({ path: r.path, ref: undefined, bodies: [r.body] });
    for (const r of [...config.replacementFiles, ...plugins.replacementFiles]) f.replacementFile(r);
    for (const c of config.configFiles) f.configFile(c);
    const { unreachable, resolved, contents, patches, replacements, configTexts } = f;
    out.push({ ...base, config, plugins, unreachable, resolved, contents, patches, replacements, configTexts, cut: budget.cut, tooLarge: false });
  }
  return out;
}

export function newFollowContext(): FollowContext {
  return { reader: new ContentReader(), notObjects: new Set(), asResource: new Set() };
}

/**
 * Every file under the paths (as `walkFiles` lists them, and kustomize's `Kustomization`),
 * with what their kustomizations list. `roots` are all the PATHs of the run: an entry may lead
 * into another PATH, never out of them. `context` is shared by the PATHs of one run.
 */
export function listInputs(paths: readonly string[], diagnostics: Diagnostic[], roots: readonly string[], context: FollowContext = newFollowContext()): Inputs {
  const realRoots: string[] = [];
  for (const r of roots) {
    try {
      realRoots.push(realpathSync(r));
    } catch {
      // A PATH that does not exist is reported when it is walked.
    }
  }
  const kustomizations: KustomizationInput[] = [];
  const files = walkFiles(paths, diagnostics, {
    alsoRead: (name) => KUSTOMIZATION_NAMES.includes(name),
    found: (file, walk) => {
      if (isKustomizationFile(file.path)) for (const k of follow(file, walk, realRoots, context)) kustomizations.push(k);
    },
  });
  return { files, kustomizations, notObjects: context.notObjects, asResource: context.asResource };
}
