/**
 * What a Cluster may rely on (issue 10): a construct of another Cluster is an error naming both
 * clusters, and a cluster can require its inventory so that CI never silently loses the checks
 * that need it; what was skipped is said on success too.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { Cluster, ClusterVirtualImage, Cpu, DataSource, Project, VirtualDisk, VirtualImage, VirtualMachine, VirtualMachineClass, VirtualMachineIPAddress } from '../lib/index.ts';
import { main } from '../lib/cli/main.ts';
import { synthesize } from '../lib/synth.ts';
import { BASE, FIXTURE_INVENTORY } from './check-helpers.ts';
import { cleanup, problems, render, tempDir } from './helpers.ts';

const POLICY = { cores: { min: 1, max: 8 }, coreFractions: [10, 50, 100], defaultCoreFraction: 50 };

function twoClusters() {
  const app = new App();
  const lab = new Cluster(app, 'lab');
  const prod = new Cluster(app, 'prod');
  return { app, lab, prod, project: new Project(prod, 'apps') };
}

describe('a construct of another Cluster', () => {
  it('a class of another cluster is DVP201 naming both clusters, even when this cluster has a class of that name', () => {
    const { app, lab, prod, project } = twoClusters();
    const labStd = new VirtualMachineClass(lab, 'std', { cpu: Cpu.host(), sizingPolicies: [{ ...POLICY, defaultCoreFraction: 10 }] });
    new VirtualMachineClass(prod, 'std', { cpu: Cpu.host(), sizingPolicies: [POLICY] });
    new VirtualMachine(project, 'vm', { vmClass: labStd, cores: 2, memory: '2Gi', disks: [{ name: 'root', size: '1Gi' }] });
    const found = problems(app);
    expect(found.map((d) => [d.code, d.constructPath, d.path])).toEqual([['DVP201', 'prod/apps/vm', 'spec.virtualMachineClassName']]);
    expect(found[0]?.message).toBe('VirtualMachineClass "std" belongs to cluster "lab", but VirtualMachine "vm" is in cluster "prod": a reference across clusters renders as a bare name that cluster "prod" may not have, or may give to another object');
    expect(synthesize(app, { dryRun: true, outdir: join(tempDir(), 'o') }).errors).toBeGreaterThan(0);
  });

  it('the nearest correct input: the class of its own cluster', () => {
    const { app, prod, project } = twoClusters();
    const std = new VirtualMachineClass(prod, 'std', { cpu: Cpu.host(), sizingPolicies: [POLICY] });
    new VirtualMachine(project, 'vm', { vmClass: std, cores: 2, memory: '2Gi', disks: [{ name: 'root', size: '1Gi' }] });
    expect(problems(app)).toEqual([]);
  });

  it('disks, images, addresses and data sources of another cluster, each with its reference\'s code', () => {
    const { app, lab, prod, project } = twoClusters();
    const labProject = new Project(lab, 'apps');
    const disk = new VirtualDisk(labProject, 'data', { size: '1Gi' });
    const cvi = new ClusterVirtualImage(lab, 'ubuntu', { source: DataSource.upload() });
    const ip = new VirtualMachineIPAddress(labProject, 'ip', { staticIP: '10.0.0.5' });
    const std = new VirtualMachineClass(prod, 'std', { cpu: Cpu.host(), sizingPolicies: [POLICY] });
    new VirtualMachine(project, 'vm', { vmClass: std, cores: 2, memory: '2Gi', disks: [{ name: 'root', size: '1Gi', image: cvi }, disk], address: ip });
    new ClusterVirtualImage(prod, 'copy', { source: DataSource.from(cvi) });
    new VirtualImage(project, 'img', { source: DataSource.from(cvi) });
    const found = problems(app).filter((d) => d.file === undefined).map((d) => [d.code, d.constructPath, d.path]);
    expect(found).toHaveLength(5);
    expect(found).toEqual(expect.arrayContaining([
      ['DVP401', 'prod/apps/vm', 'spec.blockDeviceRefs[1]'],
      ['DVP404', 'prod/apps/vm', 'spec.virtualMachineIPAddressName'],
      ['DVP403', 'prod/apps/vm/root', 'spec.dataSource.objectRef'],
      ['DVP403', 'prod/copy', 'spec.dataSource.objectRef'],
      ['DVP403', 'prod/apps/img', 'spec.dataSource.objectRef'],
    ]));
    for (const d of problems(app).filter((x) => x.file === undefined)) expect(d.message).toMatch(/belongs to cluster "lab", but .* is in cluster "prod"/);
  });
});

describe('requireInventory and --require-inventory', () => {
  const vmIn = (cluster: Cluster) => {
    const std = new VirtualMachineClass(cluster, 'std', { cpu: Cpu.host(), sizingPolicies: [POLICY] });
    new VirtualMachine(new Project(cluster, 'apps'), 'vm', { vmClass: std, cores: 2, memory: '2Gi', disks: [{ name: 'root', size: '1Gi' }] });
  };

  it('a Cluster that requires an inventory and has none fails the synth, naming what it would skip', () => {
    const app = new App();
    vmIn(new Cluster(app, 'prod', { requireInventory: true }));
    const result = synthesize(app, { dryRun: true, outdir: join(tempDir(), 'o') });
    const d = result.clusters[0]?.report.diagnostics;
    expect(d?.map((x) => [x.code, x.severity, x.constructPath, x.path])).toEqual([['DVP002', 'error', 'prod', 'inventory']]);
    expect(d?.[0]?.message).toMatch(/^cluster prod requires an inventory, but it has no inventory: the \d+ checks that need one \(DVP006, DVP103, /);
    // The nearest correct input: with its inventory, the same cluster passes.
    const ok = new App();
    vmIn(new Cluster(ok, 'prod', { requireInventory: true, inventory: FIXTURE_INVENTORY }));
    expect(render(ok).result.clusters[0]?.report.diagnostics.map((x) => x.code)).not.toContain('DVP002');
    // An inventory folder without any Node is no inventory either.
    const empty = tempDir();
    writeFileSync(join(empty, 'storage.yaml'), 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\nprovisioner: x\n');
    const hollow = new App();
    vmIn(new Cluster(hollow, 'prod', { requireInventory: true, inventory: empty }));
    expect(render(hollow).result.clusters[0]?.report.diagnostics[0]?.message).toMatch(/its inventory .* holds no Node/);
    cleanup(empty);
  });

  it('dvpc check --require-inventory: an error without one, nothing with one', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'state.yaml'), BASE);
    const out: string[] = [];
    const io = { out: (s: string) => void out.push(s), err: () => undefined, colour: false };
    expect(await main(['check', dir], io)).toBe(0);
    out.length = 0;
    expect(await main(['check', dir, '--require-inventory'], io)).toBe(1);
    expect(out.join('')).toMatch(/error {3}DVP002 {2}cluster .* requires an inventory, but it has no inventory/);
    expect(await main(['check', dir, '--require-inventory', '--inventory', FIXTURE_INVENTORY], io)).toBe(0);
    cleanup(dir);
  });

  it('dvpc synth says what each cluster skipped on success too', async () => {
    const dir = tempDir();
    const app = join(dir, 'app.mjs');
    mkdirSync(join(dir, 'out'));
    // A plain JavaScript app: one cluster with an inventory, one without.
    writeFileSync(app, `import { App } from 'cdk8s';\nimport { Cluster } from ${JSON.stringify(new URL('../lib/index.ts', import.meta.url).href)};\nexport default () => { const app = new App(); new Cluster(app, 'with', { inventory: ${JSON.stringify(join(process.cwd(), FIXTURE_INVENTORY))} }); new Cluster(app, 'without'); return app; };\n`);
    const err: string[] = [];
    const code = await main(['synth', '--app', app, '--outdir', join(dir, 'out')], { out: () => undefined, err: (s) => void err.push(s), colour: false });
    expect(code).toBe(0);
    const text = err.join('');
    expect(text).toMatch(/^synthesized with, without: /m);
    expect(text).toMatch(/^ {2}with: skipped without a baseline: DVP601, DVP603, DVP604$/m);
    expect(text).toMatch(/^ {2}without: skipped without an inventory: DVP006, DVP103, .*; without an inventory or a baseline: DVP107, DVP602; without a baseline: DVP601, DVP603, DVP604$/m);
    cleanup(dir);
  });
});
