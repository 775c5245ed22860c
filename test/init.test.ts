/**
 * `dvpc init`: the files of a new GitOps repository, from the package's templates, never over a
 * file that exists. (That `npm install && npm run synth` and `npm test` work in what it creates is
 * proven with the packed tarball in package.test.ts.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../lib/cli/main.ts';
import { cleanup, readTree, tempDir } from './helpers.ts';
import { REPO } from './run-cli.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach(cleanup));

async function init(args: string[]): Promise<{ status: number; err: string }> {
  const err: string[] = [];
  const status = await main(['init', ...args], { out: () => undefined, err: (s) => void err.push(s), colour: false });
  return { status, err: err.join('') };
}

describe('dvpc init', () => {
  it('creates the repository: package, compiler and cdk8s settings, one cluster, inventory, test, workflow', async () => {
    const dir = join(tempDir('dvpc-init-'), 'Platform VMs');
    dirs.push(join(dir, '..'));
    const r = await init([dir, '--cluster', 'prod-eu']);
    expect(r.status).toBe(0);
    expect(r.err).toMatch(/next: cd .* && npm install && npm run synth/);
    const files = readTree(dir);
    expect([...files.keys()]).toEqual([
      '.github/workflows/dvpc.yml', '.gitignore', 'README.md', 'cdk8s.yaml', 'inventory/README.md', 'package.json',
      'stacks/main.ts', 'stacks/prod-eu/index.ts', 'test/stacks.test.ts', 'tsconfig.json',
    ]);
    const pkg = JSON.parse(files.get('package.json') ?? '') as { name: string; type: string; scripts: Record<string, string>; devDependencies: Record<string, string> };
    const own = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };
    expect(pkg.name).toBe('platform-vms');
    expect(pkg.type).toBe('module');
    expect(pkg.scripts).toEqual({ synth: 'dvpc synth', test: 'tsc -p . && vitest run' });
    // dvpc itself, and what dvpc is tested with, at the same ranges (one place holds them).
    expect(pkg.devDependencies).toEqual({
      '@types/node': own.devDependencies['@types/node'], cdk8s: own.devDependencies['cdk8s'], 'cdk8s-plus-28': own.devDependencies['cdk8s-plus-28'],
      constructs: own.devDependencies['constructs'], dvpc: `^${own.version}`, typescript: own.devDependencies['typescript'], vitest: own.devDependencies['vitest'],
    });
    // The workflow is the package's own file, not a copy of its text kept elsewhere.
    expect(files.get('.github/workflows/dvpc.yml')).toBe(readFileSync(join(REPO, '.github', 'workflows', 'dvpc.yml'), 'utf8'));
    expect(files.get('stacks/main.ts')).toContain("import { prodEu } from './prod-eu/index.js';");
    expect(files.get('stacks/prod-eu/index.ts')).toContain("new Cluster(app, 'prod-eu', { inventory: existsSync(INVENTORY) ? INVENTORY : undefined })");
    expect(files.get('inventory/README.md')).toContain('npx dvpc inventory capture --out inventory/prod-eu --context CONTEXT');
    expect([...files].filter(([f]) => !f.startsWith('.github/')).map(([, t]) => t).join('\n')).not.toMatch(/\{\{\w+\}\}|__cluster__/);
  });

  it('refuses to overwrite, names the files that exist, and writes nothing', async () => {
    const dir = tempDir('dvpc-init-');
    dirs.push(dir);
    mkdirSync(join(dir, 'stacks'));
    writeFileSync(join(dir, 'stacks', 'main.ts'), 'mine\n');
    writeFileSync(join(dir, 'README.md'), 'mine\n');
    const r = await init([dir]);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/^dvpc: init writes nothing: these files exist in .*: README\.md, stacks\/main\.ts\n/);
    expect([...readTree(dir).keys()]).toEqual(['README.md', 'stacks/main.ts']);
  });

  it('is a usage error for a bad cluster name or two folders (exit 2)', async () => {
    expect((await init([tempDir(), '--cluster', 'Prod_EU'])).status).toBe(2);
    expect((await init(['a', 'b'])).status).toBe(2);
  });
});
