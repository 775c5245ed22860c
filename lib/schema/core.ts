/**
 * The two core kinds dvpc reads: Namespace (projects) and Secret (cloud-init and Sysprep data).
 * Their fields are known, so an unknown one is an error, as kubectl's strict validation makes it;
 * a Secret may carry SOPS's `sops` mapping, which the decrypting controller removes.
 */
import { z } from 'zod';
import { objectMeta } from './common.ts';

export const namespace = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Namespace'),
  metadata: objectMeta,
  spec: z.strictObject({ finalizers: z.array(z.string()).optional() }).optional(),
  status: z.unknown().optional(),
});

export const secret = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Secret'),
  metadata: objectMeta,
  type: z.string().optional(),
  data: z.record(z.string(), z.string()).optional(),
  stringData: z.record(z.string(), z.string()).optional(),
  immutable: z.boolean().optional(),
  // SOPS's metadata (keys, MAC) on a Secret it encrypted, which Flux's kustomize-controller decrypts.
  sops: z.record(z.string(), z.unknown()).optional(),
});

export type SecretObject = z.infer<typeof secret>;
