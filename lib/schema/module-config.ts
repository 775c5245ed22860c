/**
 * ModuleConfig `virtualization` (deckhouse.io/v1alpha1), with `spec.settings` written from the
 * module's openapi/config-values.yaml. Deckhouse forbids unknown settings, so every object is strict.
 */
import { z } from 'zod';
import { DNS1123_SUBDOMAIN, objectMeta, quantityString } from './common.ts';

const allowedSelector = z.strictObject({
  matchNames: z.array(z.string().min(1)).min(1).optional(),
}).superRefine((sel, ctx) => {
  if (Object.keys(sel).length === 0) ctx.addIssue({ code: 'custom', message: 'allowedStorageClassSelector must not be empty (set matchNames)' });
});

export const FEATURE_GATES = ['HotplugCPUWithLiveMigration', 'HotplugMemoryWithLiveMigration', 'HotplugCPUAndMemoryWithInPlaceResize', 'GPU'] as const;

const dvcrStorage = z.strictObject({
  type: z.enum(['PersistentVolumeClaim']).optional(),
  persistentVolumeClaim: z.strictObject({
    size: quantityString,
    storageClassName: z.string().optional(),
  }).optional(),
}).superRefine((storage, ctx) => {
  if (storage.persistentVolumeClaim === undefined) {
    ctx.addIssue({ code: 'custom', path: ['persistentVolumeClaim'], message: 'dvcr.storage needs persistentVolumeClaim (the only storage the module offers)' });
  }
  if (storage.type === undefined) {
    ctx.addIssue({ code: 'custom', path: ['type'], message: 'dvcr.storage.type is required by the module (set it to PersistentVolumeClaim)' });
  }
});

export const virtualizationSettings = z.strictObject({
  highAvailability: z.boolean().optional(),
  virtualMachineCIDRs: z.array(z.string()).min(1).optional(),
  ingressClass: z.string().regex(DNS1123_SUBDOMAIN).optional(),
  gatewayAPIGateway: z.strictObject({
    name: z.string().regex(DNS1123_SUBDOMAIN),
    namespace: z.string().regex(DNS1123_SUBDOMAIN),
  }).optional(),
  https: z.strictObject({
    mode: z.enum(['Disabled', 'CertManager', 'CustomCertificate', 'OnlyInURI']).default('CertManager'),
    certManager: z.strictObject({ clusterIssuerName: z.string().default('letsencrypt') }).optional(),
    customCertificate: z.strictObject({ secretName: z.string().optional() }).default({}),
  }).optional(),
  dvcr: z.strictObject({
    storage: dvcrStorage,
    gc: z.strictObject({ schedule: z.string().optional() }).optional(),
  }),
  audit: z.strictObject({ enabled: z.boolean().default(false) }).optional(),
  virtualImages: z.strictObject({
    /** Deprecated by the module in favour of defaultStorageClassName. */
    storageClassName: z.string().optional(),
    defaultStorageClassName: z.string().optional(),
    allowedStorageClassSelector: allowedSelector.optional(),
  }).optional(),
  virtualDisks: z.strictObject({
    defaultStorageClassName: z.string().optional(),
    allowedStorageClassSelector: allowedSelector.optional(),
  }).optional(),
  liveMigration: z.strictObject({
    network: z.strictObject({
      type: z.enum(['SystemNetwork']).optional(),
      systemNetwork: z.strictObject({ name: z.string().min(1) }).optional(),
    }).superRefine((net, ctx) => {
      const n = Object.keys(net).length;
      if (n > 0 && (net.type === undefined || net.systemNetwork === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'liveMigration.network is either empty or sets both type and systemNetwork' });
      }
    }).optional(),
  }).optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).optional(),
  logFormat: z.enum(['text', 'json']).optional(),
  featureGates: z.array(z.enum(FEATURE_GATES)).optional(),
});

export const moduleConfigSpec = z.strictObject({
  enabled: z.boolean().optional(),
  version: z.number().int().optional(),
  settings: virtualizationSettings.optional(),
  maintenance: z.enum(['NoResourceReconciliation']).optional(),
  source: z.string().optional(),
  updatePolicy: z.string().optional(),
}).superRefine((spec, ctx) => {
  if (spec.settings === undefined && spec.enabled !== false) {
    ctx.addIssue({ code: 'custom', path: ['settings'], message: 'an enabled virtualization module needs spec.settings with dvcr' });
  } else if (spec.settings !== undefined && spec.version === undefined) {
    ctx.addIssue({ code: 'custom', path: ['version'], message: 'spec.version is required with spec.settings (the virtualization settings schema is version 1)' });
  } else if (spec.settings !== undefined && spec.version !== 1) {
    ctx.addIssue({ code: 'custom', path: ['version'], message: `spec.version ${spec.version} is unknown: the virtualization settings schema is version 1` });
  }
});

export const moduleConfig = z.strictObject({
  apiVersion: z.literal('deckhouse.io/v1alpha1'),
  kind: z.literal('ModuleConfig'),
  metadata: objectMeta,
  spec: moduleConfigSpec,
  status: z.unknown().optional(),
});

export const MODULE_NAME = 'virtualization';

export type VirtualizationSettings = z.input<typeof virtualizationSettings>;
export type ModuleConfigObject = z.infer<typeof moduleConfig>;
