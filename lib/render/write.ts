/**
 * Writes a whole output tree atomically: everything goes into a fresh sibling folder first, which
 * then replaces the old one by rename. A synth that fails or is interrupted leaves the previous
 * output as it was, and objects removed from the stacks disappear with the old folder.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Files by path relative to the output folder ('/' separators). */
export type FileTree = ReadonlyMap<string, string>;

function siblings(outdir: string): { parent: string; base: string } {
  const abs = resolve(outdir);
  return { parent: dirname(abs), base: basename(abs) };
}

/**
 * If a previous run died between its two renames, the old output sits in `.<base>-old-*` and the
 * output folder is missing: put it back before anything else.
 */
export function recoverInterruptedSwap(outdir: string): void {
  const { parent, base } = siblings(outdir);
  if (existsSync(resolve(outdir)) || !existsSync(parent)) return;
  const old = readdirSync(parent).filter((n) => n.startsWith(`.${base}-old-`)).sort().pop();
  if (old) renameSync(join(parent, old), resolve(outdir));
}

export function writeTreeAtomically(outdir: string, files: FileTree, beforeSwap?: () => void): void {
  const { parent, base } = siblings(outdir);
  mkdirSync(parent, { recursive: true });
  recoverInterruptedSwap(outdir);
  const stamp = `${process.pid}-${Date.now()}`;
  const staging = join(parent, `.${base}-new-${stamp}`);
  const old = join(parent, `.${base}-old-${stamp}`);
  try {
    const dirs = new Set<string>();
    for (const rel of files.keys()) dirs.add(dirname(join(staging, rel)));
    mkdirSync(staging, { recursive: true });
    for (const d of [...dirs].sort()) mkdirSync(d, { recursive: true });
    for (const [rel, content] of files) writeFileSync(join(staging, rel), content);
    beforeSwap?.();
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  const target = resolve(outdir);
  const hadOld = existsSync(target);
  if (hadOld) renameSync(target, old);
  renameSync(staging, target);
  if (hadOld) rmSync(old, { recursive: true, force: true });
}
