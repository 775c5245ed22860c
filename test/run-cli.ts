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

/**
 * Runs `dvpc ARGS` in this process (the source, not the build): quicker, and what most tests of a
 * command's behaviour need. `stdin` is what a pipe would give it.
 */
export async function dvpcHere(args: readonly string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  const { main } = await import('../lib/cli/main.ts');
  const out: string[] = [];
  const err: string[] = [];
  const input = stdin === undefined ? {} : { stdin: async function* () { yield stdin; } };
  const code = await main([...args], { out: (s) => void out.push(s), err: (s) => void err.push(s), colour: false, ...input });
  return { code, out: out.join(''), err: err.join('') };
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
