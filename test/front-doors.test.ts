/**
 * One model, two front doors: the example fleet broken in a dozen ways is caught identically by
 * `synth` (constructs) and by `dvpc check` (the YAML it would write), and the reports' formats.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { JsonPatch, type App, ApiObject } from 'cdk8s';
import fleet from '../stacks/main.ts';
import { Cluster, ClusterVirtualImage, DataSource, Project, Provisioning, VirtualDisk, VirtualMachine, VirtualMachineIPAddress } from '../lib/index.ts';
import { synthesize } from '../lib/synth.ts';
import { checkPaths } from '../lib/front/check-paths.ts';
import { main } from '../lib/cli/main.ts';
import type { Diagnostic } from '../lib/core/diagnostic.ts';
import { cleanup, tempDir } from './helpers.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach(cleanup));

function clusterOf(app: App, name: string): Cluster {
  const c = app.charts.find((x) => x instanceof Cluster && (x as Cluster).clusterName === name);
  if (!c) throw new Error(`no cluster ${name}`);
  return c as Cluster;
}

/** The example fleet with a dozen mistakes a team could make in prod. */
function brokenFleet(): App {
  const app = fleet();
  const prod = clusterOf(app, 'prod');
  const lab = clusterOf(app, 'lab');
  // 1. an overlapping VM subnet (DVP102), through a JSON patch as a user would add one
  (prod.node.findChild('virtualization') as ApiObject).addJsonPatch(JsonPatch.add('/spec/settings/virtualMachineCIDRs/-', '10.70.2.0/24'));
  const p = new Project(prod, 'broken');
  const disk = (id: string, props = {}) => new VirtualDisk(p, id, { size: '10Gi', ...props });
  // 2. a VM on a class that does not exist (DVP201)
  new VirtualMachine(p, 'no-class', { vmClass: 'gold', cores: 2, coreFraction: '50%', memory: '4Gi', disks: [disk('d1')] });
  // 3. a disk on a StorageClass the module does not allow (DVP301, and it is deprecated: DVP306)
  disk('on-localpath', { storageClassName: 'localpath' });
  // 4. the first address of a subnet (DVP105) and 5. an address already claimed by db-01 (DVP106)
  new VirtualMachineIPAddress(p, 'network-address', { staticIP: '10.70.4.0' });
  new VirtualMachineIPAddress(p, 'taken', { staticIP: '10.70.4.10' });
  // 6. memory off the class's step (DVP203) and 7. a core fraction it does not allow (DVP204)
  new VirtualMachine(p, 'odd-memory', { vmClass: 'standard', cores: 2, coreFraction: '20%', memory: '3000Mi', disks: [disk('d2')] });
  new VirtualMachine(p, 'odd-fraction', { vmClass: 'standard', cores: 2, coreFraction: '30%', memory: '4Gi', disks: [disk('d3')] });
  // 8. an image of another cluster (DVP401)
  const labOnly = new ClusterVirtualImage(lab, 'lab-only', { source: DataSource.upload() });
  new VirtualMachine(p, 'foreign-image', { vmClass: 'standard', cores: 1, coreFraction: '10%', memory: '2Gi', disks: [labOnly] });
  // 9. one disk in two VMs (DVP402)
  const shared = disk('shared');
  new VirtualMachine(p, 'share-a', { vmClass: 'standard', cores: 1, coreFraction: '10%', memory: '2Gi', disks: [shared] });
  new VirtualMachine(p, 'share-b', { vmClass: 'standard', cores: 1, coreFraction: '10%', memory: '2Gi', disks: [shared] });
  // 10. a private key in a cloud-init Secret (DVP701)
  new VirtualMachine(p, 'leaky', {
    vmClass: 'standard', cores: 1, coreFraction: '10%', memory: '2Gi', disks: [disk('d4')],
    provisioning: Provisioning.cloudInitSecret('#cloud-config\nwrite_files:\n  - path: /root/.ssh/id_rsa\n    content: |\n      -----BEGIN RSA PRIVATE KEY-----\n      MIIEow==\n      -----END RSA PRIVATE KEY-----\n'),
  });
  // 11. 17 cores, not a multiple of the 2 sockets (DVP207)
  new VirtualMachine(p, 'seventeen', { vmClass: 'compute', cores: 17, memory: '34Gi', disks: [disk('d5')] });
  // 12. an address claim of another project (DVP404)
  const elsewhere = new VirtualMachineIPAddress(new Project(prod, 'other'), 'their-ip', { staticIP: '10.70.0.77' });
  new VirtualMachine(p, 'borrowed-ip', { vmClass: 'standard', cores: 1, coreFraction: '10%', memory: '2Gi', disks: [disk('d6')], address: elsewhere });
  return app;
}

const key = (d: Diagnostic) => `${d.code} ${d.severity} ${d.file}:${d.line} ${d.resource} ${d.path} ${d.message}`;

describe('the same checks through both front doors', () => {
  const out = tempDir();
  dirs.push(out);
  const result = synthesize(brokenFleet(), { outdir: join(out, 'dist'), dryRun: true });
  const prod = result.clusters.find((c) => c.cluster === 'prod');
  const viaSynth = prod?.report.diagnostics ?? [];

  it('synth catches every mistake, names the construct, and writes nothing', () => {
    expect(result.written).toBe(false);
    const codes = new Set(viaSynth.map((d) => d.code));
    for (const code of ['DVP102', 'DVP201', 'DVP301', 'DVP306', 'DVP105', 'DVP106', 'DVP203', 'DVP204', 'DVP401', 'DVP402', 'DVP701', 'DVP207', 'DVP404']) {
      expect(codes, code).toContain(code);
    }
    const noClass = viaSynth.find((d) => d.code === 'DVP201');
    expect(noClass).toMatchObject({ resource: 'VirtualMachine/broken/no-class', path: 'spec.virtualMachineClassName', constructPath: 'prod/broken/no-class' });
    expect(noClass?.file).toBe(join(out, 'dist/prod/namespaces/broken/virtual-machines.yaml'));
    expect(noClass?.line).toBeGreaterThan(1);
  });

  it('dvpc check on the rendered YAML reports exactly the same diagnostics', () => {
    for (const [rel, text] of result.files) {
      mkdirSync(dirname(join(out, 'dist', rel)), { recursive: true });
      writeFileSync(join(out, 'dist', rel), text);
    }
    const viaCheck = checkPaths([join(out, 'dist/prod')], { inventory: 'stacks/prod/inventory' }).diagnostics;
    expect(viaCheck.map(key)).toEqual(viaSynth.map(key));
  });

  it('the unbroken fleet passes both doors with no diagnostic', () => {
    const clean = synthesize(fleet(), { dryRun: true });
    expect(clean.clusters.flatMap((c) => c.report.diagnostics)).toEqual([]);
    for (const c of ['lab', 'prod']) {
      expect(checkPaths([`dist/${c}`], { inventory: `stacks/${c}/inventory` }).diagnostics).toEqual([]);
    }
  });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s), colour: false }, out: () => out.join(''), err: () => err.join('') };
}

describe('dvpc check on the command line', () => {
  const broken = 'test/fixtures/upstream-examples';

  it('prints the JSON report of SPEC §6 and exits 1 on errors', async () => {
    const t = capture();
    expect(await main(['check', 'dist/prod', '--inventory', 'stacks/prod/inventory', '--format', 'json'], t.io)).toBe(0);
    const clean = JSON.parse(t.out()) as { diagnostics: unknown[]; summary: Record<string, unknown> };
    expect(clean.diagnostics).toEqual([]);
    expect(clean.summary).toEqual({ files: 27, resources: 170, errors: 0, warnings: 0, skipped: ['DVP601', 'DVP602', 'DVP603', 'DVP604'] });
    const b = capture();
    expect(await main(['check', broken, '--format', 'json'], b.io)).toBe(1);
    const report = JSON.parse(b.out()) as { diagnostics: Record<string, unknown>[]; summary: { errors: number } };
    expect(report.summary.errors).toBeGreaterThan(0);
    const d = report.diagnostics.find((x) => x['code'] === 'DVP403');
    expect(Object.keys(d ?? {})).toEqual(['code', 'severity', 'message', 'hint', 'file', 'line', 'resource', 'path']);
  });

  it('prints SARIF 2.1.0 with one rule per code', async () => {
    const t = capture();
    await main(['check', broken, '--format', 'sarif'], t.io);
    const sarif = JSON.parse(t.out()) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.tool.driver.rules.map((r) => r.id)).toContain('DVP701');
    const r = sarif.runs[0]?.results.find((x) => x.ruleId === 'DVP401');
    expect(r?.locations[0]?.physicalLocation.region.startLine).toBe(25);
  });

  it('prints text grouped by file, without colour when not on a terminal', async () => {
    const t = capture();
    await main(['check', broken], t.io);
    expect(t.out()).toMatch(/test\/fixtures\/upstream-examples\/19-windows-virtualmachine\.yaml\n\s+25 {2}error {3}DVP401 {2}VirtualMachine\/default\/win-vm spec\.blockDeviceRefs\[2\]\.name: /);
    expect(t.out()).not.toMatch(/\x1b\[/);
    expect(t.out()).toMatch(/skipped without an inventory: (DVP\d+, )*DVP103/);
  });

  it('exits 2 for usage errors, never with a stack trace', async () => {
    for (const args of [['check'], ['check', 'no/such/dir'], ['check', 'dist', '--inventory', 'nope'], ['check', 'dist', '--format', 'xml'], ['check', 'dist', '--allow', 'DVP999'], ['check', 'dist', '--frobnicate']]) {
      const t = capture();
      expect(await main(args, t.io), args.join(' ')).toBe(2);
      expect(t.err()).toMatch(/^dvpc: /);
      expect(t.err()).not.toMatch(/\n\s+at /);
    }
  });
});
