/**
 * The GitOps hand-off (render/gitops*.ts, constructs/gitops.ts): each wrong answer the hand-off
 * gave, the nearest correct input, and the properties that keep it right (injective names, an
 * Application per unit of at most ~1,000 VMs, paths that follow the output folder).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import fc from 'fast-check';
import { App } from 'cdk8s';
import { Cluster, GitOps, Project, VirtualMachine, VirtualizationModule, type GitOpsProps } from '../lib/index.ts';
import { synthesize } from '../lib/synth.ts';
import { gitopsFiles } from '../lib/render/gitops.ts';
import { resolveRevision, fluxRef, argoTargetRevision, resolveRepository, outputPathInRepository } from '../lib/render/gitops-source.ts';
import { clusterUnits, folderDependencies, unitName } from '../lib/render/gitops-units.ts';
import { scratchDirs } from './helpers.ts';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const scratch = scratchDirs();

const TWO = new Map<string, string[]>([['lab', ['cluster', 'namespaces/demo']], ['prod', ['cluster', 'namespaces/web']]]);

function docs(files: Map<string, string>, file: string): Doc[] {
  const text = files.get(file);
  if (text === undefined) throw new Error(`${file} not rendered`);
  return parseAllDocuments(text).map((d) => d.toJS() as Doc);
}

function gitRepository(p: GitOpsProps, cluster = 'lab'): Doc {
  return docs(gitopsFiles(p, TWO), `gitops/flux/${cluster}/kustomizations.yaml`).find((d) => d['kind'] === 'GitRepository') as Doc;
}

function applications(p: GitOpsProps, cluster = 'lab', clusters = TWO): Doc[] {
  return docs(gitopsFiles(p, clusters), `gitops/argocd/applications/${cluster}.yaml`);
}

/** Every problem the GitOps construct records, as synth reports them. */
function problemsOf(p: GitOpsProps): { code: string; path?: string | undefined; message: string }[] {
  const app = new App();
  new Cluster(app, 'lab');
  new GitOps(app, 'gitops', p);
  return synthesize(app, { dryRun: true, outdir: join(scratch(), 'dist') }).appDiagnostics.map((d) => ({ code: d.code, path: d.path, message: d.message }));
}

describe('the repository URL', () => {
  it('gives Flux an scp-style address as ssh://, which its CRD accepts, and Argo CD the address as written', () => {
    const url = 'git@github.com:platform/fleet.git';
    expect(gitRepository({ repoURL: url })['spec'].url).toBe('ssh://git@github.com/platform/fleet.git');
    expect(applications({ repoURL: url })[0]?.['spec'].source.repoURL).toBe(url);
    expect(resolveRepository('git.example.com:/srv/git/fleet.git').repository.flux).toBe('ssh://git.example.com/srv/git/fleet.git');
    expect(problemsOf({ repoURL: url })).toEqual([]);
  });

  it('keeps https and ssh:// URLs as they are', () => {
    for (const url of ['https://git.example.com/platform/fleet.git', 'ssh://git@git.example.com:2222/platform/fleet.git']) {
      expect(gitRepository({ repoURL: url })['spec'].url).toBe(url);
      expect(problemsOf({ repoURL: url })).toEqual([]);
    }
  });

  it('refuses what no tool can clone, and a password in the URL, without echoing the password', () => {
    expect(problemsOf({ repoURL: '/srv/git/fleet.git' })).toEqual([{ code: 'DVP002', path: 'repoURL', message: expect.stringMatching(/is not a URL Argo CD and Flux can clone/) }]);
    expect(problemsOf({ repoURL: 'file:///srv/git/fleet.git' })[0]?.path).toBe('repoURL');
    const leaked = problemsOf({ repoURL: 'https://bot:ghp_s3cr3tT0ken@github.com/platform/fleet.git' });
    expect(leaked).toEqual([{ code: 'DVP002', path: 'repoURL', message: expect.stringMatching(/carries a password or token/) }]);
    expect(JSON.stringify(leaked)).not.toContain('s3cr3t');
    const odd = problemsOf({ repoURL: 'bot:ghp_s3cr3tT0ken@github.com:platform/fleet.git' });
    expect(odd[0]?.message).toMatch(/^repoURL "\*\*\*@github\.com:platform\/fleet\.git" is not a URL/);
  });
});

describe('the revision', () => {
  it('renders a tag as ref.tag for Flux (never as a branch) and as the targetRevision for Argo CD', () => {
    expect(gitRepository({ repoURL: 'https://g.example/f.git', revision: 'v1.4.0' })['spec'].ref).toEqual({ tag: 'v1.4.0' });
    expect(applications({ repoURL: 'https://g.example/f.git', revision: 'v1.4.0' })[0]?.['spec'].source.targetRevision).toBe('v1.4.0');
  });

  it('reads each kind of revision from a plain string, and takes an explicit one as given', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const cases: [GitOpsProps['revision'], Record<string, string>, string][] = [
      [undefined, { branch: 'main' }, 'main'],
      ['main', { branch: 'main' }, 'main'],
      ['release/2026', { branch: 'release/2026' }, 'release/2026'],
      ['1.4.0-rc.1', { tag: '1.4.0-rc.1' }, '1.4.0-rc.1'],
      ['refs/tags/fleet-7', { tag: 'fleet-7' }, 'fleet-7'],
      ['refs/heads/v1.4.0', { branch: 'v1.4.0' }, 'v1.4.0'],
      ['>=1.4.0 <2.0.0', { semver: '>=1.4.0 <2.0.0' }, '>=1.4.0 <2.0.0'],
      ['~1.4', { semver: '~1.4' }, '~1.4'],
      ['1.x', { semver: '1.x' }, '1.x'],
      [sha, { commit: sha }, sha],
      [{ tag: 'fleet-7' }, { tag: 'fleet-7' }, 'fleet-7'],
      [{ semver: '^1' }, { semver: '^1' }, '^1'],
      [{ branch: 'v1.4.0' }, { branch: 'v1.4.0' }, 'v1.4.0'],
      [{ commit: sha, branch: 'main' }, { branch: 'main', commit: sha }, sha],
    ];
    for (const [given, flux, argo] of cases) {
      const { revision, problems } = resolveRevision(given);
      expect(problems, JSON.stringify(given)).toEqual([]);
      expect(fluxRef(revision), JSON.stringify(given)).toEqual(flux);
      expect(argoTargetRevision(revision), JSON.stringify(given)).toBe(argo);
    }
  });

  it('refuses revisions git or the tools cannot resolve', () => {
    for (const bad of [{ commit: '0123abc' }, { semver: '>= one' }, { tag: 'v1 .4' }, { branch: 'feature..x' }, 'a b']) {
      expect(problemsOf({ repoURL: 'https://g.example/f.git', revision: bad as GitOpsProps['revision'] }), JSON.stringify(bad)).toEqual([{ code: 'DVP002', path: 'revision', message: expect.any(String) }]);
    }
  });
});

describe('the path of the output in the repository', () => {
  function repoWith(...parts: string[]): string {
    const root = scratch();
    execFileSync('git', ['init', '-q', root]);
    return join(root, ...parts);
  }
  function tinyApp(props: Partial<GitOpsProps> = {}): App {
    const app = new App();
    new VirtualizationModule(new Cluster(app, 'lab'), 'virtualization', { dvcr: { size: '50G' }, virtualMachineCIDRs: ['10.66.10.0/24'] });
    new GitOps(app, 'gitops', { repoURL: 'https://g.example/f.git', ...props });
    return app;
  }
  function pathsIn(files: ReadonlyMap<string, string>): string[] {
    const apps = parseAllDocuments(files.get('gitops/argocd/applications/lab.yaml') ?? '').map((d) => (d.toJS() as Doc)['spec'].source.path as string);
    const flux = parseAllDocuments(files.get('gitops/flux/lab/kustomizations.yaml') ?? '').map((d) => d.toJS() as Doc).filter((d) => d['kind'] === 'Kustomization').map((d) => d['spec'].path as string);
    return [...apps, ...flux];
  }

  it('follows --outdir: the folder relative to the repository root', () => {
    const out = repoWith('deploy', 'rendered');
    expect(pathsIn(synthesize(tinyApp(), { outdir: out, dryRun: true }).files)).toEqual(['deploy/rendered/lab/cluster', './deploy/rendered/lab/cluster']);
    expect(outputPathInRepository(out)).toBe('deploy/rendered');
  });

  it('follows $CDK8S_OUTDIR', () => {
    const out = repoWith('manifests');
    process.env['CDK8S_OUTDIR'] = out;
    try {
      expect(pathsIn(synthesize(tinyApp(), { dryRun: true }).files)).toEqual(['manifests/lab/cluster', './manifests/lab/cluster']);
    } finally {
      delete process.env['CDK8S_OUTDIR'];
    }
  });

  it('takes the path prop over the output folder, and refuses one outside the repository', () => {
    const out = repoWith('dist');
    expect(pathsIn(synthesize(tinyApp({ path: 'clusters/dist/' }), { outdir: out, dryRun: true }).files)).toEqual(['clusters/dist/lab/cluster', './clusters/dist/lab/cluster']);
    expect(problemsOf({ repoURL: 'https://g.example/f.git', path: '../elsewhere' })).toEqual([{ code: 'DVP002', path: 'path', message: expect.stringMatching(/not a folder inside the repository/) }]);
  });

  it('outside any repository (a scratch render), uses the output folder\'s own name', () => {
    const out = join(scratch(), 'dist');
    mkdirSync(out);
    expect(outputPathInRepository(out)).toBe('dist');
  });
});

describe('credentials of a private repository', () => {
  it('names the Secret in Flux\'s secretRef and renders Argo CD\'s credential-free repository Secret', () => {
    const p: GitOpsProps = { repoURL: 'git@github.com:platform/fleet.git', credentials: { secretName: 'fleet-repo' } };
    expect(gitRepository(p)['spec'].secretRef).toEqual({ name: 'fleet-repo' });
    const files = gitopsFiles(p, TWO);
    for (const folder of ['applications', 'applicationset']) {
      const [secret] = docs(files, `gitops/argocd/${folder}/repository.yaml`);
      expect(secret).toEqual({
        apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
        metadata: { name: 'dvpc-repository', namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'repository' } },
        stringData: { type: 'git', url: 'git@github.com:platform/fleet.git' },
      });
      expect(docs(files, `gitops/argocd/${folder}/kustomization.yaml`)[0]?.['resources']).toContain('repository.yaml');
    }
  });

  it('renders neither for a public repository', () => {
    expect(gitRepository({ repoURL: 'https://g.example/f.git' })['spec'].secretRef).toBeUndefined();
    expect([...gitopsFiles({ repoURL: 'https://g.example/f.git' }, TWO).keys()].filter((f) => f.endsWith('repository.yaml'))).toEqual([]);
  });
});

describe('the ApplicationSet', () => {
  /** What Argo CD's goTemplate makes of the template for each element, empty fields dropped as Argo CD reads them. */
  function destinations(p: GitOpsProps): Record<string, Record<string, string>> {
    const [set] = docs(gitopsFiles(p, TWO), 'gitops/argocd/applicationset/fleet.yaml');
    const template = set?.['spec'].template.spec.destination as Record<string, string>;
    const out: Record<string, Record<string, string>> = {};
    for (const e of set?.['spec'].generators[0].list.elements as Doc[]) {
      const d: Record<string, string> = {};
      for (const [k, v] of Object.entries(template)) {
        const value = v.replace(/\{\{ \.destination\.(\w+) \}\}/, (_, key: string) => e['destination'][key]);
        if (value !== '') d[k] = value;
      }
      out[e['name']] = d;
    }
    return out;
  }

  it('keeps a cluster given by name by name when another is given by server URL', () => {
    expect(destinations({ repoURL: 'https://g.example/f.git', argocd: { destinations: { prod: { server: 'https://prod.example.com:6443' } } } })).toEqual({
      'lab.cluster': { name: 'lab' }, 'lab.ns.demo': { name: 'lab' },
      'prod.cluster': { server: 'https://prod.example.com:6443' }, 'prod.ns.web': { server: 'https://prod.example.com:6443' },
    });
    expect(destinations({ repoURL: 'https://g.example/f.git', argocd: { destinations: { lab: { name: 'lab-east' } } } })['lab.cluster']).toEqual({ name: 'lab-east' });
  });

  it('refuses a destination with both a name and a server, as Argo CD does', () => {
    expect(problemsOf({ repoURL: 'https://g.example/f.git', argocd: { destinations: { lab: { name: 'lab', server: 'https://lab:6443' } } } })).toEqual([{ code: 'DVP002', path: 'argocd.destinations.lab', message: expect.stringMatching(/both a name and a server/) }]);
  });

  it('applies wave by wave with progressiveSync, selecting each wave by its label', () => {
    const [set] = docs(gitopsFiles({ repoURL: 'https://g.example/f.git', argocd: { progressiveSync: true } }, TWO), 'gitops/argocd/applicationset/fleet.yaml');
    expect(set?.['spec'].strategy).toEqual({ type: 'RollingSync', rollingSync: { steps: [0, 1].map((w) => ({ matchExpressions: [{ key: 'dvpc/wave', operator: 'In', values: [String(w)] }] })) } });
    expect(set?.['spec'].template.metadata.labels['dvpc/wave']).toBe('{{ .wave }}');
    const [plain] = docs(gitopsFiles({ repoURL: 'https://g.example/f.git' }, TWO), 'gitops/argocd/applicationset/fleet.yaml');
    expect(plain?.['spec'].strategy).toBeUndefined();
  });
});

describe('unit names', () => {
  it('gives a sharded project "a" and a project "a-common" Kustomizations of different names', () => {
    const folders = ['cluster', 'namespaces/a/common', 'namespaces/a/shard-0', 'namespaces/a/shard-1', 'namespaces/a-common'];
    const ks = docs(gitopsFiles({ repoURL: 'https://g.example/f.git' }, new Map([['prod', folders]])), 'gitops/flux/prod/kustomizations.yaml').filter((d) => d['kind'] === 'Kustomization');
    expect(ks.map((k) => [k['metadata'].name, k['spec'].path])).toEqual([
      ['prod.cluster', './dist/prod/cluster'],
      ['prod.ns.a-common', './dist/prod/namespaces/a-common'],
      ['prod.ns.a.common', './dist/prod/namespaces/a/common'],
      ['prod.ns.a.shard-0', './dist/prod/namespaces/a/shard-0'],
      ['prod.ns.a.shard-1', './dist/prod/namespaces/a/shard-1'],
    ]);
  });

  it('never gives two folders of a fleet one name, and keeps every name a valid label value', () => {
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    const folder = fc.oneof(
      fc.constant('cluster'),
      label.map((ns) => `namespaces/${ns}`),
      fc.tuple(label, fc.oneof(fc.constant('common'), fc.integer({ min: 0, max: 63 }).map((i) => `shard-${String(i).padStart(2, '0')}`))).map(([ns, f]) => `namespaces/${ns}/${f}`),
    );
    fc.assert(fc.property(fc.uniqueArray(fc.tuple(label, folder), { minLength: 2, maxLength: 40, selector: ([c, f]) => `${c}/${f}` }), (pairs) => {
      const names = pairs.map(([c, f]) => unitName(c, f));
      expect(new Set(names).size).toBe(names.length);
      for (const n of names) expect(n).toMatch(/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/);
    }), { numRuns: 300 });
  });

  it('cuts a name longer than a label value and keeps it apart with a hash', () => {
    const ns = 'n'.repeat(60);
    const a = unitName('cluster-with-a-long-name', `namespaces/${ns}/shard-01`);
    const b = unitName('cluster-with-a-long-name', `namespaces/${ns}/shard-02`);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
  });
});

describe('apply order between units', () => {
  it('puts cluster/ first, then projects, then a sharded project\'s shards after its common part', () => {
    const units = clusterUnits('prod', ['cluster', 'namespaces/a/common', 'namespaces/a/shard-0', 'namespaces/web']);
    expect(units.map((u) => [u.folder, u.dependsOn, u.wave])).toEqual([
      ['cluster', [], 0],
      ['namespaces/a/common', ['cluster'], 1],
      ['namespaces/a/shard-0', ['cluster', 'namespaces/a/common'], 2],
      ['namespaces/web', ['cluster'], 1],
    ]);
    const apps = applications({ repoURL: 'https://g.example/f.git' }, 'prod', new Map([['prod', units.map((u) => u.folder)]]));
    expect(apps.map((a) => [a['metadata'].name, a['metadata'].annotations['argocd.argoproj.io/sync-wave']])).toEqual([['prod.cluster', '0'], ['prod.ns.a.common', '1'], ['prod.ns.a.shard-0', '2'], ['prod.ns.web', '1']]);
  });

  it('takes folder dependencies from references first, and drops a default that would close a cycle', () => {
    // An image in cluster/ made from a disk of namespaces/a: cluster/ must come after that folder.
    const deps = folderDependencies(['cluster', 'namespaces/a', 'namespaces/b'], new Map([['cluster', ['namespaces/a']]]));
    expect(Object.fromEntries(deps)).toEqual({ cluster: ['namespaces/a'], 'namespaces/a': [], 'namespaces/b': ['cluster'] });
    expect(clusterUnits('c', ['cluster', 'namespaces/a', 'namespaces/b'], new Map([['cluster', ['namespaces/a']]])).map((u) => u.wave)).toEqual([1, 0, 2]);
  });
});

describe('one Argo CD Application per unit of at most about 1,000 VMs', () => {
  it('splits a project of 2,100 VMs into Applications that each hold one folder of at most 1,000 VMs', () => {
    const app = new App();
    const cluster = new Cluster(app, 'big');
    new VirtualizationModule(cluster, 'virtualization', { dvcr: { size: '50G' }, virtualMachineCIDRs: ['10.66.0.0/16'] });
    const project = new Project(cluster, 'fleet');
    for (let i = 0; i < 2100; i++) new VirtualMachine(project, `vm-${String(i).padStart(4, '0')}`, { vmClass: 'generic', cores: 1, coreFraction: '50%', memory: '1Gi', disks: [{ name: 'root', size: '10Gi' }] });
    new GitOps(app, 'gitops', { repoURL: 'https://g.example/f.git' });
    const { files } = synthesize(app, { dryRun: true, outdir: join(scratch(), 'dist') });
    const apps = parseAllDocuments(files.get('gitops/argocd/applications/big.yaml') ?? '').map((d) => d.toJS() as Doc);
    const folders = [...files.keys()].filter((f) => f.startsWith('big/') && f.endsWith('/kustomization.yaml')).map((f) => `dist/${f.replace(/\/kustomization\.yaml$/, '')}`).sort();
    expect(apps.map((a) => a['spec'].source.path).sort()).toEqual(folders);
    expect(folders.length).toBeGreaterThan(3);
    for (const a of apps) {
      const prefix = `${(a['spec'].source.path as string).slice('dist/'.length)}/`;
      const own = [...files].filter(([f]) => f.startsWith(prefix) && !f.slice(prefix.length).includes('/') && !f.endsWith('kustomization.yaml'));
      const vms = own.reduce((n, [, text]) => n + (text.match(/^kind: VirtualMachine$/gm)?.length ?? 0), 0);
      const bytes = own.reduce((n, [, text]) => n + Buffer.byteLength(text), 0);
      expect(vms, prefix).toBeLessThanOrEqual(1000);
      expect(bytes, prefix).toBeLessThan(10 * 1024 * 1024);
    }
    expect(apps.reduce((n, a) => n + (files.get(`${(a['spec'].source.path as string).slice(5)}/virtual-machines.yaml`)?.match(/^kind: VirtualMachine$/gm)?.length ?? 0), 0)).toBe(2100);
  });
});
