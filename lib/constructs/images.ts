/**
 * ClusterVirtualImage (every project can use it) and VirtualImage (one project's), from any
 * DataSource.
 */
import type { Construct } from 'constructs';
import { DvpObject, compact, namespaceOf, reportProblem, type NamespacedProps, type ObjectProps } from './base.ts';
import type { DataSource, SourceObject } from './image-source.ts';
import { referToSameCluster } from './cluster.ts';
import { DvpcError } from '../core/errors.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

export interface ClusterVirtualImageProps extends ObjectProps {
  /** Where the image comes from. The spec is frozen once the image is Ready. */
  readonly source: DataSource;
}

export class ClusterVirtualImage extends DvpObject implements SourceObject {
  override readonly kind = 'ClusterVirtualImage' as const;

  constructor(scope: Construct, id: string, props: ClusterVirtualImageProps) {
    const name = props.name ?? id;
    const spec = { dataSource: props.source.render(false) };
    super(scope, id, { apiVersion: V1ALPHA2, kind: 'ClusterVirtualImage', name, labels: props.labels, annotations: props.annotations, body: { spec } });
    referToSameCluster(this, props.source.sourceObject, 'DVP403', 'spec.dataSource.objectRef');
  }
}

export type ImageStorage = 'ContainerRegistry' | 'PersistentVolumeClaim';

export interface VirtualImageProps extends NamespacedProps {
  /** Where the image comes from. */
  readonly source: DataSource;
  /**
   * Where the image is kept: in DVCR, or on a PVC in the project.
   * @default "ContainerRegistry"
   */
  readonly storage?: ImageStorage;
  /**
   * StorageClass of the PVC (storage PersistentVolumeClaim only).
   * @default the module's virtualImages.defaultStorageClassName, else the cluster default
   */
  readonly storageClassName?: string;
}

export class VirtualImage extends DvpObject implements SourceObject {
  override readonly kind = 'VirtualImage' as const;

  constructor(scope: Construct, id: string, props: VirtualImageProps) {
    const name = props.name ?? id;
    const namespace = namespaceOf(scope, props.namespace);
    const storage = props.storage ?? 'ContainerRegistry';
    const spec = compact({
      storage,
      persistentVolumeClaim: props.storageClassName ? { storageClassName: props.storageClassName } : undefined,
      dataSource: props.source.render(true),
    });
    super(scope, id, { apiVersion: V1ALPHA2, kind: 'VirtualImage', name, namespace, labels: props.labels, annotations: props.annotations, body: { spec } });
    if (props.storageClassName !== undefined && storage !== 'PersistentVolumeClaim') {
      // The object would render without the class: say so here, where the prop was given.
      reportProblem(this, new DvpcError('DVP002', `storageClassName "${props.storageClassName}" needs storage PersistentVolumeClaim (storage is ${storage})`, 'set storage: "PersistentVolumeClaim", or drop storageClassName', this.node.path, 'spec.persistentVolumeClaim.storageClassName'));
    }
    const source: SourceObject | undefined = props.source.sourceObject;
    referToSameCluster(this, source, 'DVP403', 'spec.dataSource.objectRef');
    if (source?.objectNamespace !== undefined && source.objectNamespace !== namespace) {
      // objectRef of a VirtualImage has no namespace: the rendered object would name a missing image.
      reportProblem(this, new DvpcError('DVP002', `a VirtualImage can only copy objects of its own namespace "${namespace}", not "${source.objectNamespace}"`, 'copy from a ClusterVirtualImage, or an object in the same project', this.node.path, 'spec.dataSource.objectRef'));
    }
  }
}

/** An image a VM or disk can use. */
export type Image = ClusterVirtualImage | VirtualImage;
