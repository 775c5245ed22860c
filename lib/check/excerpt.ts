/** Findings that name many objects name a few and count the rest: a message stays one line. */
import type { Resource } from '../core/resource.ts';

const SHOWN = 5;

/** "apps/a, apps/b, apps/c and 7 more": namespaced objects as `namespace/name`. */
export function namesExcerpt(resources: readonly Resource[], shown = SHOWN): string {
  const names = resources.slice(0, shown).map((r) => (r.namespace === undefined ? r.name : `${r.namespace}/${r.name}`));
  const more = resources.length - names.length;
  return more > 0 ? `${names.join(', ')} and ${more} more` : names.join(', ');
}
