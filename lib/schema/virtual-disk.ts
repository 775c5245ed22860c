/** VirtualDisk (virtualization.deckhouse.io/v1alpha2). */
import { z } from 'zod';
import { quantity, resource } from './common.ts';
import { diskDataSource } from './data-source.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

export const virtualDiskSpec = z.strictObject({
  /** Without a data source the disk is blank, and then `persistentVolumeClaim.size` is required (DVP305). */
  dataSource: diskDataSource.optional(),
  persistentVolumeClaim: z.strictObject({
    size: quantity.optional(),
    storageClassName: z.string().optional(),
  }).optional(),
});

export const virtualDisk = resource([V1ALPHA2], 'VirtualDisk', virtualDiskSpec);

export type VirtualDiskSpec = z.input<typeof virtualDiskSpec>;
export type VirtualDiskObject = z.infer<typeof virtualDisk>;
