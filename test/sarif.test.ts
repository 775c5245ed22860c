/** SARIF for code scanning (lib/cli/sarif.ts): schema-valid, one category per cluster, tool and rule help. */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../lib/core/diagnostic.ts';
import { looseReport } from '../lib/check/index.ts';
import { APP_CATEGORY, clusterCategory, formatSarifRuns } from '../lib/cli/sarif.ts';
import { main } from '../lib/cli/main.ts';
import { codeScanningProblems, schemaProblems, type SarifLog } from './sarif-helpers.ts';
import { captureIo, scratchDirs } from './helpers.ts';

const scratch = scratchDirs();

const capture = captureIo;

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

const disk: Diagnostic = { code: 'DVP601', severity: 'error', message: 'VirtualDisk "db-03-data" is removed: its data would be lost', hint: 'keep the disk, or approve with --allow DVP601', file: 'origin/main:dist/prod/namespaces/db/virtual-disks.yaml', line: 12, resource: 'VirtualDisk/db/db-03-data' };
const vm: Diagnostic = { code: 'DVP401', severity: 'error', message: 'VirtualDisk "web-1-root" does not exist', hint: 'add the disk, or fix the name', file: 'dist/lab/namespaces/web/virtual-machines.yaml', line: 25, resource: 'VirtualMachine/web/web-1', path: 'spec.blockDeviceRefs[0].name', constructPath: 'lab/web/web-1' };
const construct: Diagnostic = { code: 'DVP002', severity: 'error', message: 'repoURL "/srv/fleet.git" is not a URL', hint: 'use https://', path: 'repoURL', constructPath: 'gitops' };
const warn: Diagnostic = { code: 'DVP702', severity: 'warning', message: 'image over http without a checksum', hint: 'add a checksum', file: 'dist/lab/cluster/cluster-virtual-images.yaml', line: 3, resource: 'ClusterVirtualImage/x' };

/** Two clusters' SARIF as dvpc ci writes them: one file per run. */
function twoClusters(): SarifLog[] {
  const runs = [
    { category: clusterCategory('lab'), report: looseReport([vm, warn]) },
    { category: clusterCategory('prod'), report: looseReport([disk]) },
    { category: APP_CATEGORY, report: looseReport([construct]) },
  ];
  return runs.map((r) => JSON.parse(formatSarifRuns([r], { fallbackFile: 'stacks/main.ts' })) as SarifLog);
}

describe('SARIF for code scanning', () => {
  it('is valid SARIF 2.1.0 and passes code scanning\'s rules with two clusters', () => {
    const logs = twoClusters();
    for (const log of logs) expect(schemaProblems(log)).toEqual([]);
    expect(codeScanningProblems(logs)).toEqual([]);
    expect(logs.map((l) => l.runs[0]?.automationDetails?.id)).toEqual(['dvpc/cluster/lab/', 'dvpc/cluster/prod/', 'dvpc/app/']);
  });

  it('fails the mirrored rule the way the old SARIF did: two runs without a category', () => {
    const old = twoClusters().slice(0, 2).map((l) => ({ ...l, runs: l.runs.map((r) => ({ ...r, automationDetails: undefined })) }));
    expect(codeScanningProblems(old)).toEqual(expect.arrayContaining([expect.stringMatching(/^two runs of one tool and category/), expect.stringMatching(/^two runs of category \(none\)/)]));
    // A category without the final "/" is read as category + run id: "dvpc/cluster/" for both.
    const noSlash = twoClusters().slice(0, 2).map((l) => ({ ...l, runs: l.runs.map((r) => ({ ...r, automationDetails: { id: (r.automationDetails?.id ?? '').replace(/\/$/, '') } })) }));
    expect(codeScanningProblems(noSlash)).toContain('two runs of category dvpc/cluster/');
  });

  it('names the tool, its version and home page, and gives every rule its help', () => {
    const run = twoClusters()[0]?.runs[0];
    expect(run?.tool.driver).toMatchObject({ name: 'dvpc', version, semanticVersion: version, informationUri: expect.stringMatching(/^https:\/\//) });
    const rules = run?.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(['DVP001', 'DVP401', 'DVP601', 'DVP704']));
    const r601 = rules.find((r) => r.id === 'DVP601');
    expect(r601?.help?.text).toMatch(/data would be lost.*dvpc\/allow.*needs the previous state/s);
    expect(r601?.help?.markdown).toMatch(/^\*\*DVP601\*\*/);
  });

  it('places each result: file and line, a baseline file by its path, a construct at the app', () => {
    const [lab, prod, app] = twoClusters().map((l) => l.runs[0]);
    const r401 = lab?.results?.find((r) => r.ruleId === 'DVP401');
    expect(r401?.locations?.[0]?.physicalLocation).toEqual({ artifactLocation: { uri: 'dist/lab/namespaces/web/virtual-machines.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 25 } });
    expect(r401?.locations?.[0]?.logicalLocations?.[0]?.fullyQualifiedName).toBe('VirtualMachine/web/web-1/spec.blockDeviceRefs[0].name');
    expect(r401?.message.text).toBe('VirtualMachine/web/web-1 spec.blockDeviceRefs[0].name: VirtualDisk "web-1-root" does not exist\nHint: add the disk, or fix the name');
    expect(r401?.properties).toEqual({ constructPath: 'lab/web/web-1' });
    const r601 = prod?.results?.[0];
    expect(r601?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe('dist/prod/namespaces/db/virtual-disks.yaml');
    expect(r601?.properties).toEqual({ baselineFile: 'origin/main:dist/prod/namespaces/db/virtual-disks.yaml' });
    const r002 = app?.results?.[0];
    expect(r002?.locations?.[0]?.physicalLocation).toEqual({ artifactLocation: { uri: 'stacks/main.ts', uriBaseId: '%SRCROOT%' } });
    expect(r002?.message.text).toMatch(/\(construct gitops\)/);
  });

  it('makes paths relative to the repository root and encodes them', () => {
    const log = JSON.parse(formatSarifRuns([{ category: 'dvpc/check/', report: looseReport([{ ...vm, file: '/repo/deploy/my dist/lab/x.yaml' }, { ...vm, file: '/elsewhere/x.yaml' }]) }], { root: '/repo' })) as SarifLog;
    expect(log.runs[0]?.results?.map((r) => r.locations?.[0]?.physicalLocation?.artifactLocation)).toEqual([{ uri: 'file:///elsewhere/x.yaml' }, { uri: 'deploy/my%20dist/lab/x.yaml', uriBaseId: '%SRCROOT%' }]);
    expect(schemaProblems(log)).toEqual([]);
  });

  it('keeps what code scanning shows of a large run, errors first, and says how many it left out', () => {
    const many: Diagnostic[] = Array.from({ length: 30 }, (_, i) => ({ ...warn, line: i + 1 }));
    const log = JSON.parse(formatSarifRuns([{ category: 'dvpc/check/', report: looseReport([...many, vm]) }], { maxResults: 10 })) as SarifLog;
    expect(log.runs[0]?.results?.length).toBe(10);
    expect(log.runs[0]?.results?.[0]?.ruleId).toBe('DVP401');
    expect(log.runs[0]?.properties?.['resultsLeftOut']).toBe(21);
  });
});

describe('--format sarif on the command line', () => {
  it('dvpc synth prints one run per cluster, with a failing cluster\'s results, valid for code scanning', async () => {
    const dir = scratch();
    const app = join(dir, 'app.ts');
    writeFileSync(app, `import { App } from 'cdk8s';
import { Cluster, Project, VirtualMachine, VirtualizationModule } from '${process.cwd()}/lib/index.ts';
export default () => {
  const app = new App();
  for (const name of ['east', 'west']) {
    const c = new Cluster(app, name);
    new VirtualizationModule(c, 'virtualization', { dvcr: { size: '50G' }, virtualMachineCIDRs: ['10.66.10.0/24'] });
    new VirtualMachine(new Project(c, 'apps'), 'web', { vmClass: 'generic', cores: 2, coreFraction: '50%', memory: '2Gi', disks: [{ name: 'root', size: '10Gi' }], address: name === 'west' ? '10.99.0.5' : '10.66.10.5' });
  }
  return app;
};
`);
    const t = capture();
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await main(['synth', '--app', app, '--format', 'sarif'], t.io)).toBe(1);
    } finally {
      process.chdir(cwd);
    }
    const log = JSON.parse(t.out()) as SarifLog;
    expect(schemaProblems(log)).toEqual([]);
    expect(codeScanningProblems([log])).toEqual([]);
    expect(log.runs.map((r) => [r.automationDetails?.id, r.results?.map((x) => x.ruleId)])).toEqual([['dvpc/cluster/east/', []], ['dvpc/cluster/west/', ['DVP104']], ['dvpc/app/', []]]);
  });

  it('dvpc check prints one run with a category', async () => {
    const t = capture();
    await main(['check', 'test/fixtures/upstream-examples', '--format', 'sarif'], t.io);
    const log = JSON.parse(t.out()) as SarifLog;
    expect(schemaProblems(log)).toEqual([]);
    expect(codeScanningProblems([log])).toEqual([]);
    expect(log.runs.map((r) => r.automationDetails?.id)).toEqual(['dvpc/check/']);
  });
});
