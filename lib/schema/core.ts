/**
 * The two core kinds dvpc reads: Namespace (projects) and Secret (cloud-init and Sysprep data).
 * They are checked loosely (the API server validates them fully); only what the checks read is typed.
 */
import { z } from 'zod';
import { objectMeta } from './common.ts';

export const namespace = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Namespace'),
  metadata: objectMeta,
});

export const secret = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Secret'),
  metadata: objectMeta,
  type: z.string().optional(),
  data: z.record(z.string(), z.string()).optional(),
  stringData: z.record(z.string(), z.string()).optional(),
  immutable: z.boolean().optional(),
});

export type SecretObject = z.infer<typeof secret>;
