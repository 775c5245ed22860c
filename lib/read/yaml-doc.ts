/**
 * The document API path: one kubectl document read with the `yaml` package's full parser, for
 * everything the fast reader leaves to it (and to find the line of a field for a diagnostic).
 * The parser builds the tree only (failsafe schema: every scalar a string, no key checks, so no
 * quadratic duplicate search); this file turns the tree into JSON as go-yaml v2 and
 * sigs.k8s.io/yaml do: scalars by resolve.ts, keys converted to strings, `<<` merges in document
 * order, aliases expanded with go-yaml's limit on alias expansion, and a key written twice in one
 * mapping reported (linear: one Set per mapping).
 */
import { createRequire } from 'node:module';
import type { Document, LineCounter, Node as YamlNode, Scalar } from 'yaml';
import type { FieldPath, Json, JsonObject } from '../core/json.ts';
import { setKey } from '../core/json.ts';
import { NOT_JSON, formatFloat32, plainKey, plainValue, taggedValue } from './resolve.ts';
import { excerpt } from '../core/excerpt.ts';

/** A problem reading a document: what, and the offset in its text where it is. */
export interface ReadProblem {
  readonly message: string;
  readonly offset: number | undefined;
}

/**
 * The `yaml` package, loaded on first use: most runs never leave the fast reader, and loading the
 * package costs about as much as starting node itself.
 */
let yamlPackage: typeof import('yaml') | undefined;
function yaml(): typeof import('yaml') {
  yamlPackage ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yamlPackage;
}
const isAlias = (n: unknown) => yaml().isAlias(n);
const isMap = (n: unknown) => yaml().isMap(n);
const isScalar = (n: unknown) => yaml().isScalar(n);
const isSeq = (n: unknown) => yaml().isSeq(n);

class ReadError extends Error {
  constructor(
    message: string,
    readonly node: unknown,
  ) {
    super(message);
  }
}

const OPTIONS = { version: '1.1', schema: 'failsafe', merge: false, uniqueKeys: false, prettyErrors: false, keepSourceTokens: false } as const;
const MERGE_TAG = 'tag:yaml.org,2002:merge';
const DEFAULT_TAG_HANDLES = new Set(['!', '!!']);

/** go-yaml v2's limit on alias expansion (decode.go allowedAliasRatio). */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

function offsetOf(node: unknown): number | undefined {
  return (node as YamlNode | null)?.range?.[0];
}

class Converter {
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly expanding = new Set<unknown>();

  constructor(private readonly doc: Document.Parsed) {}

  private count(node: unknown): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (this.aliasCount > 100 && this.decodeCount > 1000 && this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)) {
      throw new ReadError('the document expands aliases excessively (a YAML alias bomb)', node);
    }
  }

  /** The node an alias names, expanded once at a time (an anchor that contains itself is an error). */
  private viaAlias<T>(node: unknown, f: (target: unknown) => T): T {
    const alias = node as { resolve(doc: Document): unknown; source: string };
    const target = alias.resolve(this.doc);
    if (target === undefined) throw new ReadError(`unknown anchor ${excerpt(alias.source)}`, node);
    if (this.expanding.has(target)) throw new ReadError(`anchor ${excerpt(alias.source)} contains itself`, node);
    this.expanding.add(target);
    this.aliasDepth++;
    try {
      return f(target);
    } finally {
      this.aliasDepth--;
      this.expanding.delete(target);
    }
  }

  value(node: unknown): Json {
    this.count(node);
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.viaAlias(node, (t) => this.value(t));
    if (isScalar(node)) return this.scalar(node);
    if (isMap(node)) {
      const obj: JsonObject = {};
      const explicit = new Set<string>();
      for (const pair of node.items) {
        if (isMergeKey(pair.key)) {
          this.merge(pair.value, obj);
          continue;
        }
        const key = this.key(pair.key);
        if (explicit.has(key)) throw new ReadError(`duplicate key ${excerpt(key)} in one mapping`, pair.key);
        explicit.add(key);
        setKey(obj, key, this.value(pair.value));
      }
      return obj;
    }
    if (isSeq(node)) return node.items.map((item) => this.value(item));
    throw new ReadError('an unexpected YAML node', node);
  }

  private scalar(node: Scalar): Json {
    const text = node.value === null || node.value === undefined ? '' : String(node.value);
    let v: ReturnType<typeof taggedValue>;
    if (node.tag !== undefined && node.tag !== null) v = taggedValue(node.tag, text);
    else v = node.type === 'PLAIN' ? plainValue(text) : text;
    if (v === NOT_JSON) throw new ReadError(`the value ${excerpt(text)} is not a number JSON can hold (kubectl cannot convert it)`, node);
    if (v !== null && typeof v === 'object' && 'error' in v) throw new ReadError(String(v.error), node);
    return v as Json;
  }

  /** A mapping key as the JSON key kubectl makes of it. */
  key(node: unknown): string {
    this.count(node);
    if (node === null || node === undefined) throw new ReadError('a mapping key is empty (null)', node);
    if (isAlias(node)) return this.viaAlias(node, (t) => this.key(t));
    if (isMap(node) || isSeq(node)) throw new ReadError('a mapping key is itself a mapping or a list', node);
    if (!isScalar(node)) throw new ReadError('an unexpected YAML key', node);
    const text = node.value === null || node.value === undefined ? '' : String(node.value);
    if (node.tag !== undefined && node.tag !== null) {
      const v = taggedValue(node.tag, text);
      if (v === null) throw new ReadError('a mapping key is null', node);
      if (typeof v === 'number') return node.tag.endsWith(':float') ? formatFloat32(v) : String(v);
      if (typeof v === 'string' || typeof v === 'boolean') return String(v);
      throw new ReadError(v === NOT_JSON ? 'a mapping key is not a number JSON can hold' : String((v as { error: string }).error), node);
    }
    if (node.type !== 'PLAIN') return text;
    const k = plainKey(text);
    if (typeof k !== 'string') throw new ReadError(`a mapping key is ${k.reason}, which kubectl cannot convert to JSON`, node);
    return k;
  }

  /** `<<`: go-yaml v2 writes the merged mappings into the mapping where the key stands, in order. */
  private merge(node: unknown, into: JsonObject): void {
    const wantMap = () => new ReadError('a merge (<<) needs a mapping or a list of mappings', node);
    const target = (n: unknown): unknown => (isAlias(n) ? (n as { resolve(doc: Document): unknown }).resolve(this.doc) : n);
    const copy = (n: unknown) => {
      if (!isMap(target(n))) throw wantMap();
      const v = this.value(n) as JsonObject;
      for (const k of Object.keys(v)) setKey(into, k, v[k] as Json);
    };
    if (isSeq(node)) {
      // Earlier mappings take precedence: go-yaml writes them last.
      for (let i = node.items.length - 1; i >= 0; i--) copy(node.items[i]);
    } else {
      copy(node);
    }
  }
}

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key) || String(key.value) !== '<<') return false;
  return key.tag === MERGE_TAG || (key.type === 'PLAIN' && (key.tag === undefined || key.tag === null || key.tag === '!'));
}

/** Whether the document's first content line is a directive (`%YAML`, `%TAG`). */
function startsWithDirective(text: string): boolean {
  const m = /^(?:[ \t]*(?:#[^\n]*)?\n)*%/.exec(text);
  return m !== null;
}

const DIRECTIVE_PROBLEM = 'a %YAML or %TAG directive: kubectl cannot read a file that has one (it cuts the file at --- and go-yaml then rejects the directive on its own)';

function parseOne(text: string, lineCounter?: LineCounter): Document.Parsed | ReadProblem | undefined {
  // kubectl splits at `---` before go-yaml sees the directive, and go-yaml then rejects it alone
  // ("found incompatible YAML document" for %YAML 1.2, "did not find expected <document start>").
  if (startsWithDirective(text)) return { message: DIRECTIVE_PROBLEM, offset: text.indexOf('%') };
  // Lines need the source tokens (where each `-` is); reading does not.
  const docs = yaml().parseAllDocuments(text, lineCounter ? { ...OPTIONS, lineCounter, keepSourceTokens: true } : OPTIONS);
  // An empty stream gives an empty list (or, from some versions, an EmptyStream object).
  const list = Array.isArray(docs) ? docs : [];
  // kubectl's go-yaml reads the first document of a chunk; what follows a `...` is never read.
  const doc = list[0] as Document.Parsed | undefined;
  if (!doc) return undefined;
  const err = doc.errors[0];
  // The yaml package records a stack overflow of its composer as an error of the document.
  if (err && /Maximum call stack size exceeded/.test(err.message)) return { message: 'the document is nested too deeply', offset: err.pos?.[0] };
  if (err) return { message: err.message.split('\n')[0] ?? err.message, offset: err.pos?.[0] };
  const directives = doc.directives;
  if (directives?.yaml.explicit || Object.keys(directives?.tags ?? {}).some((h) => !DEFAULT_TAG_HANDLES.has(h))) {
    return { message: DIRECTIVE_PROBLEM, offset: 0 };
  }
  return doc;
}

/** Reads one kubectl document (ending with a newline) with the document API. */
export function readDocument(text: string): { value: Json } | { problem: ReadProblem } {
  let doc: ReturnType<typeof parseOne>;
  try {
    doc = parseOne(text);
  } catch (e) {
    return { problem: { message: e instanceof RangeError ? 'the document is nested too deeply' : `cannot parse: ${(e as Error).message.split('\n')[0]}`, offset: undefined } };
  }
  if (doc === undefined) return { value: null };
  if (!('contents' in doc)) return { problem: doc };
  try {
    return { value: new Converter(doc).value(doc.contents) };
  } catch (e) {
    if (e instanceof ReadError) return { problem: { message: e.message, offset: offsetOf(e.node) } };
    if (e instanceof RangeError) return { problem: { message: 'the document is nested too deeply', offset: offsetOf(doc.contents) } };
    throw e;
  }
}

/**
 * One document parsed for its lines: the 1-based line (within the document's text) of a field, or
 * of the nearest enclosing field that exists there (a field that came from a merge or an alias is
 * found at what holds it). Parsed once, asked as often as an object has diagnostics.
 */
export class DocumentLines {
  private readonly lines: LineCounter;
  private readonly doc: Document.Parsed | undefined;

  constructor(text: string) {
    this.lines = new (yaml().LineCounter)();
    let doc: ReturnType<typeof parseOne>;
    try {
      doc = parseOne(text, this.lines);
    } catch {
      doc = undefined;
    }
    this.doc = doc !== undefined && 'contents' in doc ? doc : undefined;
  }

  line(path: FieldPath): number | undefined {
    const doc = this.doc;
    if (!doc) return undefined;
    const conv = new Converter(doc);
    let node: unknown = doc.contents;
    let offset = offsetOf(node);
    for (const seg of path) {
      if (isAlias(node)) node = (node as { resolve(doc: Document): unknown }).resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => {
          try {
            return !isMergeKey(p.key) && conv.key(p.key) === String(seg);
          } catch {
            return false;
          }
        });
        if (!pair) break;
        offset = offsetOf(pair.key) ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) break;
        // An item starts at its `-` (the item itself may begin on a later line).
        const entry = (node.srcToken as { items?: { start: { type: string; offset: number }[] }[] } | undefined)?.items?.[seg];
        offset = entry?.start.find((t) => t.type === 'seq-item-ind')?.offset ?? offsetOf(item) ?? offset;
        node = item;
      } else {
        break;
      }
    }
    return offset === undefined ? undefined : this.lines.linePos(offset).line;
  }
}
