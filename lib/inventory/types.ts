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
  /** metadata.annotations (the module reads its disk access-mode and volume-mode keys here). */
  readonly annotations: Readonly<Record<string, string>>;
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
  /** StorageProfiles (storage.virtualization.deckhouse.io) by name, the name being the StorageClass's. */
  readonly storageProfiles: Map<string, InventoryStorageProfile>;
  /** The VMs as they run (`kubectl get vm -A -o yaml`); undefined when the inventory lists none. */
  readonly virtualMachines: InventoryVirtualMachine[] | undefined;
  /** What objects of the inventory tell about the module's edition (UPSTREAM-MIGRATION §2.7). */
  readonly editionSignals: EditionSignal[];
  /** Problems reading the inventory (DVP001). */
  readonly diagnostics: Diagnostic[];
}

/** The module's edition as far as migration is concerned: CE, or any other (SE, EE, ...), written EE. */
export type Edition = 'CE' | 'EE';

/** One object of the inventory that shows the edition, and how. */
export interface EditionSignal {
  readonly edition: Edition;
  /** What shows it, e.g. `ValidatingWebhookConfiguration/virtualization-controller-admission-webhook has the vmpool webhooks`. */
  readonly evidence: string;
}

/** One `claimPropertySets` entry of a StorageProfile. */
export interface ClaimPropertySet {
  readonly accessModes: readonly string[];
  /** Undefined when not written (the module counts it as Filesystem). */
  readonly volumeMode: string | undefined;
}

/** A StorageProfile: the storage capabilities the module recorded for the StorageClass of the same name. */
export interface InventoryStorageProfile {
  readonly name: string;
  /** status.provisioner. */
  readonly provisioner: string | undefined;
  /** spec.claimPropertySets: an administrator's override; undefined when not written. */
  readonly spec: readonly ClaimPropertySet[] | undefined;
  /** status.claimPropertySets: what the module uses; undefined when the profile has no status yet. */
  readonly status: readonly ClaimPropertySet[] | undefined;
}

/** A VM as it runs: where, in which phase, and what the module says about migrating it. */
export interface InventoryVirtualMachine {
  /** The live object (its spec says what it runs with). */
  readonly resource: Resource;
  readonly name: string;
  readonly namespace: string;
  /** status.nodeName: the node it runs on now. */
  readonly nodeName: string | undefined;
  /** status.phase. */
  readonly phase: string | undefined;
  /** The `Migratable` condition, when the status has one. */
  readonly migratable: { readonly status: string; readonly reason: string; readonly message: string } | undefined;
}
