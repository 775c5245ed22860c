/**
 * VirtualDisk: a VM's writable disk, blank or filled from an image. Rendered with prune
 * protection (SPEC §4), so removing it from git never deletes its data.
 */
import type { Construct } from 'constructs';
import { DvpObject, checkName, compact, namespaceOf, validateBody, type NamespacedProps } from './base.ts';
import { DataSource, type SourceObject } from './image-source.ts';
import { virtualDisk } from '../schema/virtual-disk.ts';
import { V1ALPHA2 } from '../schema/common.ts';
import { DvpcError } from '../errors.ts';

export interface VirtualDiskProps extends NamespacedProps {
  /**
   * Size of the disk, a quantity such as "20Gi". Required for a blank disk; can only grow.
   * @default the size of the source image
   */
  readonly size?: string;
  /**
   * Where the data comes from: an image (`DataSource.from(image)`), HTTP, a container image, an upload.
   * @default a blank disk
   */
  readonly source?: DataSource;
  /**
   * StorageClass of the disk's PVC.
   * @default the module's virtualDisks.defaultStorageClassName, else the cluster default
   */
  readonly storageClassName?: string;
}

export class VirtualDisk extends DvpObject implements SourceObject {
  override readonly kind = 'VirtualDisk' as const;

  constructor(scope: Construct, id: string, props: VirtualDiskProps = {}) {
    const name = props.name ?? id;
    const namespace = namespaceOf(scope, props.namespace);
    const path = `${scope.node.path}/${id}`;
    const src = props.source?.sourceObject;
    if (src?.objectNamespace !== undefined && src.objectNamespace !== namespace) {
      throw new DvpcError('DVP002', `a VirtualDisk can only be made from objects of its own namespace "${namespace}", not "${src.objectNamespace}"`, 'use a ClusterVirtualImage, or an image in the same project', path, 'spec.dataSource.objectRef');
    }
    if (src?.kind === 'VirtualDisk') {
      throw new DvpcError('DVP002', 'a VirtualDisk cannot be made from another VirtualDisk', 'make an image (or a snapshot) of that disk and create the disk from it', path, 'spec.dataSource.objectRef.kind');
    }
    if (props.size === undefined && props.source === undefined) {
      throw new DvpcError('DVP305', 'a blank VirtualDisk needs a size', 'set size (for example "10Gi") or a source', path, 'spec.persistentVolumeClaim.size');
    }
    const spec = compact({
      dataSource: props.source?.render(true),
      persistentVolumeClaim: props.size !== undefined || props.storageClassName !== undefined
        ? compact({ size: props.size, storageClassName: props.storageClassName })
        : undefined,
    });
    super(scope, id, { apiVersion: V1ALPHA2, kind: 'VirtualDisk', name, namespace, labels: props.labels, annotations: props.annotations, body: { spec } });
    checkName(this, 'VirtualDisk', name);
    validateBody(this, virtualDisk, { apiVersion: V1ALPHA2, kind: 'VirtualDisk', metadata: { name, namespace }, spec });
  }
}

export { DataSource };
