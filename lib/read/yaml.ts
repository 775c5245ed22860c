/**
 * The one manifest reader: a file's text becomes objects that keep their file and can find the
 * line of any field, read as kubectl reads them.
 *
 * - A text whose first non-space character is `{` is JSON (kubectl sniffs the same way): JSON.parse.
 * - Otherwise it is YAML, cut into documents at `---` lines as kubectl cuts it (split.ts). Each
 *   document goes to the fast reader (fast-yaml.ts); what it is unsure of goes to the `yaml`
 *   package's document API (yaml-doc.ts). Both resolve scalars as go-yaml v2 does (resolve.ts).
 * - Lists are flattened as kubectl flattens them (objects.ts).
 *
 * No parsed tree is kept: a field's line is found again from the text when a diagnostic asks for
 * it (only that one document is parsed again), which is what keeps 50,000 VMs in bounded memory.
 */
import type { FieldPath, Json } from '../core/json.ts';
import type { Origin } from '../core/resource.ts';
import { fileDiagnostic, type Diagnostic } from '../core/diagnostic.ts';
import { FALLBACK, readFast } from './fast-yaml.ts';
import { DocumentLines, readDocument } from './yaml-doc.ts';
import { offsetInJson, readJsonStream } from './json.ts';
import { LineIndex, splitDocuments, type Chunk } from './split.ts';
import { collectObjects, type DocumentPlace, type LoadedObject } from './objects.ts';

export type { LoadedObject } from './objects.ts';

/** Characters go-yaml refuses anywhere in a stream ("control characters are not allowed"). */
const NOT_PRINTABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]/;
/** What the fast reader leaves to the document API for a whole file: line breaks other than LF, a BOM inside. */
const UNUSUAL = /[\r\ufeff\u0085\u2028\u2029]/;
/** The hint of every syntax diagnostic. */
const FIX_SYNTAX = 'fix the YAML at that line (indentation, quoting, duplicate keys)';

/** A YAML file's text and where its documents are; parses one document again on demand. */
class YamlSource {
  private readonly lines: LineIndex;
  private cached: { chunk: number; text: string } | undefined;
  /** The last document parsed for lines: an object's diagnostics come together. */
  private parsed: { chunk: number; lines: DocumentLines } | undefined;
  constructor(
    readonly text: string,
    readonly chunks: readonly Chunk[],
  ) {
    this.lines = new LineIndex(text);
  }

  lineOfOffset(offset: number): number {
    return this.lines.line(offset);
  }

  /** A document's text as kubectl hands it to go-yaml: always ending with a newline. */
  chunkText(chunk: number): string {
    if (this.cached?.chunk === chunk) return this.cached.text;
    const c = this.chunks[chunk] as Chunk;
    const raw = this.text.slice(c.start, c.end);
    const text = raw.endsWith('\n') ? raw : `${raw}\n`;
    this.cached = { chunk, text };
    return text;
  }

  line(chunk: number, path: FieldPath): number | undefined {
    const c = this.chunks[chunk] as Chunk;
    if (this.parsed?.chunk !== chunk) this.parsed = { chunk, lines: new DocumentLines(this.chunkText(chunk)) };
    const inDoc = this.parsed.lines.line(path);
    return inDoc === undefined ? undefined : this.lines.line(c.start) + inDoc - 1;
  }
}

class YamlOrigin implements Origin {
  constructor(
    readonly file: string,
    private readonly source: YamlSource,
    private readonly chunk: number,
    private readonly base: FieldPath,
  ) {}

  line(path: FieldPath): number | undefined {
    return this.source.line(this.chunk, this.base.length === 0 ? path : [...this.base, ...path]);
  }
}

class JsonOrigin implements Origin {
  constructor(
    readonly file: string,
    private readonly source: { readonly text: string; readonly lines: LineIndex },
    private readonly start: number,
    private readonly base: FieldPath,
  ) {}

  line(path: FieldPath): number | undefined {
    return this.source.lines.line(offsetInJson(this.source.text, this.start, [...this.base, ...path]));
  }
}

/** Whether kubectl would read the text as JSON: its first non-space character is `{`. */
function isJsonText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123) return true;
    if (!(c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0x85 || c === 0xa0)) return false;
  }
  return false;
}

/** A problem of a file, found while parsing its text: where (an offset), what, and how to fix it. */
interface TextProblem {
  readonly code: 'DVP001';
  readonly offset: number | undefined;
  readonly message: string;
  readonly hint: string;
}

/**
 * What a text holds, independent of the file it came from: its documents' values and problems.
 * A reading session shares it between files with the same text (the baseline's unchanged files).
 */
type ParsedText =
  | { readonly kind: 'yaml'; readonly source: YamlSource; readonly values: (Json | undefined)[]; readonly problems: TextProblem[] }
  | { readonly kind: 'json'; readonly source: { readonly text: string; readonly lines: LineIndex }; readonly docs: Json[]; readonly starts: number[]; readonly problems: TextProblem[] };

function parseJsonText(text: string): ParsedText {
  const stream = readJsonStream(text);
  const problems: TextProblem[] = [];
  if (stream.problem) problems.push({ code: 'DVP001', offset: stream.problem.offset, message: stream.problem.message, hint: stream.problem.hint ?? 'fix the JSON syntax (kubectl reads a file that starts with { as JSON)' });
  return { kind: 'json', source: { text, lines: new LineIndex(text) }, docs: stream.docs, starts: stream.starts, problems };
}

function parseYamlText(input: string, documents?: Map<string, Json>): ParsedText {
  // kubectl reads lines without their CR (bufio ReadLine), so CRLF files read as LF ones.
  const text = input.includes('\r\n') ? input.replace(/\r\n/g, '\n') : input;
  const split = splitDocuments(text);
  const source = new YamlSource(text, split.chunks);
  const fast = !UNUSUAL.test(text);
  const printable = !NOT_PRINTABLE.test(text);
  const problems: TextProblem[] = [];
  const values = split.chunks.map((chunk, index): Json | undefined => {
    if (!printable) {
      const bad = NOT_PRINTABLE.exec(source.chunkText(index));
      if (bad) {
        const code = (bad[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
        problems.push({ code: 'DVP001', offset: chunk.start + bad.index, message: `a control character (U+${code}): kubectl's YAML reader refuses the document`, hint: 'remove the character, or write it as an escape inside a double-quoted string' });
        return undefined;
      }
    }
    const key = documents ? text.slice(chunk.start, chunk.end) : undefined;
    const known = key === undefined ? undefined : documents?.get(key);
    if (known !== undefined) return known;
    const value = fast ? readFast(text, chunk.start, chunk.end) : FALLBACK;
    if (value !== FALLBACK) {
      if (key !== undefined) documents?.set(key, value);
      return value;
    }
    const read = readDocument(source.chunkText(index));
    if ('value' in read) {
      if (key !== undefined) documents?.set(key, read.value);
      return read.value;
    }
    const { message, offset } = read.problem;
    problems.push({ code: 'DVP001', offset: chunk.start + (offset ?? 0), message: `not valid YAML: ${message}`, hint: FIX_SYNTAX });
    return undefined;
  });
  if (split.error) problems.push({ code: 'DVP001', offset: split.error.offset, message: split.error.message, hint: 'write --- alone on its line (a comment may follow); kubectl stops reading the file there' });
  return { kind: 'yaml', source, values, problems };
}

function parseText(text: string, documents?: Map<string, Json>): ParsedText {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return isJsonText(body) ? parseJsonText(body) : parseYamlText(body, documents);
}

/** The objects and diagnostics of a parsed text, as read from `file`. */
function objectsOf(parsed: ParsedText, file: string): { objects: LoadedObject[]; diagnostics: Diagnostic[] } {
  const objects: LoadedObject[] = [];
  const diagnostics: Diagnostic[] = [];
  if (parsed.kind === 'json') {
    const { source, starts } = parsed;
    parsed.docs.forEach((value, i) => {
      const start = starts[i] as number;
      collectObjects(value, { file, origin: (base) => new JsonOrigin(file, source, start, base) }, objects, diagnostics);
    });
  } else {
    const { source } = parsed;
    parsed.values.forEach((value, index) => {
      if (value === undefined) return;
      const place: DocumentPlace = { file, origin: (base) => new YamlOrigin(file, source, index, base) };
      collectObjects(value, place, objects, diagnostics);
    });
  }
  const lineOf = (offset: number) => (parsed.kind === 'json' ? parsed.source.lines.line(offset) : parsed.source.lineOfOffset(offset));
  for (const p of parsed.problems) {
    const line = p.offset === undefined ? undefined : lineOf(p.offset);
    diagnostics.push(fileDiagnostic(p.code, file, line, p.message, p.hint));
  }
  return { objects, diagnostics };
}

/**
 * Files read within one session that hold the same text are parsed once and share their objects'
 * bodies (never mutated): a baseline's unchanged files cost neither parsing nor memory, and the
 * checks see the same body on both sides of an unchanged object. With `documents`, the same holds
 * for single documents, so that an unchanged object in a changed file is shared too (worth its
 * cost only when two states are read: a baseline, a diff).
 */
interface Session {
  readonly files: Map<string, ParsedText>;
  readonly documents: Map<string, Json> | undefined;
  /** Embedded texts, read as YAML whatever their first character (parseValues). */
  readonly embedded: Map<string, ParsedText>;
}
let session: Session | undefined;

/** Runs `f` with a reading session (nested calls join the outer one). */
export function readingSession<T>(f: () => T, options: { documents?: boolean } = {}): T {
  if (session) return f();
  session = { files: new Map(), documents: options.documents ? new Map() : undefined, embedded: new Map() };
  try {
    return f();
  } finally {
    session = undefined;
  }
}

/** Parses one file's text into objects; problems become DVP001 (syntax) or DVP002 (lists) with the line. */
export function parseManifestText(text: string, file: string): { objects: LoadedObject[]; diagnostics: Diagnostic[] } {
  return objectsOf(sessionParse(text), file);
}

/** A text parsed once per reading session. */
function sessionParse(text: string): ParsedText {
  let parsed = session?.files.get(text);
  if (!parsed) {
    parsed = parseText(text, session?.documents);
    session?.files.set(text, parsed);
  }
  return parsed;
}

/**
 * Each document of a configuration file that is not a manifest (a kustomization), with an origin
 * that finds its fields' lines; syntax problems are left to the file's reading as a manifest.
 */
export function parseDocuments(text: string, file: string): { readonly value: Json; readonly origin: Origin }[] {
  const parsed = sessionParse(text);
  const out: { value: Json; origin: Origin }[] = [];
  if (parsed.kind === 'json') {
    const { source, starts } = parsed;
    parsed.docs.forEach((value, i) => out.push({ value, origin: new JsonOrigin(file, source, starts[i] as number, []) }));
  } else {
    const { source } = parsed;
    parsed.values.forEach((value, index) => {
      if (value !== undefined) out.push({ value, origin: new YamlOrigin(file, source, index, []) });
    });
  }
  return out;
}

/**
 * The values of every document of a text embedded in a configuration file (an inline patch, a
 * plugin configuration), as kustomize reads them: YAML (of which JSON is a part), whatever the
 * first character, where kubectl would sniff a file starting with `{` as JSON. `ok` is false when
 * any of it does not parse; empty documents are null. Parsed once per reading session.
 */
export function parseValues(text: string): { readonly values: readonly Json[]; readonly ok: boolean } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let parsed = session?.embedded.get(text);
  if (!parsed) {
    parsed = parseYamlText(body);
    session?.embedded.set(text, parsed);
  }
  const values = parsed.kind === 'json' ? parsed.docs : parsed.values.map((v) => v ?? null);
  return { values, ok: parsed.problems.length === 0 };
}

/**
 * One YAML document embedded in another object (the cluster configuration inside a Secret), read
 * the way manifests are read: its first document. Throws on a syntax error; the caller reports it.
 */
export function parseEmbeddedYaml(text: string): unknown {
  const body = text.replace(/\r\n/g, '\n');
  const first = splitDocuments(body).chunks[0];
  if (!first) return undefined;
  const raw = body.slice(first.start, first.end);
  const fast = UNUSUAL.test(raw) || NOT_PRINTABLE.test(raw) ? FALLBACK : readFast(body, first.start, first.end);
  if (fast !== FALLBACK) return fast;
  const read = readDocument(raw.endsWith('\n') ? raw : `${raw}\n`);
  if ('problem' in read) throw new Error(read.problem.message);
  return read.value;
}
