/**
 * VirtualDiskSnapshot and VirtualMachineSnapshot. Both specs are immutable (the webhooks reject
 * any change); a snapshot is taken once, when the object is created.
 */
import { z } from 'zod';
import { resource } from './common.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

export const virtualDiskSnapshotSpec = z.strictObject({
  virtualDiskName: z.string().min(1),
  /** Freeze the guest filesystem (or need a stopped VM) so that the snapshot is consistent. */
  requiredConsistency: z.boolean().default(true),
});

export const virtualDiskSnapshot = resource([V1ALPHA2], 'VirtualDiskSnapshot', virtualDiskSnapshotSpec);

export const KEEP_IP_ADDRESS = ['Always', 'Never'] as const;

/** `keepIPAddress` and `requiredConsistency` are required with defaults: an object may omit them. */
export const virtualMachineSnapshotSpec = z.strictObject({
  virtualMachineName: z.string().min(1),
  keepIPAddress: z.enum(KEEP_IP_ADDRESS).default('Always'),
  requiredConsistency: z.boolean().default(true),
});

export const virtualMachineSnapshot = resource([V1ALPHA2], 'VirtualMachineSnapshot', virtualMachineSnapshotSpec);

export type VirtualDiskSnapshotSpec = z.input<typeof virtualDiskSnapshotSpec>;
export type VirtualMachineSnapshotSpec = z.input<typeof virtualMachineSnapshotSpec>;
