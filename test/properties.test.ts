/**
 * Property-based: random fleets render deterministically whatever the creation order, valid ones
 * check clean, both front doors agree on any fleet, and random breakage of valid manifests always
 * ends in coded diagnostics, never a crash.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { Cluster, ClusterVirtualImage, Cpu, DataSource, Project, Provisioning, VirtualMachine, VirtualMachineClass, VirtualizationModule } from '../lib/index.ts';
import { synthesize } from '../lib/synth.ts';
import { checkPaths } from '../lib/front/check-paths.ts';
import { emitDocuments } from '../lib/render/yaml-emit.ts';
import type { Diagnostic } from '../lib/core/diagnostic.ts';
import { BASE, FIXTURE_INVENTORY } from './check-helpers.ts';
import { cleanup, tempDir } from './helpers.ts';
import type { Json } from '../lib/core/json.ts';

const root = tempDir();
afterAll(() => cleanup(root));

interface VmArb { cores: number; memory: string; coreFraction: string | undefined; cls: 'std' | 'free' | 'generic'; ip: number | undefined; cloudInit: boolean; data: boolean }
interface FleetArb { projects: VmArb[][] }

const validVm: fc.Arbitrary<VmArb> = fc.record({
  cores: fc.constantFrom(1, 2, 4),
  memory: fc.constantFrom('1Gi', '2Gi', '4Gi'),
  coreFraction: fc.constantFrom('10%', '50%'),
  cls: fc.constantFrom('std' as const, 'free' as const, 'generic' as const),
  // 10.66.10.50 is leased to another claim in the fixture inventory.
  ip: fc.option(fc.integer({ min: 2, max: 250 }).filter((x) => x !== 50), { nil: undefined }),
  cloudInit: fc.boolean(),
  data: fc.boolean(),
});

/** Any VM, including ones the sizing rules reject. */
const anyVm: fc.Arbitrary<VmArb> = fc.record({
  cores: fc.constantFrom(1, 2, 3, 4, 6, 17, 18, 250),
  memory: fc.constantFrom('1Gi', '1500Mi', '4Gi', '9Gi', '40Gi'),
  coreFraction: fc.constantFrom(undefined, '5%', '10%', '30%', '50%', '100%'),
  cls: fc.constantFrom('std' as const, 'free' as const, 'generic' as const),
  ip: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
  cloudInit: fc.boolean(),
  data: fc.boolean(),
});

const fleetOf = (vm: fc.Arbitrary<VmArb>): fc.Arbitrary<FleetArb> => fc.record({ projects: fc.array(fc.array(vm, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }) });

/** Builds the fleet; `order` permutes the order in which the top-level constructs are created. */
function build(f: FleetArb, order: (n: number) => number[]): App {
  const app = new App();
  const cluster = new Cluster(app, 'prop', { inventory: FIXTURE_INVENTORY });
  const workers = { matchLabels: { 'node.deckhouse.io/group': 'worker' } };
  const steps: (() => void)[] = [
    () => new VirtualizationModule(cluster, 'virtualization', { dvcr: { size: '10Gi', storageClassName: 'fast' }, virtualMachineCIDRs: ['10.66.10.0/24'] }),
    () => new VirtualMachineClass(cluster, 'std', { cpu: Cpu.discovery(workers), nodeSelector: workers, sizingPolicies: [{ cores: { min: 1, max: 4 }, memory: { min: '1Gi', max: '8Gi', step: '1Gi' }, coreFractions: [10, 50, 100] }] }),
    () => new VirtualMachineClass(cluster, 'free', { cpu: Cpu.host(), nodeSelector: workers }),
  ];
  // The image is created first: VMs take it as an object (the type system's order, not a choice).
  const img = new ClusterVirtualImage(cluster, 'img', { source: DataSource.http('https://example.com/img.qcow2') });
  // An address goes to its first VM in the description, whatever order the projects are built in.
  const owner = new Map<number, string>();
  f.projects.forEach((vms, p) => vms.forEach((vm, i) => { if (vm.ip !== undefined && !owner.has(vm.ip)) owner.set(vm.ip, `${p}/${i}`); }));
  f.projects.forEach((vms, p) => steps.push(() => {
    const project = new Project(cluster, `p${p}`);
    vms.forEach((vm, i) => {
      const ip = vm.ip !== undefined && owner.get(vm.ip) === `${p}/${i}` ? vm.ip : undefined;
      new VirtualMachine(project, `vm-${i}`, {
        vmClass: vm.cls, cores: vm.cores, memory: vm.memory, coreFraction: vm.coreFraction, runPolicy: 'Manual',
        disks: [{ name: 'root', size: '10Gi', image: img }, ...(vm.data ? [{ name: 'data', size: '5Gi' }] : [])],
        address: ip === undefined ? undefined : `10.66.10.${ip}`,
        provisioning: vm.cloudInit ? Provisioning.cloudInitSecret(`#cloud-config\nhostname: vm-${i}\n`) : undefined,
      });
    });
  }));
  for (const i of order(steps.length)) steps[i]?.();
  return app;
}

const forward = (n: number) => [...Array(n).keys()];
const backward = (n: number) => forward(n).reverse();
const key = (d: Diagnostic) => `${d.code} ${d.severity} ${d.file}:${d.line} ${d.resource} ${d.path} ${d.message}`;

describe('random fleets', () => {
  it('render the same bytes in any creation order', () => {
    fc.assert(fc.property(fleetOf(anyVm), fc.func(fc.integer()), (f, rnd) => {
      const a = synthesize(build(f, forward), { dryRun: true }).files;
      const shuffle = (n: number) => forward(n).map((i) => [rnd(i), i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]).map(([, i]) => i);
      const b = synthesize(build(f, shuffle), { dryRun: true }).files;
      const c = synthesize(build(f, backward), { dryRun: true }).files;
      expect([...b].sort()).toEqual([...a].sort());
      expect([...c].sort()).toEqual([...a].sort());
    }), { numRuns: 25 });
  });

  it('check clean when valid, and both front doors report the same diagnostics on any fleet', () => {
    let n = 0;
    fc.assert(fc.property(fc.boolean(), fleetOf(validVm), fleetOf(anyVm), (useValid, valid, any) => {
      const f = useValid ? valid : any;
      const out = join(root, `rt-${n++}`);
      const result = synthesize(build(f, forward), { dryRun: true, outdir: out });
      const viaSynth = result.clusters.flatMap((c) => c.report.diagnostics);
      if (useValid) expect(viaSynth.filter((d) => d.severity === 'error')).toEqual([]);
      for (const [rel, text] of result.files) {
        mkdirSync(dirname(join(out, rel)), { recursive: true });
        writeFileSync(join(out, rel), text);
      }
      const viaCheck = checkPaths([join(out, 'prop')], { inventory: FIXTURE_INVENTORY }).diagnostics;
      expect(viaCheck.map(key)).toEqual(viaSynth.map(key));
    }), { numRuns: 25 });
  });
});

type Node = Json;

/** Every path to a value in a document, objects and arrays included. */
function paths(v: Node, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

function setAt(doc: Node, path: (string | number)[], value: Node): void {
  let cur = doc as Record<string | number, Node>;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, Node>;
  cur[path[path.length - 1] as string | number] = value;
}

function getAt(doc: Node, path: (string | number)[]): Node {
  let cur = doc;
  for (const p of path) cur = (cur as Record<string | number, Node>)[p] as Node;
  return cur;
}

describe('random breakage of valid manifests', () => {
  const docs = parseAllDocuments(BASE).map((d) => d.toJS() as { [k: string]: Json });

  it('never crashes and always ends in coded diagnostics', () => {
    let n = 0;
    fc.assert(fc.property(fc.nat(), fc.nat(), fc.constantFrom('retype', 'unknown-key', 'drop-name', 'garbage-version'), (di, pi, mutation) => {
      const copy = structuredClone(docs);
      const doc = copy[di % copy.length] as { [k: string]: Json };
      const all = paths(doc).filter((p) => p.length > 0);
      const path = all[pi % all.length] as (string | number)[];
      const target = getAt(doc, path);
      if (mutation === 'retype') setAt(doc, path, target !== null && typeof target === 'object' ? 'not-a-mapping' : {});
      else if (mutation === 'unknown-key') {
        const objects = paths(doc).filter((p) => { const v = getAt(doc, p); return v !== null && typeof v === 'object' && !Array.isArray(v); });
        const at = objects[pi % objects.length] as (string | number)[];
        setAt(doc, [...at, 'x-unknown field'], {});
      } else if (mutation === 'drop-name') delete (doc['metadata'] as { [k: string]: Json })['name'];
      else doc['apiVersion'] = 'virtualization.deckhouse.io/v9';
      const dir = join(root, `mut-${n++}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'state.yaml'), emitDocuments(copy));
      const report = checkPaths([dir], { inventory: FIXTURE_INVENTORY });
      expect(report.diagnostics.length, `${mutation} at ${path.join('.')}`).toBeGreaterThan(0);
      for (const d of report.diagnostics) expect(d.code).toMatch(/^DVP\d{3}$/);
    }), { numRuns: 150 });
  });
});
