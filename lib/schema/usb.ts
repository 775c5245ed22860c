/**
 * USB devices (EE). The module discovers a NodeUSBDevice per device on a node; setting its
 * `spec.assignedNamespace` makes the module create a USBDevice of the same device in that
 * namespace, which VMs name in `spec.usbDevices`. A ValidatingAdmissionPolicy lets only the
 * module create NodeUSBDevices and write USBDevices at all (UPSTREAM §a, MIGRATION §3.7): a
 * repository may hold a NodeUSBDevice to assign it (applied as a patch of the discovered
 * object), never a USBDevice.
 */
import { z } from 'zod';
import { objectMeta, resource } from './common.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

export const nodeUSBDevice = resource([V1ALPHA2], 'NodeUSBDevice', z.strictObject({
  /** The namespace whose VMs may use the device; empty means none. */
  assignedNamespace: z.string().default(''),
}));

/** USBDevice has no spec: it is status only, written by the module. */
export const usbDevice = z.strictObject({
  apiVersion: z.enum([`${V1ALPHA2}`]),
  kind: z.literal('USBDevice'),
  metadata: objectMeta,
  status: z.unknown().optional(),
});
