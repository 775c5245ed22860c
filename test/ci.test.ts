/**
 * `dvpc ci`, the pull-request workflow's logic, run locally with made-up inputs: a git repository
 * with a base branch, a change on top, labels, and GitHub's environment variables. The failing
 * cases come first: they are what the workflow exists for.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { Cluster, Project, VirtualMachine, VirtualizationModule } from '../lib/index.ts';
import { synthesize } from '../lib/synth.ts';
import { allowFromLabels, runPullRequest, type PullRequestOptions } from '../lib/cli/pull-request.ts';
import { main } from '../lib/cli/main.ts';
import { eventLabels } from '../lib/cli/commands/ci.ts';
import { codeScanningProblems, schemaProblems, type SarifLog } from './sarif-helpers.ts';
import { cleanup, tempDir } from './helpers.ts';

interface Change {
  /** VMs per cluster. */
  readonly vms?: Record<string, string[]>;
  /** A static address for west's first VM (outside its subnet: DVP104). */
  readonly westAddress?: string;
}

/** Two clusters, each a project of VMs with a root disk; the change says which VMs exist. */
function fleet(change: Change = {}): App {
  const app = new App();
  for (const name of ['east', 'west']) {
    const cluster = new Cluster(app, name);
    new VirtualizationModule(cluster, 'virtualization', { dvcr: { size: '50G' }, virtualMachineCIDRs: ['10.66.10.0/24'] });
    const project = new Project(cluster, 'apps');
    (change.vms?.[name] ?? ['web-1', 'web-2']).forEach((vm, i) => {
      new VirtualMachine(project, vm, {
        vmClass: 'generic', cores: 2, coreFraction: '50%', memory: '2Gi', disks: [{ name: 'root', size: '10Gi' }],
        ...(name === 'west' && i === 0 && change.westAddress ? { address: change.westAddress } : {}),
      });
    });
  }
  return app;
}

let repo: string;
let cwd: string;
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { stdio: 'pipe' }).toString();

/** The base branch `main` holds the rendered fleet; the change is checked out on `pr`. */
beforeEach(() => {
  repo = tempDir('dvpc-ci-');
  cwd = process.cwd();
  process.chdir(repo);
  git('init', '-q', '-b', 'main');
  writeFileSync('.gitignore', '.dvpc/\n');
  synthesize(fleet(), { outdir: 'dist' });
  git('add', '-A');
  git('commit', '-qm', 'base');
  git('checkout', '-q', '-b', 'pr');
});
afterEach(() => {
  process.chdir(cwd);
  cleanup(repo);
});

/** Commits the change the way its author would: stacks changed, dist/ rendered (or not). */
function commit(change: Change, render = true): void {
  writeFileSync('stacks.json', JSON.stringify(change));
  if (render) synthesize(fleet(change), { outdir: 'dist' });
  git('add', '-A');
  git('commit', '-qm', 'change');
}

function capture() {
  const out: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: () => undefined, colour: false }, out: () => out.join('') };
}

async function ci(change: Change, options: Partial<PullRequestOptions> = {}): Promise<{ code: number; out: string; sarif: SarifLog[]; comment: string }> {
  const t = capture();
  const code = await runPullRequest({
    loadApp: async () => fleet(change), appFile: 'stacks/main.ts', outdir: 'dist', baselineRef: 'main', labels: [],
    sarifDir: '.dvpc/sarif', commentFile: '.dvpc/comment.md', annotations: true, verifyCommitted: true, ...options,
  }, t.io);
  const sarif = existsSync('.dvpc/sarif') ? readdirSync('.dvpc/sarif').sort().map((f) => JSON.parse(readFileSync(join('.dvpc/sarif', f), 'utf8')) as SarifLog) : [];
  return { code, out: t.out(), sarif, comment: existsSync('.dvpc/comment.md') ? readFileSync('.dvpc/comment.md', 'utf8') : '' };
}

function expectUploadable(sarif: SarifLog[]): void {
  expect(sarif.map((l) => l.runs[0]?.automationDetails?.id)).toEqual(['dvpc/app/', 'dvpc/cluster/east/', 'dvpc/cluster/west/']);
  for (const l of sarif) expect(schemaProblems(l)).toEqual([]);
  expect(codeScanningProblems(sarif)).toEqual([]);
}

describe('dvpc ci when the change fails', () => {
  it('annotates a failing synth: SARIF per cluster with the finding, an annotation on file and line, a comment', async () => {
    const change = { westAddress: '10.99.0.5' };
    commit(change, false);
    const r = await ci(change);
    expect(r.code).toBe(1);
    expectUploadable(r.sarif);
    const west = r.sarif[2]?.runs[0];
    expect(west?.results?.map((x) => [x.ruleId, x.level, x.locations?.[0]?.physicalLocation?.artifactLocation?.uri])).toEqual([['DVP104', 'error', 'dist/west/namespaces/apps/ip-addresses.yaml']]);
    expect(r.out).toMatch(/^::error file=dist\/west\/namespaces\/apps\/ip-addresses\.yaml,line=\d+,title=DVP104 VirtualMachineIPAddress\/apps\/web-1 spec\.staticIP::10\.99\.0\.5 lies in no virtualMachineCIDR.*%0AHint: /m);
    expect(r.comment).toMatch(/^## dvpc: ❌ this change fails/);
    expect(r.comment).toMatch(/\*\*DVP104\*\*/);
    expect(r.comment).toMatch(/was not rendered/);
  });

  it('annotates an app that does not run, at the app file, and still writes SARIF code scanning accepts', async () => {
    commit({}, false);
    const r = await ci({}, { loadApp: async () => { throw new TypeError('Cannot read properties of undefined (reading \'size\')\n    at stacks/prod.ts:12:3'); } });
    expect(r.code).toBe(1);
    expect(r.sarif.map((l) => l.runs[0]?.automationDetails?.id)).toEqual(['dvpc/app/']);
    expect(schemaProblems(r.sarif[0])).toEqual([]);
    expect(codeScanningProblems(r.sarif)).toEqual([]);
    const result = r.sarif[0]?.runs[0]?.results?.[0];
    expect(result?.ruleId).toBe('app-error');
    expect(result?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe('stacks/main.ts');
    expect(r.out).toBe("::error file=stacks/main.ts,title=app-error::the app did not run: Cannot read properties of undefined (reading 'size')%0AHint: run `npx dvpc synth --app stacks/main.ts` locally to see the whole error\n");
    expect(r.comment).toMatch(/The app did not render: nothing was checked/);
  });

  it('fails a change whose dist/ is not what its stacks render', async () => {
    const change = { vms: { east: ['web-1', 'web-2', 'web-3'] } };
    commit(change, false);
    const r = await ci(change);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^::error title=dist\/ is not what the stacks render::run `npm run synth` and commit dist\/: \d+ file\(s\) differ, e\.g\. dist\/east\/namespaces\/apps\//m);
    expect(r.comment).toMatch(/is not what the stacks render/);
  });
});

describe('dvpc ci when the change passes', () => {
  it('passes a committed change of two clusters: three runs of distinct categories, the diff in the comment', async () => {
    const change = { vms: { west: ['web-1', 'web-2', 'web-3'] } };
    commit(change);
    const r = await ci(change);
    expect(r.code).toBe(0);
    expectUploadable(r.sarif);
    expect(r.out).toBe('');
    expect(r.comment).toMatch(/^## dvpc: ✅ this change passes/);
    expect(r.comment).toMatch(/\| cluster <code>east<\/code> \| 0 \| 0 \| \d+ \|/);
    expect(r.comment).toMatch(/<details><summary>What this change does \(dvpc diff\)<\/summary>[\s\S]*web-3/);
  });
});

describe('dvpc ci with more clusters than one upload takes', () => {
  it('writes a run per cluster and warns that code scanning takes at most 20 runs per upload', async () => {
    const many = () => {
      const app = new App();
      for (let i = 0; i < 20; i++) new VirtualizationModule(new Cluster(app, `c${i}`), 'virtualization', { dvcr: { size: '50G' }, virtualMachineCIDRs: ['10.66.10.0/24'] });
      return app;
    };
    const r = await ci({}, { loadApp: async () => many(), baselineRef: undefined, verifyCommitted: false });
    expect(r.code).toBe(0);
    expect(r.sarif.length).toBe(21);
    expect(codeScanningProblems(r.sarif)).toEqual(['21 runs in one upload (at most 20)']);
    expect(r.out).toMatch(/^::warning title=code scanning::21 SARIF runs \(one per cluster\); code scanning accepts at most 20 in one upload/m);
    expect(r.comment).toMatch(/No base branch/);
  });
});

describe('approving an intended destructive change with a label', () => {
  const removal = { vms: { east: ['web-1'] } };

  it('fails the removal of a disk without the label, and says how to approve it', async () => {
    commit(removal, false);
    const r = await ci(removal);
    expect(r.code).toBe(1);
    expect(r.sarif[1]?.runs[0]?.results?.map((x) => [x.ruleId, x.level])).toEqual([['DVP601', 'error']]);
    expect(r.comment).toMatch(/label `dvpc\/allow:CODE`/);
  });

  it('turns the approved code into a warning with the label dvpc/allow:DVP601, and passes', async () => {
    commit(removal);
    const r = await ci(removal, { labels: ['bug', 'dvpc/allow: DVP601, DVP999'] });
    expect(r.code).toBe(0);
    expect(r.sarif[1]?.runs[0]?.results?.map((x) => [x.ruleId, x.level])).toEqual([['DVP601', 'warning']]);
    expect(r.out).toMatch(/^::warning file=dist\/east\/namespaces\/apps\/virtual-disks\.yaml,line=\d+,title=DVP601 VirtualDisk\/apps\/web-2-root::/m);
    expect(r.out).toMatch(/^::warning title=dvpc\/allow label::"DVP999" is not a dvpc code/m);
    expect(r.comment).toMatch(/<code>DVP601<\/code> by the label <code>dvpc\/allow: DVP601, DVP999<\/code>/);
  });

  it('reads labels as GitHub shows them', () => {
    expect([...allowFromLabels(['dvpc/allow:DVP601,dvp603', 'DVPC/ALLOW = DVP604', 'dvpc/allowed:DVP602', 'allow DVP107']).allow].sort()).toEqual(['DVP601', 'DVP603', 'DVP604']);
  });
});

describe('dvpc ci on the command line, with GitHub\'s environment', () => {
  const ENV = ['GITHUB_BASE_REF', 'GITHUB_EVENT_PATH', 'GITHUB_STEP_SUMMARY', 'GITHUB_ACTIONS'];
  afterEach(() => {
    for (const k of ENV) delete process.env[k];
  });

  it('takes the base branch, the labels, the summary file and annotations from the environment', async () => {
    mkdirSync('stacks');
    writeFileSync('stacks/main.ts', `import { App } from 'cdk8s';
import { Cluster, Project, VirtualMachine, VirtualizationModule } from '${join(cwd, 'lib/index.ts')}';
export default () => {
  const app = new App();
  for (const name of ['east', 'west']) {
    const cluster = new Cluster(app, name);
    new VirtualizationModule(cluster, 'virtualization', { dvcr: { size: '50G' }, virtualMachineCIDRs: ['10.66.10.0/24'] });
    const project = new Project(cluster, 'apps');
    for (const vm of name === 'east' ? ['web-1'] : ['web-1', 'web-2']) new VirtualMachine(project, vm, { vmClass: 'generic', cores: 2, coreFraction: '50%', memory: '2Gi', disks: [{ name: 'root', size: '10Gi' }] });
  }
  return app;
};
`);
    commit({ vms: { east: ['web-1'] } });
    // The base branch as the checkout action leaves it: a remote-tracking branch.
    git('update-ref', 'refs/remotes/origin/main', 'main');
    // The run that adding the label started: the label approves this commit.
    writeFileSync('event.json', JSON.stringify({ action: 'labeled', label: { name: 'dvpc/allow:DVP601' }, pull_request: { number: 7, labels: [{ name: 'dvpc/allow:DVP601' }] } }));
    Object.assign(process.env, { GITHUB_BASE_REF: 'main', GITHUB_EVENT_PATH: join(repo, 'event.json'), GITHUB_STEP_SUMMARY: join(repo, 'summary.md'), GITHUB_ACTIONS: 'true' });
    const t = capture();
    expect(await main(['ci', '--sarif-dir', '.dvpc/sarif', '--comment', '.dvpc/comment.md'], t.io)).toBe(0);
    expect(t.out()).toMatch(/^::warning file=dist\/east\/namespaces\/apps\/virtual-disks\.yaml,line=\d+,title=DVP601 /m);
    expect(readFileSync('summary.md', 'utf8')).toBe(readFileSync('.dvpc/comment.md', 'utf8'));
    expect(readFileSync('summary.md', 'utf8')).toMatch(/by the label <code>dvpc\/allow:DVP601<\/code>/);
    expect(readdirSync('.dvpc/sarif').sort()).toEqual(['app.sarif', 'cluster-east.sarif', 'cluster-west.sarif']);
  });

  it('lets a dvpc/allow label approve only the commit it was added on', () => {
    const event = (e: object) => {
      writeFileSync('event.json', JSON.stringify(e));
      return eventLabels(join(repo, 'event.json'));
    };
    const labels = [{ name: 'dvpc/allow:DVP601' }, { name: 'dvpc/allow:DVP603' }, { name: 'team/db' }];
    // Adding one approval label: that label approves, the other is from an older commit.
    expect(event({ action: 'labeled', label: { name: 'dvpc/allow:DVP603' }, pull_request: { labels } })).toEqual({ labels: ['dvpc/allow:DVP603', 'team/db'], stale: ['dvpc/allow:DVP601'] });
    // A push, or any other label added after it: no approval carries over.
    for (const e of [{ action: 'synchronize' }, { action: 'labeled', label: { name: 'team/db' } }, { action: 'reopened' }]) {
      expect(event({ ...e, pull_request: { labels } })).toEqual({ labels: ['team/db'], stale: ['dvpc/allow:DVP601', 'dvpc/allow:DVP603'] });
    }
  });

  it('refuses bad flags with a usage error', async () => {
    const t = capture();
    const err: string[] = [];
    expect(await main(['ci', '--labels', '[1,2]'], { ...t.io, err: (s) => void err.push(s) })).toBe(2);
    expect(await main(['ci', 'extra'], { ...t.io, err: (s) => void err.push(s) })).toBe(2);
    expect(err.join('')).toMatch(/--labels: not a JSON array of strings/);
  });
});
