/**
 * dvpc's own annotations: written on objects (by hand in YAML, or by the typed API) so that a
 * decision stays in git beside the object it is about, reviewable, and read by both front doors.
 */

/** `dvpc/allow: "DVP604,DVP503"`: codes a reviewer accepted for this object alone (SPEC §2). */
export const ALLOW_ANNOTATION = 'dvpc/allow';

/**
 * `dvpc/external-secret: "<name>"` on a VM: its provisioning Secret of that name is managed
 * outside git (External Secrets, Vault, ...), so its absence from the manifests is expected.
 */
export const EXTERNAL_SECRET_ANNOTATION = 'dvpc/external-secret';
