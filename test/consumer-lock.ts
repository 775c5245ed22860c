/**
 * An offline install of the packed tarball into a new repository. `npm ci` of this repository
 * fills npm's cache with the tarball of every package its lockfile names, but not with the full
 * registry metadata that `npm install` needs to resolve version ranges. So the new repository gets
 * a lockfile of its own, cut from this repository's: its dependencies, at the versions this
 * repository installs, each with its `resolved` URL and `integrity`, and dvpc as the local tarball.
 * `npm ci --offline` then takes every package from the cache, as a team's CI does with its lockfile.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

interface Manifest {
  name: string;
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  bin?: unknown;
  engines?: unknown;
}

/** The lockfile location a package resolves to from `from`, as Node finds node_modules upwards. */
function locate(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  for (let at = from; ; ) {
    const candidate = at === '' ? `node_modules/${name}` : `${at}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (at === '') return undefined;
    const i = at.lastIndexOf('/node_modules/');
    at = i < 0 ? '' : at.slice(0, i);
  }
}

/**
 * Writes `<repo>/package-lock.json` for the repository's package.json, whose `dvpc` dependency is
 * `file:<tarball>` (relative to the repository).
 */
export function writeConsumerLock(root: string, repo: string, tarball: string): void {
  const source = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const consumer = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as Manifest;
  const dvpc = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(join(repo, tarball))).digest('base64')}`;
  const packages: Record<string, LockEntry> = {
    ...source.packages,
    'node_modules/dvpc': { version: dvpc.version, resolved: `file:${tarball}`, integrity, dependencies: dvpc.dependencies, peerDependencies: dvpc.peerDependencies, bin: dvpc.bin, engines: dvpc.engines },
  };
  const out: Record<string, LockEntry> = { '': { name: consumer.name, dependencies: consumer.dependencies, devDependencies: consumer.devDependencies } };
  const queue: { at: string; deps: Record<string, string>; optional: Set<string> }[] = [{ at: '', deps: { ...consumer.dependencies, ...consumer.devDependencies }, optional: new Set() }];
  while (queue.length > 0) {
    const { at, deps, optional } = queue.pop() as (typeof queue)[number];
    for (const name of Object.keys(deps)) {
      const where = locate(packages, at, name);
      if (where === undefined) {
        if (optional.has(name)) continue;
        throw new Error(`${name} (needed by ${at || 'the new repository'}) is not in this repository's lockfile`);
      }
      if (out[where]) continue;
      const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = packages[where] as LockEntry;
      out[where] = entry;
      const optionalPeers = Object.entries(entry.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([n]) => n);
      queue.push({
        at: where,
        deps: { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies },
        optional: new Set([...Object.keys(entry.optionalDependencies ?? {}), ...optionalPeers]),
      });
    }
  }
  writeFileSync(join(repo, 'package-lock.json'), `${JSON.stringify({ name: consumer.name, lockfileVersion: 3, requires: true, packages: out }, null, 2)}\n`);
}
