/**
 * The command line as a user runs it: `node bin/dvpc.js` (the build) in a child process, and apps
 * written for a test into a folder of the repository (ignored by git), so that they import
 * `dvpc` and `cdk8s` by name as a user's repository does.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const REPO = join(import.meta.dirname, '..');
export const BIN = join(REPO, 'bin', 'dvpc.js');

export interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `dvpc ARGS` to its end. */
export function dvpc(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Ran {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO, env: options.env ?? process.env, input: options.input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A folder of test apps inside the repository; `remove` deletes it. */
export function appFolder(): { dir: string; write(name: string, text: string): string; remove(): void } {
  const base = join(REPO, '.test-apps');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'app-'));
  return {
    dir,
    write(name, text) {
      const file = join(dir, name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
