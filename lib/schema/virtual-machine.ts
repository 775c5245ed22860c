/** VirtualMachine (virtualization.deckhouse.io/v1alpha2). */
import { z } from 'zod';
import { DNS1123_SUBDOMAIN, labelSelector, nodeSelectorTerm, quantityString, resource, toleration } from './common.ts';
import { BLOCK_DEVICE_KINDS } from './attachments.ts';
import { vmWebhookRules } from './vm-webhook.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

export const secretRef = z.strictObject({
  kind: z.enum(['Secret']).default('Secret'),
  name: z.string().min(1),
});

export const PROVISIONING_TYPES = ['UserData', 'UserDataRef', 'SysprepRef'] as const;

export const provisioning = z.strictObject({
  type: z.enum(PROVISIONING_TYPES),
  userData: z.string().superRefine((s, ctx) => {
    // CEL size() of a string counts code points.
    if ([...s].length > 2048) ctx.addIssue({ code: 'custom', message: '`userData` exceeds 2048 byte limit; should use `userDataRef` for larger data.' });
  }).optional(),
  userDataRef: secretRef.optional(),
  sysprepRef: secretRef.optional(),
}).superRefine((p, ctx) => {
  // The CRD's oneOf: exactly the member that matches `type`, and no other.
  const member = { UserData: 'userData', UserDataRef: 'userDataRef', SysprepRef: 'sysprepRef' } as const;
  const wanted = member[p.type];
  if (p[wanted] === undefined) {
    ctx.addIssue({ code: 'custom', path: [wanted], message: `provisioning type ${p.type} requires ${wanted}` });
  }
  for (const other of Object.values(member)) {
    if (other !== wanted && p[other] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [other], message: `provisioning type ${p.type} cannot have ${other}` });
    }
  }
});

export const podAffinityTerm = z.strictObject({
  labelSelector: labelSelector.optional(),
  namespaceSelector: labelSelector.optional(),
  namespaces: z.array(z.string()).optional(),
  topologyKey: z.string(),
  matchLabelKeys: z.array(z.string()).optional(),
  mismatchLabelKeys: z.array(z.string()).optional(),
});

const vmPodAffinity = z.strictObject({
  preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({
    virtualMachineAndPodAffinityTerm: podAffinityTerm,
    weight: z.number().int().min(1).max(100),
  })).optional(),
  requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTerm).optional(),
});

export const affinity = z.strictObject({
  nodeAffinity: z.strictObject({
    preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({
      preference: nodeSelectorTerm,
      weight: z.number().int().min(1).max(100),
    })).optional(),
    requiredDuringSchedulingIgnoredDuringExecution: z.strictObject({
      nodeSelectorTerms: z.array(nodeSelectorTerm),
    }).optional(),
  }).optional(),
  virtualMachineAndPodAffinity: vmPodAffinity.optional(),
  virtualMachineAndPodAntiAffinity: vmPodAffinity.optional(),
});

export const blockDeviceRef = z.strictObject({
  kind: z.enum(BLOCK_DEVICE_KINDS).optional(),
  name: z.string().min(1).optional(),
  bootOrder: z.number().int().min(1).optional(),
});

export const gpu = z.strictObject({
  gpuClassName: z.string().min(1).max(253).regex(DNS1123_SUBDOMAIN, 'must be a DNS-1123 subdomain'),
});

export const RUN_POLICIES = ['AlwaysOn', 'AlwaysOff', 'Manual', 'AlwaysOnUnlessStoppedManually'] as const;
export type RunPolicy = (typeof RUN_POLICIES)[number];

export const CORE_FRACTION = /^(Auto|(100|[1-9][0-9]?)%)$/;

export const LIVE_MIGRATION_POLICIES = ['AlwaysSafe', 'PreferSafe', 'AlwaysForced', 'PreferForced'] as const;
export const NETWORK_TYPES = ['Main', 'Network', 'ClusterNetwork'] as const;

/** corev1.TopologySpreadConstraint, the subset the VirtualMachine CRD keeps. */
export const topologySpreadConstraint = z.strictObject({
  labelSelector: labelSelector.optional(),
  maxSkew: z.number().int(),
  topologyKey: z.string(),
  whenUnsatisfiable: z.string(),
});

export const network = z.strictObject({
  id: z.number().int().optional(),
  type: z.enum(NETWORK_TYPES),
  name: z.string().min(1).optional(),
  virtualMachineMACAddressName: z.string().min(1).optional(),
  ipAddressName: z.string().min(1).optional(),
});

export const virtualMachineSpec = z.strictObject({
  virtualMachineClassName: z.string().min(1),
  cpu: z.strictObject({
    cores: z.number().int().min(1).max(2147483647),
    coreFraction: z.string().regex(CORE_FRACTION, "must be 'Auto' or a percentage from 1% to 100%").optional(),
  }),
  memory: z.strictObject({ size: quantityString }),
  /** The CRD allows 16; more is DVP406 (counted with the attachments), not DVP002 (SPEC §6). */
  blockDeviceRefs: z.array(blockDeviceRef).min(1),
  provisioning: provisioning.optional(),
  runPolicy: z.enum(RUN_POLICIES).default('AlwaysOnUnlessStoppedManually'),
  virtualMachineIPAddressName: z.string().min(1).optional(),
  topologySpreadConstraints: z.array(topologySpreadConstraint).optional(),
  affinity: affinity.optional(),
  nodeSelector: z.record(z.string(), z.string()).optional(),
  priorityClassName: z.string().min(1).optional(),
  tolerations: z.array(toleration).optional(),
  disruptions: z.strictObject({ restartApprovalMode: z.enum(['Manual', 'Automatic']).optional() }).default({ restartApprovalMode: 'Manual' }),
  terminationGracePeriodSeconds: z.number().int().default(60),
  enableParavirtualization: z.boolean().default(true),
  osType: z.enum(['Windows', 'Generic', 'Legacy']).default('Generic'),
  bootloader: z.enum(['BIOS', 'EFI', 'EFIWithSecureBoot']).default('BIOS'),
  liveMigrationPolicy: z.enum(LIVE_MIGRATION_POLICIES).default('PreferSafe'),
  networks: z.array(network).optional(),
  usbDevices: z.array(z.strictObject({ name: z.string().min(1) })).max(8).optional(),
  gpus: z.array(gpu).max(16).optional(),
});

/** What the CEL rules read; a pool's VM template has the same fields with looser types. */
export interface VmRulesShape {
  readonly cpu: { readonly coreFraction?: string | undefined };
  readonly osType?: string | undefined;
  readonly bootloader?: string | undefined;
  readonly provisioning?: unknown;
  readonly enableParavirtualization?: boolean | undefined;
  readonly blockDeviceRefs: readonly unknown[];
}

/**
 * The CEL rules on `spec`, run on the defaulted object as the API server runs them; the defaults
 * (Generic, BIOS, paravirtualization on) never trip a rule, so the verdict is the written object's.
 */
export function vmSpecRules(spec: VmRulesShape, ctx: z.RefinementCtx): void {
  const cf = spec.cpu.coreFraction;
  if (cf !== undefined && cf !== 'Auto') {
    const n = Number(cf.replace('%', ''));
    if (!cf.endsWith('%') || !(n >= 1 && n <= 100)) {
      ctx.addIssue({ code: 'custom', path: ['cpu', 'coreFraction'], message: "Core fraction must be 'Auto' or a percentage between 1% and 100%." });
    }
  }
  if (spec.osType === 'Legacy') {
    if (spec.bootloader !== undefined && spec.bootloader !== 'BIOS') ctx.addIssue({ code: 'custom', path: ['bootloader'], message: 'The Legacy osType requires the BIOS bootloader.' });
    if (spec.provisioning !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['provisioning'], message: 'The Legacy osType does not support provisioning: such operating systems have no cloud-init or Sysprep support.' });
    }
    if (spec.enableParavirtualization === false && spec.blockDeviceRefs.length > 4) {
      ctx.addIssue({ code: 'custom', path: ['blockDeviceRefs'], message: 'The Legacy osType with enableParavirtualization=false supports at most 4 block devices.' });
    }
  }
}

/** The VM spec with the CRD's CEL rules and the webhook's rules on its own fields. */
export const checkedVirtualMachineSpec = virtualMachineSpec.superRefine(vmSpecRules).superRefine(vmWebhookRules);

export const virtualMachine = resource([V1ALPHA2], 'VirtualMachine', checkedVirtualMachineSpec);

export type VirtualMachineSpec = z.input<typeof virtualMachineSpec>;
export type VirtualMachineObject = z.infer<typeof virtualMachine>;
export type BlockDeviceRef = z.input<typeof blockDeviceRef>;
export type Provisioning = z.input<typeof provisioning>;
export type Affinity = z.input<typeof affinity>;
export type PodAffinityTerm = z.input<typeof podAffinityTerm>;
export type TopologySpreadConstraint = z.input<typeof topologySpreadConstraint>;
export type VirtualMachineNetwork = z.input<typeof network>;
export type LiveMigrationPolicy = (typeof LIVE_MIGRATION_POLICIES)[number];
