/** The synth pipeline: golden output, determinism, the atomic swap, and the command line. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import fleet from '../stacks/main.ts';
import { Cluster, ClusterVirtualImage, Cpu, DataSource, Project, VirtualMachine, VirtualMachineClass, VirtualizationModule } from '../lib/index.ts';
import { synthesize } from '../lib/synth.ts';
import { main } from '../lib/cli/main.ts';
import { readTree, scratchDirs } from './helpers.ts';

const scratch = scratchDirs();

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s), colour: false }, out, err };
}

describe('the example fleet', () => {
  it('renders exactly the committed dist/ (golden output)', () => {
    const out = join(scratch(), 'dist');
    const result = synthesize(fleet(), { outdir: out });
    expect(result.errors).toBe(0);
    expect(result.written).toBe(true);
    const rendered = readTree(out);
    const committed = readTree('dist');
    expect([...rendered.keys()]).toEqual([...committed.keys()]);
    for (const [path, text] of rendered) expect(text, path).toBe(committed.get(path));
  });

  it('renders byte-identical output on every run', () => {
    const a = synthesize(fleet(), { dryRun: true });
    const b = synthesize(fleet(), { dryRun: true });
    expect([...a.files]).toEqual([...b.files]);
  });

  it('lays out lab and prod as SPEC §4 says', () => {
    const files = [...synthesize(fleet(), { dryRun: true }).files.keys()];
    expect(files).toContain('lab/cluster/module-configs.yaml');
    expect(files).toContain('lab/cluster/virtual-machine-classes.yaml');
    expect(files).toContain('lab/namespaces/lab-demo/namespaces.yaml');
    expect(files).toContain('prod/namespaces/db/virtual-images.yaml');
    for (const f of files.filter((x) => !x.endsWith('kustomization.yaml'))) {
      const folder = f.slice(0, f.lastIndexOf('/'));
      expect(files, `${folder} has a kustomization.yaml`).toContain(`${folder}/kustomization.yaml`);
    }
  });
});

/** A small cluster whose constructs can be created in any order. */
function smallCluster(order: number[]): App {
  const app = new App();
  const cluster = new Cluster(app, 'small');
  const steps: (() => void)[] = [
    () => new VirtualizationModule(cluster, 'virtualization', { dvcr: { size: '10Gi' }, virtualMachineCIDRs: ['10.1.0.0/24'] }),
    () => new ClusterVirtualImage(cluster, 'img-b', { source: DataSource.upload() }),
    () => new ClusterVirtualImage(cluster, 'img-a', { source: DataSource.http('https://example.com/a.img') }),
    () => new VirtualMachineClass(cluster, 'zeta', { cpu: Cpu.host(), nodeSelector: { matchLabels: { z: '1', a: '2' } } }),
    () => new VirtualMachineClass(cluster, 'alpha', { cpu: Cpu.hostPassthrough() }),
    () => {
      const p = new Project(cluster, 'p2');
      new VirtualMachine(p, 'vm-b', { vmClass: 'zeta', cores: 2, memory: '2Gi', disks: [{ name: 'root', size: '5Gi' }], labels: { y: '1', b: '2' } });
      new VirtualMachine(p, 'vm-a', { vmClass: 'alpha', cores: 1, memory: '1Gi', disks: [{ name: 'root', size: '5Gi' }], address: '10.1.0.9' });
    },
    () => new Project(cluster, 'p1'),
  ];
  for (const i of order) steps[i]?.();
  return app;
}

describe('determinism', () => {
  it('gives the same bytes whatever order the constructs are created in', () => {
    const forward = synthesize(smallCluster([0, 1, 2, 3, 4, 5, 6]), { dryRun: true }).files;
    const backward = synthesize(smallCluster([6, 5, 4, 3, 2, 1, 0]), { dryRun: true }).files;
    const shuffled = synthesize(smallCluster([3, 0, 5, 1, 6, 2, 4]), { dryRun: true }).files;
    expect([...backward].sort()).toEqual([...forward].sort());
    expect([...shuffled].sort()).toEqual([...forward].sort());
  });
});

describe('atomic output', () => {
  function seeded(): string {
    const out = join(scratch(), 'dist');
    // A cluster that an earlier synth rendered, since removed from the stacks.
    mkdirSync(join(out, 'old', 'cluster'), { recursive: true });
    writeFileSync(join(out, 'old', 'cluster', 'marker.yaml'), 'kept: true\n');
    return out;
  }

  it('leaves dist/ as it was when a synth throws midway', () => {
    const out = seeded();
    expect(() => synthesize(fleet(), { outdir: out, beforeSwap: () => { throw new Error('interrupted'); } })).toThrow('interrupted');
    expect(readTree(out)).toEqual(new Map([['old/cluster/marker.yaml', 'kept: true\n']]));
    expect(readTree(join(out, '..')).size).toBe(1); // no staging folder left behind
  });

  it('writes nothing when a check fails', () => {
    const out = seeded();
    const app = new App();
    const c = new Cluster(app, 'broken');
    new VirtualMachine(c, 'vm', { vmClass: 'generic', cores: 3, coreFraction: '7%', memory: '1Gi', disks: [{ name: 'root', size: '1Gi' }] });
    new VirtualMachine(c, 'vm-dup', { name: 'vm', vmClass: 'generic', cores: 1, memory: '1Gi', disks: [{ name: 'root2', size: '1Gi' }] });
    const result = synthesize(app, { outdir: out });
    expect(result.errors).toBeGreaterThan(0);
    expect(result.written).toBe(false);
    expect(readTree(out)).toEqual(new Map([['old/cluster/marker.yaml', 'kept: true\n']]));
  });

  it('replaces the whole tree, so removed objects disappear', () => {
    const out = seeded();
    synthesize(smallCluster([0, 1]), { outdir: out });
    expect(existsSync(join(out, 'old'))).toBe(false);
    expect([...readTree(out).keys()]).toEqual(['small/cluster/cluster-virtual-images.yaml', 'small/cluster/kustomization.yaml', 'small/cluster/module-configs.yaml']);
  });

  it('writes where cdk8s synth asks ($CDK8S_OUTDIR)', () => {
    const out = join(scratch(), 'cdk8s-out');
    process.env['CDK8S_OUTDIR'] = out;
    try {
      synthesize(smallCluster([0]));
    } finally {
      delete process.env['CDK8S_OUTDIR'];
    }
    expect(readFileSync(join(out, 'small/cluster/module-configs.yaml'), 'utf8')).toContain('kind: ModuleConfig');
  });
});

describe('dvpc synth on the command line', () => {
  it('renders the fleet and exits 0', async () => {
    const out = join(scratch(), 'dist');
    const t = io();
    expect(await main(['synth', '--app', 'stacks/main.ts', '--outdir', out], t.io)).toBe(0);
    expect(existsSync(join(out, 'prod/cluster/module-configs.yaml'))).toBe(true);
  });

  it('exits 2 on an unknown flag, an unknown command, or a missing app', async () => {
    const t = io();
    expect(await main(['synth', '--bogus'], t.io)).toBe(2);
    expect(await main(['frobnicate'], t.io)).toBe(2);
    expect(await main(['synth', '--app', 'no/such/file.ts'], t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/does not exist/);
    expect(t.err.join('')).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('prints a construct error as a diagnostic and exits 1', async () => {
    const dir = scratch();
    const app = join(dir, 'bad.ts');
    writeFileSync(app, `import { App } from 'cdk8s';\nimport { Cluster, VirtualMachineClass, Cpu } from '${process.cwd()}/lib/index.ts';\nexport default () => { const app = new App(); const c = new Cluster(app, 'c'); new VirtualMachineClass(c, 'cpuX', { cpu: Cpu.host() }); return app; };\n`);
    const t = io();
    expect(await main(['synth', '--app', app, '--outdir', join(dir, 'out')], t.io)).toBe(1);
    expect(t.out.join('')).toMatch(/error   DVP003  VirtualMachineClass\/cpuX metadata.name: "cpuX" is not a DNS-1123 subdomain/);
    expect(t.out.join('')).toMatch(/construct: c\/cpuX/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

describe('the output folder a synth may replace', () => {
  const scratchDir = scratchDirs();

  it('refuses a folder that holds more than dvpc output, a file, or the working directory, and touches nothing', () => {
    const repo = scratchDir();
    writeFileSync(join(repo, 'package.json'), '{}\n');
    mkdirSync(join(repo, 'stacks'));
    const cwd = process.cwd();
    try {
      process.chdir(repo);
      // `--outdir .` would replace the repository with the rendered clusters.
      expect(() => synthesize(smallCluster([0]), { outdir: '.' })).toThrow(/holds the working directory/);
      expect(() => synthesize(smallCluster([0]), { outdir: '..' })).toThrow(/holds the working directory/);
    } finally {
      process.chdir(cwd);
    }
    expect(() => synthesize(smallCluster([0]), { outdir: join(repo, 'package.json') })).toThrow(/is a file, not a folder/);
    symlinkSync(join(repo, 'stacks'), join(repo, 'link'));
    expect(() => synthesize(smallCluster([0]), { outdir: join(repo, 'link') })).toThrow(/is a link/);
    rmSync(join(repo, 'link'));
    expect(() => synthesize(smallCluster([0]), { outdir: repo })).toThrow(/holds "package.json", which dvpc does not write/);
    // Inside a folder named like dvpc's own, the message names what dvpc did not write.
    const notes = join(repo, 'notes');
    mkdirSync(join(notes, 'gitops', 'drafts'), { recursive: true });
    expect(() => synthesize(smallCluster([0]), { outdir: notes })).toThrow(/holds "gitops\/drafts", which dvpc does not write/);
    expect(readdirSync(repo).sort()).toEqual(['notes', 'package.json', 'stacks']);
    // A folder of dvpc's output, or an empty one, is replaced.
    const out = join(repo, 'out');
    mkdirSync(out);
    expect(synthesize(smallCluster([0]), { outdir: out }).written).toBe(true);
    expect(synthesize(smallCluster([1]), { outdir: out }).written).toBe(true);
  });
});
