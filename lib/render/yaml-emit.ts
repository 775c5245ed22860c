/**
 * A small, fast, deterministic YAML writer for Kubernetes objects (plain JSON data).
 *
 * Why not the `yaml` package's stringify: it is about 75% of cdk8s's synthesis time, and dvpc
 * needs a fixed key order and quoting that reads the same under YAML 1.1 (kubectl, Flux, Argo CD)
 * and YAML 1.2. Keys come out in a canonical order (apiVersion, kind, metadata, then sorted;
 * name and namespace first in metadata), so the bytes never depend on construction order.
 * Strings are plain only where no YAML 1.1 or 1.2 reader could take them for anything else.
 */

import { pathKey, type Json } from '../core/json.ts';

const TOP_ORDER = ['apiVersion', 'kind', 'metadata'];
const META_ORDER = ['name', 'generateName', 'namespace', 'labels', 'annotations'];

function orderedKeys(obj: { [key: string]: Json }, depth: number, parentKey: string | number | undefined): string[] {
  let keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    if (obj[keys[i] as string] === undefined) {
      keys = keys.filter((k) => obj[k] !== undefined);
      break;
    }
  }
  const first = depth === 0 ? TOP_ORDER : depth === 1 && parentKey === 'metadata' ? META_ORDER : undefined;
  if (!first) return sortKeys(keys);
  const head = first.filter((k) => keys.includes(k));
  const rest = sortKeys(keys.filter((k) => !first.includes(k)));
  return head.length === 0 ? rest : [...head, ...rest];
}

/**
 * Sorts keys in place in code-unit order. Objects have a handful of keys: an insertion sort
 * without a comparator call or a scratch array is several times cheaper than Array#sort here.
 */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 16) return keys.sort(compareKeys);
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > k) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

/** Code-unit order: the same on every machine and locale. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const RESERVED = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF', 'null', 'Null', 'NULL', '~', '=', '<<',
]);
/** Plain scalars: a safe first character, then no indicator, space or comment sign. */
const PLAIN = /^[A-Za-z0-9_/][A-Za-z0-9_./:@+=%~-]*$/;
/** Anything a YAML 1.1 reader might resolve to a number, a timestamp or a sexagesimal. */
const NUMBERISH = /^[-+.]?[0-9][0-9a-fA-FxXoO_.:+-]*$/;
/** Exponent forms a lenient reader may take for a float ("e0", ".5e3"). */
const EXPONENTISH = /^[-+]?[0-9._]*[eE][-+]?[0-9_]*$/;

function isPlainSafe(s: string): boolean {
  return PLAIN.test(s) && !RESERVED.has(s) && !NUMBERISH.test(s) && !EXPONENTISH.test(s) && !s.endsWith(':');
}

// Literal blocks cannot carry control characters, carriage returns or a BOM.
const NOT_LITERAL = /[\x00-\x08\x0b-\x1f\x7f\u0085\u2028\u2029\ufeff]/;

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
  if (value.length > 0 && isPlainSafe(value)) return value;
  return JSON.stringify(value);
}

/** Written keys, by key: objects of one kind repeat the same few keys thousands of times. */
const KEY_CACHE = new Map<string, string>();
const KEY_CACHE_LIMIT = 4096;

function key(k: string): string {
  let written = KEY_CACHE.get(k);
  if (written === undefined) {
    written = k.length > 0 && isPlainSafe(k) ? k : JSON.stringify(k);
    if (KEY_CACHE.size >= KEY_CACHE_LIMIT) KEY_CACHE.clear();
    KEY_CACHE.set(k, written);
  }
  return written;
}

/**
 * A multi-line string as a literal block (`|` when it ends in one newline, `|-` when it ends in
 * none), or undefined when a literal block cannot hold it exactly (then it is double-quoted).
 */
function literalBlock(s: string, indent: string): string | undefined {
  if (!s.includes('\n') || NOT_LITERAL.test(s) || /^[ \n]/.test(s) || s.endsWith('\n\n')) return undefined;
  const clip = s.endsWith('\n');
  const body = clip ? s.slice(0, -1) : s;
  const out = body.split('\n').map((l) => (l.length === 0 ? '' : indent + l)).join('\n');
  return `|${clip ? '' : '-'}\n${out}`;
}

interface EmitState {
  /**
   * The document's text so far. Appending builds a rope that V8 copies once, when the file's
   * documents are joined: measured, twice as fast as pushing pieces and joining them.
   */
  out: string;
  line: number;
  track?: Map<string, number> | undefined;
}

function emitValue(st: EmitState, value: Json, indent: string, depth: number, path: (string | number)[]): void {
  // Called with the cursor right after "key:" or "- "; writes the value and its newline.
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'string' && value.includes('\n')) {
      const block = literalBlock(value, indent + '  ');
      if (block !== undefined) {
        st.out += ' ' + block + '\n';
        st.line += block.split('\n').length;
        return;
      }
    }
    st.out += ' ' + scalar(value) + '\n';
    st.line += 1;
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      st.out += ' []\n';
      st.line += 1;
      return;
    }
    st.out += '\n';
    st.line += 1;
    emitSeq(st, value, indent, depth, path);
    return;
  }
  const keys = orderedKeys(value, depth, path[path.length - 1]);
  if (keys.length === 0) {
    st.out += ' {}\n';
    st.line += 1;
    return;
  }
  st.out += '\n';
  st.line += 1;
  emitMap(st, value, keys, indent + '  ', depth, path);
}

function emitMap(st: EmitState, obj: { [key: string]: Json }, keys: string[], indent: string, depth: number, path: (string | number)[]): void {
  for (const k of keys) {
    const v = obj[k] as Json;
    path.push(k);
    if (st.track) st.track.set(pathKey(path), st.line);
    st.out += indent + key(k) + ':';
    emitValue(st, v, indent, depth + 1, path);
    path.pop();
  }
}

function emitSeq(st: EmitState, arr: Json[], indent: string, depth: number, path: (string | number)[]): void {
  // Sequences sit at their parent key's indentation, as kubectl writes them.
  for (let i = 0; i < arr.length; i++) {
    const item = arr[i] as Json;
    path.push(i);
    if (st.track) st.track.set(pathKey(path), st.line);
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const keys = orderedKeys(item, depth + 1, i);
      if (keys.length === 0) {
        st.out += indent + '- {}\n';
        st.line += 1;
      } else {
        // First key on the dash line, the rest aligned under it.
        const inner = indent + '  ';
        const [firstKey, ...restKeys] = keys as [string, ...string[]];
        path.push(firstKey);
        if (st.track) st.track.set(pathKey(path), st.line);
        st.out += indent + '- ' + key(firstKey) + ':';
        emitValue(st, item[firstKey] as Json, inner, depth + 2, path);
        path.pop();
        emitMap(st, item, restKeys, inner, depth + 1, path);
      }
    } else if (Array.isArray(item)) {
      st.out += indent + '-';
      emitValue(st, item, indent + '  ', depth + 1, path);
    } else {
      st.out += indent + '-';
      emitValue(st, item, indent + '  ', depth + 1, path);
    }
    path.pop();
  }
}

/** One YAML document (without the `---` separator), ending in a newline. */
export function emitDocument(doc: { [key: string]: Json }, track?: Map<string, number>, firstLine = 1): string {
  const st: EmitState = { out: '', line: firstLine, track };
  if (track) track.set('', firstLine);
  emitMap(st, doc, orderedKeys(doc, 0, undefined), '', 0, []);
  return st.out;
}

/** Several documents separated by `---`, as one file. */
export function emitDocuments(docs: readonly { [key: string]: Json }[]): string {
  const parts: string[] = [];
  for (const doc of docs) parts.push('---\n', emitDocument(doc));
  return parts.join('');
}

/**
 * The line of every field of every document of a file, as `emitDocuments` lays them out. Used
 * only when a diagnostic needs a line, so the fast path never pays for it.
 */
export function lineMaps(docs: readonly { [key: string]: Json }[]): Map<string, number>[] {
  const maps: Map<string, number>[] = [];
  let line = 1;
  for (const doc of docs) {
    const track = new Map<string, number>();
    line += 1; // the "---" separator
    const text = emitDocument(doc, track, line);
    line += countLines(text);
    maps.push(track);
  }
  return maps;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** A folder's kustomization.yaml listing its files, so that `kubectl kustomize` (what Flux runs) builds it. */
export function kustomizationFile(resources: readonly string[]): string {
  return emitDocument({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources] });
}
