/**
 * The words every layer speaks about data: JSON values as Kubernetes objects hold them, and
 * field paths into them (`spec.blockDeviceRefs[1].name`).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type JsonObject = { [key: string]: Json };

/** A field path: keys and array indexes from the document root. */
export type FieldPath = readonly (string | number)[];

/** Whether a value is a mapping (not null, not a list). */
export function isJsonObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A path as a map key: `.spec.blockDeviceRefs[1].name`. */
export function pathKey(path: FieldPath): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

/** `spec.blockDeviceRefs[1].name`: the path as diagnostics print it. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out.length === 0 ? seg : `.${seg}`;
  }
  return out;
}

/** Reads a value at a path of a JSON object, or undefined. */
export function at(obj: Json | undefined, path: FieldPath): Json | undefined {
  let cur: Json | undefined = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? (typeof seg === 'number' ? cur[seg] : undefined) : typeof seg === 'string' ? cur[seg] : undefined;
  }
  return cur;
}

/** Sets a key of input data: `__proto__` is data here, never the object's prototype. */
export function setKey(obj: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
