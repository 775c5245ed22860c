/**
 * Address claims and the leases the module makes for them: VirtualMachineIPAddress (the VM's
 * Main network address) with VirtualMachineIPAddressLease, and VirtualMachineMACAddress (a MAC
 * for an additional network) with VirtualMachineMACAddressLease. Leases are created by the
 * controller; dvpc reads them from the inventory and checks them where a repository holds one.
 */
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

/** The CRD's pattern: six hex pairs separated by ':' or '-'. */
export const MAC_ADDRESS = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/;

export const macAddressSpec = z.strictObject({
  /** Without it the module picks a random address within the cluster's OUI. */
  address: z.string().regex(MAC_ADDRESS, 'must be a MAC address of six hexadecimal pairs separated by ":" or "-" (e.g. 02:00:5e:10:00:01)').optional(),
});

/** `spec` is optional at the root of this CRD. */
export const virtualMachineMACAddress = resource([V1ALPHA2], 'VirtualMachineMACAddress', macAddressSpec.optional());

export const virtualMachineMACAddressLease = resource([V1ALPHA2], 'VirtualMachineMACAddressLease', z.strictObject({
  virtualMachineMACAddressRef: z.strictObject({ name: z.string(), namespace: z.string() }).optional(),
}).optional());

/** A MAC address in one spelling (lower case, ':' separators), so that two spellings of one address compare equal. */
export function normalizeMac(address: string): string {
  return address.toLowerCase().replace(/-/g, ':');
}

export type IPAddressSpec = z.input<typeof ipAddressSpec>;
export type MACAddressSpec = z.input<typeof macAddressSpec>;
