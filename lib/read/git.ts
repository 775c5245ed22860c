/**
 * The previous state read straight from git (`--baseline-ref origin/main`), so that CI needs no
 * second checkout: the manifests under a path as they are at a ref, parsed like any other input.
 */
import { append } from '../core/append.ts';
import { execFileSync } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { UsageError } from '../core/errors.ts';
import { parseManifestText, type LoadedObject } from './yaml.ts';
import type { Diagnostic } from '../core/diagnostic.ts';

const MANIFEST = /\.(ya?ml|json)$/i;

function git(args: string[], input?: string): Buffer {
  try {
    return execFileSync('git', args, { input, maxBuffer: 1024 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new UsageError(`git ${args[0]} failed: ${(err.stderr?.toString() || err.message).trim().split('\n')[0]}`);
  }
}

/**
 * The objects of the manifests under `path` at `ref`; files shown as `ref:path/in/repo`, and
 * `root`, the path's own place in the repository, so that callers can see each file relative to it.
 */
export function loadFromGit(ref: string, path: string): { objects: LoadedObject[]; diagnostics: Diagnostic[]; files: number; root: string } {
  const top = git(['rev-parse', '--show-toplevel']).toString().trim();
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  const inRepo = relative(top, resolve(path)).split('\\').join('/');
  if (inRepo.startsWith('..')) throw new UsageError(`${path} is outside the git repository at ${top}`);
  const listed = git(['-C', top, 'ls-tree', '-r', '-z', '--name-only', ref, '--', inRepo || '.']).toString().split('\0').filter((f) => MANIFEST.test(f)).sort();
  const objects: LoadedObject[] = [];
  const diagnostics: Diagnostic[] = [];
  if (listed.length === 0) return { objects, diagnostics, files: 0, root: inRepo };
  // One cat-file process for every file: header line "<sha> blob <size>", then the content.
  const out = git(['-C', top, 'cat-file', '--batch'], listed.map((f) => `${ref}:${f}`).join('\n') + '\n');
  let offset = 0;
  for (const file of listed) {
    const nl = out.indexOf(10, offset);
    const header = out.subarray(offset, nl).toString();
    const size = Number(header.split(' ')[2]);
    const text = out.subarray(nl + 1, nl + 1 + size).toString('utf8');
    offset = nl + 1 + size + 1;
    const parsed = parseManifestText(text, `${ref}:${file}`);
    append(objects, parsed.objects);
    append(diagnostics, parsed.diagnostics);
  }
  return { objects, diagnostics, files: listed.length, root: inRepo };
}
