/** dvpc's typed API: constructs for every DVP resource, the synth pipeline, and the checker. */
export { Cluster, type ClusterProps } from './constructs/cluster.ts';
export { Project, type ProjectProps } from './constructs/project.ts';
export { VirtualizationModule, MIGRATION_ANNOTATIONS, type VirtualizationModuleProps, type DvcrProps, type StorageClassPolicyProps, type LiveMigrationProps } from './constructs/virtualization-module.ts';
export { DataSource, type HttpSourceOptions, type ContainerImageSourceOptions, type SourceObject } from './constructs/image-source.ts';
export { ClusterVirtualImage, VirtualImage, type Image, type ClusterVirtualImageProps, type VirtualImageProps } from './constructs/images.ts';
export { VirtualMachineClass, Cpu, type SizingPolicy, type VirtualMachineClassProps } from './constructs/vm-class.ts';
export { VirtualDisk, type VirtualDiskProps } from './constructs/virtual-disk.ts';
export { VirtualMachineIPAddress, type VirtualMachineIPAddressProps } from './constructs/ip-address.ts';
export { VirtualMachine, Provisioning, CLOUD_INIT_SECRET_TYPE, SYSPREP_SECRET_TYPE, type VirtualMachineProps, type BlockDevice, type NewDisk } from './constructs/virtual-machine.ts';
export { DerivedClasses, type DerivedClassesProps } from './constructs/derived-classes.ts';
export { deriveClasses, derivedManifests, derivationText, type DeriveOptions, type DerivedClass, type Derivation } from './classes/derive.ts';
export { loadInventory } from './inventory/load.ts';
export type { Inventory, InventoryNode } from './inventory/types.ts';
export type { ObjectProps, NamespacedProps } from './constructs/base.ts';
export { GitOps, type GitOpsProps } from './constructs/gitops.ts';
export { synthesize, type SynthOptions, type SynthResult } from './synth.ts';
export { checkPaths, type CheckOptions } from './front/check-paths.ts';
export { DvpcError } from './core/errors.ts';
export type { Diagnostic } from './core/diagnostic.ts';

// The package for a team's own repository: the types shared presets are written with, the
// Testing helper, and what synth's diagnostics carry.
export type { LabelSelector, NodeLabelSelector, Toleration } from './schema/common.ts';
export type { RunPolicy } from './schema/virtual-machine.ts';
export type { ClassCpu, CpuType } from './schema/vm-class.ts';
export type { Checksum } from './schema/data-source.ts';
export type { ImageStorage } from './constructs/images.ts';
export type { ClusterResult } from './synth.ts';
export type { Report } from './check/index.ts';
export type { SourceLocation } from './core/source.ts';
export type { Severity } from './core/codes.ts';
export type { JsonObject } from './core/resource.ts';
export { Testing, type TestSynth, type TestingOptions } from './testing.ts';
