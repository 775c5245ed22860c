/** Field-by-field differences between two JSON values, for the baseline checks and `dvpc diff`. */

export interface FieldChange {
  readonly path: (string | number)[];
  /** undefined when the field was added. */
  readonly before: unknown;
  /** undefined when the field was removed. */
  readonly after: unknown;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The leaf changes from `before` to `after` (lists of scalars and of different lengths as whole values). */
export function diffJson(before: unknown, after: unknown, path: (string | number)[] = []): FieldChange[] {
  if (jsonEqual(before, after)) return [];
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffJson(before[k], after[k], [...path, k]));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length && before.some(isObj)) {
    return before.flatMap((b, i) => diffJson(b, after[i], [...path, i]));
  }
  return [{ path, before, after }];
}

