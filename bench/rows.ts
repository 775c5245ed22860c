/**
 * The benchmark's rows: each compares tasks side by side (interleaved runs, CPU and wall medians)
 * and states its goal from issue 14. A goal is judged on CPU time, which a machine busy with other
 * work disturbs far less than wall time (both are printed).
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { interleaved, runNode, runSection, seconds, stats, type Sample, type Stats } from './measure.ts';
import { kustomizationFile } from '../lib/render/yaml-emit.ts';
import { writeDrainFleet } from './drain.ts';

const CLI = fileURLToPath(new URL('../bin/dvpc.js', import.meta.url));
const FLOOR = fileURLToPath(new URL('./floor.mjs', import.meta.url));

/** A fleet rendered once for the run: one cluster of n VMs as YAML, its inventory, and a baseline where 2% of the disks differ. */
export interface Fleet {
  readonly n: number;
  readonly work: string;
  readonly cluster: string;
  readonly inventory: string;
  readonly baseline: string;
  readonly objects: number;
}

export interface RowResult {
  readonly id: string;
  readonly title: string;
  /** What was measured, against what (already formatted). */
  readonly measured: string;
  readonly against: string;
  readonly cpuRatio?: number | undefined;
  readonly wallRatio?: number | undefined;
  readonly goal: string;
  /** Whether the goal is met; undefined when the row only informs. */
  readonly met: boolean | undefined;
  readonly data: Record<string, unknown>;
}

const mib = (mb: number) => `${mb.toFixed(0)} MiB`;
const show = (s: Stats) => `${seconds(s.cpuMs)} cpu, ${seconds(s.wallMs)} wall, ${mib(s.maxRssMb)}`;
const vms = (n: number) => `${n.toLocaleString('en-US')} VMs`;

function compare(id: string, title: string, a: Stats, b: Stats, labels: [string, string], goal: number | undefined, data: Record<string, unknown> = {}): RowResult {
  const cpuRatio = a.cpuMs / b.cpuMs;
  return {
    id, title,
    measured: `${labels[0]}: ${show(a)}`,
    against: `${labels[1]}: ${show(b)}`,
    cpuRatio, wallRatio: a.wallMs / b.wallMs,
    goal: goal === undefined ? '' : `≤ ${goal}×`,
    met: goal === undefined ? undefined : cpuRatio <= goal,
    data: { [labels[0]]: a, [labels[1]]: b, ...data },
  };
}

/** dvpc synth against plain cdk8s of the same objects, one cluster (goal 0.5×; at 50k also peak < 800 MiB). */
export function synthRow(fleet: Fleet, runs: number): RowResult[] {
  const s = interleaved({ dvpc: () => runSection(['dvpc', String(fleet.n), fleet.work]), cdk8s: () => runSection(['cdk8s', String(fleet.n), fleet.work]) }, runs);
  const rows = [compare(`synth-${fleet.n}`, `synth, ${vms(fleet.n)} in one cluster`, s.dvpc, s.cdk8s, ['dvpc synth', 'plain cdk8s'], 0.5)];
  if (fleet.n >= 50_000) rows.push({ id: `synth-peak-${fleet.n}`, title: `synth peak memory, ${vms(fleet.n)}`, measured: `dvpc synth: ${mib(s.dvpc.maxRssMb)}`, against: '', goal: '< 800 MiB', met: s.dvpc.maxRssMb < 800, data: {} });
  return rows;
}

/** dvpc synth of a very large cluster, once: it must not crash, and stay under 1.5 GiB. */
export function bigSynthRow(fleet: Fleet): RowResult {
  let sample: Sample | undefined;
  let error: string | undefined;
  try {
    sample = runSection(['dvpc', String(fleet.n), fleet.work]);
  } catch (e) {
    error = (e as Error).message.slice(0, 300);
  }
  return {
    id: `synth-${fleet.n}`, title: `synth, ${vms(fleet.n)} in one cluster (one run)`,
    measured: sample ? `dvpc synth: ${show(stats([sample]))}` : `failed: ${error}`, against: '',
    goal: '< 1536 MiB, no crash', met: sample !== undefined && sample.maxRssMb < 1536, data: { sample, error },
  };
}

function checkArgs(fleet: Fleet, ...extra: string[]): string[] {
  return [CLI, 'check', fleet.cluster, '--inventory', fleet.inventory, '--format', 'json', ...extra];
}

/** dvpc check (the compiled command) against parsing the same files with the `yaml` package (goal ≤ 1.0×). */
export function checkRow(fleet: Fleet, runs: number): RowResult[] {
  const s = interleaved({ check: () => runNode(checkArgs(fleet)), floor: () => runNode([FLOOR, fleet.cluster]) }, runs);
  const rows = [compare(`check-${fleet.n}`, `check, ${vms(fleet.n)} in one cluster (${fleet.objects.toLocaleString('en-US')} objects)`, s.check, s.floor, ['dvpc check', 'parse floor'], 1.0)];
  if (fleet.n >= 50_000) rows.push({ id: `check-peak-${fleet.n}`, title: `check peak memory, ${vms(fleet.n)}`, measured: `dvpc check: ${mib(s.check.maxRssMb)}`, against: '', goal: '< 500 MiB', met: s.check.maxRssMb < 500, data: {} });
  return rows;
}

/** A review: check --baseline and diff against a baseline where 2% of the disks differ (every disk file changed), both against check (goal ≤ 1.5×). */
export function reviewRow(fleet: Fleet, runs: number): RowResult[] {
  const s = interleaved({
    check: () => runNode(checkArgs(fleet)),
    baseline: () => runNode(checkArgs(fleet, '--baseline', fleet.baseline), { allowExit: [0, 1] }),
    diff: () => runNode([CLI, 'diff', '--baseline', fleet.baseline, fleet.cluster, '--inventory', fleet.inventory, '--format', 'json'], { allowExit: [0, 1] }),
  }, runs);
  return [
    compare(`baseline-${fleet.n}`, `check --baseline, ${vms(fleet.n)}`, s.baseline, s.check, ['check --baseline', 'check'], 1.5),
    compare(`diff-${fleet.n}`, `diff, ${vms(fleet.n)}`, s.diff, s.check, ['diff', 'check'], 1.5),
  ];
}

/** `kubectl get nodes -o json` of n KVM nodes in three CPU models, and a StorageClass. */
export function writeNodeInventory(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  const items = Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: `node-${i}`, labels: { 'node.deckhouse.io/group': 'worker', 'virtualization.deckhouse.io/kvm-enabled': 'true', 'cpu-feature.node.virtualization.deckhouse.io/aes': 'true', [`host-model-cpu.node.virtualization.deckhouse.io/Model${i % 3}`]: 'true' } },
    status: { addresses: [{ type: 'InternalIP', address: `10.${Math.floor(i / 62_500)}.${Math.floor(i / 250) % 250}.${(i % 250) + 1}` }], allocatable: { cpu: '64', memory: '256Gi' } },
  }));
  writeFileSync(join(dir, 'nodes.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 4));
  writeFileSync(join(dir, 'storage.json'), JSON.stringify({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'csi.example' }, null, 4));
}

/** dvpc classes on a JSON inventory of many nodes (goal < 3 s, < 400 MiB). */
/**
 * `dvpc drain` of one node of a 2,000-VM, 100-node inventory, with the desired state (goal: under
 * 2 s). One VM in 50 is on local storage, so the drain blocks on some (exit 1 is its answer).
 */
export function drainRow(work: string, vms: number, nodes: number, runs: number): RowResult {
  const f = writeDrainFleet(join(work, `drain-${vms}`), vms, nodes);
  const s = interleaved({ drain: () => runNode([CLI, 'drain', f.node, '--inventory', f.inventory, f.state, '--format', 'json'], { allowExit: [0, 1] }) }, runs).drain;
  return {
    id: `drain-${vms}`, title: `drain, ${vms.toLocaleString('en-US')} VMs on ${nodes} nodes`, measured: `dvpc drain: ${show(s)}`, against: '',
    goal: '< 2 s', met: s.cpuMs < 2000, data: { drain: s },
  };
}

export function classesRow(work: string, nodes: number, runs: number): RowResult {
  const dir = join(work, `nodes-${nodes}`);
  writeNodeInventory(dir, nodes);
  const s = interleaved({ classes: () => runNode([CLI, 'classes', '--inventory', dir, '--format', 'text']) }, runs).classes;
  return {
    id: `classes-${nodes}`, title: `classes, ${nodes.toLocaleString('en-US')} nodes (JSON inventory)`, measured: `dvpc classes: ${show(s)}`, against: '',
    goal: '< 3 s, < 400 MiB', met: s.cpuMs < 3000 && s.maxRssMb < 400, data: { classes: s },
  };
}

const ONE_VM = `apiVersion: virtualization.deckhouse.io/v1alpha2
kind: ClusterVirtualImage
metadata:
  name: ubuntu
spec:
  dataSource:
    type: HTTP
    http:
      url: https://images.example.com/ubuntu.qcow2
---
apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachine
metadata:
  name: vm
  namespace: demo
spec:
  virtualMachineClassName: generic
  cpu:
    cores: 1
  memory:
    size: 1Gi
  blockDeviceRefs:
  - kind: ClusterVirtualImage
    name: ubuntu
`;

/** Start-up of the compiled command against `node -e 0` (goals: --help ≤ 3×, check of one VM ≤ 5×). */
export function startupRows(work: string, runs: number): RowResult[] {
  const file = join(work, 'one-vm.yaml');
  writeFileSync(file, ONE_VM);
  const s = interleaved({
    node: () => runNode(['-e', '0']),
    help: () => runNode([CLI, '--help']),
    check: () => runNode([CLI, 'check', file], { allowExit: [0, 1] }),
  }, runs);
  return [
    compare('startup-help', 'start-up: dvpc --help', s.help, s.node, ['dvpc --help', 'node -e 0'], 3),
    compare('startup-check', 'start-up: dvpc check of one VM', s.check, s.node, ['dvpc check 1 VM', 'node -e 0'], 5),
  ];
}

/** The folder (holding a kustomization.yaml) with the most bytes of manifests under dir. */
export function largestFolder(dir: string): { path: string; bytes: number } {
  let best = { path: dir, bytes: 0 };
  const walk = (d: string) => {
    let bytes = 0;
    const names = readdirSync(d);
    for (const name of names) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else bytes += statSync(p).size;
    }
    if (bytes > best.bytes && names.includes('kustomization.yaml')) best = { path: d, bytes };
  };
  walk(dir);
  return best;
}

/** CPU time of finished child processes, from /proc (Linux): kubectl cannot report its own. */
function childrenCpuMs(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    // After the command name: state is field 3, cutime and cstime are fields 16 and 17 (clock ticks).
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

function kustomize(folder: string): Sample {
  const before = childrenCpuMs();
  const start = performance.now();
  const r = spawnSync('kubectl', ['kustomize', folder], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1024 * 1024 * 1024 });
  const wallMs = performance.now() - start;
  if (r.status !== 0) throw new Error(`kubectl kustomize ${folder}: ${String(r.stderr).slice(0, 300)}`);
  return { wallMs, cpuMs: childrenCpuMs() - before, maxRssMb: Number.NaN };
}

/**
 * One kustomize folder holding every namespaced object of a fleet (its VMs with their disks,
 * addresses and Secrets): the layout never puts that many VMs in one folder, so the reference
 * for "a 1,000-VM folder" is built here from a 1,000-VM fleet.
 */
export function wholeFleetFolder(fleet: Fleet): { path: string; bytes: number } {
  const dir = join(fleet.work, `all-${fleet.n}-vms`);
  mkdirSync(dir);
  const resources: string[] = [];
  let bytes = 0;
  const walk = (d: string, prefix: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, `${prefix}${name}-`);
      else if (name !== 'kustomization.yaml') {
        const text = readFileSync(p, 'utf8');
        writeFileSync(join(dir, `${prefix}${name}`), text);
        resources.push(`${prefix}${name}`);
        bytes += text.length;
      }
    }
  };
  walk(join(fleet.cluster, 'namespaces'), '');
  writeFileSync(join(dir, 'kustomization.yaml'), kustomizationFile(resources));
  return { path: dir, bytes };
}

/** kubectl kustomize of the largest folder of a large fleet against a 1,000-VM folder (goal ≤ 1.2×). */
export function kustomizeRow(large: Fleet, small: Fleet, runs: number): RowResult {
  if (spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status !== 0) {
    return { id: 'kustomize', title: 'kustomize, largest folder', measured: 'kubectl not found', against: '', goal: '≤ 1.2×', met: undefined, data: {} };
  }
  const a = largestFolder(join(large.work, 'yaml'));
  const b = wholeFleetFolder(small);
  const s = interleaved({ large: () => kustomize(a.path), small: () => kustomize(b.path) }, runs);
  const row = compare('kustomize', `kustomize, largest folder of ${vms(large.n)} (${(a.bytes / 1e6).toFixed(1)} MB) vs one folder of ${vms(small.n)} (${(b.bytes / 1e6).toFixed(1)} MB)`, s.large, s.small, ['largest folder', `${vms(small.n)} folder`], 1.2);
  return { ...row, measured: `largest folder: ${seconds(s.large.cpuMs)} cpu, ${seconds(s.large.wallMs)} wall`, against: `${vms(small.n)} folder: ${seconds(s.small.cpuMs)} cpu, ${seconds(s.small.wallMs)} wall` };
}

