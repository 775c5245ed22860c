/** The DNS-1123 names Kubernetes asks for, in one place for every layer (and cheap to import). */

/** DNS-1123 subdomain: what metadata.name of most objects must be. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** DNS-1123 label: namespaces, and a single path element of a subdomain. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A namespace name (a DNS-1123 label of at most 63 characters). */
export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}
