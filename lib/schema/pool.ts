/**
 * VirtualMachinePool (EE/SE+): `replicas` VMs made from one VM template, each with its own disks
 * made from `virtualDiskTemplates`. The template is a VM spec with the pool CRD's own looser
 * types (memory as int-or-string, liveMigrationPolicy required and wider); the pool webhook runs
 * the VM webhook's rules on it. Members are created as VirtualMachines, so a template that the
 * VirtualMachine CRD would reject gives a pool whose members are never created: dvpc says so.
 */
import { z } from 'zod';
import { DNS1123_LABEL, labelSelector, quantity, resource, toleration } from './common.ts';
import { BLOCK_DEVICE_KINDS } from './attachments.ts';
import { virtualDiskSpec } from './virtual-disk.ts';
import { vmWebhookRules } from './vm-webhook.ts';
import {
  CORE_FRACTION, LIVE_MIGRATION_POLICIES, RUN_POLICIES, affinity, checkedVirtualMachineSpec, gpu, vmSpecRules,
} from './virtual-machine.ts';
import { schemaProblems } from './issues.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

const templateSecretRef = z.strictObject({ kind: z.enum(['Secret']).default('Secret'), name: z.string() });

/** Provisioning of the template: `type` is a plain string, the one-of is three CEL rules. */
const templateProvisioning = z.strictObject({
  type: z.string(),
  userData: z.string().optional(),
  userDataRef: templateSecretRef.optional(),
  sysprepRef: templateSecretRef.optional(),
}).superRefine((p, ctx) => {
  const has = { userData: p.userData !== undefined, userDataRef: p.userDataRef !== undefined, sysprepRef: p.sysprepRef !== undefined };
  const fail = (message: string) => ctx.addIssue({ code: 'custom', path: [], message });
  if (p.type === 'UserData' && (!has.userData || has.userDataRef || has.sysprepRef)) fail('UserData cannot have userDataRef or sysprepRef.');
  if (p.type === 'UserDataRef' && (!has.userDataRef || has.userData || has.sysprepRef)) fail('UserDataRef cannot have userData or sysprepRef.');
  if (p.type === 'SysprepRef' && (!has.sysprepRef || has.userData || has.userDataRef)) fail('SysprepRef cannot have userData or userDataRef.');
});

/** corev1.TopologySpreadConstraint as the pool CRD keeps it (more of it than the VM CRD). */
const templateSpread = z.strictObject({
  labelSelector: labelSelector.optional(),
  matchLabelKeys: z.array(z.string()).optional(),
  maxSkew: z.number().int(),
  minDomains: z.number().int().optional(),
  nodeAffinityPolicy: z.string().optional(),
  nodeTaintsPolicy: z.string().optional(),
  topologyKey: z.string(),
  whenUnsatisfiable: z.string(),
});

export const POOL_LIVE_MIGRATION_POLICIES = ['Manual', 'Never', ...LIVE_MIGRATION_POLICIES] as const;

export const poolVmSpec = z.strictObject({
  virtualMachineClassName: z.string(),
  cpu: z.strictObject({
    cores: z.number().int().min(1).max(2147483647),
    coreFraction: z.string().regex(CORE_FRACTION, "must be 'Auto' or a percentage from 1% to 100%").optional(),
  }),
  memory: z.strictObject({ size: quantity }),
  /** The CRD allows 16; more is DVP406 (counted with the attachments), not DVP002 (SPEC §6). */
  blockDeviceRefs: z.array(z.strictObject({
    kind: z.enum(BLOCK_DEVICE_KINDS),
    name: z.string(),
    bootOrder: z.number().int().min(1).optional(),
  })).min(1),
  provisioning: templateProvisioning.optional(),
  runPolicy: z.enum(RUN_POLICIES).default('AlwaysOnUnlessStoppedManually'),
  virtualMachineIPAddressName: z.string().optional(),
  topologySpreadConstraints: z.array(templateSpread).optional(),
  affinity: affinity.optional(),
  nodeSelector: z.record(z.string(), z.string()).optional(),
  priorityClassName: z.string().optional(),
  tolerations: z.array(toleration).optional(),
  disruptions: z.strictObject({ restartApprovalMode: z.enum(['Manual', 'Automatic']).optional() }).default({ restartApprovalMode: 'Manual' }),
  terminationGracePeriodSeconds: z.number().int().default(60),
  enableParavirtualization: z.boolean().default(true),
  osType: z.enum(['Windows', 'Generic', 'Legacy']).default('Generic'),
  bootloader: z.enum(['BIOS', 'EFI', 'EFIWithSecureBoot']).default('BIOS'),
  /** Required, with no default, unlike a VM's. */
  liveMigrationPolicy: z.enum(POOL_LIVE_MIGRATION_POLICIES),
  networks: z.array(z.strictObject({
    id: z.number().int().optional(),
    type: z.string(),
    name: z.string().optional(),
    virtualMachineMACAddressName: z.string().optional(),
    ipAddressName: z.string().optional(),
  })).optional(),
  usbDevices: z.array(z.strictObject({ name: z.string() })).max(8).optional(),
  gpus: z.array(gpu).max(16).optional(),
});

const checkedPoolVmSpec = poolVmSpec.superRefine(vmSpecRules).superRefine(vmWebhookRules);

/**
 * A member as the controller creates it: the template's spec, checked against the VirtualMachine
 * CRD and webhook rules. Unknown fields are not reported: the API server prunes them silently.
 */
function memberProblems(spec: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (!checkedPoolVmSpec.safeParse(spec).success) return;
  const memory = spec['memory'] as { size?: unknown } | undefined;
  const member = { ...spec, memory: { ...memory, size: typeof memory?.size === 'number' ? String(memory.size) : memory?.size } };
  const result = checkedVirtualMachineSpec.safeParse(member);
  if (result.success) return;
  for (const p of schemaProblems(result.error, member)) {
    if (p.unknownKey !== undefined) continue;
    ctx.addIssue({ code: 'custom', path: ['virtualMachineTemplate', 'spec', ...p.path], message: `the pool's members are VirtualMachines, which the VirtualMachine CRD checks: ${p.message}; the pool would never create a member` });
  }
}

export const virtualDiskTemplate = z.strictObject({
  name: z.string().max(63).regex(DNS1123_LABEL, 'must be a DNS-1123 label'),
  reclaim: z.strictObject({
    onScaleDown: z.enum(['Delete', 'Retain']).default('Delete'),
    keep: z.number().int().min(0).default(0),
    ttl: z.string().optional(),
  }).superRefine((r, ctx) => {
    if (!(r.onScaleDown === 'Retain' || (r.keep === 0 && r.ttl === undefined))) ctx.addIssue({ code: 'custom', message: 'keep and ttl are only valid with onScaleDown: Retain' });
    if (!(r.keep === 0 || r.ttl !== undefined)) ctx.addIssue({ code: 'custom', message: 'keep requires ttl; without ttl free disks are never garbage-collected, so keep would have no effect' });
  }).optional(),
  spec: virtualDiskSpec,
});

export const SCALE_DOWN_POLICIES = ['NewestFirst', 'OldestFirst', 'Explicit'] as const;

export const poolSpec = z.strictObject({
  /** Unset means 0 (the controller's reading). */
  replicas: z.number().int().min(0).max(2147483647).optional(),
  scaleDownPolicy: z.enum(SCALE_DOWN_POLICIES),
  virtualDiskTemplates: z.array(virtualDiskTemplate).min(1).max(16),
  virtualMachineTemplate: z.strictObject({
    metadata: z.strictObject({
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    }).optional(),
    spec: checkedPoolVmSpec.optional(),
  }),
}).superRefine((spec, ctx) => {
  // The CEL rules on spec, with the CRD's messages.
  const vmSpec = spec.virtualMachineTemplate.spec;
  const diskRefs = (vmSpec?.blockDeviceRefs ?? []).filter((r) => r.kind === 'VirtualDisk');
  const templates = spec.virtualDiskTemplates;
  const seen = new Map<string, number>();
  templates.forEach((t, i) => {
    const earlier = seen.get(t.name);
    if (earlier !== undefined) ctx.addIssue({ code: 'custom', path: ['virtualDiskTemplates', i, 'name'], message: `virtualDiskTemplates "${t.name}" is listed twice (also virtualDiskTemplates[${earlier}]); the list is keyed by name` });
    else seen.set(t.name, i);
  });
  templates.forEach((t, i) => {
    if (!vmSpec || !diskRefs.some((r) => r.name === t.name)) {
      ctx.addIssue({ code: 'custom', path: ['virtualDiskTemplates', i], message: `each virtualDiskTemplates entry must be referenced by a VirtualDisk entry in virtualMachineTemplate.spec.blockDeviceRefs ("${t.name}" is not)` });
    }
  });
  (vmSpec?.blockDeviceRefs ?? []).forEach((r, i) => {
    if (r.kind === 'VirtualDisk' && !templates.some((t) => t.name === r.name)) {
      ctx.addIssue({ code: 'custom', path: ['virtualMachineTemplate', 'spec', 'blockDeviceRefs', i, 'name'], message: `each VirtualDisk reference in virtualMachineTemplate.spec.blockDeviceRefs must name a virtualDiskTemplates entry ("${r.name.slice(0, 63)}" does not)` });
    }
  });
  if (vmSpec && diskRefs.length !== templates.length) {
    ctx.addIssue({ code: 'custom', path: ['virtualMachineTemplate', 'spec', 'blockDeviceRefs'], message: 'each virtualDiskTemplates entry must be referenced exactly once (no duplicate VirtualDisk references)' });
  }
  if (vmSpec?.osType === 'Legacy') {
    ctx.addIssue({ code: 'custom', path: ['virtualMachineTemplate', 'spec', 'osType'], message: 'The Legacy osType is not supported in a VirtualMachinePool: replicas of such a pool cannot be told apart, because provisioning is unavailable for these operating systems.' });
  }
  if (vmSpec) memberProblems(vmSpec as unknown as Record<string, unknown>, ctx);
});

export const virtualMachinePool = resource([V1ALPHA2], 'VirtualMachinePool', poolSpec);

export type VirtualMachinePoolSpec = z.input<typeof poolSpec>;
export type PoolVmSpec = z.input<typeof poolVmSpec>;
export type VirtualDiskTemplate = z.input<typeof virtualDiskTemplate>;
