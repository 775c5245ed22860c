/**
 * VirtualMachinePool (EE/SE+): `replicas` VMs made from one VM template, with the VirtualMachine
 * props, each member with its own disks made from disk templates. The module names members
 * `<pool>-<5 random characters>` and their disks `<member>-<template>` (or, for disks kept on
 * scale-down, `<pool>-<template>-<6 random characters>`), so nothing else in git can name them.
 */
import type { Construct } from 'constructs';
import { DvpObject, compact, namespaceOf, reportProblem, type NamespacedProps } from './base.ts';
import { DataSource } from './image-source.ts';
import type { Image } from './images.ts';
import { isImage } from './virtual-machine.ts';
import { addCloudInitSecret, classNameOf, renderVmSpec, reportVmSpecProblems, withDefaultFraction, withExternalSecret, type VirtualMachineSpecProps } from './vm-spec.ts';
import { referToSameCluster } from './cluster.ts';
import { DvpcError } from '../core/errors.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

/** What happens to a member's disk when the pool scales down. */
export interface DiskRetention {
  /**
   * Free disks kept for members created later.
   * @default 0
   */
  readonly keep?: number;
  /**
   * How long a free disk is kept before it is deleted (a duration such as "30m"); needed when `keep` is set.
   * @default kept until reused
   */
  readonly ttl?: string;
}

/** A disk template: every member gets its own disk made from it. */
export interface PoolDisk {
  /** The template's name (a DNS-1123 label); the member's disk is `<member>-<name>`. */
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
  /**
   * Keep the disk when its member is removed, for the next member (`onScaleDown: Retain`).
   * @default the disk is deleted with its member
   */
  readonly retain?: DiskRetention;
}

/** An image every member attaches read-only, with its place in the boot order. */
export interface PoolBootImage {
  /** The image. */
  readonly device: Image;
  /** The device's place in the boot order (1 boots first). */
  readonly bootOrder: number;
}

/** A pool member's block device: a disk template, or an image shared read-only by every member. */
export type PoolBlockDevice = PoolDisk | Image | PoolBootImage;

export interface VirtualMachinePoolProps extends NamespacedProps, VirtualMachineSpecProps {
  /** How many members run. */
  readonly replicas: number;
  /**
   * Disk templates and images, in boot order.
   * @default none (at least one disk template is required)
   */
  readonly disks: readonly PoolBlockDevice[];
  /**
   * Which members go first when the pool scales down; `Explicit` removes only members deleted by name.
   * @default "NewestFirst"
   */
  readonly scaleDownPolicy?: 'NewestFirst' | 'OldestFirst' | 'Explicit';
  /**
   * Labels every member carries (e.g. for anti-affinity between members).
   * @default none
   */
  readonly memberLabels?: Record<string, string>;
  /**
   * Annotations every member carries.
   * @default none
   */
  readonly memberAnnotations?: Record<string, string>;
}

function isBootImage(d: PoolBlockDevice): d is PoolBootImage {
  return 'device' in d && 'bootOrder' in d;
}

export class VirtualMachinePool extends DvpObject {
  /** The class name the members name. */
  readonly className: string;
  /** The names of the disk templates, in the order given. */
  readonly diskTemplates: readonly string[];
  /** What the class's default coreFraction is resolved from when the pool renders. */
  private readonly sizing: Pick<VirtualMachinePoolProps, 'vmClass' | 'coreFraction'>;

  /** The name the module gives a member's disk made from a template that is not retained. */
  static memberDiskName(member: string, template: string): string {
    return `${member}-${template}`;
  }

  constructor(scope: Construct, id: string, props: VirtualMachinePoolProps) {
    const name = props.name ?? id;
    const namespace = namespaceOf(scope, props.namespace);
    const foreign: Image[] = [];
    const refs = props.disks.map((entry) => {
      if (isImage(entry) || isBootImage(entry)) {
        const image = isImage(entry) ? entry : entry.device;
        if (image.objectNamespace !== undefined && image.objectNamespace !== namespace) foreign.push(image);
        return compact({ kind: image.kind, name: image.objectName, bootOrder: isBootImage(entry) ? entry.bootOrder : undefined });
      }
      return compact({ kind: 'VirtualDisk', name: entry.name, bootOrder: entry.bootOrder });
    });
    const templates = props.disks.filter((d): d is PoolDisk => !isImage(d) && !isBootImage(d));
    const virtualDiskTemplates = templates.map((d) => compact({
      name: d.name,
      reclaim: d.retain ? compact({ onScaleDown: 'Retain', keep: d.retain.keep, ttl: d.retain.ttl }) : undefined,
      spec: compact({
        dataSource: d.image ? DataSource.from(d.image).render(true) : undefined,
        persistentVolumeClaim: d.size !== undefined || d.storageClassName !== undefined ? compact({ size: d.size, storageClassName: d.storageClassName }) : undefined,
      }),
    }));
    // liveMigrationPolicy is required in a pool's template, with no default: render the VM's default.
    const vmSpec = renderVmSpec(name, props, { blockDeviceRefs: refs, liveMigrationPolicy: props.liveMigrationPolicy ?? 'PreferSafe' });
    const metadata = compact({ labels: props.memberLabels, annotations: props.memberAnnotations });
    const spec = {
      replicas: props.replicas,
      scaleDownPolicy: props.scaleDownPolicy ?? 'NewestFirst',
      virtualDiskTemplates,
      virtualMachineTemplate: compact({ metadata: Object.keys(metadata).length > 0 ? metadata : undefined, spec: vmSpec }),
    };
    super(scope, id, { apiVersion: V1ALPHA2, kind: 'VirtualMachinePool', name, namespace, labels: props.labels, annotations: withExternalSecret(props.annotations, props.provisioning), body: { spec } });
    this.className = classNameOf(props);
    this.sizing = { vmClass: props.vmClass, coreFraction: props.coreFraction };
    referToSameCluster(this, props.vmClass, 'DVP201', 'spec.virtualMachineTemplate.spec.virtualMachineClassName');
    props.disks.forEach((d, i) => referToSameCluster(this, isBootImage(d) ? d.device : isImage(d) ? d : d.image, 'DVP401', `spec.virtualMachineTemplate.spec.blockDeviceRefs[${i}]`));
    this.diskTemplates = templates.map((d) => d.name);
    for (const image of foreign) {
      // blockDeviceRefs have no namespace: the rendered template would name an image that is not in its project.
      reportProblem(this, new DvpcError('DVP401', `${image.kind} "${image.objectName}" is in namespace "${image.objectNamespace}", the pool in "${namespace}"`, "use images of the pool's own project, or ClusterVirtualImages", this.node.path, 'spec.virtualMachineTemplate.spec.blockDeviceRefs'));
    }
    for (const d of templates) {
      const src = d.image;
      if (src && src.kind === 'VirtualImage' && src.objectNamespace !== namespace) {
        // A disk template's objectRef has no namespace either.
        reportProblem(this, new DvpcError('DVP002', `disk template "${d.name}" is made from VirtualImage "${src.objectName}" of namespace "${src.objectNamespace}", the pool is in "${namespace}"`, 'use a ClusterVirtualImage, or an image in the same project', this.node.path, 'spec.virtualDiskTemplates'));
      }
    }
    reportVmSpecProblems(this, namespace, props, 'spec.virtualMachineTemplate.spec');
    addCloudInitSecret(this, name, namespace, props.provisioning);
  }

  /** The member template's spec with the class's default coreFraction filled in, when none was given. */
  protected override renderBody(): Record<string, unknown> {
    const body = super.renderBody();
    const spec = body['spec'] as { virtualMachineTemplate: { spec: Record<string, unknown> } };
    const vmSpec = withDefaultFraction(this, this.sizing, spec.virtualMachineTemplate.spec);
    if (vmSpec === spec.virtualMachineTemplate.spec) return body;
    return { ...body, spec: { ...spec, virtualMachineTemplate: { ...spec.virtualMachineTemplate, spec: vmSpec } } };
  }
}
