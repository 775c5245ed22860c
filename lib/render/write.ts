/**
 * Writes a whole output tree atomically: everything goes into a fresh sibling folder first, which
 * then replaces the old one by rename. A synth that fails or is interrupted leaves the previous
 * output as it was, and objects removed from the stacks disappear with the old folder.
 *
 * The swap is two renames (output → `.<base>-old-*`, staging → output). Before the first, a
 * journal next to the output (`.<base>-swap.json`) records both names; it goes once the second
 * rename is done. A run that finds the output missing puts back the tree the journal names, not
 * whichever leftover sorts last. Every run removes the leftovers of earlier ones; a leftover that
 * cannot be removed after a successful swap is a warning, not a failed synth.
 *
 * Every path is checked before anything is written: a path that would land outside the staging
 * folder is refused (a second guard; layout.ts validates what becomes a path).
 */
import * as nodeFs from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Files by path relative to the output folder ('/' separators). */
export type FileTree = ReadonlyMap<string, string>;

/** The file operations the writer uses: tests swap in failing ones to simulate a crash or an undeletable tree. */
export interface WriterFs {
  existsSync(path: string): boolean;
  mkdirSync(path: string, options: { recursive: true }): unknown;
  readdirSync(path: string): string[];
  readFileSync(path: string, encoding: 'utf8'): string;
  writeFileSync(path: string, content: string): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, options: { recursive: true; force: true }): void;
}

export const realFs: WriterFs = nodeFs;

/** A path the writer refuses: dvpc's own fault (layout should never produce one), so exit 3. */
export class UnsafeOutputPathError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`refusing to write ${JSON.stringify(path.slice(0, 200))}: ${reason}; nothing was written`);
    this.name = 'UnsafeOutputPathError';
  }
}

export interface WriteOptions {
  /** Called after every file is staged, before the swap (tests use it to interrupt a synth). */
  readonly beforeSwap?: (() => void) | undefined;
  /** The file operations. @default node:fs */
  readonly fs?: WriterFs;
}

export interface WriteResult {
  /** Problems after the output was swapped in: the synth succeeded, but something was left behind. */
  readonly warnings: string[];
}

/** Why a relative output path could land outside its folder, or undefined when it cannot. */
export function outputPathProblem(rel: string): string | undefined {
  if (rel.length === 0) return 'the path is empty';
  if (rel.includes('\0')) return 'the path holds a NUL character';
  if (rel.includes('\\')) return 'the path holds a backslash';
  if (isAbsolute(rel) || /^[A-Za-z]:/.test(rel)) return 'the path is absolute';
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') return `the path has the segment "${seg}"`;
  }
  return undefined;
}

/** The absolute path of `rel` inside `root`, or an error when it would resolve outside. */
function inside(root: string, rel: string): string {
  const problem = outputPathProblem(rel);
  if (problem) throw new UnsafeOutputPathError(rel, problem);
  const abs = resolve(root, rel);
  if (!abs.startsWith(`${root}${sep}`)) throw new UnsafeOutputPathError(rel, 'it resolves outside the output folder');
  return abs;
}

/** What a folder of dvpc's output holds: cluster folders (cluster/, namespaces/) and the GitOps hand-off. */
const OUTPUT_ENTRIES = new Set(['cluster', 'namespaces', 'argocd', 'flux', 'kustomization.yaml']);

/**
 * Why `outdir` may not be replaced by a synth, or undefined when it may: the swap replaces the
 * whole folder, so it must be new, empty, or hold dvpc's output and nothing else. A mistyped
 * `--outdir .` must never take the repository with it.
 */
export function outputFolderProblem(outdir: string): string | undefined {
  const target = resolve(outdir);
  const cwd = resolve(process.cwd());
  if (target === cwd || !relative(target, cwd).startsWith('..')) return `the output folder ${outdir} holds the working directory`;
  // The swap renames a new folder onto the path: a link there would be replaced by a folder.
  if (nodeFs.lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink()) return `the output folder ${outdir} is a link (the swap would replace the link, not fill the folder it points to); give the folder itself`;
  if (!nodeFs.existsSync(target)) return undefined;
  if (!nodeFs.statSync(target).isDirectory()) return `the output folder ${outdir} is a file, not a folder`;
  for (const entry of nodeFs.readdirSync(target)) {
    const path = join(target, entry);
    // The first thing in the folder that dvpc does not write, named as the user sees it.
    const foreign = !nodeFs.lstatSync(path).isDirectory() ? entry : nodeFs.readdirSync(path).filter((inner) => !OUTPUT_ENTRIES.has(inner)).map((inner) => `${entry}/${inner}`)[0];
    if (foreign !== undefined) return `the output folder ${outdir} holds ${JSON.stringify(foreign.slice(0, 80))}, which dvpc does not write (its output is <cluster>/cluster/, <cluster>/namespaces/ and gitops/): synth replaces the whole folder`;
  }
  return undefined;
}

function siblings(outdir: string): { parent: string; base: string; target: string; journal: string } {
  const target = resolve(outdir);
  const parent = dirname(target);
  const base = basename(target);
  return { parent, base, target, journal: join(parent, `.${base}-swap.json`) };
}

interface Journal {
  readonly old: string;
  readonly staged: string;
}

function readJournal(fs: WriterFs, path: string): Journal | undefined {
  if (!fs.existsSync(path)) return undefined;
  try {
    const j = JSON.parse(fs.readFileSync(path, 'utf8')) as Partial<Journal>;
    // Names only, never paths: a journal cannot point the recovery anywhere else.
    const plain = (n: unknown): n is string => typeof n === 'string' && n.length > 0 && !n.includes('/') && !n.includes('\\') && n !== '.' && n !== '..';
    return plain(j.old) && plain(j.staged) ? { old: j.old, staged: j.staged } : undefined;
  } catch {
    return undefined;
  }
}

/** `.<base>-<new|old>-t<completion ms>-p<pid>-<n>`: the time first, so the newest is found by value. */
const LEFTOVER = /^-(new|old)-t(\d+)-p(\d+)-\d+$/;
let counter = 0;

function safeReaddir(fs: WriterFs, dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function leftovers(fs: WriterFs, parent: string, base: string): { name: string; role: 'new' | 'old'; time: number; pid: number }[] {
  const prefix = `.${base}`;
  const out: { name: string; role: 'new' | 'old'; time: number; pid: number }[] = [];
  for (const name of safeReaddir(fs, parent)) {
    if (!name.startsWith(prefix)) continue;
    const m = LEFTOVER.exec(name.slice(prefix.length));
    if (m) out.push({ name, role: m[1] as 'new' | 'old', time: Number(m[2]), pid: Number(m[3]) });
  }
  return out;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * If a previous run died between its two renames, the output folder is missing and the tree it
 * held sits in `.<base>-old-*`: put back the one the journal names (or, without a journal, the
 * old tree that was swapped out last). Returns what it did, for the tests.
 */
export function recoverInterruptedSwap(outdir: string, fs: WriterFs = realFs): string | undefined {
  const { parent, base, target, journal } = siblings(outdir);
  if (!fs.existsSync(parent)) return undefined;
  const j = readJournal(fs, journal);
  let restored: string | undefined;
  if (!fs.existsSync(target)) {
    // The journal is written once staging is complete: its old tree, else its complete new one.
    const named = j ? [j.old, j.staged].find((n) => fs.existsSync(join(parent, n))) : undefined;
    // No journal (it could not be written, or the tree predates it): the newest old tree.
    const newest = leftovers(fs, parent, base).filter((l) => l.role === 'old' && !isAlive(l.pid)).sort((a, b) => b.time - a.time)[0]?.name;
    restored = named ?? newest;
    if (restored) fs.renameSync(join(parent, restored), target);
  }
  if (j && fs.existsSync(target)) fs.rmSync(journal, { recursive: true, force: true });
  return restored;
}

/**
 * Removes what earlier runs left next to the output: staging trees always, old trees once the
 * output is in place. Trees of a run still going on (its process is alive) are left alone.
 */
export function removeLeftovers(outdir: string, fs: WriterFs = realFs): string[] {
  const { parent, base, target } = siblings(outdir);
  const warnings: string[] = [];
  const outputThere = fs.existsSync(target);
  const stale = leftovers(fs, parent, base).filter((l) => !isAlive(l.pid) && (l.role === 'new' || outputThere)).map((l) => l.name);
  // A journal a run began to write and never renamed into place.
  for (const name of safeReaddir(fs, parent)) {
    const m = name.startsWith(`.${base}-swap.json.`) ? /^\d+$/.exec(name.slice(base.length + 12)) : null;
    if (m && !isAlive(Number(m[0]))) stale.push(name);
  }
  for (const name of stale) {
    try {
      fs.rmSync(join(parent, name), { recursive: true, force: true });
    } catch (e) {
      warnings.push(`could not remove ${join(parent, name)} left by an earlier run: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; remove it by hand`);
    }
  }
  return warnings;
}

export function writeTreeAtomically(outdir: string, files: FileTree, options: WriteOptions = {}): WriteResult {
  const fs = options.fs ?? realFs;
  const { parent, base, target, journal } = siblings(outdir);
  fs.mkdirSync(parent, { recursive: true });
  recoverInterruptedSwap(outdir, fs);
  const warnings = removeLeftovers(outdir, fs);
  const stamp = () => `t${Date.now()}-p${process.pid}-${counter++}`;
  const staging = join(parent, `.${base}-new-${stamp()}`);
  // Every path is checked before the first write.
  const planned = [...files].map(([rel, content]) => [inside(staging, rel), content] as const);
  try {
    const dirs = new Set<string>();
    for (const [abs] of planned) dirs.add(dirname(abs));
    fs.mkdirSync(staging, { recursive: true });
    for (const d of [...dirs].sort()) fs.mkdirSync(d, { recursive: true });
    for (const [abs, content] of planned) fs.writeFileSync(abs, content);
    options.beforeSwap?.();
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  const hadOld = fs.existsSync(target);
  // Named when the staging tree is complete: the time in the name is the time of completion.
  const old = join(parent, `.${base}-old-${stamp()}`);
  if (hadOld) {
    const tmp = `${journal}.${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify({ old: basename(old), staged: basename(staging) }));
    fs.renameSync(tmp, journal);
    fs.renameSync(target, old);
  }
  try {
    fs.renameSync(staging, target);
  } catch (e) {
    // Put the old output back if this process still can; otherwise the next run does.
    if (hadOld) {
      try {
        fs.renameSync(old, target);
      } catch {
        // The journal names it.
      }
    }
    throw e;
  }
  // The new output is in place: from here on, nothing can fail the synth.
  try {
    if (hadOld) fs.rmSync(journal, { recursive: true, force: true });
  } catch (e) {
    warnings.push(`could not remove ${journal}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; remove it by hand`);
  }
  if (hadOld) {
    try {
      fs.rmSync(old, { recursive: true, force: true });
    } catch (e) {
      warnings.push(`the output was written, but the previous one could not be removed from ${old}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; the next synth tries again, or remove it by hand`);
    }
  }
  return { warnings };
}
