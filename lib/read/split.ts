/**
 * How kubectl cuts a YAML stream into documents (k8s.io/apimachinery util/yaml YAMLReader), before
 * go-yaml sees any of them: every line that starts with `---` ends a document; the rest of that
 * line may hold only spaces or a comment, anything else (`--- a: 1`, `----`) is an error that stops
 * the stream. Documents are parsed one by one, so a `%YAML` directive before a `---` is left alone
 * in its own document, where go-yaml rejects it. Only the separator lines are visited (indexOf),
 * so splitting costs little next to parsing.
 */

/** One document's text: [start, end) of the stream. */
export interface Chunk {
  readonly start: number;
  readonly end: number;
}

export interface Split {
  readonly chunks: Chunk[];
  /** The separator line that stopped the stream, if any (offset of its start). */
  readonly error?: { readonly offset: number; readonly message: string } | undefined;
}

export function splitDocuments(text: string): Split {
  const chunks: Chunk[] = [];
  let start = 0;
  let at = text.startsWith('---') ? 0 : nextSeparator(text, 0);
  while (at >= 0) {
    const nl = text.indexOf('\n', at);
    const lineEnd = nl < 0 ? text.length : nl;
    const rest = text.slice(at + 3, lineEnd).trim();
    if (rest.length > 0 && rest[0] !== '#') {
      if (at > start) chunks.push({ start, end: at });
      return { chunks, error: { offset: at, message: `invalid document separator "---${rest.length > 20 ? `${rest.slice(0, 20)}…` : rest}": kubectl accepts only spaces or a comment after ---` } };
    }
    if (at > start) chunks.push({ start, end: at });
    start = nl < 0 ? text.length : nl + 1;
    at = nextSeparator(text, start);
  }
  if (start < text.length) chunks.push({ start, end: text.length });
  return { chunks };
}

/** The start of the next line at or after `from` (itself a line start) that begins with `---`. */
function nextSeparator(text: string, from: number): number {
  if (from < text.length && text.startsWith('---', from)) return from;
  const i = text.indexOf('\n---', from);
  return i < 0 ? -1 : i + 1;
}

/** 1-based line of an offset (counted on demand: only diagnostics need lines). */
export class LineIndex {
  private starts: Uint32Array | undefined;
  constructor(private readonly text: string) {}
  line(offset: number): number {
    if (!this.starts) {
      const s: number[] = [0];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) s.push(i + 1);
      this.starts = Uint32Array.from(s);
    }
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}
