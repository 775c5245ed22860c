/**
 * The main check's secret scan (secrets.ts's SecretScan: the same decoding, the same rules), run on
 * objects a kustomization would make: patches, generated ConfigMaps, its own fields. One scan per
 * check, so one decoding budget for all of it; each distinct content is scanned once however many
 * entries name it (a file listed 60,000 times costs one scan). Findings are reported on the entry
 * of the kustomization that brings the content, with where in the object they are.
 */
import type { Diagnostic } from '../core/diagnostic.ts';
import { formatPath, type FieldPath, type JsonObject } from '../core/json.ts';
import { toResource, type Origin } from '../core/resource.ts';
import type { KustomizationInput } from '../read/kustomize-inputs.ts';
import { SecretScan } from './secrets.ts';
import { distinctFindings } from './secret-patterns.ts';

/** Objects made up for the scan have no file: findings are placed on the entry instead. */
const NOWHERE: Origin = { file: '', line: () => undefined };

export class KustomizeScan {
  private readonly scan = new SecretScan();
  /**
   * By content, then by what it is: the content itself is the key (never a string built from it,
   * which would be hashed anew each time: a 1 MiB file listed 10,000 times).
   */
  private readonly memo = new Map<string, Map<string, { found: readonly Diagnostic[]; info: unknown }>>();

  /** The findings in the objects made of `content` (once per content and `as`). */
  findings(content: string, as: string, objects: () => readonly JsonObject[]): readonly Diagnostic[] {
    return this.findingsWith(content, as, () => ({ objects: objects(), info: undefined })).found;
  }

  /** The same, with what making the objects told besides (kept with them). */
  findingsWith<T>(content: string, as: string, make: () => { objects: readonly JsonObject[]; info: T }): { found: readonly Diagnostic[]; info: T } {
    let byAs = this.memo.get(content);
    const known = byAs?.get(as);
    if (known) return known as { found: readonly Diagnostic[]; info: T };
    const made = make();
    const before = this.scan.out.length;
    for (const o of made.objects) this.scan.object(toResource(o, NOWHERE, 'default'));
    const result = { found: distinctFindings(this.scan.out.splice(before)), info: made.info };
    if (!byAs) this.memo.set(content, (byAs = new Map()));
    byAs.set(as, result);
    return result;
  }

  /** The findings in the kustomization's own fields, where they are. */
  own(k: KustomizationInput, body: JsonObject): Diagnostic[] {
    const before = this.scan.out.length;
    this.scan.object(toResource(body, k.origin, 'default'));
    return this.scan.out.splice(before).map((d) => ({ code: d.code, severity: d.severity, message: `in the kustomization: ${d.message}`, hint: d.hint, file: k.file, line: d.line, path: d.path }));
  }
}

/** A finding in made-up content, placed on the kustomization's entry; `what` says what made it. */
export function onEntry(d: Diagnostic, k: KustomizationInput, path: FieldPath, what: string): Diagnostic {
  const inner = d.path === undefined ? '' : ` (${d.path})`;
  return { code: d.code, severity: d.severity, message: `${what}${inner}: ${d.message}`, hint: d.hint, file: k.file, line: k.origin.line(path), path: formatPath(path) };
}
