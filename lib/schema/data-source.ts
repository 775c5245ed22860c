/**
 * `spec.dataSource` of ClusterVirtualImage, VirtualImage and VirtualDisk: the same four sources
 * with small differences per kind (which objectRef kinds, whether a namespace may be named).
 */
import { z } from 'zod';
import { base64Bytes } from './common.ts';

/** The URL pattern of the CRDs. `[$-_]` is a character range from `$` to `_`, as in Go RE2. */
export const HTTP_URL = /^http[s]?:\/\/(?:[a-zA-Z]|[0-9]|[$-_@.&+]|[!*(),]|(?:%[0-9a-fA-F][0-9a-fA-F]))+$/;

/** The container image reference pattern of the CRDs, with its Python-style named groups dropped. */
export const CONTAINER_IMAGE =
  /^(?:(?:(?:(?:localhost|[\w-]+(?:\.[\w-]+)+)(?::\d+)?)|[\w]+:\d+)\/)?[a-z0-9_.-]+(?:\/[a-z0-9_.-]+)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[+.-_][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${n}}$`), `must be ${n} hexadecimal digits`);

export const checksum = z.strictObject({
  md5: hex(32).optional(),
  sha1: hex(40).optional(),
  sha256: hex(64).optional(),
  sha512: hex(128).optional(),
  streebog256: hex(64).optional(),
  streebog512: hex(128).optional(),
});

const http = z.strictObject({
  url: z.string().regex(HTTP_URL, 'must be an http:// or https:// URL of URL-safe characters'),
  caBundle: base64Bytes.optional(),
  checksum: checksum.optional(),
});

const upload = z.strictObject({ checksum: checksum.optional() });

export const DATA_SOURCE_TYPES = ['HTTP', 'ContainerImage', 'ObjectRef', 'Upload'] as const;
export type DataSourceType = (typeof DATA_SOURCE_TYPES)[number];

interface DataSourceShape {
  type?: DataSourceType | undefined;
  http?: unknown;
  containerImage?: unknown;
  objectRef?: unknown;
  upload?: unknown;
}

/**
 * The four CEL rules every dataSource carries, with the CRDs' own messages. `type` is treated as
 * required on every kind: the rules dereference it, so an object without it fails evaluation.
 */
function dataSourceRules(ds: DataSourceShape, ctx: z.RefinementCtx): void {
  const has = { HTTP: ds.http !== undefined, ContainerImage: ds.containerImage !== undefined, ObjectRef: ds.objectRef !== undefined, Upload: ds.upload !== undefined };
  const fail = (message: string) => ctx.addIssue({ code: 'custom', path: [], message });
  switch (ds.type) {
    case 'HTTP':
      if (!has.HTTP || has.ContainerImage || has.ObjectRef || has.Upload) fail('HTTP requires http and cannot have ContainerImage, ObjectRef or Upload.');
      break;
    case 'ContainerImage':
      if (!has.ContainerImage || has.HTTP || has.ObjectRef || has.Upload) fail('ContainerImage requires containerImage and cannot have HTTP, ObjectRef or Upload.');
      break;
    case 'ObjectRef':
      if (!has.ObjectRef || has.HTTP || has.ContainerImage || has.Upload) fail('ObjectRef requires objectRef and cannot have HTTP, ContainerImage or Upload.');
      break;
    case 'Upload':
      if (has.HTTP || has.ContainerImage || has.ObjectRef) fail('Upload cannot have HTTP, ContainerImage or ObjectRef.');
      break;
    case undefined:
      ctx.addIssue({ code: 'custom', path: ['type'], message: 'type is required: the CRD rules on dataSource evaluate self.type (one of HTTP, ContainerImage, ObjectRef, Upload)' });
      break;
  }
}

/** ClusterVirtualImage: objectRef may point into a namespace, and must for namespaced kinds. */
export const clusterImageDataSource = z.strictObject({
  type: z.enum(DATA_SOURCE_TYPES),
  http: http.optional(),
  containerImage: z.strictObject({
    image: z.string().regex(CONTAINER_IMAGE, 'must be a container image reference (registry/name[:tag][@digest])'),
    imagePullSecret: z.strictObject({ name: z.string().optional(), namespace: z.string().optional() }).optional(),
    caBundle: base64Bytes.optional(),
  }).optional(),
  objectRef: z.strictObject({
    kind: z.enum(['ClusterVirtualImage', 'VirtualImage', 'VirtualDisk', 'VirtualDiskSnapshot']),
    name: z.string().min(1),
    namespace: z.string().optional(),
  }).superRefine((ref, ctx) => {
    if (ref.kind !== 'ClusterVirtualImage') {
      if (ref.namespace === undefined || ref.namespace.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['namespace'], message: 'The namespace is required for VirtualDisk, VirtualImage and VirtualDiskSnapshot' });
      } else if (ref.namespace.length >= 64) {
        ctx.addIssue({ code: 'custom', path: ['namespace'], message: 'The namespace must be no longer than 63 characters.' });
      }
    }
  }).optional(),
  upload: upload.optional(),
}).superRefine(dataSourceRules);

const namespacedContainerImage = z.strictObject({
  image: z.string().regex(CONTAINER_IMAGE, 'must be a container image reference (registry/name[:tag][@digest])'),
  imagePullSecret: z.strictObject({ name: z.string().optional() }).optional(),
  caBundle: base64Bytes.optional(),
});

/** VirtualImage: objectRef in the same namespace; a disk is a valid source. */
export const imageDataSource = z.strictObject({
  type: z.enum(DATA_SOURCE_TYPES).optional(),
  http: http.optional(),
  containerImage: namespacedContainerImage.optional(),
  objectRef: z.strictObject({
    kind: z.enum(['ClusterVirtualImage', 'VirtualImage', 'VirtualDisk', 'VirtualDiskSnapshot']),
    name: z.string().min(1),
  }).optional(),
  upload: upload.optional(),
}).superRefine(dataSourceRules);

/** VirtualDisk: objectRef in the same namespace; images and snapshots only. */
export const diskDataSource = z.strictObject({
  type: z.enum(DATA_SOURCE_TYPES).optional(),
  http: http.optional(),
  containerImage: namespacedContainerImage.optional(),
  objectRef: z.strictObject({
    kind: z.enum(['ClusterVirtualImage', 'VirtualImage', 'VirtualDiskSnapshot']),
    name: z.string().min(1),
  }).optional(),
  upload: upload.optional(),
}).superRefine(dataSourceRules);

export type ClusterImageDataSource = z.input<typeof clusterImageDataSource>;
export type ImageDataSource = z.input<typeof imageDataSource>;
export type DiskDataSource = z.input<typeof diskDataSource>;
export type Checksum = z.input<typeof checksum>;
