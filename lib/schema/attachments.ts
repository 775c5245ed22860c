/** VirtualMachineBlockDeviceAttachment: a disk or image hot-plugged into a running VM. */
import { z } from 'zod';
import { resource } from './common.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

export const BLOCK_DEVICE_KINDS = ['ClusterVirtualImage', 'VirtualImage', 'VirtualDisk'] as const;
export type BlockDeviceKind = (typeof BLOCK_DEVICE_KINDS)[number];

/** Neither subfield of blockDeviceRef is required by the CRD; a ref without both names nothing. */
export const blockDeviceAttachmentSpec = z.strictObject({
  blockDeviceRef: z.strictObject({
    kind: z.enum(BLOCK_DEVICE_KINDS).optional(),
    name: z.string().min(1).optional(),
  }),
  virtualMachineName: z.string().min(1),
});

export const virtualMachineBlockDeviceAttachment = resource([V1ALPHA2], 'VirtualMachineBlockDeviceAttachment', blockDeviceAttachmentSpec);

export type BlockDeviceAttachmentSpec = z.input<typeof blockDeviceAttachmentSpec>;
