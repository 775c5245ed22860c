/**
 * The semantic difference between two states of a cluster: objects added, removed and changed
 * field by field, each dangerous change marked with the diagnostic the baseline checks give it.
 */
import { ClusterModel, type ModelOptions } from '../model/cluster-model.ts';
import { resourceId, type Resource } from '../core/resource.ts';
import { diffJson, type FieldChange } from '../model/json-diff.ts';
import { sortObjects } from '../core/kinds.ts';
import { runChecks } from '../check/index.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { CODES } from '../core/codes.ts';
import { quantityBytes } from '../core/quantity.ts';
import { effectiveCoreFraction } from '../model/sizing.ts';
import { clusterPicture, type ClusterPicture } from './pictures.ts';

export interface ObjectChange {
  readonly change: 'added' | 'removed' | 'changed';
  readonly kind: string;
  /** `Kind/namespace/name`. */
  readonly resource: string;
  readonly fields: readonly FieldChange[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface Tally {
  added: number;
  removed: number;
  changed: number;
}

export interface DiffSummary {
  readonly vms: Tally;
  readonly disks: Tally;
  readonly addresses: Tally;
  readonly classes: Tally;
  /** vCPUs, CPU requested (cores × core fraction, in cores) and memory (bytes), before and after. */
  readonly cores: { readonly before: number; readonly after: number };
  readonly requestedCores: { readonly before: number; readonly after: number };
  readonly memory: { readonly before: bigint; readonly after: bigint };
}

export interface ClusterDiff {
  readonly cluster: string;
  /** A part of the GitOps hand-off (`gitops/argocd`, `gitops/flux/<cluster>`), not a cluster. */
  readonly handoff: boolean;
  readonly changes: ObjectChange[];
  readonly summary: DiffSummary;
  readonly diagnostics: Diagnostic[];
  /** Capacity and nodes per class, before and after (for the Markdown pictures). */
  readonly picture: ClusterPicture;
}

/** The codes a diff marks: those about the change itself. */
export const CHANGE_CODES = new Set(Object.entries(CODES).filter(([c, i]) => i.needs === 'baseline' || c === 'DVP107').map(([c]) => c));

/** Fields the cluster writes back, never part of a desired state. */
function comparable(body: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, ...rest } = body;
  const meta = { ...((rest['metadata'] ?? {}) as Record<string, unknown>) };
  for (const k of ['resourceVersion', 'uid', 'generation', 'creationTimestamp', 'managedFields', 'selfLink']) delete meta[k];
  const ann = meta['annotations'] as Record<string, unknown> | undefined;
  if (ann && 'kubectl.kubernetes.io/last-applied-configuration' in ann) {
    const { ['kubectl.kubernetes.io/last-applied-configuration']: _l, ...others } = ann;
    meta['annotations'] = others;
  }
  return { ...rest, metadata: meta };
}

function tally(): Tally {
  return { added: 0, removed: 0, changed: 0 };
}

const TALLY_OF: Record<string, keyof Pick<DiffSummary, 'vms' | 'disks' | 'addresses' | 'classes'>> = {
  VirtualMachine: 'vms',
  VirtualDisk: 'disks',
  VirtualMachineIPAddress: 'addresses',
  VirtualMachineClass: 'classes',
};

function totals(model: ClusterModel): { cores: number; requested: number; memory: bigint } {
  let cores = 0;
  let requested = 0;
  let memory = 0n;
  const classes = model.classes();
  for (const r of model.ofKind('VirtualMachine')) {
    const spec = model.valid<{ spec: { virtualMachineClassName: string; cpu: { cores: number; coreFraction?: string }; memory: { size: string } } }>(r)?.spec;
    if (!spec) continue;
    cores += spec.cpu.cores;
    requested += (spec.cpu.cores * effectiveCoreFraction(classes.get(spec.virtualMachineClassName)?.policies ?? [], spec.cpu.cores, spec.cpu.coreFraction)) / 100;
    memory += quantityBytes(spec.memory.size) ?? 0n;
  }
  return { cores, requested: Math.round(requested * 1000) / 1000, memory };
}

/** What a diff shows of a Secret's data: that a value changed, never the value (reports travel far). */
const HIDDEN = '(a Secret value, not shown)';

function hideSecretValue(f: FieldChange): FieldChange {
  const top = f.path[0];
  if (top !== 'data' && top !== 'stringData') return f;
  return { ...f, before: f.before === undefined ? undefined : HIDDEN, after: f.after === undefined ? undefined : HIDDEN };
}

/** Compares one cluster's desired objects with its baseline. */
export function diffCluster(cluster: string, desired: readonly Resource[], baseline: readonly Resource[], options: Omit<ModelOptions, 'baseline'> & { allow?: ReadonlySet<string>; handoff?: boolean } = {}): ClusterDiff {
  const model = new ClusterModel(desired, { ...options, baseline });
  const base = model.baselineModel() as ClusterModel;
  const report = runChecks(model, options.allow);
  const diagnostics = report.diagnostics.filter((d) => CHANGE_CODES.has(d.code));
  const byResource = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    if (!d.resource) continue;
    const list = byResource.get(d.resource);
    if (list) list.push(d);
    else byResource.set(d.resource, [d]);
  }
  // Each object once (its first definition) in either state; unchanged bodies (read once from the
  // same text) are left out before sorting, so that a large state costs little when little changed.
  const touched: { b: Resource | undefined; a: Resource | undefined; r: Resource }[] = [];
  for (const a of model.resources) {
    if (model.firstDefinition(a) !== a) continue;
    const b = base.firstDefinition(a);
    if (b?.body !== a.body) touched.push({ b, a, r: a });
  }
  for (const b of base.resources) if (base.firstDefinition(b) === b && !model.firstDefinition(b)) touched.push({ b, a: undefined, r: b });
  const changes: ObjectChange[] = [];
  const summary: DiffSummary = {
    vms: tally(), disks: tally(), addresses: tally(), classes: tally(),
    cores: { before: 0, after: 0 }, requestedCores: { before: 0, after: 0 }, memory: { before: 0n, after: 0n },
  };
  for (const { b, a, r } of sortObjects(touched, (t) => t.r)) {
    const id = resourceId(r);
    let change: ObjectChange['change'];
    let fields: FieldChange[] = [];
    if (!b) change = 'added';
    else if (!a) change = 'removed';
    else {
      fields = diffJson(comparable(b.body), comparable(a.body));
      if (fields.length === 0) continue;
      if (r.kind === 'Secret' && r.apiVersion === 'v1') fields = fields.map(hideSecretValue);
      change = 'changed';
    }
    const t = TALLY_OF[r.kind];
    if (t) summary[t][change] += 1;
    changes.push({ change, kind: r.kind, resource: id, fields, diagnostics: byResource.get(id) ?? [] });
  }
  // Diagnostics about objects that did not change (a lease's CIDR removed) still belong to the diff.
  const shown = new Set(changes.flatMap((c) => c.diagnostics));
  const loose = diagnostics.filter((d) => !shown.has(d));
  const tb = totals(base);
  const ta = totals(model);
  const s = summary as { -readonly [K in keyof DiffSummary]: DiffSummary[K] };
  s.cores = { before: tb.cores, after: ta.cores };
  s.requestedCores = { before: tb.requested, after: ta.requested };
  s.memory = { before: tb.memory, after: ta.memory };
  return { cluster, handoff: options.handoff ?? false, changes, summary, diagnostics: [...changes.flatMap((c) => c.diagnostics), ...loose], picture: clusterPicture(base, model) };
}
