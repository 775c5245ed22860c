/**
 * The `dvpc/allow` annotation (SPEC §2): a reviewer's acceptance, committed on the object it is
 * about. A listed error becomes a warning, a listed warning is not reported and is counted in
 * summary.acknowledged; it touches only findings about its own object; with --allow, nothing that
 * was an error is hidden. Both front doors read it.
 */
import { describe, expect, it } from 'vitest';
import { Project, Provisioning, VirtualMachine, VirtualMachineClass, Cpu } from '../lib/index.ts';
import { main } from '../lib/cli/main.ts';
import { synthesize } from '../lib/synth.ts';
import { BASE, checkFiles, lineOf } from './check-helpers.ts';
import { cleanup, tempDir, testCluster } from './helpers.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** BASE with an annotation block added to the object whose metadata names `name`. */
function annotate(text: string, name: string, value: string): string {
  return text.replace(`metadata:\n  name: ${name}\n`, `metadata:\n  name: ${name}\n  annotations:\n    dvpc/allow: "${value}"\n`);
}

/** BASE without the web VM's cloud-init Secret: DVP405 (a warning) on VirtualMachine/apps/web. */
const NO_SECRET = BASE.replace(/apiVersion: v1\nkind: Secret\n[\s\S]*?\n---\n/, '');
/** BASE with web-ip outside every subnet: DVP104 (an error) on VirtualMachineIPAddress/apps/web-ip. */
const OUTSIDE = BASE.replace('staticIP: 10.66.10.10', 'staticIP: 10.99.0.10');

describe('the dvpc/allow annotation', () => {
  it('turns a listed error of its object into a warning that says why', () => {
    expect(checkFiles({ 'a.yaml': OUTSIDE }).diagnostics.map((d) => [d.code, d.severity])).toEqual([['DVP104', 'error']]);
    const text = annotate(OUTSIDE, 'web-ip', 'DVP104');
    const run = checkFiles({ 'a.yaml': text });
    expect(run.diagnostics).toHaveLength(1);
    expect(run.diagnostics[0]).toMatchObject({ code: 'DVP104', severity: 'warning', resource: 'VirtualMachineIPAddress/apps/web-ip', path: 'spec.staticIP', line: lineOf(text, 'staticIP: 10.99.0.10') });
    expect(run.diagnostics[0]?.message).toMatch(/accepted by the object's dvpc\/allow annotation/);
    expect(run.report.summary).toMatchObject({ errors: 0, warnings: 1, acknowledged: 0 });
  });

  it('hides a listed warning of its object and counts it in summary.acknowledged', async () => {
    expect(checkFiles({ 'a.yaml': NO_SECRET }).diagnostics.map((d) => [d.code, d.severity])).toEqual([['DVP405', 'warning']]);
    const text = annotate(NO_SECRET, 'web', 'dvp702, DVP405');
    const run = checkFiles({ 'a.yaml': text });
    expect(run.diagnostics).toEqual([]);
    expect(run.report.summary).toMatchObject({ errors: 0, warnings: 0, acknowledged: 1 });
    // The JSON report carries the count; the text summary says it.
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), text);
    const out: string[] = [];
    const io = { out: (s: string) => void out.push(s), err: () => undefined, colour: false };
    expect(await main(['check', dir, '--format', 'json'], io)).toBe(0);
    expect((JSON.parse(out.join('')) as { summary: { acknowledged: number } }).summary.acknowledged).toBe(1);
    out.length = 0;
    await main(['check', dir], io);
    expect(out.join('')).toMatch(/^ok: 0 error\(s\), 0 warning\(s\), 1 acknowledged by dvpc\/allow annotations, /m);
    cleanup(dir);
  });

  it('acknowledges only findings about its own object', () => {
    // Two claims of one address: DVP106 is reported on the later one (web-ip-2), which names the earlier.
    const twice = `${BASE}---\napiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualMachineIPAddress\nmetadata:\n  name: web-ip-2\n  namespace: apps\nspec:\n  type: Static\n  staticIP: 10.66.10.10\n`;
    const on = (text: string) => checkFiles({ 'a.yaml': text }).diagnostics.map((d) => [d.code, d.resource, d.severity]);
    expect(on(twice)).toEqual([['DVP106', 'VirtualMachineIPAddress/apps/web-ip-2', 'error']]);
    // The earlier claim's annotation says nothing about the later claim's finding ...
    expect(on(annotate(twice, 'web-ip', 'DVP106'))).toEqual([['DVP106', 'VirtualMachineIPAddress/apps/web-ip-2', 'error']]);
    // ... the later claim's own annotation does.
    expect(on(annotate(twice, 'web-ip-2', 'DVP106'))).toEqual([['DVP106', 'VirtualMachineIPAddress/apps/web-ip-2', 'warning']]);
  });

  it('with --allow: an error listed in both stays visible as a warning; only warnings are hidden', () => {
    const both = checkFiles({ 'a.yaml': annotate(OUTSIDE, 'web-ip', 'DVP104') }, { allow: ['DVP104'] });
    expect(both.diagnostics.map((d) => [d.code, d.severity])).toEqual([['DVP104', 'warning']]);
    expect(both.report.summary.acknowledged).toBe(0);
    // --allow alone keeps the finding a warning; it never hides one.
    expect(checkFiles({ 'a.yaml': NO_SECRET }, { allow: ['DVP405'] }).diagnostics.map((d) => d.code)).toEqual(['DVP405']);
    const warned = checkFiles({ 'a.yaml': annotate(NO_SECRET, 'web', 'DVP405') }, { allow: ['DVP405'] });
    expect(warned.diagnostics).toEqual([]);
    expect(warned.report.summary.acknowledged).toBe(1);
  });

  it('a code dvpc does not have is DVP002 on the annotation, not a silent no-op', () => {
    const text = annotate(NO_SECRET, 'web', 'DVP405,DVP4O5');
    const run = checkFiles({ 'a.yaml': text });
    expect(run.diagnostics.map((d) => [d.code, d.resource, d.path])).toEqual([['DVP002', 'VirtualMachine/apps/web', 'metadata.annotations.dvpc/allow']]);
    expect(run.diagnostics[0]?.message).toMatch(/lists DVP4O5, which is not a dvpc code/);
    expect(run.diagnostics[0]?.line).toBe(lineOf(text, 'dvpc/allow'));
  });

  it('is read from objects of the typed API the same way', () => {
    const make = (annotations?: Record<string, string>) => {
      const { app, cluster } = testCluster();
      const cls = new VirtualMachineClass(cluster, 'std', { cpu: Cpu.discovery(), sizingPolicies: [{ cores: { min: 1, max: 4 }, coreFractions: [100] }] });
      new VirtualMachine(new Project(cluster, 'apps'), 'web', { vmClass: cls, cores: 1, memory: '1Gi', disks: [{ name: 'root', size: '1Gi' }], provisioning: Provisioning.userDataSecret('made-elsewhere'), annotations });
      return synthesize(app, { dryRun: true, outdir: join(tempDir(), 'out') }).clusters[0]?.report;
    };
    expect(make()?.diagnostics.map((d) => d.code)).toEqual(['DVP405']);
    const acked = make({ 'dvpc/allow': 'DVP405' });
    expect(acked?.diagnostics).toEqual([]);
    expect(acked?.summary.acknowledged).toBe(1);
  });
});
