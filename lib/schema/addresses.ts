/** VirtualMachineIPAddress, VirtualMachineIPAddressLease and VirtualMachineBlockDeviceAttachment. */
import { z } from 'zod';
import { resource } from './common.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

export const ipAddressSpec = z.strictObject({
  type: z.enum(['Auto', 'Static']),
  /** No pattern in the CRD: the webhook checks the address (DVP104). */
  staticIP: z.string().optional(),
});

/** `spec` is optional at the root of this CRD. */
export const virtualMachineIPAddress = resource([V1ALPHA2], 'VirtualMachineIPAddress', ipAddressSpec.optional());

export const virtualMachineIPAddressLease = resource([V1ALPHA2], 'VirtualMachineIPAddressLease', z.strictObject({
  virtualMachineIPAddressRef: z.strictObject({ name: z.string(), namespace: z.string() }).optional(),
}).optional());

export const BLOCK_DEVICE_KINDS = ['ClusterVirtualImage', 'VirtualImage', 'VirtualDisk'] as const;
export type BlockDeviceKind = (typeof BLOCK_DEVICE_KINDS)[number];

export const blockDeviceAttachmentSpec = z.strictObject({
  blockDeviceRef: z.strictObject({
    kind: z.enum(['VirtualDisk', 'VirtualImage', 'ClusterVirtualImage']).optional(),
    name: z.string().min(1).optional(),
  }),
  virtualMachineName: z.string().min(1),
});

export const virtualMachineBlockDeviceAttachment = resource([V1ALPHA2], 'VirtualMachineBlockDeviceAttachment', blockDeviceAttachmentSpec);

export type IPAddressSpec = z.input<typeof ipAddressSpec>;
export type BlockDeviceAttachmentSpec = z.input<typeof blockDeviceAttachmentSpec>;
