/**
 * Files and folders of manifests (YAML or JSON): which files a PATH names, and reading each one
 * safely. Parsing is lib/read/yaml.ts's.
 */
import { readFileSync, readdirSync, statSync, realpathSync } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
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
const MANIFEST_EXT = /\.(ya?ml|json)$/i;

/** A path as the user should read it: relative to the working directory when inside it. */
export function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel.length > 0 && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

/** Every manifest file under the given paths (files as named; folders recursively), sorted. */
export function manifestFiles(paths: readonly string[], diagnostics: Diagnostic[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (p: string, explicit: boolean) => {
    let real: string;
    try {
      real = realpathSync(p);
    } catch (e) {
      diagnostics.push(fileDiagnostic('DVP001', displayPath(p), undefined, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'fix or remove the broken link or file'));
      return;
    }
    if (seen.has(real)) return; // a symlink loop, or the same file twice
    seen.add(real);
    const st = statSync(real);
    if (st.isDirectory()) {
      let entries: string[];
      try {
        entries = readdirSync(p).sort();
      } catch (e) {
        diagnostics.push(fileDiagnostic('DVP001', displayPath(p), undefined, `cannot list folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the folder permissions'));
        return;
      }
      for (const name of entries) {
        if (name.startsWith('.') || name === 'node_modules') continue;
        walk(join(p, name), false);
      }
    } else if (explicit || MANIFEST_EXT.test(p)) {
      out.push(p);
    }
  };
  for (const p of paths) walk(p, true);
  return out;
}

/** Reads and parses every manifest under the paths. Unreadable files are DVP001, never a crash. */
export function loadManifests(paths: readonly string[]): LoadedFiles {
  const diagnostics: Diagnostic[] = [];
  const objects: LoadedObject[] = [];
  const files = manifestFiles(paths, diagnostics);
  for (const f of files) {
    const shown = displayPath(f);
    let text: string;
    try {
      if (statSync(f).size > MAX_FILE_BYTES) {
        diagnostics.push(fileDiagnostic('DVP001', shown, undefined, `the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`, 'split it; no manifest file is this large'));
        continue;
      }
      const buf = readFileSync(f);
      text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const encoding = code === undefined || code === 'ERR_ENCODING_INVALID_ENCODED_DATA';
      diagnostics.push(fileDiagnostic('DVP001', shown, undefined, encoding ? 'the file is not UTF-8 text' : `cannot read: ${code}`, encoding ? 'save the file as UTF-8' : 'check the file permissions'));
      continue;
    }
    const parsed = parseManifestText(text, shown);
    append(objects, parsed.objects);
    append(diagnostics, parsed.diagnostics);
  }
  return { objects, diagnostics, files: files.length };
}
