/**
 * Schema and form (DVP002–DVP005): every object against its schema and the CRD's CEL rules,
 * names, duplicates, and the seed's documentation-only keys.
 */
import { append } from '../core/append.ts';
import type { ClusterModel } from '../model/cluster-model.ts';
import type { Resource } from '../core/resource.ts';
import { schemaFor, servedVersions } from '../schema/index.ts';
import { nameProblems } from '../schema/names.ts';
import { DNS1123_LABEL } from '../schema/common.ts';
import { diagnose, type Diagnostic } from '../core/diagnostic.ts';
import { formatPath } from '../core/json.ts';
import { excerpt } from '../core/excerpt.ts';
import { DVP_KINDS, isDvpGroup } from '../core/kinds.ts';
import { redactedExcerpt } from '../core/excerpt.ts';

/** Keys the seed's documentation shows that the module's schema does not have, with the fix. */
const SEED_KEYS: Record<string, string> = {
  'spec.settings.virtualImages.allowedStorageClassNames': 'write it as virtualImages.allowedStorageClassSelector.matchNames (same list)',
  'spec.settings.virtualDisks.allowedStorageClassNames': 'write it as virtualDisks.allowedStorageClassSelector.matchNames (same list)',
  'spec.settings.liveMigration.bandwidthPerNode': 'remove it; set the ModuleConfig annotation virtualization.deckhouse.io/bandwidth-per-migration to bandwidthPerNode / maxMigrationsPerNode (the typed API renders this)',
  'spec.settings.liveMigration.maxMigrationsPerNode': 'remove it; set the ModuleConfig annotations virtualization.deckhouse.io/parallel-inbound-migrations-per-node and …/parallel-outbound-migrations-per-node to this number',
};

/** Kinds whose names dvpc checks: the module's, the ModuleConfig, Namespace and Secret. */
function isModelled(r: Resource): boolean {
  return isDvpGroup(r.apiVersion) || r.kind === 'ModuleConfig' || ((r.kind === 'Namespace' || r.kind === 'Secret') && r.apiVersion === 'v1');
}

function metaOf(r: Resource): Record<string, unknown> {
  const m = r.body['metadata'];
  return m !== null && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, unknown>) : {};
}

/** The kind dvpc knows that is nearest to an unknown one (a typo), if any is close. */
function nearestKind(kind: string): string | undefined {
  const lower = kind.toLowerCase();
  let best: { kind: string; d: number } | undefined;
  for (const k of Object.keys(DVP_KINDS)) {
    const d = editDistance(lower, k.toLowerCase());
    if (d <= 3 && (!best || d < best.d)) best = { kind: k, d };
  }
  return best?.kind;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

function checkEnvelope(r: Resource): Diagnostic[] {
  if (r.apiVersion === '' || r.kind === '') {
    // Say which field, and what stands there instead of a string.
    const field = r.apiVersion === '' ? 'apiVersion' : 'kind';
    const value = r.body[field];
    const what = value === undefined ? 'is missing' : typeof value === 'string' ? 'is empty' : `must be a string, not ${Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value === 'object' ? 'a mapping' : `the ${typeof value} ${redactedExcerpt(String(value))}`}`;
    return [diagnose('DVP002', r, value === undefined ? [] : [field], `the object's ${field} ${what}`, 'every manifest needs apiVersion and kind as strings (e.g. apiVersion: v1, kind: ConfigMap)')];
  }
  if (!isDvpGroup(r.apiVersion)) return [];
  const version = r.apiVersion.slice(r.apiVersion.lastIndexOf('/') + 1);
  if (!(r.kind in DVP_KINDS)) {
    // Not a kind of the module dvpc models: a typo, or a kind of a newer module. Either way it is not checked.
    const near = nearestKind(r.kind);
    return [diagnose('DVP007', r, ['kind'], `kind ${r.kind} of ${r.apiVersion} is not a kind dvpc models, so it is not checked${near ? ` (did you mean ${near}?)` : ''}`, near ? `if it is a typo, write ${near}; otherwise check this object by other means` : 'check this object by other means, or update dvpc if the module has a new kind')];
  }
  if (!servedVersions(r.kind).includes(version)) {
    // A version dvpc does not model (SPEC §6 DVP007): a typo, or a version of a newer module.
    // Not an error dvpc can prove: it is not checked, and the API server decides.
    const served = servedVersions(r.kind).map((v) => `virtualization.deckhouse.io/${v}`).join(' or ');
    return [diagnose('DVP007', r, ['apiVersion'], `dvpc does not model ${r.kind} at version ${excerpt(version)} (the module it knows serves ${served}), so it is not checked`, `write ${served}; if your module serves this version, check the object by other means or update dvpc`)];
  }
  if (!schemaFor(r.apiVersion, r.kind)) {
    return [diagnose('DVP007', r, ['apiVersion'], `dvpc does not model ${r.kind} at ${r.apiVersion}, so it is not checked`, 'check this object by other means')];
  }
  if (r.kind === 'USBDevice') {
    return [diagnose('DVP002', r, ['kind'], 'a USBDevice is created by the module when a NodeUSBDevice is assigned to a namespace; an admission policy rejects every write of one by users', 'set spec.assignedNamespace on the NodeUSBDevice instead, and name the device in the VM\'s spec.usbDevices')];
  }
  return [];
}

function checkNames(r: Resource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const meta = metaOf(r);
  const name = meta['name'];
  const generateName = meta['generateName'];
  if (typeof name === 'string') {
    for (const p of nameProblems(r.kind, name)) out.push(diagnose('DVP003', r, ['metadata', 'name'], p, 'use lower-case letters, digits and "-" (Kubernetes names are DNS-1123; for example "cpu-x" instead of "cpuX")'));
  } else if (typeof generateName === 'string') {
    for (const p of nameProblems(r.kind, generateName, true)) out.push(diagnose('DVP003', r, ['metadata', 'generateName'], p, 'use lower-case letters, digits and "-"'));
  } else if (name === undefined) {
    out.push(diagnose('DVP002', r, ['metadata'], 'metadata.name is missing', 'give the object a name'));
  } else if (r.kind === 'ModuleConfig') {
    // Other checks of a ModuleConfig key on its name, so a name of the wrong type is said here.
    out.push(diagnose('DVP002', r, ['metadata', 'name'], `metadata.name must be a string, got ${excerpt(name)}`, 'name the ModuleConfig "virtualization"'));
  }
  const ns = meta['namespace'];
  if (typeof ns === 'string' && r.namespace !== undefined && !DNS1123_LABEL.test(ns)) {
    out.push(diagnose('DVP003', r, ['metadata', 'namespace'], `namespace ${excerpt(ns)} is not a DNS-1123 label`, 'use lower-case letters, digits and "-", at most 63'));
  }
  if (r.kind === 'VirtualMachine') append(out, kubevirtKeys(r, meta, ['metadata']));
  if (r.kind === 'VirtualMachinePool') {
    // The pool's members carry the template's labels and annotations, and the VM webhook checks them.
    const template = (r.body['spec'] as { virtualMachineTemplate?: { metadata?: unknown } } | undefined)?.virtualMachineTemplate?.metadata;
    if (template !== null && typeof template === 'object') append(out, kubevirtKeys(r, template as Record<string, unknown>, ['spec', 'virtualMachineTemplate', 'metadata']));
  }
  return out;
}

/** DVP003: label and annotation keys containing kubevirt.io, which the VM webhook rejects. */
function kubevirtKeys(r: Resource, meta: Record<string, unknown>, at: readonly string[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const field of ['labels', 'annotations'] as const) {
    const map = meta[field];
    if (map === null || typeof map !== 'object') continue;
    for (const key of Object.keys(map)) {
      if (key.includes('kubevirt.io')) {
        out.push(diagnose('DVP003', r, [...at, field, key], `the ${field === 'labels' ? 'label' : 'annotation'} key "${key}" contains "kubevirt.io", which the module forbids on VMs`, 'rename the key (the module reserves the kubevirt.io group for itself)'));
      }
    }
  }
  return out;
}

function checkSchema(model: ClusterModel, r: Resource): Diagnostic[] {
  const parsed = model.parse(r);
  if (!parsed || parsed.ok) return [];
  return parsed.problems.map((p) => {
    const field = formatPath(p.path);
    const seed = p.unknownKey !== undefined && r.kind === 'ModuleConfig' ? SEED_KEYS[field] : undefined;
    if (seed !== undefined) {
      return diagnose('DVP005', r, p.path, `"${p.unknownKey}" is shown in the seed's documentation but the module's settings have no such key`, seed);
    }
    const hint = p.unknownKey !== undefined
      ? `remove "${p.unknownKey}" or fix its spelling (the API server would drop it and GitOps would show a permanent diff)`
      : 'change the value to fit the CRD schema';
    return diagnose('DVP002', r, p.path, p.message, hint);
  });
}

/** DVP004: the same group, kind, namespace and name twice; reported on the later one. */
function checkDuplicates(model: ClusterModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of model.resources) {
    if (r.name === '' || r.name.endsWith('*')) continue;
    const earlier = model.firstDefinition(r);
    if (!earlier || earlier === r) continue;
    const where = earlier.origin.constructPath ?? `${earlier.origin.file}${earlier.origin.line([]) ? `:${earlier.origin.line([])}` : ''}`;
    out.push(diagnose('DVP004', r, ['metadata', 'name'], `${r.kind} "${r.name}" is defined twice; the first definition is at ${where}`, 'remove one of the two, or rename one'));
  }
  return out;
}

export function checkForm(model: ClusterModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of model.resources) {
    const envelope = checkEnvelope(r);
    out.push(...envelope);
    if (envelope.length > 0 || !isModelled(r)) continue;
    out.push(...checkNames(r), ...checkSchema(model, r));
  }
  append(out, checkDuplicates(model));
  return out;
}
