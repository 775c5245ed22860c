/** ClusterVirtualImage and VirtualImage (virtualization.deckhouse.io/v1alpha2). */
import { z } from 'zod';
import { resource } from './common.ts';
import { clusterImageDataSource, imageDataSource } from './data-source.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

export const clusterVirtualImageSpec = z.strictObject({
  dataSource: clusterImageDataSource,
});

export const clusterVirtualImage = resource([V1ALPHA2], 'ClusterVirtualImage', clusterVirtualImageSpec);

export const IMAGE_STORAGE = ['ContainerRegistry', 'Kubernetes', 'PersistentVolumeClaim'] as const;

export const virtualImageSpec = z.strictObject({
  dataSource: imageDataSource,
  /** Where the image is kept; `Kubernetes` is the deprecated spelling of PersistentVolumeClaim. */
  storage: z.enum(IMAGE_STORAGE).default('ContainerRegistry'),
  persistentVolumeClaim: z.strictObject({ storageClassName: z.string().optional() }).optional(),
});

export const virtualImage = resource([V1ALPHA2], 'VirtualImage', virtualImageSpec);

export type ClusterVirtualImageSpec = z.input<typeof clusterVirtualImageSpec>;
export type VirtualImageSpec = z.input<typeof virtualImageSpec>;
export type ClusterVirtualImageObject = z.infer<typeof clusterVirtualImage>;
export type VirtualImageObject = z.infer<typeof virtualImage>;
