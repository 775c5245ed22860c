/** The inventory's model: the parts of a live cluster that the checks read (SPEC §3). */
import type { Diagnostic } from '../core/diagnostic.ts';
import type { Resource } from '../core/resource.ts';

export interface Taint {
  readonly key: string;
  readonly value: string | undefined;
  readonly effect: string;
}

export interface InventoryNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  readonly addresses: readonly { readonly type: string; readonly address: string }[];
  /** status.allocatable.cpu in millicores. */
  readonly allocatableMilliCpu: bigint | undefined;
  /** status.allocatable.memory in bytes. */
  readonly allocatableMemory: bigint | undefined;
}

export interface InventoryStorageClass {
  readonly name: string;
  readonly provisioner: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  /** Annotated storageclass.kubernetes.io/is-default-class: "true". */
  readonly isDefault: boolean;
}

export interface InventoryLease {
  readonly name: string;
  /** The address the name encodes, or undefined when the name is not `ip-a-b-c-d`. */
  readonly ip: string | undefined;
  readonly claim: { readonly name: string; readonly namespace: string } | undefined;
  /** status.phase Released: the lease holds nothing. */
  readonly released: boolean;
}

export interface Inventory {
  readonly dir: string;
  readonly files: number;
  readonly nodes: InventoryNode[];
  readonly storageClasses: Map<string, InventoryStorageClass>;
  readonly podSubnetCIDR: string | undefined;
  readonly serviceSubnetCIDR: string | undefined;
  readonly kubernetesVersion: string | undefined;
  /** StaticClusterConfiguration internalNetworkCIDRs. */
  readonly nodeNetworks: string[];
  readonly nodeGroups: Map<string, { readonly name: string; readonly fencingMode: string | undefined }>;
  /** Classes that already exist in the cluster. */
  readonly classes: Resource[];
  readonly leases: InventoryLease[];
  /** The live ModuleConfig virtualization. */
  readonly moduleConfig: Resource | undefined;
  /** Problems reading the inventory (DVP001). */
  readonly diagnostics: Diagnostic[];
}
