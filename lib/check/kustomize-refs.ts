/**
 * A kustomization's reference as a message shows it. References travel into CI logs and code-
 * scanning annotations, and a remote one may carry credentials: `git::https://deploy:SECRET@host/`,
 * `deploy:SECRET@github.com/org/repo`, `…?ref=v1&token=SECRET`. A reference is shown without any
 * userinfo (everything up to the last `@`: a password may hold `@` itself), without query
 * parameters other than those that name a version, and never as more than a redacted excerpt.
 * Pure.
 */
import { redactedExcerpt } from '../core/excerpt.ts';

/** Query parameters of kustomize's remote references that say which version, never who. */
const SHOWN_QUERY = new Set(['ref', 'version', 'timeout']);
/** What may precede userinfo: go-getter's forced getter, a scheme. */
const PREFIX = /^(?:[a-z][a-z0-9+.-]*::)?(?:[a-z][a-z0-9+.-]*:\/\/)?/i;

export function shownRef(ref: string): string {
  const q = ref.indexOf('?');
  let base = q < 0 ? ref : ref.slice(0, q);
  const at = base.lastIndexOf('@');
  if (at >= 0) base = `${PREFIX.exec(base)?.[0] ?? ''}…@${base.slice(at + 1)}`;
  if (q < 0) return redactedExcerpt(base);
  const query = ref.slice(q + 1).split('#')[0] as string;
  const kept = query.split('&').filter((kv) => SHOWN_QUERY.has((kv.split('=')[0] as string).toLowerCase()));
  return redactedExcerpt(kept.length > 0 ? `${base}?${kept.join('&')}` : base);
}
