/**
 * The one YAML reader: a file's text becomes objects that keep their file, the line of each
 * field, and the document they came from. Read as kubectl reads them (YAML 1.1: `yes` is a
 * boolean, `0777` octal; duplicate keys are an error).
 */
import { LineCounter, parseAllDocuments, isMap, isSeq, isPair, isScalar, type Document, type Node as YamlNode } from 'yaml';
import type { JsonObject, Origin } from '../core/resource.ts';
import { fileDiagnostic, type Diagnostic } from '../core/diagnostic.ts';
import { redactedExcerpt } from '../core/excerpt.ts';
import type { FieldPath } from '../core/json.ts';

export interface LoadedObject {
  readonly body: JsonObject;
  readonly origin: Origin;
}

/** YAML aliases beyond this many resolved nodes are an alias bomb, not a manifest. */
const MAX_ALIAS_COUNT = 10_000;

/**
 * A file's text, parsed again only when a diagnostic asks for a line. The parsed documents
 * (every node with its range) weigh several times the text, and most objects never need a line:
 * keeping only the text is what lets `dvpc check` hold 50,000 VMs in a bounded memory.
 */
class SourceText {
  private parsed: { docs: Document.Parsed[]; lines: LineCounter } | undefined;
  constructor(readonly text: string) {}
  release(): void {
    this.parsed = undefined;
  }
  docs(): { docs: Document.Parsed[]; lines: LineCounter } {
    if (!this.parsed) {
      const lines = new LineCounter();
      const docs = parseAllDocuments(this.text, { version: '1.1', lineCounter: lines, uniqueKeys: true, prettyErrors: false }) as Document.Parsed[];
      this.parsed = { docs: Array.isArray(docs) ? docs : [], lines };
    }
    return this.parsed;
  }
}

class YamlOrigin implements Origin {
  constructor(
    readonly file: string,
    private readonly source: SourceText,
    private readonly docIndex: number,
    private readonly base: FieldPath,
  ) {}

  line(path: FieldPath): number | undefined {
    const { docs, lines } = this.source.docs();
    let node: unknown = docs[this.docIndex]?.contents;
    let offset = (node as YamlNode | null)?.range?.[0];
    for (const seg of [...this.base, ...path]) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        offset = (pair.key as YamlNode).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as YamlNode | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else {
        break;
      }
    }
    return offset === undefined ? undefined : lines.linePos(offset).line;
  }
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parses one file's text into objects; problems become DVP001 with the line. */
export function parseManifestText(text: string, file: string): { objects: LoadedObject[]; diagnostics: Diagnostic[] } {
  const objects: LoadedObject[] = [];
  const diagnostics: Diagnostic[] = [];
  const source = new SourceText(text.replace(/^\uFEFF/, ''));
  let docs: Document.Parsed[];
  let lines: LineCounter;
  try {
    ({ docs, lines } = source.docs());
  } catch (e) {
    diagnostics.push(fileDiagnostic('DVP001', file, undefined, `cannot parse: ${(e as Error).message}`, 'fix the YAML syntax'));
    return { objects, diagnostics };
  }
  for (const [docIndex, doc] of docs.entries()) {
    const err = doc.errors[0];
    if (err) {
      const line = err.pos ? lines.linePos(err.pos[0]).line : undefined;
      diagnostics.push(fileDiagnostic('DVP001', file, line, `not valid YAML: ${err.message.split('\n')[0]}`, 'fix the YAML syntax at that line (indentation, quoting, duplicate keys)'));
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const line = doc.contents?.range ? lines.linePos(doc.contents.range[0]).line : undefined;
      diagnostics.push(fileDiagnostic('DVP001', file, line, `cannot read document: ${(e as Error).message}`, 'remove the excessive aliases (a YAML alias bomb is not a manifest)'));
      continue;
    }
    if (value === null || value === undefined) continue;
    if (!isObject(value)) {
      const line = doc.contents?.range ? lines.linePos(doc.contents.range[0]).line : undefined;
      diagnostics.push(fileDiagnostic('DVP001', file, line, `a document is ${Array.isArray(value) ? 'a list' : `the scalar ${redactedExcerpt(value)}`}, not a Kubernetes object`, 'each YAML document must be a mapping with apiVersion and kind'));
      continue;
    }
    // A kustomization.yaml configures a build; it is not an object of the cluster.
    if (typeof value['apiVersion'] === 'string' && value['apiVersion'].startsWith('kustomize.config.k8s.io/')) continue;
    const items = value['items'];
    if (typeof value['kind'] === 'string' && value['kind'].endsWith('List') && Array.isArray(items)) {
      items.forEach((item, i) => {
        if (isObject(item)) objects.push({ body: item, origin: new YamlOrigin(file, source, docIndex, ['items', i]) });
      });
      continue;
    }
    objects.push({ body: value, origin: new YamlOrigin(file, source, docIndex, []) });
  }
  // Drop the parsed documents: lines are found again from the text if a diagnostic needs one.
  source.release();
  return { objects, diagnostics };
}

/**
 * One YAML document embedded in another object (the cluster configuration inside a Secret), read
 * the way manifests are read. Throws on a syntax error; the caller reports it on its object.
 */
export function parseEmbeddedYaml(text: string): unknown {
  const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const first = list[0];
  if (!first) return undefined;
  const err = first.errors[0];
  if (err) throw new Error(err.message.split('\n')[0]);
  return first.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
}
