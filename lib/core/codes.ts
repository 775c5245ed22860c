/**
 * The stable diagnostic codes of SPEC §6: default severity, one line of description (the SARIF
 * rule text), and what a code needs to run (an inventory or a baseline).
 */
export type Severity = 'error' | 'warning';
export type Needs = 'inventory' | 'baseline' | undefined;

export interface CodeInfo {
  readonly severity: Severity;
  readonly title: string;
  readonly needs?: Needs;
}

export const CODES: Record<string, CodeInfo> = {
  DVP001: { severity: 'error', title: 'A file is not valid YAML or JSON' },
  DVP002: { severity: 'error', title: 'An object does not fit its schema (unknown field, wrong type, missing field, enum, pattern, bound, or a CEL rule of the CRD)' },
  DVP003: { severity: 'error', title: 'A bad name: not DNS-1123, a VM name over 63 characters, a dot in a disk or image name, or a kubevirt.io label or annotation key on a VM' },
  DVP004: { severity: 'error', title: 'The same object is defined twice' },
  DVP005: { severity: 'error', title: "A key from the seed's documentation that the module's schema does not have" },
  DVP006: { severity: 'error', title: 'The inventory holds the same object twice', needs: 'inventory' },
  DVP007: { severity: 'warning', title: 'An object of a virtualization.deckhouse.io kind or version that dvpc does not model: it is not checked' },
  DVP101: { severity: 'error', title: 'A virtualMachineCIDR does not parse or is not aligned to its mask' },
  DVP102: { severity: 'error', title: 'Two virtualMachineCIDRs overlap' },
  DVP103: { severity: 'error', title: "A virtualMachineCIDR overlaps the pod subnet, the service subnet, a node network, or holds a node's address", needs: 'inventory' },
  DVP104: { severity: 'error', title: 'A static IP lies in no virtualMachineCIDR, is not a valid IPv4 address, or disagrees with the address type' },
  DVP105: { severity: 'error', title: 'A static IP is the first or last address of its CIDR' },
  DVP106: { severity: 'error', title: 'Two address claims, or a claim and a lease of the inventory, hold the same address' },
  DVP107: { severity: 'error', title: 'A CIDR in use (leased, or a static address of the baseline) is removed, or the CIDR list is cleared' },
  DVP108: { severity: 'error', title: 'A VM or address claim needs IPAM while no virtualMachineCIDRs are configured' },
  DVP201: { severity: 'error', title: 'A VM names a VirtualMachineClass that does not exist' },
  DVP202: { severity: 'error', title: "The VM's cores fall in no sizing policy of its class, or off the policy's step" },
  DVP203: { severity: 'error', title: "The VM's memory is outside its sizing policy (range, step, or per core)" },
  DVP204: { severity: 'error', title: "The VM's coreFraction is not allowed by its sizing policy, or the policy gives no default" },
  DVP205: { severity: 'error', title: 'Overlapping sizing policies, a defaultCoreFraction not allowed, or more than one default class' },
  DVP206: { severity: 'error', title: 'A class can run on no VM node of the inventory', needs: 'inventory' },
  DVP207: { severity: 'error', title: 'Cores above 248, or not a multiple of the socket count' },
  DVP208: { severity: 'warning', title: "A VM asks for more than any available node of its class can hold", needs: 'inventory' },
  DVP301: { severity: 'error', title: 'A StorageClass the ModuleConfig does not permit for that kind' },
  DVP302: { severity: 'error', title: 'A StorageClass that does not exist in the inventory', needs: 'inventory' },
  DVP303: { severity: 'error', title: "A module defaultStorageClassName is not in its own allowed list" },
  DVP304: { severity: 'error', title: 'No StorageClass can be resolved for a disk, a PVC image or the DVCR volume', needs: 'inventory' },
  DVP305: { severity: 'error', title: 'A VirtualDisk has neither a data source nor a size, or its size is zero' },
  DVP306: { severity: 'error', title: 'A deprecated StorageClass, or a disk from a PVC image on another provisioner', needs: 'inventory' },
  DVP401: { severity: 'error', title: "A VM's block device names a disk or image that does not exist" },
  DVP402: { severity: 'error', title: 'One VirtualDisk is attached to two VMs' },
  DVP403: { severity: 'error', title: 'A data source objectRef names an object that does not exist' },
  DVP404: { severity: 'error', title: 'A VM names a VirtualMachineIPAddress that does not exist, or two VMs name the same one' },
  DVP405: { severity: 'warning', title: 'userDataRef or sysprepRef names a Secret that is not in the manifests' },
  DVP406: { severity: 'error', title: 'Duplicate block devices or boot orders, more than 16 block devices, or a one-shot resource in a GitOps path' },
  DVP501: { severity: 'error', title: "The VMs that must run of a class request more than its available nodes hold", needs: 'inventory' },
  DVP502: { severity: 'warning', title: 'A class has no N+1 headroom: losing one available node, its VMs no longer fit', needs: 'inventory' },
  DVP503: { severity: 'warning', title: 'A VM that must run is placed only on nodes whose NodeGroup has no fencing', needs: 'inventory' },
  DVP504: { severity: 'warning', title: 'A VM that must run cannot be live-migrated off its node, so draining that node blocks on it', needs: 'inventory' },
  DVP505: { severity: 'error', title: 'After a drain, a VM that must run has no node left that its class, its CPU and the remaining capacity allow', needs: 'inventory' },
  DVP601: { severity: 'error', title: 'A VirtualDisk or a VirtualImage on PVC is removed: its data would be lost', needs: 'baseline' },
  DVP602: { severity: 'error', title: 'An immutable field changed', needs: 'baseline' },
  DVP603: { severity: 'error', title: 'A VirtualDisk or the DVCR volume shrinks', needs: 'baseline' },
  DVP604: { severity: 'warning', title: "A VM's address changes or is removed, or a class's nodeSelector changes while VMs use it", needs: 'baseline' },
  DVP701: { severity: 'error', title: 'A secret in clear in the GitOps path (private key, clear password, credential Secret)' },
  DVP702: { severity: 'warning', title: 'An image fetched over plain http:// without a checksum' },
  DVP703: { severity: 'warning', title: 'Inline userData that is not valid cloud-init' },
  DVP704: { severity: 'warning', title: 'A password hash in the GitOps path' },
};

export function severityOf(code: string): Severity {
  return CODES[code]?.severity ?? 'error';
}
