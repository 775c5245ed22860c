/**
 * VirtualMachine with its disks, address and cloud-init. A VM given its class as an object (or
 * by the name of a class in the same cluster, or `generic`) renders the class's default
 * coreFraction explicitly: the mutating webhook rejects a VM without one while its class is not
 * yet applied, which is exactly what happens in a GitOps sync.
 */
import type { Construct } from 'constructs';
import type * as kplus from 'cdk8s-plus-28';
import { DvpObject, compact, namespaceOf, reportProblem, type NamespacedProps } from './base.ts';
import { Cluster } from './cluster.ts';
import { VirtualMachineClass } from './vm-class.ts';
import { VirtualDisk } from './virtual-disk.ts';
import { DataSource } from './image-source.ts';
import { VirtualMachineIPAddress } from './ip-address.ts';
import type { Image } from './images.ts';
import { ClusterVirtualImage, VirtualImage } from './images.ts';
import type { RunPolicy } from '../schema/virtual-machine.ts';
import type { NodeLabelSelector, Toleration } from '../schema/common.ts';
import { defaultCoreFraction, normalizePolicies, type Policy } from '../model/sizing.ts';
import { GENERIC_CLASS_NAME, GENERIC_CLASS_SPEC } from '../model/builtin.ts';
import { DvpcError } from '../core/errors.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

/** The Secret types the module reads provisioning data from. */
export const CLOUD_INIT_SECRET_TYPE = 'provisioning.virtualization.deckhouse.io/cloud-init';
export const SYSPREP_SECRET_TYPE = 'provisioning.virtualization.deckhouse.io/sysprep';

/**
 * The Secret a VM renders its cloud-init into: a dvpc object, rendered directly like the VM
 * itself, with the manifest cdk8s-plus's Secret writes (`immutable: false` included).
 */
class ProvisioningSecret extends DvpObject {
  constructor(scope: Construct, id: string, init: { name: string; namespace: string; type: string; userData: string }) {
    super(scope, id, { apiVersion: 'v1', kind: 'Secret', name: init.name, namespace: init.namespace, body: { immutable: false, stringData: { userData: init.userData }, type: init.type } });
  }
}

/** A disk the VM creates for itself, named `<vm>-<name>`. */
export interface NewDisk {
  /** Suffix of the disk's name. */
  readonly name: string;
  /**
   * Size, a quantity such as "20Gi". Required for a blank disk.
   * @default the image's size
   */
  readonly size?: string;
  /**
   * Image to fill the disk from.
   * @default a blank disk
   */
  readonly image?: Image;
  /**
   * StorageClass of the disk.
   * @default the module's default for disks, else the cluster's
   */
  readonly storageClassName?: string;
}

/** A block device: an existing disk, an image attached read-only (e.g. an ISO), or a new disk. */
export type BlockDevice = VirtualDisk | Image | NewDisk;

/** How the VM gets its first-boot configuration. Build one with the static methods. */
export class Provisioning {
  /** Inline cloud-init user data (at most 2048 characters; it lands in git as written). */
  static userData(userData: string): Provisioning {
    return new Provisioning({ type: 'UserData', userData });
  }

  /** Cloud-init from a Secret of type `provisioning.virtualization.deckhouse.io/cloud-init` (key `userData`). */
  static userDataSecret(secret: kplus.ISecret | string): Provisioning {
    return new Provisioning({ type: 'UserDataRef', userDataRef: { kind: 'Secret', name: typeof secret === 'string' ? secret : secret.name } });
  }

  /** Cloud-init rendered into a Secret `<vm>-cloud-init` beside the VM (no 2048-character limit). */
  static cloudInitSecret(userData: string): Provisioning {
    return new Provisioning({ type: 'UserDataRef' }, userData);
  }

  /** A Windows answer file from a Secret of type `provisioning.virtualization.deckhouse.io/sysprep`. */
  static sysprepSecret(secret: kplus.ISecret | string): Provisioning {
    return new Provisioning({ type: 'SysprepRef', sysprepRef: { kind: 'Secret', name: typeof secret === 'string' ? secret : secret.name } });
  }

  private constructor(
    readonly spec: Record<string, unknown>,
    /** User data to render into a Secret of the VM's own. */
    readonly secretUserData?: string,
  ) {}
}

export interface VirtualMachineProps extends NamespacedProps {
  /** The class: a VirtualMachineClass construct, or the name of a class (e.g. one of the inventory's). */
  readonly vmClass: VirtualMachineClass | string;
  /** Number of vCPU cores. */
  readonly cores: number;
  /**
   * Guaranteed share of each core, "5%".."100%" or "Auto".
   * @default the class's default for this core count, rendered explicitly when the class is known
   */
  readonly coreFraction?: string;
  /** Memory, a quantity such as "4Gi". */
  readonly memory: string;
  /**
   * Disks and images, in boot order. New disks are created as `<vm>-<name>`.
   * @default none (at least one is required)
   */
  readonly disks: readonly BlockDevice[];
  /**
   * The address: a VirtualMachineIPAddress, or a static IPv4 address (then a claim named like the VM is created).
   * @default an address allocated by the module
   */
  readonly address?: VirtualMachineIPAddress | string;
  /**
   * First-boot configuration (cloud-init or Sysprep).
   * @default none
   */
  readonly provisioning?: Provisioning;
  /**
   * Whether the VM should run.
   * @default "AlwaysOnUnlessStoppedManually"
   */
  readonly runPolicy?: RunPolicy;
  /**
   * Firmware.
   * @default "BIOS"
   */
  readonly bootloader?: 'BIOS' | 'EFI' | 'EFIWithSecureBoot';
  /**
   * Guest OS family.
   * @default "Generic"
   */
  readonly osType?: 'Windows' | 'Generic' | 'Legacy';
  /**
   * Extra node labels the VM requires (added to the class's nodeSelector).
   * @default none
   */
  readonly nodeSelector?: Record<string, string>;
  /**
   * Extra taints the VM tolerates (added to the class's tolerations).
   * @default none
   */
  readonly tolerations?: readonly Toleration[];
  /**
   * Paravirtualized (virtio) devices.
   * @default true
   */
  readonly enableParavirtualization?: boolean;
  /**
   * Live migration policy.
   * @default "PreferSafe"
   */
  readonly liveMigrationPolicy?: 'AlwaysSafe' | 'PreferSafe' | 'AlwaysForced' | 'PreferForced';
  /**
   * Whether restarts to apply changes happen without approval.
   * @default "Manual"
   */
  readonly restartApprovalMode?: 'Manual' | 'Automatic';
}

/**
 * The classes of a cluster by name, collected once at synthesis (when every construct exists),
 * so that resolving thousands of VMs never walks the tree again.
 */
const classIndex = new WeakMap<Cluster, Map<string, VirtualMachineClass>>();
function classesOf(cluster: Cluster): Map<string, VirtualMachineClass> {
  let index = classIndex.get(cluster);
  if (!index) {
    index = new Map();
    for (const c of cluster.node.findAll()) if (c instanceof VirtualMachineClass) index.set((c as VirtualMachineClass).objectName, c as VirtualMachineClass);
    classIndex.set(cluster, index);
  }
  return index;
}

function isImage(d: BlockDevice): d is Image {
  return d instanceof ClusterVirtualImage || d instanceof VirtualImage;
}

export class VirtualMachine extends DvpObject {
  /** The class name the VM names. */
  readonly className: string;
  /** Disks created by this VM. */
  readonly createdDisks: readonly VirtualDisk[];
  /** The address claim, if any. */
  readonly ipAddress: VirtualMachineIPAddress | undefined;
  private readonly vmClass: VirtualMachineClass | string;
  /** Whether coreFraction was given; else the class's default is rendered. */
  private readonly explicitFraction: boolean;

  constructor(scope: Construct, id: string, props: VirtualMachineProps) {
    const name = props.name ?? id;
    const namespace = namespaceOf(scope, props.namespace);
    const className = typeof props.vmClass === 'string' ? props.vmClass : props.vmClass.objectName;

    const foreign: (VirtualDisk | Image)[] = [];
    const refs = props.disks.map((d) => {
      if (d instanceof VirtualDisk || isImage(d)) {
        if (d.objectNamespace !== undefined && d.objectNamespace !== namespace) foreign.push(d);
        return { kind: d.kind, name: d.objectName };
      }
      return { kind: 'VirtualDisk', name: `${name}-${d.name}` };
    });

    const addressName = props.address === undefined ? undefined : typeof props.address === 'string' ? name : props.address.objectName;
    const provisioning = props.provisioning?.secretUserData !== undefined
      ? { type: 'UserDataRef', userDataRef: { kind: 'Secret', name: `${name}-cloud-init` } }
      : props.provisioning?.spec;
    const spec = compact({
      virtualMachineClassName: className,
      cpu: compact({ cores: props.cores, coreFraction: props.coreFraction }),
      memory: { size: props.memory },
      blockDeviceRefs: refs,
      virtualMachineIPAddressName: addressName,
      provisioning,
      runPolicy: props.runPolicy,
      bootloader: props.bootloader,
      osType: props.osType,
      nodeSelector: props.nodeSelector,
      tolerations: props.tolerations ? [...props.tolerations] : undefined,
      enableParavirtualization: props.enableParavirtualization,
      liveMigrationPolicy: props.liveMigrationPolicy,
      disruptions: props.restartApprovalMode ? { restartApprovalMode: props.restartApprovalMode } : undefined,
    });
    super(scope, id, { apiVersion: V1ALPHA2, kind: 'VirtualMachine', name, namespace, labels: props.labels, annotations: props.annotations, body: { spec } });
    this.className = className;
    this.vmClass = props.vmClass;
    this.explicitFraction = props.coreFraction !== undefined;
    for (const d of foreign) {
      // blockDeviceRefs have no namespace: the rendered VM would name a disk that is not in its project.
      reportProblem(this, new DvpcError('DVP401', `${d.kind} "${d.objectName}" is in namespace "${d.objectNamespace}", the VM in "${namespace}"`, 'attach disks and images of the VM\'s own project, or ClusterVirtualImages', this.node.path, 'spec.blockDeviceRefs'));
    }

    this.createdDisks = props.disks.flatMap((d) => {
      if (d instanceof VirtualDisk || isImage(d)) return [];
      return [new VirtualDisk(this, d.name, {
        name: `${name}-${d.name}`,
        namespace,
        size: d.size,
        storageClassName: d.storageClassName,
        source: d.image ? DataSource.from(d.image) : undefined,
      })];
    });
    this.ipAddress = typeof props.address === 'string'
      ? new VirtualMachineIPAddress(this, 'address', { name, namespace, staticIP: props.address })
      : props.address;
    if (props.provisioning?.secretUserData !== undefined) {
      new ProvisioningSecret(this, 'cloud-init', { name: `${name}-cloud-init`, namespace, type: CLOUD_INIT_SECRET_TYPE, userData: props.provisioning.secretUserData });
    }
  }

  /** The spec with the class's default coreFraction filled in, when none was given. */
  protected override renderBody(): Record<string, unknown> {
    const body = super.renderBody();
    if (this.explicitFraction) return body;
    const spec = body['spec'] as { cpu: { cores: number } };
    const fraction = this.defaultFraction(this.vmClass, spec.cpu.cores);
    if (fraction === undefined) return body;
    return { ...body, spec: { ...spec, cpu: { ...spec.cpu, coreFraction: fraction } } };
  }

  /**
   * The class's default coreFraction for this core count, resolved at synthesis so that a class
   * named by string can be declared anywhere in the cluster. Undefined when the class is unknown
   * here or gives no default (the checker then reports DVP201 or DVP204).
   */
  private defaultFraction(vmClass: VirtualMachineClass | string, cores: number): string | undefined {
    const policies = this.classPolicies(vmClass);
    if (policies === undefined) return undefined;
    const d = defaultCoreFraction(policies, cores);
    return d.kind === 'value' ? d.value : undefined;
  }

  private classPolicies(vmClass: VirtualMachineClass | string): readonly Policy[] | undefined {
    if (typeof vmClass !== 'string') return vmClass.policies;
    const found = classesOf(Cluster.find(this)).get(vmClass);
    if (found) return found.policies;
    if (vmClass === GENERIC_CLASS_NAME) return normalizePolicies(GENERIC_CLASS_SPEC.sizingPolicies);
    return undefined;
  }
}

export type { NodeLabelSelector };
