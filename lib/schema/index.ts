/**
 * The schema registry: which zod schema checks an object of a given apiVersion and kind, and what
 * dvpc knows about each kind (scope). Every kind of the module's CRDs has a schema at every
 * version the module serves; an object of the module's group without one is DVP007, never
 * passed silently. Kinds of other groups that dvpc does not read pass through unchecked.
 */
import type { z } from 'zod';
import { DVP_KINDS, GROUP } from '../core/kinds.ts';
import { clusterVirtualImage, virtualImage } from './images.ts';
import { virtualDisk } from './virtual-disk.ts';
import { virtualMachineClassV1alpha2, virtualMachineClassV1alpha3 } from './vm-class.ts';
import { virtualMachine } from './virtual-machine.ts';
import { virtualMachineIPAddress, virtualMachineIPAddressLease, virtualMachineMACAddress, virtualMachineMACAddressLease } from './addresses.ts';
import { virtualMachineBlockDeviceAttachment } from './attachments.ts';
import { moduleConfig } from './module-config.ts';
import { namespace, secret } from './core.ts';
import { virtualMachineOperation, virtualMachineSnapshotOperation } from './operations.ts';
import { virtualDiskSnapshot, virtualMachineSnapshot } from './snapshots.ts';
import { virtualMachinePool } from './pool.ts';
import { nodeUSBDevice, usbDevice } from './usb.ts';

const SCHEMAS: Record<string, z.ZodType> = {
  [`${GROUP}/v1alpha2/ClusterVirtualImage`]: clusterVirtualImage,
  [`${GROUP}/v1alpha2/VirtualImage`]: virtualImage,
  [`${GROUP}/v1alpha2/VirtualDisk`]: virtualDisk,
  [`${GROUP}/v1alpha2/VirtualMachineClass`]: virtualMachineClassV1alpha2,
  [`${GROUP}/v1alpha3/VirtualMachineClass`]: virtualMachineClassV1alpha3,
  [`${GROUP}/v1alpha2/VirtualMachine`]: virtualMachine,
  [`${GROUP}/v1alpha2/VirtualMachineIPAddress`]: virtualMachineIPAddress,
  [`${GROUP}/v1alpha2/VirtualMachineIPAddressLease`]: virtualMachineIPAddressLease,
  [`${GROUP}/v1alpha2/VirtualMachineBlockDeviceAttachment`]: virtualMachineBlockDeviceAttachment,
  [`${GROUP}/v1alpha2/VirtualMachineOperation`]: virtualMachineOperation,
  [`${GROUP}/v1alpha2/VirtualMachineSnapshotOperation`]: virtualMachineSnapshotOperation,
  [`${GROUP}/v1alpha2/VirtualMachineMACAddress`]: virtualMachineMACAddress,
  [`${GROUP}/v1alpha2/VirtualMachineMACAddressLease`]: virtualMachineMACAddressLease,
  [`${GROUP}/v1alpha2/VirtualDiskSnapshot`]: virtualDiskSnapshot,
  [`${GROUP}/v1alpha2/VirtualMachineSnapshot`]: virtualMachineSnapshot,
  [`${GROUP}/v1alpha2/VirtualMachinePool`]: virtualMachinePool,
  [`${GROUP}/v1alpha2/NodeUSBDevice`]: nodeUSBDevice,
  [`${GROUP}/v1alpha2/USBDevice`]: usbDevice,
  'deckhouse.io/v1alpha1/ModuleConfig': moduleConfig,
  'v1/Namespace': namespace,
  'v1/Secret': secret,
};

/** Versions each DVP kind is served at; anything else is not served by the module. */
export function servedVersions(kind: string): string[] {
  if (kind === 'VirtualMachineClass') return ['v1alpha2', 'v1alpha3'];
  return kind in DVP_KINDS ? ['v1alpha2'] : [];
}

/** The schema for an object, or undefined when dvpc does not model that apiVersion and kind. */
export function schemaFor(apiVersion: string, kind: string): z.ZodType | undefined {
  return SCHEMAS[`${apiVersion}/${kind}`];
}

export * from './common.ts';
export * from './data-source.ts';
export * from './images.ts';
export * from './virtual-disk.ts';
export * from './vm-class.ts';
export * from './virtual-machine.ts';
export * from './addresses.ts';
export * from './attachments.ts';
export * from './snapshots.ts';
export * from './pool.ts';
export * from './usb.ts';
export * from './vm-webhook.ts';
export * from './module-config.ts';
export * from './core.ts';
export * from './operations.ts';
