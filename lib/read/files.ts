/**
 * Files and folders of manifests (YAML or JSON): which files a PATH names, and reading each one
 * safely. Parsing is lib/read/yaml.ts's.
 *
 * The trees read here are untrusted (a pull request from anyone, checked in CI), so:
 * - a symbolic link is followed only when its target lies inside the PATHs given (the roots);
 *   one that leads out is DVP001 and nothing of its target is read or shown;
 * - only regular files are read: a FIFO or a device is DVP001 "not a regular file", opened
 *   without blocking and never read, so it can neither hang the checker nor fill its memory;
 * - a file is read through one descriptor, checked after opening, and never beyond a bound;
 * - names are filtered before anything is resolved, so a dangling `README.md` link is ignored.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { append } from '../core/append.ts';
import { fileDiagnostic, type Diagnostic } from '../core/diagnostic.ts';
import { parseManifestText, type LoadedObject } from './yaml.ts';

export interface LoadedFiles {
  readonly objects: LoadedObject[];
  readonly diagnostics: Diagnostic[];
  /** Number of files read. */
  readonly files: number;
}

/** Files larger than this are not read: no manifest is, and it protects the checker's memory. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** The kernel's own files: they hold a process's environment and memory, never manifests. */
export const KERNEL_FILES = /^\/(proc|sys)(\/|$)/;
/** The names `dvpc check` reads inside folders. */
export const MANIFEST_NAME = /\.(ya?ml|json)$/i;

/** A path as the user should read it: relative to the working directory when inside it. */
export function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel.length > 0 && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? 'an unknown error';
}

/** Whether `path` is `root` or lies below it (both real paths). */
export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * A file found by the walk: the path as the user named it, where it really is, and the
 * kustomization file that listed it when the walk alone would not have found it.
 */
export interface FoundFile {
  readonly path: string;
  readonly real: string;
  readonly listedBy?: string | undefined;
}

/** What a walk can be widened with (kustomize-inputs.ts): more names, and files other files name. */
export interface WalkHooks {
  /** A name read inside folders besides manifest names (kustomize's `Kustomization`). */
  readonly alsoRead?: (name: string) => boolean;
  /** Called once for each file found, in order, those it adds included. */
  readonly found?: (file: FoundFile, walk: Walk) => void;
}

/** The walk as a hook sees it. */
export interface Walk {
  /** Whether this file or folder (a real path) was taken already. */
  has(real: string): boolean;
  /** Whether this real path was taken as a file. */
  isFile(real: string): boolean;
  /** Takes a file or folder as if it were a PATH (any name, the same rules), listed by `listedBy`. */
  add(path: string, real: string, st: Stats, listedBy: string): void;
}

/**
 * Every manifest file under the given paths (files as named; folders recursively), sorted within
 * each folder, with the hooks' additions. A PATH given explicitly is read whatever its name;
 * inside folders only manifest names are, and hidden entries and node_modules are skipped.
 */
export function walkFiles(paths: readonly string[], diagnostics: Diagnostic[], hooks: WalkHooks = {}): FoundFile[] {
  const out: FoundFile[] = [];
  const seen = new Set<string>();
  const files = new Set<string>();
  const roots: string[] = [];
  const problem = (p: string, message: string, hint: string) => diagnostics.push(fileDiagnostic('DVP001', displayPath(p), undefined, message, hint));

  // The roots are where the PATHs really are: the user chose them, links and all.
  for (const p of paths) {
    try {
      roots.push(realpathSync(p));
    } catch {
      // Reported when the PATH itself is walked.
    }
  }
  const insideRoots = (real: string) => roots.some((r) => isInside(real, r));

  const take = (p: string, real: string, st: Stats, explicit: boolean, listedBy?: string) => {
    if (seen.has(real)) return; // a symlink loop, or the same file twice
    seen.add(real);
    if (st.isDirectory()) {
      let entries: string[];
      try {
        entries = readdirSync(real).sort();
      } catch (e) {
        problem(p, `cannot list folder: ${errCode(e)}`, 'check the folder permissions');
        return;
      }
      for (const name of entries) {
        if (name.startsWith('.') || name === 'node_modules') continue;
        walkEntry(join(p, name), join(real, name), listedBy);
      }
    } else if (st.isFile()) {
      files.add(real);
      out.push({ path: p, real, listedBy });
    } else if (explicit || MANIFEST_NAME.test(p)) {
      problem(p, `${kindOf(st)}, not a regular file: it is not read`, 'remove it from the checked paths; only regular files are read');
    }
  };

  /** An entry found inside a folder: `p` as the user sees it, `at` where it really is now. */
  const walkEntry = (p: string, at: string, listedBy: string | undefined) => {
    let st: Stats;
    try {
      st = lstatSync(at);
    } catch (e) {
      problem(p, `cannot read: ${errCode(e)}`, 'check the file permissions');
      return;
    }
    const manifestName = MANIFEST_NAME.test(p) || hooks.alsoRead?.(basename(p)) === true;
    if (st.isSymbolicLink()) {
      let real: string;
      try {
        real = realpathSync(at);
      } catch (e) {
        // A dangling link is only worth a word when it would have been read.
        if (manifestName) problem(p, `a broken link: ${errCode(e)}`, 'fix or remove the broken link');
        return;
      }
      let target: Stats;
      try {
        target = statSync(real);
      } catch (e) {
        if (manifestName) problem(p, `cannot read: ${errCode(e)}`, 'fix or remove the link');
        return;
      }
      if (!manifestName && !target.isDirectory()) return;
      if (!insideRoots(real)) {
        // Say nothing of the target: not its content, not even its path.
        problem(p, 'a symbolic link that points outside the checked paths: it is not followed', 'replace the link by the file itself, or check the folder it points to explicitly');
        return;
      }
      take(p, real, target, false, listedBy);
      return;
    }
    if (!st.isDirectory() && !manifestName) return;
    take(p, at, st, false, listedBy);
  };

  for (const p of paths) {
    let real: string;
    let st: Stats;
    try {
      real = realpathSync(p);
      st = statSync(real);
    } catch (e) {
      problem(p, `cannot read: ${errCode(e)}`, 'fix or remove the broken link or file');
      continue;
    }
    take(p, real, st, true);
  }
  if (hooks.found) {
    const walk: Walk = { has: (real) => seen.has(real), isFile: (real) => files.has(real), add: (p, real, st, listedBy) => take(p, real, st, true, listedBy) };
    // Files a hook adds are visited in turn: a folder a kustomization lists holds kustomizations too.
    for (let i = 0; i < out.length; i++) hooks.found(out[i] as FoundFile, walk);
  }
  return out;
}

/** A file's bytes, or why it cannot be read. */
export type FileBytes = { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly message: string; readonly hint: string };

/**
 * Reads a regular file through one descriptor: opened without blocking (a FIFO put in place of
 * the file after it was listed does not hang) and without following a final link (one swapped in
 * after the walk is refused), checked to be a regular file once open, and read to at most
 * `max` bytes whatever size it claims (files in /proc claim 0).
 */
export function readRegularFile(path: string, max = MAX_FILE_BYTES): FileBytes {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (e) {
    const code = errCode(e);
    if (code === 'ELOOP') return { ok: false, message: 'a symbolic link appeared in place of the file: it is not followed', hint: 'check the file again' };
    return { ok: false, message: `cannot read: ${code}`, hint: 'check the file permissions' };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, message: `${kindOf(st)}, not a regular file: it is not read`, hint: 'only regular files are read' };
    if (st.size > max) return { ok: false, message: `the file is larger than ${max / 1024 / 1024} MiB`, hint: 'split it; no manifest file is this large' };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // The size stat gives is a hint (0 for /proc files); one byte more shows the end.
      const chunk = Buffer.allocUnsafe(Math.min(max + 1 - total, Math.max(st.size - total + 1, 64 * 1024)));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > max) return { ok: false, message: `the file is larger than ${max / 1024 / 1024} MiB`, hint: 'split it; no manifest file is this large' };
    }
    return { ok: true, bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total) };
  } catch (e) {
    return { ok: false, message: `cannot read: ${errCode(e)}`, hint: 'check the file permissions' };
  } finally {
    closeSync(fd);
  }
}

/** Bytes as UTF-8 text (without a leading BOM), or undefined when they are not UTF-8. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Reads and parses every manifest under the paths. Unreadable files are DVP001, never a crash. */
export function loadManifests(paths: readonly string[]): LoadedFiles {
  const diagnostics: Diagnostic[] = [];
  const objects: LoadedObject[] = [];
  const files = walkFiles(paths, diagnostics);
  for (const f of files) {
    const shown = displayPath(f.path);
    if (KERNEL_FILES.test(f.real)) {
      // Even when a PATH itself leads there (a `dist` replaced by a link to /proc/self).
      diagnostics.push(fileDiagnostic('DVP001', shown, undefined, 'a file of the kernel (/proc, /sys): it is not read', 'check manifests, not the files of a running system'));
      continue;
    }
    // The real path the walk checked, opened without following a link swapped in since.
    const read = readRegularFile(f.real);
    if (!read.ok) {
      diagnostics.push(fileDiagnostic('DVP001', shown, undefined, read.message, read.hint));
      continue;
    }
    const text = utf8Text(read.bytes);
    if (text === undefined) {
      diagnostics.push(fileDiagnostic('DVP001', shown, undefined, 'the file is not UTF-8 text', 'save the file as UTF-8'));
      continue;
    }
    const parsed = parseManifestText(text, shown);
    append(objects, parsed.objects);
    append(diagnostics, parsed.diagnostics);
  }
  return { objects, diagnostics, files: files.length };
}
