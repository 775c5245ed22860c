/** dvpc's typed API: constructs for every DVP resource, the synth pipeline, and the checker. */

// Constructs: one cluster, its projects, and every kind a GitOps repository holds.
export { Cluster, type ClusterProps } from './constructs/cluster.ts';
export { Project, type ProjectProps } from './constructs/project.ts';
export { VirtualizationModule, MIGRATION_ANNOTATIONS, type VirtualizationModuleProps, type DvcrProps, type StorageClassPolicyProps, type LiveMigrationProps } from './constructs/virtualization-module.ts';
export { DataSource, type HttpSourceOptions, type ContainerImageSourceOptions, type SourceObject } from './constructs/image-source.ts';
export { ClusterVirtualImage, VirtualImage, type Image, type ImageStorage, type ClusterVirtualImageProps, type VirtualImageProps } from './constructs/images.ts';
export { VirtualMachineClass, Cpu, type SizingPolicy, type VirtualMachineClassProps } from './constructs/vm-class.ts';
export { VirtualDisk, type VirtualDiskProps } from './constructs/virtual-disk.ts';
export { VirtualMachineIPAddress, type VirtualMachineIPAddressProps } from './constructs/ip-address.ts';
export { VirtualMachineMACAddress, type VirtualMachineMACAddressProps } from './constructs/mac-address.ts';
export { VirtualMachine, Provisioning, CLOUD_INIT_SECRET_TYPE, SYSPREP_SECRET_TYPE, type VirtualMachineProps, type BlockDevice, type NewDisk, type BootDevice, type ExternalSecretOptions } from './constructs/virtual-machine.ts';
export type { VirtualMachineSpecProps, NetworkInterface, VirtualMachineAntiAffinity } from './constructs/vm-spec.ts';
export { VirtualMachinePool, type VirtualMachinePoolProps, type PoolDisk, type PoolBootImage, type PoolBlockDevice, type DiskRetention } from './constructs/virtual-machine-pool.ts';
export { VirtualMachineBlockDeviceAttachment, type VirtualMachineBlockDeviceAttachmentProps } from './constructs/block-device-attachment.ts';
export { VirtualMachineSnapshot, VirtualDiskSnapshot, type VirtualMachineSnapshotProps, type VirtualDiskSnapshotProps } from './constructs/snapshots.ts';
export { DerivedClasses, type DerivedClassesProps } from './constructs/derived-classes.ts';
export { GitOps, type GitOpsProps, type ArgoCdProps, type ArgoCdDestination, type FluxProps, type GitCredentials, type GitRevision } from './constructs/gitops.ts';
export type { ObjectProps, NamespacedProps } from './constructs/base.ts';
export { ALLOW_ANNOTATION, EXTERNAL_SECRET_ANNOTATION } from './core/annotations.ts';

// The types shared presets are written with (selectors, tolerations, policies, CPUs, checksums).
export type { LabelSelector, NodeLabelSelector, Toleration } from './schema/common.ts';
export type { RunPolicy, Affinity, PodAffinityTerm, TopologySpreadConstraint, LiveMigrationPolicy } from './schema/virtual-machine.ts';
export type { ClassCpu, CpuType } from './schema/vm-class.ts';
export type { Checksum } from './schema/data-source.ts';

// Synthesis, and tests of a team's own stacks.
export { synthesize, type SynthOptions, type SynthResult, type ClusterResult } from './synth.ts';
export { Testing, type TestSynth, type TestingOptions } from './testing.ts';

// The YAML front door and what every report carries.
export { checkPaths, checkClusters, type CheckOptions, type ClusterReport } from './front/check-paths.ts';
export type { Report } from './check/index.ts';
export type { Diagnostic } from './core/diagnostic.ts';
export type { Severity } from './core/codes.ts';
export type { SourceLocation } from './core/source.ts';
export type { JsonObject } from './core/resource.ts';
export { DvpcError } from './core/errors.ts';

// The inventory and the classes derived from it.
export { loadInventory } from './inventory/load.ts';
export type { Inventory, InventoryNode, Edition, InventoryStorageProfile, InventoryVirtualMachine, ClaimPropertySet } from './inventory/types.ts';
export { deriveClasses, derivedManifests, derivationText, type DeriveOptions, type DerivedClass, type Derivation, type DerivationProblem } from './classes/derive.ts';

// Maintenance, predicted: disk modes, live-migration eligibility, drains.
export { predictModes, predictVolumes, bestClaimSet, PROVISIONER_CLAIM_SETS, ACCESS_MODE_ANNOTATION, VOLUME_MODE_ANNOTATION, type PredictedModes, type AccessMode, type VolumeMode, type ModeSource } from './model/storage-modes.ts';
export { MigrationAnalysis, migrationDomain, type VmMigration, type MigrationDomain, type Blocker } from './model/migration.ts';
export { editionOf, type EditionInfo } from './model/edition.ts';
export { planDrain, type DrainPlan, type DrainOutcome, type VmDrainOutcome, type ClassDrainCapacity } from './drain/plan.ts';
export { drainText, drainMarkdown, drainJson, drainSummary } from './drain/format.ts';
