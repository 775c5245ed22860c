/**
 * dvpc's own package: its folder, and its name, version and home page from its package.json.
 * Found by walking up from this module, because the module may sit at different depths: in the
 * sources (lib/cli/), in the build (build/cli/), or bundled into a command's chunk
 * (build/cli/commands/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  readonly name: string;
  readonly version: string;
  /** Where people read about dvpc: the package's `homepage`, else its page on the npm registry. */
  readonly homepage: string;
}

let root: string | undefined;
let cached: PackageInfo | undefined;

/** The folder of dvpc's package.json (the package root, in a clone or in node_modules). */
export function packageRoot(): string {
  if (root !== undefined) return root;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'dvpc') return (root = dir);
    if (dirname(dir) === dir) throw new Error(`dvpc's package.json was not found above ${fileURLToPath(import.meta.url)}`);
  }
}

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { name?: string; version?: string; homepage?: string };
  const name = pkg.name ?? 'dvpc';
  cached = { name, version: pkg.version ?? 'unknown', homepage: pkg.homepage ?? `https://www.npmjs.com/package/${name}` };
  return cached;
}
