/**
 * Where an image or a disk gets its data: the four sources of the seed (HTTP, container image,
 * upload, another object). One strategy object renders the `dataSource` of any kind.
 */
import type { Checksum } from '../schema/data-source.ts';
import { compact } from './base.ts';

/** Something an image or disk can be made from through `objectRef`. */
export interface SourceObject {
  readonly kind: 'ClusterVirtualImage' | 'VirtualImage' | 'VirtualDisk' | 'VirtualDiskSnapshot';
  readonly objectName: string;
  readonly objectNamespace?: string | undefined;
}

export interface HttpSourceOptions {
  /**
   * Checksums the downloaded file must match (md5, sha1, sha256, sha512, streebog256, streebog512).
   * @default no checksum (dvpc warns for plain http://, DVP702)
   */
  readonly checksum?: Checksum;
  /**
   * PEM bundle of the server's CA, base64-encoded.
   * @default the system CAs
   */
  readonly caBundle?: string;
}

export interface ContainerImageSourceOptions {
  /**
   * Name of the Secret with registry credentials (dockerconfigjson).
   * @default no credentials
   */
  readonly imagePullSecret?: string;
  /**
   * Namespace of that Secret (ClusterVirtualImage only).
   * @default the image's namespace
   */
  readonly imagePullSecretNamespace?: string;
  /**
   * CA bundle of the registry, base64-encoded.
   * @default the system CAs
   */
  readonly caBundle?: string;
}

/** A data source. Build one with the static methods. */
export class DataSource {
  /** Downloads a file over HTTP(S): qcow2, raw, vmdk, vdi or ISO, optionally gz/xz-compressed. */
  static http(url: string, options: HttpSourceOptions = {}): DataSource {
    return new DataSource('HTTP', { http: compact({ url, checksum: options.checksum, caBundle: options.caBundle }) });
  }

  /** Pulls a container image whose /disk holds the image file. */
  static containerImage(image: string, options: ContainerImageSourceOptions = {}): DataSource {
    const pull = options.imagePullSecret ? compact({ name: options.imagePullSecret, namespace: options.imagePullSecretNamespace }) : undefined;
    return new DataSource('ContainerImage', { containerImage: compact({ image, imagePullSecret: pull, caBundle: options.caBundle }) });
  }

  /** Waits for the user to upload the file (the object shows the upload URLs in its status). */
  static upload(options: { readonly checksum?: Checksum } = {}): DataSource {
    return new DataSource('Upload', options.checksum ? { upload: { checksum: options.checksum } } : {});
  }

  /** Copies another image, disk or snapshot. A namespaced source keeps its namespace in a ClusterVirtualImage. */
  static from(source: SourceObject): DataSource {
    return new DataSource('ObjectRef', {
      objectRef: compact({ kind: source.kind, name: source.objectName, namespace: source.objectNamespace }),
    }, source);
  }

  /** Copies an object by kind and name (for objects dvpc does not render). */
  static objectRef(kind: SourceObject['kind'], name: string, namespace?: string): DataSource {
    return DataSource.from({ kind, objectName: name, objectNamespace: namespace });
  }

  private constructor(
    readonly type: 'HTTP' | 'ContainerImage' | 'ObjectRef' | 'Upload',
    private readonly members: Record<string, unknown>,
    /** The source object, for objectRef sources. */
    readonly sourceObject?: SourceObject,
  ) {}

  /**
   * The `dataSource` as a kind renders it. Namespaced kinds cannot name a namespace in objectRef
   * or imagePullSecret: the source must be in their own namespace.
   */
  render(namespaced: boolean): Record<string, unknown> {
    const members = { ...this.members };
    if (namespaced) {
      const ref = members['objectRef'] as Record<string, unknown> | undefined;
      if (ref) members['objectRef'] = compact({ ...ref, namespace: undefined });
      const ci = members['containerImage'] as Record<string, unknown> | undefined;
      const pull = ci?.['imagePullSecret'] as Record<string, unknown> | undefined;
      if (ci && pull) members['containerImage'] = { ...ci, imagePullSecret: { name: pull['name'] } };
    }
    return { type: this.type, ...members };
  }
}
