/**
 * JSON manifests and inventories (`kubectl get -o json`), read with JSON.parse: kubectl sends a
 * stream that starts with `{` to Go's JSON decoder, never to YAML, and so does dvpc.
 *
 * Duplicate keys: JSON.parse keeps the last silently, as Go's encoding/json does; strict decoders
 * (the API server's strict field validation, kustomize) reject them. dvpc reports them as DVP001,
 * as it does in YAML: a file whose meaning depends on the reader is a mistake. The check is linear:
 * the keys the text writes are counted with one regular expression and compared with the keys
 * JSON.parse kept; only when they differ is the text scanned again to name the key and its line.
 * A stream of several values (`{...}{...}`) is read value by value, as Go's decoder reads it.
 * Nesting deeper than MAX_JSON_DEPTH is DVP001, as it is in YAML.
 */
import type { FieldPath, Json } from '../core/json.ts';
import { excerpt } from '../core/excerpt.ts';

export interface JsonProblem {
  readonly message: string;
  readonly offset: number | undefined;
  /** How to fix it, when it is not a matter of syntax. */
  readonly hint?: string;
}

export interface JsonStream {
  /** The values, and the offset where each starts. */
  readonly docs: Json[];
  readonly starts: number[];
  readonly problem?: JsonProblem | undefined;
}

/** A JSON string token, and whether a `:` follows it (then it is a key). */
const STRING_TOKEN = /"(?:[^"\\]|\\.)*"(\s*:)?/g;
const WS = /[ \t\n\r]*/y;
const STRING_AT = /"(?:[^"\\]|\\.)*"/y;
const SCALAR_AT = /-?[0-9][0-9.eE+-]*|true|false|null/y;

function skipWs(text: string, i: number): number {
  WS.lastIndex = i;
  WS.test(text);
  return WS.lastIndex;
}

const STRICT_STRING_AT = /"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER_AT = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;
const LITERAL_AT = /true|false|null/y;

function matchAt(re: RegExp, text: string, i: number): number {
  re.lastIndex = i;
  return re.test(text) ? re.lastIndex : -1;
}

/**
 * Where the JSON value that starts at i first breaks the grammar (only called once JSON.parse has
 * failed: its messages carry no position on every Node version, and quote the input).
 */
function errorOffset(text: string, i: number): number {
  const open: string[] = [];
  let state: 'value' | 'key' | 'after' = 'value';
  i = skipWs(text, i);
  for (;;) {
    const c = text[i];
    if (state === 'value') {
      if (c === '{' || c === '[') {
        open.push(c);
        i = skipWs(text, i + 1);
        if (text[i] === (c === '{' ? '}' : ']')) {
          open.pop();
          i++;
          state = 'after';
        } else {
          state = c === '{' ? 'key' : 'value';
        }
        continue;
      }
      const end = c === '"' ? matchAt(STRICT_STRING_AT, text, i) : c === '-' || (c !== undefined && c >= '0' && c <= '9') ? matchAt(NUMBER_AT, text, i) : matchAt(LITERAL_AT, text, i);
      if (end < 0) return i;
      i = end;
      state = 'after';
    } else if (state === 'key') {
      const end = matchAt(STRICT_STRING_AT, text, i);
      if (end < 0) return i;
      i = skipWs(text, end);
      if (text[i] !== ':') return i;
      i = skipWs(text, i + 1);
      state = 'value';
    } else {
      i = skipWs(text, i);
      const top = open[open.length - 1];
      if (top === undefined) return i;
      if (text[i] === ',') {
        i = skipWs(text, i + 1);
        state = top === '{' ? 'key' : 'value';
      } else if (text[i] === (top === '{' ? '}' : ']')) {
        open.pop();
        i++;
      } else {
        return i;
      }
    }
  }
}

/** The end of the JSON value that starts at i (strings skipped whole), or -1. */
function valueEnd(text: string, i: number): number {
  const c = text[i];
  if (c === '"') {
    STRING_AT.lastIndex = i;
    return STRING_AT.test(text) ? STRING_AT.lastIndex : -1;
  }
  if (c !== '{' && c !== '[') {
    SCALAR_AT.lastIndex = i;
    return SCALAR_AT.test(text) ? SCALAR_AT.lastIndex : -1;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const d = text[j];
    if (d === '"') {
      STRING_AT.lastIndex = j;
      if (!STRING_AT.test(text)) return -1;
      j = STRING_AT.lastIndex - 1;
    } else if (d === '{' || d === '[') {
      depth++;
    } else if (d === '}' || d === ']') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/**
 * Deeper JSON is refused (DVP001), as deep YAML is. The YAML reader gives up at about 1,250 levels
 * (where the yaml package's parser runs out of Node's default stack), kubectl's decoders at 10,000,
 * and no manifest comes near either. The limit sits below the YAML reader's, so that no check
 * meets a deeper body from JSON than it can from YAML, and hostile nesting costs one linear pass.
 */
export const MAX_JSON_DEPTH = 1000;

/** The keys a parsed value holds (as JSON.parse kept them) and how deep it nests (a scalar is 0). */
function shapeOf(value: Json): { keys: number; depth: number } {
  let keys = 0;
  let deepest = 0;
  // Two stacks side by side (the value, its depth): no pair allocated per value.
  const stack: Json[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop() as Json;
    const depth = depths.pop() as number;
    if (v === null || typeof v !== 'object') continue;
    if (depth > deepest) deepest = depth;
    if (Array.isArray(v)) {
      for (const x of v) {
        if (x === null || typeof x !== 'object') continue;
        stack.push(x);
        depths.push(depth + 1);
      }
    } else {
      for (const k in v) {
        keys++;
        const x = v[k] as Json;
        if (x === null || typeof x !== 'object') continue;
        stack.push(x);
        depths.push(depth + 1);
      }
    }
  }
  return { keys, depth: deepest };
}

/** Where the value at [start, end) first opens a level deeper than `limit` (strings skipped whole). */
function tooDeepAt(text: string, start: number, end: number, limit: number): number {
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = text[i];
    if (c === '"') {
      STRING_AT.lastIndex = i;
      if (!STRING_AT.test(text)) return start;
      i = STRING_AT.lastIndex - 1;
    } else if (c === '{' || c === '[') {
      if (++depth > limit) return i;
    } else if (c === '}' || c === ']') {
      depth--;
    }
  }
  return start;
}

function countKeyTokens(text: string, start: number, end: number): number {
  const part = start === 0 && end === text.length ? text : text.slice(start, end);
  let n = 0;
  STRING_TOKEN.lastIndex = 0;
  for (let m = STRING_TOKEN.exec(part); m; m = STRING_TOKEN.exec(part)) if (m[1] !== undefined) n++;
  return n;
}

/** The first key written twice in one object of the value at [start, end): its name and offset. */
function findDuplicate(text: string, start: number, end: number): JsonProblem | undefined {
  // One set of keys per open object; strings skipped whole.
  const stack: (Set<string> | undefined)[] = [];
  for (let i = start; i < end; i++) {
    const c = text[i];
    if (c === '{') stack.push(new Set());
    else if (c === '[') stack.push(undefined);
    else if (c === '}' || c === ']') stack.pop();
    else if (c === '"') {
      STRING_AT.lastIndex = i;
      if (!STRING_AT.test(text)) return undefined;
      const tokenEnd = STRING_AT.lastIndex;
      const keys = stack[stack.length - 1];
      if (keys && text[skipWs(text, tokenEnd)] === ':') {
        const key = JSON.parse(text.slice(i, tokenEnd)) as string;
        if (keys.has(key)) return { message: `duplicate key ${excerpt(key)} in one object`, offset: i };
        keys.add(key);
      }
      i = tokenEnd - 1;
    }
  }
  return undefined;
}

function parseValue(text: string, start: number, end: number): { value: Json } | { problem: JsonProblem } {
  let value: Json;
  try {
    value = JSON.parse(start === 0 && end === text.length ? text : text.slice(start, end)) as Json;
  } catch {
    return { problem: { message: 'not valid JSON', offset: errorOffset(text, start) } };
  }
  if (value === null || typeof value !== 'object') return { value };
  const shape = shapeOf(value);
  if (shape.depth > MAX_JSON_DEPTH) return { problem: { message: `the document is nested too deeply (more than ${MAX_JSON_DEPTH} levels)`, offset: tooDeepAt(text, start, end, MAX_JSON_DEPTH), hint: 'flatten the document: no Kubernetes object nests this deeply' } };
  if (shape.keys !== countKeyTokens(text, start, end)) {
    const dup = findDuplicate(text, start, end);
    if (dup) return { problem: dup };
  }
  return { value };
}

/** Reads a stream of JSON values. A value that does not parse ends the stream with a problem. */
export function readJsonStream(text: string): JsonStream {
  const docs: Json[] = [];
  const starts: number[] = [];
  let pos = skipWs(text, 0);
  // The common case: one value, parsed in one call.
  const whole = parseValue(text, pos, text.length);
  if ('value' in whole) return { docs: [whole.value], starts: [pos] };
  while (pos < text.length) {
    const end = valueEnd(text, pos);
    if (end < 0) return { docs, starts, problem: { message: 'not valid JSON', offset: pos } };
    const r = parseValue(text, pos, end);
    if ('problem' in r) return { docs, starts, problem: r.problem };
    docs.push(r.value);
    starts.push(pos);
    pos = skipWs(text, end);
  }
  return { docs, starts };
}

/**
 * The offset of a field in the JSON value that starts at `start` (its key, or the item), or of the
 * nearest enclosing field that exists.
 */
export function offsetInJson(text: string, start: number, path: FieldPath): number {
  let at = skipWs(text, start);
  let found = at;
  for (const seg of path) {
    const c = text[at];
    if (c === '{' && typeof seg === 'string') {
      let i = skipWs(text, at + 1);
      let hit = -1;
      while (text[i] === '"') {
        STRING_AT.lastIndex = i;
        if (!STRING_AT.test(text)) return found;
        const keyEnd = STRING_AT.lastIndex;
        const valueStart = skipWs(text, skipWs(text, keyEnd) + 1);
        if ((JSON.parse(text.slice(i, keyEnd)) as string) === seg) hit = i;
        const vEnd = valueEnd(text, valueStart);
        if (hit >= 0) {
          found = hit;
          at = valueStart;
          break;
        }
        if (vEnd < 0) return found;
        i = skipWs(text, vEnd);
        if (text[i] === ',') i = skipWs(text, i + 1);
      }
      if (hit < 0) return found;
    } else if (c === '[' && typeof seg === 'number') {
      let i = skipWs(text, at + 1);
      for (let n = 0; n < seg; n++) {
        const vEnd = valueEnd(text, i);
        if (vEnd < 0) return found;
        i = skipWs(text, vEnd);
        if (text[i] !== ',') return found;
        i = skipWs(text, i + 1);
      }
      if (text[i] === ']') return found;
      found = i;
      at = i;
    } else {
      return found;
    }
  }
  return found;
}
