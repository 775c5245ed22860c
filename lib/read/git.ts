/**
 * The previous state read straight from git (`--baseline-ref origin/main`), so that CI needs no
 * second checkout: the manifests under a path as they are at a ref, parsed like any other input.
 *
 * File names in a tree are untrusted (a newline in a name is legal), so nothing here is framed by
 * names: files are listed NUL-separated with their object ids and sizes, their contents asked for
 * by object id, and every object's header checked against what was asked. Links and submodules
 * in the tree are not followed; files over the size bound are not read.
 */
import { append } from '../core/append.ts';
import { execFileSync } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { UsageError } from '../core/errors.ts';
import { fileDiagnostic, type Diagnostic } from '../core/diagnostic.ts';
import { excerpt } from '../core/excerpt.ts';
import { parseManifestText, type LoadedObject } from './yaml.ts';
import { MANIFEST_NAME, MAX_FILE_BYTES, utf8Text } from './files.ts';

class GitFailed extends Error {}

function git(args: string[], input?: string): Buffer {
  try {
    return execFileSync('git', args, { input, maxBuffer: 2 * 1024 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new GitFailed(`git ${args[0] === '-C' ? args[2] : args[0]} failed: ${(err.stderr?.toString() || err.message).trim().split('\n')[0]}`);
  }
}

/** An entry of `git ls-tree -r -l -z`: "<mode> <type> <id> <size>\t<path>". */
interface TreeEntry {
  readonly mode: string;
  readonly type: string;
  readonly id: string;
  readonly size: number | undefined;
  readonly path: string;
}

export function parseLsTree(out: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    if (record.length === 0) continue;
    const tab = record.indexOf('\t');
    const m = /^(\d+) (\w+) ([0-9a-f]{40,64}) +(-|\d+)$/.exec(record.slice(0, tab));
    if (tab < 0 || !m) throw new Error('unexpected output of git ls-tree');
    entries.push({ mode: m[1] as string, type: m[2] as string, id: m[3] as string, size: m[4] === '-' ? undefined : Number(m[4]), path: record.slice(tab + 1) });
  }
  return entries;
}

/** Splits `git cat-file --batch` output, checking each header against the id asked for. */
export function splitBatch(out: Buffer, ids: readonly string[]): Buffer[] {
  const blobs: Buffer[] = [];
  let offset = 0;
  for (const id of ids) {
    const nl = out.indexOf(10, offset);
    if (nl < 0) throw new Error(`git cat-file: the output ends before object ${id}`);
    const header = out.subarray(offset, nl).toString('latin1');
    const m = /^([0-9a-f]{40,64}) blob (\d+)$/.exec(header);
    if (!m || m[1] !== id) throw new Error(`git cat-file: expected blob ${id}, got "${header.slice(0, 80)}"`);
    const size = Number(m[2]);
    const end = nl + 1 + size;
    if (end >= out.length + 1 || out[end] !== 10) throw new Error(`git cat-file: object ${id} is not followed by its terminator`);
    blobs.push(out.subarray(nl + 1, end));
    offset = end + 1;
  }
  return blobs;
}

/** Why a ref cannot be read, and what to do about it. */
function missingRef(ref: string, top: string): UsageError {
  let shallow = false;
  try {
    shallow = git(['-C', top, 'rev-parse', '--is-shallow-repository']).toString().trim() === 'true';
  } catch {
    // Unknown: give both remedies.
  }
  const fetch = `fetch it first (for a pull request: git fetch origin <base-branch>, then --baseline-ref origin/<base-branch>)`;
  const deepen = shallow
    ? '; this clone is shallow, so also fetch the history (git fetch --unshallow, or fetch-depth: 0 in actions/checkout)'
    : '; in a shallow clone, fetch the history too (fetch-depth: 0 in actions/checkout)';
  return new UsageError(`--baseline-ref ${excerpt(ref, 80)} is not a commit in the repository at ${top}: ${fetch}${deepen}`);
}

/**
 * The objects of the manifests under `path` at `ref`; files shown as `ref:path/in/repo`, and
 * `root`, the path's own place in the repository, so that callers can see each file relative to it.
 */
export function loadFromGit(ref: string, path: string): { objects: LoadedObject[]; diagnostics: Diagnostic[]; files: number; root: string } {
  let top: string;
  try {
    top = git(['rev-parse', '--show-toplevel']).toString().trim();
  } catch {
    throw new UsageError('--baseline-ref needs a git repository: run dvpc inside the clone, or use --baseline with a folder');
  }
  // `--end-of-options` keeps a ref that starts with "-" from being read as an option.
  try {
    git(['-C', top, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  } catch {
    throw missingRef(ref, top);
  }
  const inRepo = relative(top, resolve(path)).split('\\').join('/');
  if (inRepo.startsWith('..')) throw new UsageError(`${path} is outside the git repository at ${top}`);
  let listing: Buffer;
  try {
    listing = git(['-C', top, 'ls-tree', '-r', '-l', '-z', '--end-of-options', ref, '--', inRepo || '.']);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const objects: LoadedObject[] = [];
  const diagnostics: Diagnostic[] = [];
  const wanted: TreeEntry[] = [];
  for (const entry of parseLsTree(listing).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (!MANIFEST_NAME.test(entry.path)) continue;
    const shown = `${ref}:${entry.path}`;
    if (entry.type !== 'blob') continue; // a submodule: not part of this tree's files
    if (entry.mode === '120000') {
      diagnostics.push(fileDiagnostic('DVP001', shown, undefined, 'a symbolic link in the baseline: it is not followed', 'commit the file itself instead of a link'));
    } else if (entry.size === undefined || entry.size > MAX_FILE_BYTES) {
      diagnostics.push(fileDiagnostic('DVP001', shown, undefined, `the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`, 'split it; no manifest file is this large'));
    } else {
      wanted.push(entry);
    }
  }
  if (wanted.length === 0) return { objects, diagnostics, files: 0, root: inRepo };
  // One cat-file process for every file, asked by object id: names never frame anything.
  const ids = wanted.map((e) => e.id);
  const blobs = splitBatch(git(['-C', top, 'cat-file', '--batch'], ids.map((id) => `${id}\n`).join('')), ids);
  wanted.forEach((entry, i) => {
    const shown = `${ref}:${entry.path}`;
    const text = utf8Text(blobs[i] as Buffer);
    if (text === undefined) {
      diagnostics.push(fileDiagnostic('DVP001', shown, undefined, 'the file is not UTF-8 text', 'save the file as UTF-8'));
      return;
    }
    const parsed = parseManifestText(text, shown);
    append(objects, parsed.objects);
    append(diagnostics, parsed.diagnostics);
  });
  return { objects, diagnostics, files: wanted.length, root: inRepo };
}
