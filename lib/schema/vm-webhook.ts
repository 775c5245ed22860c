/**
 * The VirtualMachine webhook's rules on a VM's own fields (UPSTREAM §b: networks_validator,
 * ipam_validator, affinity_validator, topology_spread_validator). They read nothing but the
 * object, so they are refinements of the schema (DVP002) and hold for a VirtualMachinePool's VM
 * template too, which the pool webhook checks with the same validators. Rules that need the
 * ModuleConfig (a Main network while no virtualMachineCIDRs are configured) are DVP108.
 */
import type { z } from 'zod';
import { DNS1123_LABEL, isLabelValue, isQualifiedKey } from './common.ts';

type Path = (string | number)[];

/** What the rules read of a VM spec; every field as the schema parsed it, all optional. */
export interface WebhookSpecShape {
  readonly networks?: readonly { readonly type: string; readonly name?: string | undefined; readonly id?: number | undefined }[] | undefined;
  readonly virtualMachineIPAddressName?: string | undefined;
  readonly affinity?: AffinityShape | undefined;
  readonly topologySpreadConstraints?: readonly SpreadShape[] | undefined;
}

interface RequirementShape { readonly key: string; readonly operator: string; readonly values?: readonly string[] | undefined }
interface SelectorShape { readonly matchLabels?: Readonly<Record<string, string>> | undefined; readonly matchExpressions?: readonly RequirementShape[] | undefined }
interface NodeTermShape { readonly matchExpressions?: readonly RequirementShape[] | undefined; readonly matchFields?: readonly RequirementShape[] | undefined }
interface PodTermShape {
  readonly labelSelector?: SelectorShape | undefined;
  readonly namespaceSelector?: SelectorShape | undefined;
  readonly namespaces?: readonly string[] | undefined;
  readonly topologyKey: string;
  readonly matchLabelKeys?: readonly string[] | undefined;
  readonly mismatchLabelKeys?: readonly string[] | undefined;
}
interface PodAffinityShape {
  readonly preferredDuringSchedulingIgnoredDuringExecution?: readonly { readonly virtualMachineAndPodAffinityTerm: PodTermShape; readonly weight: number }[] | undefined;
  readonly requiredDuringSchedulingIgnoredDuringExecution?: readonly PodTermShape[] | undefined;
}
export interface AffinityShape {
  readonly nodeAffinity?: {
    readonly preferredDuringSchedulingIgnoredDuringExecution?: readonly { readonly preference: NodeTermShape; readonly weight: number }[] | undefined;
    readonly requiredDuringSchedulingIgnoredDuringExecution?: { readonly nodeSelectorTerms: readonly NodeTermShape[] } | undefined;
  } | undefined;
  readonly virtualMachineAndPodAffinity?: PodAffinityShape | undefined;
  readonly virtualMachineAndPodAntiAffinity?: PodAffinityShape | undefined;
}
export interface SpreadShape {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: string;
  readonly labelSelector?: SelectorShape | undefined;
  readonly matchLabelKeys?: readonly string[] | undefined;
  readonly minDomains?: number | undefined;
  readonly nodeAffinityPolicy?: string | undefined;
  readonly nodeTaintsPolicy?: string | undefined;
}

/** The highest network id the module assigns (pkg/common/network/ids.go). */
export const MAX_NETWORK_ID = 16383;

function issue(ctx: z.RefinementCtx, path: Path, message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

/** networks_validator and ipam_validator: Main first and once, names, ids, duplicates. */
function networkRules(spec: WebhookSpecShape, ctx: z.RefinementCtx): void {
  const networks = spec.networks ?? [];
  const seen = new Map<string, number>();
  const ids = new Map<number, number>();
  networks.forEach((n, i) => {
    const at: Path = ['networks', i];
    if (n.type === 'Main') {
      if (i !== 0) issue(ctx, [...at, 'type'], `network type 'Main' occurs at unexpected position ${i}, it should be first`);
      if (n.name !== undefined && n.name !== '') issue(ctx, [...at, 'name'], `network with type 'Main' should not have a name (has "${n.name.slice(0, 63)}")`);
      if (n.id !== undefined && n.id !== 0 && n.id !== 1) issue(ctx, [...at, 'id'], `network with type 'Main' must have id 1, not ${n.id}`);
    } else {
      if (n.name === undefined || n.name === '') issue(ctx, [...at, 'name'], `network with type '${n.type}' must have a non-empty name`);
      const key = `${n.type}/${n.name ?? ''}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) issue(ctx, at, `network ${key} is listed twice (also networks[${earlier}])`);
      else seen.set(key, i);
    }
    // An id of 0 is unset: the mutating webhook assigns Main 1 and the others the next free id.
    if (n.id !== undefined && n.id !== 0) {
      if (n.id < 1 || n.id > MAX_NETWORK_ID) issue(ctx, [...at, 'id'], `network id ${n.id} is out of the range 1..${MAX_NETWORK_ID}`);
      const other = ids.get(n.id);
      if (other !== undefined) issue(ctx, [...at, 'id'], `network id ${n.id} is already used by networks[${other}]`);
      else ids.set(n.id, i);
    }
  });
  if (spec.virtualMachineIPAddressName !== undefined && networks.length > 0 && !networks.some((n) => n.type === 'Main')) {
    issue(ctx, ['virtualMachineIPAddressName'], 'spec.virtualMachineIPAddressName cannot be set without Main network type in spec.networks');
  }
}

function keyRule(ctx: z.RefinementCtx, path: Path, key: string, what: string): void {
  if (!isQualifiedKey(key)) issue(ctx, path, `${what} "${key.slice(0, 80)}" is not a valid label key (an optional DNS prefix, "/", and up to 63 characters [A-Za-z0-9-_.])`);
}

function selectorRules(ctx: z.RefinementCtx, path: Path, s: SelectorShape | undefined): void {
  if (!s) return;
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) {
    keyRule(ctx, [...path, 'matchLabels', k], k, 'matchLabels key');
    if (!isLabelValue(v)) issue(ctx, [...path, 'matchLabels', k], `matchLabels value "${v.slice(0, 80)}" is not a valid label value`);
  }
  (s.matchExpressions ?? []).forEach((e, i) => {
    keyRule(ctx, [...path, 'matchExpressions', i, 'key'], e.key, 'key');
    (e.values ?? []).forEach((v, j) => {
      if (!isLabelValue(v)) issue(ctx, [...path, 'matchExpressions', i, 'values', j], `value "${v.slice(0, 80)}" is not a valid label value`);
    });
  });
}

function nodeTermRules(ctx: z.RefinementCtx, path: Path, t: NodeTermShape): void {
  (t.matchExpressions ?? []).forEach((e, i) => keyRule(ctx, [...path, 'matchExpressions', i, 'key'], e.key, 'key'));
  (t.matchFields ?? []).forEach((f, i) => {
    const at = [...path, 'matchFields', i];
    if (f.key !== 'metadata.name') issue(ctx, [...at, 'key'], `matchFields key "${f.key.slice(0, 80)}" is not supported; the only field is metadata.name`);
    if (f.operator !== 'In' && f.operator !== 'NotIn') issue(ctx, [...at, 'operator'], `matchFields operator ${f.operator} is not supported; use In or NotIn`);
    else if ((f.values?.length ?? 0) !== 1) issue(ctx, [...at, 'values'], `matchFields with ${f.operator} must have exactly one value`);
  });
}

function weightRule(ctx: z.RefinementCtx, path: Path, weight: number): void {
  if (weight < 1 || weight > 100) issue(ctx, path, `weight ${weight} is out of the range 1..100`);
}

function podTermRules(ctx: z.RefinementCtx, path: Path, t: PodTermShape): void {
  if (t.topologyKey === '') issue(ctx, [...path, 'topologyKey'], 'topologyKey can not be empty');
  else keyRule(ctx, [...path, 'topologyKey'], t.topologyKey, 'topologyKey');
  (t.namespaces ?? []).forEach((ns, i) => {
    if (ns.length > 63 || !DNS1123_LABEL.test(ns)) issue(ctx, [...path, 'namespaces', i], `namespace "${ns.slice(0, 80)}" is not a DNS-1123 label`);
  });
  selectorRules(ctx, [...path, 'labelSelector'], t.labelSelector);
  selectorRules(ctx, [...path, 'namespaceSelector'], t.namespaceSelector);
  labelKeysRules(ctx, path, t.labelSelector, t.matchLabelKeys, t.mismatchLabelKeys);
}

function labelKeysRules(ctx: z.RefinementCtx, path: Path, selector: SelectorShape | undefined, match: readonly string[] | undefined, mismatch?: readonly string[]): void {
  const matchSet = new Set(match ?? []);
  for (const [field, keys] of [['matchLabelKeys', match], ['mismatchLabelKeys', mismatch]] as const) {
    (keys ?? []).forEach((k, i) => {
      keyRule(ctx, [...path, field, i], k, field);
      if (selector === undefined) issue(ctx, [...path, field, i], `${field} cannot be set when labelSelector isn't set`);
      if (field === 'mismatchLabelKeys' && matchSet.has(k)) issue(ctx, [...path, field, i], `"${k.slice(0, 80)}" is in both matchLabelKeys and mismatchLabelKeys`);
    });
  }
}

function podAffinityRules(ctx: z.RefinementCtx, path: Path, a: PodAffinityShape | undefined): void {
  if (!a) return;
  (a.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => podTermRules(ctx, [...path, 'requiredDuringSchedulingIgnoredDuringExecution', i], t));
  (a.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((p, i) => {
    const at = [...path, 'preferredDuringSchedulingIgnoredDuringExecution', i];
    weightRule(ctx, [...at, 'weight'], p.weight);
    podTermRules(ctx, [...at, 'virtualMachineAndPodAffinityTerm'], p.virtualMachineAndPodAffinityTerm);
  });
}

/** affinity_validator: the Kubernetes core validation of affinity, with the module's key names. */
function affinityRules(spec: WebhookSpecShape, ctx: z.RefinementCtx): void {
  const a = spec.affinity;
  if (!a) return;
  const node = a.nodeAffinity;
  const required = node?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) {
    const at: Path = ['affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms'];
    if (required.nodeSelectorTerms.length === 0) issue(ctx, at, 'errors while validating affinity: must have at least one node selector term');
    required.nodeSelectorTerms.forEach((t, i) => nodeTermRules(ctx, [...at, i], t));
  }
  (node?.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((p, i) => {
    const at: Path = ['affinity', 'nodeAffinity', 'preferredDuringSchedulingIgnoredDuringExecution', i];
    weightRule(ctx, [...at, 'weight'], p.weight);
    nodeTermRules(ctx, [...at, 'preference'], p.preference);
  });
  podAffinityRules(ctx, ['affinity', 'virtualMachineAndPodAffinity'], a.virtualMachineAndPodAffinity);
  podAffinityRules(ctx, ['affinity', 'virtualMachineAndPodAntiAffinity'], a.virtualMachineAndPodAntiAffinity);
}

const WHEN_UNSATISFIABLE = ['DoNotSchedule', 'ScheduleAnyway'];
const NODE_POLICIES = ['Honor', 'Ignore'];

/** topology_spread_validator: the Kubernetes core validation of topology spread constraints. */
function spreadRules(spec: WebhookSpecShape, ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  (spec.topologySpreadConstraints ?? []).forEach((c, i) => {
    const at: Path = ['topologySpreadConstraints', i];
    if (c.maxSkew <= 0) issue(ctx, [...at, 'maxSkew'], `maxSkew ${c.maxSkew} must be greater than zero`);
    if (c.topologyKey === '') issue(ctx, [...at, 'topologyKey'], 'topologyKey can not be empty');
    else keyRule(ctx, [...at, 'topologyKey'], c.topologyKey, 'topologyKey');
    if (!WHEN_UNSATISFIABLE.includes(c.whenUnsatisfiable)) issue(ctx, [...at, 'whenUnsatisfiable'], `whenUnsatisfiable "${c.whenUnsatisfiable.slice(0, 40)}" is not supported; use DoNotSchedule or ScheduleAnyway`);
    if (c.minDomains !== undefined) {
      if (c.minDomains <= 0) issue(ctx, [...at, 'minDomains'], `minDomains ${c.minDomains} must be greater than zero`);
      else if (c.whenUnsatisfiable !== 'DoNotSchedule') issue(ctx, [...at, 'minDomains'], 'minDomains can only be used with whenUnsatisfiable DoNotSchedule');
    }
    for (const field of ['nodeAffinityPolicy', 'nodeTaintsPolicy'] as const) {
      const v = c[field];
      if (v !== undefined && !NODE_POLICIES.includes(v)) issue(ctx, [...at, field], `${field} "${v.slice(0, 40)}" is not supported; use Honor or Ignore`);
    }
    selectorRules(ctx, [...at, 'labelSelector'], c.labelSelector);
    labelKeysRules(ctx, at, c.labelSelector, c.matchLabelKeys);
    const key = `{${c.topologyKey}, ${c.whenUnsatisfiable}}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) issue(ctx, at, `the pair ${key} is already used by topologySpreadConstraints[${earlier}]`);
    else seen.set(key, i);
  });
}

/** Every webhook rule on a VM spec's own fields (a VM's `spec`, or a pool's template `spec`). */
export function vmWebhookRules(spec: WebhookSpecShape, ctx: z.RefinementCtx): void {
  networkRules(spec, ctx);
  affinityRules(spec, ctx);
  spreadRules(spec, ctx);
}
