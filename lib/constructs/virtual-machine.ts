/**
 * VirtualMachine with its disks, address and cloud-init. Its spec props (class, sizing,
 * placement, networks, devices) are shared with VirtualMachinePool (vm-spec.ts).
 */
import type { Construct } from 'constructs';
import { DvpObject, compact, namespaceOf, reportProblem, type NamespacedProps } from './base.ts';
import { VirtualDisk } from './virtual-disk.ts';
import { DataSource } from './image-source.ts';
import { VirtualMachineIPAddress } from './ip-address.ts';
import type { Image } from './images.ts';
import { ClusterVirtualImage, VirtualImage } from './images.ts';
import { addCloudInitSecret, classNameOf, renderVmSpec, reportVmSpecProblems, withDefaultFraction, withExternalSecret, type VirtualMachineSpecProps } from './vm-spec.ts';
import { referToSameCluster } from './cluster.ts';
import type { NodeLabelSelector } from '../schema/common.ts';
import { DvpcError } from '../core/errors.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

export { CLOUD_INIT_SECRET_TYPE, SYSPREP_SECRET_TYPE, Provisioning, type ExternalSecretOptions } from './vm-spec.ts';

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
  /**
   * The device's place in the boot order (1 boots first).
   * @default none: the firmware tries the devices in the order listed
   */
  readonly bootOrder?: number;
}

/** An existing disk or image with its place in the boot order. */
export interface BootDevice {
  /** The disk or image. */
  readonly device: VirtualDisk | Image;
  /** The device's place in the boot order (1 boots first). */
  readonly bootOrder: number;
}

/** A block device: an existing disk, an image attached read-only (e.g. an ISO), a new disk, or one of these with a boot order. */
export type BlockDevice = VirtualDisk | Image | NewDisk | BootDevice;

export interface VirtualMachineProps extends NamespacedProps, VirtualMachineSpecProps {
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
}

export function isImage(d: unknown): d is Image {
  return d instanceof ClusterVirtualImage || d instanceof VirtualImage;
}

export function isBootDevice(d: unknown): d is BootDevice {
  return typeof d === 'object' && d !== null && 'device' in d && 'bootOrder' in d;
}

export class VirtualMachine extends DvpObject {
  /** The class name the VM names. */
  readonly className: string;
  /** Disks created by this VM. */
  readonly createdDisks: readonly VirtualDisk[];
  /** The address claim, if any. */
  readonly ipAddress: VirtualMachineIPAddress | undefined;
  /** What the class's default coreFraction is resolved from when the VM renders. */
  private readonly sizing: Pick<VirtualMachineProps, 'vmClass' | 'coreFraction'>;

  constructor(scope: Construct, id: string, props: VirtualMachineProps) {
    const name = props.name ?? id;
    const namespace = namespaceOf(scope, props.namespace);

    const foreign: (VirtualDisk | Image)[] = [];
    const refs = props.disks.map((entry) => {
      const d = isBootDevice(entry) ? entry.device : entry;
      const bootOrder = isBootDevice(entry) ? entry.bootOrder : (entry as NewDisk).bootOrder;
      if (d instanceof VirtualDisk || isImage(d)) {
        if (d.objectNamespace !== undefined && d.objectNamespace !== namespace) foreign.push(d);
        return compact({ kind: d.kind, name: d.objectName, bootOrder });
      }
      return compact({ kind: 'VirtualDisk', name: `${name}-${d.name}`, bootOrder });
    });
    const addressName = props.address === undefined ? undefined : typeof props.address === 'string' ? name : props.address.objectName;
    const spec = renderVmSpec(name, props, { blockDeviceRefs: refs, virtualMachineIPAddressName: addressName });
    super(scope, id, { apiVersion: V1ALPHA2, kind: 'VirtualMachine', name, namespace, labels: props.labels, annotations: withExternalSecret(props.annotations, props.provisioning), body: { spec } });
    this.className = classNameOf(props);
    this.sizing = { vmClass: props.vmClass, coreFraction: props.coreFraction };
    referToSameCluster(this, props.vmClass, 'DVP201', 'spec.virtualMachineClassName');
    props.disks.forEach((d, i) => referToSameCluster(this, isBootDevice(d) ? d.device : d, 'DVP401', `spec.blockDeviceRefs[${i}]`));
    referToSameCluster(this, props.address, 'DVP404', 'spec.virtualMachineIPAddressName');
    for (const d of foreign) {
      // blockDeviceRefs have no namespace: the rendered VM would name a disk that is not in its project.
      reportProblem(this, new DvpcError('DVP401', `${d.kind} "${d.objectName}" is in namespace "${d.objectNamespace}", the VM in "${namespace}"`, 'attach disks and images of the VM\'s own project, or ClusterVirtualImages', this.node.path, 'spec.blockDeviceRefs'));
    }
    reportVmSpecProblems(this, namespace, props, 'spec');

    this.createdDisks = props.disks.flatMap((d) => {
      if (d instanceof VirtualDisk || isImage(d) || isBootDevice(d)) return [];
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
    addCloudInitSecret(this, name, namespace, props.provisioning);
  }

  /** The spec with the class's default coreFraction filled in, when none was given. */
  protected override renderBody(): Record<string, unknown> {
    const body = super.renderBody();
    const spec = withDefaultFraction(this, this.sizing, body['spec'] as Record<string, unknown>);
    return spec === body['spec'] ? body : { ...body, spec };
  }
}

export type { NodeLabelSelector };
