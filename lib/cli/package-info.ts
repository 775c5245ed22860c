/** dvpc's own package.json: its name, version and home page (two folders up, in the sources and the build). */
import { readFileSync } from 'node:fs';

export interface PackageInfo {
  readonly name: string;
  readonly version: string;
  /** Where people read about dvpc: the package's `homepage`, else its page on the npm registry. */
  readonly homepage: string;
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name?: string; version?: string; homepage?: string };
  const name = pkg.name ?? 'dvpc';
  cached = { name, version: pkg.version ?? 'unknown', homepage: pkg.homepage ?? `https://www.npmjs.com/package/${name}` };
  return cached;
}
