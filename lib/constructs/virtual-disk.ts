/**
 * VirtualDisk: a VM's writable disk, blank or filled from an image. Rendered with prune
 * protection (SPEC §4), so removing it from git never deletes its data.
 */
import type { Construct } from 'constructs';
import { DvpObject, compact, namespaceOf, reportProblem, type NamespacedProps } from './base.ts';
import { DataSource, type SourceObject } from './image-source.ts';
import { referToSameCluster } from './cluster.ts';
import { DvpcError } from '../core/errors.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

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
    const spec = compact({
      dataSource: props.source?.render(true),
      persistentVolumeClaim: props.size !== undefined || props.storageClassName !== undefined
        ? compact({ size: props.size, storageClassName: props.storageClassName })
        : undefined,
    });
    super(scope, id, { apiVersion: V1ALPHA2, kind: 'VirtualDisk', name, namespace, labels: props.labels, annotations: props.annotations, body: { spec } });
    const src = props.source?.sourceObject;
    referToSameCluster(this, src, 'DVP403', 'spec.dataSource.objectRef');
    if (src?.objectNamespace !== undefined && src.objectNamespace !== namespace) {
      // objectRef of a VirtualDisk has no namespace: the rendered object would name a missing image.
      reportProblem(this, new DvpcError('DVP002', `a VirtualDisk can only be made from objects of its own namespace "${namespace}", not "${src.objectNamespace}"`, 'use a ClusterVirtualImage, or an image in the same project', this.node.path, 'spec.dataSource.objectRef'));
    }
    if (src?.kind === 'VirtualDisk') {
      reportProblem(this, new DvpcError('DVP002', 'a VirtualDisk cannot be made from another VirtualDisk', 'make an image (or a snapshot) of that disk and create the disk from it', this.node.path, 'spec.dataSource.objectRef.kind'));
    }
  }
}

export { DataSource };
