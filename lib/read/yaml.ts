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
import { lineInDocument, readDocument } from './yaml-doc.ts';
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
    const inDoc = lineInDocument(this.chunkText(chunk), path);
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

function parseJsonManifest(text: string, file: string): { objects: LoadedObject[]; diagnostics: Diagnostic[] } {
  const objects: LoadedObject[] = [];
  const diagnostics: Diagnostic[] = [];
  const stream = readJsonStream(text);
  const source = { text, lines: new LineIndex(text) };
  stream.docs.forEach((value, i) => {
    const start = stream.starts[i] as number;
    const place: DocumentPlace = { file, origin: (base) => new JsonOrigin(file, source, start, base) };
    collectObjects(value, place, objects, diagnostics);
  });
  if (stream.problem) {
    const line = stream.problem.offset === undefined ? undefined : source.lines.line(stream.problem.offset);
    diagnostics.push(fileDiagnostic('DVP001', file, line, `${stream.problem.message}${line === undefined ? '' : ` at line ${line}`}`, 'fix the JSON syntax (kubectl reads a file that starts with { as JSON)'));
  }
  return { objects, diagnostics };
}

function parseYamlManifest(input: string, file: string): { objects: LoadedObject[]; diagnostics: Diagnostic[] } {
  const objects: LoadedObject[] = [];
  const diagnostics: Diagnostic[] = [];
  // kubectl reads lines without their CR (bufio ReadLine), so CRLF files read as LF ones.
  const text = input.includes('\r\n') ? input.replace(/\r\n/g, '\n') : input;
  const split = splitDocuments(text);
  const source = new YamlSource(text, split.chunks);
  const fast = !UNUSUAL.test(text);
  const printable = !NOT_PRINTABLE.test(text);
  split.chunks.forEach((chunk, index) => {
    if (!printable) {
      const bad = NOT_PRINTABLE.exec(source.chunkText(index));
      if (bad) {
        const code = (bad[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
        diagnostics.push(fileDiagnostic('DVP001', file, source.lineOfOffset(chunk.start + bad.index), `a control character (U+${code}): kubectl's YAML reader refuses the document`, 'remove the character, or write it as an escape inside a double-quoted string'));
        return;
      }
    }
    let value: Json | typeof FALLBACK = fast ? readFast(text, chunk.start, chunk.end) : FALLBACK;
    if (value === FALLBACK) {
      const read = readDocument(source.chunkText(index));
      if ('problem' in read) {
        const { message, offset } = read.problem;
        const line = offset === undefined ? source.lineOfOffset(chunk.start) : source.lineOfOffset(chunk.start + offset);
        diagnostics.push(fileDiagnostic('DVP001', file, line, `not valid YAML: ${message}`, FIX_SYNTAX));
        return;
      }
      value = read.value;
    }
    const place: DocumentPlace = { file, origin: (base) => new YamlOrigin(file, source, index, base) };
    collectObjects(value, place, objects, diagnostics);
  });
  if (split.error) diagnostics.push(fileDiagnostic('DVP001', file, source.lineOfOffset(split.error.offset), split.error.message, 'write --- alone on its line (a comment may follow); kubectl stops reading the file there'));
  return { objects, diagnostics };
}

/** Parses one file's text into objects; problems become DVP001 (syntax) or DVP002 (lists) with the line. */
export function parseManifestText(text: string, file: string): { objects: LoadedObject[]; diagnostics: Diagnostic[] } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return isJsonText(body) ? parseJsonManifest(body, file) : parseYamlManifest(body, file);
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
