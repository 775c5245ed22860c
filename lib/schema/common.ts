/**
 * Building blocks shared by the DVP schemas: names, metadata, quantities, selectors, tolerations.
 * Written from ../shared/dvp/fields/ and the Kubernetes API conventions the CRDs embed.
 */
import { z } from 'zod';
import { QUANTITY_PATTERN, parseQuantity } from '../core/quantity.ts';
import { redactedExcerpt } from '../core/excerpt.ts';


import { DNS1123_LABEL, DNS1123_SUBDOMAIN } from '../core/dns.ts';
export { DNS1123_LABEL, DNS1123_SUBDOMAIN };
/** A label key: optional DNS prefix and a name part (Kubernetes qualified name). */
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** A label value: empty, or 63 characters of the qualified-name alphabet. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function isQualifiedKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
}

export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

const labelMap = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  for (const [key, value] of Object.entries(labels)) {
    if (!isQualifiedKey(key)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `label key ${redactedExcerpt(key)} is not a valid qualified name (an optional DNS prefix, "/", and up to 63 characters [A-Za-z0-9-_.])` });
    } else if (!isLabelValue(value)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `label value ${redactedExcerpt(value)} is not valid: at most 63 characters [A-Za-z0-9-_.], beginning and ending with an alphanumeric` });
    }
  }
});

const annotationMap = z.record(z.string(), z.string()).superRefine((annotations, ctx) => {
  for (const key of Object.keys(annotations)) {
    if (!isQualifiedKey(key)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `annotation key ${redactedExcerpt(key)} is not a valid qualified name` });
    }
  }
});

/**
 * ObjectMeta as the API server accepts it on a custom resource. Name rules (DNS-1123 and the
 * module's extra limits) are checked by DVP003, not here, so a bad name gets its own code.
 */
export const objectMeta = z.strictObject({
  name: z.string().optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  labels: labelMap.optional(),
  annotations: annotationMap.optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().int().optional(),
  creationTimestamp: z.union([z.string(), z.null()]).optional(),
  deletionTimestamp: z.string().optional(),
  deletionGracePeriodSeconds: z.number().int().optional(),
  ownerReferences: z.array(z.looseObject({ apiVersion: z.string(), kind: z.string(), name: z.string(), uid: z.string() })).optional(),
  finalizers: z.array(z.string()).optional(),
  managedFields: z.array(z.unknown()).optional(),
  selfLink: z.string().optional(),
});

/** The envelope every object shares; `status` is accepted and ignored, as the API server does on create. */
export function resource<K extends string, S extends z.ZodType>(apiVersions: readonly [string, ...string[]], kind: K, spec: S) {
  return z.strictObject({
    apiVersion: z.enum(apiVersions),
    kind: z.literal(kind),
    metadata: objectMeta,
    spec,
    status: z.unknown().optional(),
  });
}

function quantityRefine(value: string | number, ctx: z.RefinementCtx): void {
  if (typeof value === 'string' && !QUANTITY_PATTERN.test(value)) {
    ctx.addIssue({ code: 'custom', message: `${redactedExcerpt(value)} is not a Kubernetes quantity (for example 512Mi, 10Gi, 50G)` });
  } else if (parseQuantity(value) === undefined) {
    ctx.addIssue({ code: 'custom', message: `${redactedExcerpt(String(value))} is not a quantity Kubernetes can parse (integer exponent, at most 2^63)` });
  }
}

/** A quantity written as a string (e.g. VirtualMachine `memory.size`). */
export const quantityString = z.string().superRefine(quantityRefine);
/** A quantity written as an integer or a string (`x-kubernetes-int-or-string`). */
export const quantity = z.union([z.number().int(), z.string()]).superRefine(quantityRefine);

const labelSelectorOperator = z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']);
const nodeSelectorOperator = z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']);

function requirementRefine(req: { operator: string; values?: string[] | undefined }, ctx: z.RefinementCtx): void {
  const n = req.values?.length ?? 0;
  if ((req.operator === 'In' || req.operator === 'NotIn') && n === 0) {
    ctx.addIssue({ code: 'custom', path: ['values'], message: `operator ${req.operator} needs at least one value` });
  }
  if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && n > 0) {
    ctx.addIssue({ code: 'custom', path: ['values'], message: `operator ${req.operator} takes no values` });
  }
  if (req.operator === 'Gt' || req.operator === 'Lt') {
    if (n !== 1 || !/^-?[0-9]+$/.test(req.values?.[0] ?? '')) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `operator ${req.operator} needs exactly one integer value` });
    }
  }
}

/** One requirement of a selector, with the operators its kind of selector allows. */
function requirement(operator: typeof labelSelectorOperator | typeof nodeSelectorOperator) {
  return z.strictObject({ key: z.string(), operator, values: z.array(z.string()).optional() }).superRefine(requirementRefine);
}

/** metav1.LabelSelector (matchLabels + matchExpressions with In/NotIn/Exists/DoesNotExist). */
export const labelSelector = z.strictObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z.array(requirement(labelSelectorOperator)).optional(),
});

/** The class `spec.nodeSelector`: matchLabels plus NodeSelectorRequirements (also Gt/Lt). */
export const nodeLabelSelector = z.strictObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z.array(requirement(nodeSelectorOperator)).optional(),
});

/** corev1.NodeSelectorTerm. */
export const nodeSelectorTerm = z.strictObject({
  matchExpressions: z.array(requirement(nodeSelectorOperator)).optional(),
  matchFields: z.array(requirement(nodeSelectorOperator)).optional(),
});

/** corev1.Toleration. */
export const toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().optional(),
});

/** A base64 string (`format: byte`, Go's StdEncoding; line breaks ignored). */
export const base64Bytes = z.string().superRefine((value, ctx) => {
  const compact = value.replace(/[\r\n]/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    ctx.addIssue({ code: 'custom', message: 'must be base64 (standard alphabet, padded)' });
  }
});

export type LabelSelector = z.infer<typeof labelSelector>;
export type NodeLabelSelector = z.infer<typeof nodeLabelSelector>;
export type Toleration = z.infer<typeof toleration>;
export type ObjectMeta = z.infer<typeof objectMeta>;
