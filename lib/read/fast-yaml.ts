/**
 * The fast YAML reader: one document of the block YAML that kubectl, helm and dvpc print (block
 * mappings and sequences, compact `- key: value` items, plain, quoted and block scalars, one-line
 * flow collections, comments), straight to JSON values, without building a document tree and
 * without recording positions (a diagnostic's line is found again later, from the text).
 *
 * It decides nothing it is unsure of: anchors, aliases, tags, merge keys, multi-line plain or
 * quoted scalars, tabs where indentation or separation matters, duplicate keys, directives, odd
 * indentation, anything it does not expect, and it returns FALLBACK; the caller then reads the
 * document with the `yaml` package's document API (yaml-doc.ts), which also reports the errors.
 * Correctness therefore never depends on this file: test/read.test.ts reads every fixture and
 * thousands of random documents both ways and requires the same values.
 *
 * Scalars resolve as kubectl resolves them (resolve.ts). Work is linear in the text: every
 * character is looked at a bounded number of times, and keys are checked for duplicates with
 * one hash lookup each.
 */
import type { Json, JsonObject } from '../core/json.ts';
import { setKey } from '../core/json.ts';
import { NOT_JSON, plainKey, plainValue } from './resolve.ts';

export const FALLBACK: unique symbol = Symbol('fallback to the document API');

/** Thrown inside the reader when it is unsure; one shared instance, so no stack is captured. */
const UNSURE = { unsure: true } as const;
/** Deeper nesting than this goes to the document API (which reports real abuse). */
const MAX_DEPTH = 200;
/** Implicit keys longer than this are an error in go-yaml (1024); leave them to the document API. */
const MAX_KEY = 1000;

const NL = 10;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const DQUOTE = 34;
const SQUOTE = 39;

/** First characters that make a plain key or value something else (YAML indicators). */
const NOT_PLAIN_START = new Uint8Array(128);
for (const c of '?:,[]{}#&*!|>%@`\'"') NOT_PLAIN_START[c.charCodeAt(0)] = 1;

class Reader {
  /** Start of the current content line, its indentation, and whether the document has ended. */
  private ls = 0;
  private ind = 0;
  private done = false;
  private depth = 0;
  /** Set by scanPlain: end of the plain text, trailing spaces excluded. */
  private plainEnd = 0;

  constructor(
    private readonly s: string,
    private pos: number,
    private readonly end: number,
  ) {}

  document(): Json {
    this.nextContent();
    if (this.done) return null;
    const v = this.node(-1);
    if (!this.done) throw UNSURE;
    return v;
  }

  private code(i: number): number {
    return i < this.end ? this.s.charCodeAt(i) : NL;
  }

  /** Whether position i ends a `-` or `:` indicator (a space or the end of the line). */
  private blankAt(i: number): boolean {
    const c = this.code(i);
    if (c === TAB) throw UNSURE;
    return c === SPACE || c === NL;
  }

  private eol(i: number): number {
    const n = this.s.indexOf('\n', i);
    return n < 0 || n > this.end ? this.end : n;
  }

  /** Moves to the next line with content (blank and comment lines skipped); sets ls, ind, pos. */
  private nextContent(): void {
    const s = this.s;
    const end = this.end;
    let p = this.pos;
    while (p < end) {
      let i = p;
      while (i < end && s.charCodeAt(i) === SPACE) i++;
      if (i >= end) break;
      const c = s.charCodeAt(i);
      if (c === NL) {
        p = i + 1;
        continue;
      }
      if (c === HASH) {
        p = this.eol(i) + 1;
        continue;
      }
      if (c === TAB) throw UNSURE;
      // A directive or a document end marker at the start of a line.
      if (i === p && (c === 37 || (c === 46 && s.startsWith('...', i)))) throw UNSURE;
      this.ls = p;
      this.ind = i - p;
      this.pos = i;
      return;
    }
    this.pos = end;
    this.done = true;
    this.ind = -1;
  }

  /** After a value on this line: to the next content line, which must not be deeper than parent. */
  private afterLine(lineEnd: number, parent: number): void {
    this.pos = lineEnd + 1;
    this.nextContent();
    // A deeper line would continue the scalar over several lines, or be an error.
    if (!this.done && this.ind > parent) throw UNSURE;
  }

  /** Only spaces and a comment may follow a quoted scalar or a flow collection on its line. */
  private restOfLine(i: number): number {
    const s = this.s;
    let j = i;
    while (j < this.end && s.charCodeAt(j) === SPACE) j++;
    const c = this.code(j);
    if (c === NL) return j;
    if (c === HASH && j > i) return this.eol(j);
    throw UNSURE;
  }

  /** A block node at pos (a line's first content, or just after `- `); parent is the enclosing indentation. */
  private node(parent: number): Json {
    if (++this.depth > MAX_DEPTH) throw UNSURE;
    const s = this.s;
    const p = this.pos;
    const col = p - this.ls;
    const c = s.charCodeAt(p);
    let v: Json;
    if (c === DASH && this.blankAt(p + 1)) {
      v = this.seq(col);
    } else if (c === DQUOTE || c === SQUOTE) {
      const text = this.quoted(p);
      let i = this.pos;
      while (i < this.end && s.charCodeAt(i) === SPACE) i++;
      if (this.code(i) === COLON && this.blankAt(i + 1)) v = this.map(col, text, i);
      else {
        this.afterLine(this.restOfLine(this.pos), parent);
        v = text;
      }
    } else if (c === 124 || c === 62 || c === 91 || c === 123) {
      v = this.inline(parent);
    } else {
      if (c < 128 && NOT_PLAIN_START[c] === 1) throw UNSURE;
      const colon = this.scanPlain(p);
      if (colon >= 0) {
        v = this.map(col, this.plainKeyAt(p), colon);
      } else {
        const r = plainValue(s.slice(p, this.plainEnd));
        if (r === NOT_JSON) throw UNSURE;
        this.afterLine(this.eol(this.plainEnd), parent);
        v = r;
      }
    }
    this.depth--;
    return v;
  }

  private plainKeyAt(p: number): string {
    const raw = this.s.slice(p, this.plainEnd);
    if (raw.length === 0 || raw.length > MAX_KEY || raw === '<<') throw UNSURE;
    const k = plainKey(raw);
    if (typeof k !== 'string') throw UNSURE;
    return k;
  }

  /**
   * Scans a plain scalar on this line from p. Returns the index of a mapping indicator (`: ` or a
   * `:` at the end of the line), or -1; sets plainEnd (the end of the text, trailing spaces
   * excluded; a ` #` comment ends it).
   */
  private scanPlain(p: number): number {
    const s = this.s;
    const end = this.end;
    let last = p;
    for (let i = p; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === NL) break;
      if (c === SPACE) continue;
      if (c === COLON) {
        const n = i + 1 < end ? s.charCodeAt(i + 1) : NL;
        if (n === SPACE || n === NL) {
          this.plainEnd = last;
          return i;
        }
        if (n === TAB) throw UNSURE;
      } else if (c === HASH) {
        if (s.charCodeAt(i - 1) === SPACE) break;
      } else if (c === TAB) {
        throw UNSURE;
      }
      last = i + 1;
    }
    this.plainEnd = last;
    return -1;
  }

  /** A block mapping at column col whose first key (already read) ends with the `:` at colon. */
  private map(col: number, firstKey: string, colon: number): JsonObject {
    const s = this.s;
    const obj: JsonObject = {};
    let key = firstKey;
    let at = colon;
    for (;;) {
      if (Object.hasOwn(obj, key)) throw UNSURE; // a duplicate: the document API reports it with its line
      let i = at + 1;
      while (i < this.end && s.charCodeAt(i) === SPACE) i++;
      setKey(obj, key, this.value(i, col));
      if (this.done || this.ind < col) return obj;
      if (this.ind > col) throw UNSURE;
      // The next key, at the same indentation.
      const p = this.pos;
      const c = s.charCodeAt(p);
      if (c === DQUOTE || c === SQUOTE) {
        key = this.quoted(p);
        let j = this.pos;
        while (j < this.end && s.charCodeAt(j) === SPACE) j++;
        if (this.code(j) !== COLON || !this.blankAt(j + 1)) throw UNSURE;
        at = j;
      } else {
        if (c === DASH || (c < 128 && NOT_PLAIN_START[c] === 1)) throw UNSURE;
        at = this.scanPlain(p);
        if (at < 0) throw UNSURE;
        key = this.plainKeyAt(p);
      }
    }
  }

  /** The value after `key:` (i: its first character after spaces); col is the mapping's column. */
  private value(i: number, col: number): Json {
    const c = this.code(i);
    if (c === NL || c === HASH) {
      this.pos = (c === NL ? Math.min(i, this.end) : this.eol(i)) + 1;
      this.nextContent();
      if (this.done) return null;
      if (this.ind > col) return this.node(col);
      // A sequence may sit at the mapping's own indentation (`key:` then `- item`).
      if (this.ind === col && this.s.charCodeAt(this.pos) === DASH && this.blankAt(this.pos + 1)) return this.seq(col);
      return null;
    }
    if (c === TAB) throw UNSURE;
    this.pos = i;
    return this.inline(col);
  }

  /** A scalar or flow collection at pos, on this line; parent: the enclosing indentation. */
  private inline(parent: number): Json {
    const s = this.s;
    const p = this.pos;
    const c = s.charCodeAt(p);
    let v: Json;
    let lineEnd: number;
    if (c === DQUOTE || c === SQUOTE) {
      v = this.quoted(p);
      lineEnd = this.restOfLine(this.pos);
    } else if (c === 124 || c === 62) {
      return this.blockScalar(p, parent);
    } else if (c === 91 || c === 123) {
      this.pos = p;
      v = this.flowNode(0);
      lineEnd = this.restOfLine(this.pos);
    } else {
      if ((c < 128 && NOT_PLAIN_START[c] === 1) || (c === DASH && this.blankAt(p + 1))) throw UNSURE;
      if (this.scanPlain(p) >= 0) throw UNSURE; // `a: b: c`
      const r = plainValue(s.slice(p, this.plainEnd));
      if (r === NOT_JSON) throw UNSURE;
      v = r;
      lineEnd = this.eol(this.plainEnd);
    }
    this.afterLine(lineEnd, parent);
    return v;
  }

  /** A block sequence whose `-` indicators sit at column col. */
  private seq(col: number): Json[] {
    const s = this.s;
    const arr: Json[] = [];
    for (;;) {
      let i = this.pos + 1;
      while (i < this.end && s.charCodeAt(i) === SPACE) i++;
      const c = this.code(i);
      if (c === NL || c === HASH) {
        this.pos = (c === NL ? Math.min(i, this.end) : this.eol(i)) + 1;
        this.nextContent();
        arr.push(!this.done && this.ind > col ? this.node(col) : null);
      } else {
        if (c === TAB) throw UNSURE;
        this.pos = i;
        arr.push(this.node(col));
      }
      if (this.done || this.ind < col) return arr;
      if (this.ind > col) throw UNSURE;
      // The same indentation without `- `: the enclosing mapping's next key (or an error it sees).
      if (s.charCodeAt(this.pos) !== DASH || !this.blankAt(this.pos + 1)) return arr;
    }
  }

  /** A single-line quoted scalar at p; leaves pos after the closing quote. */
  private quoted(p: number): string {
    const s = this.s;
    const end = this.end;
    const q = s.charCodeAt(p);
    let out = '';
    let seg = p + 1;
    for (let i = p + 1; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === NL) throw UNSURE; // multi-line: line folding is the document API's
      if (c === q) {
        if (q === SQUOTE && s.charCodeAt(i + 1) === SQUOTE) {
          out += s.slice(seg, i + 1);
          i++;
          seg = i + 1;
          continue;
        }
        this.pos = i + 1;
        return out + s.slice(seg, i);
      }
      if (c === 92 && q === DQUOTE) {
        out += s.slice(seg, i);
        const [text, len] = this.escape(i + 1);
        out += text;
        i += len;
        seg = i + 1;
      }
    }
    throw UNSURE;
  }

  /** The escape after a backslash at i: its text and how many characters it took. */
  private escape(i: number): [string, number] {
    const e = String.fromCharCode(this.code(i));
    const simple = ESCAPES[e];
    if (simple !== undefined) return [simple, 1];
    const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (width === 0) throw UNSURE;
    const hex = this.s.slice(i + 1, i + 1 + width);
    if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) throw UNSURE;
    const cp = parseInt(hex, 16);
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) throw UNSURE;
    return [String.fromCodePoint(cp), 1 + width];
  }

  /** A literal (`|`) or folded (`>`) block scalar whose header is at p. */
  private blockScalar(p: number, parent: number): string {
    const s = this.s;
    const end = this.end;
    const folded = s.charCodeAt(p) === 62;
    let i = p + 1;
    let chomp: 'clip' | 'strip' | 'keep' = 'clip';
    const h = this.code(i);
    if (h === DASH) chomp = 'strip';
    else if (h === 43) chomp = 'keep';
    if (chomp !== 'clip') i++;
    if (this.code(i) >= 48 && this.code(i) <= 57) throw UNSURE; // an indentation indicator
    let q = this.restOfLine(i) + 1;
    const lines: string[] = [];
    let indent = -1;
    let leadingBlank = 0;
    while (q < end) {
      let j = q;
      while (j < end && s.charCodeAt(j) === SPACE) j++;
      const k = j - q;
      const c = this.code(j);
      if (c === NL) {
        if (indent < 0) leadingBlank = Math.max(leadingBlank, k);
        else if (k > indent) throw UNSURE; // spaces beyond the indentation are content
        lines.push('');
        q = j + 1;
        continue;
      }
      if (indent < 0) {
        if (k <= parent) break;
        if (leadingBlank > k) throw UNSURE;
        indent = k;
      } else if (k < indent) {
        break;
      }
      if (folded && k > indent) throw UNSURE; // more-indented lines fold differently
      const le = this.eol(j);
      const text = s.slice(q + indent, le);
      if (folded && text.charCodeAt(0) === TAB) throw UNSURE;
      lines.push(text);
      q = le + 1;
    }
    let last = lines.length - 1;
    while (last >= 0 && lines[last] === '') last--;
    let value: string;
    if (last < 0) {
      if (chomp === 'keep' && lines.length > 0) throw UNSURE;
      value = '';
    } else {
      const body = lines.slice(0, last + 1);
      value = folded ? fold(body) : body.join('\n');
      if (chomp === 'clip') value += '\n';
      else if (chomp === 'keep') value += '\n'.repeat(lines.length - last);
    }
    this.pos = Math.min(q, end);
    this.nextContent();
    if (!this.done && this.ind > parent) throw UNSURE;
    return value;
  }

  /** A flow collection or scalar inside `[...]` / `{...}` on one line, at pos. */
  private flowNode(depth: number): Json {
    if (depth > MAX_DEPTH) throw UNSURE;
    const s = this.s;
    const p = this.pos;
    const c = this.code(p);
    if (c === 91) {
      const arr: Json[] = [];
      this.pos = this.flowSpace(p + 1);
      if (this.code(this.pos) === 93) {
        this.pos++;
        return arr;
      }
      for (;;) {
        arr.push(this.flowNode(depth + 1));
        this.pos = this.flowSpace(this.pos);
        const d = this.code(this.pos);
        if (d === 93) {
          this.pos++;
          return arr;
        }
        if (d !== 44) throw UNSURE;
        this.pos = this.flowSpace(this.pos + 1);
        if (this.code(this.pos) === 93) {
          this.pos++;
          return arr;
        }
      }
    }
    if (c === 123) {
      const obj: JsonObject = {};
      this.pos = this.flowSpace(p + 1);
      if (this.code(this.pos) === 125) {
        this.pos++;
        return obj;
      }
      for (;;) {
        const k = this.code(this.pos);
        let key: string;
        if (k === DQUOTE || k === SQUOTE) key = this.quoted(this.pos);
        else {
          const start = this.pos;
          if (k === DASH || (k < 128 && NOT_PLAIN_START[k] === 1)) throw UNSURE;
          this.flowPlainEnd(start);
          const raw = s.slice(start, this.plainEnd);
          const pk = raw.length > 0 && raw !== '<<' ? plainKey(raw) : undefined;
          if (typeof pk !== 'string') throw UNSURE;
          key = pk;
        }
        if (Object.hasOwn(obj, key)) throw UNSURE;
        const colon = this.flowSpace(this.pos);
        if (this.code(colon) !== COLON || this.code(colon + 1) !== SPACE) throw UNSURE;
        this.pos = this.flowSpace(colon + 1);
        setKey(obj, key, this.flowNode(depth + 1));
        this.pos = this.flowSpace(this.pos);
        const d = this.code(this.pos);
        if (d === 125) {
          this.pos++;
          return obj;
        }
        if (d !== 44) throw UNSURE;
        this.pos = this.flowSpace(this.pos + 1);
        if (this.code(this.pos) === 125) {
          this.pos++;
          return obj;
        }
      }
    }
    if (c === DQUOTE || c === SQUOTE) return this.quoted(p);
    if (c === NL || c === 44 || c === 93 || c === 125 || c === DASH || (c < 128 && NOT_PLAIN_START[c] === 1)) throw UNSURE;
    this.flowPlainEnd(p);
    const r = plainValue(s.slice(p, this.plainEnd));
    if (r === NOT_JSON) throw UNSURE;
    return r;
  }

  /** A plain scalar inside a flow collection: up to `,[]{}`; any `:` or `#` is left to the document API. */
  private flowPlainEnd(p: number): void {
    const s = this.s;
    let last = p;
    let i = p;
    for (; i < this.end; i++) {
      const c = s.charCodeAt(i);
      if (c === 44 || c === 91 || c === 93 || c === 123 || c === 125) break;
      if (c === COLON || c === HASH || c === NL || c === TAB) {
        if (c === COLON && i > p) break; // perhaps a key's indicator: the caller checks
        throw UNSURE;
      }
      if (c !== SPACE) last = i + 1;
    }
    if (last === p) throw UNSURE;
    this.plainEnd = last;
    this.pos = last;
  }

  private flowSpace(i: number): number {
    const s = this.s;
    while (i < this.end) {
      const c = s.charCodeAt(i);
      if (c === SPACE) i++;
      else if (c === NL || c === TAB) throw UNSURE;
      else break;
    }
    return i;
  }
}

const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '\\': '\\',
  N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};

/** Folding of a folded block scalar's lines (no more-indented lines): breaks become spaces. */
function fold(lines: readonly string[]): string {
  let out = '';
  let breaks = 0;
  let started = false;
  for (const line of lines) {
    if (line === '') {
      breaks++;
      continue;
    }
    out += started ? (breaks === 0 ? ' ' : '\n'.repeat(breaks)) : '\n'.repeat(breaks);
    out += line;
    breaks = 0;
    started = true;
  }
  return out;
}

/**
 * Reads the document in s[start, end) (a kubectl document: LF line ends, no directive) as JSON,
 * or returns FALLBACK when the document API must decide.
 */
export function readFast(s: string, start: number, end: number): Json | typeof FALLBACK {
  try {
    return new Reader(s, start, end).document();
  } catch (e) {
    if (e === UNSURE || e instanceof RangeError) return FALLBACK;
    throw e;
  }
}
