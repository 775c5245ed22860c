/**
 * VirtualMachineClass, served at v1alpha2 (storage, deprecated) and v1alpha3. The two differ only in
 * how core fractions are written: integers 1..100 in v1alpha2, "N%" strings in v1alpha3.
 */
import { z } from 'zod';
import { labelSelector, nodeLabelSelector, quantity, resource, toleration } from './common.ts';
import { V1ALPHA2, V1ALPHA3 } from '../core/kinds.ts';

export const CPU_TYPES = ['Host', 'HostPassthrough', 'Discovery', 'Model', 'Features'] as const;
export type CpuType = (typeof CPU_TYPES)[number];

export const classCpu = z.strictObject({
  type: z.enum(CPU_TYPES),
  model: z.string().min(1).optional(),
  features: z.array(z.string()).min(1).optional(),
  discovery: z.strictObject({ nodeSelector: labelSelector.optional() }).optional(),
}).superRefine((cpu, ctx) => {
  // The CEL rules of spec.cpu, with the CRD's own messages.
  const has = { model: cpu.model !== undefined, features: cpu.features !== undefined, discovery: cpu.discovery !== undefined };
  const fail = (message: string) => ctx.addIssue({ code: 'custom', path: [], message });
  if ((cpu.type === 'HostPassthrough' || cpu.type === 'Host') && (has.model || has.features || has.discovery)) {
    fail('HostPassthrough and Host cannot have model, features or discovery');
  }
  if (cpu.type === 'Discovery' && (has.model || has.features)) fail('Discovery cannot have model or features');
  if (cpu.type === 'Model' && (!has.model || has.features || has.discovery)) fail('Model requires model and cannot have features or discovery');
  if (cpu.type === 'Features' && (!has.features || has.model || has.discovery)) fail('Features requires features and cannot have model or discovery');
});

const cores = z.strictObject({
  min: z.number().int().min(1),
  max: z.number().int().max(1024),
  step: z.number().int().min(1).optional(),
}).superRefine((c, ctx) => {
  if (!(c.max > c.min)) ctx.addIssue({ code: 'custom', path: [], message: 'The maximum must be greater than the minimum' });
  if (c.step !== undefined && !(c.max > c.step)) ctx.addIssue({ code: 'custom', path: [], message: 'The maximum must be greater than the step' });
});

const memory = z.strictObject({
  min: quantity.optional(),
  max: quantity.optional(),
  step: quantity.optional(),
  perCore: z.strictObject({ min: quantity.optional(), max: quantity.optional() }).optional(),
});

const PERCENT = /^(100|[1-9][0-9]?)%$/;

const sizingPolicyV2 = z.strictObject({
  cores,
  memory: memory.optional(),
  coreFractions: z.array(z.number().int().min(1).max(100)).optional(),
  dedicatedCores: z.array(z.boolean()).optional(),
  defaultCoreFraction: z.union([z.number().int(), z.string().max(4)]).superRefine((v, ctx) => {
    const ok = typeof v === 'number' ? v >= 1 && v <= 100 : v === 'Auto';
    if (!ok) ctx.addIssue({ code: 'custom', message: "The default core fraction must be a number from 1 to 100, or 'Auto'." });
  }).optional(),
});

const sizingPolicyV3 = z.strictObject({
  cores,
  memory: memory.optional(),
  coreFractions: z.array(z.string().regex(PERCENT, 'must be a percentage from 1% to 100%')).optional(),
  dedicatedCores: z.array(z.boolean()).optional(),
  defaultCoreFraction: z.string().regex(/^(Auto|(100|[1-9][0-9]?)%)$/, "must be 'Auto' or a percentage from 1% to 100%").optional(),
});

function classSpec<P extends typeof sizingPolicyV2 | typeof sizingPolicyV3>(policy: P) {
  return z.strictObject({
    cpu: classCpu,
    nodeSelector: nodeLabelSelector.optional(),
    tolerations: z.array(toleration).optional(),
    sizingPolicies: z.array(policy).max(16).optional(),
  });
}

export const classSpecV1alpha2 = classSpec(sizingPolicyV2);
export const classSpecV1alpha3 = classSpec(sizingPolicyV3);

export const virtualMachineClassV1alpha2 = resource([V1ALPHA2], 'VirtualMachineClass', classSpecV1alpha2);
export const virtualMachineClassV1alpha3 = resource([V1ALPHA3], 'VirtualMachineClass', classSpecV1alpha3);

export const DEFAULT_CLASS_ANNOTATION = 'virtualmachineclass.virtualization.deckhouse.io/is-default-class';

export type ClassCpu = z.input<typeof classCpu>;
export type SizingPolicyV1alpha2 = z.input<typeof sizingPolicyV2>;
export type SizingPolicyV1alpha3 = z.input<typeof sizingPolicyV3>;
export type ClassSpecV1alpha2 = z.input<typeof classSpecV1alpha2>;
export type ClassSpecV1alpha3 = z.input<typeof classSpecV1alpha3>;
